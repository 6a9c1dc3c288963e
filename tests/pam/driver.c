/*
 * driver.c: tier 1 PAM test driver.  Runs pam_authenticate() for one
 * service and user with its own conversation function, which prints every
 * message a person would see, one line each:
 *
 *	PROMPT_ECHO_OFF "otp-sha1 9 ab12 ext\nResponse: "
 *	RESULT PAM_SUCCESS
 *
 * (text in C-like quotes: \n, \", \\ and \xHH for other unprintable
 * bytes).  Prompts are answered, in order, by the --answer texts; once they
 * are used up, by the OTP response to the challenge in the prompt computed
 * from --passphrase; with neither, the conversation fails.  Answers are
 * never printed.
 *
 * usage: driver --service S --user U [--confdir DIR] [--passphrase P]
 *	[--hex] [--answer TEXT]... [--conv-fail] [--null-reply] [--null-resp]
 *
 * --confdir uses pam_start_confdir() (no preload needed); without it
 * pam_start() reads the service from the system or, under pam_wrapper,
 * from PAM_WRAPPER_SERVICE_DIR.  --conv-fail makes the conversation return
 * PAM_CONV_ERR, --null-reply makes it return PAM_SUCCESS without replies
 * (a NULL array), --null-resp with an array of NULL replies (what
 * misc_conv gives at end of input).
 * Exit status: 0 when pam_authenticate() ran (its result is printed), 2 on
 * a usage error, 1 when PAM could not be started.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "saslstep-int.h"
#include "otp.h"

#define MAX_ANSWERS 16

struct script {
	const char *answers[MAX_ANSWERS];
	int nanswers;
	int next;
	const char *passphrase;
	int hex;
	int conv_fail;
	int null_reply;
	int null_resp;
};

static const struct {
	int code;
	const char *name;
} pam_codes[] = {{PAM_SUCCESS, "PAM_SUCCESS"}, {PAM_OPEN_ERR, "PAM_OPEN_ERR"},
    {PAM_SYMBOL_ERR, "PAM_SYMBOL_ERR"}, {PAM_SERVICE_ERR, "PAM_SERVICE_ERR"},
    {PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR"}, {PAM_BUF_ERR, "PAM_BUF_ERR"},
    {PAM_PERM_DENIED, "PAM_PERM_DENIED"}, {PAM_AUTH_ERR, "PAM_AUTH_ERR"},
    {PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT"},
    {PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL"},
    {PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN"}, {PAM_MAXTRIES, "PAM_MAXTRIES"},
    {PAM_CONV_ERR, "PAM_CONV_ERR"}, {PAM_ABORT, "PAM_ABORT"},
    {PAM_IGNORE, "PAM_IGNORE"}, {PAM_INCOMPLETE, "PAM_INCOMPLETE"}, {-1, NULL}};

static const char *
pam_code_name(int code)
{
	static char buf[32];
	int i;

	for (i = 0; pam_codes[i].name != NULL; i++)
		if (pam_codes[i].code == code)
			return pam_codes[i].name;
	snprintf(buf, sizeof(buf), "PAM_CODE_%d", code);
	return buf;
}

static const char *
style_name(int style)
{
	switch (style) {
	case PAM_PROMPT_ECHO_OFF:
		return "PROMPT_ECHO_OFF";
	case PAM_PROMPT_ECHO_ON:
		return "PROMPT_ECHO_ON";
	case PAM_ERROR_MSG:
		return "ERROR_MSG";
	case PAM_TEXT_INFO:
		return "TEXT_INFO";
	default:
		return "UNKNOWN_STYLE";
	}
}

static void
print_quoted(const char *s)
{
	const unsigned char *p;

	putchar('"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			printf("\\x%02x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/*
 * The OTP response to the challenge on the first line of a prompt, as six
 * words (or "hex:" and 16 hex digits).  NULL when there is no challenge.
 */
static char *
otp_answer(const struct script *sc, const char *prompt)
{
	struct sstep_otp_params p;
	unsigned char otp[SSTEP_OTP_LEN];
	char out[SSTEP_OTP_WORDS_MAX + 1], hex[SSTEP_OTP_HEX_LEN + 1];
	const char *nl, *why;
	char *r = NULL;

	nl = strchr(prompt, '\n');
	if (nl == NULL ||
	    sstep_otp_challenge_parse(
	        prompt, (size_t)(nl - prompt), &p, NULL, &why) != SASLSTEP_OK)
		return NULL;
	if (sstep_otp_compute(p.alg, sc->passphrase, strlen(sc->passphrase),
	        p.seed, strlen(p.seed), p.seq, otp, &why) != SASLSTEP_OK) {
		fprintf(stderr, "driver: cannot compute the OTP: %s\n", why);
		return NULL;
	}
	if (sc->hex) {
		sstep_otp_to_hex(otp, hex);
		snprintf(out, sizeof(out), "hex:%s", hex);
	} else
		sstep_otp_to_words(otp, out);
	r = strdup(out);
	sstep_wipe(otp, sizeof(otp));
	sstep_wipe(out, sizeof(out));
	sstep_wipe(hex, sizeof(hex));
	return r;
}

static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct script *sc = appdata;
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		printf("%s ", style_name(msg[i]->msg_style));
		print_quoted(msg[i]->msg != NULL ? msg[i]->msg : "(null)");
		putchar('\n');
		if (msg[i]->msg_style != PAM_PROMPT_ECHO_OFF &&
		    msg[i]->msg_style != PAM_PROMPT_ECHO_ON)
			continue;
		/* Failing, or giving no reply: nothing to compute. */
		if (sc->conv_fail || sc->null_reply || sc->null_resp)
			continue;
		if (sc->next < sc->nanswers)
			r[i].resp = strdup(sc->answers[sc->next++]);
		else if (sc->passphrase != NULL)
			r[i].resp = otp_answer(sc, msg[i]->msg);
		if (r[i].resp == NULL) {
			printf("CONV no answer\n");
			goto fail;
		}
	}
	if (sc->conv_fail)
		goto fail;
	if (sc->null_reply) {
		free(r);
		*resp = NULL;
		return PAM_SUCCESS;
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		sstep_free_str(r[i].resp);
	free(r);
	return PAM_CONV_ERR;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: driver --service S --user U [--confdir DIR] "
	    "[--passphrase P] [--hex]\n\t[--answer TEXT]... [--conv-fail] "
	    "[--null-reply]\n\t[--null-resp]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"service", required_argument, NULL, 's'},
	    {"user", required_argument, NULL, 'u'},
	    {"confdir", required_argument, NULL, 'c'},
	    {"passphrase", required_argument, NULL, 'p'},
	    {"hex", no_argument, NULL, 'x'},
	    {"answer", required_argument, NULL, 'a'},
	    {"conv-fail", no_argument, NULL, 'f'},
	    {"null-reply", no_argument, NULL, 'n'},
	    {"null-resp", no_argument, NULL, 'N'}, {NULL, 0, NULL, 0}};
	struct script sc;
	struct pam_conv conv = {conversation, &sc};
	const char *service = NULL, *user = NULL, *confdir = NULL;
	pam_handle_t *pamh = NULL;
	int c, r;

	memset(&sc, 0, sizeof(sc));
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			service = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'c':
			confdir = optarg;
			break;
		case 'p':
			sc.passphrase = optarg;
			break;
		case 'x':
			sc.hex = 1;
			break;
		case 'a':
			if (sc.nanswers == MAX_ANSWERS)
				usage();
			sc.answers[sc.nanswers++] = optarg;
			break;
		case 'f':
			sc.conv_fail = 1;
			break;
		case 'n':
			sc.null_reply = 1;
			break;
		case 'N':
			sc.null_resp = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || service == NULL || user == NULL)
		usage();
	/* Transcript lines must come out in order with anything the module
	 * writes to stderr. */
	setvbuf(stdout, NULL, _IONBF, 0);

	if (confdir != NULL) {
#ifdef HAVE_PAM_START_CONFDIR
		r = pam_start_confdir(service, user, &conv, confdir, &pamh);
#else
		fprintf(stderr, "driver: no pam_start_confdir()\n");
		return 77;
#endif
	} else
		r = pam_start(service, user, &conv, &pamh);
	if (r != PAM_SUCCESS) {
		fprintf(stderr, "driver: pam_start: %s\n", pam_code_name(r));
		return 1;
	}
	r = pam_authenticate(pamh, 0);
	printf("RESULT %s\n", pam_code_name(r));
	pam_end(pamh, r);
	return 0;
}

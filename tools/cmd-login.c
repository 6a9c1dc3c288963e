/*
 * cmd-login.c: saslstep login U: one login on the terminal through the
 * same bridge as the PAM module (pam_saslstep/bridge.h), so a person, an
 * admin trying an enrolment, or a script with piped stdin sees exactly
 * the prompts sshd or login would show.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "cli.h"
#include "bridge.h"

/*
 * The conversation of a terminal: information on stdout, errors on
 * stderr, and each prompt answered by one line of stdin (echo off for
 * PAM_PROMPT_ECHO_OFF when stdin is a terminal).  Replies are malloc'ed,
 * as PAM wants: the bridge wipes and frees them.
 */
static int
term_conv(int n, const struct pam_message **msg, struct pam_response **resp,
    void *appdata)
{
	struct pam_response *r;
	const struct pam_message *m;
	const char *text;
	size_t len;
	int i, got, ret = PAM_CONV_ERR;

	(void)appdata;
	*resp = NULL;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	if ((r = calloc((size_t)n, sizeof(*r))) == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		m = msg[i];
		text = m->msg != NULL ? m->msg : "";
		switch (m->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			got = cli_read_line(stdout, text,
			    m->msg_style == PAM_PROMPT_ECHO_OFF, &r[i].resp,
			    &len);
			if (got == 0)
				cli_error("end of input before the answer");
			if (got != 1)
				goto out;
			break;
		case PAM_ERROR_MSG:
			fflush(stdout);
			fprintf(stderr, "%s\n", text);
			break;
		case PAM_TEXT_INFO:
			printf("%s\n", text);
			fflush(stdout);
			break;
		default:
			goto out;
		}
	}
	*resp = r;
	r = NULL; /* transferred */
	ret = PAM_SUCCESS;
out:
	if (r != NULL) {
		for (i = 0; i < n; i++)
			sstep_free_str(r[i].resp);
		free(r);
	}
	return ret;
}

/* The bridge's log is for the admin: shown with --verbose only. */
static void
term_log(void *ctx, int priority, const char *msg)
{
	const int *verbose = ctx;

	(void)priority;
	if (*verbose) {
		fflush(stdout);
		fprintf(stderr, "saslstep: log: %s\n", msg);
	}
}

/* A mistake in the options, as the bridge reports it: always shown. */
static void
args_log(void *ctx, int priority, const char *msg)
{
	(void)ctx;
	(void)priority;
	cli_error("%s", msg);
}

/* What a failure other than a wrong answer was, in one line (NULL: say
 * nothing more than "login failed"). */
static const char *
failure_class(int r)
{
	switch (r) {
	case PAM_AUTH_ERR:
		return NULL;
	case PAM_AUTHINFO_UNAVAIL:
		return "the credential store is unavailable";
	case PAM_CONV_ERR:
		return NULL; /* the conversation said why */
	case PAM_BUF_ERR:
		return "out of memory";
	case PAM_IGNORE:
		return "not enrolled";
	default:
		return "internal error";
	}
}

static int
login(const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"mech", required_argument, NULL, 'm'},
	    {"verbose", no_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
	const struct pam_conv conv = {term_conv, NULL};
	struct bridge_opts o;
	struct bridge_env env;
	const char *args[3];
	const char *mech = NULL, *why;
	char *dbarg = NULL, *mecharg = NULL;
	int c, ind = 0, nargs = 0, verbose = 0, r;
	int ret = CLI_FAIL;

	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'm':
			mech = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - ind, 1, 1) != CLI_OK)
		return CLI_USAGE;

	/* The options become module arguments, so the bridge parses them as
	 * it parses a PAM stanza and refuses the same mistakes. */
	if (cli->db != NULL) {
		if (asprintf(&dbarg, "db=%s", cli->db) == -1) {
			dbarg = NULL;
			cli_error("out of memory");
			goto out;
		}
		args[nargs++] = dbarg;
	}
	if (mech != NULL) {
		if (asprintf(&mecharg, "mech=%s", mech) == -1) {
			mecharg = NULL;
			cli_error("out of memory");
			goto out;
		}
		args[nargs++] = mecharg;
	}
	if (verbose)
		args[nargs++] = "debug";
	if (bridge_args_parse(&o, nargs, args, args_log, NULL) != PAM_SUCCESS) {
		ret = CLI_USAGE;
		goto out;
	}

	memset(&env, 0, sizeof(env));
	env.service = "saslstep";
	env.user = argv[ind];
	env.conv = &conv;
	env.log = term_log;
	env.log_ctx = &verbose;
	r = bridge_authenticate(&o, &env);
	if (r == PAM_SUCCESS) {
		puts("login OK");
		ret = CLI_OK;
		goto out;
	}
	puts("login failed");
	if ((why = failure_class(r)) != NULL)
		cli_error("%s%s", why, verbose ? "" : " (--verbose says more)");
out:
	free(dbarg);
	free(mecharg);
	return ret;
}

const struct cli_cmd cli_login_cmds[] = {
    {"login", "U [--mech M] [--verbose]",
        "Log user U in through the same bridge as pam_saslstep(8): the\n"
        "prompts are those sshd or login would show, each answered by one\n"
        "line of stdin (echo off for secrets on a terminal; piped stdin\n"
        "works too).  Prints \"login OK\" (exit 0) or \"login failed\"\n"
        "(exit 1).\n"
        "\n"
        "  --mech M    mechanism(s), as the module's mech= (default OTP)\n"
        "  --verbose   show the bridge's log lines (what an admin would\n"
        "              find in syslog), prefixed \"saslstep: log: \"\n",
        CLI_DB, login},
    {NULL, NULL, NULL, 0, NULL}};

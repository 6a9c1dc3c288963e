/*
 * kbdint-client: log in to an SSH server on 127.0.0.1 with
 * keyboard-interactive authentication (libssh2), answering an OTP
 * challenge (RFC 2289) from a pass phrase, computing a TOTP code (RFC
 * 6238: SHA-1, 6 digits, 30 s) from a base32 key at the moment a prompt
 * comes, as a person reads it off their phone (--step-offset N: the code of
 * N steps later, a phone whose clock is fast), or sending a fixed answer
 * (a password: --answer-stdin reads it from stdin and never prints it).
 *
 * usage: kbdint-client --port P --user U
 *            (--passphrase P | --passphrase-stdin | --answer TEXT |
 *             --answer-stdin | --totp-key BASE32 [--step-offset N])
 *            [--hex] [--exec COMMAND]
 *
 * Every round the server sends is printed (name, instruction, prompts,
 * and the response sent), so a test can assert what a person would see
 * and replay a response.  Exit status: 0 authenticated (and COMMAND, if
 * any, ran and exited 0), 1 authentication refused, 2 any other error.
 *
 * A test program: it prints the one-time responses it sends (they are
 * spent once used, and the replay test needs them).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libssh2.h>

#include "saslstep-int.h"
#include "oath.h"
#include "otp.h"

#define EXIT_AUTH 1
#define EXIT_ERR  2

struct client {
	const char *passphrase;  /* NULL with --answer */
	const char *answer;      /* NULL with a pass phrase */
	int hide_answer;         /* a password: not printed */
	unsigned char *totp_key; /* --totp-key, decoded; NULL otherwise */
	size_t totp_keylen;
	long step_offset;
	int hex;
	int rounds;
	int error; /* a round could not be answered */
	int have_challenge;
	struct sstep_otp_params challenge; /* the last one seen, any round */
};

static void
usage(void)
{
	fputs("usage: kbdint-client --port P --user U\n"
	      "    (--passphrase P | --passphrase-stdin | --answer TEXT |\n"
	      "     --answer-stdin | --totp-key BASE32 [--step-offset N])\n"
	      "    [--hex] [--exec COMMAND]\n",
	    stderr);
	exit(EXIT_ERR);
}

/* Print len bytes of untrusted text, escaping all but printable ASCII. */
static void
print_quoted(const char *label, const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	printf("%s \"", label);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			putchar(c);
		else
			printf("\\x%02x", c);
	}
	printf("\"\n");
}

/*
 * Look for an OTP challenge, "otp-md5 N SEED ext" or "otp-sha1 N SEED ext"
 * (RFC 2289 s. 6, RFC 2243 s. 2.1), in len bytes that need not be
 * NUL-terminated: it starts at "otp-" and ends at the end of its line.
 */
static int
find_challenge(const char *s, size_t len, struct sstep_otp_params *p)
{
	struct sstep_otp_params tmp;
	const char *nl, *why;
	size_t off, n;

	for (off = 0; off + 4 <= len; off++) {
		if (memcmp(s + off, "otp-", 4) != 0)
			continue;
		nl = memchr(s + off, '\n', len - off);
		n = nl != NULL ? (size_t)(nl - (s + off)) : len - off;
		if (sstep_otp_challenge_parse(s + off, n, &tmp, NULL, &why) ==
		    SASLSTEP_OK) {
			*p = tmp;
			return 1;
		}
	}
	return 0;
}

/*
 * The response to the last challenge seen: six words by default, hex with
 * --hex (RFC 2289 s. 6: a server accepts both).  Returns a malloc'ed
 * string or NULL.
 */
static char *
otp_response(const struct client *c)
{
	unsigned char otp[SSTEP_OTP_LEN];
	char text[SSTEP_OTP_WORDS_MAX + 1];
	const char *why = NULL;
	char *ret = NULL;

	if (sstep_otp_compute(c->challenge.alg, c->passphrase,
	        strlen(c->passphrase), c->challenge.seed,
	        strlen(c->challenge.seed), c->challenge.seq, otp,
	        &why) != SASLSTEP_OK) {
		warnx("%s", why != NULL ? why : "OTP computation failed");
		goto out;
	}
	if (c->hex)
		sstep_otp_to_hex(otp, text);
	else
		sstep_otp_to_words(otp, text);
	ret = strdup(text);
out:
	sstep_wipe(otp, sizeof(otp));
	sstep_wipe(text, sizeof(text));
	return ret;
}

/* The TOTP code of now (the client's clock) plus the step offset,
 * malloc'ed, or NULL. */
static char *
totp_response(const struct client *c)
{
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t step = sstep_now() / 30 + c->step_offset;
	char *ret = NULL;

	if (step >= 0 &&
	    sstep_oath_code(SSTEP_OATH_SHA1, c->totp_key, c->totp_keylen,
	        (uint64_t)step, 6, code) == SASLSTEP_OK)
		ret = strdup(code);
	sstep_wipe(code, sizeof(code));
	return ret;
}

static LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC(kbdint_cb)
{
	struct client *c = *abstract;
	struct sstep_otp_params ch;
	const char *reply;
	int found = 0;
	char *computed = NULL;
	int i;

	c->rounds++;
	printf("round %d: prompts %d\n", c->rounds, num_prompts);
	print_quoted("name", name, name_len > 0 ? (size_t)name_len : 0);
	print_quoted("instruction", instruction,
	    instruction_len > 0 ? (size_t)instruction_len : 0);

	/*
	 * The challenge may come in the prompt (OpenSSH <= 10.2 glues
	 * PAM_TEXT_INFO onto it), the instruction or name, or in an earlier
	 * zero-prompt round (OpenSSH >= 10.3): remember the latest.
	 */
	if (name_len > 0)
		found |= find_challenge(name, (size_t)name_len, &ch);
	if (instruction_len > 0)
		found |=
		    find_challenge(instruction, (size_t)instruction_len, &ch);
	for (i = 0; i < num_prompts; i++)
		found |=
		    find_challenge(prompts[i].text, prompts[i].length, &ch);
	if (found) {
		c->challenge = ch;
		c->have_challenge = 1;
		printf("challenge %s %u %s\n", sstep_otp_alg_name(ch.alg),
		    ch.seq, ch.seed);
	}

	for (i = 0; i < num_prompts; i++) {
		print_quoted("prompt", prompts[i].text, prompts[i].length);
		printf("echo %d\n", prompts[i].echo ? 1 : 0);
		responses[i].text = NULL;
		responses[i].length = 0;
		if (c->answer != NULL)
			reply = c->answer;
		else if (c->totp_key != NULL) {
			if ((computed = totp_response(c)) == NULL) {
				warnx("cannot compute the TOTP code");
				c->error = 1;
				reply = "";
			} else
				reply = computed;
		} else if (!c->have_challenge) {
			warnx("a prompt without an OTP challenge");
			c->error = 1;
			reply = "";
		} else if ((computed = otp_response(c)) == NULL) {
			warnx("cannot compute the OTP response");
			c->error = 1;
			reply = "";
		} else
			reply = computed;
		if (c->hide_answer && reply == c->answer)
			printf("response (hidden)\n");
		else
			print_quoted("response", reply, strlen(reply));
		/* libssh2 frees each response with its free function. */
		if ((responses[i].text = strdup(reply)) != NULL)
			responses[i].length = (unsigned int)strlen(reply);
		else
			c->error = 1;
		sstep_free_str(computed);
		computed = NULL;
	}
	fflush(stdout);
}

/* Read one line (the pass phrase) from stdin, without its newline. */
static char *
read_line_stdin(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if ((n = getline(&line, &cap, stdin)) < 0) {
		free(line);
		return NULL;
	}
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	return line;
}

/* Run command over a session channel; print its output; its exit status. */
static int
run_command(LIBSSH2_SESSION *session, const char *command)
{
	LIBSSH2_CHANNEL *channel;
	char buf[1024];
	ssize_t n;
	int status;

	if ((channel = libssh2_channel_open_session(session)) == NULL) {
		warnx("cannot open a channel");
		return -1;
	}
	if (libssh2_channel_exec(channel, command) != 0) {
		warnx("exec refused");
		libssh2_channel_free(channel);
		return -1;
	}
	while ((n = libssh2_channel_read(channel, buf, sizeof(buf))) > 0)
		print_quoted("output", buf, (size_t)n);
	if (n < 0) {
		warnx("channel read error %zd", n);
		libssh2_channel_free(channel);
		return -1;
	}
	libssh2_channel_close(channel);
	libssh2_channel_wait_closed(channel);
	status = libssh2_channel_get_exit_status(channel);
	libssh2_channel_free(channel);
	printf("exit-status %d\n", status);
	return status;
}

int
main(int argc, char **argv)
{
	struct client c;
	struct sockaddr_in sin;
	LIBSSH2_SESSION *session = NULL;
	const char *user = NULL, *command = NULL, *methods;
	char *stdin_pass = NULL, *stdin_answer = NULL, *errmsg;
	unsigned long port = 0;
	char *ep;
	int i, r, sock = -1, ret = EXIT_ERR;

	memset(&c, 0, sizeof(c));
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (strcmp(opt, "--hex") == 0) {
			c.hex = 1;
			continue;
		}
		if (strcmp(opt, "--passphrase-stdin") == 0) {
			if (c.passphrase != NULL)
				usage();
			if ((stdin_pass = read_line_stdin()) == NULL) {
				warnx("no pass phrase on stdin");
				return EXIT_ERR;
			}
			c.passphrase = stdin_pass;
			continue;
		}
		if (strcmp(opt, "--answer-stdin") == 0) {
			if (c.answer != NULL)
				usage();
			if ((stdin_answer = read_line_stdin()) == NULL) {
				warnx("no answer on stdin");
				return EXIT_ERR;
			}
			c.answer = stdin_answer;
			c.hide_answer = 1;
			continue;
		}
		if (i + 1 >= argc)
			usage();
		if (strcmp(opt, "--port") == 0) {
			errno = 0;
			port = strtoul(argv[++i], &ep, 10);
			if (errno != 0 || *ep != '\0' || port == 0 ||
			    port > 65535)
				usage();
		} else if (strcmp(opt, "--user") == 0)
			user = argv[++i];
		else if (strcmp(opt, "--passphrase") == 0 &&
		         c.passphrase == NULL)
			c.passphrase = argv[++i];
		else if (strcmp(opt, "--answer") == 0 && c.answer == NULL)
			c.answer = argv[++i];
		else if (strcmp(opt, "--exec") == 0)
			command = argv[++i];
		else if (strcmp(opt, "--totp-key") == 0 && c.totp_key == NULL) {
			i++;
			if (sstep_base32_decode(argv[i], strlen(argv[i]),
			        &c.totp_key, &c.totp_keylen) != SASLSTEP_OK)
				usage();
		} else if (strcmp(opt, "--step-offset") == 0) {
			errno = 0;
			c.step_offset = strtol(argv[++i], &ep, 10);
			if (errno != 0 || *ep != '\0' ||
			    c.step_offset < -1000 || c.step_offset > 1000)
				usage();
		} else
			usage();
	}
	if (port == 0 || user == NULL ||
	    (c.passphrase != NULL) + (c.answer != NULL) +
	            (c.totp_key != NULL) !=
	        1)
		usage();

	if (libssh2_init(0) != 0) {
		warnx("libssh2_init failed");
		goto out;
	}
	if ((sock = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		warn("socket");
		goto out;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(sock, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		warn("connect");
		goto out;
	}
	if ((session = libssh2_session_init_ex(NULL, NULL, NULL, &c)) == NULL) {
		warnx("no session");
		goto out;
	}
	libssh2_session_set_blocking(session, 1);
	libssh2_session_set_timeout(session, 10000);
	if ((r = libssh2_session_handshake(session, sock)) != 0) {
		libssh2_session_last_error(session, &errmsg, NULL, 0);
		warnx("handshake: %s (%d)", errmsg, r);
		goto out;
	}
	methods =
	    libssh2_userauth_list(session, user, (unsigned int)strlen(user));
	printf("methods \"%s\"\n", methods != NULL ? methods : "");
	if (methods == NULL ||
	    strstr(methods, "keyboard-interactive") == NULL) {
		warnx("keyboard-interactive not offered");
		goto out;
	}
	r = libssh2_userauth_keyboard_interactive_ex(
	    session, user, (unsigned int)strlen(user), kbdint_cb);
	if (c.error) {
		warnx("could not answer a round");
		goto out;
	}
	if (r == LIBSSH2_ERROR_AUTHENTICATION_FAILED) {
		printf("auth failed\n");
		ret = EXIT_AUTH;
		goto out;
	}
	if (r != 0 || !libssh2_userauth_authenticated(session)) {
		libssh2_session_last_error(session, &errmsg, NULL, 0);
		warnx("authentication error: %s (%d)", errmsg, r);
		goto out;
	}
	printf("auth ok\n");
	if (command != NULL && run_command(session, command) != 0)
		goto out;
	ret = 0;
out:
	fflush(stdout);
	if (session != NULL) {
		libssh2_session_disconnect(session, "bye");
		libssh2_session_free(session);
	}
	if (sock != -1)
		close(sock);
	libssh2_exit();
	if (stdin_pass != NULL)
		sstep_free_str(stdin_pass);
	if (stdin_answer != NULL)
		sstep_free_str(stdin_answer);
	sstep_freezero(c.totp_key, c.totp_keylen);
	return ret;
}

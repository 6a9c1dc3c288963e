/*
 * cmd-exchange.c: saslstep client and saslstep server: one side of an
 * exchange over standard input and output, so that two of them, or one
 * of them and another SASL implementation, can be wired together with two
 * pipes (saslstep(1), "Wire format").
 *
 * Wire format: one line per message, the message in base64 (RFC 4648, no
 * line breaks); an empty message is an empty line.  When the mechanism is
 * client-first (RFC 4422 s. 3.3: an initial response), the client's first
 * line is its initial response; otherwise the server's first challenge
 * comes first.  Both sides know which from --mech.  When authentication
 * succeeds the server writes its final data (SCRAM's "v=", or an empty
 * line when there is none) as its last line and exits 0; when it fails it
 * writes nothing more and exits 1, its reason on stderr (the log, never
 * sent to the client).  The client exits 0 only once its mechanism has
 * accepted the server's last line (it verifies SCRAM's server signature);
 * end of input where a server message should come means the server
 * refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"

/* More rounds than any mechanism here needs (SCRAM has three): a peer
 * that keeps talking is refused rather than followed forever. */
#define EXCHANGE_MAX_ROUNDS 16
/* Prompts answered in one INTERACT round (no mechanism asks for more than
 * authzid, authcid and password at once). */
#define EXCHANGE_MAX_PROMPTS 8

/* ---------------------------------------------------------------------- */
/* The wire */

/* Write all of buf to fd, retrying after a signal or a short write. */
static int
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return cli_error("cannot write the message: %s",
			    n < 0 ? strerror(errno) : "nothing written");
		buf += n;
		len -= (size_t)n;
	}
	return CLI_OK;
}

/*
 * Send one message as a base64 line on stdout.  Straight to the file
 * descriptor, not through stdio: a PLAIN message holds the password, and
 * a copy left in a stdio buffer could not be wiped.
 */
static int
send_message(const char *data, unsigned len)
{
	char *b64 = NULL;
	size_t b64len = 0;
	int ret;

	if (sstep_base64_encode(data != NULL ? data : "", len, &b64, &b64len) !=
	    SASLSTEP_OK)
		return cli_error("out of memory");
	b64[b64len] = '\n'; /* over the NUL: the line is written by length */
	ret = write_all(STDOUT_FILENO, b64, b64len + 1);
	sstep_freezero(b64, b64len + 1);
	return ret;
}

/*
 * Read the peer's next message (a base64 line on stdin) into a new buffer
 * *msg of *len bytes (free with sstep_freezero: it may hold a password).
 * Returns 1 with a message, 0 at end of input, -1 on error (printed).
 */
static int
receive_message(const char *peer, unsigned char **msg, size_t *len)
{
	char *line = NULL;
	size_t linelen = 0;
	int got, r;

	*msg = NULL;
	*len = 0;
	if ((got = cli_read_line(NULL, NULL, 0, &line, &linelen)) != 1)
		return got;
	r = sstep_base64_decode(line, linelen, msg, len);
	sstep_free_str(line);
	if (r == SASLSTEP_NOMEM) {
		cli_error("out of memory");
		return -1;
	}
	if (r != SASLSTEP_OK) {
		cli_error("the %s sent a line that is not base64", peer);
		return -1;
	}
	return 1;
}

/*
 * What both sides check once their options are read: no operand, and
 * --mech naming a mechanism of the library (set in *mech).  Then SIGPIPE
 * is ignored: a peer gone away must be an error message, not a silent
 * death.  Returns CLI_OK or CLI_USAGE (message printed).
 */
static int
side_ready(const struct cli_cmd *self, int operands, const char *name,
    const struct sstep_mech **mech)
{
	if (cli_check_operands(self, operands, 0, 0) != CLI_OK)
		return CLI_USAGE;
	if (name == NULL)
		return cli_usage_error(self, "--mech is required");
	if ((*mech = sstep_mech_find(name, strlen(name))) == NULL)
		return cli_usage_error(self,
		    "unknown mechanism %s (this library has: %s)", name,
		    saslstep_mechanisms());
	signal(SIGPIPE, SIG_IGN);
	return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* Client: values asked for */

/*
 * Read one line from fd instead of stdin, with cli_read_line() (which
 * reads stdin, byte by byte, with echo off on a terminal when noecho):
 * stdin is lent to fd for the one read and given back.  Stdin holds the
 * protocol here, so prompts and --password-fd must read elsewhere.
 * Returns as cli_read_line().
 */
static int
read_line_from(int fd, FILE *promptfp, const char *prompt, int noecho,
    char **line, size_t *len)
{
	int saved, got;

	*line = NULL;
	*len = 0;
	if ((saved = dup(STDIN_FILENO)) == -1 || dup2(fd, STDIN_FILENO) == -1) {
		cli_error("cannot read from file descriptor %d: %s", fd,
		    strerror(errno));
		if (saved != -1)
			close(saved);
		return -1;
	}
	got = cli_read_line(promptfp, prompt, noecho, line, len);
	if (dup2(saved, STDIN_FILENO) == -1) {
		/* The protocol is lost with stdin: nothing can go on. */
		cli_error("cannot restore standard input: %s", strerror(errno));
		sstep_free_str(*line);
		*line = NULL;
		got = -1;
	}
	close(saved);
	return got;
}

/* What the client reads from the person, kept until the library copied
 * it (the call after the INTERACT round), then wiped. */
struct answers {
	char *value[EXCHANGE_MAX_PROMPTS];
	unsigned n;
	int tty; /* /dev/tty, opened at the first question; -1 before */
	FILE *ttyfp;
};

static void
answers_clear(struct answers *a)
{
	while (a->n > 0) {
		a->n--;
		sstep_free_str(a->value[a->n]);
		a->value[a->n] = NULL;
	}
}

/* Open the terminal for questions; 0 or -1. */
static int
open_tty(struct answers *a)
{
	int fd;

	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) == -1)
		return -1;
	if ((a->ttyfp = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	a->tty = fd;
	return 0;
}

/* What a request is for, to say which option gives it instead. */
static const char *
need_option(unsigned long id)
{
	switch (id) {
	case SASLSTEP_CB_AUTHNAME:
		return " (or give --authcid)";
	case SASLSTEP_CB_USER:
		return " (or give --authzid)";
	case SASLSTEP_CB_PASS:
		return " (or give --password-stdin or --password-fd)";
	default:
		return "";
	}
}

/*
 * Answer every request of one INTERACT round from the terminal: stdin and
 * stdout carry the protocol, so the person is asked on /dev/tty, with echo
 * off for a password or a NOECHOPROMPT request.  Without a terminal, fail
 * and say which option would have given the value.
 */
static int
answer_round(struct answers *a, saslstep_interact_t *need)
{
	const char *prompt;
	size_t len;
	int noecho, got;

	answers_clear(a);
	for (; need->id != SASLSTEP_CB_LIST_END; need++) {
		if (a->n == EXCHANGE_MAX_PROMPTS)
			return cli_error("the mechanism asks too much at once");
		switch (need->id) {
		case SASLSTEP_CB_USER:
		case SASLSTEP_CB_AUTHNAME:
		case SASLSTEP_CB_ECHOPROMPT:
			noecho = 0;
			break;
		case SASLSTEP_CB_PASS:
		case SASLSTEP_CB_NOECHOPROMPT:
			noecho = 1;
			break;
		default:
			return cli_error("the mechanism asks for an unknown "
			                 "value (id 0x%lx)",
			    need->id);
		}
		prompt = need->prompt != NULL ? need->prompt : "Answer: ";
		if (a->ttyfp == NULL && open_tty(a) != 0)
			return cli_error("no terminal to ask \"%s\"%s", prompt,
			    need_option(need->id));
		/* The challenge comes from the server: no control sequence
		 * of its reaches the terminal. */
		if (need->challenge != NULL) {
			cli_put_safe(a->ttyfp, need->challenge);
			fputc('\n', a->ttyfp);
			fflush(a->ttyfp);
		}
		got = read_line_from(
		    a->tty, a->ttyfp, prompt, noecho, &a->value[a->n], &len);
		if (got == 0)
			cli_error("end of input on the terminal");
		if (got != 1)
			return CLI_FAIL;
		need->result = a->value[a->n++];
		need->len = (unsigned)len;
	}
	return CLI_OK;
}

/*
 * Start the client (in NULL) or step it with the server's message,
 * answering its INTERACT rounds until it says something else.  Returns
 * CLI_OK with the client's code in *rc, or CLI_FAIL.
 */
static int
client_call(saslstep_conn_t *conn, const char *mech, struct answers *a,
    int start, const unsigned char *in, size_t inlen, const char **out,
    unsigned *outlen, int *rc)
{
	saslstep_interact_t *need;
	const char *chosen;
	int round;

	for (round = 0; round < EXCHANGE_MAX_ROUNDS; round++) {
		need = NULL;
		if (start)
			*rc = saslstep_client_start(
			    conn, mech, &need, out, outlen, &chosen);
		else
			*rc = saslstep_client_step(conn, (const char *)in,
			    (unsigned)inlen, &need, out, outlen);
		/* The library copied the answers of the last round. */
		answers_clear(a);
		if (*rc != SASLSTEP_INTERACT)
			return CLI_OK;
		if (need == NULL)
			break;
		if (answer_round(a, need) != CLI_OK)
			return CLI_FAIL;
	}
	return cli_error("the mechanism asks without end");
}

/* Read the password from --password-stdin or --password-fd and hand it
 * to the connection, which keeps (and wipes) its own copy. */
static int
set_password(saslstep_conn_t *conn, int from_stdin, int fd)
{
	char *pass = NULL;
	size_t len = 0;
	int got, ret = CLI_FAIL;

	if (from_stdin) {
		if (cli_read_secret("Password: ", &pass, &len) != CLI_OK)
			goto out;
	} else {
		got = read_line_from(fd, NULL, NULL, 0, &pass, &len);
		if (got == 0)
			cli_error("end of input on file descriptor %d, "
			          "no password",
			    fd);
		if (got != 1)
			goto out;
	}
	if (saslstep_setprop(conn, SASLSTEP_PROP_PASS, pass) != SASLSTEP_OK) {
		cli_error("out of memory");
		goto out;
	}
	ret = CLI_OK;
out:
	sstep_free_str(pass);
	return ret;
}

/* Say why the client side failed. */
static int
client_failed(int rc)
{
	if (rc == SASLSTEP_BADSERV)
		return cli_error("the server did not prove it knows the "
		                 "password: %s",
		    saslstep_errstring(rc));
	return cli_error("client: %s", saslstep_errstring(rc));
}

static int
client(const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"mech", required_argument, NULL, 'm'},
	    {"authcid", required_argument, NULL, 'u'},
	    {"authzid", required_argument, NULL, 'z'},
	    {"password-stdin", no_argument, NULL, 'p'},
	    {"password-fd", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
	const struct sstep_mech *m = NULL;
	struct answers a;
	saslstep_conn_t *conn = NULL;
	const char *name = NULL, *authcid = NULL, *authzid = NULL;
	const char *out = NULL;
	unsigned char *in = NULL;
	size_t inlen = 0;
	unsigned outlen = 0;
	unsigned long fd = 0;
	int c, ind = 0, from_stdin = 0, from_fd = 0, rc, got, round;
	int ret = CLI_FAIL;

	(void)cli;
	memset(&a, 0, sizeof(a));
	a.tty = -1;
	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'm':
			name = optarg;
			break;
		case 'u':
			authcid = optarg;
			break;
		case 'z':
			authzid = optarg;
			break;
		case 'p':
			from_stdin = 1;
			break;
		case 'f':
			if (cli_parse_uint(optarg, 0, 1024, &fd) != 0)
				return cli_usage_error(self,
				    "--password-fd needs a file descriptor");
			from_fd = 1;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (from_stdin && from_fd)
		return cli_usage_error(self,
		    "--password-stdin and --password-fd exclude each other");
	if (side_ready(self, argc - ind, name, &m) != CLI_OK || m == NULL)
		return CLI_USAGE;

	if (saslstep_client_new("saslstep", &conn) != SASLSTEP_OK ||
	    (authcid != NULL && saslstep_setprop(conn, SASLSTEP_PROP_AUTHNAME,
	                            authcid) != SASLSTEP_OK) ||
	    (authzid != NULL && saslstep_setprop(conn, SASLSTEP_PROP_AUTHZID,
	                            authzid) != SASLSTEP_OK)) {
		cli_error("out of memory");
		goto out;
	}
	/* Before the exchange: the password is the first line of stdin. */
	if ((from_stdin || from_fd) &&
	    set_password(conn, from_stdin, (int)fd) != CLI_OK)
		goto out;

	if (client_call(conn, m->name, &a, 1, NULL, 0, &out, &outlen, &rc) !=
	    CLI_OK)
		goto out;
	if (rc != SASLSTEP_CONTINUE && rc != SASLSTEP_OK) {
		client_failed(rc);
		goto out;
	}
	if ((m->flags & SSTEP_MECH_CLIENT_FIRST) &&
	    send_message(out, outlen) != CLI_OK)
		goto out;
	for (round = 0; round < EXCHANGE_MAX_ROUNDS; round++) {
		if ((got = receive_message("server", &in, &inlen)) == 0)
			cli_error("the server ended the exchange: "
			          "authentication failed");
		if (got != 1)
			goto out;
		if (client_call(conn, m->name, &a, 0, in, inlen, &out, &outlen,
		        &rc) != CLI_OK)
			goto out;
		sstep_freezero(in, inlen);
		in = NULL;
		/* OK only once the mechanism accepted the server's last
		 * message: the exchange is over and authenticated. */
		if (rc == SASLSTEP_OK) {
			ret = CLI_OK;
			goto out;
		}
		if (rc != SASLSTEP_CONTINUE) {
			client_failed(rc);
			goto out;
		}
		if (send_message(out, outlen) != CLI_OK)
			goto out;
	}
	cli_error("the server asks without end");
out:
	if (in != NULL)
		sstep_freezero(in, inlen);
	answers_clear(&a);
	if (a.ttyfp != NULL)
		fclose(a.ttyfp); /* and a.tty with it */
	saslstep_dispose(&conn);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* Server */

/* The log line of the outcome: stderr is the server's log. */
static void
server_log(saslstep_conn_t *conn, int rc, const char *errstr)
{
	const char *user = NULL;

	fflush(stdout);
	if (rc == SASLSTEP_OK) {
		saslstep_getprop(conn, SASLSTEP_PROP_USERNAME, &user);
		fputs("saslstep: authenticated ", stderr);
		cli_put_safe(stderr, user != NULL ? user : "(no name)");
	} else {
		/* errstr may quote what the client sent: shown safely */
		fprintf(stderr, "saslstep: authentication failed: %s",
		    saslstep_errstring(rc));
		if (errstr != NULL) {
			fputs(": ", stderr);
			cli_put_safe(stderr, errstr);
		}
	}
	fputc('\n', stderr);
}

static int
server(const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"mech", required_argument, NULL, 'm'}, {NULL, 0, NULL, 0}};
	const struct sstep_mech *m = NULL;
	saslstep_store_t *st = NULL;
	saslstep_conn_t *conn = NULL;
	const char *name = NULL, *out = NULL, *errstr = NULL;
	unsigned char *in = NULL;
	size_t inlen = 0;
	unsigned outlen = 0;
	int c, ind = 0, rc, got, round;
	int ret = CLI_FAIL;

	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'm':
			name = optarg;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (side_ready(self, argc - ind, name, &m) != CLI_OK || m == NULL)
		return CLI_USAGE;

	if (cli_store_open(cli, 0, &st) != CLI_OK)
		goto out;
	if (saslstep_server_new("saslstep", st, &conn) != SASLSTEP_OK) {
		cli_error("out of memory");
		goto out;
	}
	if (m->flags & SSTEP_MECH_CLIENT_FIRST) {
		if ((got = receive_message("client", &in, &inlen)) == 0)
			cli_error("end of input before the client's first "
			          "message");
		if (got != 1)
			goto out;
	}
	rc = saslstep_server_start(conn, m->name, (const char *)in,
	    (unsigned)inlen, &out, &outlen, &errstr);
	for (round = 0; rc == SASLSTEP_CONTINUE; round++) {
		if (in != NULL)
			sstep_freezero(in, inlen);
		in = NULL;
		if (round == EXCHANGE_MAX_ROUNDS) {
			cli_error("the client talks without end");
			goto out;
		}
		if (send_message(out, outlen) != CLI_OK)
			goto out;
		if ((got = receive_message("client", &in, &inlen)) == 0)
			cli_error("the client ended the exchange");
		if (got != 1)
			goto out;
		errstr = NULL;
		rc = saslstep_server_step(conn, (const char *)in,
		    (unsigned)inlen, &out, &outlen, &errstr);
	}
	server_log(conn, rc, errstr);
	/* Only a success is answered: the final data, possibly empty. */
	if (rc == SASLSTEP_OK && send_message(out, outlen) == CLI_OK)
		ret = CLI_OK;
out:
	if (in != NULL)
		sstep_freezero(in, inlen);
	saslstep_dispose(&conn);
	sstep_store_close(st);
	return ret;
}

const struct cli_cmd cli_exchange_cmds[] = {
    {"client",
        "--mech M [--authcid U] [--authzid Z] [--password-stdin | "
        "--password-fd N]",
        "Run the client side of one exchange of mechanism M: messages go\n"
        "out on stdout and the server's come in on stdin, one base64 line\n"
        "each (an empty message is an empty line); for a client-first\n"
        "mechanism the first line is the client's.  Exits 0 once the\n"
        "server's last message is accepted (for SCRAM: its signature\n"
        "verified), 1 when the server ends the exchange or fails to\n"
        "prove itself.  Values not given by options are asked on the\n"
        "terminal (/dev/tty); without one, the client fails.\n"
        "\n"
        "  --mech M           the mechanism, e.g. SCRAM-SHA-256\n"
        "  --authcid U        the authentication identity\n"
        "  --authzid Z        the authorization identity (default: none)\n"
        "  --password-stdin   read the password (OTP: the pass phrase) as\n"
        "                     the first line of stdin, before the exchange\n"
        "  --password-fd N    read it as one line from file descriptor N\n",
        0, client},
    {"server", "--mech M",
        "Run the server side of one exchange of mechanism M against the\n"
        "store: the client's messages come in on stdin and the answers go\n"
        "out on stdout, one base64 line each.  On success the last line\n"
        "is the final data (possibly empty), \"saslstep: authenticated U\"\n"
        "goes to stderr, and the exit status is 0.  On failure nothing\n"
        "more is written to stdout, the reason goes to stderr (the log:\n"
        "never for the client) and the exit status is 1.\n"
        "\n"
        "  --mech M   the mechanism\n",
        CLI_DB, server},
    {NULL, NULL, NULL, 0, NULL}};

/*
 * cli.c: what the saslstep subcommands share: dispatch through the command
 * tables, option and operand parsing with one style of error message,
 * reading lines and secrets from stdin, opening the store.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* Messages and usage */

static void verror(const char *fmt, va_list ap) SSTEP_PRINTF(1, 0);

static void
verror(const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs("saslstep: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	return CLI_FAIL;
}

static void
synopsis(FILE *fp, const char *lead, const struct cli_cmd *c)
{
	fprintf(fp, "%-6s saslstep%s %s%s%s\n", lead,
	    (c->flags & CLI_DB) ? " [--db URI]" : "", c->name,
	    c->args != NULL ? " " : "", c->args != NULL ? c->args : "");
}

/* 1 when the first word of a command name is word. */
static int
in_family(const char *name, const char *word)
{
	size_t n = strcspn(name, " ");

	return strlen(word) == n && strncmp(name, word, n) == 0;
}

void
cli_usage(FILE *fp, const struct cli_cmd *const *tables, const char *family)
{
	const struct cli_cmd *const *t;
	const struct cli_cmd *c;
	const char *lead = "usage:";

	for (t = tables; *t != NULL; t++) {
		for (c = *t; c->name != NULL; c++) {
			if (family != NULL && !in_family(c->name, family))
				continue;
			synopsis(fp, lead, c);
			lead = "";
		}
	}
}

int
cli_help(const struct cli_cmd *self)
{
	synopsis(stdout, "usage:", self);
	if (self->help != NULL)
		printf("\n%s", self->help);
	return CLI_OK;
}

int
cli_usage_error(const struct cli_cmd *self, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	if (self != NULL)
		synopsis(stderr, "usage:", self);
	else
		fputs("usage: saslstep [--db URI] COMMAND [ARGS] "
		      "(saslstep --help lists them)\n",
		    stderr);
	return CLI_USAGE;
}

int
cli_check_operands(const struct cli_cmd *self, int n, int min, int max)
{
	if (n < min)
		return cli_usage_error(self, "%s: missing operand", self->name);
	if (n > max)
		return cli_usage_error(
		    self, "%s: too many operands", self->name);
	return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* Dispatch and options */

/* How many words of argv spell name, or 0 when they do not. */
static int
name_matches(const char *name, int argc, char **argv)
{
	const char *p = name;
	size_t n;
	int i;

	for (i = 0; i < argc; i++) {
		n = strcspn(p, " ");
		if (strlen(argv[i]) != n || strncmp(argv[i], p, n) != 0)
			return 0;
		if (p[n] == '\0')
			return i + 1;
		p += n + 1;
	}
	return 0;
}

static int
is_help(const char *arg)
{
	return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

/* 1 when --help or -h comes among the options (before any "--"). */
static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (is_help(argv[i]))
			return 1;
	return 0;
}

int
cli_dispatch(const struct cli *cli, const struct cli_cmd *const *tables,
    int argc, char **argv)
{
	const struct cli_cmd *const *t;
	const struct cli_cmd *c;
	int n, family = 0;

	if (argc < 1) {
		cli_error("missing command");
		cli_usage(stderr, tables, NULL);
		return CLI_USAGE;
	}
	if (is_help(argv[0])) {
		cli_usage(stdout, tables, NULL);
		return CLI_OK;
	}
	for (t = tables; *t != NULL; t++) {
		for (c = *t; c->name != NULL; c++) {
			if ((n = name_matches(c->name, argc, argv)) > 0) {
				/* argv[0] becomes the last word of the name */
				argc -= n - 1;
				argv += n - 1;
				if (wants_help(argc, argv))
					return cli_help(c);
				return c->run(cli, c, argc, argv);
			}
			family |= in_family(c->name, argv[0]);
		}
	}
	if (!family) {
		cli_error("unknown command: %s", argv[0]);
		cli_usage(stderr, tables, NULL);
		return CLI_USAGE;
	}
	if (argc > 1 && is_help(argv[1])) {
		cli_usage(stdout, tables, argv[0]);
		return CLI_OK;
	}
	if (argc > 1)
		cli_error("unknown command: %s %s", argv[0], argv[1]);
	else
		cli_error("%s: missing subcommand", argv[0]);
	cli_usage(stderr, tables, argv[0]);
	return CLI_USAGE;
}

int
cli_getopt(const struct cli_cmd *self, int argc, char **argv,
    const struct option *longopts, int *ind)
{
	int c;

	/*
	 * glibc restarts its scan (and its permutation state) when optind is
	 * 0; the caller keeps the position in *ind, 0 before the first call.
	 * A leading '+' stops at the first operand (the global options,
	 * where -h is --help); otherwise options may follow operands, as in
	 * "otp init alice --alg md5".  Errors are reported here, once, in
	 * our style.
	 */
	optind = *ind;
	opterr = 0;
	c = getopt_long(argc, argv, self == NULL ? "+:h" : ":", longopts, NULL);
	*ind = optind;
	if (c == '?' && optopt != 0)
		cli_usage_error(self, "unknown option: -%c", optopt);
	else if (c == '?')
		cli_usage_error(self, "unknown option: %s", argv[optind - 1]);
	else if (c == ':')
		cli_usage_error(
		    self, "option %s needs a value", argv[optind - 1]);
	return c == ':' ? '?' : c;
}

int
cli_no_options(const struct cli_cmd *self, int argc, char **argv, int min,
    int max, int *ind)
{
	static const struct option none[] = {{NULL, 0, NULL, 0}};

	*ind = 0;
	if (cli_getopt(self, argc, argv, none, ind) != -1)
		return CLI_USAGE;
	return cli_check_operands(self, argc - *ind, min, max);
}

int
cli_parse_uint(
    const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	/* strtoul would take a sign, leading space and "0x" as well */
	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* Reading lines and secrets */

/* Signals that end a read with echo off, so the terminal is restored
 * before the signal takes its usual effect. */
static const int echo_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
#define NECHO_SIGNALS (sizeof(echo_signals) / sizeof(echo_signals[0]))
static volatile sig_atomic_t caught_signal;

static void
catch_signal(int signo)
{
	caught_signal = signo;
}

int
cli_read_line(
    FILE *promptfp, const char *prompt, int noecho, char **line, size_t *len)
{
	char buf[CLI_LINE_MAX];
	struct termios saved, quiet;
	struct sigaction sa, oldsa[NECHO_SIGNALS];
	size_t n = 0, i;
	int echo_off = 0, got = 0, toolong = 0, nul = 0, signo = 0;
	int ret = -1, err = 0;
	ssize_t r;
	char ch;

	*line = NULL;
	*len = 0;
	if (noecho && isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &saved) == 0) {
		/* No SA_RESTART: a signal must interrupt read(2). */
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = catch_signal;
		sigemptyset(&sa.sa_mask);
		caught_signal = 0;
		for (i = 0; i < NECHO_SIGNALS; i++)
			sigaction(echo_signals[i], &sa, &oldsa[i]);
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0)
			echo_off = 1;
		else
			for (i = 0; i < NECHO_SIGNALS; i++)
				sigaction(echo_signals[i], &oldsa[i], NULL);
	}
	/* The prompt only once echo is off: TCSAFLUSH drops what was typed
	 * before it, and what is typed after it must not show. */
	if (prompt != NULL && promptfp != NULL) {
		fputs(prompt, promptfp);
		fflush(promptfp);
	}
	/*
	 * One byte at a time: a stdio buffer would keep a copy of the secret
	 * we cannot wipe, and would swallow the lines meant for the next
	 * prompt when stdin is a pipe.
	 */
	for (;;) {
		if (echo_off && caught_signal != 0) {
			signo = caught_signal;
			break;
		}
		r = read(STDIN_FILENO, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno;
			break;
		}
		if (r == 0 || ch == '\n') {
			got |= r > 0;
			break;
		}
		got = 1;
		if (ch == '\0')
			nul = 1;
		if (n < sizeof(buf))
			buf[n++] = ch;
		else
			toolong = 1;
	}
	sstep_wipe(&ch, sizeof(ch));
	if (echo_off) {
		/* TCSANOW: keep what was typed ahead for the next prompt */
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		for (i = 0; i < NECHO_SIGNALS; i++)
			sigaction(echo_signals[i], &oldsa[i], NULL);
	}
	/* The newline typed was not echoed, or there was no terminal to
	 * echo it: end the prompt's line, so what follows starts afresh. */
	if (echo_off ||
	    (prompt != NULL && promptfp != NULL && !isatty(STDIN_FILENO))) {
		fputc('\n', promptfp != NULL ? promptfp : stderr);
		fflush(promptfp != NULL ? promptfp : stderr);
	}
	if (signo != 0) {
		sstep_wipe(buf, n);
		kill(getpid(), signo);
		cli_error("interrupted");
		goto out;
	}
	if (err != 0) {
		cli_error("cannot read standard input: %s", strerror(err));
		goto out;
	}
	if (!got) {
		ret = 0;
		goto out;
	}
	if (nul) {
		cli_error("input line holds a NUL byte");
		goto out;
	}
	if (toolong) {
		cli_error("input line longer than %d bytes", CLI_LINE_MAX);
		goto out;
	}
	if ((*line = sstep_memdup0(buf, n)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	*len = n;
	ret = 1;
out:
	sstep_wipe(buf, sizeof(buf));
	return ret;
}

int
cli_read_secret(const char *prompt, char **secret, size_t *len)
{
	int tty = isatty(STDIN_FILENO);

	switch (cli_read_line(
	    tty ? stderr : NULL, tty ? prompt : NULL, 1, secret, len)) {
	case 1:
		return CLI_OK;
	case 0:
		return cli_error("end of input, nothing to read");
	default:
		return CLI_FAIL;
	}
}

int
cli_read_new_secret(const char *prompt, const char *what, int confirm,
    int (*check)(const char *secret, size_t len), char **secret, size_t *len)
{
	char *again = NULL;
	size_t againlen = 0;
	int ret = CLI_FAIL;

	*secret = NULL;
	if (cli_read_secret(prompt, secret, len) != CLI_OK)
		goto out;
	/* Refused at once: no point in typing it again. */
	if (check != NULL && check(*secret, *len) != CLI_OK)
		goto out;
	if (confirm) {
		if (cli_read_secret("Again: ", &again, &againlen) != CLI_OK)
			goto out;
		if (againlen != *len ||
		    !sstep_secret_eq(again, *secret, *len)) {
			cli_error("the %s differ; nothing changed", what);
			goto out;
		}
	}
	ret = CLI_OK;
out:
	sstep_free_str(again);
	if (ret != CLI_OK) {
		sstep_free_str(*secret);
		*secret = NULL;
	}
	return ret;
}

int
cli_check_secret_input(
    const struct cli_cmd *self, int from_stdin, const char *stdin_option)
{
	if (!from_stdin && !isatty(STDIN_FILENO))
		return cli_usage_error(
		    self, "stdin is not a terminal: use %s", stdin_option);
	return CLI_OK;
}

/* ---------------------------------------------------------------------- */
/* The store */

int
cli_store_open(const struct cli *cli, unsigned flags, saslstep_store_t **st)
{
	if (sstep_store_open(cli->db, flags, st) != SASLSTEP_OK) {
		/* the store's reason names the store */
		*st = NULL;
		return cli_error("%s", sstep_store_open_error());
	}
	return CLI_OK;
}

int
cli_store_error(saslstep_store_t *st, int code, const char *name)
{
	if (code == SASLSTEP_NOUSER && name != NULL)
		return cli_error("no such user: %s", name);
	return cli_error("%s%s%s", name != NULL ? name : "",
	    name != NULL ? ": " : "", sstep_store_error(st));
}

void
cli_put_safe(FILE *fp, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '\\')
			fputs("\\\\", fp);
		else if (*p >= 0x20 && *p < 0x7f)
			fputc(*p, fp);
		else
			fprintf(fp, "\\x%02x", *p);
	}
}

int
cli_enrol_error(
    saslstep_store_t *st, int code, const char *name, const char *why)
{
	if (why != NULL)
		return cli_error("%s", why);
	return cli_store_error(st, code, name);
}

/* Static: stdio may still use it at exit, after the command returned. */
static char secret_outbuf[BUFSIZ];

void
cli_secret_output(void)
{
	/* Without a buffer of ours, stdio's own would keep the secret in
	 * freed memory nobody wipes. */
	setvbuf(stdout, secret_outbuf, _IOFBF, sizeof(secret_outbuf));
}

int
cli_secret_output_end(void)
{
	int ret = CLI_OK;

	if (fflush(stdout) != 0 || ferror(stdout))
		ret = cli_error("cannot write output");
	sstep_wipe(secret_outbuf, sizeof(secret_outbuf));
	return ret;
}

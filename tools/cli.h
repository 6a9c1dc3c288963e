/*
 * cli.h: what the subcommands of the saslstep command share.
 *
 * Each family of subcommands (user, otp, login, ...) lives in its own
 * tools/cmd-*.c and exports a table of `struct cli_cmd`; tools/saslstep.c
 * keeps the list of those tables and hands argv to cli_dispatch(), which
 * finds the subcommand by its words and answers --help for it.  A new
 * family is one file and one line in that list.
 *
 * Exit status, for every subcommand: CLI_OK, CLI_FAIL (authentication
 * failed, store error, refused input), CLI_USAGE (bad command line).
 * Errors are one line on stderr starting with "saslstep: ".
 */
#ifndef SSTEP_CLI_H
#define SSTEP_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <getopt.h>

#include "saslstep-int.h"

#define CLI_OK    0
#define CLI_FAIL  1
#define CLI_USAGE 2

/* Longest line read from stdin (pass phrase, conversation answer), bytes
 * without the newline.  An OTP response is at most SSTEP_OTP_RESPONSE_MAX
 * (512): this leaves room for anything a later mechanism asks for. */
#define CLI_LINE_MAX 1024

/* What the global options decided, handed to every subcommand. */
struct cli {
	const char *db; /* --db, else SASLSTEP_DB, else NULL: the default */
};

struct cli_cmd;

/*
 * A subcommand runs with argv[0] the last word of its name and returns an
 * exit status.  self is its table entry, for usage messages.
 */
typedef int (*cli_run_fn)(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv);

#define CLI_DB 0x01 /* uses the store: takes the global --db */

/*
 * One subcommand.  A family's table is an array of these ended by an entry
 * whose name is NULL.  The synopsis printed is
 * "saslstep [--db URI] <name> <args>".
 */
struct cli_cmd {
	const char *name; /* its words, e.g. "user show" */
	const char *args; /* operands and options for the synopsis, or NULL */
	const char *help; /* what it does and its options, for --help */
	unsigned flags;   /* CLI_DB */
	cli_run_fn run;
};

/* The tables of the subcommand families (tools/cmd-*.c). */
extern const struct cli_cmd cli_user_cmds[];
extern const struct cli_cmd cli_otp_cmds[];
extern const struct cli_cmd cli_login_cmds[];
extern const struct cli_cmd cli_passwd_cmds[];
extern const struct cli_cmd cli_oath_cmds[]; /* totp, hotp */
extern const struct cli_cmd cli_recovery_cmds[];
extern const struct cli_cmd cli_exchange_cmds[]; /* client, server */
extern const struct cli_cmd cli_transfer_cmds[]; /* export, import */
extern const struct cli_cmd cli_init_cmds[];

/*
 * Find the subcommand whose name is the first words of argv in the
 * NULL-terminated list of tables and run it.  A family's first word alone
 * (or followed by --help) prints that family's synopses; no word prints
 * them all; --help or -h among a subcommand's options prints its help
 * instead of running it.  Synopses go to stdout with CLI_OK for --help, to
 * stderr with CLI_USAGE otherwise; an unknown command is a usage error.
 * Returns the exit status.
 */
int cli_dispatch(const struct cli *cli, const struct cli_cmd *const *tables,
    int argc, char **argv);

/*
 * Print the synopsis of every subcommand in tables whose name starts with
 * the word family (NULL: all) to fp, the first line after "usage: ".
 */
void cli_usage(
    FILE *fp, const struct cli_cmd *const *tables, const char *family);

/*
 * getopt_long() for a subcommand (self), or for the global options (self
 * NULL: stop at the first operand): long options only, options may follow
 * operands, and every entry of longopts returns its val.  *ind keeps the
 * position: 0 before the first call; once -1 is returned it is the index
 * of the first operand.  (--help is handled by cli_dispatch() before a
 * subcommand runs.)  Returns the option's val, -1 at the end of the
 * options, or '?' after printing an error and the synopsis for an unknown
 * option or a missing value (the caller returns CLI_USAGE).
 */
int cli_getopt(const struct cli_cmd *self, int argc, char **argv,
    const struct option *longopts, int *ind);

/* Print self's synopsis and help text on stdout; returns CLI_OK. */
int cli_help(const struct cli_cmd *self);

/*
 * Print "saslstep: <message>" on stderr, then self's synopsis (self NULL: a
 * general synopsis); returns CLI_USAGE.
 */
int cli_usage_error(const struct cli_cmd *self, const char *fmt, ...)
    SSTEP_PRINTF(2, 3);

/*
 * Check that n operands are there, min <= n <= max; otherwise print a
 * usage error.  Returns CLI_OK or CLI_USAGE.
 */
int cli_check_operands(const struct cli_cmd *self, int n, int min, int max);

/*
 * For a subcommand that takes no options: refuse any option, check the
 * operand count as cli_check_operands() and set *ind to the index of the
 * first operand.  Returns CLI_OK or CLI_USAGE.
 */
int cli_no_options(const struct cli_cmd *self, int argc, char **argv, int min,
    int max, int *ind);

/* Print "saslstep: <message>" on stderr; returns CLI_FAIL. */
int cli_error(const char *fmt, ...) SSTEP_PRINTF(1, 2);

/*
 * Read a decimal number min..max (no sign, no space, no junk) from s into
 * *out.  Returns 0, or -1 when s is not such a number.
 */
int cli_parse_uint(
    const char *s, unsigned long min, unsigned long max, unsigned long *out);

/*
 * Read one line from stdin, without its newline, into a new NUL-terminated
 * string *line of *len bytes (the caller frees it with sstep_free_str: it
 * may be a secret).  prompt, when not NULL, is written to promptfp first.
 * With noecho and stdin a terminal, echo is turned off while the line is
 * read (and restored, also when a signal interrupts).  Reads byte by byte,
 * so no secret is left in a stdio buffer and what follows the line stays
 * in stdin for the next reader.  A line longer than CLI_LINE_MAX or holding
 * a NUL byte is refused (the rest of it is read and dropped).  A last line
 * without a newline is a line.
 * Returns 1 with a line, 0 at end of input with nothing read, -1 on error
 * (message printed).
 */
int cli_read_line(
    FILE *promptfp, const char *prompt, int noecho, char **line, size_t *len);

/*
 * Read a secret line from stdin: when stdin is a terminal, show prompt on
 * stderr and turn echo off; otherwise read it silently.  End of input is
 * an error (message printed).  Returns CLI_OK with *secret (free with
 * sstep_free_str) and *len set, or CLI_FAIL.
 */
int cli_read_secret(const char *prompt, char **secret, size_t *len);

/*
 * Read a new secret (a password being set) with cli_read_secret(); check
 * it with check (when not NULL: it prints why and returns CLI_FAIL for a
 * secret it refuses) before anything else is asked; with confirm, read it
 * again after the prompt "Again: " (a typo would lock its owner out) and
 * refuse two different entries with "the WHAT differ; nothing changed".
 * Returns CLI_OK with *secret (free with sstep_free_str) and *len set, or
 * CLI_FAIL (message printed).
 */
int cli_read_new_secret(const char *prompt, const char *what, int confirm,
    int (*check)(const char *secret, size_t len), char **secret, size_t *len);

/*
 * A command that reads a secret from the terminal unless given
 * stdin_option (e.g. "--password-stdin"): when from_stdin is 0 and stdin
 * is no terminal, a usage error naming stdin_option for self.  Returns
 * CLI_OK, or what cli_usage_error() returns.
 */
int cli_check_secret_input(
    const struct cli_cmd *self, int from_stdin, const char *stdin_option);

/*
 * Open the store cli->db (NULL: the default), creating it with
 * SSTEP_STORE_CREATE in flags.  On failure print why, naming the store.
 * Returns CLI_OK with *st set (close with sstep_store_close), or CLI_FAIL.
 */
int cli_store_open(
    const struct cli *cli, unsigned flags, saslstep_store_t **st);

/*
 * Report a failed store call about user name: "no such user: NAME" for
 * SASLSTEP_NOUSER, the store's reason otherwise.  Returns CLI_FAIL.
 */
int cli_store_error(saslstep_store_t *st, int code, const char *name);

/*
 * Report a failed enrolment (a mechanism's enrol function) of user name:
 * why when the mechanism gave one, cli_store_error() otherwise.  Returns
 * CLI_FAIL.
 */
int cli_enrol_error(
    saslstep_store_t *st, int code, const char *name, const char *why);

/*
 * Write s to fp with every byte that is not printable ASCII shown as \xHH:
 * names and params come from the store and may hold anything; a terminal
 * must not take them as control sequences.
 */
void cli_put_safe(FILE *fp, const char *s);

/*
 * For a subcommand that prints a secret (a key, recovery codes): call
 * cli_secret_output() before anything is written to stdout, so that stdio
 * buffers stdout in memory of ours; cli_secret_output_end() flushes it and
 * wipes that memory.  Returns CLI_OK, or CLI_FAIL after printing why when
 * the output could not be written.
 */
void cli_secret_output(void);
int cli_secret_output_end(void);

#endif /* SSTEP_CLI_H */

/*
 * transfer.h: what the readers of `saslstep import` share: the native
 * format (tools/cmd-transfer.c), the pam_oath usersfile
 * (tools/import-pam-oath.c) and ~/.google_authenticator
 * (tools/import-google-auth.c).
 *
 * An import is all or nothing: a reader turns every line of its input
 * into items of a batch, checking each as it goes and stopping at the
 * first error with a line-numbered message; only when the whole input is
 * read and the batch has been checked is it written, in one store
 * transaction.  The input holds secrets, so it is read into memory that
 * is wiped when freed, never through a stdio buffer.
 */
#ifndef SSTEP_TRANSFER_H
#define SSTEP_TRANSFER_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "store.h"

/* The largest input accepted: far above any store this tool serves. */
#define XFER_INPUT_MAX ((size_t)256 << 20)

/*
 * A growing text buffer for secrets: it never leaves a copy behind when it
 * grows, and xfer_buf_free() wipes it.  After a failed allocation nomem
 * is set and further additions do nothing; p is NUL-terminated otherwise.
 */
struct xfer_buf {
	char *p;
	size_t len, cap;
	int nomem;
};

void xfer_buf_add(struct xfer_buf *b, const void *p, size_t n);
void xfer_buf_addf(struct xfer_buf *b, const char *fmt, ...) SSTEP_PRINTF(2, 3);
/* Add n bytes at p as lower-case hex digits. */
void xfer_hex_add(struct xfer_buf *b, const unsigned char *p, size_t n);
void xfer_buf_free(struct xfer_buf *b);

/*
 * Decode exactly len bytes of hex digits (either case) at s into out (at
 * most max bytes; *outlen set).  Returns 0, or -1 for an odd length, too
 * many digits or a character that is not one (out wiped).
 */
int xfer_hex_decode(
    const char *s, size_t len, unsigned char *out, size_t max, size_t *outlen);

/* An input file, read whole, handed out line by line. */
struct xfer_input {
	const char *name; /* for messages: the path, or "stdin" */
	char *buf;        /* the contents, NUL-terminated; wiped on free */
	size_t len;
	size_t pos;      /* where the next line starts */
	unsigned lineno; /* the number of the line handed out last */
};

/*
 * Read the file at path (NULL or "-": standard input) whole into *in, at
 * most max bytes (XFER_INPUT_MAX when 0).  Returns CLI_OK, or CLI_FAIL
 * after printing why (missing, unreadable, not a regular file or pipe, too
 * large); *in is then empty.
 */
int xfer_input_read(struct xfer_input *in, const char *path, size_t max);

/*
 * The next line of in: *line points into in's buffer (valid until
 * xfer_input_free), *len bytes without the newline and a CR before it;
 * in->lineno is its number.  Returns 1 with a line, 0 at the end, -1 (a
 * line-numbered message printed) for a line holding a NUL byte.
 */
int xfer_input_line(struct xfer_input *in, const char **line, size_t *len);

/* Wipe and free what in holds; in may be reused. */
void xfer_input_free(struct xfer_input *in);

/*
 * Print "saslstep: import: NAME:LINE: <message>" for the line of in
 * handed out last (without ":LINE" before the first).  Returns CLI_FAIL.
 */
int xfer_error(const struct xfer_input *in, const char *fmt, ...)
    SSTEP_PRINTF(2, 3);

/* One thing to write: a user with their locked state, or a credential. */
struct xfer_item {
	unsigned lineno; /* where it was read, for messages */
	char *user;      /* malloc'ed, a valid store name */
	int is_user;     /* 1: the user line (locked says the state) */
	int locked;
	struct sstep_cred cred; /* is_user 0: owned, wiped on free */
};

/* Everything an import will write, in input order. */
struct xfer_batch {
	struct xfer_item *items;
	size_t n, cap;
	size_t users, creds; /* distinct users, credentials: set by check */
};

/*
 * Add the user named by len bytes at user (a store name, checked here),
 * with their locked state, to b.  Returns CLI_OK or CLI_FAIL (message
 * printed for in's current line).
 */
int xfer_add_user(struct xfer_batch *b, const struct xfer_input *in,
    const char *user, size_t len, int locked);

/*
 * Add a credential of the user named by len bytes at user to b, taking
 * over what *c holds (*c is emptied, also on failure).  Returns CLI_OK or
 * CLI_FAIL (message printed for in's current line).
 */
int xfer_add_cred(struct xfer_batch *b, const struct xfer_input *in,
    const char *user, size_t len, struct sstep_cred *c);

/*
 * Check b as a whole: at most one user line per user and one credential
 * per user and family, and count b->users and b->creds.  Returns CLI_OK
 * or CLI_FAIL with a message naming both lines of a duplicate.
 */
int xfer_batch_check(struct xfer_batch *b, const struct xfer_input *in);

/*
 * Write b into st in one transaction, in input order: a user line adds
 * the user and sets their locked state, a credential replaces the user's
 * credential of that family (creating the user); nothing else in the
 * store changes.  On any failure nothing is kept and a message names the
 * line.  Returns CLI_OK or CLI_FAIL.
 */
int xfer_batch_write(saslstep_store_t *st, const struct xfer_batch *b,
    const struct xfer_input *in);

/* Wipe and free what b holds; b may be reused. */
void xfer_batch_free(struct xfer_batch *b);

/*
 * Cut len bytes at s into fields at each sep: at most max fields, each
 * (field[i], flen[i]).  Returns the number of fields, or max + 1 when
 * there are more.
 */
size_t xfer_split(const char *s, size_t len, char sep, const char **field,
    size_t *flen, size_t max);

/*
 * Read a decimal integer min..max from exactly len bytes at s (an optional
 * '-' when min < 0; no '+', no blanks, no junk).  Returns 0, or -1 when
 * the text is not such a number.
 */
int xfer_parse_int(
    const char *s, size_t len, int64_t min, int64_t max, int64_t *out);

/*
 * The readers of other tools' files: each reads the whole of in into b
 * (store names, credentials made by the mechanisms' functions), stopping
 * at the first error with a line-numbered message.  user is the --user
 * operand (NULL when not given).  Return CLI_OK or CLI_FAIL.
 */
int xfer_read_pam_oath(
    struct xfer_input *in, const char *user, struct xfer_batch *b);
int xfer_read_google_auth(
    struct xfer_input *in, const char *user, struct xfer_batch *b);

#endif /* SSTEP_TRANSFER_H */

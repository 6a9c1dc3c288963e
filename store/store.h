/*
 * store.h: the credential store, as mechanisms, the PAM bridge and the
 * saslstep command see it.  One interface; the backend (SQLite for one
 * machine, PostgreSQL for many) is chosen by the URI.  Not installed.
 *
 * Data model (the same in every backend):
 *  - a user: name, locked flag, creation time;
 *  - per user, at most one credential per family ("otp", later "scram",
 *    "oath", ...): non-secret params text (e.g. "md5 ke1234"), a secret
 *    blob, a counter (OTP sequence, HOTP counter, last TOTP step) and a
 *    version that changes on every write and serves compare-and-swap;
 *  - per (user, family), an optional pending-challenge lock (RFC 2289 s. 9);
 *  - a random server secret, made when the store is created, from which
 *    stable fake challenges for unknown users are derived.
 *
 * A handle serves one thread at a time (its error text is per handle).
 * Limits: family names 1..15 of [A-Za-z0-9._-]; params one line of at most
 * 4096 bytes without control characters; secrets at most 4096 bytes.
 *
 * All functions return SASLSTEP_* codes.  SASLSTEP_UNAVAIL means the store
 * could not be used (missing, unsafe, corrupt, read-only, locked past the
 * busy timeout, I/O error; for PostgreSQL also unreachable, refusing, or
 * silent past the time bound) and nothing was changed; the reason is in
 * sstep_store_error().  Whether a commit whose connection broke took
 * effect cannot always be known: then nothing can be promised.
 */
#ifndef SSTEP_STORE_H
#define SSTEP_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "saslstep.h"

/* Create the store (and its 0700 directory) if missing. */
#define SSTEP_STORE_CREATE 0x01

#define SSTEP_FAMILY_MAX    16  /* bytes, NUL included */
#define SSTEP_NAME_MAX      256 /* bytes of a user name, NUL excluded */
#define SSTEP_PENDING_TOKEN 16

struct sstep_cred {
	char family[SSTEP_FAMILY_MAX];
	char *params;          /* NUL-terminated, not secret */
	unsigned char *secret; /* secret_len bytes, wiped by sstep_cred_clear */
	size_t secret_len;
	int64_t counter;
	int64_t version; /* read-only: CAS token */
};

struct sstep_user {
	char name[SSTEP_NAME_MAX + 1];
	int locked;
	int64_t created;
};

/*
 * Open the store named by uri ("PATH", "sqlite:PATH", "file:PATH",
 * "postgresql://...", "postgres://...", "service=NAME ..."; NULL means the
 * default, SASLSTEP_DB from the environment is NOT consulted here: callers
 * decide).  For a file, checks ownership and permissions of the file and
 * its directory.  With SSTEP_STORE_CREATE a missing store is created (file
 * 0600, directory 0700 if it had to be made; a PostgreSQL schema in the
 * database, which must exist) and the schema migrated to the current
 * version; without it a missing store is SASLSTEP_UNAVAIL, and so is a
 * PostgreSQL schema older than this code (the module never changes it).
 */
int sstep_store_open(const char *uri, unsigned flags, saslstep_store_t **store);
void sstep_store_close(saslstep_store_t *store);
/* The default store path, from --localstatedir. */
const char *sstep_store_default(void);
/* Why the last failing call failed: static or store-owned text, never NULL,
 * never containing a secret. */
const char *sstep_store_error(saslstep_store_t *store);
/* The reason sstep_store_open() failed, when *store could not be made. */
const char *sstep_store_open_error(void);

/*
 * Whether len bytes at name make a user name the store takes (1 to
 * SSTEP_NAME_MAX bytes, no control character, no ':'), so that a caller
 * can check names before it writes anything.  Returns 1 when valid.
 */
int sstep_store_name_ok(const char *name, size_t len);
/* The same for a credential family (1..SSTEP_FAMILY_MAX - 1 bytes of
 * letters, digits, '.', '_' and '-'). */
int sstep_store_family_ok(const char *family, size_t len);

/* Users.  user_get: SASLSTEP_NOUSER when absent. */
int sstep_store_user_get(
    saslstep_store_t *st, const char *name, struct sstep_user *u);
/* Add a user (SASLSTEP_OK if it already exists). */
int sstep_store_user_add(saslstep_store_t *st, const char *name);
/* Delete a user and all their credentials (SASLSTEP_NOUSER if absent). */
int sstep_store_user_del(saslstep_store_t *st, const char *name);
int sstep_store_user_set_locked(
    saslstep_store_t *st, const char *name, int locked);
/* Call fn for each user in name order; stops early when fn returns != 0. */
int sstep_store_user_list(saslstep_store_t *st,
    int (*fn)(const struct sstep_user *u, void *arg), void *arg);

/*
 * Credentials.  cred_get fills *c (free with sstep_cred_clear) or returns
 * SASLSTEP_NOUSER when the user has no credential of that family.
 * cred_put creates the user if needed and replaces any credential of that
 * family (enrolment), all in one transaction.
 * cred_update is compare-and-swap: it writes c's params, secret and counter
 * only if the stored version still equals expect_version, and in the same
 * transaction releases the pending lock held with token (if token is not
 * NULL).  Returns SASLSTEP_OK, or SASLSTEP_BADAUTH when another login won
 * the race (nothing written).
 */
int sstep_store_cred_get(saslstep_store_t *st, const char *name,
    const char *family, struct sstep_cred *c);
int sstep_store_cred_put(
    saslstep_store_t *st, const char *name, const struct sstep_cred *c);
int sstep_store_cred_update(saslstep_store_t *st, const char *name,
    int64_t expect_version, const struct sstep_cred *c,
    const unsigned char *token);
/* Delete one credential family of a user (SASLSTEP_NOUSER if absent). */
int sstep_store_cred_del(
    saslstep_store_t *st, const char *name, const char *family);
/* Call fn for each of a user's credentials (params, counter; the secret is
 * not read).  SASLSTEP_NOUSER for an unknown user; a known user without
 * credentials gives SASLSTEP_OK and no call. */
int sstep_store_cred_list(saslstep_store_t *st, const char *name,
    int (*fn)(const struct sstep_cred *c, void *arg), void *arg);
/* Wipe and free what a cred holds; the struct itself may be reused. */
void sstep_cred_clear(struct sstep_cred *c);

/*
 * Pending-challenge lock (RFC 2289 section 9): take the lock for
 * (name, family) for ttl seconds, writing a fresh random token.  Returns
 * SASLSTEP_TRYAGAIN while another live lock is held, SASLSTEP_NOUSER when
 * the user has no credential of that family (so unknown names cannot pile
 * up locks).  release deletes the
 * lock only if it is still held with token.
 */
int sstep_store_pending_take(saslstep_store_t *st, const char *name,
    const char *family, unsigned ttl, unsigned char token[SSTEP_PENDING_TOKEN]);
void sstep_store_pending_release(saslstep_store_t *st, const char *name,
    const char *family, const unsigned char token[SSTEP_PENDING_TOKEN]);

/*
 * An explicit transaction, for a batch of writes that must happen all or
 * not at all (an import).  Between sstep_store_begin() and
 * sstep_store_commit() every write (user_add, user_del, user_set_locked,
 * cred_put, cred_update, cred_del, pending_take, pending_release) joins
 * the transaction instead of committing on its own, and reads see its
 * writes; others see none of them until the commit.  The write lock is
 * taken by begin, waiting at most the busy timeout, so that no write of
 * the batch can fail for want of it; logins wait meanwhile: keep the batch
 * short and do no I/O of your own inside it.  (PostgreSQL locks only the
 * rows the batch writes: another writer of one of them waits, at most the
 * lock timeout, and the rest of the store goes on.)  A write that fails inside
 * the transaction undoes only itself; the caller decides whether to go on
 * or roll back.  If the store had to abandon the transaction (I/O error,
 * disk full), every later write and the commit fail with
 * SASLSTEP_UNAVAIL, so a half-done batch can never be committed.
 *
 * begin: SASLSTEP_OK, SASLSTEP_BADPARAM when one is already open, or the
 *   store's error.
 * commit: SASLSTEP_OK when everything is kept; on any failure nothing of
 *   the batch is kept.  SASLSTEP_BADPARAM when none is open.
 * rollback: discard everything since begin (nothing open: no effect).
 * Either way the transaction is over.  sstep_store_close() rolls back a
 * transaction still open.
 */
int sstep_store_begin(saslstep_store_t *st);
int sstep_store_commit(saslstep_store_t *st);
void sstep_store_rollback(saslstep_store_t *st);

/*
 * A read-only transaction (an export): until sstep_store_rollback() (or
 * sstep_store_commit()), every read of this handle sees the store as it
 * was when it began, whatever others write meanwhile; it takes no write
 * lock, so logins go on.  Writes through the handle are refused with
 * SASLSTEP_BADPARAM meanwhile.  Returns as sstep_store_begin().
 */
int sstep_store_begin_read(saslstep_store_t *st);

/*
 * A stable pseudo-random value for (label, name), derived with HMAC-SHA-256
 * from the store's server secret: what a fake challenge for an unknown user
 * is made of, so that the same name always gets the same challenge.
 */
int sstep_store_fake(saslstep_store_t *st, const char *label, const char *name,
    unsigned char out[32]);

#endif /* SSTEP_STORE_H */

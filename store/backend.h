/*
 * backend.h: what store.c and a store backend (sqlite.c, later pgsql.c)
 * share.  Not installed, not for mechanisms: they use store.h.
 *
 * store.c parses the URI, checks files and arguments, generates every
 * random value and reads the clock; a backend only moves already-checked
 * values in and out of its database, each write in one transaction, with
 * the semantics documented in store.h.  A new backend is one more
 * `const struct sstep_store_backend` in the list in store.c.
 */
#ifndef SSTEP_STORE_BACKEND_H
#define SSTEP_STORE_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "saslstep-int.h"
#include "store.h"

#define SSTEP_SERVER_SECRET 32   /* bytes of the fake-challenge key */
#define SSTEP_SECRET_MAX    4096 /* bytes of one credential secret */
#define SSTEP_STORE_ERR     512

struct sstep_store_backend;

/* st->in_txn: none, sstep_store_begin(), sstep_store_begin_read(). */
#define SSTEP_TXN_NONE  0
#define SSTEP_TXN_WRITE 1
#define SSTEP_TXN_READ  2

struct saslstep_store {
	const struct sstep_store_backend *backend;
	void *be;       /* the backend's state */
	char *location; /* path or URI, for messages */
	unsigned char secret[SSTEP_SERVER_SECRET]; /* wiped on close */
	int in_txn; /* SSTEP_TXN_*: the open explicit transaction */
	char err[SSTEP_STORE_ERR];
};

/*
 * The operations of one backend.  Arguments are already validated by
 * store.c (names, families, lengths); `now` comes from sstep_now().  Each
 * returns a SASLSTEP_* code and, on failure, says why with
 * sstep_store_seterr().
 *
 * open: connect to location (a path when is_file, else the whole URI),
 *   create the schema when create is set and the store is empty, migrate
 *   an older schema, refuse a newer one; store the state in st->be and
 *   copy the server secret into st->secret.  new_secret is what to store
 *   as the server secret if the store is being initialised.
 * close: release st->be (NULL accepted).
 * pending_take: token is already random; SASLSTEP_TRYAGAIN while a lock
 *   with expires > now exists, SASLSTEP_NOUSER without that credential.
 * txn_begin, txn_commit, txn_rollback: the explicit transactions of
 *   store.h; store.c keeps st->in_txn and calls begin only when none is
 *   open, commit and rollback only when one is.  begin with write set
 *   takes the write lock, and while st->in_txn is SSTEP_TXN_WRITE every
 *   write joins that transaction (and undoes only itself when it fails)
 *   and must fail if the backend lost the transaction meanwhile.  Without
 *   write it fixes the snapshot that reads see; store.c refuses writes.
 *   txn_commit leaves nothing open, whatever it returns.
 */
struct sstep_store_backend {
	const char *name;
	const char *const *schemes; /* NULL-terminated URI schemes */
	int is_file;                /* location is a path: check it */
	int (*open)(saslstep_store_t *st, const char *location, int create,
	    int64_t now, const unsigned char new_secret[SSTEP_SERVER_SECRET]);
	void (*close)(saslstep_store_t *st);
	int (*user_get)(
	    saslstep_store_t *st, const char *name, struct sstep_user *u);
	int (*user_add)(saslstep_store_t *st, const char *name, int64_t now);
	int (*user_del)(saslstep_store_t *st, const char *name);
	int (*user_set_locked)(
	    saslstep_store_t *st, const char *name, int locked);
	int (*user_list)(saslstep_store_t *st,
	    int (*fn)(const struct sstep_user *u, void *arg), void *arg);
	int (*cred_get)(saslstep_store_t *st, const char *name,
	    const char *family, struct sstep_cred *c);
	int (*cred_put)(saslstep_store_t *st, const char *name,
	    const struct sstep_cred *c, int64_t now);
	int (*cred_update)(saslstep_store_t *st, const char *name,
	    int64_t expect_version, const struct sstep_cred *c,
	    const unsigned char *token);
	int (*cred_del)(
	    saslstep_store_t *st, const char *name, const char *family);
	int (*cred_list)(saslstep_store_t *st, const char *name,
	    int (*fn)(const struct sstep_cred *c, void *arg), void *arg);
	int (*pending_take)(saslstep_store_t *st, const char *name,
	    const char *family, int64_t expires, int64_t now,
	    const unsigned char token[SSTEP_PENDING_TOKEN]);
	void (*pending_release)(saslstep_store_t *st, const char *name,
	    const char *family, const unsigned char token[SSTEP_PENDING_TOKEN]);
	int (*txn_begin)(saslstep_store_t *st, int write);
	int (*txn_commit)(saslstep_store_t *st);
	void (*txn_rollback)(saslstep_store_t *st);
};

/* The SQLite backend (store/sqlite.c). */
extern const struct sstep_store_backend sstep_store_sqlite;
/* The PostgreSQL backend (store/pgsql.c). */
extern const struct sstep_store_backend sstep_store_pgsql;

/*
 * Record why the last call on st failed ("store LOCATION: " is put in
 * front) and return code, so a backend can write
 * `return sstep_store_seterr(st, SASLSTEP_UNAVAIL, "disk full");`.
 */
int sstep_store_seterr(saslstep_store_t *st, int code, const char *fmt, ...)
    SSTEP_PRINTF(3, 4);

/* sstep_store_name_ok() and sstep_store_family_ok() (store.h) also check
 * what a backend reads back from its database. */

/* The error a backend gives when a record it read back is not what the
 * schema says (the database may have been edited by hand): UNAVAIL. */
int sstep_store_corrupt(saslstep_store_t *st, const char *what);

/* The error of a write that addresses one row by key (a delete, an update
 * of a flag) and found none: NOUSER, "WHAT: not found". */
int sstep_store_not_found(saslstep_store_t *st, const char *what);

/* The error of a credential compare-and-swap that lost (another writer
 * was first): BADAUTH. */
int sstep_store_cas_lost(saslstep_store_t *st, const char *what);

/*
 * Fill u from a user row as a backend read it: the name (len bytes, not
 * NUL-terminated, checked with sstep_store_name_ok), locked and created.
 * Returns SASLSTEP_OK, or sstep_store_corrupt() when the name is not a
 * valid one.
 */
int sstep_store_fill_user(saslstep_store_t *st, const char *what,
    struct sstep_user *u, const char *name, size_t len, int locked,
    int64_t created);

/*
 * Fill c from a credential row as a backend read it: the family and params
 * (family_len and params_len bytes, not NUL-terminated; the family checked
 * with sstep_store_family_ok, the params free of NUL), counter, version
 * and, with with_secret, secret_len bytes of secret (at most
 * SSTEP_SECRET_MAX; secret may be NULL when secret_len is 0).  Everything
 * is copied into memory c owns, so that sstep_cred_clear() can wipe it;
 * the caller clears c when done.  Returns SASLSTEP_OK, or (with c
 * cleared) sstep_store_corrupt() for a bad value, NOMEM.
 */
int sstep_store_fill_cred(saslstep_store_t *st, const char *what,
    struct sstep_cred *c, const char *family, size_t family_len,
    const char *params, size_t params_len, int64_t counter, int64_t version,
    int with_secret, const void *secret, size_t secret_len);

#endif /* SSTEP_STORE_BACKEND_H */

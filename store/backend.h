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

struct saslstep_store {
	const struct sstep_store_backend *backend;
	void *be;       /* the backend's state */
	char *location; /* path or URI, for messages */
	unsigned char secret[SSTEP_SERVER_SECRET]; /* wiped on close */
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
};

/* The SQLite backend (store/sqlite.c). */
extern const struct sstep_store_backend sstep_store_sqlite;

/*
 * Record why the last call on st failed ("store LOCATION: " is put in
 * front) and return code, so a backend can write
 * `return sstep_store_seterr(st, SASLSTEP_UNAVAIL, "disk full");`.
 */
int sstep_store_seterr(saslstep_store_t *st, int code, const char *fmt, ...)
    SSTEP_PRINTF(3, 4);

/*
 * Check a name read back from the database as store.c checks names given
 * to it (1..SSTEP_NAME_MAX bytes of len, no control character, no ':').
 * Returns 1 when valid.
 */
int sstep_store_name_ok(const char *name, size_t len);
/* The same for a credential family (1..SSTEP_FAMILY_MAX - 1 bytes of
 * letters, digits, '.', '_' and '-'). */
int sstep_store_family_ok(const char *family, size_t len);

#endif /* SSTEP_STORE_BACKEND_H */

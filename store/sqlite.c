/*
 * sqlite.c: the SQLite backend of the credential store.
 *
 * One connection per store handle.  Every write is one BEGIN IMMEDIATE
 * transaction (a savepoint inside an explicit one), so a writer waits for
 * the write lock up front (for the busy timeout) instead of failing
 * half-way; WAL with synchronous=FULL makes a
 * committed counter survive a crash at the cost of one fsync per commit.
 * SQL is constant text: every value is a bound parameter.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "saslstep-int.h"
#include "store.h"
#include "backend.h"

#define BUSY_TIMEOUT_MS 2000

/*
 * The schema, as migrations: migrations[i] takes a store from version i to
 * i + 1 (PRAGMA user_version).  A new version is a new entry at the end,
 * never an edit of an old one.  Primary keys are the lookup paths, so
 * every lookup is an index search whatever the number of users; WITHOUT
 * ROWID keeps each table in its primary-key order.
 */
static const char *const migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE meta ("
    "  key TEXT PRIMARY KEY NOT NULL,"
    "  value NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE users ("
    "  name TEXT PRIMARY KEY NOT NULL,"
    "  locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),"
    "  created INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE credentials ("
    "  user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,"
    "  family TEXT NOT NULL,"
    "  params TEXT NOT NULL,"
    "  secret BLOB NOT NULL CHECK (typeof(secret) = 'blob'),"
    "  counter INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (user, family)"
    ") WITHOUT ROWID;"
    "CREATE TABLE pending ("
    "  user TEXT NOT NULL,"
    "  family TEXT NOT NULL,"
    "  token BLOB NOT NULL,"
    "  expires INTEGER NOT NULL,"
    "  PRIMARY KEY (user, family),"
    "  FOREIGN KEY (user, family) REFERENCES credentials (user, family)"
    "    ON DELETE CASCADE"
    ") WITHOUT ROWID;",
};

#define SCHEMA_VERSION ((int64_t)(sizeof(migrations) / sizeof(migrations[0])))

/* Every statement, constant text: values are bound to ?1, ?2, ... */
static const char sql_meta_init[] =
    "INSERT INTO meta (key, value) VALUES ('server_secret', ?1), "
    "('version', 0), ('created', ?2)";
static const char sql_secret_get[] =
    "SELECT value FROM meta WHERE key = 'server_secret'";
static const char sql_version_bump[] =
    "UPDATE meta SET value = value + 1 WHERE key = 'version'";
static const char sql_version_get[] =
    "SELECT value FROM meta WHERE key = 'version'";
static const char sql_tables_count[] = "SELECT count(*) FROM sqlite_master";
static const char sql_settings[] =
    "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
    "PRAGMA secure_delete = ON; PRAGMA trusted_schema = OFF";

static const char sql_user_get[] =
    "SELECT locked, created FROM users WHERE name = ?1";
static const char sql_user_exists[] = "SELECT 1 FROM users WHERE name = ?1";
static const char sql_user_add[] =
    "INSERT INTO users (name, locked, created) VALUES (?1, 0, ?2) "
    "ON CONFLICT (name) DO NOTHING";
static const char sql_user_del[] = "DELETE FROM users WHERE name = ?1";
static const char sql_user_lock[] =
    "UPDATE users SET locked = ?2 WHERE name = ?1";
static const char sql_user_list[] =
    "SELECT name, locked, created FROM users ORDER BY name";

/* Column order as fill_cred() reads it. */
static const char sql_cred_get[] =
    "SELECT family, params, counter, version, secret FROM credentials "
    "WHERE user = ?1 AND family = ?2";
static const char sql_cred_exists[] =
    "SELECT 1 FROM credentials WHERE user = ?1 AND family = ?2";
static const char sql_cred_put[] =
    "INSERT INTO credentials (user, family, params, secret, counter, "
    "version) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (user, family) DO UPDATE SET params = excluded.params, "
    "secret = excluded.secret, counter = excluded.counter, "
    "version = excluded.version";
static const char sql_cred_update[] =
    "UPDATE credentials SET params = ?3, secret = ?4, counter = ?5, "
    "version = ?6 WHERE user = ?1 AND family = ?2 AND version = ?7";
static const char sql_cred_del[] =
    "DELETE FROM credentials WHERE user = ?1 AND family = ?2";
static const char sql_cred_list[] =
    "SELECT family, params, counter, version FROM credentials "
    "WHERE user = ?1 ORDER BY family";

static const char sql_pending_get[] =
    "SELECT expires FROM pending WHERE user = ?1 AND family = ?2";
static const char sql_pending_put[] =
    "INSERT INTO pending (user, family, token, expires) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (user, family) "
    "DO UPDATE SET token = excluded.token, expires = excluded.expires";
static const char sql_pending_clear[] =
    "DELETE FROM pending WHERE user = ?1 AND family = ?2";
static const char sql_pending_release[] =
    "DELETE FROM pending WHERE user = ?1 AND family = ?2 AND token = ?3";

/*
 * Turn an SQLite result code into ours, with a message that says what we
 * were doing and what went wrong in words an administrator acts on.
 */
static int
db_error(saslstep_store_t *st, int rc, const char *what)
{
	sqlite3 *db = st->be;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: store is locked by another process", what);
	case SQLITE_FULL:
		return sstep_store_seterr(
		    st, SASLSTEP_UNAVAIL, "%s: disk full", what);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: file is corrupt or not a database", what);
	case SQLITE_READONLY:
		return sstep_store_seterr(
		    st, SASLSTEP_UNAVAIL, "%s: store is read-only", what);
	case SQLITE_NOMEM:
		return sstep_store_seterr(
		    st, SASLSTEP_NOMEM, "%s: out of memory", what);
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: I/O error (%s)", what, sqlite3_errstr(rc));
	default:
		/* With bound parameters SQLite's messages hold no values. */
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL, "%s: %s", what,
		    db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
	}
}

/*
 * Prepare sql and bind ?1, ?2, ... from ap, one argument per letter of
 * types: 't' text (const char *), 'i' integer (int64_t), 'b' blob (const
 * void *, size_t).  Values are bound SQLITE_STATIC: they must outlive the
 * statement, which the callers finalize before returning.
 */
static int
prepare_v(saslstep_store_t *st, sqlite3_stmt **sp, const char *what,
    const char *sql, const char *types, va_list ap)
{
	sqlite3_stmt *s = NULL;
	const void *blob;
	size_t bloblen;
	int i, rc, r;

	*sp = NULL;
	if ((rc = sqlite3_prepare_v2(st->be, sql, -1, &s, NULL)) != SQLITE_OK)
		return db_error(st, rc, what);
	for (i = 0; rc == SQLITE_OK && types[i] != '\0'; i++) {
		switch (types[i]) {
		case 't':
			rc = sqlite3_bind_text(s, i + 1,
			    va_arg(ap, const char *), -1, SQLITE_STATIC);
			break;
		case 'i':
			rc = sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
			break;
		case 'b':
			blob = va_arg(ap, const void *);
			bloblen = va_arg(ap, size_t);
			if (bloblen > INT_MAX)
				rc = SQLITE_TOOBIG;
			else if (bloblen == 0) /* empty, not NULL */
				rc = sqlite3_bind_zeroblob(s, i + 1, 0);
			else
				rc = sqlite3_bind_blob(s, i + 1, blob,
				    (int)bloblen, SQLITE_STATIC);
			break;
		default:
			rc = SQLITE_MISUSE;
			break;
		}
	}
	if (rc != SQLITE_OK) {
		r = db_error(st, rc, what);
		sqlite3_finalize(s);
		return r;
	}
	*sp = s;
	return SASLSTEP_OK;
}

/* Prepare a query with its parameters bound (see prepare_v); the caller
 * steps and finalizes it. */
static int
query(saslstep_store_t *st, sqlite3_stmt **sp, const char *what,
    const char *sql, const char *types, ...)
{
	va_list ap;
	int r;

	va_start(ap, types);
	r = prepare_v(st, sp, what, sql, types, ap);
	va_end(ap);
	return r;
}

/* Run a statement that returns no rows; *changes (when not NULL) is the
 * number of rows it changed. */
static int
run_v(saslstep_store_t *st, int *changes, const char *what, const char *sql,
    const char *types, va_list ap)
{
	sqlite3_stmt *s = NULL;
	int r, rc;

	if ((r = prepare_v(st, &s, what, sql, types, ap)) != SASLSTEP_OK)
		return r;
	if ((rc = sqlite3_step(s)) != SQLITE_DONE) {
		r = db_error(st, rc, what);
		goto out;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(st->be);
	r = SASLSTEP_OK;
out:
	sqlite3_finalize(s);
	return r;
}

static int
run(saslstep_store_t *st, int *changes, const char *what, const char *sql,
    const char *types, ...)
{
	va_list ap;
	int r;

	va_start(ap, types);
	r = run_v(st, changes, what, sql, types, ap);
	va_end(ap);
	return r;
}

/* Run a query of at most one row with one integer column; *found is 0
 * when there is no row. */
static int
select_int(saslstep_store_t *st, int *found, int64_t *val, const char *what,
    const char *sql, const char *types, ...)
{
	sqlite3_stmt *s = NULL;
	va_list ap;
	int r, rc;

	*found = 0;
	*val = 0;
	va_start(ap, types);
	r = prepare_v(st, &s, what, sql, types, ap);
	va_end(ap);
	if (r != SASLSTEP_OK)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_INTEGER) {
			r = sstep_store_corrupt(st, what);
			goto out;
		}
		*found = 1;
		*val = sqlite3_column_int64(s, 0);
	} else if (rc != SQLITE_DONE) {
		r = db_error(st, rc, what);
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sqlite3_finalize(s);
	return r;
}

static int
exec_sql(saslstep_store_t *st, const char *sql, const char *what)
{
	int rc;

	if ((rc = sqlite3_exec(st->be, sql, NULL, NULL, NULL)) != SQLITE_OK)
		return db_error(st, rc, what);
	return SASLSTEP_OK;
}

/*
 * SQLite ends a transaction by itself after some errors (I/O error, disk
 * full, out of memory).  Inside an explicit transaction a write must then
 * fail rather than run outside it: the batch would be committed half.
 */
static int
txn_lost(saslstep_store_t *st, const char *what)
{
	return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
	    "%s: the transaction was abandoned after an earlier error", what);
}

/*
 * One write.  On its own: IMMEDIATE takes the write lock now, waiting at
 * most the busy timeout, so that no statement of the transaction can fail
 * for want of it.  Inside an explicit transaction (sstep_store_begin(),
 * which took the lock already) the write is a savepoint of it, so that a
 * failing write undoes only itself.
 */
/*
 * Start a transaction with sql.  A ROLLBACK can fail too (out of memory,
 * I/O error) and leave the handle inside the transaction it was to end:
 * end that one first, or every later write of the handle would fail
 * ("cannot start a transaction within a transaction").
 */
static int
begin_new(saslstep_store_t *st, const char *sql, const char *what)
{
	if (!sqlite3_get_autocommit(st->be))
		(void)sqlite3_exec(st->be, "ROLLBACK", NULL, NULL, NULL);
	return exec_sql(st, sql, what);
}

static int
begin(saslstep_store_t *st, const char *what)
{
	if (st->in_txn != SSTEP_TXN_WRITE)
		return begin_new(st, "BEGIN IMMEDIATE", what);
	if (sqlite3_get_autocommit(st->be))
		return txn_lost(st, what);
	return exec_sql(st, "SAVEPOINT sstep_write", what);
}

static int
commit(saslstep_store_t *st, const char *what)
{
	return exec_sql(st,
	    st->in_txn == SSTEP_TXN_WRITE ? "RELEASE sstep_write" : "COMMIT",
	    what);
}

/* After any failure inside a write: nothing of it is kept (and, inside an
 * explicit transaction, nothing else is lost). */
static void
rollback(saslstep_store_t *st)
{
	if (st->be == NULL || sqlite3_get_autocommit(st->be))
		return;
	if (st->in_txn == SSTEP_TXN_WRITE)
		(void)sqlite3_exec(st->be,
		    "ROLLBACK TO sstep_write; RELEASE sstep_write", NULL, NULL,
		    NULL);
	else
		(void)sqlite3_exec(st->be, "ROLLBACK", NULL, NULL, NULL);
}

/* The statements of one write, run by write_tx() inside its transaction. */
typedef int (*write_fn)(saslstep_store_t *st, const char *what, void *arg);

/*
 * Every write: begin, the statements of fn, commit; on any failure
 * (of fn or of the commit) roll back, so that nothing of it is kept.
 */
static int
write_tx(saslstep_store_t *st, const char *what, write_fn fn, void *arg)
{
	int r;

	if ((r = begin(st, what)) != SASLSTEP_OK)
		return r;
	if ((r = fn(st, what, arg)) == SASLSTEP_OK)
		r = commit(st, what);
	if (r != SASLSTEP_OK)
		rollback(st);
	return r;
}

struct stmt_arg {
	const char *sql;
	const char *types;
	int must_change;
	va_list ap;
};

static int
stmt_body(saslstep_store_t *st, const char *what, void *arg)
{
	struct stmt_arg *a = arg;
	int changes = 0, r;

	r = run_v(st, &changes, what, a->sql, a->types, a->ap);
	if (r != SASLSTEP_OK)
		return r;
	if (a->must_change && changes == 0)
		return sstep_store_not_found(st, what);
	return SASLSTEP_OK;
}

/*
 * One statement in its own write.  With must_change it must change the
 * row it addresses by key (a delete, or an update of a flag): NOUSER when
 * there is no such row.  Arguments as for run().
 */
static int
write_stmt(saslstep_store_t *st, const char *what, int must_change,
    const char *sql, const char *types, ...)
{
	struct stmt_arg a;
	int r;

	a.sql = sql;
	a.types = types;
	a.must_change = must_change;
	va_start(a.ap, types);
	r = write_tx(st, what, stmt_body, &a);
	va_end(a.ap);
	return r;
}

/*
 * A new credential version, from one counter for the whole store: a
 * version is never reused, not even after a credential is deleted and
 * enrolled again, so a stale compare-and-swap can never match.
 */
static int
next_version(saslstep_store_t *st, const char *what, int64_t *version)
{
	int changes = 0, found = 0, r;

	if ((r = run(st, &changes, what, sql_version_bump, "")) != SASLSTEP_OK)
		return r;
	r = select_int(st, &found, version, what, sql_version_get, "");
	if (r != SASLSTEP_OK)
		return r;
	if (changes != 1 || !found)
		return sstep_store_corrupt(st, what);
	return SASLSTEP_OK;
}

/* --- opening --- */

struct migrate_arg {
	int64_t now;
	const unsigned char *secret;
};

/*
 * Bring the schema to SCHEMA_VERSION in one transaction; on a new store
 * also write the server secret.  The version is read again under the write
 * lock, since another process may have done the work meanwhile.
 */
static int
migrate_body(saslstep_store_t *st, const char *what, void *arg)
{
	const struct migrate_arg *a = arg;
	char sql[64];
	int64_t version, tables;
	int found, r;

	r = select_int(st, &found, &version, what, "PRAGMA user_version", "");
	if (r != SASLSTEP_OK)
		return r;
	r = select_int(st, &found, &tables, what, sql_tables_count, "");
	if (r != SASLSTEP_OK)
		return r;
	if (version < 0 || version > SCHEMA_VERSION ||
	    (version == 0 && tables != 0))
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: not a saslstep store of a known version", what);
	for (; version < SCHEMA_VERSION; version++) {
		if ((r = exec_sql(st, migrations[version], what)) !=
		    SASLSTEP_OK)
			return r;
		if (version != 0)
			continue;
		/* A new store: its own secret and version counter. */
		r = run(st, NULL, what, sql_meta_init, "bi", a->secret,
		    (size_t)SSTEP_SERVER_SECRET, a->now);
		if (r != SASLSTEP_OK)
			return r;
	}
	/* PRAGMA takes no parameters; the number is our own constant. */
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %lld",
	    (long long)SCHEMA_VERSION);
	r = exec_sql(st, sql, what);
	return r;
}

static int
migrate(saslstep_store_t *st, int64_t now,
    const unsigned char secret[SSTEP_SERVER_SECRET])
{
	struct migrate_arg a;

	a.now = now;
	a.secret = secret;
	return write_tx(st, "migrating the schema", migrate_body, &a);
}

/* WAL lets logins read while one of them commits.  It is refused where
 * shared memory does not work (network file systems), and there SQLite's
 * locking could not keep two logins apart anyway. */
static int
set_wal(saslstep_store_t *st)
{
	const char *what = "setting WAL journal mode";
	sqlite3_stmt *s = NULL;
	const unsigned char *mode;
	int r, rc;

	if ((r = query(st, &s, what, "PRAGMA journal_mode = WAL", "")) !=
	    SASLSTEP_OK)
		return r;
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		r = db_error(st, rc, what);
		goto out;
	}
	mode = sqlite3_column_text(s, 0);
	if (mode == NULL || strcmp((const char *)mode, "wal") != 0) {
		r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: not supported on this file system", what);
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sqlite3_finalize(s);
	return r;
}

static int
read_secret(saslstep_store_t *st)
{
	const char *what = "reading the server secret";
	sqlite3_stmt *s = NULL;
	const void *blob;
	int r, rc;

	if ((r = query(st, &s, what, sql_secret_get, "")) != SASLSTEP_OK)
		return r;
	if ((rc = sqlite3_step(s)) != SQLITE_ROW) {
		if (rc == SQLITE_DONE)
			r = sstep_store_corrupt(st, what);
		else
			r = db_error(st, rc, what);
		goto out;
	}
	if (sqlite3_column_type(s, 0) != SQLITE_BLOB ||
	    (blob = sqlite3_column_blob(s, 0)) == NULL ||
	    sqlite3_column_bytes(s, 0) != SSTEP_SERVER_SECRET) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	memcpy(st->secret, blob, SSTEP_SERVER_SECRET);
	r = SASLSTEP_OK;
out:
	/* Let SQLite drop its copy of the value now. */
	sqlite3_reset(s);
	sqlite3_finalize(s);
	return r;
}

static int
sq_open(saslstep_store_t *st, const char *path, int create, int64_t now,
    const unsigned char new_secret[SSTEP_SERVER_SECRET])
{
	const char *what = "opening";
	sqlite3 *db = NULL;
	int64_t version, tables;
	int flags, found, rc, r;

	/*
	 * No SQLITE_OPEN_CREATE: store.c has made the file 0600, and were it
	 * removed since, SQLite would make a new one with the umask's mode.
	 * FULLMUTEX: a handle is meant for one thread at a time (its error
	 * text is per handle), but a threaded application that shares one
	 * anyway must not be able to corrupt SQLite's state.
	 */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
#ifdef SQLITE_OPEN_NOFOLLOW
	flags |= SQLITE_OPEN_NOFOLLOW;
#endif
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	st->be = db; /* closed by sq_close() even when the open failed */
	if (rc != SQLITE_OK)
		return db_error(st, rc, what);
	/* SQLite falls back to read-only when it cannot write the file;
	 * every login writes, so say so now rather than at the first commit. */
	if (sqlite3_db_readonly(db, "main") != 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "store is read-only (no write access to the file)");
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
#ifdef SQLITE_DBCONFIG_DEFENSIVE
	/* No pragma or schema trick may write around SQLite's checks. */
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
#endif
	/*
	 * foreign_keys: deleting a user deletes their credentials and locks.
	 * synchronous=FULL: a commit is on disk when COMMIT returns.
	 * secure_delete: old secrets are overwritten, not left in free pages.
	 * trusted_schema=OFF: the file's schema cannot call functions on us.
	 * None of these writes the file (synchronous reads its header, so a
	 * file that is not a database is refused here already).
	 */
	if ((r = exec_sql(st, sql_settings, what)) != SASLSTEP_OK)
		return r;

	/* Read before anything is written: a file that is not a database, or
	 * one from a newer saslstep, is left as it is. */
	what = "reading the schema version";
	r = select_int(st, &found, &version, what, "PRAGMA user_version", "");
	if (r != SASLSTEP_OK)
		return r;
	if (version > SCHEMA_VERSION)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "schema version %lld is newer than this saslstep knows "
		    "(%lld); refusing",
		    (long long)version, (long long)SCHEMA_VERSION);
	if (version == 0) {
		r = select_int(st, &found, &tables, what, sql_tables_count, "");
		if (r != SASLSTEP_OK)
			return r;
		if (tables != 0)
			return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "not a saslstep store (a database without a "
			    "schema version)");
		if (!create)
			return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "store is empty (create it with saslstep)");
		if ((r = set_wal(st)) != SASLSTEP_OK)
			return r;
	}
	if (version < SCHEMA_VERSION &&
	    (r = migrate(st, now, new_secret)) != SASLSTEP_OK)
		return r;
	return read_secret(st);
}

static void
sq_close(saslstep_store_t *st)
{
	if (st->be == NULL)
		return;
	/* v2: never leaves the connection open, even with a stray statement. */
	sqlite3_close_v2(st->be);
	st->be = NULL;
}

/* --- users --- */

static int
sq_user_get(saslstep_store_t *st, const char *name, struct sstep_user *u)
{
	const char *what = "reading a user";
	sqlite3_stmt *s = NULL;
	int r, rc;

	memset(u, 0, sizeof(*u));
	if ((r = query(st, &s, what, sql_user_get, "t", name)) != SASLSTEP_OK)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		r = sstep_store_seterr(st, SASLSTEP_NOUSER, "no such user");
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = db_error(st, rc, what);
		goto out;
	}
	/* name was checked by store.c: at most SSTEP_NAME_MAX bytes. */
	memcpy(u->name, name, strlen(name) + 1);
	u->locked = sqlite3_column_int64(s, 0) != 0;
	u->created = sqlite3_column_int64(s, 1);
	r = SASLSTEP_OK;
out:
	sqlite3_finalize(s);
	return r;
}

static int
sq_user_add(saslstep_store_t *st, const char *name, int64_t now)
{
	return write_stmt(
	    st, "adding a user", 0, sql_user_add, "ti", name, now);
}

static int
sq_user_del(saslstep_store_t *st, const char *name)
{
	/* The foreign keys take the user's credentials and locks along. */
	return write_stmt(st, "deleting a user", 1, sql_user_del, "t", name);
}

static int
sq_user_set_locked(saslstep_store_t *st, const char *name, int locked)
{
	return write_stmt(st, locked ? "locking a user" : "unlocking a user", 1,
	    sql_user_lock, "ti", name, (int64_t)(locked != 0));
}

static int
sq_user_list(saslstep_store_t *st,
    int (*fn)(const struct sstep_user *u, void *arg), void *arg)
{
	const char *what = "listing users";
	struct sstep_user u;
	sqlite3_stmt *s = NULL;
	const unsigned char *text;
	int n, r, rc;

	if ((r = query(st, &s, what, sql_user_list, "")) != SASLSTEP_OK)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 0) != SQLITE_TEXT ||
		    (text = sqlite3_column_text(s, 0)) == NULL ||
		    (n = sqlite3_column_bytes(s, 0)) < 0) {
			r = sstep_store_corrupt(st, what);
			goto out;
		}
		r = sstep_store_fill_user(st, what, &u, (const char *)text,
		    (size_t)n, sqlite3_column_int64(s, 1) != 0,
		    sqlite3_column_int64(s, 2));
		if (r != SASLSTEP_OK)
			goto out;
		if (fn(&u, arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		r = db_error(st, rc, what);
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sqlite3_finalize(s);
	return r;
}

/* --- credentials --- */

/*
 * Fill c from the current row: family, params, counter, version and, with
 * with_secret, the secret in column 4.  Types are checked here, values by
 * sstep_store_fill_cred(): the file may have been edited by hand.
 */
static int
fill_cred(saslstep_store_t *st, sqlite3_stmt *s, int with_secret,
    struct sstep_cred *c, const char *what)
{
	const unsigned char *family, *params;
	const void *blob = NULL;
	int flen, plen, n = 0;

	memset(c, 0, sizeof(*c));
	if (sqlite3_column_type(s, 0) != SQLITE_TEXT ||
	    (family = sqlite3_column_text(s, 0)) == NULL ||
	    (flen = sqlite3_column_bytes(s, 0)) < 0 ||
	    sqlite3_column_type(s, 1) != SQLITE_TEXT ||
	    (params = sqlite3_column_text(s, 1)) == NULL ||
	    (plen = sqlite3_column_bytes(s, 1)) < 0 ||
	    sqlite3_column_type(s, 2) != SQLITE_INTEGER ||
	    sqlite3_column_type(s, 3) != SQLITE_INTEGER)
		return sstep_store_corrupt(st, what);
	if (with_secret) {
		if (sqlite3_column_type(s, 4) != SQLITE_BLOB ||
		    (n = sqlite3_column_bytes(s, 4)) < 0)
			return sstep_store_corrupt(st, what);
		blob = sqlite3_column_blob(s, 4);
	}
	return sstep_store_fill_cred(st, what, c, (const char *)family,
	    (size_t)flen, (const char *)params, (size_t)plen,
	    sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3), with_secret,
	    blob, (size_t)n);
}

static int
sq_cred_get(saslstep_store_t *st, const char *name, const char *family,
    struct sstep_cred *c)
{
	const char *what = "reading a credential";
	sqlite3_stmt *s = NULL;
	int r, rc;

	memset(c, 0, sizeof(*c));
	r = query(st, &s, what, sql_cred_get, "tt", name, family);
	if (r != SASLSTEP_OK)
		return r;
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		r = sstep_store_seterr(st, SASLSTEP_NOUSER,
		    "no %s credential for this user", family);
	else if (rc != SQLITE_ROW)
		r = db_error(st, rc, what);
	else
		r = fill_cred(st, s, 1, c, what);
	/* Reset at once: SQLite frees its copy of the secret. */
	sqlite3_reset(s);
	sqlite3_finalize(s);
	return r;
}

/* The arguments of a credential write (put or update). */
struct cred_arg {
	const char *name;
	const struct sstep_cred *c;
	int64_t now;
	int64_t expect_version;
	const unsigned char *token;
};

static int
cred_put_body(saslstep_store_t *st, const char *what, void *arg)
{
	const struct cred_arg *a = arg;
	const char *name = a->name;
	const struct sstep_cred *c = a->c;
	const char *params = c->params != NULL ? c->params : "";
	int64_t version;
	int r;

	if ((r = run(st, NULL, what, sql_user_add, "ti", name, a->now)) !=
	    SASLSTEP_OK)
		return r;
	if ((r = next_version(st, what, &version)) != SASLSTEP_OK)
		return r;
	r = run(st, NULL, what, sql_cred_put, "tttbii", name, c->family, params,
	    (const void *)c->secret, c->secret_len, c->counter, version);
	if (r != SASLSTEP_OK)
		return r;
	/* A new enrolment starts with no challenge outstanding: a lock
	 * taken for the old credential must not hold up the new one. */
	r = run(st, NULL, what, sql_pending_clear, "tt", name, c->family);
	return r;
}

static int
sq_cred_put(saslstep_store_t *st, const char *name, const struct sstep_cred *c,
    int64_t now)
{
	struct cred_arg a;

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.c = c;
	a.now = now;
	return write_tx(st, "writing a credential", cred_put_body, &a);
}

static int
cred_update_body(saslstep_store_t *st, const char *what, void *arg)
{
	const struct cred_arg *a = arg;
	const char *name = a->name;
	const struct sstep_cred *c = a->c;
	const char *params = c->params != NULL ? c->params : "";
	int64_t version;
	int changes = 0, r;

	if ((r = next_version(st, what, &version)) != SASLSTEP_OK)
		return r;
	r = run(st, &changes, what, sql_cred_update, "tttbiii", name, c->family,
	    params, (const void *)c->secret, c->secret_len, c->counter, version,
	    a->expect_version);
	if (r != SASLSTEP_OK)
		return r;
	if (changes == 0) {
		/* The compare-and-swap lost: another login (or an admin)
		 * wrote first, and a one-time value is used only once. */
		r = sstep_store_cas_lost(st, what);
		return r;
	}
	if (a->token != NULL)
		r = run(st, NULL, what, sql_pending_release, "ttb", name,
		    c->family, (const void *)a->token,
		    (size_t)SSTEP_PENDING_TOKEN);
	return r;
}

static int
sq_cred_update(saslstep_store_t *st, const char *name, int64_t expect_version,
    const struct sstep_cred *c, const unsigned char *token)
{
	struct cred_arg a;

	memset(&a, 0, sizeof(a));
	a.name = name;
	a.c = c;
	a.expect_version = expect_version;
	a.token = token;
	return write_tx(st, "updating a credential", cred_update_body, &a);
}

static int
sq_cred_del(saslstep_store_t *st, const char *name, const char *family)
{
	return write_stmt(
	    st, "deleting a credential", 1, sql_cred_del, "tt", name, family);
}

static int
sq_cred_list(saslstep_store_t *st, const char *name,
    int (*fn)(const struct sstep_cred *c, void *arg), void *arg)
{
	const char *what = "listing credentials";
	struct sstep_cred c;
	sqlite3_stmt *s = NULL;
	int64_t one;
	int found = 0, r, rc, stop;

	memset(&c, 0, sizeof(c));
	r = select_int(st, &found, &one, what, sql_user_exists, "t", name);
	if (r != SASLSTEP_OK)
		return r;
	if (!found)
		return sstep_store_seterr(st, SASLSTEP_NOUSER, "no such user");
	if ((r = query(st, &s, what, sql_cred_list, "t", name)) != SASLSTEP_OK)
		return r;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((r = fill_cred(st, s, 0, &c, what)) != SASLSTEP_OK)
			goto out;
		stop = fn(&c, arg);
		sstep_cred_clear(&c);
		if (stop != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (rc != SQLITE_DONE) {
		r = db_error(st, rc, what);
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sstep_cred_clear(&c);
	sqlite3_finalize(s);
	return r;
}

/* --- pending-challenge locks (RFC 2289 section 9) --- */

struct pending_arg {
	const char *name;
	const char *family;
	int64_t expires;
	int64_t now;
	const unsigned char *token;
};

static int
pending_take_body(saslstep_store_t *st, const char *what, void *arg)
{
	const struct pending_arg *a = arg;
	const char *name = a->name, *family = a->family;
	int64_t held_until, one;
	int found = 0, r;

	/* A fresh token never equals the one held, so any live lock is
	 * another exchange's. */
	r = select_int(
	    st, &found, &held_until, what, sql_pending_get, "tt", name, family);
	if (r != SASLSTEP_OK)
		return r;
	if (found && held_until > a->now) {
		r = sstep_store_seterr(st, SASLSTEP_TRYAGAIN,
		    "%s: another challenge is outstanding", what);
		return r;
	}
	r = select_int(
	    st, &found, &one, what, sql_cred_exists, "tt", name, family);
	if (r != SASLSTEP_OK)
		return r;
	if (!found) {
		r = sstep_store_seterr(st, SASLSTEP_NOUSER,
		    "%s: no %s credential for this user", what, family);
		return r;
	}
	r = run(st, NULL, what, sql_pending_put, "ttbi", name, family,
	    (const void *)a->token, (size_t)SSTEP_PENDING_TOKEN, a->expires);
	return r;
}

static int
sq_pending_take(saslstep_store_t *st, const char *name, const char *family,
    int64_t expires, int64_t now,
    const unsigned char token[SSTEP_PENDING_TOKEN])
{
	struct pending_arg a;

	a.name = name;
	a.family = family;
	a.expires = expires;
	a.now = now;
	a.token = token;
	return write_tx(st, "taking a challenge lock", pending_take_body, &a);
}

static void
sq_pending_release(saslstep_store_t *st, const char *name, const char *family,
    const unsigned char token[SSTEP_PENDING_TOKEN])
{
	(void)write_stmt(st, "releasing a challenge lock", 0,
	    sql_pending_release, "ttb", name, family, (const void *)token,
	    (size_t)SSTEP_PENDING_TOKEN);
}

/* --- the explicit transaction (sstep_store_begin) --- */

static int
sq_txn_begin(saslstep_store_t *st, int write)
{
	const char *what = "starting a transaction";
	int64_t version;
	int found, r;

	if (write)
		return begin_new(st, "BEGIN IMMEDIATE", what);
	/* A deferred transaction takes its snapshot at its first read:
	 * read now, so that the snapshot is the store as of begin. */
	if ((r = begin_new(st, "BEGIN", what)) != SASLSTEP_OK)
		return r;
	r = select_int(st, &found, &version, what, sql_version_get, "");
	if (r != SASLSTEP_OK)
		rollback(st);
	return r;
}

static int
sq_txn_commit(saslstep_store_t *st)
{
	const char *what = "committing a transaction";
	int r;

	if (sqlite3_get_autocommit(st->be))
		return txn_lost(st, what);
	if ((r = exec_sql(st, "COMMIT", what)) != SASLSTEP_OK &&
	    !sqlite3_get_autocommit(st->be))
		(void)sqlite3_exec(st->be, "ROLLBACK", NULL, NULL, NULL);
	return r;
}

static void
sq_txn_rollback(saslstep_store_t *st)
{
	if (st->be != NULL && !sqlite3_get_autocommit(st->be))
		(void)sqlite3_exec(st->be, "ROLLBACK", NULL, NULL, NULL);
}

static const char *const sqlite_schemes[] = {"sqlite", "file", NULL};

const struct sstep_store_backend sstep_store_sqlite = {
    "sqlite",
    sqlite_schemes,
    1,
    sq_open,
    sq_close,
    sq_user_get,
    sq_user_add,
    sq_user_del,
    sq_user_set_locked,
    sq_user_list,
    sq_cred_get,
    sq_cred_put,
    sq_cred_update,
    sq_cred_del,
    sq_cred_list,
    sq_pending_take,
    sq_pending_release,
    sq_txn_begin,
    sq_txn_commit,
    sq_txn_rollback,
};

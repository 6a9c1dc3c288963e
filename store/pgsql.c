/*
 * pgsql.c: the PostgreSQL backend of the credential store, so that many
 * hosts share users and one-time counters (README, "Many hosts").
 *
 * The data model and semantics are those of sqlite.c, in a schema of its
 * own ("saslstep").  Every table name is qualified and the search_path is
 * pinned to pg_catalog, so no object of another schema can stand in for
 * ours.  Every write is one statement, hence one transaction: a counter
 * changes only by an UPDATE conditional on the version read before
 * (compare-and-swap), and under READ COMMITTED the second of two
 * concurrent updates waits for the first, then finds the version changed
 * and changes nothing: exactly one login wins, on any number of hosts.
 * Inside an explicit transaction (sstep_store_begin) each write is a
 * savepoint of it.  SQL is constant text; every value is a parameter.
 *
 * Time bound: libpq is driven asynchronously and every wait is a poll()
 * with a deadline of T = connect_timeout (from the URI, the service file
 * or the environment; 2 s when none sets it): connecting, all hosts of the
 * URI together, takes at most T, and each statement at most T (the
 * server's statement_timeout and lock_timeout end a little earlier, so it
 * gives up too).  A handle that timed out or lost its connection fails
 * every later call at once.  Host name lookups inside libpq block outside the
 * bound: give addresses, or have a local resolver.
 *
 * Results are read in binary and wiped before libpq frees them, since a
 * result may hold a secret.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "saslstep-int.h"
#include "store.h"
#include "backend.h"

#define DEFAULT_TIMEOUT_MS 2000
#define MAX_TIMEOUT_S      3600
#define MAX_PARAMS         8

/* What stmt() runs: a statement as it is, or a write (see write_v). */
#define STMT_PLAIN 0
#define STMT_WRITE 1
/* The server's statement_timeout ends this long before T, its
 * lock_timeout twice as long (so that a wait for a lock says so); T is at
 * least 1 s. */
#define SERVER_MARGIN_MS 250

/* Type OIDs of the columns we read (fixed in PostgreSQL's catalog). */
#define BOOLOID  16
#define BYTEAOID 17
#define INT8OID  20
#define TEXTOID  25

/* The key of the advisory lock that keeps two migrations apart: "saslstep"
 * in ASCII. */
#define MIGRATION_LOCK "8313472849390531952"

struct pg {
	PGconn *conn;     /* NULL once given up */
	int timeout_ms;   /* T, see above */
	char sqlstate[6]; /* of the last failed statement, or "" */
};

/*
 * The schema, as migrations: migrations[i] takes a store from version i to
 * i + 1 (saslstep.schema_version).  A new version is a new entry at the
 * end, never an edit of an old one.  COLLATE "C": names compare and sort
 * byte by byte, as in SQLite.
 */
static const char *const migration1[] = {
    "CREATE TABLE saslstep.schema_version ("
    "  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),"
    "  version bigint NOT NULL)",
    "CREATE TABLE saslstep.meta ("
    "  key text COLLATE \"C\" PRIMARY KEY,"
    "  value bytea NOT NULL)",
    "CREATE TABLE saslstep.users ("
    "  name text COLLATE \"C\" PRIMARY KEY,"
    "  locked boolean NOT NULL DEFAULT false,"
    "  created bigint NOT NULL)",
    /* One version counter for the whole store: a version is never
     * reused, not even after a re-enrolment, so a stale compare-and-swap
     * can never match. */
    "CREATE SEQUENCE saslstep.credential_version AS bigint",
    "CREATE TABLE saslstep.credentials ("
    "  username text COLLATE \"C\" NOT NULL"
    "    REFERENCES saslstep.users (name) ON DELETE CASCADE,"
    "  family text COLLATE \"C\" NOT NULL,"
    "  params text NOT NULL,"
    "  secret bytea NOT NULL,"
    "  counter bigint NOT NULL,"
    "  version bigint NOT NULL,"
    "  PRIMARY KEY (username, family))",
    "CREATE TABLE saslstep.pending ("
    "  username text COLLATE \"C\" NOT NULL,"
    "  family text COLLATE \"C\" NOT NULL,"
    "  token bytea NOT NULL,"
    "  expires bigint NOT NULL,"
    "  PRIMARY KEY (username, family),"
    "  FOREIGN KEY (username, family)"
    "    REFERENCES saslstep.credentials (username, family)"
    "    ON DELETE CASCADE)",
    NULL,
};

static const char *const *const migrations[] = {migration1};

#define SCHEMA_VERSION ((int64_t)(sizeof(migrations) / sizeof(migrations[0])))

/* Every statement, constant text: values are bound to $1, $2, ... */
static const char sql_setup[] =
    "SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', "
    "false), pg_catalog.set_config('statement_timeout', $1, false), "
    "pg_catalog.set_config('lock_timeout', $2, false), "
    "pg_catalog.set_config('default_transaction_isolation', "
    "'read committed', false)";
static const char sql_schema_get[] =
    "SELECT v.version, m.value FROM saslstep.schema_version v "
    "LEFT JOIN saslstep.meta m ON m.key = 'server_secret'";
static const char sql_migration_lock[] =
    "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")";
static const char sql_schema_probe[] =
    "SELECT to_regnamespace('saslstep') IS NOT NULL, "
    "to_regclass('saslstep.schema_version') IS NOT NULL, "
    "(SELECT count(*) FROM pg_class "
    "WHERE relnamespace = to_regnamespace('saslstep'))";
static const char sql_schema_version[] =
    "SELECT version FROM saslstep.schema_version";
static const char sql_schema_create[] = "CREATE SCHEMA saslstep";
static const char sql_meta_init[] = "INSERT INTO saslstep.meta (key, value) "
                                    "VALUES ('server_secret', $1::bytea)";
static const char sql_version_init[] =
    "INSERT INTO saslstep.schema_version (version) VALUES (0)";
static const char sql_version_set[] =
    "UPDATE saslstep.schema_version SET version = $1::bigint";

static const char sql_user_get[] =
    "SELECT locked, created FROM saslstep.users WHERE name = $1";
static const char sql_user_add[] =
    "INSERT INTO saslstep.users (name, locked, created) "
    "VALUES ($1, false, $2::bigint) ON CONFLICT (name) DO NOTHING";
static const char sql_user_del[] = "DELETE FROM saslstep.users WHERE name = $1";
static const char sql_user_lock[] =
    "UPDATE saslstep.users SET locked = $2::boolean WHERE name = $1";
static const char sql_user_list[] =
    "SELECT name, locked, created FROM saslstep.users ORDER BY name";

/* Column order as fill_cred() reads it. */
static const char sql_cred_get[] =
    "SELECT family, params, counter, version, secret "
    "FROM saslstep.credentials WHERE username = $1 AND family = $2";
/*
 * Enrolment in one statement: the user if missing, the credential with a
 * new version, and no challenge outstanding for it (a lock taken for the
 * old credential must not hold up the new one).  The foreign key is
 * checked at the end of the statement, when the user row is there.
 */
static const char sql_cred_put[] =
    "WITH u AS (INSERT INTO saslstep.users (name, locked, created) "
    "VALUES ($1, false, $6::bigint) ON CONFLICT (name) DO NOTHING), "
    "p AS (DELETE FROM saslstep.pending "
    "WHERE username = $1 AND family = $2) "
    "INSERT INTO saslstep.credentials "
    "(username, family, params, secret, counter, version) "
    "VALUES ($1, $2, $3, $4::bytea, $5::bigint, "
    "nextval('saslstep.credential_version')) "
    "ON CONFLICT (username, family) DO UPDATE SET params = excluded.params, "
    "secret = excluded.secret, counter = excluded.counter, "
    "version = excluded.version";
/*
 * The compare-and-swap: the update happens only if the version is still
 * the one read; the challenge lock held with $7 goes in the same statement
 * only if it did.  Returns the number of credentials changed (0 or 1).
 */
static const char sql_cred_update[] =
    "WITH c AS (UPDATE saslstep.credentials SET params = $3, "
    "secret = $4::bytea, counter = $5::bigint, "
    "version = nextval('saslstep.credential_version') "
    "WHERE username = $1 AND family = $2 AND version = $6::bigint "
    "RETURNING 1), "
    "p AS (DELETE FROM saslstep.pending WHERE username = $1 "
    "AND family = $2 AND token = $7::bytea AND EXISTS (SELECT FROM c)) "
    "SELECT count(*) FROM c";
static const char sql_cred_del[] =
    "DELETE FROM saslstep.credentials WHERE username = $1 AND family = $2";
/* A user without credentials gives one row of NULLs; no user, no row. */
static const char sql_cred_list[] =
    "SELECT c.family, c.params, c.counter, c.version "
    "FROM saslstep.users u LEFT JOIN saslstep.credentials c "
    "ON c.username = u.name WHERE u.name = $1 ORDER BY c.family";

/*
 * RFC 2289 s. 9 across hosts: the lock is written only where the
 * credential exists and no live lock is held ($5 is now); two hosts
 * inserting at once are serialised by the primary key, and the second
 * finds the first's lock live.  Returns (credentials found, locks taken).
 */
static const char sql_pending_take[] =
    "WITH c AS (SELECT FROM saslstep.credentials "
    "WHERE username = $1 AND family = $2), "
    "t AS (INSERT INTO saslstep.pending (username, family, token, expires) "
    "SELECT $1, $2, $3::bytea, $4::bigint FROM c "
    "ON CONFLICT (username, family) DO UPDATE SET token = excluded.token, "
    "expires = excluded.expires WHERE saslstep.pending.expires <= $5::bigint "
    "RETURNING 1) "
    "SELECT (SELECT count(*) FROM c), (SELECT count(*) FROM t)";
static const char sql_pending_release[] =
    "DELETE FROM saslstep.pending "
    "WHERE username = $1 AND family = $2 AND token = $3::bytea";

/* --- plumbing --- */

static int64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wipe every value of a result before libpq frees it: any of them may be
 * a secret, and PQclear() only frees. */
static void
res_free(PGresult *res)
{
	int i, j, rows, cols;

	if (res == NULL)
		return;
	rows = PQntuples(res);
	cols = PQnfields(res);
	for (i = 0; i < rows; i++)
		for (j = 0; j < cols; j++)
			sstep_wipe(PQgetvalue(res, i, j),
			    (size_t)PQgetlength(res, i, j));
	PQclear(res);
}

/* Passwords in option arrays libpq gave us are wiped before the free. */
static void
opts_free(PQconninfoOption *opts)
{
	PQconninfoOption *o;

	if (opts == NULL)
		return;
	for (o = opts; o->keyword != NULL; o++)
		if (o->val != NULL && strcmp(o->keyword, "password") == 0)
			sstep_wipe(o->val, strlen(o->val));
	PQconninfoFree(opts);
}

/* Server and libpq messages span lines (and could carry control
 * characters from a hostile server): one line of printable text for the
 * log. */
static void
flatten(char *dst, size_t size, const char *src)
{
	size_t n = 0;
	int space = 0;

	if (size == 0)
		return;
	for (; src != NULL && *src != '\0' && n + 1 < size; src++) {
		unsigned char ch = (unsigned char)*src;

		if (ch < 0x20 || ch == 0x7f) {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < size)
			dst[n++] = ' ';
		space = 0;
		dst[n++] = (char)ch;
	}
	dst[n] = '\0';
}

/* Replace every occurrence of secret in st->err (whatever produced the
 * message, a password must never reach a log). */
static void
mask(saslstep_store_t *st, const char *secret)
{
	static const char stars[] = "***";
	size_t slen, tail;
	char *p;

	if (secret == NULL || (slen = strlen(secret)) == 0)
		return;
	p = st->err;
	while ((p = strstr(p, secret)) != NULL) {
		tail = strlen(p + slen) + 1;
		if (slen >= sizeof(stars) - 1) {
			memcpy(p, stars, sizeof(stars) - 1);
			memmove(p + sizeof(stars) - 1, p + slen, tail);
		} else { /* a short one: cover it, no room to say more */
			memset(p, '*', slen);
		}
		p += slen < sizeof(stars) - 1 ? slen : sizeof(stars) - 1;
	}
}

/*
 * Strict UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF), as PostgreSQL checks it: text in a UTF8 database.  Names that
 * are not cannot be stored, so they cannot be found either.
 */
static int
utf8_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo, hi;
	int n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			p++;
			continue;
		}
		lo = 0x80;
		hi = 0xbf;
		if (*p >= 0xc2 && *p <= 0xdf)
			n = 1;
		else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			if (*p == 0xe0)
				lo = 0xa0;
			else if (*p == 0xed)
				hi = 0x9f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			if (*p == 0xf0)
				lo = 0x90;
			else if (*p == 0xf4)
				hi = 0x8f;
		} else
			return 0;
		for (i = 1; i <= n; i++, lo = 0x80, hi = 0xbf)
			if (p[i] < lo || p[i] > hi)
				return 0;
		p += n + 1;
	}
	return 1;
}

/* A name that cannot be in the database: code says what that means for
 * the call (absent, or refused). */
static int
bad_text(saslstep_store_t *st, int code, const char *what)
{
	return sstep_store_seterr(st, code, "%s: %s", what,
	    code == SASLSTEP_BADPARAM
	        ? "not valid UTF-8, which a PostgreSQL store requires"
	        : "not found");
}

/* Close the connection for good: after a timeout or a lost connection
 * the handle's state with the server is unknown. */
static void
give_up(struct pg *pg)
{
	if (pg->conn != NULL) {
		PQfinish(pg->conn);
		pg->conn = NULL;
	}
}

static int
lost(saslstep_store_t *st, const char *what)
{
	struct pg *pg = st->be;
	char msg[SSTEP_STORE_ERR];

	flatten(
	    msg, sizeof(msg), pg->conn != NULL ? PQerrorMessage(pg->conn) : "");
	give_up(pg);
	return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
	    "%s: connection to the server lost%s%s", what,
	    msg[0] != '\0' ? ": " : "", msg);
}

static int
timed_out(saslstep_store_t *st, const char *what, int waited)
{
	struct pg *pg = st->be;

	if (waited < 0) {
		int e = errno;

		give_up(pg);
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: waiting for the server: %s", what, strerror(e));
	}
	give_up(pg);
	return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
	    "%s: no answer from the server within %d ms (connect_timeout)",
	    what, pg->timeout_ms);
}

/* Wait until the connection's socket is ready for events or the deadline
 * passes: 1 ready, 0 timed out, -1 error (errno set). */
static int
wait_socket(PGconn *conn, short events, int64_t deadline)
{
	struct pollfd pfd;
	int64_t left;
	int n;

	if ((pfd.fd = PQsocket(conn)) < 0) {
		errno = EBADF;
		return -1;
	}
	pfd.events = events;
	for (;;) {
		if ((left = deadline - now_ms()) <= 0)
			return 0;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/*
 * Turn a failed statement into our code, with a message that says what we
 * were doing and what went wrong in words an administrator acts on.  Only
 * the primary message is shown: details may quote values.
 */
static int
db_error(saslstep_store_t *st, const PGresult *res, const char *what)
{
	struct pg *pg = st->be;
	const char *state, *primary;
	char msg[SSTEP_STORE_ERR];

	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (state == NULL || PQstatus(pg->conn) == CONNECTION_BAD)
		return lost(st, what);
	snprintf(pg->sqlstate, sizeof(pg->sqlstate), "%s", state);
	flatten(msg, sizeof(msg), primary);
	if (strcmp(state, "3F000") == 0 || strcmp(state, "42P01") == 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: store not initialised (run saslstep --db URI init): "
		    "%s",
		    what, msg);
	if (strcmp(state, "42501") == 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: not allowed for this database role: %s", what, msg);
	if (strcmp(state, "55P03") == 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: store is locked by another session (lock_timeout)",
		    what);
	if (strcmp(state, "40P01") == 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: store is locked by another session (deadlock)", what);
	if (strcmp(state, "57014") == 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: the server gave up (statement_timeout)", what);
	if (strcmp(state, "25006") == 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: the server is read-only (a standby? set "
		    "target_session_attrs=read-write)",
		    what);
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0) {
		give_up(pg);
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: connection to the server lost: %s", what, msg);
	}
	if (strcmp(state, "22021") == 0 || strcmp(state, "22P05") == 0)
		return sstep_store_seterr(st, SASLSTEP_BADPARAM,
		    "%s: text not representable in the database: %s", what,
		    msg);
	return sstep_store_seterr(
	    st, SASLSTEP_UNAVAIL, "%s: %s (SQLSTATE %s)", what, msg, state);
}

/* Parameters of one statement (see bind_v). */
struct params {
	const char *values[MAX_PARAMS];
	int lengths[MAX_PARAMS];
	int formats[MAX_PARAMS];
	char ints[MAX_PARAMS][24];
	int n;
};

/*
 * Bind $1, $2, ... from ap, one argument per letter of types: 't' text
 * (const char *), 'i' integer (int64_t), 'b' bytes (const void *, size_t;
 * NULL with 0 is empty), 'B' bytes or SQL NULL when the pointer is NULL.
 * Numbers go as text, bytes in binary: nothing is ever escaped.
 */
static int
bind_v(saslstep_store_t *st, struct params *p, const char *what,
    const char *types, va_list ap)
{
	const void *blob;
	size_t len;
	int i;

	memset(p, 0, sizeof(*p));
	for (i = 0; types[i] != '\0'; i++) {
		if (i == MAX_PARAMS)
			return sstep_store_seterr(
			    st, SASLSTEP_FAIL, "%s: too many parameters", what);
		switch (types[i]) {
		case 't':
			p->values[i] = va_arg(ap, const char *);
			break;
		case 'i':
			snprintf(p->ints[i], sizeof(p->ints[i]), "%lld",
			    (long long)va_arg(ap, int64_t));
			p->values[i] = p->ints[i];
			break;
		case 'b':
		case 'B':
			blob = va_arg(ap, const void *);
			len = va_arg(ap, size_t);
			if (len > INT_MAX)
				return sstep_store_seterr(st, SASLSTEP_BADPARAM,
				    "%s: value too long", what);
			if (blob == NULL && types[i] == 'b')
				blob = ""; /* empty, not NULL */
			p->values[i] = blob;
			p->lengths[i] = (int)len;
			p->formats[i] = 1;
			break;
		default:
			return sstep_store_seterr(
			    st, SASLSTEP_FAIL, "%s: bad parameter type", what);
		}
	}
	p->n = i;
	return SASLSTEP_OK;
}

/*
 * Send one statement and wait, at most the handle's T, for its result.
 * On success *resp is the result (free with res_free); on failure it is
 * NULL and the reason is set.
 */
static int
exec_v(saslstep_store_t *st, PGresult **resp, const char *what, const char *sql,
    const char *types, va_list ap)
{
	struct pg *pg = st->be;
	struct params p;
	PGresult *res = NULL, *more;
	int64_t deadline;
	int f, w, r;

	*resp = NULL;
	if (pg == NULL || pg->conn == NULL)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: the connection to the server was lost earlier", what);
	pg->sqlstate[0] = '\0';
	if ((r = bind_v(st, &p, what, types, ap)) != SASLSTEP_OK)
		return r;
	deadline = now_ms() + pg->timeout_ms;
	if (!PQsendQueryParams(
	        pg->conn, sql, p.n, NULL, p.values, p.lengths, p.formats, 1))
		return lost(st, what);
	/* A non-blocking connection sends what fits; the server may have
	 * to be read from before it takes more. */
	while ((f = PQflush(pg->conn)) == 1) {
		if ((w = wait_socket(pg->conn, POLLIN | POLLOUT, deadline)) <=
		    0)
			return timed_out(st, what, w);
		if (!PQconsumeInput(pg->conn))
			return lost(st, what);
	}
	if (f != 0)
		return lost(st, what);
	/* One statement, one result; then NULL says the server is done. */
	for (;;) {
		while (PQisBusy(pg->conn)) {
			if ((w = wait_socket(pg->conn, POLLIN, deadline)) <=
			    0) {
				res_free(res);
				return timed_out(st, what, w);
			}
			if (!PQconsumeInput(pg->conn)) {
				res_free(res);
				return lost(st, what);
			}
		}
		if ((more = PQgetResult(pg->conn)) == NULL)
			break;
		if (res == NULL)
			res = more;
		else
			res_free(more);
	}
	if (res == NULL)
		return lost(st, what);
	switch (PQresultStatus(res)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		*resp = res;
		return SASLSTEP_OK;
	default:
		r = db_error(st, res, what);
		res_free(res);
		return r;
	}
}

static int run(saslstep_store_t *st, const char *what, const char *sql);

static int
txn_lost(saslstep_store_t *st, const char *what)
{
	return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
	    "%s: the transaction was abandoned after an earlier error", what);
}

/*
 * One write.  On its own, a statement is its own transaction.  Inside an
 * explicit transaction it runs in a savepoint, since PostgreSQL abandons
 * the whole transaction on any error: a failing write must undo only
 * itself.  A transaction the server no longer has is never written
 * outside of.
 */
static int
write_v(saslstep_store_t *st, PGresult **resp, const char *what,
    const char *sql, const char *types, va_list ap)
{
	struct pg *pg = st->be;
	char err[SSTEP_STORE_ERR], state[sizeof(pg->sqlstate)];
	int r;

	*resp = NULL;
	if (st->in_txn != SSTEP_TXN_NONE) {
		if (pg->conn == NULL)
			return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "%s: the connection to the server was lost "
			    "earlier",
			    what);
		if (PQtransactionStatus(pg->conn) != PQTRANS_INTRANS)
			return txn_lost(st, what);
		if ((r = run(st, what, "SAVEPOINT sstep_write")) != SASLSTEP_OK)
			return r;
	}
	r = exec_v(st, resp, what, sql, types, ap);
	if (st->in_txn == SSTEP_TXN_NONE || pg->conn == NULL)
		return r;
	if (r == SASLSTEP_OK) {
		if ((r = run(st, what, "RELEASE SAVEPOINT sstep_write")) !=
		    SASLSTEP_OK) {
			res_free(*resp);
			*resp = NULL;
		}
		return r;
	}
	/* Keep the statement's own error, not the undo's. */
	memcpy(err, st->err, sizeof(err));
	memcpy(state, pg->sqlstate, sizeof(state));
	if (run(st, what, "ROLLBACK TO SAVEPOINT sstep_write") == SASLSTEP_OK)
		(void)run(st, what, "RELEASE SAVEPOINT sstep_write");
	memcpy(st->err, err, sizeof(err));
	memcpy(pg->sqlstate, state, sizeof(state));
	return r;
}

/*
 * One statement: STMT_PLAIN as it is (see exec_v), STMT_WRITE as a write
 * (see write_v).  The result is the caller's (free with res_free).
 */
static int
stmt(saslstep_store_t *st, PGresult **resp, int kind, const char *what,
    const char *sql, const char *types, ...)
{
	va_list ap;
	int r;

	va_start(ap, types);
	if (kind == STMT_WRITE)
		r = write_v(st, resp, what, sql, types, ap);
	else
		r = exec_v(st, resp, what, sql, types, ap);
	va_end(ap);
	return r;
}

/* A statement without parameters whose result does not matter. */
static int
run(saslstep_store_t *st, const char *what, const char *sql)
{
	PGresult *res = NULL;
	int r;

	r = stmt(st, &res, STMT_PLAIN, what, sql, "");
	res_free(res);
	return r;
}

/* The number of rows a write changed. */
static long
changed(const PGresult *res)
{
	return strtol(PQcmdTuples((PGresult *)(uintptr_t)res), NULL, 10);
}

/* --- reading binary columns; each returns 0, or -1 when the value is not
 * what the schema says (the database may have been edited by hand) --- */

static int
col_int64(const PGresult *res, int row, int col, int64_t *v)
{
	const unsigned char *p;
	uint64_t u = 0;
	int i;

	if (PQgetisnull(res, row, col) || PQftype(res, col) != INT8OID ||
	    PQgetlength(res, row, col) != 8)
		return -1;
	p = (const unsigned char *)PQgetvalue(res, row, col);
	for (i = 0; i < 8; i++)
		u = u << 8 | p[i];
	memcpy(v, &u, sizeof(*v)); /* two's complement on the wire */
	return 0;
}

static int
col_bool(const PGresult *res, int row, int col, int *v)
{
	if (PQgetisnull(res, row, col) || PQftype(res, col) != BOOLOID ||
	    PQgetlength(res, row, col) != 1)
		return -1;
	*v = PQgetvalue(res, row, col)[0] != 0;
	return 0;
}

static int
col_bytes(const PGresult *res, int row, int col, unsigned type, const char **v,
    size_t *len)
{
	int n;

	if (PQgetisnull(res, row, col) || PQftype(res, col) != type ||
	    (n = PQgetlength(res, row, col)) < 0)
		return -1;
	*v = PQgetvalue(res, row, col);
	*len = (size_t)n;
	if (type == TEXTOID && memchr(*v, '\0', *len) != NULL)
		return -1;
	return 0;
}

/* --- opening --- */

static void
quiet(void *arg, const PGresult *res)
{
	/* NOTICEs would go to stderr: sshd's, inside the module. */
	(void)arg;
	(void)res;
}

/* T from connect_timeout as libpq resolved it (URI, service file,
 * PGCONNECT_TIMEOUT); unset or 0, which libpq takes as forever, is 2 s. */
static int
timeout_of(PGconn *conn)
{
	PQconninfoOption *opts, *o;
	long s = 0;
	char *end;

	if ((opts = PQconninfo(conn)) == NULL)
		return DEFAULT_TIMEOUT_MS;
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "connect_timeout") != 0 ||
		    o->val == NULL)
			continue;
		errno = 0;
		s = strtol(o->val, &end, 10);
		if (errno != 0 || end == o->val || *end != '\0' || s < 0)
			s = 0;
	}
	opts_free(opts);
	if (s <= 0)
		return DEFAULT_TIMEOUT_MS;
	return (int)(s > MAX_TIMEOUT_S ? MAX_TIMEOUT_S : s) * 1000;
}

/*
 * Connect to conninfo (a URI or a keyword=value string such as
 * "service=NAME"), within T.  Everything libpq reads (URI, service file,
 * environment, password file) applies; we only insist on UTF-8 and give
 * an application name when none is set.
 */
static int
pg_connect(saslstep_store_t *st, struct pg *pg, const char *conninfo)
{
	const char *what = "cannot connect";
	PQconninfoOption *opts = NULL, *o;
	PostgresPollingStatusType ps;
	const char **kw = NULL, **val = NULL, *password = NULL;
	char *parse_err = NULL, msg[SSTEP_STORE_ERR];
	size_t n = 0, i = 0;
	int64_t start, deadline;
	int w, r;

	if ((opts = PQconninfoParse(conninfo, &parse_err)) == NULL) {
		/* libpq's reason may quote the string, password and all. */
		r = parse_err == NULL
		        ? sstep_store_seterr(
		              st, SASLSTEP_NOMEM, "out of memory")
		        : sstep_store_seterr(st, SASLSTEP_BADPARAM,
		              "not a valid PostgreSQL URI or connection "
		              "string");
		PQfreemem(parse_err);
		goto out;
	}
	for (o = opts; o->keyword != NULL; o++)
		n++;
	if ((kw = calloc(n + 3, sizeof(*kw))) == NULL ||
	    (val = calloc(n + 3, sizeof(*val))) == NULL) {
		r = sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
		goto out;
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || *o->val == '\0' ||
		    strcmp(o->keyword, "client_encoding") == 0)
			continue;
		if (strcmp(o->keyword, "password") == 0)
			password = o->val;
		kw[i] = o->keyword;
		val[i++] = o->val;
	}
	/* Names are sent and read as UTF-8, whatever the locale says. */
	kw[i] = "client_encoding";
	val[i++] = "UTF8";
	kw[i] = "fallback_application_name";
	val[i++] = "saslstep";
	kw[i] = NULL;
	val[i] = NULL;

	/* Asynchronous, so that we, not libpq, decide how long to wait; the
	 * time libpq takes to start (name lookups) counts too. */
	start = now_ms();
	if ((pg->conn = PQconnectStartParams(kw, val, 0)) == NULL) {
		r = sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
		goto out;
	}
	pg->timeout_ms = timeout_of(pg->conn);
	deadline = start + pg->timeout_ms;
	ps = PGRES_POLLING_WRITING;
	while (PQstatus(pg->conn) != CONNECTION_BAD && ps != PGRES_POLLING_OK &&
	       ps != PGRES_POLLING_FAILED) {
		w = wait_socket(pg->conn,
		    ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, deadline);
		if (w <= 0) {
			r = timed_out(st, what, w);
			goto out;
		}
		ps = PQconnectPoll(pg->conn);
	}
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		flatten(msg, sizeof(msg), PQerrorMessage(pg->conn));
		give_up(pg);
		r = sstep_store_seterr(
		    st, SASLSTEP_UNAVAIL, "%s: %s", what, msg);
		goto out;
	}
	if (PQsetnonblocking(pg->conn, 1) != 0) {
		r = lost(st, what);
		goto out;
	}
	PQsetNoticeReceiver(pg->conn, quiet, NULL);
	r = SASLSTEP_OK;
out:
	mask(st, password);
	free(kw);
	free(val);
	opts_free(opts);
	return r;
}

/*
 * The session: the server gives up a little before we do (so that a wait
 * for a lock ends in an error on a live connection, not in our timeout),
 * our schema is found by qualified names only, and READ COMMITTED
 * whatever the database's default (the compare-and-swap relies on its
 * waiting and re-checking).
 */
static int
setup_session(saslstep_store_t *st)
{
	struct pg *pg = st->be;
	PGresult *res = NULL;
	const char *enc;
	char statement_ms[24], lock_ms[24];
	int r;

	/* The database must hold the UTF-8 we send; SQL_ASCII holds any
	 * byte. */
	enc = PQparameterStatus(pg->conn, "server_encoding");
	if (enc == NULL ||
	    (strcmp(enc, "UTF8") != 0 && strcmp(enc, "SQL_ASCII") != 0))
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "database encoding %s: a store needs a UTF8 database",
		    enc != NULL ? enc : "unknown");
	snprintf(statement_ms, sizeof(statement_ms), "%d",
	    pg->timeout_ms - SERVER_MARGIN_MS);
	snprintf(lock_ms, sizeof(lock_ms), "%d",
	    pg->timeout_ms - 2 * SERVER_MARGIN_MS);
	r = stmt(st, &res, STMT_PLAIN, "setting up the session", sql_setup,
	    "tt", statement_ms, lock_ms);
	res_free(res);
	return r;
}

/*
 * Read the schema version and the server secret.  *found is 0 when there
 * is no schema (not initialised); the secret goes to st->secret.
 */
static int
read_schema(saslstep_store_t *st, int *found, int64_t *version)
{
	const char *what = "reading the schema version";
	struct pg *pg = st->be;
	PGresult *res = NULL;
	const char *secret;
	size_t len;
	int r;

	*found = 0;
	*version = 0;
	r = stmt(st, &res, STMT_PLAIN, what, sql_schema_get, "");
	if (r != SASLSTEP_OK) {
		if (strcmp(pg->sqlstate, "3F000") == 0 ||
		    strcmp(pg->sqlstate, "42P01") == 0)
			r = SASLSTEP_OK; /* no schema yet */
		goto out;
	}
	if (PQntuples(res) != 1 || col_int64(res, 0, 0, version) != 0) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	*found = 1;
	if (*version > SCHEMA_VERSION) {
		r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "schema version %lld is newer than this saslstep knows "
		    "(%lld); refusing",
		    (long long)*version, (long long)SCHEMA_VERSION);
		goto out;
	}
	if (*version < SCHEMA_VERSION) {
		r = SASLSTEP_OK; /* the caller migrates or refuses */
		goto out;
	}
	if (col_bytes(res, 0, 1, BYTEAOID, &secret, &len) != 0 ||
	    len != SSTEP_SERVER_SECRET) {
		r = sstep_store_corrupt(st, "reading the server secret");
		goto out;
	}
	memcpy(st->secret, secret, SSTEP_SERVER_SECRET);
	r = SASLSTEP_OK;
out:
	res_free(res);
	return r;
}

/*
 * Bring the schema to SCHEMA_VERSION in one transaction (DDL is
 * transactional in PostgreSQL); on a new store also write the server
 * secret.  An advisory lock keeps two `saslstep init` apart, and the
 * version is read again under it.
 */
static int
migrate(saslstep_store_t *st, const unsigned char secret[SSTEP_SERVER_SECRET])
{
	const char *what = "migrating the schema";
	PGresult *res = NULL;
	int64_t version = 0, relations;
	int has_ns, has_version, r;
	size_t i;

	if ((r = run(st, what, "BEGIN")) != SASLSTEP_OK)
		return r;
	if ((r = run(st, what, sql_migration_lock)) != SASLSTEP_OK ||
	    (r = stmt(st, &res, STMT_PLAIN, what, sql_schema_probe, "")) !=
	        SASLSTEP_OK)
		goto out;
	if (PQntuples(res) != 1 || col_bool(res, 0, 0, &has_ns) != 0 ||
	    col_bool(res, 0, 1, &has_version) != 0 ||
	    col_int64(res, 0, 2, &relations) != 0) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	res_free(res);
	res = NULL;
	if (has_version) {
		r = stmt(st, &res, STMT_PLAIN, what, sql_schema_version, "");
		if (r != SASLSTEP_OK)
			goto out;
		if (PQntuples(res) != 1 ||
		    col_int64(res, 0, 0, &version) != 0) {
			r = sstep_store_corrupt(st, what);
			goto out;
		}
		res_free(res);
		res = NULL;
	} else if (relations != 0) {
		r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: schema saslstep holds objects of another "
		    "application; refusing",
		    what);
		goto out;
	}
	if (version < 0 || version > SCHEMA_VERSION) {
		r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: not a saslstep store of a known version", what);
		goto out;
	}
	/* Only when missing: CREATE SCHEMA needs CREATE on the database even
	 * with IF NOT EXISTS, and an administrator may have made it. */
	if (!has_ns && (r = run(st, what, sql_schema_create)) != SASLSTEP_OK)
		goto out;
	for (; version < SCHEMA_VERSION; version++) {
		for (i = 0; migrations[version][i] != NULL; i++)
			if ((r = run(st, what, migrations[version][i])) !=
			    SASLSTEP_OK)
				goto out;
		if (version != 0)
			continue;
		/* A new store: its own secret. */
		if ((r = stmt(st, &res, STMT_PLAIN, what, sql_meta_init, "b",
		         secret, (size_t)SSTEP_SERVER_SECRET)) != SASLSTEP_OK)
			goto out;
		res_free(res);
		res = NULL;
		if ((r = run(st, what, sql_version_init)) != SASLSTEP_OK)
			goto out;
	}
	r = stmt(
	    st, &res, STMT_PLAIN, what, sql_version_set, "i", SCHEMA_VERSION);
	if (r != SASLSTEP_OK)
		goto out;
	r = run(st, what, "COMMIT");
out:
	res_free(res);
	if (r != SASLSTEP_OK && st->be != NULL &&
	    ((struct pg *)st->be)->conn != NULL)
		(void)run(st, what, "ROLLBACK");
	return r;
}

static int
pg_open(saslstep_store_t *st, const char *location, int create, int64_t now,
    const unsigned char new_secret[SSTEP_SERVER_SECRET])
{
	struct pg *pg;
	int64_t version;
	int found, r;

	(void)now;
	if ((pg = calloc(1, sizeof(*pg))) == NULL)
		return sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
	pg->timeout_ms = DEFAULT_TIMEOUT_MS;
	st->be = pg; /* freed by pg_close() even when the open fails */
	if ((r = pg_connect(st, pg, location)) != SASLSTEP_OK ||
	    (r = setup_session(st)) != SASLSTEP_OK ||
	    (r = read_schema(st, &found, &version)) != SASLSTEP_OK)
		return r;
	if (found && version == SCHEMA_VERSION)
		return SASLSTEP_OK;
	/* The schema is made and changed by the command only: the module
	 * (no CREATE) neither can nor should. */
	if (!create) {
		if (!found)
			return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "store not initialised (run saslstep --db URI "
			    "init)");
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "schema version %lld is older than this saslstep's "
		    "(%lld): run saslstep --db URI init",
		    (long long)version, (long long)SCHEMA_VERSION);
	}
	if ((r = migrate(st, new_secret)) != SASLSTEP_OK ||
	    (r = read_schema(st, &found, &version)) != SASLSTEP_OK)
		return r;
	if (!found || version != SCHEMA_VERSION)
		return sstep_store_corrupt(st, "reading the schema version");
	return SASLSTEP_OK;
}

static void
pg_close(saslstep_store_t *st)
{
	struct pg *pg = st->be;

	if (pg == NULL)
		return;
	give_up(pg);
	free(pg);
	st->be = NULL;
}

/* --- users --- */

static int
pg_user_get(saslstep_store_t *st, const char *name, struct sstep_user *u)
{
	const char *what = "reading a user";
	PGresult *res = NULL;
	int r;

	memset(u, 0, sizeof(*u));
	if (!utf8_ok(name))
		return sstep_store_seterr(st, SASLSTEP_NOUSER, "no such user");
	if ((r = stmt(st, &res, STMT_PLAIN, what, sql_user_get, "t", name)) !=
	    SASLSTEP_OK)
		return r;
	if (PQntuples(res) == 0) {
		r = sstep_store_seterr(st, SASLSTEP_NOUSER, "no such user");
		goto out;
	}
	if (col_bool(res, 0, 0, &u->locked) != 0 ||
	    col_int64(res, 0, 1, &u->created) != 0) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	/* name was checked by store.c: at most SSTEP_NAME_MAX bytes. */
	memcpy(u->name, name, strlen(name) + 1);
	r = SASLSTEP_OK;
out:
	res_free(res);
	return r;
}

static int
pg_user_add(saslstep_store_t *st, const char *name, int64_t now)
{
	const char *what = "adding a user";
	PGresult *res = NULL;
	int r;

	if (!utf8_ok(name))
		return bad_text(st, SASLSTEP_BADPARAM, what);
	r = stmt(st, &res, STMT_WRITE, what, sql_user_add, "ti", name, now);
	res_free(res);
	return r;
}

/* A write addressing one row by key: NOUSER when there is no such row
 * (or, name not being UTF-8, cannot be).  Arguments as for stmt(). */
static int
write_one(saslstep_store_t *st, const char *name, const char *what,
    const char *sql, const char *types, ...)
{
	PGresult *res = NULL;
	va_list ap;
	int r;

	if (!utf8_ok(name))
		return bad_text(st, SASLSTEP_NOUSER, what);
	va_start(ap, types);
	r = write_v(st, &res, what, sql, types, ap);
	va_end(ap);
	if (r != SASLSTEP_OK)
		goto out;
	if (changed(res) == 0)
		r = sstep_store_not_found(st, what);
out:
	res_free(res);
	return r;
}

static int
pg_user_del(saslstep_store_t *st, const char *name)
{
	/* The foreign keys take the user's credentials and locks along. */
	return write_one(st, name, "deleting a user", sql_user_del, "t", name);
}

static int
pg_user_set_locked(saslstep_store_t *st, const char *name, int locked)
{
	return write_one(st, name,
	    locked ? "locking a user" : "unlocking a user", sql_user_lock, "tt",
	    name, locked ? "true" : "false");
}

static int
pg_user_list(saslstep_store_t *st,
    int (*fn)(const struct sstep_user *u, void *arg), void *arg)
{
	const char *what = "listing users";
	struct sstep_user u;
	PGresult *res = NULL;
	const char *text;
	int64_t created;
	size_t n;
	int i, locked, r;

	if ((r = stmt(st, &res, STMT_PLAIN, what, sql_user_list, "")) !=
	    SASLSTEP_OK)
		return r;
	/* The whole result is in memory: fn may use the store. */
	for (i = 0; i < PQntuples(res); i++) {
		if (col_bytes(res, i, 0, TEXTOID, &text, &n) != 0 ||
		    col_bool(res, i, 1, &locked) != 0 ||
		    col_int64(res, i, 2, &created) != 0) {
			r = sstep_store_corrupt(st, what);
			goto out;
		}
		r = sstep_store_fill_user(
		    st, what, &u, text, n, locked, created);
		if (r != SASLSTEP_OK)
			goto out;
		if (fn(&u, arg) != 0)
			break;
	}
	r = SASLSTEP_OK;
out:
	res_free(res);
	return r;
}

/* --- credentials --- */

/*
 * Fill c from row i: family, params, counter, version and, with
 * with_secret, the secret in column 4 (values checked and copied by
 * sstep_store_fill_cred()).
 */
static int
fill_cred(saslstep_store_t *st, const PGresult *res, int i, int with_secret,
    struct sstep_cred *c, const char *what)
{
	const char *family, *params, *secret = NULL;
	size_t flen, plen, n = 0;
	int64_t counter, version;

	memset(c, 0, sizeof(*c));
	if (col_bytes(res, i, 0, TEXTOID, &family, &flen) != 0 ||
	    col_bytes(res, i, 1, TEXTOID, &params, &plen) != 0 ||
	    col_int64(res, i, 2, &counter) != 0 ||
	    col_int64(res, i, 3, &version) != 0 ||
	    (with_secret && col_bytes(res, i, 4, BYTEAOID, &secret, &n) != 0))
		return sstep_store_corrupt(st, what);
	return sstep_store_fill_cred(st, what, c, family, flen, params, plen,
	    counter, version, with_secret, secret, n);
}

static int
pg_cred_get(saslstep_store_t *st, const char *name, const char *family,
    struct sstep_cred *c)
{
	const char *what = "reading a credential";
	PGresult *res = NULL;
	int r;

	memset(c, 0, sizeof(*c));
	if (!utf8_ok(name))
		return sstep_store_seterr(st, SASLSTEP_NOUSER,
		    "no %s credential for this user", family);
	r = stmt(st, &res, STMT_PLAIN, what, sql_cred_get, "tt", name, family);
	if (r != SASLSTEP_OK)
		return r;
	if (PQntuples(res) == 0)
		r = sstep_store_seterr(st, SASLSTEP_NOUSER,
		    "no %s credential for this user", family);
	else
		r = fill_cred(st, res, 0, 1, c, what);
	res_free(res);
	return r;
}

static int
pg_cred_put(saslstep_store_t *st, const char *name, const struct sstep_cred *c,
    int64_t now)
{
	const char *what = "writing a credential";
	const char *params = c->params != NULL ? c->params : "";
	PGresult *res = NULL;
	int r;

	if (!utf8_ok(name) || !utf8_ok(params))
		return bad_text(st, SASLSTEP_BADPARAM, what);
	r = stmt(st, &res, STMT_WRITE, what, sql_cred_put, "tttbii", name,
	    c->family, params, (const void *)c->secret, c->secret_len,
	    c->counter, now);
	res_free(res);
	return r;
}

static int
pg_cred_update(saslstep_store_t *st, const char *name, int64_t expect_version,
    const struct sstep_cred *c, const unsigned char *token)
{
	const char *what = "updating a credential";
	const char *params = c->params != NULL ? c->params : "";
	PGresult *res = NULL;
	int64_t n = 0;
	int r;

	if (!utf8_ok(params))
		return bad_text(st, SASLSTEP_BADPARAM, what);
	/* No such name can be stored: a credential that is gone, a lost
	 * race as below. */
	if (!utf8_ok(name))
		return sstep_store_cas_lost(st, what);
	r = stmt(st, &res, STMT_WRITE, what, sql_cred_update, "tttbiiB", name,
	    c->family, params, (const void *)c->secret, c->secret_len,
	    c->counter, expect_version, (const void *)token,
	    token != NULL ? (size_t)SSTEP_PENDING_TOKEN : (size_t)0);
	if (r != SASLSTEP_OK)
		goto out;
	if (PQntuples(res) != 1 || col_int64(res, 0, 0, &n) != 0) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	if (n == 0) {
		r = sstep_store_cas_lost(st, what);
		goto out;
	}
	r = SASLSTEP_OK;
out:
	res_free(res);
	return r;
}

static int
pg_cred_del(saslstep_store_t *st, const char *name, const char *family)
{
	return write_one(st, name, "deleting a credential", sql_cred_del, "tt",
	    name, family);
}

static int
pg_cred_list(saslstep_store_t *st, const char *name,
    int (*fn)(const struct sstep_cred *c, void *arg), void *arg)
{
	const char *what = "listing credentials";
	struct sstep_cred c;
	PGresult *res = NULL;
	int i, r, stop;

	memset(&c, 0, sizeof(c));
	if (!utf8_ok(name))
		return sstep_store_seterr(st, SASLSTEP_NOUSER, "no such user");
	if ((r = stmt(st, &res, STMT_PLAIN, what, sql_cred_list, "t", name)) !=
	    SASLSTEP_OK)
		return r;
	if (PQntuples(res) == 0) {
		r = sstep_store_seterr(st, SASLSTEP_NOUSER, "no such user");
		goto out;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if (PQgetisnull(res, i, 0))
			break; /* the user has no credentials */
		if ((r = fill_cred(st, res, i, 0, &c, what)) != SASLSTEP_OK)
			goto out;
		stop = fn(&c, arg);
		sstep_cred_clear(&c);
		if (stop != 0)
			break;
	}
	r = SASLSTEP_OK;
out:
	sstep_cred_clear(&c);
	res_free(res);
	return r;
}

/* --- pending-challenge locks (RFC 2289 section 9) --- */

static int
pg_pending_take(saslstep_store_t *st, const char *name, const char *family,
    int64_t expires, int64_t now,
    const unsigned char token[SSTEP_PENDING_TOKEN])
{
	const char *what = "taking a challenge lock";
	struct pg *pg = st->be;
	PGresult *res = NULL;
	int64_t creds = 0, taken = 0;
	int r;

	if (!utf8_ok(name))
		return bad_text(st, SASLSTEP_NOUSER, what);
	r = stmt(st, &res, STMT_WRITE, what, sql_pending_take, "ttbii", name,
	    family, (const void *)token, (size_t)SSTEP_PENDING_TOKEN, expires,
	    now);
	if (r != SASLSTEP_OK) {
		/* The credential went between our read and our insert. */
		if (strcmp(pg->sqlstate, "23503") == 0)
			r = sstep_store_seterr(st, SASLSTEP_NOUSER,
			    "%s: no %s credential for this user", what, family);
		goto out;
	}
	if (PQntuples(res) != 1 || col_int64(res, 0, 0, &creds) != 0 ||
	    col_int64(res, 0, 1, &taken) != 0) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	if (creds == 0)
		r = sstep_store_seterr(st, SASLSTEP_NOUSER,
		    "%s: no %s credential for this user", what, family);
	else if (taken == 0)
		r = sstep_store_seterr(st, SASLSTEP_TRYAGAIN,
		    "%s: another challenge is outstanding", what);
	else
		r = SASLSTEP_OK;
out:
	res_free(res);
	return r;
}

static void
pg_pending_release(saslstep_store_t *st, const char *name, const char *family,
    const unsigned char token[SSTEP_PENDING_TOKEN])
{
	PGresult *res = NULL;

	if (!utf8_ok(name))
		return;
	(void)stmt(st, &res, STMT_WRITE, "releasing a challenge lock",
	    sql_pending_release, "ttb", name, family, (const void *)token,
	    (size_t)SSTEP_PENDING_TOKEN);
	res_free(res);
}

/* --- the explicit transaction (sstep_store_begin) --- */

static void
pg_txn_rollback(saslstep_store_t *st)
{
	struct pg *pg = st->be;

	if (pg != NULL && pg->conn != NULL &&
	    PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		(void)run(st, "rolling back a transaction", "ROLLBACK");
}

/* A reading transaction sees one snapshot (REPEATABLE READ) and takes no
 * lock; a writing one is READ COMMITTED like every other write, so that
 * its writes and the logins' compare-and-swaps wait for each other's rows
 * only. */
static int
pg_txn_begin(saslstep_store_t *st, int write)
{
	const char *what = "starting a transaction";
	int r;

	if (write)
		return run(st, what, "BEGIN");
	r = run(st, what, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (r != SASLSTEP_OK)
		return r;
	/* The first statement takes the snapshot, not BEGIN: take it now,
	 * so that reads see the store as it was at the begin. */
	if ((r = run(st, what, "SELECT 1")) != SASLSTEP_OK)
		pg_txn_rollback(st);
	return r;
}

static int
pg_txn_commit(saslstep_store_t *st)
{
	const char *what = "committing a transaction";
	struct pg *pg = st->be;
	PGresult *res = NULL;
	int r;

	if (pg->conn == NULL)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s: the connection to the server was lost earlier", what);
	if (PQtransactionStatus(pg->conn) != PQTRANS_INTRANS) {
		pg_txn_rollback(st);
		return txn_lost(st, what);
	}
	if ((r = stmt(st, &res, STMT_PLAIN, what, "COMMIT", "")) !=
	    SASLSTEP_OK) {
		if (pg->conn == NULL)
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "%s: connection lost during COMMIT: the batch may "
			    "or may not be stored",
			    what);
		goto out;
	}
	/* COMMIT of a transaction the server had abandoned says ROLLBACK. */
	if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		r = txn_lost(st, what);
out:
	res_free(res);
	pg_txn_rollback(st);
	return r;
}

static const char *const pgsql_schemes[] = {"postgresql", "postgres", NULL};

const struct sstep_store_backend sstep_store_pgsql = {
    "postgresql",
    pgsql_schemes,
    0,
    pg_open,
    pg_close,
    pg_user_get,
    pg_user_add,
    pg_user_del,
    pg_user_set_locked,
    pg_user_list,
    pg_cred_get,
    pg_cred_put,
    pg_cred_update,
    pg_cred_del,
    pg_cred_list,
    pg_pending_take,
    pg_pending_release,
    pg_txn_begin,
    pg_txn_commit,
    pg_txn_rollback,
};

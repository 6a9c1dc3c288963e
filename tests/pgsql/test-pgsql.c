/*
 * test-pgsql.c: what only the PostgreSQL store does (tests/unit/
 * test-store.c runs the shared cases against it too): the time bound
 * against a server that accepts and never answers; the schema (made by
 * CREATE only, refused when foreign, older or newer, in a database that
 * is not UTF-8, and made once by concurrent inits); lock waits, a frozen
 * and a killed server session, all within the bound; a connection lost
 * inside an explicit transaction; names that are not UTF-8; service
 * files; and that no message holds the password.
 *
 * The first part needs no server.  The rest runs when tests/pgsql/store.sh
 * gives a private server: PGHOST, PGPORT and PGUSER (a superuser, trusted
 * on the socket) in the environment, with SSTEP_PG_TEST=1; the test makes
 * and fills its own databases there.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "saslstep-int.h"
#include "store.h"
#include "check.h"

static double
seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static int
contains(const char *haystack, const char *needle)
{
	return haystack != NULL && strstr(haystack, needle) != NULL;
}

/* --- without a server --- */

/* A TCP port on 127.0.0.1 that accepts connections (the kernel does) and
 * never says a word: what a hung server or a black hole looks like. */
static int
silent_server(int *port)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    listen(fd, 16) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Open uri, which must fail with UNAVAIL; returns the seconds it took. */
static double
refused_after(const char *uri)
{
	saslstep_store_t *st = NULL;
	double t0 = seconds();

	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_UNAVAIL);
	CHECK(st == NULL);
	sstep_store_close(st);
	return seconds() - t0;
}

static void
test_silent(void)
{
	char uri[256];
	int fd, fd2, port = 0, port2 = 0;
	double dt;

	/* Nothing listening: at once.  (Also the first open, which pays for
	 * the libraries' start, outside the bound, so that the timings below
	 * are the bound's.) */
	dt = refused_after("postgresql://127.0.0.1:1/x");
	CHECK(dt < 3.0);
	CHECK(contains(sstep_store_open_error(), "cannot connect"));
	dt = refused_after("postgresql://127.0.0.1:1/x");
	CHECK(dt < 0.5);

	if ((fd = silent_server(&port)) == -1 ||
	    (fd2 = silent_server(&port2)) == -1) {
		CHECK(!"silent server");
		return;
	}
	/* connect_timeout from the URI bounds the whole open. */
	snprintf(uri, sizeof(uri),
	    "postgresql://u:pw-silent-1@127.0.0.1:%d/x?connect_timeout=1",
	    port);
	dt = refused_after(uri);
	printf("silent server, connect_timeout=1: refused after %.0f ms\n",
	    dt * 1000);
	CHECK(dt >= 0.9 && dt < 1.8);
	CHECK(contains(sstep_store_open_error(),
	    "no answer from the server within 1000 ms"));
	CHECK(!contains(sstep_store_open_error(), "pw-silent-1"));

	/* None given: 2 s. */
	snprintf(uri, sizeof(uri), "postgresql://127.0.0.1:%d/x", port);
	dt = refused_after(uri);
	printf(
	    "silent server, default bound: refused after %.0f ms\n", dt * 1000);
	CHECK(dt >= 1.9 && dt < 2.8);
	CHECK(contains(sstep_store_open_error(), "within 2000 ms"));

	/* From the environment, as libpq reads it. */
	setenv("PGCONNECT_TIMEOUT", "1", 1);
	dt = refused_after(uri);
	unsetenv("PGCONNECT_TIMEOUT");
	CHECK(dt >= 0.9 && dt < 1.8);

	/* Two hosts, both silent: the bound is for the open, not per host
	 * (libpq's own connect_timeout would wait twice). */
	snprintf(uri, sizeof(uri),
	    "postgresql://127.0.0.1:%d,127.0.0.1:%d/x?connect_timeout=1", port,
	    port2);
	dt = refused_after(uri);
	printf("two silent hosts, connect_timeout=1: refused after %.0f ms\n",
	    dt * 1000);
	CHECK(dt >= 0.9 && dt < 1.8);
	close(fd);
	close(fd2);
}

/* --- with a server --- */

/* A connection of our own, as an administrator or another host would
 * have; NULL on failure (reported). */
static PGconn *
raw_connect(const char *db)
{
	const char *kw[] = {"dbname", NULL};
	const char *val[] = {db, NULL};
	PGconn *conn = PQconnectdbParams(kw, val, 0);

	if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "raw connection to %s: %s", db,
		    conn != NULL ? PQerrorMessage(conn) : "no memory\n");
		CHECK(!"raw connection");
		PQfinish(conn);
		return NULL;
	}
	return conn;
}

/* Run sql; returns the first column of the first row as text (static
 * buffer; "" when none), or NULL on error (reported). */
static const char *
raw(PGconn *conn, const char *sql)
{
	static char buf[256];
	PGresult *res;
	const char *v = buf;

	if (conn == NULL)
		return NULL;
	res = PQexec(conn, sql);
	buf[0] = '\0';
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
		if (PQntuples(res) > 0 && PQnfields(res) > 0)
			snprintf(buf, sizeof(buf), "%s", PQgetvalue(res, 0, 0));
		break;
	case PGRES_COMMAND_OK:
		break;
	default:
		fprintf(
		    stderr, "raw SQL \"%s\": %s", sql, PQerrorMessage(conn));
		v = NULL;
	}
	PQclear(res);
	return v;
}

static int
raw_is(PGconn *conn, const char *sql, const char *want)
{
	const char *got = raw(conn, sql);

	if (got == NULL || strcmp(got, want) != 0) {
		fprintf(stderr, "\"%s\" gave \"%s\", want \"%s\"\n", sql,
		    got != NULL ? got : "(error)", want);
		return 0;
	}
	return 1;
}

/* A new database for one test (the server is the test's own). */
static void
fresh_db(PGconn *admin, const char *name, const char *options)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "CREATE DATABASE %s %s", name, options);
	CHECK(raw(admin, sql) != NULL);
}

static int
open_as(const char *uri, unsigned flags)
{
	saslstep_store_t *st = NULL;
	int r;

	r = sstep_store_open(uri, flags, &st);
	CHECK((r == SASLSTEP_OK) == (st != NULL));
	if (st == NULL && r == SASLSTEP_OK)
		fprintf(stderr, "%s\n", sstep_store_open_error());
	sstep_store_close(st);
	return r;
}

static void
test_schema(PGconn *admin)
{
	const char *uri = "postgresql:///sstep_schema";
	saslstep_store_t *st = NULL;
	struct sstep_user u;
	PGconn *db;
	pid_t pid[4];
	int i, status, ok;

	fresh_db(admin, "sstep_schema", "");
	if ((db = raw_connect("sstep_schema")) == NULL)
		return;

	/* Without CREATE (the module): refused, and nothing is made. */
	CHECK_INT(open_as(uri, 0), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(),
	    "store not initialised (run saslstep --db URI init)"));
	CHECK(raw_is(db, "SELECT to_regnamespace('saslstep') IS NULL", "t"));

	/* With it: the schema, version 1, a 32-byte server secret. */
	CHECK_INT(sstep_store_open(uri, SSTEP_STORE_CREATE, &st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "alice"), SASLSTEP_OK);
	sstep_store_close(st);
	st = NULL;
	CHECK(raw_is(db, "SELECT version FROM saslstep.schema_version", "1"));
	CHECK(raw_is(db,
	    "SELECT octet_length(value) FROM saslstep.meta "
	    "WHERE key = 'server_secret'",
	    "32"));
	/* Again: kept as it is. */
	CHECK_INT(sstep_store_open(uri, SSTEP_STORE_CREATE, &st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "alice", &u), SASLSTEP_OK);
	sstep_store_close(st);
	st = NULL;
	CHECK_INT(open_as(uri, 0), SASLSTEP_OK);

	/* A newer schema is refused, with or without CREATE, untouched. */
	CHECK(raw(db, "UPDATE saslstep.schema_version SET version = 99"));
	CHECK_INT(open_as(uri, 0), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "schema version 99 is newer"));
	CHECK_INT(open_as(uri, SSTEP_STORE_CREATE), SASLSTEP_UNAVAIL);
	CHECK(raw_is(db, "SELECT version FROM saslstep.schema_version", "99"));
	/* An older one is migrated by init only, never by the module. */
	CHECK(raw(db, "UPDATE saslstep.schema_version SET version = 0"));
	CHECK_INT(open_as(uri, 0), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "older than this saslstep's"));
	CHECK(contains(sstep_store_open_error(), "run saslstep --db URI init"));
	CHECK(raw(db, "UPDATE saslstep.schema_version SET version = 1"));
	PQfinish(db);

	/* A schema of that name made by someone else: left alone. */
	fresh_db(admin, "sstep_foreign", "");
	if ((db = raw_connect("sstep_foreign")) != NULL) {
		CHECK(raw(db, "CREATE SCHEMA saslstep") != NULL);
		CHECK(raw(db, "CREATE TABLE saslstep.users (x int)") != NULL);
		CHECK_INT(
		    open_as("postgresql:///sstep_foreign", SSTEP_STORE_CREATE),
		    SASLSTEP_UNAVAIL);
		CHECK(
		    contains(sstep_store_open_error(), "another application"));
		CHECK(raw_is(db,
		    "SELECT to_regclass('saslstep.credentials') IS NULL", "t"));
		/* An empty schema an administrator made is used. */
		CHECK(raw(db, "DROP TABLE saslstep.users") != NULL);
		CHECK_INT(
		    open_as("postgresql:///sstep_foreign", SSTEP_STORE_CREATE),
		    SASLSTEP_OK);
		PQfinish(db);
	}

	/* Names are UTF-8: a database that cannot hold them is refused. */
	fresh_db(admin, "sstep_latin1",
	    "ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' "
	    "TEMPLATE template0");
	CHECK_INT(open_as("postgresql:///sstep_latin1", SSTEP_STORE_CREATE),
	    SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "needs a UTF8 database"));

	/* Four inits at once (hosts provisioned together): one makes the
	 * schema, the others find it made. */
	fresh_db(admin, "sstep_init_race", "");
	fflush(stdout);
	for (i = 0; i < 4; i++) {
		if ((pid[i] = fork()) == -1) {
			CHECK(!"fork");
			return;
		}
		if (pid[i] == 0)
			_exit(open_as("postgresql:///sstep_init_race",
			          SSTEP_STORE_CREATE) == SASLSTEP_OK
			          ? 0
			          : 1);
	}
	for (ok = 0, i = 0; i < 4; i++)
		ok += waitpid(pid[i], &status, 0) == pid[i] &&
		      WIFEXITED(status) && WEXITSTATUS(status) == 0;
	CHECK_INT(ok, 4);
	if ((db = raw_connect("sstep_init_race")) != NULL) {
		CHECK(raw_is(db, "SELECT count(*) FROM saslstep.meta", "1"));
		PQfinish(db);
	}
}

/* The PID of the server session of the one store handle open on
 * database db (the store names itself "saslstep"), or -1. */
static pid_t
session_pid(PGconn *db)
{
	const char *v =
	    raw(db, "SELECT pid FROM pg_stat_activity WHERE application_name = "
	            "'saslstep' AND datname = current_database()");

	return v != NULL && *v != '\0' ? (pid_t)atol(v) : -1;
}

static void
set_cred(struct sstep_cred *c, const char *secret, int64_t counter)
{
	static char params[] = "md5 ke1234";

	memset(c, 0, sizeof(*c));
	snprintf(c->family, sizeof(c->family), "otp");
	c->params = params;
	c->secret = (unsigned char *)(uintptr_t)secret;
	c->secret_len = strlen(secret);
	c->counter = counter;
}

/* Every wait on the server ends within the bound (T = 2 s here). */
static void
test_bound(void)
{
	const char *uri = "postgresql:///sstep_schema";
	saslstep_store_t *st = NULL;
	struct sstep_cred c, got;
	PGconn *db;
	pid_t pid;
	double t0, dt;
	int64_t v;

	if ((db = raw_connect("sstep_schema")) == NULL)
		return;
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	if (st == NULL)
		return;
	set_cred(&c, "secret-50", 50);
	CHECK_INT(sstep_store_cred_put(st, "bert", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st, "bert", "otp", &got), SASLSTEP_OK);
	v = got.version;
	sstep_cred_clear(&got);

	/* Another session holds the credential's row: the login gives up
	 * after lock_timeout, on a connection that still works. */
	CHECK(raw(db, "BEGIN") != NULL);
	CHECK(raw(db, "SELECT 1 FROM saslstep.credentials "
	              "WHERE username = 'bert' FOR UPDATE") != NULL);
	set_cred(&c, "secret-49", 49);
	t0 = seconds();
	CHECK_INT(
	    sstep_store_cred_update(st, "bert", v, &c, NULL), SASLSTEP_UNAVAIL);
	dt = seconds() - t0;
	printf("row locked by another session: refused after %.0f ms\n",
	    dt * 1000);
	CHECK(dt >= 1.4 && dt < 2.1);
	CHECK(contains(sstep_store_error(st), "locked by another session"));
	CHECK(raw(db, "ROLLBACK") != NULL);
	CHECK_INT(
	    sstep_store_cred_update(st, "bert", v, &c, NULL), SASLSTEP_OK);

	/* The session stops answering (a frozen server): our own deadline,
	 * then the handle is given up and fails at once. */
	if ((pid = session_pid(db)) <= 0 || kill(pid, SIGSTOP) != 0) {
		CHECK(!"cannot freeze the store's session");
		goto out;
	}
	t0 = seconds();
	CHECK_INT(
	    sstep_store_cred_get(st, "bert", "otp", &got), SASLSTEP_UNAVAIL);
	dt = seconds() - t0;
	printf("frozen server session: refused after %.0f ms\n", dt * 1000);
	CHECK(dt >= 1.9 && dt < 2.6);
	CHECK(contains(
	    sstep_store_error(st), "no answer from the server within 2000 ms"));
	t0 = seconds();
	CHECK_INT(sstep_store_user_add(st, "x"), SASLSTEP_UNAVAIL);
	CHECK(seconds() - t0 < 0.1);
	CHECK(contains(sstep_store_error(st), "lost earlier"));
	kill(pid, SIGCONT);
	sstep_store_close(st);
	st = NULL;

	/* The session is killed under a handle: refused at once. */
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	if (st == NULL || (pid = session_pid(db)) <= 0) {
		CHECK(!"no session");
		goto out;
	}
	CHECK(raw_is(db,
	    "SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE application_name = 'saslstep'",
	    "t"));
	t0 = seconds();
	CHECK_INT(
	    sstep_store_cred_get(st, "bert", "otp", &got), SASLSTEP_UNAVAIL);
	CHECK(seconds() - t0 < 0.5);
	CHECK(contains(sstep_store_error(st), "connection to the server lost"));
	sstep_store_close(st);
	st = NULL;

	/* Nothing was lost or changed twice. */
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st, "bert", "otp", &got), SASLSTEP_OK);
	CHECK_INT(got.counter, 49);
	CHECK_MEM(got.secret, got.secret_len, "secret-49");
	sstep_cred_clear(&got);
out:
	sstep_store_close(st);
	PQfinish(db);
}

/* An import whose connection dies half-way keeps nothing. */
static void
test_txn_lost(void)
{
	const char *uri = "postgresql:///sstep_schema";
	saslstep_store_t *st = NULL;
	struct sstep_user u;
	PGconn *db;

	if ((db = raw_connect("sstep_schema")) == NULL)
		return;
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	if (st == NULL)
		goto out;
	CHECK_INT(sstep_store_begin(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "olga"), SASLSTEP_OK);
	CHECK(raw_is(db,
	    "SELECT pg_terminate_backend(pid) FROM "
	    "pg_stat_activity WHERE application_name = 'saslstep'",
	    "t"));
	CHECK_INT(sstep_store_user_add(st, "pia"), SASLSTEP_UNAVAIL);
	CHECK_INT(sstep_store_commit(st), SASLSTEP_UNAVAIL);
	sstep_store_close(st);
	st = NULL;
	CHECK(raw_is(db,
	    "SELECT count(*) FROM saslstep.users WHERE name IN ('olga', 'pia')",
	    "0"));

	/* Inside a transaction, a failing write undoes only itself; the
	 * next one and the commit go through (a savepoint each). */
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	if (st == NULL)
		goto out;
	CHECK_INT(sstep_store_begin(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "olga"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "\xff"), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_del(st, "nobody"), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_add(st, "pia"), SASLSTEP_OK);
	CHECK_INT(sstep_store_commit(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "olga", &u), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "pia", &u), SASLSTEP_OK);
out:
	sstep_store_close(st);
	PQfinish(db);
}

/* Names and params a UTF8 database cannot hold cannot be in the store. */
static void
test_utf8(void)
{
	saslstep_store_t *st = NULL;
	struct sstep_cred c, got;
	struct sstep_user u;
	char params[] = "md5 \xc3(";
	unsigned char tok[SSTEP_PENDING_TOKEN];

	CHECK_INT(sstep_store_open("postgresql:///sstep_schema", 0, &st),
	    SASLSTEP_OK);
	if (st == NULL)
		return;
	CHECK_INT(sstep_store_user_add(st, "\xff"), SASLSTEP_BADPARAM);
	CHECK(contains(sstep_store_error(st), "UTF-8"));
	CHECK_INT(sstep_store_user_add(st, "\xc0\xaf"), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_add(st, "\xed\xa0\x80"), SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_store_user_add(st, "\xf4\x90\x80\x80"), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_get(st, "\xff", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_del(st, "\xff"), SASLSTEP_NOUSER);
	CHECK_INT(
	    sstep_store_cred_get(st, "\xff", "otp", &got), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_pending_take(st, "\xff", "otp", 60, tok),
	    SASLSTEP_NOUSER);
	set_cred(&c, "s", 1);
	CHECK_INT(
	    sstep_store_cred_update(st, "\xff", 1, &c, NULL), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_store_cred_put(st, "\xff", &c), SASLSTEP_BADPARAM);
	c.params = params;
	CHECK_INT(sstep_store_cred_put(st, "alice", &c), SASLSTEP_BADPARAM);
	/* Valid UTF-8 of every length is fine. */
	CHECK_INT(
	    sstep_store_user_add(st, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91"),
	    SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(
	              st, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x94\x91", &u),
	    SASLSTEP_OK);
	sstep_store_close(st);
}

/* A pg_service.conf service, and a password never in a message. */
static void
test_service(void)
{
	char dir[] = "/tmp/test-pgsql.XXXXXX", file[64], uri[256];
	const char *port = getenv("PGPORT");
	saslstep_store_t *st = NULL;
	struct sstep_user u;
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(file, sizeof(file), "%s/pg_service.conf", dir);
	if ((f = fopen(file, "w")) == NULL) {
		CHECK(!"fopen");
		rmdir(dir);
		return;
	}
	fprintf(f, "[sstep]\ndbname=sstep_schema\nconnect_timeout=3\n");
	fclose(f);
	setenv("PGSERVICEFILE", file, 1);
	CHECK_INT(sstep_store_open("service=sstep", 0, &st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "alice", &u), SASLSTEP_OK);
	sstep_store_close(st);
	CHECK_INT(open_as("service=nosuch", 0), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "nosuch"));
	unsetenv("PGSERVICEFILE");
	unlink(file);
	rmdir(dir);

	/* TCP needs a password: a wrong one is refused, and not shown. */
	snprintf(uri, sizeof(uri),
	    "postgresql://postgres:Wrong-Pw-123@127.0.0.1:%s/sstep_schema",
	    port != NULL ? port : "5432");
	CHECK_INT(open_as(uri, 0), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "password authentication"));
	CHECK(!contains(sstep_store_open_error(), "Wrong-Pw-123"));
}

int
main(void)
{
	const char *server = getenv("SSTEP_PG_TEST");
	PGconn *admin;

	test_silent();
	if (server == NULL || strcmp(server, "1") != 0) {
		printf("no server given (tests/pgsql/store.sh gives one): "
		       "server cases skipped\n");
		return check_done("test-pgsql");
	}
	if ((admin = raw_connect("postgres")) != NULL) {
		test_schema(admin);
		test_bound();
		test_txn_lost();
		test_utf8();
		test_service();
		PQfinish(admin);
	}
	return check_done("test-pgsql");
}

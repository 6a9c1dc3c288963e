/*
 * test-store.c: the credential store against real SQLite files in a
 * private temporary directory: creation and the permission checks, the
 * refusal of corrupt, read-only, locked and too-new stores, users,
 * credentials, compare-and-swap, challenge locks, explicit transactions
 * and fake values.
 *
 * With SASLSTEP_TEST_STORE set to another store's URI (tests/pgsql/
 * store.sh gives a fresh PostgreSQL database), the cases that do not
 * depend on files run against that store instead: the same semantics
 * whatever the backend.  backend.h only to reach the SQLite handle when a test
 * must play SQLite abandoning a transaction.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sqlite3.h>

#include "saslstep-int.h"
#include "store.h"
#include "backend.h"
#include "check.h"

/* lib/clock.c: fix the time for tests (0 = real time). */
void sstep_clock_set(int64_t t);

static char base[1024];
/* 0 when the cases run against SASLSTEP_TEST_STORE, not an SQLite file. */
static int file_store = 1;

/* A path under the test's directory (one static buffer per slot). */
static const char *
at(int slot, const char *rel)
{
	static char buf[4][PATH_MAX];

	snprintf(buf[slot], sizeof(buf[slot]), "%s/%s", base, rel);
	return buf[slot];
}

static int
exists(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0;
}

static int
contains(const char *haystack, const char *needle)
{
	return haystack != NULL && strstr(haystack, needle) != NULL;
}

/* Run SQL on a store through a connection of our own, as another process
 * would. */
static int
raw_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

/* The first column of the first row of sql, or -1. */
static long long
raw_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	long long v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	        SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return v;
}

/* The server secret as stored, read behind the store's back. */
static int
raw_secret(const char *path, unsigned char out[32])
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int ok = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	        SQLITE_OK &&
	    sqlite3_prepare_v2(db,
	        "SELECT value FROM meta WHERE key = 'server_secret'", -1, &s,
	        NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_bytes(s, 0) == 32) {
		memcpy(out, sqlite3_column_blob(s, 0), 32);
		ok = 1;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ok;
}

static size_t
read_all(const char *path, unsigned char *buf, size_t max)
{
	FILE *f;
	size_t n;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	n = fread(buf, 1, max, f);
	fclose(f);
	return n;
}

static int
write_all(const char *path, const void *buf, size_t n, mode_t mode)
{
	int fd, ok;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) == -1)
		return 0;
	ok = write(fd, buf, n) == (ssize_t)n;
	ok = fchmod(fd, mode) == 0 && ok;
	return close(fd) == 0 && ok;
}

/* Make a store with one user, and close it. */
static int
make_store(const char *path)
{
	saslstep_store_t *st = NULL;
	int r;

	if ((r = sstep_store_open(path, SSTEP_STORE_CREATE, &st)) ==
	    SASLSTEP_OK)
		r = sstep_store_user_add(st, "alice");
	sstep_store_close(st);
	return r;
}

static int
open_plain(const char *uri)
{
	saslstep_store_t *st = NULL;
	int r;

	r = sstep_store_open(uri, 0, &st);
	CHECK((r == SASLSTEP_OK) == (st != NULL));
	sstep_store_close(st);
	return r;
}

static void
test_uri(void)
{
	saslstep_store_t *st = (saslstep_store_t *)(uintptr_t)1; /* reset? */
	const char *def = sstep_store_default();
	size_t n = strlen(def);

	CHECK(n > 12 && strcmp(def + n - 12, "/saslstep.db") == 0);
	CHECK(
	    strncmp(def, SASLSTEP_DBDIR "/", strlen(SASLSTEP_DBDIR) + 1) == 0);

	/* PostgreSQL, with no server: refused at once, and the password in
	 * the URI is in no message. */
	CHECK_INT(
	    sstep_store_open("postgresql://u:pw-in-uri@127.0.0.1:1/x", 0, &st),
	    SASLSTEP_UNAVAIL);
	CHECK(st == NULL);
	CHECK(contains(sstep_store_open_error(), "store postgresql: "));
	CHECK(contains(sstep_store_open_error(), "cannot connect"));
	CHECK(!contains(sstep_store_open_error(), "pw-in-uri"));
	CHECK_INT(sstep_store_open("postgres://u:pw-in-uri@[::1:1/x", 0, &st),
	    SASLSTEP_BADPARAM);
	CHECK(!contains(sstep_store_open_error(), "pw-in-uri"));
	CHECK_INT(sstep_store_open("service=sstep-no-such-service "
	                           "password=pw-in-uri",
	              0, &st),
	    SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "sstep-no-such-service"));
	CHECK(!contains(sstep_store_open_error(), "pw-in-uri"));
	CHECK_INT(sstep_store_open("mysql://x/y", 0, &st), SASLSTEP_BADPARAM);
	CHECK(contains(sstep_store_open_error(), "unknown URI scheme"));
	CHECK_INT(sstep_store_open("", 0, &st), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_open("sqlite:", 0, &st), SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_store_open("file://host/x.db", 0, &st), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_open(at(0, "x.db/"), SSTEP_STORE_CREATE, &st),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_store_open(at(0, "x.db"), 0x80, &st), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_open(at(0, "x.db"), 0, NULL), SASLSTEP_BADPARAM);
	CHECK(!exists(at(0, "x.db")));
}

static void
test_create(void)
{
	saslstep_store_t *st = NULL;
	struct sstep_user u;
	char uri[PATH_MAX + 16];
	struct stat sb;
	mode_t old;
	int r;

	/* Missing store, no CREATE: refused, nothing made. */
	CHECK_INT(open_plain(at(0, "new/s.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "new"));
	CHECK_INT(open_plain(at(0, "missing.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "does not exist"));
	CHECK(!exists(at(0, "missing.db")));
	CHECK_INT(
	    saslstep_store_open(at(0, "missing.db"), &st), SASLSTEP_UNAVAIL);
	CHECK(st == NULL);
	CHECK(!exists(at(0, "missing.db")));
	/* Only the last directory is made. */
	CHECK_INT(
	    sstep_store_open(at(0, "no/such/s.db"), SSTEP_STORE_CREATE, &st),
	    SASLSTEP_UNAVAIL);
	CHECK(!exists(at(0, "no")));

	/* Create with a permissive umask: still 0600 / 0700. */
	old = umask(0);
	r = sstep_store_open(at(0, "new/s.db"), SSTEP_STORE_CREATE, &st);
	umask(old);
	CHECK_INT(r, SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "alice"), SASLSTEP_OK);
	sstep_store_close(st);
	st = NULL;
	CHECK(stat(at(0, "new"), &sb) == 0 && (sb.st_mode & 07777) == 0700);
	CHECK(
	    stat(at(0, "new/s.db"), &sb) == 0 && (sb.st_mode & 07777) == 0600);
	CHECK_INT(raw_int(at(0, "new/s.db"), "PRAGMA user_version"), 1);
	CHECK_INT(raw_int(at(0, "new/s.db"),
	              "SELECT count(*) FROM "
	              "pragma_journal_mode WHERE journal_mode = 'wal'"),
	    1);
	CHECK_INT(raw_int(at(0, "new/s.db"), "SELECT length(value) FROM meta "
	                                     "WHERE key = 'server_secret'"),
	    32);

	/* Reopen under each spelling of the URI; the user is there. */
	snprintf(uri, sizeof(uri), "sqlite:%s", at(0, "new/s.db"));
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "alice", &u), SASLSTEP_OK);
	sstep_store_close(st);
	st = NULL;
	snprintf(uri, sizeof(uri), "file://%s", at(0, "new/s.db"));
	CHECK_INT(sstep_store_open(uri, 0, &st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "alice", &u), SASLSTEP_OK);
	sstep_store_close(st);
	st = NULL;
	CHECK_INT(saslstep_store_open(at(0, "new/s.db"), &st), SASLSTEP_OK);
	CHECK(st != NULL);
	saslstep_store_close(st);
	st = NULL;
	/* CREATE on an existing store keeps it. */
	CHECK_INT(sstep_store_open(at(0, "new/s.db"), SSTEP_STORE_CREATE, &st),
	    SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "alice", &u), SASLSTEP_OK);
	sstep_store_close(st);
	st = NULL;

	/* An empty file: refused without CREATE, initialised with it. */
	CHECK(write_all(at(0, "empty.db"), "", 0, 0600));
	CHECK_INT(open_plain(at(0, "empty.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "empty"));
	CHECK(stat(at(0, "empty.db"), &sb) == 0 && sb.st_size == 0);
	CHECK_INT(make_store(at(0, "empty.db")), SASLSTEP_OK);
	CHECK_INT(open_plain(at(0, "empty.db")), SASLSTEP_OK);
}

static void
test_permissions(void)
{
	char uri[PATH_MAX + 16];

	CHECK_INT(make_store(at(0, "perm.db")), SASLSTEP_OK);
	CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_OK);

	/* Group- or world-writable store file. */
	CHECK(chmod(at(0, "perm.db"), 0660) == 0);
	CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(
	    sstep_store_open_error(), "group or world writable (mode 0660)"));
	CHECK(chmod(at(0, "perm.db"), 0602) == 0);
	CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_UNAVAIL);
	CHECK(chmod(at(0, "perm.db"), 0600) == 0);
	CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_OK);

	/* A world-writable companion file SQLite would read. */
	CHECK(write_all(at(0, "perm.db-wal"), "", 0, 0666));
	CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "perm.db-wal"));
	CHECK(unlink(at(0, "perm.db-wal")) == 0);

	/* A symbolic link to a good store. */
	CHECK(symlink(at(0, "perm.db"), at(1, "link.db")) == 0);
	CHECK_INT(open_plain(at(0, "link.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "symbolic link"));
	snprintf(uri, sizeof(uri), "sqlite:%s", at(0, "link.db"));
	CHECK_INT(open_plain(uri), SASLSTEP_UNAVAIL);

	/* World-writable directory: refused without the sticky bit, fine
	 * with it (like /tmp). */
	CHECK(mkdir(at(0, "ww"), 0700) == 0);
	CHECK_INT(make_store(at(0, "ww/s.db")), SASLSTEP_OK);
	CHECK(chmod(at(0, "ww"), 0777) == 0);
	CHECK_INT(open_plain(at(0, "ww/s.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "directory"));
	CHECK(contains(sstep_store_open_error(), "(mode 0777)"));
	CHECK(chmod(at(0, "ww"), 0770) == 0);
	CHECK_INT(open_plain(at(0, "ww/s.db")), SASLSTEP_UNAVAIL);
	CHECK(chmod(at(0, "ww"), 01777) == 0);
	CHECK_INT(open_plain(at(0, "ww/s.db")), SASLSTEP_OK);
	CHECK(chmod(at(0, "ww/s.db"), 0644) == 0);
	CHECK_INT(open_plain(at(0, "ww/s.db")), SASLSTEP_OK);
	CHECK(chmod(at(0, "ww/s.db"), 0600) == 0);
	/* Creating in a sticky directory works too. */
	CHECK_INT(make_store(at(0, "ww/t.db")), SASLSTEP_OK);

	/* A private directory inside a world-writable one: whoever can
	 * rename the directory can swap the store. */
	CHECK(chmod(at(0, "ww"), 0777) == 0);
	CHECK(mkdir(at(0, "ww/priv"), 0700) == 0);
	CHECK_INT(sstep_store_open(at(0, "ww/priv/s.db"), SSTEP_STORE_CREATE,
	              &(saslstep_store_t *){NULL}),
	    SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "group or world writable"));
	CHECK(!exists(at(0, "ww/priv/s.db")));
	CHECK(chmod(at(0, "ww"), 0700) == 0);

	/* Ownership: as root, only root may own the store. */
	if (geteuid() == 0) {
		CHECK(chown(at(0, "perm.db"), 65534, 65534) == 0);
		CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_UNAVAIL);
		CHECK(contains(sstep_store_open_error(), "owned by uid 65534"));
		CHECK(chown(at(0, "perm.db"), 0, 0) == 0);
		CHECK(chown(at(0, "ww"), 65534, 65534) == 0);
		CHECK_INT(open_plain(at(0, "ww/s.db")), SASLSTEP_UNAVAIL);
		CHECK(chown(at(0, "ww"), 0, 0) == 0);
		CHECK_INT(open_plain(at(0, "perm.db")), SASLSTEP_OK);
		CHECK_INT(open_plain(at(0, "ww/s.db")), SASLSTEP_OK);
	}
}

/* A read-only store is refused at open, not at the first commit. */
static void
test_readonly(void)
{
	pid_t pid;
	int status = 0;

	CHECK(mkdir(at(0, "ro"), 0755) == 0);
	CHECK_INT(make_store(at(0, "ro/s.db")), SASLSTEP_OK);
	if (geteuid() != 0) {
		CHECK(chmod(at(0, "ro/s.db"), 0400) == 0);
		CHECK_INT(open_plain(at(0, "ro/s.db")), SASLSTEP_UNAVAIL);
		CHECK(contains(sstep_store_open_error(), "read-only"));
		CHECK(chmod(at(0, "ro/s.db"), 0600) == 0);
		return;
	}
	/*
	 * Root writes whatever the mode says: look at the store as a user
	 * who may read it but not write it (a root-owned 0644 store is
	 * allowed for users).  The checks run in the child; its exit status
	 * says how they went.
	 */
	CHECK(chmod(base, 0755) == 0);
	CHECK(chmod(at(0, "ro/s.db"), 0644) == 0);
	if ((pid = fork()) == -1) {
		CHECK(!"fork");
		return;
	}
	if (pid == 0) {
		saslstep_store_t *st = NULL;
		int r;

		if (setgid(65534) != 0 || setuid(65534) != 0)
			_exit(77);
		r = sstep_store_open(at(0, "ro/s.db"), 0, &st);
		if (r == SASLSTEP_UNAVAIL && st == NULL &&
		    contains(sstep_store_open_error(), "read-only"))
			_exit(0);
		fprintf(stderr, "read-only store: %d %s\n", r,
		    sstep_store_open_error());
		_exit(1);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		fprintf(stderr, "read-only check skipped: cannot drop "
		                "privileges\n");
	else
		CHECK_INT(WEXITSTATUS(status), 0);
	CHECK(chmod(base, 0700) == 0);
	CHECK(chmod(at(0, "ro/s.db"), 0600) == 0);
	/* Nothing was written by the refused open. */
	CHECK_INT(raw_int(at(0, "ro/s.db"), "SELECT count(*) FROM users"), 1);
}

static void
test_corrupt(void)
{
	unsigned char junk[8192], back[8192 + 1];
	saslstep_store_t *st = NULL;
	size_t i, n;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 7 + 3);
	memcpy(junk, "not a database, just junk\n", 26);
	CHECK(write_all(at(0, "junk.db"), junk, sizeof(junk), 0600));
	CHECK_INT(open_plain(at(0, "junk.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "corrupt or not a database"));
	CHECK_INT(sstep_store_open(at(0, "junk.db"), SSTEP_STORE_CREATE, &st),
	    SASLSTEP_UNAVAIL);
	CHECK(st == NULL);
	n = read_all(at(0, "junk.db"), back, sizeof(back));
	CHECK(n == sizeof(junk) && memcmp(back, junk, n) == 0);
	CHECK(!exists(at(0, "junk.db-wal")));
	CHECK(!exists(at(0, "junk.db-journal")));

	/* A database that is not ours. */
	CHECK_INT(raw_exec(at(0, "other.db"), ""), SQLITE_CANTOPEN);
	CHECK(write_all(at(0, "other.db"), "", 0, 0600));
	CHECK_INT(raw_exec(at(0, "other.db"), "CREATE TABLE t (x)"), SQLITE_OK);
	CHECK_INT(sstep_store_open(at(0, "other.db"), SSTEP_STORE_CREATE, &st),
	    SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "not a saslstep store"));
	CHECK_INT(raw_int(at(0, "other.db"), "SELECT count(*) FROM "
	                                     "sqlite_master"),
	    1);

	/* A newer schema than this code knows. */
	CHECK_INT(make_store(at(0, "newer.db")), SASLSTEP_OK);
	CHECK_INT(
	    raw_exec(at(0, "newer.db"), "PRAGMA user_version = 99"), SQLITE_OK);
	CHECK_INT(sstep_store_open(at(0, "newer.db"), SSTEP_STORE_CREATE, &st),
	    SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "newer"));
	CHECK_INT(raw_int(at(0, "newer.db"), "PRAGMA user_version"), 99);

	/* A server secret that is not 32 bytes. */
	CHECK_INT(make_store(at(0, "nosecret.db")), SASLSTEP_OK);
	CHECK_INT(
	    raw_exec(at(0, "nosecret.db"), "UPDATE meta SET value = "
	                                   "x'00' WHERE key = 'server_secret'"),
	    SQLITE_OK);
	CHECK_INT(open_plain(at(0, "nosecret.db")), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_open_error(), "corrupt"));
}

struct names {
	char buf[8][SSTEP_NAME_MAX + 1];
	int locked[8];
	int n, stop_after;
};

static int
collect_user(const struct sstep_user *u, void *arg)
{
	struct names *nm = arg;

	if (nm->n < 8) {
		snprintf(nm->buf[nm->n], sizeof(nm->buf[0]), "%s", u->name);
		nm->locked[nm->n] = u->locked;
	}
	nm->n++;
	return nm->stop_after != 0 && nm->n >= nm->stop_after;
}

static void
test_users(saslstep_store_t *st)
{
	struct sstep_user u;
	struct names nm;
	char longname[SSTEP_NAME_MAX + 2];
	int64_t t0 = sstep_now();

	CHECK_INT(sstep_store_user_add(st, "carol"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "alice"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "bob"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "bob"), SASLSTEP_OK); /* again */

	memset(&u, 0xa5, sizeof(u));
	CHECK_INT(sstep_store_user_get(st, "bob", &u), SASLSTEP_OK);
	CHECK(strcmp(u.name, "bob") == 0);
	CHECK_INT(u.locked, 0);
	CHECK(u.created >= t0 && u.created <= sstep_now());
	CHECK_INT(sstep_store_user_get(st, "dave", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_get(st, "Bob", &u), SASLSTEP_NOUSER);

	CHECK_INT(sstep_store_user_set_locked(st, "bob", 1), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "bob", &u), SASLSTEP_OK);
	CHECK_INT(u.locked, 1);
	CHECK_INT(sstep_store_user_set_locked(st, "dave", 1), SASLSTEP_NOUSER);

	memset(&nm, 0, sizeof(nm));
	CHECK_INT(sstep_store_user_list(st, collect_user, &nm), SASLSTEP_OK);
	CHECK_INT(nm.n, 3);
	CHECK(strcmp(nm.buf[0], "alice") == 0);
	CHECK(strcmp(nm.buf[1], "bob") == 0 && nm.locked[1] == 1);
	CHECK(strcmp(nm.buf[2], "carol") == 0 && nm.locked[2] == 0);
	memset(&nm, 0, sizeof(nm));
	nm.stop_after = 2;
	CHECK_INT(sstep_store_user_list(st, collect_user, &nm), SASLSTEP_OK);
	CHECK_INT(nm.n, 2);

	CHECK_INT(sstep_store_user_set_locked(st, "bob", 0), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "bob", &u), SASLSTEP_OK);
	CHECK_INT(u.locked, 0);

	CHECK_INT(sstep_store_user_del(st, "carol"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "carol", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_del(st, "carol"), SASLSTEP_NOUSER);

	/* Names: 1..SSTEP_NAME_MAX bytes, no control character, no ':'. */
	CHECK_INT(sstep_store_user_add(st, ""), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_add(st, NULL), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_add(st, "a:b"), SASLSTEP_BADPARAM);
	CHECK(contains(sstep_store_error(st), "invalid user name"));
	CHECK_INT(sstep_store_user_add(st, "a\nb"), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_add(st, "a\tb"), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_add(st, "a\x7f"), SASLSTEP_BADPARAM);
	memset(longname, 'x', sizeof(longname));
	longname[SSTEP_NAME_MAX + 1] = '\0';
	CHECK_INT(sstep_store_user_add(st, longname), SASLSTEP_BADPARAM);
	longname[SSTEP_NAME_MAX] = '\0';
	CHECK_INT(sstep_store_user_add(st, longname), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, longname, &u), SASLSTEP_OK);
	CHECK(strcmp(u.name, longname) == 0);
	CHECK_INT(sstep_store_user_del(st, longname), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "j\xc3\xb6rg"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_del(st, "j\xc3\xb6rg"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(NULL, "x"), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_user_list(st, NULL, NULL), SASLSTEP_BADPARAM);
}

static void
set_cred(struct sstep_cred *c, const char *family, char *params,
    const char *secret, int64_t counter)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->family, sizeof(c->family), "%s", family);
	c->params = params;
	c->secret = (unsigned char *)(uintptr_t)secret;
	c->secret_len = secret != NULL ? strlen(secret) : 0;
	c->counter = counter;
}

struct creds {
	char family[4][SSTEP_FAMILY_MAX];
	char params[4][64];
	int64_t counter[4];
	int n, secret_seen;
};

static int
collect_cred(const struct sstep_cred *c, void *arg)
{
	struct creds *cr = arg;

	if (cr->n < 4) {
		snprintf(
		    cr->family[cr->n], sizeof(cr->family[0]), "%s", c->family);
		snprintf(
		    cr->params[cr->n], sizeof(cr->params[0]), "%s", c->params);
		cr->counter[cr->n] = c->counter;
	}
	if (c->secret != NULL || c->secret_len != 0)
		cr->secret_seen = 1;
	cr->n++;
	return 0;
}

static void
test_creds(saslstep_store_t *st)
{
	char p1[] = "md5 ke1234", p2[] = "sha1 ke5678", p3[] = "sha1 6 30",
	     bad[] = "a\nb";
	struct sstep_cred c, got;
	struct sstep_user u;
	struct creds cr;
	int64_t v1, v2;
	unsigned char big[8192]; /* more than any secret */

	/* Enrolment creates the user. */
	set_cred(&c, "otp", p1, "0123456789abcdef", 499);
	CHECK_INT(sstep_store_user_get(st, "erin", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st, "erin", &u), SASLSTEP_OK);

	CHECK_INT(sstep_store_cred_get(st, "erin", "otp", &got), SASLSTEP_OK);
	CHECK(strcmp(got.family, "otp") == 0);
	CHECK(got.params != NULL && strcmp(got.params, p1) == 0);
	CHECK_MEM(got.secret, got.secret_len, "0123456789abcdef");
	CHECK_INT(got.counter, 499);
	v1 = got.version;
	sstep_cred_clear(&got);
	CHECK(got.params == NULL && got.secret == NULL && got.secret_len == 0);
	sstep_cred_clear(&got); /* twice is harmless */

	/* Re-enrolment replaces and gets a new version. */
	set_cred(&c, "otp", p2, "fedcba9876543210", 99);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st, "erin", "otp", &got), SASLSTEP_OK);
	CHECK(strcmp(got.params, p2) == 0);
	CHECK_MEM(got.secret, got.secret_len, "fedcba9876543210");
	CHECK_INT(got.counter, 99);
	v2 = got.version;
	CHECK(v2 != v1);
	sstep_cred_clear(&got);
	/* An exchange that started before the re-enrolment cannot write. */
	set_cred(&c, "otp", p2, "stale", 98);
	CHECK_INT(sstep_store_cred_update(st, "erin", v1, &c, NULL),
	    SASLSTEP_BADAUTH);

	/* A second family, an empty secret, and the list. */
	set_cred(&c, "totp", p3, NULL, 0);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st, "erin", "totp", &got), SASLSTEP_OK);
	CHECK(got.secret != NULL && got.secret_len == 0);
	sstep_cred_clear(&got);
	memset(&cr, 0, sizeof(cr));
	CHECK_INT(
	    sstep_store_cred_list(st, "erin", collect_cred, &cr), SASLSTEP_OK);
	CHECK_INT(cr.n, 2);
	CHECK(strcmp(cr.family[0], "otp") == 0 &&
	      strcmp(cr.params[0], p2) == 0 && cr.counter[0] == 99);
	CHECK(strcmp(cr.family[1], "totp") == 0);
	CHECK_INT(cr.secret_seen, 0);
	memset(&cr, 0, sizeof(cr));
	CHECK_INT(sstep_store_cred_list(st, "nobody", collect_cred, &cr),
	    SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_add(st, "frank"), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_cred_list(st, "frank", collect_cred, &cr), SASLSTEP_OK);
	CHECK_INT(cr.n, 0);

	CHECK_INT(
	    sstep_store_cred_get(st, "erin", "hotp", &got), SASLSTEP_NOUSER);
	CHECK(got.params == NULL && got.secret == NULL);
	CHECK_INT(
	    sstep_store_cred_get(st, "nobody", "otp", &got), SASLSTEP_NOUSER);

	/* Delete one family, then the user with the rest. */
	CHECK_INT(sstep_store_cred_del(st, "erin", "totp"), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_cred_get(st, "erin", "totp", &got), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_cred_del(st, "erin", "totp"), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_del(st, "erin"), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_cred_get(st, "erin", "otp", &got), SASLSTEP_NOUSER);
	/* Enrolled again from scratch: still never an old version. */
	set_cred(&c, "otp", p1, "0123456789abcdef", 499);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st, "erin", "otp", &got), SASLSTEP_OK);
	CHECK(got.version != v1 && got.version != v2);
	sstep_cred_clear(&got);

	/* Bad arguments change nothing. */
	set_cred(&c, "otp", bad, "x", 1);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_BADPARAM);
	set_cred(&c, "o:tp", p1, "x", 1);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_BADPARAM);
	set_cred(&c, "", p1, "x", 1);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_BADPARAM);
	memset(c.family, 'a', sizeof(c.family)); /* no NUL */
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_BADPARAM);
	memset(big, 0x5a, sizeof(big));
	set_cred(&c, "otp", p1, NULL, 1);
	c.secret = big;
	c.secret_len = sizeof(big);
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_BADPARAM);
	c.secret = NULL;
	c.secret_len = 3;
	CHECK_INT(sstep_store_cred_put(st, "erin", &c), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_put(st, "erin", NULL), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_get(st, "erin", "bad family", &got),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_get(st, "erin", "otp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "0123456789abcdef");
	CHECK_INT(got.counter, 499);
	sstep_cred_clear(&got);
}

/* Two logins present the same one-time value: exactly one may win. */
static void
test_cas(saslstep_store_t *st, const char *path)
{
	char p[] = "md5 ke1234";
	saslstep_store_t *st2 = NULL;
	struct sstep_cred c, a, b;
	unsigned char tok[SSTEP_PENDING_TOKEN];
	int64_t v;
	int r1, r2;

	set_cred(&c, "otp", p, "secret-499", 499);
	CHECK_INT(sstep_store_cred_put(st, "gina", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_open(path, 0, &st2), SASLSTEP_OK);
	if (st2 == NULL)
		return;

	/* Both read version v over their own connections. */
	CHECK_INT(sstep_store_cred_get(st, "gina", "otp", &a), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st2, "gina", "otp", &b), SASLSTEP_OK);
	CHECK_INT(a.version, b.version);
	v = a.version;
	set_cred(&c, "otp", p, "secret-498", 498);
	r1 = sstep_store_cred_update(st, "gina", v, &c, NULL);
	set_cred(&c, "otp", p, "secret-497", 497);
	r2 = sstep_store_cred_update(st2, "gina", v, &c, NULL);
	CHECK_INT(r1, SASLSTEP_OK);
	CHECK_INT(r2, SASLSTEP_BADAUTH);
	CHECK(contains(sstep_store_error(st2), "changed"));
	sstep_cred_clear(&a);
	sstep_cred_clear(&b);
	CHECK_INT(sstep_store_cred_get(st2, "gina", "otp", &a), SASLSTEP_OK);
	CHECK_MEM(a.secret, a.secret_len, "secret-498");
	CHECK_INT(a.counter, 498);
	CHECK(a.version != v);

	/* The winner's update releases its challenge lock in the same
	 * transaction; a loser's does not touch it. */
	CHECK_INT(
	    sstep_store_pending_take(st, "gina", "otp", 60, tok), SASLSTEP_OK);
	set_cred(&c, "otp", p, "secret-497", 497);
	CHECK_INT(
	    sstep_store_cred_update(st2, "gina", v, &c, tok), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_store_pending_take(st2, "gina", "otp", 60, tok),
	    SASLSTEP_TRYAGAIN);
	CHECK_INT(sstep_store_cred_update(st, "gina", a.version, &c, tok),
	    SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_pending_take(st2, "gina", "otp", 60, tok), SASLSTEP_OK);
	sstep_store_pending_release(st2, "gina", "otp", tok);
	/* An update for a credential that is gone is a lost race too. */
	CHECK_INT(sstep_store_cred_update(st, "nobody", 1, &c, NULL),
	    SASLSTEP_BADAUTH);
	sstep_cred_clear(&a);
	sstep_store_close(st2);
}

/*
 * The same race between processes: each opens the store, reads the same
 * version, waits until all have, then writes.  Exit status 0 = won,
 * 1 = lost (BADAUTH), 2 = anything else.
 */
static void
test_race(saslstep_store_t *st, const char *path)
{
	enum { N = 4 };
	char p[] = "md5 ke1234";
	struct sstep_cred c, got;
	int go[2], ready[2], status, won = 0, lost = 0, i;
	pid_t pid[N];
	char ch;

	set_cred(&c, "otp", p, "secret-50", 50);
	CHECK_INT(sstep_store_cred_put(st, "race", &c), SASLSTEP_OK);
	if (pipe(go) != 0 || pipe(ready) != 0) {
		CHECK(!"pipe");
		return;
	}
	for (i = 0; i < N; i++) {
		if ((pid[i] = fork()) == -1) {
			CHECK(!"fork");
			break;
		}
		if (pid[i] == 0) {
			saslstep_store_t *mine = NULL;
			struct sstep_cred cur, next;
			char np[] = "md5 ke1234";
			int r;

			close(go[1]);
			close(ready[0]);
			if (sstep_store_open(path, 0, &mine) != SASLSTEP_OK ||
			    sstep_store_cred_get(mine, "race", "otp", &cur) !=
			        SASLSTEP_OK)
				_exit(2);
			if (write(ready[1], "r", 1) != 1 ||
			    read(go[0], &ch, 1) != 0)
				_exit(2);
			set_cred(&next, "otp", np, "secret-49", 49);
			r = sstep_store_cred_update(
			    mine, "race", cur.version, &next, NULL);
			sstep_cred_clear(&cur);
			sstep_store_close(mine);
			_exit(r == SASLSTEP_OK        ? 0
			      : r == SASLSTEP_BADAUTH ? 1
			                              : 2);
		}
	}
	close(go[0]);
	close(ready[1]);
	/* All have read the version; closing go releases them at once. */
	for (i = 0; i < N; i++)
		CHECK(read(ready[0], &ch, 1) == 1);
	close(go[1]);
	close(ready[0]);
	for (i = 0; i < N; i++) {
		if (waitpid(pid[i], &status, 0) != pid[i] || !WIFEXITED(status))
			continue;
		won += WEXITSTATUS(status) == 0;
		lost += WEXITSTATUS(status) == 1;
	}
	CHECK_INT(won, 1);
	CHECK_INT(lost, N - 1);
	CHECK_INT(sstep_store_cred_get(st, "race", "otp", &got), SASLSTEP_OK);
	CHECK_INT(got.counter, 49);
	sstep_cred_clear(&got);
}

static void
test_pending(saslstep_store_t *st)
{
	char p[] = "md5 ke1234";
	struct sstep_cred c;
	unsigned char t1[SSTEP_PENDING_TOKEN], t2[SSTEP_PENDING_TOKEN],
	    zero[SSTEP_PENDING_TOKEN];
	int64_t now = sstep_now();

	/* The clock stands still unless the test moves it. */
	sstep_clock_set(now);
	set_cred(&c, "otp", p, "s", 10);
	CHECK_INT(sstep_store_cred_put(st, "hank", &c), SASLSTEP_OK);
	memset(zero, 0, sizeof(zero));
	memset(t1, 0, sizeof(t1));
	memset(t2, 0, sizeof(t2));

	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 60, t1), SASLSTEP_OK);
	CHECK(memcmp(t1, zero, sizeof(zero)) != 0);
	CHECK_INT(sstep_store_pending_take(st, "hank", "otp", 60, t2),
	    SASLSTEP_TRYAGAIN);
	CHECK(memcmp(t2, zero, sizeof(zero)) == 0); /* untouched */
	/* Release with another token: still held. */
	sstep_store_pending_release(st, "hank", "otp", zero);
	CHECK_INT(sstep_store_pending_take(st, "hank", "otp", 60, t2),
	    SASLSTEP_TRYAGAIN);
	sstep_store_pending_release(st, "hank", "otp", t1);
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 60, t2), SASLSTEP_OK);
	CHECK(memcmp(t1, t2, sizeof(t1)) != 0);

	/* Expiry: 60 s later the lock is free again. */
	sstep_clock_set(now + 59);
	CHECK_INT(sstep_store_pending_take(st, "hank", "otp", 60, t1),
	    SASLSTEP_TRYAGAIN);
	sstep_clock_set(now + 60);
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 60, t1), SASLSTEP_OK);
	/* The stale holder's release does not free the new lock. */
	sstep_store_pending_release(st, "hank", "otp", t2);
	CHECK_INT(sstep_store_pending_take(st, "hank", "otp", 60, t2),
	    SASLSTEP_TRYAGAIN);
	sstep_store_pending_release(st, "hank", "otp", t1);

	/* ttl 0 holds nothing. */
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 0, t1), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 0, t2), SASLSTEP_OK);

	/* Families are apart; no lock without a credential. */
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 60, t1), SASLSTEP_OK);
	set_cred(&c, "hotp", p, "s", 0);
	CHECK_INT(sstep_store_cred_put(st, "hank", &c), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "hotp", 60, t2), SASLSTEP_OK);
	CHECK_INT(sstep_store_pending_take(st, "hank", "totp", 60, t2),
	    SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_pending_take(st, "nobody", "otp", 60, t2),
	    SASLSTEP_NOUSER);
	/* Re-enrolment clears the old challenge. */
	set_cred(&c, "otp", p, "s2", 9);
	CHECK_INT(sstep_store_cred_put(st, "hank", &c), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 60, t1), SASLSTEP_OK);
	/* Deleting the user takes the locks with it. */
	CHECK_INT(sstep_store_user_del(st, "hank"), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_put(st, "hank", &c), SASLSTEP_OK);
	CHECK_INT(
	    sstep_store_pending_take(st, "hank", "otp", 60, t1), SASLSTEP_OK);
	/* Bad arguments: refused, no crash. */
	CHECK_INT(sstep_store_pending_take(st, "hank", "otp", 60, NULL),
	    SASLSTEP_BADPARAM);
	sstep_store_pending_release(st, "hank", "otp", NULL);
	sstep_store_pending_release(NULL, "hank", "otp", t1);
	sstep_store_pending_release(st, "ha:nk", "otp", t1);
	sstep_clock_set(0);
}

static double
seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* Another process holds the write lock past the busy timeout. */
static void
test_locked(saslstep_store_t *st, const char *path)
{
	char p[] = "md5 ke1234";
	struct sstep_cred c, got;
	sqlite3 *db = NULL;
	int64_t v;
	double t0, dt;

	set_cred(&c, "otp", p, "secret-100", 100);
	CHECK_INT(sstep_store_cred_put(st, "ivan", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_get(st, "ivan", "otp", &got), SASLSTEP_OK);
	v = got.version;
	sstep_cred_clear(&got);

	CHECK_INT(
	    sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	CHECK_INT(
	    sqlite3_exec(db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
	set_cred(&c, "otp", p, "secret-99", 99);
	t0 = seconds();
	CHECK_INT(
	    sstep_store_cred_update(st, "ivan", v, &c, NULL), SASLSTEP_UNAVAIL);
	dt = seconds() - t0;
	CHECK(dt >= 1.5 && dt < 10);
	CHECK(contains(sstep_store_error(st), "locked by another process"));
	/* Readers are not held up (WAL). */
	CHECK_INT(sstep_store_cred_get(st, "ivan", "otp", &got), SASLSTEP_OK);
	sstep_cred_clear(&got);
	CHECK_INT(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	/* Nothing changed; and the store works again. */
	CHECK_INT(sstep_store_cred_get(st, "ivan", "otp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "secret-100");
	CHECK_INT(got.counter, 100);
	CHECK_INT(got.version, v);
	sstep_cred_clear(&got);
	CHECK_INT(
	    sstep_store_cred_update(st, "ivan", v, &c, NULL), SASLSTEP_OK);
}

/* Whether user name has a credential of family, as another connection
 * (st2) sees it. */
static int
has_cred(saslstep_store_t *st2, const char *name, const char *family)
{
	struct sstep_cred got;
	int r;

	r = sstep_store_cred_get(st2, name, family, &got);
	sstep_cred_clear(&got);
	return r == SASLSTEP_OK;
}

/*
 * The explicit transaction (an import): writes inside it join it, are
 * seen by the same handle only, and are kept all together or not at all.
 */
static void
test_txn(saslstep_store_t *st, const char *path)
{
	char p[] = "alg=sha1 digits=6";
	saslstep_store_t *st2 = NULL, *st3 = NULL;
	struct sstep_cred c, got;
	struct sstep_user u;
	double t0, dt;

	/* Misuse is refused and changes nothing. */
	CHECK_INT(sstep_store_commit(st), SASLSTEP_BADPARAM);
	CHECK(contains(sstep_store_error(st), "no transaction"));
	sstep_store_rollback(st); /* none open: no effect */
	CHECK_INT(sstep_store_begin(NULL), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_commit(NULL), SASLSTEP_BADPARAM);
	sstep_store_rollback(NULL);
	CHECK_INT(sstep_store_open(path, 0, &st2), SASLSTEP_OK);
	if (st2 == NULL)
		return;

	/* Commit: every kind of write joins, others see nothing before. */
	CHECK_INT(sstep_store_user_add(st, "tara"), SASLSTEP_OK);
	CHECK_INT(sstep_store_begin(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_begin(st), SASLSTEP_BADPARAM);
	CHECK(contains(sstep_store_error(st), "open already"));
	set_cred(&c, "hotp", p, "key-1", 7);
	CHECK_INT(sstep_store_cred_put(st, "jill", &c), SASLSTEP_OK);
	set_cred(&c, "totp", p, "key-2", -1);
	CHECK_INT(sstep_store_cred_put(st, "jill", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "kate"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_set_locked(st, "kate", 1), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_del(st, "tara"), SASLSTEP_OK);
	/* The handle reads its own writes ... */
	CHECK_INT(sstep_store_cred_get(st, "jill", "hotp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "key-1");
	CHECK_INT(got.counter, 7);
	sstep_cred_clear(&got);
	CHECK_INT(sstep_store_user_get(st, "kate", &u), SASLSTEP_OK);
	CHECK_INT(u.locked, 1);
	/* ... another sees the store as before and cannot write meanwhile
	 * (the write lock was taken by begin). */
	CHECK(!has_cred(st2, "jill", "hotp"));
	CHECK_INT(sstep_store_user_get(st2, "kate", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_get(st2, "tara", &u), SASLSTEP_OK);
	t0 = seconds();
	if (file_store)
		CHECK_INT(sstep_store_user_add(st2, "lena"), SASLSTEP_UNAVAIL);
	else /* PostgreSQL locks the rows written, not the store */
		CHECK_INT(sstep_store_user_set_locked(st2, "tara", 1),
		    SASLSTEP_UNAVAIL);
	dt = seconds() - t0;
	CHECK(dt >= 1.5 && dt < 10);
	CHECK(contains(sstep_store_error(st2), "locked by another"));
	/* A write that fails inside undoes only itself. */
	CHECK_INT(
	    sstep_store_user_set_locked(st, "nobody", 1), SASLSTEP_NOUSER);
	set_cred(&c, "hotp", p, "key-9", 9);
	CHECK_INT(
	    sstep_store_cred_update(st, "jill", 1, &c, NULL), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_store_commit(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_commit(st), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_get(st2, "jill", "hotp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "key-1");
	CHECK_INT(got.counter, 7);
	sstep_cred_clear(&got);
	CHECK(has_cred(st2, "jill", "totp"));
	CHECK_INT(sstep_store_user_get(st2, "kate", &u), SASLSTEP_OK);
	CHECK_INT(u.locked, 1);
	CHECK_INT(sstep_store_user_get(st2, "tara", &u), SASLSTEP_NOUSER);
	/* Writes on their own commit on their own again. */
	CHECK_INT(sstep_store_user_add(st, "lena"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st2, "lena", &u), SASLSTEP_OK);

	/* Rollback: nothing of the batch is kept. */
	CHECK_INT(sstep_store_begin(st), SASLSTEP_OK);
	set_cred(&c, "hotp", p, "key-3", 0);
	CHECK_INT(sstep_store_cred_put(st, "mona", &c), SASLSTEP_OK);
	set_cred(&c, "hotp", p, "key-4", 4);
	CHECK_INT(sstep_store_cred_put(st, "jill", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_set_locked(st, "kate", 0), SASLSTEP_OK);
	sstep_store_rollback(st);
	CHECK_INT(sstep_store_user_get(st, "mona", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_cred_get(st, "jill", "hotp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "key-1");
	sstep_cred_clear(&got);
	CHECK_INT(sstep_store_user_get(st, "kate", &u), SASLSTEP_OK);
	CHECK_INT(u.locked, 1);

	/* Closing with a transaction open rolls it back. */
	CHECK_INT(sstep_store_open(path, 0, &st3), SASLSTEP_OK);
	if (st3 != NULL) {
		CHECK_INT(sstep_store_begin(st3), SASLSTEP_OK);
		CHECK_INT(sstep_store_user_add(st3, "nina"), SASLSTEP_OK);
		sstep_store_close(st3);
		st3 = NULL;
	}
	CHECK_INT(sstep_store_user_get(st2, "nina", &u), SASLSTEP_NOUSER);

	/* SQLite abandons a transaction after some errors (I/O, disk full):
	 * simulated behind the store's back, then no later write may run
	 * outside it and the commit fails, so no half batch is kept.  (A
	 * PostgreSQL connection lost inside one: tests/pgsql/test-pgsql.c.) */
	if (!file_store)
		goto read_txn;
	CHECK_INT(sstep_store_begin(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "olga"), SASLSTEP_OK);
	CHECK_INT(
	    sqlite3_exec(st->be, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	CHECK_INT(sstep_store_user_add(st, "pia"), SASLSTEP_UNAVAIL);
	CHECK(contains(sstep_store_error(st), "abandoned"));
	CHECK_INT(sstep_store_commit(st), SASLSTEP_UNAVAIL);
	CHECK_INT(sstep_store_user_get(st2, "olga", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_get(st2, "pia", &u), SASLSTEP_NOUSER);
	/* ... and the handle works normally afterwards. */
	CHECK_INT(sstep_store_begin(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_add(st, "pia"), SASLSTEP_OK);
	CHECK_INT(sstep_store_commit(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_get(st2, "pia", &u), SASLSTEP_OK);

read_txn:
	if (!file_store)
		CHECK_INT(sstep_store_user_add(st, "pia"), SASLSTEP_OK);
	/* A read-only transaction sees one state and holds nobody up. */
	CHECK_INT(sstep_store_begin_read(st), SASLSTEP_OK);
	CHECK_INT(sstep_store_begin(st), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_begin_read(st), SASLSTEP_BADPARAM);
	t0 = seconds();
	set_cred(&c, "hotp", p, "key-5", 5);
	CHECK_INT(sstep_store_cred_put(st2, "jill", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_del(st2, "pia"), SASLSTEP_OK);
	CHECK(seconds() - t0 < 1.0);
	CHECK_INT(sstep_store_cred_get(st, "jill", "hotp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "key-1");
	sstep_cred_clear(&got);
	CHECK_INT(sstep_store_user_get(st, "pia", &u), SASLSTEP_OK);
	/* Every kind of write is refused meanwhile. */
	CHECK_INT(sstep_store_user_add(st, "quinn"), SASLSTEP_BADPARAM);
	CHECK(contains(sstep_store_error(st), "read-only transaction"));
	CHECK_INT(sstep_store_user_del(st, "jill"), SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_store_user_set_locked(st, "jill", 1), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_put(st, "jill", &c), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_update(st, "jill", 1, &c, NULL),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_store_cred_del(st, "jill", "hotp"), SASLSTEP_BADPARAM);
	sstep_store_rollback(st);
	/* Over: the handle sees the present and writes again. */
	CHECK_INT(sstep_store_cred_get(st, "jill", "hotp", &got), SASLSTEP_OK);
	CHECK_MEM(got.secret, got.secret_len, "key-5");
	sstep_cred_clear(&got);
	CHECK_INT(sstep_store_user_get(st, "pia", &u), SASLSTEP_NOUSER);
	CHECK_INT(sstep_store_user_add(st, "quinn"), SASLSTEP_OK);
	sstep_store_close(st2);
}

static void
test_fake(saslstep_store_t *st, const char *path)
{
	unsigned char a[32], b[32], c[32], d[32];
	saslstep_store_t *other = NULL;

	unsigned char key[32], want[32];
	unsigned int wantlen = 0;

	/* The construction: HMAC-SHA-256(server secret, label || 0 || name)
	 * (store.c's, whatever the backend: checked on a file). */
	CHECK_INT(sstep_store_fake(st, "otp", "mallory", a), SASLSTEP_OK);
	if (file_store) {
		CHECK(raw_secret(path, key));
		CHECK(HMAC(EVP_sha256(), key, 32,
		          (const unsigned char *)"otp\0mallory", 11, want,
		          &wantlen) != NULL &&
		      wantlen == 32);
		CHECK(memcmp(a, want, 32) == 0);
	}
	CHECK_INT(sstep_store_fake(st, "otp", "mallory", b), SASLSTEP_OK);
	CHECK(memcmp(a, b, 32) == 0);
	CHECK_INT(sstep_store_fake(st, "otp", "mallorz", c), SASLSTEP_OK);
	CHECK(memcmp(a, c, 32) != 0);
	CHECK_INT(sstep_store_fake(st, "hotp", "mallory", c), SASLSTEP_OK);
	CHECK(memcmp(a, c, 32) != 0);
	/* label || 0 || name: the boundary counts. */
	CHECK_INT(sstep_store_fake(st, "ab", "c", c), SASLSTEP_OK);
	CHECK_INT(sstep_store_fake(st, "a", "bc", d), SASLSTEP_OK);
	CHECK(memcmp(c, d, 32) != 0);
	CHECK_INT(sstep_store_fake(st, "otp", "", c), SASLSTEP_OK);
	CHECK_INT(sstep_store_fake(st, "otp", NULL, c), SASLSTEP_BADPARAM);

	/* Stable across opens of the same store ... */
	CHECK_INT(sstep_store_open(path, 0, &other), SASLSTEP_OK);
	CHECK_INT(sstep_store_fake(other, "otp", "mallory", b), SASLSTEP_OK);
	CHECK(memcmp(a, b, 32) == 0);
	sstep_store_close(other);
	other = NULL;
	/* ... and different in another store (its own secret). */
	CHECK_INT(make_store(at(0, "fake2.db")), SASLSTEP_OK);
	CHECK_INT(sstep_store_open(at(0, "fake2.db"), 0, &other), SASLSTEP_OK);
	CHECK_INT(sstep_store_fake(other, "otp", "mallory", b), SASLSTEP_OK);
	CHECK(memcmp(a, b, 32) != 0);
	sstep_store_close(other);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	saslstep_store_t *st = NULL;
	const char *tmp = getenv("TMPDIR"), *uri;
	char path[PATH_MAX];

	umask(022);
	if (tmp == NULL || *tmp == '\0' || strlen(tmp) > 512)
		tmp = "/tmp";
	snprintf(base, sizeof(base), "%s/test-store.XXXXXX", tmp);
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}

	uri = getenv("SASLSTEP_TEST_STORE");
	if (uri != NULL && *uri != '\0') {
		/* An empty store elsewhere: the backend-neutral cases. */
		file_store = 0;
		snprintf(path, sizeof(path), "%s", uri);
	} else {
		test_uri();
		test_create();
		test_permissions();
		test_readonly();
		test_corrupt();
		snprintf(path, sizeof(path), "%s", at(0, "main.db"));
	}

	CHECK_INT(sstep_store_open(path, SSTEP_STORE_CREATE, &st), SASLSTEP_OK);
	if (st == NULL)
		fprintf(stderr, "%s\n", sstep_store_open_error());
	if (st != NULL) {
		CHECK(strcmp(sstep_store_error(st), "no error") == 0);
		test_users(st);
		test_creds(st);
		test_cas(st, path);
		test_race(st, path);
		test_pending(st);
		if (file_store)
			test_locked(st, path);
		test_txn(st, path);
		test_fake(st, path);
		sstep_store_close(st);
	}
	sstep_store_close(NULL);
	saslstep_store_close(NULL);

	nftw(base, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return check_done("test-store");
}

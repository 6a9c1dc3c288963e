/*
 * store.c: the backend-independent half of the credential store: URI
 * parsing, the ownership and permission checks of a store file, argument
 * checks, random values, the fake-challenge HMAC and dispatch to the
 * backend chosen by the URI.  A backend (sqlite.c, pgsql.c) only runs its
 * queries.  The file checks apply to file stores only: a PostgreSQL store
 * is guarded by the server's roles and privileges (store/pgsql-roles.sql).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "saslstep-int.h"
#include "store.h"
#include "backend.h"

#ifndef SASLSTEP_DBDIR
#define SASLSTEP_DBDIR "/var/lib/saslstep"
#endif

#define PARAMS_MAX 4096 /* bytes of a credential's params text */
#define LETTERS    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS     "0123456789"

static const struct sstep_store_backend *const backends[] = {
    &sstep_store_sqlite,
    &sstep_store_pgsql,
    NULL,
};

/* A libpq keyword=value string names a PostgreSQL store too: chiefly
 * "service=NAME" (pg_service.conf), which keeps passwords and TLS settings
 * out of PAM configuration files. */
static const char pgsql_conninfo[] = "service=";

/* sstep_store_open() has no handle to keep its reason in when it fails;
 * per thread, so that threads opening stores do not see each other's. */
static _Thread_local char open_err[SSTEP_STORE_ERR];

/* What prepare_file() did, so that a failed open can undo it. */
struct store_file {
	char *path; /* the file, directory resolved */
	char *dir;  /* the directory as given */
	int made_file;
	int made_dir;
};

const char *
sstep_store_default(void)
{
	return SASLSTEP_DBDIR "/saslstep.db";
}

int
sstep_store_seterr(saslstep_store_t *st, int code, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (st == NULL)
		return code;
	if (st->location != NULL)
		n = snprintf(
		    st->err, sizeof(st->err), "store %s: ", st->location);
	else
		n = snprintf(st->err, sizeof(st->err), "store: ");
	if (n < 0 || (size_t)n >= sizeof(st->err))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(st->err + n, sizeof(st->err) - (size_t)n, fmt, ap);
	va_end(ap);
	return code;
}

int
sstep_store_corrupt(saslstep_store_t *st, const char *what)
{
	return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
	    "%s: store is corrupt (unexpected record)", what);
}

int
sstep_store_not_found(saslstep_store_t *st, const char *what)
{
	return sstep_store_seterr(st, SASLSTEP_NOUSER, "%s: not found", what);
}

int
sstep_store_cas_lost(saslstep_store_t *st, const char *what)
{
	/* Another login (on any host) or an admin wrote first, and a
	 * one-time value is used only once. */
	return sstep_store_seterr(
	    st, SASLSTEP_BADAUTH, "%s: the credential changed meanwhile", what);
}

int
sstep_store_fill_user(saslstep_store_t *st, const char *what,
    struct sstep_user *u, const char *name, size_t len, int locked,
    int64_t created)
{
	memset(u, 0, sizeof(*u));
	if (name == NULL || !sstep_store_name_ok(name, len))
		return sstep_store_corrupt(st, what);
	memcpy(u->name, name, len);
	u->name[len] = '\0';
	u->locked = locked != 0;
	u->created = created;
	return SASLSTEP_OK;
}

int
sstep_store_fill_cred(saslstep_store_t *st, const char *what,
    struct sstep_cred *c, const char *family, size_t family_len,
    const char *params, size_t params_len, int64_t counter, int64_t version,
    int with_secret, const void *secret, size_t secret_len)
{
	int r;

	memset(c, 0, sizeof(*c));
	if (family == NULL || !sstep_store_family_ok(family, family_len) ||
	    params == NULL || memchr(params, '\0', params_len) != NULL ||
	    (with_secret && (secret_len > SSTEP_SECRET_MAX ||
	                        (secret_len > 0 && secret == NULL)))) {
		r = sstep_store_corrupt(st, what);
		goto out;
	}
	memcpy(c->family, family, family_len);
	c->family[family_len] = '\0';
	if ((c->params = sstep_memdup0(params, params_len)) == NULL) {
		r = sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
		goto out;
	}
	c->counter = counter;
	c->version = version;
	if (with_secret) {
		if ((c->secret = malloc(secret_len > 0 ? secret_len : 1)) ==
		    NULL) {
			r = sstep_store_seterr(
			    st, SASLSTEP_NOMEM, "out of memory");
			goto out;
		}
		if (secret_len > 0)
			memcpy(c->secret, secret, secret_len);
		c->secret_len = secret_len;
	}
	r = SASLSTEP_OK;
out:
	if (r != SASLSTEP_OK)
		sstep_cred_clear(c);
	return r;
}

const char *
sstep_store_error(saslstep_store_t *st)
{
	if (st == NULL)
		return "no store";
	return st->err[0] != '\0' ? st->err : "no error";
}

const char *
sstep_store_open_error(void)
{
	return open_err[0] != '\0' ? open_err : "no error";
}

/*
 * Names end up in export lines split at ':' and in log lines: refuse what
 * would break either, and keep them short enough for struct sstep_user.
 */
int
sstep_store_name_ok(const char *name, size_t len)
{
	size_t i;

	if (name == NULL || len == 0 || len > SSTEP_NAME_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch < 0x20 || ch == 0x7f || ch == ':')
			return 0;
	}
	return 1;
}

int
sstep_store_family_ok(const char *family, size_t len)
{
	size_t i;

	if (family == NULL || len == 0 || len >= SSTEP_FAMILY_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)family[i];

		if (ch == '\0' || strchr(LETTERS DIGITS "._-", ch) == NULL)
			return 0;
	}
	return 1;
}

/* A NUL-terminated argument: strnlen() bounds the look for the NUL. */
static int
name_arg_ok(const char *name)
{
	return name != NULL &&
	       sstep_store_name_ok(name, strnlen(name, SSTEP_NAME_MAX + 1));
}

static int
family_arg_ok(const char *family)
{
	return family != NULL &&
	       sstep_store_family_ok(family, strnlen(family, SSTEP_FAMILY_MAX));
}

/* The common argument check of every call: a store, a valid name and,
 * when family is not NULL, a valid family. */
static int
check_args(
    saslstep_store_t *st, const char *name, const char *family, int need_family)
{
	if (st == NULL || st->backend == NULL)
		return SASLSTEP_BADPARAM;
	if (!name_arg_ok(name))
		return sstep_store_seterr(st, SASLSTEP_BADPARAM,
		    "invalid user name (1 to %d bytes, no control character "
		    "or ':')",
		    SSTEP_NAME_MAX);
	if (need_family && !family_arg_ok(family))
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "invalid credential family");
	return SASLSTEP_OK;
}

/* Every write: refused inside a read-only transaction, which must see
 * one state of the store from begin to end. */
static int
check_write(saslstep_store_t *st)
{
	if (st->in_txn == SSTEP_TXN_READ)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "a read-only transaction is open");
	return SASLSTEP_OK;
}

/* What a credential to be written must look like. */
static int
check_cred(saslstep_store_t *st, const struct sstep_cred *c)
{
	size_t i, n;

	if (c == NULL)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "no credential");
	if (!family_arg_ok(c->family))
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "invalid credential family");
	if (c->params != NULL) {
		/* Params are one line of text (export writes them so). */
		n = strnlen(c->params, PARAMS_MAX + 1);
		if (n > PARAMS_MAX)
			return sstep_store_seterr(st, SASLSTEP_BADPARAM,
			    "credential params too long");
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)c->params[i];

			if (ch < 0x20 || ch == 0x7f)
				return sstep_store_seterr(st, SASLSTEP_BADPARAM,
				    "credential params "
				    "contain a control character");
		}
	}
	if (c->secret_len > SSTEP_SECRET_MAX ||
	    (c->secret == NULL && c->secret_len != 0))
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "invalid credential secret length");
	return SASLSTEP_OK;
}

static int
store_random(saslstep_store_t *st, unsigned char *buf, size_t n)
{
	if (n > INT_MAX || RAND_bytes(buf, (int)n) != 1)
		return sstep_store_seterr(
		    st, SASLSTEP_UNAVAIL, "no random numbers available");
	return SASLSTEP_OK;
}

/* --- the file checks (sshd StrictModes for a key file, applied here) --- */

/*
 * Who may own a store file or its directory: root, or when not running as
 * root also the current user.  Root must not trust a store a user could
 * have written: that user could then choose anyone's OTP secret.  who
 * names the file in messages; NULL for the store file itself, which the
 * message prefix names already.
 */
static int
check_owner_mode(
    saslstep_store_t *st, const char *who, const struct stat *sb, int sticky_ok)
{
	uid_t euid = geteuid();
	unsigned mode = (unsigned)sb->st_mode & 07777;

	if (sb->st_uid != 0 && (euid == 0 || sb->st_uid != euid))
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s%sowned by uid %lu, not by root%s; refusing",
		    who != NULL ? who : "", who != NULL ? " is " : "",
		    (unsigned long)sb->st_uid,
		    euid == 0 ? "" : " or the current user");
	/* A sticky directory keeps others from renaming or removing what is
	 * not theirs, so /tmp is as safe as a private directory. */
	if ((mode & 022) != 0 && !(sticky_ok && (mode & S_ISVTX) != 0))
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s%sgroup or world writable (mode %04o); refusing",
		    who != NULL ? who : "", who != NULL ? " is " : "", mode);
	return SASLSTEP_OK;
}

/* The store file, or one of SQLite's companion files next to it. */
static int
check_file(saslstep_store_t *st, const char *who, const struct stat *sb)
{
	if (S_ISLNK(sb->st_mode))
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s%sa symbolic link; refusing", who != NULL ? who : "",
		    who != NULL ? " is " : "");
	if (!S_ISREG(sb->st_mode))
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "%s%snot a regular file; refusing", who != NULL ? who : "",
		    who != NULL ? " is " : "");
	return check_owner_mode(st, who, sb, 0);
}

/*
 * The ancestors of the store's directory: whoever can write to one of them
 * without the sticky bit can rename the directory away and put their own
 * store in its place.
 */
static int
check_ancestors(saslstep_store_t *st, const char *dir)
{
	struct stat sb;
	char *buf, *p;
	int r = SASLSTEP_OK;

	if ((buf = strdup(dir)) == NULL)
		return sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
	while ((p = strrchr(buf, '/')) != NULL && buf[1] != '\0') {
		if (p == buf)
			p[1] = '\0'; /* up to "/" itself */
		else
			*p = '\0';
		if (stat(buf, &sb) != 0) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "cannot stat %s: %s", buf, strerror(errno));
			goto out;
		}
		if ((sb.st_mode & 022) != 0 && (sb.st_mode & S_ISVTX) == 0) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "directory %s is group or world writable (mode "
			    "%04o); refusing",
			    buf, (unsigned)sb.st_mode & 07777);
			goto out;
		}
	}
out:
	free(buf);
	return r;
}

/* Create the store file 0600 whatever the umask; EEXIST means another
 * process was quicker, and its file is checked like any other. */
static int
create_file(saslstep_store_t *st, struct store_file *sf)
{
	int fd;

	fd = open(
	    sf->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return SASLSTEP_OK;
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "cannot create %s: %s", sf->path, strerror(errno));
	}
	sf->made_file = 1;
	if (fchmod(fd, 0600) != 0) {
		close(fd);
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "cannot chmod %s: %s", sf->path, strerror(errno));
	}
	if (close(fd) != 0)
		return sstep_store_seterr(st, SASLSTEP_UNAVAIL,
		    "cannot create %s: %s", sf->path, strerror(errno));
	return SASLSTEP_OK;
}

/*
 * Find, check and if asked create the store file at path.  On success
 * sf->path is the file with its directory resolved (what SQLite opens).
 */
static int
prepare_file(saslstep_store_t *st, const char *path, unsigned flags,
    struct store_file *sf)
{
	static const char *const companions[] = {
	    "-wal", "-shm", "-journal", NULL};
	struct stat sb;
	const char *base, *slash;
	char *rdir = NULL, *other = NULL, who[PATH_MAX + 16];
	size_t i;
	int r = SASLSTEP_FAIL;

	if ((slash = strrchr(path, '/')) == NULL) {
		sf->dir = strdup(".");
		base = path;
	} else {
		sf->dir = slash == path
		              ? strdup("/")
		              : sstep_memdup0(path, (size_t)(slash - path));
		base = slash + 1;
	}
	if (sf->dir == NULL) {
		r = sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
		goto out;
	}
	if (*base == '\0' || strcmp(base, ".") == 0 ||
	    strcmp(base, "..") == 0) {
		r = sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "not a file name");
		goto out;
	}

	/* Only the last component is made: a missing parent is a typo more
	 * often than a wish. */
	if (stat(sf->dir, &sb) != 0) {
		if (errno != ENOENT || !(flags & SSTEP_STORE_CREATE)) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "directory %s: %s", sf->dir, strerror(errno));
			goto out;
		}
		if (mkdir(sf->dir, 0700) != 0) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "cannot create directory %s: %s", sf->dir,
			    strerror(errno));
			goto out;
		}
		sf->made_dir = 1;
	}
	if ((rdir = realpath(sf->dir, NULL)) == NULL) {
		r = sstep_store_seterr(st, SASLSTEP_UNAVAIL, "directory %s: %s",
		    sf->dir, strerror(errno));
		goto out;
	}
	if (stat(rdir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		r = sstep_store_seterr(
		    st, SASLSTEP_UNAVAIL, "%s is not a directory", rdir);
		goto out;
	}
	snprintf(who, sizeof(who), "directory %s", rdir);
	if ((r = check_owner_mode(st, who, &sb, 1)) != SASLSTEP_OK ||
	    (r = check_ancestors(st, rdir)) != SASLSTEP_OK)
		goto out;
	if (asprintf(&sf->path, "%s%s%s", rdir, rdir[1] != '\0' ? "/" : "",
	        base) == -1) {
		sf->path = NULL;
		r = sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
		goto out;
	}

	if (lstat(sf->path, &sb) != 0) {
		if (errno != ENOENT) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "cannot stat %s: %s", sf->path, strerror(errno));
			goto out;
		}
		if (!(flags & SSTEP_STORE_CREATE)) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "does not exist (create it with saslstep)");
			goto out;
		}
		if ((r = create_file(st, sf)) != SASLSTEP_OK)
			goto out;
		if (lstat(sf->path, &sb) != 0) {
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "cannot stat %s: %s", sf->path, strerror(errno));
			goto out;
		}
	}
	if ((r = check_file(st, NULL, &sb)) != SASLSTEP_OK)
		goto out;

	/*
	 * SQLite reads a -wal file it finds beside the store and applies what
	 * it holds: in a shared sticky directory someone else could have put
	 * one there.  Whatever exists must be ours like the store itself.
	 */
	for (i = 0; companions[i] != NULL; i++) {
		free(other);
		if (asprintf(&other, "%s%s", sf->path, companions[i]) == -1) {
			other = NULL;
			r = sstep_store_seterr(
			    st, SASLSTEP_NOMEM, "out of memory");
			goto out;
		}
		if (lstat(other, &sb) != 0) {
			if (errno == ENOENT)
				continue;
			r = sstep_store_seterr(st, SASLSTEP_UNAVAIL,
			    "cannot stat %s: %s", other, strerror(errno));
			goto out;
		}
		if ((r = check_file(st, other, &sb)) != SASLSTEP_OK)
			goto out;
	}
	r = SASLSTEP_OK;
out:
	free(other);
	free(rdir);
	return r;
}

/* Undo what prepare_file() made, after a failed open. */
static void
undo_file(struct store_file *sf)
{
	if (sf->made_file && sf->path != NULL)
		(void)unlink(sf->path);
	if (sf->made_dir && sf->dir != NULL)
		(void)rmdir(sf->dir);
}

/* --- URIs --- */

/*
 * "PATH", "sqlite:PATH", "file:PATH" (also "file:///PATH"),
 * "postgresql://..." or "postgres://..." (a libpq URI) and "service=NAME
 * ..." (a libpq connection string).  A scheme is letters, digits, '+',
 * '-', '.' before the first ':' (RFC 3986 s. 3.1); a relative file name
 * with a ':' in it, or starting with "service=", is written "./a:b".
 */
static int
parse_uri(saslstep_store_t *st, const char *uri,
    const struct sstep_store_backend **bep, const char **locp)
{
	const struct sstep_store_backend *be;
	const char *loc;
	size_t n, i, j;

	*bep = NULL;
	*locp = NULL;
	if (strncmp(uri, pgsql_conninfo, sizeof(pgsql_conninfo) - 1) == 0) {
		*bep = &sstep_store_pgsql;
		*locp = uri;
		return SASLSTEP_OK;
	}
	n = strspn(uri, LETTERS DIGITS "+-.");
	if (n == 0 || uri[n] != ':' || strspn(uri, LETTERS) == 0) {
		/* A plain path: the first file backend. */
		for (i = 0; backends[i] != NULL && !backends[i]->is_file; i++)
			;
		if (backends[i] == NULL)
			return sstep_store_seterr(
			    st, SASLSTEP_UNAVAIL, "no file backend built in");
		*bep = backends[i];
		*locp = uri;
		return SASLSTEP_OK;
	}
	for (i = 0; (be = backends[i]) != NULL; i++) {
		for (j = 0; be->schemes[j] != NULL; j++) {
			if (strlen(be->schemes[j]) == n &&
			    strncasecmp(uri, be->schemes[j], n) == 0)
				break;
		}
		if (be->schemes[j] != NULL)
			break;
	}
	if (be == NULL)
		return sstep_store_seterr(st, SASLSTEP_BADPARAM,
		    "unknown URI scheme \"%.*s\"", (int)n, uri);
	loc = uri + n + 1;
	if (be->is_file && strncmp(loc, "//", 2) == 0) {
		/* file:///path; file://host/path names another machine. */
		if (loc[2] != '/')
			return sstep_store_seterr(st, SASLSTEP_BADPARAM,
			    "a store URI cannot name a host");
		loc += 2;
	}
	*bep = be;
	*locp = be->is_file ? loc : uri;
	return SASLSTEP_OK;
}

/* --- open and close --- */

int
sstep_store_open(const char *uri, unsigned flags, saslstep_store_t **store)
{
	saslstep_store_t *st = NULL;
	const struct sstep_store_backend *be = NULL;
	struct store_file sf = {NULL, NULL, 0, 0};
	unsigned char fresh[SSTEP_SERVER_SECRET];
	const char *loc = NULL;
	int r = SASLSTEP_FAIL;

	open_err[0] = '\0';
	if (store == NULL || (flags & ~(unsigned)SSTEP_STORE_CREATE) != 0) {
		snprintf(open_err, sizeof(open_err), "store: bad arguments");
		return SASLSTEP_BADPARAM;
	}
	*store = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		snprintf(open_err, sizeof(open_err), "store: out of memory");
		return SASLSTEP_NOMEM;
	}
	if (uri == NULL)
		uri = sstep_store_default();
	if ((r = parse_uri(st, uri, &be, &loc)) != SASLSTEP_OK)
		goto out;
	if (be == NULL || loc == NULL) {
		r = SASLSTEP_FAIL;
		goto out;
	}
	if (be->is_file) {
		/* Messages name the file; other URIs may hold a password. */
		if (*loc == '\0' || strnlen(loc, PATH_MAX) >= PATH_MAX) {
			r = sstep_store_seterr(
			    st, SASLSTEP_BADPARAM, "invalid path");
			goto out;
		}
		if ((st->location = strdup(loc)) == NULL) {
			r = sstep_store_seterr(
			    st, SASLSTEP_NOMEM, "out of memory");
			goto out;
		}
		if ((r = prepare_file(st, loc, flags, &sf)) != SASLSTEP_OK)
			goto out;
		loc = sf.path;
	} else if ((st->location = strdup(be->name)) == NULL) {
		r = sstep_store_seterr(st, SASLSTEP_NOMEM, "out of memory");
		goto out;
	}
	/* Made whether or not the store is new: the backend keeps it only
	 * when it initialises the store. */
	if ((r = store_random(st, fresh, sizeof(fresh))) != SASLSTEP_OK)
		goto out;
	r = be->open(
	    st, loc, (flags & SSTEP_STORE_CREATE) != 0, sstep_now(), fresh);
	if (r != SASLSTEP_OK)
		goto out;
	st->backend = be;
	st->err[0] = '\0';
	*store = st;
	st = NULL; /* transferred */
	r = SASLSTEP_OK;
out:
	sstep_wipe(fresh, sizeof(fresh));
	if (st != NULL) {
		snprintf(open_err, sizeof(open_err), "%s",
		    st->err[0] != '\0' ? st->err : "store: cannot open");
		if (be != NULL)
			be->close(st);
		undo_file(&sf);
		sstep_wipe(st->secret, sizeof(st->secret));
		free(st->location);
		free(st);
	}
	free(sf.path);
	free(sf.dir);
	return r;
}

void
sstep_store_close(saslstep_store_t *st)
{
	if (st == NULL)
		return;
	sstep_store_rollback(st);
	if (st->backend != NULL)
		st->backend->close(st);
	sstep_wipe(st->secret, sizeof(st->secret));
	free(st->location);
	free(st);
}

SASLSTEP_API int
saslstep_store_open(const char *uri, saslstep_store_t **store)
{
	return sstep_store_open(uri, 0, store);
}

SASLSTEP_API void
saslstep_store_close(saslstep_store_t *store)
{
	sstep_store_close(store);
}

/* --- users --- */

int
sstep_store_user_get(
    saslstep_store_t *st, const char *name, struct sstep_user *u)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK)
		return r;
	if (u == NULL)
		return sstep_store_seterr(st, SASLSTEP_BADPARAM, "no user");
	return st->backend->user_get(st, name, u);
}

int
sstep_store_user_add(saslstep_store_t *st, const char *name)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK)
		return r;
	return st->backend->user_add(st, name, sstep_now());
}

int
sstep_store_user_del(saslstep_store_t *st, const char *name)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK)
		return r;
	return st->backend->user_del(st, name);
}

int
sstep_store_user_set_locked(saslstep_store_t *st, const char *name, int locked)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK)
		return r;
	return st->backend->user_set_locked(st, name, locked != 0);
}

int
sstep_store_user_list(saslstep_store_t *st,
    int (*fn)(const struct sstep_user *u, void *arg), void *arg)
{
	if (st == NULL || st->backend == NULL)
		return SASLSTEP_BADPARAM;
	if (fn == NULL)
		return sstep_store_seterr(st, SASLSTEP_BADPARAM, "no callback");
	return st->backend->user_list(st, fn, arg);
}

/* --- credentials --- */

int
sstep_store_cred_get(saslstep_store_t *st, const char *name, const char *family,
    struct sstep_cred *c)
{
	int r;

	if (c != NULL)
		memset(c, 0, sizeof(*c));
	if ((r = check_args(st, name, family, 1)) != SASLSTEP_OK)
		return r;
	if (c == NULL)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "no credential");
	return st->backend->cred_get(st, name, family, c);
}

int
sstep_store_cred_put(
    saslstep_store_t *st, const char *name, const struct sstep_cred *c)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK ||
	    (r = check_cred(st, c)) != SASLSTEP_OK)
		return r;
	return st->backend->cred_put(st, name, c, sstep_now());
}

int
sstep_store_cred_update(saslstep_store_t *st, const char *name,
    int64_t expect_version, const struct sstep_cred *c,
    const unsigned char *token)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK ||
	    (r = check_cred(st, c)) != SASLSTEP_OK)
		return r;
	return st->backend->cred_update(st, name, expect_version, c, token);
}

int
sstep_store_cred_del(saslstep_store_t *st, const char *name, const char *family)
{
	int r;

	if ((r = check_args(st, name, family, 1)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK)
		return r;
	return st->backend->cred_del(st, name, family);
}

int
sstep_store_cred_list(saslstep_store_t *st, const char *name,
    int (*fn)(const struct sstep_cred *c, void *arg), void *arg)
{
	int r;

	if ((r = check_args(st, name, NULL, 0)) != SASLSTEP_OK)
		return r;
	if (fn == NULL)
		return sstep_store_seterr(st, SASLSTEP_BADPARAM, "no callback");
	return st->backend->cred_list(st, name, fn, arg);
}

void
sstep_cred_clear(struct sstep_cred *c)
{
	if (c == NULL)
		return;
	free(c->params);
	sstep_freezero(c->secret, c->secret_len);
	sstep_wipe(c, sizeof(*c));
}

/* --- pending-challenge locks (RFC 2289 section 9) --- */

int
sstep_store_pending_take(saslstep_store_t *st, const char *name,
    const char *family, unsigned ttl, unsigned char token[SSTEP_PENDING_TOKEN])
{
	unsigned char fresh[SSTEP_PENDING_TOKEN];
	int64_t now;
	int r;

	if ((r = check_args(st, name, family, 1)) != SASLSTEP_OK ||
	    (r = check_write(st)) != SASLSTEP_OK)
		return r;
	if (token == NULL)
		return sstep_store_seterr(st, SASLSTEP_BADPARAM, "no token");
	now = sstep_now();
	if (now < 0 || now > INT64_MAX - (int64_t)ttl)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "lock lifetime out of range");
	if ((r = store_random(st, fresh, sizeof(fresh))) == SASLSTEP_OK &&
	    (r = st->backend->pending_take(st, name, family, now + (int64_t)ttl,
	         now, fresh)) == SASLSTEP_OK)
		memcpy(token, fresh, sizeof(fresh));
	sstep_wipe(fresh, sizeof(fresh));
	return r;
}

void
sstep_store_pending_release(saslstep_store_t *st, const char *name,
    const char *family, const unsigned char token[SSTEP_PENDING_TOKEN])
{
	/* Best effort: an unreleased lock only lives until it expires. */
	if (token == NULL || check_args(st, name, family, 1) != SASLSTEP_OK ||
	    check_write(st) != SASLSTEP_OK)
		return;
	st->backend->pending_release(st, name, family, token);
}

/* --- explicit transactions --- */

static int
begin_txn(saslstep_store_t *st, int kind)
{
	int r;

	if (st == NULL || st->backend == NULL)
		return SASLSTEP_BADPARAM;
	if (st->in_txn != SSTEP_TXN_NONE)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "a transaction is open already");
	r = st->backend->txn_begin(st, kind == SSTEP_TXN_WRITE);
	if (r == SASLSTEP_OK)
		st->in_txn = kind;
	return r;
}

int
sstep_store_begin(saslstep_store_t *st)
{
	return begin_txn(st, SSTEP_TXN_WRITE);
}

int
sstep_store_begin_read(saslstep_store_t *st)
{
	return begin_txn(st, SSTEP_TXN_READ);
}

int
sstep_store_commit(saslstep_store_t *st)
{
	if (st == NULL || st->backend == NULL)
		return SASLSTEP_BADPARAM;
	if (st->in_txn == SSTEP_TXN_NONE)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "no transaction is open");
	st->in_txn = SSTEP_TXN_NONE;
	return st->backend->txn_commit(st);
}

void
sstep_store_rollback(saslstep_store_t *st)
{
	if (st == NULL || st->backend == NULL || st->in_txn == SSTEP_TXN_NONE)
		return;
	st->in_txn = SSTEP_TXN_NONE;
	st->backend->txn_rollback(st);
}

/* --- fake challenges for unknown users --- */

int
sstep_store_fake(saslstep_store_t *st, const char *label, const char *name,
    unsigned char out[32])
{
	static const unsigned char sep = 0;
	char digest[] = "SHA256";
	const unsigned char *part[3];
	OSSL_PARAM params[2];
	EVP_MAC *mac = NULL;
	EVP_MAC_CTX *ctx = NULL;
	size_t len[3], i, outlen = 0;
	int ok, r = SASLSTEP_FAIL;

	if (st == NULL || st->backend == NULL)
		return SASLSTEP_BADPARAM;
	if (label == NULL || name == NULL || out == NULL)
		return sstep_store_seterr(
		    st, SASLSTEP_BADPARAM, "bad fake-challenge arguments");
	params[0] =
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* label || 0x00 || name: the NUL keeps ("ab","c") apart from
	 * ("a","bc"), as no label contains one. */
	part[0] = (const unsigned char *)label;
	len[0] = strlen(label);
	part[1] = &sep;
	len[1] = 1;
	part[2] = (const unsigned char *)name;
	len[2] = strlen(name);
	ok = (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) != NULL &&
	     (ctx = EVP_MAC_CTX_new(mac)) != NULL &&
	     EVP_MAC_init(ctx, st->secret, sizeof(st->secret), params) == 1;
	for (i = 0; ok && i < 3; i++)
		ok = EVP_MAC_update(ctx, part[i], len[i]) == 1;
	ok = ok && EVP_MAC_final(ctx, out, &outlen, 32) == 1 && outlen == 32;
	if (!ok) {
		sstep_wipe(out, 32);
		r = sstep_store_seterr(
		    st, SASLSTEP_FAIL, "HMAC-SHA-256 failed");
		goto out;
	}
	r = SASLSTEP_OK;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return r;
}

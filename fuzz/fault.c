/*
 * fault.c: fault injection (see fault.h for what and why).
 *
 * The C library calls are caught with the linker's --wrap: the project's
 * objects call __wrap_malloc instead of malloc, and __real_malloc is the
 * real one.  OpenSSL and SQLite live in their own shared libraries, out of
 * --wrap's reach, so their allocators are replaced through their own hooks
 * (CRYPTO_set_mem_functions, SQLITE_CONFIG_MALLOC) and SQLite's file I/O
 * through a VFS that forwards to the default one.  All of it is installed
 * by a constructor, before either library has allocated anything.
 *
 * A fault build of a shared object (the PAM module) must stay loaded once
 * loaded (-z nodelete): the hooks it installs point into it.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include "fault.h"

/* The real functions (--wrap) and their wrappers. */
void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
char *__real_realpath(const char *path, char *resolved);
int __real_open(const char *path, int flags, ...);
int __real_mkdir(const char *path, mode_t mode);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_asprintf(char **out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *__wrap_realpath(const char *path, char *resolved);
int __wrap_open(const char *path, int flags, ...);
int __wrap_mkdir(const char *path, mode_t mode);

static struct {
	int armed;
	int random;           /* else nth */
	unsigned long nth;    /* nth: the point that fails */
	unsigned rate;        /* random: 1 in rate */
	uint64_t state;       /* random: the generator */
	unsigned long points; /* passed since arming */
	unsigned long injected;
	int report_fd; /* SSTEP_FAULT_REPORT, or -1 */
} fault = {0, 0, 0, 1, 0, 0, 0, -1};

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t
next_random(void)
{
	uint64_t z = (fault.state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Write "N KIND\n" without allocating (we may be inside malloc). */
static void
report(const char *kind)
{
	char buf[64];
	unsigned long v = fault.points;
	size_t n = sizeof(buf), k;

	if (fault.report_fd < 0)
		return;
	buf[--n] = '\n';
	k = strlen(kind);
	if (k > 40)
		k = 40;
	n -= k;
	memcpy(buf + n, kind, k);
	buf[--n] = ' ';
	do {
		buf[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 && n > 0);
	(void)!write(fault.report_fd, buf + n, sizeof(buf) - n);
}

/* One fault point: 1 when this call must fail. */
static int
fail_here(const char *kind)
{
	int fail;

	if (!fault.armed)
		return 0;
	fault.points++;
	if (fault.random)
		fail = next_random() % fault.rate == 0;
	else
		fail = fault.points == fault.nth;
	if (fail) {
		fault.injected++;
		report(kind);
	}
	return fail;
}

void
fault_arm_nth(unsigned long n)
{
	fault.random = 0;
	fault.nth = n;
	fault.points = 0;
	fault.injected = 0;
	fault.armed = 1;
}

void
fault_arm_random(uint64_t seed, unsigned rate)
{
	fault.random = 1;
	fault.rate = rate == 0 ? 1 : rate;
	fault.state = seed;
	fault.points = 0;
	fault.injected = 0;
	fault.armed = 1;
}

unsigned long
fault_disarm(void)
{
	fault.armed = 0;
	return fault.injected;
}

unsigned long
fault_points(void)
{
	return fault.points;
}

unsigned long
fault_injected(void)
{
	return fault.injected;
}

/* --- the C library ------------------------------------------------------ */

void *
__wrap_malloc(size_t n)
{
	if (fail_here("malloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t m, size_t n)
{
	if (fail_here("calloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(m, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	if (fail_here("realloc")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	if (fail_here("strdup")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strdup(s);
}

char *
__wrap_strndup(const char *s, size_t n)
{
	if (fail_here("strndup")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_strndup(s, n);
}

int
__wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (fail_here("asprintf")) {
		errno = ENOMEM;
		return -1;
	}
	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}

char *
__wrap_realpath(const char *path, char *resolved)
{
	if (fail_here("realpath")) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_realpath(path, resolved);
}

int
__wrap_open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode = 0;

	if ((flags & O_CREAT) != 0) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if (fail_here("open")) {
		errno = (flags & O_CREAT) != 0 ? ENOSPC : EIO;
		return -1;
	}
	return __real_open(path, flags, mode);
}

int
__wrap_mkdir(const char *path, mode_t mode)
{
	if (fail_here("mkdir")) {
		errno = ENOSPC;
		return -1;
	}
	return __real_mkdir(path, mode);
}

/* --- OpenSSL's allocator ------------------------------------------------ */

static void *
ossl_malloc(size_t n, const char *file, int line)
{
	return fail_here("openssl-malloc") ? NULL : __real_malloc(n);
}

static void *
ossl_realloc(void *p, size_t n, const char *file, int line)
{
	return fail_here("openssl-realloc") ? NULL : __real_realloc(p, n);
}

static void
ossl_free(void *p, const char *file, int line)
{
	free(p);
}

/* --- SQLite's allocator ------------------------------------------------- */

static sqlite3_mem_methods sqlite_mem;

static void *
sq_malloc(int n)
{
	return fail_here("sqlite-malloc") ? NULL : sqlite_mem.xMalloc(n);
}

static void *
sq_realloc(void *p, int n)
{
	return fail_here("sqlite-realloc") ? NULL : sqlite_mem.xRealloc(p, n);
}

/* --- SQLite's file I/O: a VFS over the default one ---------------------- */

struct fault_file {
	sqlite3_file base; /* first: SQLite sees this */
	sqlite3_file *real;
};

static sqlite3_vfs *real_vfs;

#define REAL(f) (((struct fault_file *)(f))->real)
#define RM(f)   (REAL(f)->pMethods)

static int
ff_close(sqlite3_file *f)
{
	return RM(f)->xClose(REAL(f));
}

static int
ff_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	if (fail_here("sqlite-read"))
		return SQLITE_IOERR_READ;
	return RM(f)->xRead(REAL(f), buf, n, off);
}

static int
ff_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	/* Alternate between a full disk and a failing one. */
	if (fail_here("sqlite-write"))
		return (fault.injected & 1) != 0 ? SQLITE_FULL
		                                 : SQLITE_IOERR_WRITE;
	return RM(f)->xWrite(REAL(f), buf, n, off);
}

static int
ff_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fail_here("sqlite-truncate"))
		return SQLITE_IOERR_TRUNCATE;
	return RM(f)->xTruncate(REAL(f), size);
}

static int
ff_sync(sqlite3_file *f, int flags)
{
	if (fail_here("sqlite-sync"))
		return SQLITE_IOERR_FSYNC;
	return RM(f)->xSync(REAL(f), flags);
}

static int
ff_size(sqlite3_file *f, sqlite3_int64 *size)
{
	if (fail_here("sqlite-size"))
		return SQLITE_IOERR_FSTAT;
	return RM(f)->xFileSize(REAL(f), size);
}

static int
ff_lock(sqlite3_file *f, int level)
{
	if (fail_here("sqlite-lock"))
		return SQLITE_BUSY;
	return RM(f)->xLock(REAL(f), level);
}

static int
ff_unlock(sqlite3_file *f, int level)
{
	return RM(f)->xUnlock(REAL(f), level);
}

static int
ff_reserved(sqlite3_file *f, int *out)
{
	return RM(f)->xCheckReservedLock(REAL(f), out);
}

static int
ff_control(sqlite3_file *f, int op, void *arg)
{
	return RM(f)->xFileControl(REAL(f), op, arg);
}

static int
ff_sector(sqlite3_file *f)
{
	return RM(f)->xSectorSize(REAL(f));
}

static int
ff_device(sqlite3_file *f)
{
	return RM(f)->xDeviceCharacteristics(REAL(f));
}

static int
ff_shm_map(sqlite3_file *f, int region, int size, int extend, void volatile **p)
{
	if (fail_here("sqlite-shm-map"))
		return SQLITE_IOERR_SHMMAP;
	return RM(f)->xShmMap(REAL(f), region, size, extend, p);
}

static int
ff_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	/* Only taking a lock can meet another process. */
	if ((flags & SQLITE_SHM_LOCK) != 0 && fail_here("sqlite-shm-lock"))
		return SQLITE_BUSY;
	return RM(f)->xShmLock(REAL(f), offset, n, flags);
}

static void
ff_shm_barrier(sqlite3_file *f)
{
	RM(f)->xShmBarrier(REAL(f));
}

static int
ff_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return RM(f)->xShmUnmap(REAL(f), delete_flag);
}

static int
ff_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return RM(f)->xFetch(REAL(f), off, n, p);
}

static int
ff_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return RM(f)->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods ff_methods = {
    3,
    ff_close,
    ff_read,
    ff_write,
    ff_truncate,
    ff_sync,
    ff_size,
    ff_lock,
    ff_unlock,
    ff_reserved,
    ff_control,
    ff_sector,
    ff_device,
    ff_shm_map,
    ff_shm_lock,
    ff_shm_barrier,
    ff_shm_unmap,
    ff_fetch,
    ff_unfetch,
};

static int
fv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
    int *outflags)
{
	struct fault_file *f = (struct fault_file *)file;
	int rc;

	f->base.pMethods = NULL;
	f->real = (sqlite3_file *)(f + 1);
	if (fail_here("sqlite-open"))
		return SQLITE_CANTOPEN;
	rc = real_vfs->xOpen(real_vfs, name, f->real, flags, outflags);
	/* The forwarding methods call version 3 methods. */
	if (rc == SQLITE_OK && f->real->pMethods != NULL) {
		if (f->real->pMethods->iVersion < 3) {
			f->real->pMethods->xClose(f->real);
			return SQLITE_CANTOPEN;
		}
		f->base.pMethods = &ff_methods;
	}
	return rc;
}

static int
fv_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	return real_vfs->xDelete(real_vfs, name, sync);
}

static int
fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
fv_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static void *
fv_dlopen(sqlite3_vfs *vfs, const char *name)
{
	return real_vfs->xDlOpen(real_vfs, name);
}

static void
fv_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	real_vfs->xDlError(real_vfs, n, msg);
}

static void (*fv_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	return real_vfs->xDlSym(real_vfs, h, sym);
}

static void
fv_dlclose(sqlite3_vfs *vfs, void *h)
{
	real_vfs->xDlClose(real_vfs, h);
}

static int
fv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return real_vfs->xRandomness(real_vfs, n, out);
}

/* A busy store is waited for with sleeps: with faults they only cost time,
 * so pretend to have slept. */
static int
fv_sleep(sqlite3_vfs *vfs, int usec)
{
	return usec;
}

static int
fv_time(sqlite3_vfs *vfs, double *t)
{
	return real_vfs->xCurrentTime(real_vfs, t);
}

static int
fv_lasterror(sqlite3_vfs *vfs, int n, char *msg)
{
	return real_vfs->xGetLastError(real_vfs, n, msg);
}

static int
fv_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	return real_vfs->xCurrentTimeInt64(real_vfs, t);
}

static sqlite3_vfs fault_vfs = {
    2,    /* iVersion: no system-call overrides through us */
    0,    /* szOsFile: set at install */
    0,    /* mxPathname: set at install */
    NULL, /* pNext */
    "sstep-fault",
    NULL, /* pAppData */
    fv_open,
    fv_delete,
    fv_access,
    fv_fullpath,
    fv_dlopen,
    fv_dlerror,
    fv_dlsym,
    fv_dlclose,
    fv_randomness,
    fv_sleep,
    fv_time,
    fv_lasterror,
    fv_time64,
    NULL,
    NULL,
    NULL,
};

/* --- set-up -------------------------------------------------------------- */

/* Read SSTEP_FAULT: "nth:N" or "random:SEED:RATE". */
static void
arm_from_env(void)
{
	const char *plan = getenv("SSTEP_FAULT");
	unsigned long long seed;
	unsigned long n;
	unsigned rate;

	if (plan == NULL || *plan == '\0')
		return;
	if (sscanf(plan, "nth:%lu", &n) == 1 && n > 0)
		fault_arm_nth(n);
	else if (sscanf(plan, "random:%llu:%u", &seed, &rate) == 2 && rate > 0)
		fault_arm_random(seed, rate);
	else
		fprintf(stderr,
		    "fault: SSTEP_FAULT=%s: want nth:N or "
		    "random:SEED:RATE\n",
		    plan);
}

/*
 * OpenSSL 3.0 does not survive a failed allocation inside its one-time
 * initialisation (its default library context keeps a NULL lock and a
 * later RAND_bytes() dereferences it: found by tests/hardening/
 * fault-tier1.sh).  That is OpenSSL's to fix, and no caller can check for
 * it; so OpenSSL is initialised, and the algorithms the project uses are
 * fetched once, before any fault is armed: the faults test how our code
 * meets failures of OpenSSL's calls, not OpenSSL's start-up.
 */
static void
openssl_warm_up(void)
{
	static const char *const digests[] = {
	    "MD5", "SHA1", "SHA256", "SHA512", NULL};
	unsigned char buf[EVP_MAX_MD_SIZE];
	EVP_MD *md;
	EVP_MAC *mac;
	EVP_KDF *kdf;
	size_t i;

	(void)OPENSSL_init_crypto(OPENSSL_INIT_LOAD_CONFIG, NULL);
	(void)RAND_bytes(buf, 16);
	for (i = 0; digests[i] != NULL; i++) {
		if ((md = EVP_MD_fetch(NULL, digests[i], NULL)) != NULL)
			(void)EVP_Digest("", 0, buf, NULL, md, NULL);
		EVP_MD_free(md);
	}
	EVP_MAC_free((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)));
	EVP_KDF_free((kdf = EVP_KDF_fetch(NULL, "PBKDF2", NULL)));
}

__attribute__((constructor)) static void
fault_setup(void)
{
	static sqlite3_mem_methods mine;
	const char *path;

	if ((path = getenv("SSTEP_FAULT_REPORT")) != NULL && *path != '\0')
		fault.report_fd = __real_open(
		    path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	/* Both hooks refuse once their library has allocated: say so, as
	 * the faults would then quietly stay away from it. */
	if (CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free) != 1)
		fprintf(stderr, "fault: OpenSSL allocated already; its "
		                "allocations will not fail\n");
	openssl_warm_up();
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_mem) == SQLITE_OK) {
		mine = sqlite_mem;
		mine.xMalloc = sq_malloc;
		mine.xRealloc = sq_realloc;
		if (sqlite3_config(SQLITE_CONFIG_MALLOC, &mine) != SQLITE_OK)
			fprintf(stderr, "fault: SQLite is initialised "
			                "already; its allocations will not "
			                "fail\n");
	}
	if (sqlite3_initialize() == SQLITE_OK &&
	    (real_vfs = sqlite3_vfs_find(NULL)) != NULL) {
		fault_vfs.szOsFile =
		    (int)sizeof(struct fault_file) + real_vfs->szOsFile;
		fault_vfs.mxPathname = real_vfs->mxPathname;
		if (sqlite3_vfs_register(&fault_vfs, 1) != SQLITE_OK)
			real_vfs = NULL;
	}
	if (real_vfs == NULL)
		fprintf(stderr, "fault: no SQLite VFS; file faults are off\n");
	arm_from_env();
}

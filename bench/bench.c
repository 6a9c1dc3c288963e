/*
 * bench.c: the benchmark behind `make bench` (issue 5).  One table; every
 * ratio is measured side by side in the same run: the cases of a group are
 * run in interleaved rounds (A B C A B C ...), each ratio is taken per
 * round (so a noisy neighbour slows both sides of it alike), and the table
 * gives medians with the min..max over the rounds.
 *
 *   bench [-r ROUNDS] [-g GROUPS]   the table (GROUPS: pbkdf2,scram,oath)
 *   bench -l                        list the cases
 *   bench -1 CASE                   run CASE's operation once inside
 *                                   bench_measured() (bench/callgrind.sh
 *                                   counts its instructions alone)
 *
 * Groups:
 *   pbkdf2  PBKDF2-HMAC-SHA-256 at i=4096 and 100000: the compression floor
 *           (2*i chained one-block compressions, SHA-NI when the CPU has it
 *           and also SHA256_Transform), ours on the path the CPU gets, ours
 *           forced onto the OpenSSL-transform path, and OpenSSL's
 *           PKCS5_PBKDF2_HMAC.  Efficiency = floor / time.
 *   scram   a full SCRAM-SHA-256 exchange, i=4096, our client and server
 *           in process against a real SQLite store (tests/interop sides),
 *           against one PBKDF2 of ours, and GNU SASL's and Cyrus SASL's
 *           client + server exchanges with the same salt and iterations,
 *           their servers holding the same verifier (when built).
 *   oath    HOTP: sstep_oath_code() (oath.h's code function) per value,
 *           and per value through the server mechanism (lookahead 1000
 *           against lookahead 0, a wrong code so that every value is
 *           computed); TOTP through the server mechanism with window 1 and
 *           10 (3 and 21 values), a wrong code: the whole window.
 * Nothing here is secret: fixed passwords and keys, in a temporary store.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "bench.h"
#include "oath.h"
#include "saslstep-int.h"
#include "saslstep.h"
#include "scram.h"
#include "store.h"

#define USER       "alice"
#define PASSWORD   "correct horse battery staple"
#define SCRAM_ITER 4096
#define ROUNDS     15
#define MAXCASES   32

static const unsigned char salt[16] = "bench-salt-0123";
static const unsigned char oath_key[20] = "12345678901234567890";

/* ---------------------------------------------------------------------- */
/* Cases */

struct bcase {
	const char *name;                 /* for -1 and -l */
	const char *group;                /* pbkdf2, scram, oath */
	const char *label;                /* the table's row */
	unsigned reps;                    /* operations per sample */
	int (*op)(const struct bcase *c); /* one operation; 0 on success */
	unsigned long arg;
	double ns[ROUNDS * 4]; /* ns per operation, per round */
	int on;
};

static unsigned char sink[64];
static saslstep_store_t *store;
static const struct peer *gsasl_peer_p, *cyrus_peer_p;
static char hotp_wrong[8], totp_wrong[8];

static int
op_floor(const struct bcase *c)
{
	sstep_pbkdf2_force_generic(0);
	sstep_sha256_compress_floor(2 * c->arg, sink);
	return 0;
}

static int
op_floor_generic(const struct bcase *c)
{
	int r;

	sstep_pbkdf2_force_generic(1);
	sstep_sha256_compress_floor(2 * c->arg, sink);
	r = 0;
	sstep_pbkdf2_force_generic(0);
	return r;
}

static int
op_ours(const struct bcase *c)
{
	sstep_pbkdf2_force_generic(0);
	return sstep_pbkdf2(SSTEP_MD_SHA256, PASSWORD, strlen(PASSWORD), salt,
	           sizeof(salt), c->arg, sink, 32) != SASLSTEP_OK;
}

static int
op_ours_generic(const struct bcase *c)
{
	int r;

	sstep_pbkdf2_force_generic(1);
	r = sstep_pbkdf2(SSTEP_MD_SHA256, PASSWORD, strlen(PASSWORD), salt,
	    sizeof(salt), c->arg, sink, 32);
	sstep_pbkdf2_force_generic(0);
	return r != SASLSTEP_OK;
}

static int
op_openssl(const struct bcase *c)
{
	return PKCS5_PBKDF2_HMAC(PASSWORD, (int)strlen(PASSWORD), salt,
	           (int)sizeof(salt), (int)c->arg, EVP_sha256(), 32, sink) != 1;
}

/* One exchange of client c against server s, both made here. */
static int
exchange(const struct peer *p)
{
	struct side cl, sv;
	int r, made_c, made_s;

	memset(&cl, 0, sizeof(cl));
	memset(&sv, 0, sizeof(sv));
	if (p == NULL) {
		made_c = saslstep_side_client(
		             &cl, "SCRAM-SHA-256", USER, PASSWORD) == 0;
		made_s = saslstep_side_server(
		             &sv, store, "SCRAM-SHA-256", USER) == 0;
	} else {
		made_c = p->client(&cl, "SCRAM-SHA-256", USER, PASSWORD) == 0;
		made_s = p->server(&sv, "SCRAM-SHA-256") == 0;
	}
	r = made_c && made_s ? interop_run(&cl, &sv) : -1;
	if (r != RUN_OK)
		fprintf(stderr, "bench: %s exchange failed: %s%s\n",
		    p != NULL ? p->name : "saslstep", cl.why, sv.why);
	side_dispose(&cl);
	side_dispose(&sv);
	return r != RUN_OK;
}

static int
op_scram_ours(const struct bcase *c)
{
	(void)c;
	return exchange(NULL);
}

static int
op_scram_gsasl(const struct bcase *c)
{
	(void)c;
	return gsasl_peer_p == NULL || exchange(gsasl_peer_p);
}

static int
op_scram_cyrus(const struct bcase *c)
{
	(void)c;
	return cyrus_peer_p == NULL || exchange(cyrus_peer_p);
}

static int
op_hotp_code(const struct bcase *c)
{
	char out[SSTEP_OATH_DIGITS_MAX + 1];
	static uint64_t counter;

	(void)c;
	if (sstep_oath_code(SSTEP_OATH_SHA1, oath_key, sizeof(oath_key),
	        counter++, 6, out) != SASLSTEP_OK)
		return 1;
	sink[0] ^= (unsigned char)out[5];
	return 0;
}

/* A wrong code through the server mechanism: every candidate value of
 * the window or lookahead is computed and compared. */
static int
oath_server(const char *mech, int prop, unsigned long n, const char *code)
{
	saslstep_conn_t *conn = NULL;
	const char *out = NULL, *errstr = NULL;
	char msg[64], num[24];
	unsigned outlen = 0;
	int len, r;

	len = snprintf(msg, sizeof(msg), "%c%s%c%s", 0, USER, 0, code);
	snprintf(num, sizeof(num), "%lu", n);
	if (saslstep_server_new("bench", store, &conn) != SASLSTEP_OK)
		return 1;
	r = saslstep_setprop(conn, prop, num);
	if (r == SASLSTEP_OK)
		r = saslstep_server_start(
		    conn, mech, msg, (unsigned)len, &out, &outlen, &errstr);
	saslstep_dispose(&conn);
	if (r != SASLSTEP_BADAUTH) {
		fprintf(stderr, "bench: %s: %s, not a refusal\n", mech,
		    saslstep_errstring(r));
		return 1;
	}
	return 0;
}

static int
op_hotp_server(const struct bcase *c)
{
	return oath_server(
	    "HOTP", SASLSTEP_PROP_HOTP_LOOKAHEAD, c->arg, hotp_wrong);
}

static int
op_totp_server(const struct bcase *c)
{
	return oath_server(
	    "TOTP", SASLSTEP_PROP_TOTP_WINDOW, c->arg, totp_wrong);
}

static struct bcase cases[] = {
    {"floor-4096", "pbkdf2", "floor: 8192 compressions", 10, op_floor, 4096,
        {0}, 0},
    {"ours-4096", "pbkdf2", "ours", 10, op_ours, 4096, {0}, 0},
    {"floor-generic-4096", "pbkdf2", "floor, SHA256_Transform", 10,
        op_floor_generic, 4096, {0}, 0},
    {"generic-4096", "pbkdf2", "ours, forced OpenSSL-transform", 10,
        op_ours_generic, 4096, {0}, 0},
    {"openssl-4096", "pbkdf2", "OpenSSL PKCS5_PBKDF2_HMAC", 10, op_openssl,
        4096, {0}, 0},
    {"floor-100000", "pbkdf2", "floor: 200000 compressions", 3, op_floor,
        100000, {0}, 0},
    {"ours-100000", "pbkdf2", "ours", 3, op_ours, 100000, {0}, 0},
    {"floor-generic-100000", "pbkdf2", "floor, SHA256_Transform", 3,
        op_floor_generic, 100000, {0}, 0},
    {"generic-100000", "pbkdf2", "ours, forced OpenSSL-transform", 3,
        op_ours_generic, 100000, {0}, 0},
    {"openssl-100000", "pbkdf2", "OpenSSL PKCS5_PBKDF2_HMAC", 3, op_openssl,
        100000, {0}, 0},
    {"scram-pbkdf2", "scram", "one PBKDF2 of ours, i=4096", 5, op_ours,
        SCRAM_ITER, {0}, 0},
    {"scram-ours", "scram", "exchange: saslstep", 5, op_scram_ours, 0, {0}, 0},
    {"scram-gsasl", "scram", "exchange: GNU SASL", 5, op_scram_gsasl, 0, {0},
        0},
    {"scram-cyrus", "scram", "exchange: Cyrus SASL", 5, op_scram_cyrus, 0, {0},
        0},
    {"hotp-code", "oath", "HOTP sstep_oath_code(), one value", 2000,
        op_hotp_code, 0, {0}, 0},
    {"hotp-server-0", "oath", "HOTP server, lookahead 0 (1 value)", 10,
        op_hotp_server, 0, {0}, 0},
    {"hotp-server-1000", "oath", "HOTP server, lookahead 1000", 10,
        op_hotp_server, 1000, {0}, 0},
    {"totp-server-1", "oath", "TOTP server, window 1 (3 values)", 10,
        op_totp_server, 1, {0}, 0},
    {"totp-server-10", "oath", "TOTP server, window 10 (21 values)", 10,
        op_totp_server, 10, {0}, 0},
    {NULL, NULL, NULL, 0, NULL, 0, {0}, 0},
};

static struct bcase *
find(const char *name)
{
	struct bcase *c;

	for (c = cases; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* ---------------------------------------------------------------------- */
/* Timing */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* callgrind.sh collects inside this function only. */
__attribute__((noinline)) int bench_measured(struct bcase *c, unsigned reps);
__attribute__((noinline)) int
bench_measured(struct bcase *c, unsigned reps)
{
	unsigned i;

	for (i = 0; i < reps; i++)
		if (c->op(c) != 0)
			return 1;
	return 0;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct stat3 {
	double med, min, max;
};

static struct stat3
stats(const double *v, int n)
{
	double s[ROUNDS * 4];
	struct stat3 r;

	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	r.min = s[0];
	r.max = s[n - 1];
	r.med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return r;
}

static int rounds = ROUNDS;

/*
 * Run the enabled cases of group in rounds, interleaved operation by
 * operation (A B C A B C ...): a round's value for a case is the fastest
 * of its reps operations in that round, since a neighbour on a shared
 * machine only ever adds time; the table gives the median of those over
 * the rounds, and min..max.
 */
static int
run_group(const char *group)
{
	struct bcase *c;
	unsigned rep, maxreps = 0;
	double t0, dt;
	int r;

	for (c = cases; c->name != NULL; c++)
		if (c->on && strcmp(c->group, group) == 0) {
			if (bench_measured(c, 1) != 0) /* warm up, and check */
				c->on = 0;
			else if (c->reps > maxreps)
				maxreps = c->reps;
		}
	for (r = 0; r < rounds; r++)
		for (rep = 0; rep < maxreps; rep++)
			for (c = cases; c->name != NULL; c++) {
				if (!c->on || strcmp(c->group, group) != 0 ||
				    rep >= c->reps)
					continue;
				t0 = now_ns();
				if (bench_measured(c, 1) != 0)
					return -1;
				dt = now_ns() - t0;
				if (rep == 0 || dt < c->ns[r])
					c->ns[r] = dt;
			}
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The table */

static void
unit(double ns, char *buf, size_t n)
{
	if (ns >= 1e6)
		snprintf(buf, n, "%.2f ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, n, "%.2f us", ns / 1e3);
	else
		snprintf(buf, n, "%.0f ns", ns);
}

static void
row_time(const char *name)
{
	struct bcase *c = find(name);
	struct stat3 s;
	char a[32], b[32], d[32];

	if (c == NULL || !c->on) {
		printf("  %-50s %12s\n", c != NULL ? c->label : name,
		    "(not built)");
		return;
	}
	s = stats(c->ns, rounds);
	unit(s.med, a, sizeof(a));
	unit(s.min, b, sizeof(b));
	unit(s.max, d, sizeof(d));
	printf("  %-50s %12s   %s .. %s\n", c->label, a, b, d);
}

/*
 * A ratio per round: mul * num / den, printed with prec decimals and
 * the suffix (e.g. " %" or " x").
 */
static void
row_ratio(const char *label, const char *num, const char *den, double mul,
    int prec, const char *suffix, const char *target)
{
	struct bcase *a = find(num), *b = find(den);
	double v[ROUNDS * 4];
	struct stat3 s;
	char m[32], lo[32], hi[32];
	int r;

	if (a == NULL || b == NULL || !a->on || !b->on) {
		printf("  %-50s %12s\n", label, "(not built)");
		return;
	}
	for (r = 0; r < rounds; r++)
		v[r] = mul * a->ns[r] / b->ns[r];
	s = stats(v, rounds);
	snprintf(m, sizeof(m), "%.*f%s", prec, s.med, suffix);
	snprintf(lo, sizeof(lo), "%.*f%s", prec, s.min, suffix);
	snprintf(hi, sizeof(hi), "%.*f%s", prec, s.max, suffix);
	printf("  %-50s %12s   %s .. %s%s%s\n", label, m, lo, hi,
	    target != NULL ? "   target " : "", target != NULL ? target : "");
}

/* Per-value cost from two server cases: (a - b) / values. */
static void
row_per_value(const char *label, const char *a_name, const char *b_name,
    double values, const char *target)
{
	struct bcase *a = find(a_name), *b = find(b_name);
	double v[ROUNDS * 4];
	struct stat3 s;
	char m[32], lo[32], hi[32];
	int r;

	if (a == NULL || b == NULL || !a->on || !b->on)
		return;
	for (r = 0; r < rounds; r++)
		v[r] = (a->ns[r] - b->ns[r]) / values;
	s = stats(v, rounds);
	unit(s.med, m, sizeof(m));
	unit(s.min, lo, sizeof(lo));
	unit(s.max, hi, sizeof(hi));
	printf("  %-50s %12s   %s .. %s%s%s\n", label, m, lo, hi,
	    target != NULL ? "   target " : "", target != NULL ? target : "");
}

static void
print_pbkdf2(unsigned long i)
{
	char n[4][32];
	const char *path;

	sstep_pbkdf2_force_generic(0);
	path = sstep_pbkdf2_path(SSTEP_MD_SHA256);
	snprintf(n[0], sizeof(n[0]), "floor-%lu", i);
	snprintf(n[1], sizeof(n[1]), "ours-%lu", i);
	snprintf(n[2], sizeof(n[2]), "floor-generic-%lu", i);
	snprintf(n[3], sizeof(n[3]), "generic-%lu", i);
	printf("PBKDF2-HMAC-SHA-256, i=%lu (our path here: %s)\n", i, path);
	row_time(n[0]);
	row_time(n[1]);
	row_ratio("efficiency, ours = floor / ours", n[0], n[1], 100, 1, " %",
	    strcmp(path, "sha-ni") == 0 ? ">= 95 %" : ">= 90 %");
	if (strcmp(path, "sha-ni") == 0) {
		row_time(n[2]);
		row_time(n[3]);
		row_ratio("efficiency, OpenSSL-transform path", n[2], n[3], 100,
		    1, " %", ">= 90 %");
	}
	snprintf(n[2], sizeof(n[2]), "openssl-%lu", i);
	row_time(n[2]);
	row_ratio("efficiency, OpenSSL = floor / OpenSSL", n[0], n[2], 100, 1,
	    " %", NULL);
	row_ratio("OpenSSL / ours", n[2], n[1], 1, 2, " x", NULL);
}

static void
print_table(int want_pbkdf2, int want_scram, int want_oath)
{
	printf("%d rounds; a round's time is the fastest of its operations"
	       " (interleaved A B C A B C);\nratios are per round.\n",
	    rounds);
	printf("%-52s %12s   %s\n", "measure", "median", "min .. max");
	if (want_pbkdf2) {
		print_pbkdf2(4096);
		print_pbkdf2(100000);
	}
	if (want_scram) {
		printf("SCRAM-SHA-256 full exchange, i=%d, client + server in "
		       "process\n",
		    SCRAM_ITER);
		row_time("scram-pbkdf2");
		row_time("scram-ours");
		row_ratio("saslstep exchange / one PBKDF2", "scram-ours",
		    "scram-pbkdf2", 1, 3, " x", "<= 1.05 x");
		row_time("scram-gsasl");
		row_ratio("GNU SASL exchange / saslstep exchange",
		    "scram-gsasl", "scram-ours", 1, 1, " x", ">= 10 x");
		row_time("scram-cyrus");
		row_ratio("Cyrus SASL exchange / saslstep exchange",
		    "scram-cyrus", "scram-ours", 1, 1, " x", ">= 15 x");
	}
	if (want_oath) {
		printf("HOTP / TOTP (SHA-1, 6 digits), verify with a wrong code"
		       " (every value computed)\n");
		row_time("hotp-code");
		row_time("hotp-server-0");
		row_time("hotp-server-1000");
		row_per_value("HOTP server, per value (lookahead 1000 - 0)",
		    "hotp-server-1000", "hotp-server-0", 1000, "<= 0.25 us");
		row_time("totp-server-1");
		row_time("totp-server-10");
	}
}

/* ---------------------------------------------------------------------- */
/* Set-up: a temporary store with the SCRAM verifier and the OATH keys */

static char dir[] = "/tmp/saslstep-bench-XXXXXX";
static char dbpath[sizeof(dir) + 16];

/* A code of 6 digits that is none of the values the server will try. */
static int
wrong_code(enum sstep_oath_kind kind, char out[8])
{
	char cand[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t first, n, v;
	unsigned w;

	if (kind == SSTEP_OATH_HOTP)
		first = 0, n = 1001;
	else
		first = sstep_now() / 30 - 20, n = 80;
	for (w = 0; w < 1000000; w++) {
		snprintf(out, 8, "%06u", w);
		for (v = first; v < first + n; v++) {
			if (sstep_oath_code(SSTEP_OATH_SHA1, oath_key,
			        sizeof(oath_key), (uint64_t)v, 6,
			        cand) != SASLSTEP_OK)
				return -1;
			if (strcmp(cand, out) == 0)
				break;
		}
		if (v == first + n)
			return 0;
	}
	return -1;
}

static int
setup(char **verifier)
{
	struct sstep_scram_verifier v;
	struct sstep_oath_params p;
	struct sstep_cred cred;
	saslstep_store_t *st = NULL;
	const char *why = NULL;
	size_t len;
	int r;

	memset(&cred, 0, sizeof(cred));
	memset(&v, 0, sizeof(v));
	*verifier = NULL;
	if (mkdtemp(dir) == NULL) {
		fprintf(stderr, "bench: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	snprintf(dbpath, sizeof(dbpath), "%s/store.db", dir);
	r = sstep_store_open(dbpath, SSTEP_STORE_CREATE, &st);
	if (r == SASLSTEP_OK)
		r = sstep_scram_verifier_make(SSTEP_SCRAM_SHA256, PASSWORD,
		    strlen(PASSWORD), SCRAM_ITER, salt, sizeof(salt), &v, &why);
	if (r == SASLSTEP_OK)
		r = sstep_scram_cred_make(&v, &cred);
	if (r == SASLSTEP_OK)
		r = sstep_store_cred_put(st, USER, &cred);
	if (r == SASLSTEP_OK)
		r = sstep_scram_verifier_format(&v, verifier, &len);
	sstep_oath_params_default(SSTEP_OATH_HOTP, &p);
	if (r == SASLSTEP_OK)
		r = sstep_oath_enrol(
		    st, USER, &p, oath_key, sizeof(oath_key), &why);
	sstep_oath_params_default(SSTEP_OATH_TOTP, &p);
	if (r == SASLSTEP_OK)
		r = sstep_oath_enrol(
		    st, USER, &p, oath_key, sizeof(oath_key), &why);
	if (r != SASLSTEP_OK)
		fprintf(stderr, "bench: cannot make the store %s: %s %s\n",
		    dbpath, saslstep_errstring(r), why != NULL ? why : "");
	sstep_cred_clear(&cred);
	sstep_scram_verifier_clear(&v);
	sstep_store_close(st);
	if (r == SASLSTEP_OK &&
	    (r = saslstep_store_open(dbpath, &store)) != SASLSTEP_OK)
		fprintf(stderr, "bench: cannot open %s: %s\n", dbpath,
		    saslstep_errstring(r));
	if (r == SASLSTEP_OK &&
	    (wrong_code(SSTEP_OATH_HOTP, hotp_wrong) != 0 ||
	        wrong_code(SSTEP_OATH_TOTP, totp_wrong) != 0))
		r = SASLSTEP_FAIL;
	return r == SASLSTEP_OK ? 0 : -1;
}

static void
cleanup(void)
{
	char path[sizeof(dir) + 32];
	static const char *const files[] = {"store.db", "store.db-wal",
	    "store.db-shm", "store.db-journal", "sasldb", "sasldb.db",
	    "sasldb.lock", NULL};
	const char *const *f;

	saslstep_store_close(store);
	store = NULL;
	for (f = files; *f != NULL; f++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *f);
		(void)unlink(path);
	}
	(void)rmdir(dir);
}

int
main(int argc, char **argv)
{
	const char *groups = "pbkdf2,scram,oath", *once = NULL;
	char *verifier = NULL;
	struct bcase *c;
	int opt, rc = 1;

	while ((opt = getopt(argc, argv, "r:g:1:l")) != -1)
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			if (rounds < 1 || rounds > ROUNDS * 4)
				rounds = ROUNDS;
			break;
		case 'g':
			groups = optarg;
			break;
		case '1':
			once = optarg;
			break;
		case 'l':
			for (c = cases; c->name != NULL; c++)
				printf("%s\t%s\n", c->name, c->label);
			return 0;
		default:
			fputs("usage: bench [-r ROUNDS] [-g GROUPS] | -l | "
			      "-1 CASE\n",
			    stderr);
			return 2;
		}
	if (setup(&verifier) != 0)
		goto out;
#ifdef HAVE_BENCH_GSASL
	gsasl_peer_p = bench_gsasl_start(USER, verifier);
#endif
#ifdef HAVE_BENCH_SASL2
	cyrus_peer_p = bench_cyrus_start(dir, USER, verifier);
#endif
	for (c = cases; c->name != NULL; c++)
		c->on = strstr(groups, c->group) != NULL &&
		        (c->op != op_scram_gsasl || gsasl_peer_p != NULL) &&
		        (c->op != op_scram_cyrus || cyrus_peer_p != NULL);
	if (once != NULL) {
		if ((c = find(once)) == NULL || !c->on) {
			fprintf(stderr, "bench: no case %s here\n", once);
			goto out;
		}
		/* One untimed run first: lazy initialisation (libraries,
		 * CPU detection, plugins) is not the operation. */
		rc = c->op(c) != 0 || bench_measured(c, 1) != 0;
		goto out;
	}
	if (run_group("pbkdf2") != 0 || run_group("scram") != 0 ||
	    run_group("oath") != 0)
		goto out;
	print_table(strstr(groups, "pbkdf2") != NULL,
	    strstr(groups, "scram") != NULL, strstr(groups, "oath") != NULL);
	rc = 0;
out:
#ifdef HAVE_BENCH_GSASL
	bench_gsasl_done();
#endif
#ifdef HAVE_BENCH_SASL2
	if (cyrus_peer_p != NULL)
		bench_cyrus_done();
#endif
	sstep_free_str(verifier);
	cleanup();
	return rc;
}

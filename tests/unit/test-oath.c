/*
 * test-oath.c: HOTP (RFC 4226), TOTP (RFC 6238), recovery codes and the
 * HOTP, TOTP and RECOVERY mechanisms.  First the code function against
 * the RFC vectors (and against oathtool when $OATHTOOL names it), then the
 * params layout, then whole exchanges through the public API against a
 * real SQLite store in a temporary directory, with the clock fixed by
 * sstep_clock_set().
 */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "store.h"
#include "oath.h"
#include "recovery.h"
#include "check.h"
#include "tmpstore.h"

/* The keys of RFC 4226 appendix D and RFC 6238 appendix B (ASCII). */
static const char key20[] = "12345678901234567890";
static const char key32[] = "12345678901234567890123456789012";
static const char key64[] =
    "1234567890123456789012345678901234567890123456789012345678901234";

#define KEY(k) ((const unsigned char *)(k)), (sizeof(k) - 1)

/* ---------------------------------------------------------------------- */
/* Vectors                                                                 */
/* ---------------------------------------------------------------------- */

static void
test_hotp_vectors(void)
{
	/* RFC 4226 appendix D, counters 0..9. */
	static const char *const want[] = {"755224", "287082", "359152",
	    "969429", "338314", "254676", "287922", "162583", "399871",
	    "520489"};
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	unsigned i;

	for (i = 0; i < 10; i++) {
		CHECK_INT(
		    sstep_oath_code(SSTEP_OATH_SHA1, KEY(key20), i, 6, code),
		    SASLSTEP_OK);
		CHECK_MEM(code, strlen(code), want[i]);
	}
}

static void
test_totp_vectors(void)
{
	/* RFC 6238 appendix B: 8 digits, period 30, T0 0. */
	static const struct {
		int64_t t;
		const char *sha1, *sha256, *sha512;
	} rows[] = {
	    {59, "94287082", "46119246", "90693936"},
	    {1111111109, "07081804", "68084774", "25091201"},
	    {1111111111, "14050471", "67062674", "99943326"},
	    {1234567890, "89005924", "91819424", "93441116"},
	    {2000000000, "69279037", "90698825", "38618901"},
	    {20000000000LL, "65353130", "77737706", "47863826"},
	};
	struct sstep_oath_params p;
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t step;
	size_t i;

	sstep_oath_params_default(SSTEP_OATH_TOTP, &p);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		CHECK_INT(
		    sstep_oath_totp_step(&p, rows[i].t, &step), SASLSTEP_OK);
		CHECK_INT(step, rows[i].t / 30);
		CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA1, KEY(key20),
		              (uint64_t)step, 8, code),
		    SASLSTEP_OK);
		CHECK_MEM(code, strlen(code), rows[i].sha1);
		CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA256, KEY(key32),
		              (uint64_t)step, 8, code),
		    SASLSTEP_OK);
		CHECK_MEM(code, strlen(code), rows[i].sha256);
		CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA512, KEY(key64),
		              (uint64_t)step, 8, code),
		    SASLSTEP_OK);
		CHECK_MEM(code, strlen(code), rows[i].sha512);
	}
	/* The 6 and 7 digit codes are the low digits of the 8 digit one. */
	CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA1, KEY(key20), 1, 7, code),
	    SASLSTEP_OK);
	CHECK_MEM(code, strlen(code), "4287082");
	CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA1, KEY(key20), 1, 6, code),
	    SASLSTEP_OK);
	CHECK_MEM(code, strlen(code), "287082");
	/* Refusals. */
	CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA1, KEY(key20), 1, 5, code),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA1, KEY(key20), 1, 9, code),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_oath_code(SSTEP_OATH_SHA1, (const unsigned char *)"", 0,
	              1, 6, code),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_oath_code((enum sstep_oath_alg)9, KEY(key20), 1, 6, code),
	    SASLSTEP_BADVERS);
	CHECK_INT(strlen(code), 0);
	/* Before t0 there is no step. */
	p.t0 = 100;
	CHECK_INT(sstep_oath_totp_step(&p, 99, &step), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_oath_totp_step(&p, 130, &step), SASLSTEP_OK);
	CHECK_INT(step, 1);
}

/*
 * The same codes from oathtool (when $OATHTOOL names it), for keys,
 * counters, times, algorithms and lengths the RFCs do not cover.
 */
static void
test_oathtool(void)
{
	static const enum sstep_oath_alg algs[] = {
	    SSTEP_OATH_SHA1, SSTEP_OATH_SHA256, SSTEP_OATH_SHA512};
	const char *tool = getenv("OATHTOOL");
	char cmd[512], hex[2 * 40 + 1], line[64];
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	unsigned char key[40];
	unsigned i, j, digits, keylen;
	uint64_t counter;
	int64_t t;
	FILE *f;

	if (tool == NULL || tool[0] == '\0' || access(tool, X_OK) != 0) {
		printf("test-oath: no oathtool: cross-check skipped\n");
		return;
	}
	for (i = 0; i < 24; i++) {
		/* Deterministic but varied keys and inputs. */
		keylen = 10 + (i * 7) % 31;
		for (j = 0; j < keylen; j++)
			key[j] = (unsigned char)(i * 37 + j * 101 + 13);
		for (j = 0; j < keylen; j++)
			snprintf(hex + 2 * j, 3, "%02x", key[j]);
		digits = 6 + i % 3;
		counter = (uint64_t)i * 7919u * (i % 2 ? 1000003u : 1u);
		t = 1700000000 + (int64_t)i * 86413;
		if (i % 2 == 0)
			snprintf(cmd, sizeof(cmd),
			    "'%s' --hotp --digits=%u --counter=%llu %s", tool,
			    digits, (unsigned long long)counter, hex);
		else
			snprintf(cmd, sizeof(cmd),
			    "'%s' --totp=%s --digits=%u --now=@%lld %s", tool,
			    sstep_oath_alg_name(algs[i % 3]), digits,
			    (long long)t, hex);
		line[0] = '\0';
		CHECK((f = popen(cmd, "r")) != NULL);
		if (f == NULL)
			continue;
		if (fgets(line, sizeof(line), f) == NULL)
			line[0] = '\0';
		CHECK_INT(pclose(f), 0);
		line[strcspn(line, "\n")] = '\0';
		CHECK_INT(
		    sstep_oath_code(i % 2 == 0 ? SSTEP_OATH_SHA1 : algs[i % 3],
		        key, keylen, i % 2 == 0 ? counter : (uint64_t)(t / 30),
		        digits, code),
		    SASLSTEP_OK);
		CHECK_MEM(code, strlen(code), line);
	}
}

/* ---------------------------------------------------------------------- */
/* Params                                                                  */
/* ---------------------------------------------------------------------- */

static int
params_rc(enum sstep_oath_kind kind, const char *s)
{
	struct sstep_oath_params p;
	const char *why = NULL;
	int r;

	r = sstep_oath_params_parse(kind, s, strlen(s), &p, &why);
	CHECK(r == SASLSTEP_OK || why != NULL);
	return r;
}

static void
test_params(void)
{
	struct sstep_oath_params p;
	char out[SSTEP_OATH_PARAMS_MAX];
	const char *why = NULL, *s;

	sstep_oath_params_default(SSTEP_OATH_TOTP, &p);
	CHECK_INT(sstep_oath_params_format(&p, out), 32);
	CHECK_MEM(out, strlen(out), "alg=sha1 digits=6 period=30 t0=0");
	sstep_oath_params_default(SSTEP_OATH_HOTP, &p);
	CHECK_INT(sstep_oath_params_format(&p, out), 17);
	CHECK_MEM(out, strlen(out), "alg=sha1 digits=6");

	/* Any order, parsed back to the same. */
	s = "t0=-60 period=60 digits=8 alg=SHA512";
	CHECK_INT(
	    sstep_oath_params_parse(SSTEP_OATH_TOTP, s, strlen(s), &p, &why),
	    SASLSTEP_OK);
	CHECK_INT(p.alg, SSTEP_OATH_SHA512);
	CHECK_INT(p.digits, 8);
	CHECK_INT(p.period, 60);
	CHECK_INT(p.t0, -60);
	CHECK(sstep_oath_params_format(&p, out) > 0);
	CHECK_MEM(out, strlen(out), "alg=sha512 digits=8 period=60 t0=-60");
	CHECK_INT(
	    params_rc(SSTEP_OATH_HOTP, "alg=sha256 digits=7"), SASLSTEP_OK);

	CHECK_INT(
	    params_rc(SSTEP_OATH_HOTP, "alg=md5 digits=6"), SASLSTEP_BADVERS);
	CHECK_INT(
	    params_rc(SSTEP_OATH_HOTP, "alg=sha1 digits=5"), SASLSTEP_BADPARAM);
	CHECK_INT(
	    params_rc(SSTEP_OATH_HOTP, "alg=sha1 digits=9"), SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_HOTP, "alg=sha1"), SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_HOTP, "alg=sha1 digits=6 digits=6"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_HOTP, "alg=sha1 digits=6 period=30"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_HOTP, "alg=sha1 digits=+6"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    params_rc(SSTEP_OATH_HOTP, "alg=sha1 digits"), SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_TOTP, "alg=sha1 digits=6 period=30"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_TOTP, "alg=sha1 digits=6 period=0 t0=0"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    params_rc(SSTEP_OATH_TOTP, "alg=sha1 digits=6 period=3601 t0=0"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    params_rc(SSTEP_OATH_TOTP, "alg=sha1 digits=6 period=30 t0=1x"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(params_rc(SSTEP_OATH_TOTP,
	              "alg=sha1 digits=6 period=30 t0=99999999999999"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    params_rc(SSTEP_OATH_TOTP, "alg=sha1 digits=6 period=30 t0=0 x=1"),
	    SASLSTEP_BADPARAM);
	/* No NUL termination assumed; an embedded NUL is refused. */
	CHECK_INT(sstep_oath_params_parse(
	              SSTEP_OATH_HOTP, "alg=sha1 digits=6\0junk", 23, &p, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_oath_params_parse(
	              SSTEP_OATH_HOTP, "alg=sha1 digits=68", 17, &p, &why),
	    SASLSTEP_OK);
	CHECK_INT(p.digits, 6);
}

static void
test_recovery_forms(void)
{
	char norm[SSTEP_RECOVERY_NORM_MAX + 1];
	size_t n;

	CHECK_INT(sstep_recovery_code_norm("abcde-fgh23", 11, norm, &n), 1);
	CHECK_MEM(norm, n, "abcdefgh23");
	CHECK_INT(sstep_recovery_code_norm("ABCDEFGH23", 10, norm, &n), 1);
	CHECK_MEM(norm, n, "abcdefgh23");
	CHECK_INT(sstep_recovery_code_norm("12345678", 8, norm, &n), 1);
	CHECK_MEM(norm, n, "12345678");
	CHECK_INT(sstep_recovery_code_norm("abcd-efgh23", 11, norm, &n), 0);
	CHECK_INT(sstep_recovery_code_norm("abcdefgh18", 10, norm, &n), 0);
	CHECK_INT(sstep_recovery_code_norm("abcdefgh2", 9, norm, &n), 0);
	CHECK_INT(sstep_recovery_code_norm("1234567", 7, norm, &n), 0);
	CHECK_INT(sstep_recovery_code_norm("123456", 6, norm, &n), 0);
	CHECK_INT(sstep_recovery_code_norm("abcde\0gh23", 10, norm, &n), 0);
	CHECK_INT(n, 0);
}

/* ---------------------------------------------------------------------- */
/* Exchanges through the public API against a SQLite store                 */
/* ---------------------------------------------------------------------- */

/* The store's file, for the racing threads' own handles. */
static char dbpath[512];

/* Server properties for the next exchanges (NULL: unset). */
static const char *opt_window;
static const char *opt_lookahead;
/* The errstr of the last failed server exchange. */
static char last_err[512];

static void
enrol(saslstep_store_t *st, const char *user, enum sstep_oath_kind kind,
    enum sstep_oath_alg alg, unsigned digits, const unsigned char *key,
    size_t keylen)
{
	struct sstep_oath_params p;
	const char *why = NULL;

	sstep_oath_params_default(kind, &p);
	p.alg = alg;
	p.digits = digits;
	CHECK_INT(
	    sstep_oath_enrol(st, user, &p, key, keylen, &why), SASLSTEP_OK);
}

/* The stored counter of user's credential of family; -99 when absent. */
static long long
counter(saslstep_store_t *st, const char *user, const char *family)
{
	struct sstep_cred c;
	long long n;

	memset(&c, 0, sizeof(c));
	if (sstep_store_cred_get(st, user, family, &c) != SASLSTEP_OK)
		return -99;
	n = c.counter;
	sstep_cred_clear(&c);
	return n;
}

static void
code_at(enum sstep_oath_alg alg, const char *key, uint64_t counter_value,
    unsigned digits, char out[SSTEP_OATH_DIGITS_MAX + 1])
{
	CHECK_INT(sstep_oath_code(alg, (const unsigned char *)key, strlen(key),
	              counter_value, digits, out),
	    SASLSTEP_OK);
}

/* The TOTP step of the fixed clock (period 30, t0 0). */
static int64_t
now_step(void)
{
	return sstep_now() / 30;
}

/*
 * A server for mech given msg (len bytes) as its initial response, with
 * the opt_* properties.  Returns its code; on success checks that there is
 * no final data and that the identity is user.
 */
static int
server_msg(saslstep_store_t *st, const char *mech, const char *user,
    const char *msg, size_t len)
{
	saslstep_conn_t *srv = NULL;
	const char *out = NULL, *errstr = NULL, *who = NULL;
	unsigned outlen = 99;
	int r;

	last_err[0] = '\0';
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	if (opt_window != NULL)
		CHECK_INT(saslstep_setprop(
		              srv, SASLSTEP_PROP_TOTP_WINDOW, opt_window),
		    SASLSTEP_OK);
	if (opt_lookahead != NULL)
		CHECK_INT(saslstep_setprop(
		              srv, SASLSTEP_PROP_HOTP_LOOKAHEAD, opt_lookahead),
		    SASLSTEP_OK);
	r = saslstep_server_start(
	    srv, mech, msg, (unsigned)len, &out, &outlen, &errstr);
	if (r == SASLSTEP_OK) {
		CHECK_INT(outlen, 0);
		CHECK_INT(saslstep_getprop(srv, SASLSTEP_PROP_USERNAME, &who),
		    SASLSTEP_OK);
		CHECK(who != NULL && strcmp(who, user) == 0);
	} else if (errstr != NULL)
		snprintf(last_err, sizeof(last_err), "%s", errstr);
	saslstep_dispose(&srv);
	return r;
}

/* "\0user\0code" to the server of mech. */
static int
send_code(
    saslstep_store_t *st, const char *mech, const char *user, const char *code)
{
	char msg[512];
	size_t ulen = strlen(user), clen = strlen(code);

	msg[0] = '\0';
	memcpy(msg + 1, user, ulen);
	msg[ulen + 1] = '\0';
	memcpy(msg + ulen + 2, code, clen);
	return server_msg(st, mech, user, msg, ulen + 2 + clen);
}

/*
 * A whole exchange with the client: code as SASLSTEP_PROP_PASS; returns
 * the server's code (the client's when it failed first).
 */
static int
login(
    saslstep_store_t *st, const char *mech, const char *user, const char *code)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *need = NULL;
	const char *cout = NULL, *sout = NULL, *chosen = NULL, *errstr = NULL;
	unsigned coutlen = 0, soutlen = 0;
	int r;

	last_err[0] = '\0';
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, user), SASLSTEP_OK);
	CHECK_INT(saslstep_setprop(cli, SASLSTEP_PROP_PASS, code), SASLSTEP_OK);
	r = saslstep_client_start(cli, mech, &need, &cout, &coutlen, &chosen);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	if (r != SASLSTEP_CONTINUE)
		goto out;
	CHECK(chosen != NULL && strcmp(chosen, mech) == 0);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	if (opt_window != NULL)
		CHECK_INT(saslstep_setprop(
		              srv, SASLSTEP_PROP_TOTP_WINDOW, opt_window),
		    SASLSTEP_OK);
	r = saslstep_server_start(
	    srv, mech, cout, coutlen, &sout, &soutlen, &errstr);
	if (r != SASLSTEP_OK) {
		snprintf(last_err, sizeof(last_err), "%s",
		    errstr != NULL ? errstr : "");
		goto out;
	}
	CHECK_INT(soutlen, 0);
	CHECK_INT(
	    saslstep_client_step(cli, sout, soutlen, &need, &cout, &coutlen),
	    SASLSTEP_OK);
out:
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
	return r;
}

/* A fixed time in the middle of a 30 s step. */
#define T_FIXED 1234567905

static void
test_totp(saslstep_store_t *st)
{
	char c[SSTEP_OATH_DIGITS_MAX + 1], prev[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t t;

	sstep_clock_set(T_FIXED);
	t = now_step();
	enrol(st, "alice", SSTEP_OATH_TOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	CHECK_INT(counter(st, "alice", "totp"), -1);

	/* Right code, through the client. */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t, 6, c);
	CHECK_INT(login(st, "TOTP", "alice", c), SASLSTEP_OK);
	CHECK_INT(counter(st, "alice", "totp"), t);
	/* The same code again: refused, even though it is the current one. */
	CHECK_INT(login(st, "TOTP", "alice", c), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "already used") != NULL);
	/* A wrong code: refused, nothing moves. */
	CHECK_INT(send_code(st, "TOTP", "alice",
	              strcmp(c, "000000") == 0 ? "000001" : "000000"),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "wrong code") != NULL);
	CHECK_INT(counter(st, "alice", "totp"), t);
	/* The next step's code is within the window (a fast clock). */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 1, 6, c);
	CHECK_INT(send_code(st, "TOTP", "alice", c), SASLSTEP_OK);
	CHECK_INT(counter(st, "alice", "totp"), t + 1);
	/* Now the current step is at or before the last one accepted. */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t, 6, prev);
	CHECK_INT(send_code(st, "TOTP", "alice", prev), SASLSTEP_BADAUTH);
	/* Two steps ahead is outside the default window of 1 ... */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 2, 6, c);
	CHECK_INT(send_code(st, "TOTP", "alice", c), SASLSTEP_BADAUTH);
	CHECK_INT(counter(st, "alice", "totp"), t + 1);
	/* ... and inside a window of 2. */
	opt_window = "2";
	CHECK_INT(send_code(st, "TOTP", "alice", c), SASLSTEP_OK);
	CHECK_INT(counter(st, "alice", "totp"), t + 2);
	opt_window = NULL;
	/* The clock moves on 5 steps: a code of the old now is outside. */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 3, 6, c);
	sstep_clock_set(T_FIXED + 5 * 30);
	CHECK_INT(send_code(st, "TOTP", "alice", c), SASLSTEP_BADAUTH);
	CHECK_INT(counter(st, "alice", "totp"), t + 2);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 5, 6, c);
	CHECK_INT(send_code(st, "TOTP", "alice", c), SASLSTEP_OK);
	CHECK_INT(counter(st, "alice", "totp"), t + 5);
	/* A code of the step before now, never used: within the window. */
	enrol(st, "bob", SSTEP_OATH_TOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 4, 6, c);
	CHECK_INT(send_code(st, "TOTP", "bob", c), SASLSTEP_OK);
	CHECK_INT(counter(st, "bob", "totp"), t + 4);
	/* Window 0: only now. */
	opt_window = "0";
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 6, 6, c);
	CHECK_INT(send_code(st, "TOTP", "bob", c), SASLSTEP_BADAUTH);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 5, 6, c);
	CHECK_INT(send_code(st, "TOTP", "bob", c), SASLSTEP_OK);
	/* A window that is not a number, or too wide: BADPARAM. */
	opt_window = "x";
	CHECK_INT(send_code(st, "TOTP", "bob", c), SASLSTEP_BADPARAM);
	opt_window = "101";
	CHECK_INT(send_code(st, "TOTP", "bob", c), SASLSTEP_BADPARAM);
	opt_window = NULL;
	CHECK_INT(counter(st, "bob", "totp"), t + 5);

	/* SHA-256 and SHA-512 with 8 digits (the RFC 6238 keys). */
	sstep_clock_set(T_FIXED);
	enrol(st, "s256", SSTEP_OATH_TOTP, SSTEP_OATH_SHA256, 8, KEY(key32));
	CHECK_INT(login(st, "TOTP", "s256", "91819424"), SASLSTEP_OK);
	enrol(st, "s512", SSTEP_OATH_TOTP, SSTEP_OATH_SHA512, 8, KEY(key64));
	CHECK_INT(login(st, "TOTP", "s512", "93441116"), SASLSTEP_OK);
	CHECK_INT(login(st, "TOTP", "s512", "93441116"), SASLSTEP_BADAUTH);
	/* Six digits of an eight-digit user: well-formed, wrong. */
	CHECK_INT(send_code(st, "TOTP", "s256", "819424"), SASLSTEP_BADAUTH);
}

static void
test_hotp(saslstep_store_t *st)
{
	char c[SSTEP_OATH_DIGITS_MAX + 1];

	enrol(st, "hal", SSTEP_OATH_HOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	CHECK_INT(counter(st, "hal", "hotp"), 0);
	CHECK_INT(login(st, "HOTP", "hal", "755224"), SASLSTEP_OK);
	CHECK_INT(counter(st, "hal", "hotp"), 1);
	CHECK_INT(login(st, "HOTP", "hal", "755224"), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "already used") == NULL);
	CHECK_INT(counter(st, "hal", "hotp"), 1);
	/* Look-ahead: counter 5 from 1 (the token was pressed 4 times). */
	CHECK_INT(send_code(st, "HOTP", "hal", "254676"), SASLSTEP_OK);
	CHECK_INT(counter(st, "hal", "hotp"), 6);
	/* Earlier values are spent. */
	CHECK_INT(send_code(st, "HOTP", "hal", "338314"), SASLSTEP_BADAUTH);
	/* 6 + 11 = 17 is past the default look-ahead of 10 ... */
	code_at(SSTEP_OATH_SHA1, key20, 17, 6, c);
	CHECK_INT(send_code(st, "HOTP", "hal", c), SASLSTEP_BADAUTH);
	CHECK_INT(counter(st, "hal", "hotp"), 6);
	/* ... and within one of 11. */
	opt_lookahead = "11";
	CHECK_INT(send_code(st, "HOTP", "hal", c), SASLSTEP_OK);
	CHECK_INT(counter(st, "hal", "hotp"), 18);
	/* Look-ahead 0: only the expected value. */
	opt_lookahead = "0";
	code_at(SSTEP_OATH_SHA1, key20, 19, 6, c);
	CHECK_INT(send_code(st, "HOTP", "hal", c), SASLSTEP_BADAUTH);
	code_at(SSTEP_OATH_SHA1, key20, 18, 6, c);
	CHECK_INT(send_code(st, "HOTP", "hal", c), SASLSTEP_OK);
	opt_lookahead = "1001";
	CHECK_INT(send_code(st, "HOTP", "hal", c), SASLSTEP_BADPARAM);
	opt_lookahead = NULL;
	CHECK_INT(counter(st, "hal", "hotp"), 19);
	/* A TOTP code is no HOTP code: the families are apart. */
	CHECK_INT(send_code(st, "TOTP", "hal", "755224"), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "no credential") != NULL);
}

/* Malformed messages: BADPROT, and the counter does not move. */
static void
test_malformed(saslstep_store_t *st)
{
	/* Codes sent as "\0hal\0" CODE. */
	static const struct {
		const char *code;
		size_t len;
		const char *what;
	} codes[] = {
	    {"12a456", 6, "a letter"},
	    {"12345", 5, "5 digits"},
	    {"123456789", 9, "9 digits"},
	    {"123\000456", 7, "NUL in the code"},
	    {"123456", 7, "NUL after the code"},
	    {"123456 ", 7, "a blank after"},
	    {" 123456", 7, "a blank before"},
	    {"-12345", 6, "a sign"},
	    {"", 0, "empty code"},
	    {"abcde-fgh2", 10, "short recovery code"},
	    {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93", 9, "full-width digits"},
	};
	/* Whole messages with a broken identity part. */
	static const struct {
		const char *msg;
		size_t len;
	} msgs[] = {
	    {"\0hal", 4},               /* no code field */
	    {"hal", 3},                 /* no NUL at all */
	    {"", 0},                    /* nothing */
	    {"\0\000123456", 8},        /* empty authcid */
	    {"\0h\x01l\000123456", 12}, /* control character */
	};
	char msg[64], longmsg[SSTEP_NAME_MAX + 20];
	size_t i;
	int m, r;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		memcpy(msg, "\0hal\0", 5);
		memcpy(msg + 5, codes[i].code, codes[i].len);
		for (m = 0; m < 2; m++) {
			r = server_msg(st, m ? "TOTP" : "HOTP", "hal", msg,
			    5 + codes[i].len);
			CHECK_INT(r, SASLSTEP_BADPROT);
			if (r != SASLSTEP_BADPROT)
				fprintf(stderr, "  (%s)\n", codes[i].what);
			/* The errstr never holds the code. */
			CHECK(strstr(last_err, "123") == NULL);
		}
	}
	for (i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		CHECK_INT(
		    server_msg(st, "HOTP", "hal", msgs[i].msg, msgs[i].len),
		    SASLSTEP_BADPROT);
		CHECK_INT(
		    server_msg(st, "TOTP", "hal", msgs[i].msg, msgs[i].len),
		    SASLSTEP_BADPROT);
	}
	/* Digits are not a recovery code at the RECOVERY mechanism. */
	CHECK_INT(send_code(st, "RECOVERY", "hal", "123456"), SASLSTEP_BADPROT);
	CHECK_INT(counter(st, "hal", "hotp"), 19);
	/* A name too long for the store. */
	memset(longmsg, 'a', sizeof(longmsg));
	longmsg[0] = '\0';
	longmsg[SSTEP_NAME_MAX + 2] = '\0';
	memcpy(longmsg + SSTEP_NAME_MAX + 3, "123456", 6);
	CHECK_INT(server_msg(st, "TOTP", "x", longmsg, SSTEP_NAME_MAX + 9),
	    SASLSTEP_BADPROT);
}

/* Users who cannot log in fail at the end, the same way. */
static void
test_refused_users(saslstep_store_t *st)
{
	char c[SSTEP_OATH_DIGITS_MAX + 1];
	char msg[64];

	sstep_clock_set(T_FIXED + 3000);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)now_step(), 6, c);
	CHECK_INT(login(st, "TOTP", "nobody", c), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "unknown user") != NULL);
	CHECK_INT(login(st, "HOTP", "nobody", "755224"), SASLSTEP_BADAUTH);
	CHECK_INT(
	    login(st, "RECOVERY", "nobody", "abcde-fgh23"), SASLSTEP_BADAUTH);
	/* A known user without TOTP. */
	CHECK_INT(login(st, "TOTP", "hal", c), SASLSTEP_BADAUTH);
	/* A locked user, with the right code: refused, nothing used. */
	enrol(st, "lock", SSTEP_OATH_TOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	CHECK_INT(sstep_store_user_set_locked(st, "lock", 1), SASLSTEP_OK);
	CHECK_INT(login(st, "TOTP", "lock", c), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "locked user") != NULL);
	CHECK_INT(counter(st, "lock", "totp"), -1);
	CHECK_INT(sstep_store_user_set_locked(st, "lock", 0), SASLSTEP_OK);
	CHECK_INT(login(st, "TOTP", "lock", c), SASLSTEP_OK);
	/* An authorization identity must be the user. */
	memcpy(msg, "lock\0lock\0", 10);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)now_step() + 1, 6, c);
	memcpy(msg + 10, c, 6);
	CHECK_INT(server_msg(st, "TOTP", "lock", msg, 16), SASLSTEP_OK);
	memcpy(msg, "root\0lock\0", 10);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)now_step() - 1, 6, c);
	memcpy(msg + 10, c, 6);
	CHECK_INT(server_msg(st, "TOTP", "lock", msg, 16), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "another user") != NULL);
}

/* The client: what it asks, and what it sends. */
static void
test_client(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *need = NULL;
	const char *cout = NULL, *mech = NULL;
	unsigned coutlen = 0;
	char c[SSTEP_OATH_DIGITS_MAX + 1], typed[32];
	int r, echo;

	for (echo = 0; echo < 2; echo++) {
		CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
		CHECK_INT(
		    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "alice"),
		    SASLSTEP_OK);
		if (echo)
			CHECK_INT(
			    saslstep_setprop(cli, SASLSTEP_PROP_ECHO, "1"),
			    SASLSTEP_OK);
		r = saslstep_client_start(
		    cli, "TOTP", &need, &cout, &coutlen, &mech);
		CHECK_INT(r, SASLSTEP_INTERACT);
		CHECK(need != NULL);
		if (need == NULL) {
			saslstep_dispose(&cli);
			continue;
		}
		CHECK_INT(need[0].id,
		    echo ? SASLSTEP_CB_ECHOPROMPT : SASLSTEP_CB_NOECHOPROMPT);
		CHECK(need[0].challenge != NULL &&
		      strcmp(need[0].challenge, "TOTP code for alice") == 0);
		CHECK(need[0].prompt != NULL &&
		      strcmp(need[0].prompt, "Verification code: ") == 0);
		CHECK_INT(need[1].id, SASLSTEP_CB_LIST_END);
		/* Typed as apps show it, with a newline: blanks dropped. */
		code_at(SSTEP_OATH_SHA1, key20, (uint64_t)now_step() + 1, 6, c);
		snprintf(typed, sizeof(typed), " %.3s %s\r\n", c, c + 3);
		need[0].result = typed;
		need[0].len = (unsigned)strlen(typed);
		r = saslstep_client_start(
		    cli, "TOTP", &need, &cout, &coutlen, &mech);
		CHECK_INT(r, SASLSTEP_CONTINUE);
		CHECK(coutlen == 13 && memcmp(cout, "\0alice\0", 7) == 0 &&
		      memcmp(cout + 7, c, 6) == 0);
		if (echo == 0) {
			opt_window = "1";
			CHECK_INT(
			    server_msg(st, "TOTP", "alice", cout, coutlen),
			    SASLSTEP_OK);
			opt_window = NULL;
		}
		/* Data with the success is refused. */
		CHECK_INT(
		    saslstep_client_step(cli, "x", 1, &need, &cout, &coutlen),
		    SASLSTEP_BADPROT);
		saslstep_dispose(&cli);
	}
	/* The other two mechanisms name what they ask for. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "bob"), SASLSTEP_OK);
	CHECK_INT(saslstep_client_start(
	              cli, "RECOVERY", &need, &cout, &coutlen, &mech),
	    SASLSTEP_INTERACT);
	CHECK(need != NULL && need[0].challenge != NULL &&
	      strcmp(need[0].challenge, "Recovery code for bob") == 0 &&
	      strcmp(need[0].prompt, "Recovery code: ") == 0);
	saslstep_dispose(&cli);
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "bob"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHZID, "bob"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_PASS, "123456"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "HOTP", &need, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK(coutlen == 14 && memcmp(cout,
	                           "bob\0bob\0"
	                           "123456",
	                           14) == 0);
	saslstep_dispose(&cli);
	/* A name with a control character is not put into a prompt. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "a\nb"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "TOTP", &need, &cout, &coutlen, &mech),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
}

/* A server started without the initial response asks for it. */
static void
test_no_initial_response(saslstep_store_t *st)
{
	saslstep_conn_t *srv = NULL;
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 99;
	char msg[16], c[SSTEP_OATH_DIGITS_MAX + 1];

	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_server_start(srv, "HOTP", NULL, 0, &out, &outlen, &errstr),
	    SASLSTEP_CONTINUE);
	CHECK_INT(outlen, 0);
	code_at(SSTEP_OATH_SHA1, key20, 19, 6, c);
	memcpy(msg, "\0hal\0", 5);
	memcpy(msg + 5, c, 6);
	CHECK_INT(saslstep_server_step(srv, msg, 11, &out, &outlen, &errstr),
	    SASLSTEP_OK);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "hal", "hotp"), 20);
}

/* Recovery codes: once each, at their own mechanism or a TOTP prompt. */
static void
test_recovery(saslstep_store_t *st)
{
	char codes[3][SSTEP_RECOVERY_CODE_LEN + 1], upper[32];
	const char *why = NULL, *scratch[2] = {"12345678", "87654321"};
	size_t lens[2] = {8, 8};
	struct sstep_cred c;
	unsigned left = 0, total = 0, i;

	CHECK_INT(sstep_recovery_enrol(st, "alice", 0, codes, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_recovery_enrol(st, "alice", 3, codes, &why), SASLSTEP_OK);
	for (i = 0; i < 3; i++) {
		CHECK_INT(strlen(codes[i]), SSTEP_RECOVERY_CODE_LEN);
		CHECK_INT(codes[i][5], '-');
	}
	CHECK(strcmp(codes[0], codes[1]) != 0);
	CHECK_INT(sstep_recovery_left(st, "alice", &left, &total), SASLSTEP_OK);
	CHECK_INT(left, 3);
	CHECK_INT(total, 3);
	/* At the TOTP prompt; then used up. */
	CHECK_INT(login(st, "TOTP", "alice", codes[0]), SASLSTEP_OK);
	CHECK_INT(login(st, "TOTP", "alice", codes[0]), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "recovery") != NULL);
	CHECK(strstr(last_err, codes[0]) == NULL);
	/* At the RECOVERY mechanism, in capitals without the hyphen. */
	snprintf(upper, sizeof(upper), "%.5s%s", codes[1], codes[1] + 6);
	for (i = 0; upper[i] != '\0'; i++)
		if (upper[i] >= 'a' && upper[i] <= 'z')
			upper[i] = (char)(upper[i] - 'a' + 'A');
	CHECK_INT(login(st, "RECOVERY", "alice", upper), SASLSTEP_OK);
	CHECK_INT(login(st, "RECOVERY", "alice", codes[1]), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_recovery_left(st, "alice", &left, &total), SASLSTEP_OK);
	CHECK_INT(left, 1);
	/* The TOTP counter did not move for them. */
	CHECK_INT(counter(st, "alice", "totp"), now_step() + 1);
	/* A locked user's recovery code is refused and kept. */
	CHECK_INT(sstep_store_user_set_locked(st, "alice", 1), SASLSTEP_OK);
	CHECK_INT(login(st, "RECOVERY", "alice", codes[2]), SASLSTEP_BADAUTH);
	CHECK_INT(login(st, "TOTP", "alice", codes[2]), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_store_user_set_locked(st, "alice", 0), SASLSTEP_OK);
	CHECK_INT(login(st, "HOTP", "alice", codes[2]), SASLSTEP_BADAUTH);
	CHECK_INT(login(st, "RECOVERY", "alice", codes[2]), SASLSTEP_OK);
	CHECK_INT(sstep_recovery_left(st, "alice", &left, &total), SASLSTEP_OK);
	CHECK_INT(left, 0);
	CHECK_INT(login(st, "RECOVERY", "hal", codes[2]), SASLSTEP_BADAUTH);
	CHECK(strstr(last_err, "no recovery codes") != NULL);

	/* Scratch codes of eight digits, as an import writes them: at a
	 * six-digit TOTP prompt and at an eight-digit one. */
	CHECK_INT(
	    sstep_recovery_cred_make(scratch, lens, 2, &c, &why), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_put(st, "s256", &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_put(st, "bob", &c), SASLSTEP_OK);
	sstep_cred_clear(&c);
	CHECK_INT(login(st, "TOTP", "bob", "12345678"), SASLSTEP_OK);
	CHECK_INT(login(st, "TOTP", "bob", "12345678"), SASLSTEP_BADAUTH);
	CHECK_INT(login(st, "TOTP", "s256", "87654321"), SASLSTEP_OK);
	/* Records carried as they are (export, import): the used one stays
	 * used, the other works once more for the new user. */
	memset(&c, 0, sizeof(c));
	CHECK_INT(sstep_store_cred_get(st, "bob", "recovery", &c), SASLSTEP_OK);
	CHECK_INT(sstep_recovery_cred_parse(&c, &total, &why), SASLSTEP_OK);
	CHECK_INT(total, 2);
	{
		struct sstep_cred copy;

		CHECK_INT(sstep_recovery_cred_from_records(
		              c.secret, c.secret_len, &copy, &why),
		    SASLSTEP_OK);
		CHECK_INT(sstep_store_cred_put(st, "bob2", &copy), SASLSTEP_OK);
		sstep_cred_clear(&copy);
		CHECK_INT(sstep_recovery_cred_from_records(
		              c.secret, c.secret_len - 1, &copy, &why),
		    SASLSTEP_BADPARAM);
		CHECK_INT(
		    sstep_recovery_cred_from_records(c.secret, 0, &copy, &why),
		    SASLSTEP_BADPARAM);
	}
	c.secret_len--;
	CHECK_INT(
	    sstep_recovery_cred_parse(&c, &total, &why), SASLSTEP_BADPARAM);
	c.secret_len++;
	sstep_cred_clear(&c);
	CHECK_INT(login(st, "RECOVERY", "bob2", "12345678"), SASLSTEP_BADAUTH);
	CHECK_INT(login(st, "RECOVERY", "bob2", "87654321"), SASLSTEP_OK);
	CHECK_INT(sstep_recovery_left(st, "bob2", &left, &total), SASLSTEP_OK);
	CHECK_INT(left, 0);
	CHECK_INT(total, 2);
	scratch[0] = "1234567";
	lens[0] = 7;
	CHECK_INT(sstep_recovery_cred_make(scratch, lens, 2, &c, &why),
	    SASLSTEP_BADPARAM);
	CHECK(c.secret == NULL && c.params == NULL);
	CHECK_INT(
	    sstep_recovery_left(st, "nobody", &left, &total), SASLSTEP_NOUSER);
}

static void
test_enrol_refusals(saslstep_store_t *st)
{
	struct sstep_oath_params p;
	const char *why = NULL;

	sstep_oath_params_default(SSTEP_OATH_TOTP, &p);
	CHECK_INT(sstep_oath_enrol(st, "short", &p,
	              (const unsigned char *)"123456789", 9, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL);
	p.digits = 9;
	CHECK_INT(sstep_oath_enrol(st, "short", &p, KEY(key20), &why),
	    SASLSTEP_BADPARAM);
	p.digits = 6;
	p.alg = (enum sstep_oath_alg)7;
	CHECK_INT(sstep_oath_enrol(st, "short", &p, KEY(key20), &why),
	    SASLSTEP_BADVERS);
	CHECK_INT(counter(st, "short", "totp"), -99);
}

static void
test_resync(saslstep_store_t *st)
{
	char c1[SSTEP_OATH_DIGITS_MAX + 1], c2[SSTEP_OATH_DIGITS_MAX + 1];
	struct sstep_cred c;
	const char *why = NULL;
	int64_t drift = 0, t;

	/* HOTP: the token is 500 presses ahead. */
	enrol(st, "rh", SSTEP_OATH_HOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	code_at(SSTEP_OATH_SHA1, key20, 500, 6, c1);
	code_at(SSTEP_OATH_SHA1, key20, 501, 6, c2);
	CHECK_INT(send_code(st, "HOTP", "rh", c1), SASLSTEP_BADAUTH);
	/* Not in a row, or swapped: refused. */
	CHECK_INT(sstep_oath_resync(
	              st, "rh", SSTEP_OATH_HOTP, c2, 6, c1, 6, 0, &drift, &why),
	    SASLSTEP_BADAUTH);
	CHECK_INT(sstep_oath_resync(st, "rh", SSTEP_OATH_HOTP, c1, 6, c2, 6,
	              400, &drift, &why),
	    SASLSTEP_BADAUTH);
	CHECK_INT(sstep_oath_resync(st, "rh", SSTEP_OATH_HOTP, c1, 6, "12345",
	              5, 0, &drift, &why),
	    SASLSTEP_BADPROT);
	CHECK_INT(sstep_oath_resync(
	              st, "rh", SSTEP_OATH_HOTP, c1, 6, c2, 6, 0, &drift, &why),
	    SASLSTEP_OK);
	CHECK_INT(drift, 500);
	CHECK_INT(counter(st, "rh", "hotp"), 502);
	code_at(SSTEP_OATH_SHA1, key20, 502, 6, c1);
	CHECK_INT(send_code(st, "HOTP", "rh", c1), SASLSTEP_OK);
	CHECK_INT(sstep_oath_resync(st, "nobody", SSTEP_OATH_HOTP, c1, 6, c2, 6,
	              0, &drift, &why),
	    SASLSTEP_NOUSER);

	/* TOTP: the token's clock is 40 steps (20 minutes) fast. */
	sstep_clock_set(T_FIXED);
	t = now_step();
	enrol(st, "rt", SSTEP_OATH_TOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 39, 6, c1);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 40, 6, c2);
	CHECK_INT(send_code(st, "TOTP", "rt", c2), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_oath_resync(
	              st, "rt", SSTEP_OATH_TOTP, c1, 6, c2, 6, 0, &drift, &why),
	    SASLSTEP_OK);
	CHECK_INT(drift, 40);
	memset(&c, 0, sizeof(c));
	CHECK_INT(sstep_store_cred_get(st, "rt", "totp", &c), SASLSTEP_OK);
	CHECK(c.params != NULL &&
	      strcmp(c.params, "alg=sha1 digits=6 period=30 t0=-1200") == 0);
	CHECK_INT(c.counter, t + 40);
	sstep_cred_clear(&c);
	/* code2 is used; the token's next code, a step later, logs in. */
	CHECK_INT(send_code(st, "TOTP", "rt", c2), SASLSTEP_BADAUTH);
	sstep_clock_set(T_FIXED + 30);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 41, 6, c1);
	CHECK_INT(send_code(st, "TOTP", "rt", c1), SASLSTEP_OK);
	/* Beyond the window given: not found. */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 141, 6, c1);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 142, 6, c2);
	CHECK_INT(sstep_oath_resync(st, "rt", SSTEP_OATH_TOTP, c1, 6, c2, 6, 50,
	              &drift, &why),
	    SASLSTEP_BADAUTH);
	/* Codes before the last step accepted are never taken. */
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 40, 6, c1);
	code_at(SSTEP_OATH_SHA1, key20, (uint64_t)t + 41, 6, c2);
	CHECK_INT(sstep_oath_resync(
	              st, "rt", SSTEP_OATH_TOTP, c1, 6, c2, 6, 0, &drift, &why),
	    SASLSTEP_BADAUTH);
}

/* Two servers, each with its own store handle, race with one code. */
struct racer {
	const char *code;
	pthread_barrier_t *barrier;
	int result;
};

static void *
racer_run(void *arg)
{
	struct racer *rc = arg;
	saslstep_store_t *st = NULL;
	saslstep_conn_t *srv = NULL;
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 0;
	char msg[32];

	rc->result = SASLSTEP_FAIL;
	if (sstep_store_open(dbpath, 0, &st) != SASLSTEP_OK) {
		pthread_barrier_wait(rc->barrier);
		return NULL;
	}
	memcpy(msg, "\0racer\0", 7);
	memcpy(msg + 7, rc->code, 6);
	if (saslstep_server_new("test", st, &srv) == SASLSTEP_OK) {
		pthread_barrier_wait(rc->barrier);
		rc->result = saslstep_server_start(
		    srv, "HOTP", msg, 13, &out, &outlen, &errstr);
	} else
		pthread_barrier_wait(rc->barrier);
	saslstep_dispose(&srv);
	sstep_store_close(st);
	return NULL;
}

#define NRACERS 6
#define NRACES  8

static void
test_race(saslstep_store_t *st)
{
	pthread_t th[NRACERS];
	struct racer rc[NRACERS];
	pthread_barrier_t barrier;
	char c[SSTEP_OATH_DIGITS_MAX + 1];
	int i, race, wins, lost;

	enrol(st, "racer", SSTEP_OATH_HOTP, SSTEP_OATH_SHA1, 6, KEY(key20));
	for (race = 0; race < NRACES; race++) {
		code_at(SSTEP_OATH_SHA1, key20, (uint64_t)race, 6, c);
		CHECK_INT(pthread_barrier_init(&barrier, NULL, NRACERS), 0);
		for (i = 0; i < NRACERS; i++) {
			rc[i].code = c;
			rc[i].barrier = &barrier;
			CHECK_INT(
			    pthread_create(&th[i], NULL, racer_run, &rc[i]), 0);
		}
		wins = lost = 0;
		for (i = 0; i < NRACERS; i++) {
			pthread_join(th[i], NULL);
			wins += rc[i].result == SASLSTEP_OK;
			lost += rc[i].result == SASLSTEP_BADAUTH;
		}
		pthread_barrier_destroy(&barrier);
		/* Exactly one wins; the others lost the compare-and-swap or
		 * found the code used. */
		CHECK_INT(wins, 1);
		CHECK_INT(lost, NRACERS - 1);
		CHECK_INT(counter(st, "racer", "hotp"), race + 1);
	}
}

int
main(void)
{
	saslstep_store_t *st = NULL;

	test_hotp_vectors();
	test_totp_vectors();
	test_oathtool();
	test_params();
	test_recovery_forms();

	CHECK_INT(tmpstore_open("test-oath", &st), SASLSTEP_OK);
	if (st != NULL) {
		snprintf(
		    dbpath, sizeof(dbpath), "%s/test-oath.db", tmpstore_dir);
		test_totp(st);
		test_hotp(st);
		test_malformed(st);
		test_refused_users(st);
		test_client(st);
		test_no_initial_response(st);
		test_recovery(st);
		test_enrol_refusals(st);
		test_resync(st);
		test_race(st);
		sstep_store_close(st);
		tmpstore_remove();
	}
	sstep_clock_set(0);
	return check_done("test-oath");
}

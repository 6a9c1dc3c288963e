/*
 * oath.c: HOTP (RFC 4226) and TOTP (RFC 6238) codes, and the HOTP, TOTP
 * and RECOVERY mechanisms, which share one client and one server.
 *
 * The first half is pure functions and the credential layout (oath.h),
 * shared with the saslstep command and the tests; the second half is
 * the mechanisms.
 *
 * Credential layouts (families "hotp", "totp"; see oath.h):
 *   hotp: params "alg=sha1 digits=6", secret the key, counter the next
 *         counter value expected;
 *   totp: params "alg=sha1 digits=6 period=30 t0=0", secret the key,
 *         counter the last time step accepted, -1 for none yet.
 * Recovery codes (family "recovery") are laid out in recovery.h.
 *
 * Exchange (one message, client first; the same for HOTP, TOTP and
 * RECOVERY):
 *   C: [authzid] NUL authcid NUL code
 *   S: success with no data, or failure.
 * code is 6 to 8 ASCII digits, or a recovery code (recovery.h):
 * anything else is SASLSTEP_BADPROT.  authzid, when present, must equal
 * authcid (no proxy authorization).  A server given no initial response
 * sends an empty challenge and reads the message as the client's answer.
 *
 * Server rules:
 *  - TOTP: the codes of the time steps from now - window to now + window
 *    (SASLSTEP_PROP_TOTP_WINDOW, default 1; RFC 6238 s. 5.2) are tried,
 *    but a step at or before the last one accepted never counts, even
 *    within the window (RFC 6238 s. 5.2: a code is accepted once); the
 *    matched step becomes the last one accepted.
 *  - HOTP: the counter values from the stored one to lookahead ahead
 *    (SASLSTEP_PROP_HOTP_LOOKAHEAD, default 10; RFC 4226 s. 7.4) are
 *    tried; the next counter becomes the matched value + 1.
 *  - Both by compare-and-swap: of two logins with the same code, at most
 *    one succeeds.  Every candidate is computed and compared in constant
 *    time, so the time taken does not say which one matched.
 *  - HOTP and TOTP also take one of the user's recovery codes at their
 *    prompt (as google-authenticator takes its scratch codes), so a
 *    person without their phone gets in with the same PAM stanza; the
 *    RECOVERY mechanism takes recovery codes only.
 *  - An unknown, locked or unenrolled user sees the same exchange (the
 *    client has nothing from the server before it sends the code) and the
 *    server does the same work against a key derived from the store's
 *    secret and the name, then fails with SASLSTEP_BADAUTH.
 * Codes are compared as digit strings with sstep_secret_eq(); keys, codes
 * and HMAC outputs are wiped after use and never logged.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "saslstep-int.h"
#include "store.h"
#include "mechs.h"
#include "oath.h"
#include "recovery.h"

/* Bytes of a code the client sends, white space removed. */
#define OATH_CODE_MAX 64
/* Bytes of the fake key used for a user who cannot log in. */
#define OATH_FAKE_KEY 20

/* ---------------------------------------------------------------------- */
/* Pure functions                                                          */
/* ---------------------------------------------------------------------- */

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

static int
to_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive equality of s (n bytes) with the lower-case word w. */
static int
word_eq(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (to_lower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

int
sstep_oath_number_parse(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t n = 0;
	size_t i;

	if (len < 1 || len > 19)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > max)
		return -1;
	*v = n;
	return 0;
}

/* A signed decimal number, |value| <= max. */
static int
signed_parse(const char *s, size_t len, int64_t max, int64_t *v)
{
	uint64_t n;
	int neg = len > 0 && s[0] == '-';

	if (sstep_oath_number_parse(
	        s + neg, len - (size_t)neg, (uint64_t)max, &n) != 0)
		return -1;
	*v = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

/* 6 to 8 ASCII digits: a code (the wire format, top of this file). */
static int
is_code(const char *s, size_t len)
{
	size_t i;

	if (len < SSTEP_OATH_DIGITS_MIN || len > SSTEP_OATH_DIGITS_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static const struct {
	enum sstep_oath_alg alg;
	const char *name;
	const char *digest; /* OpenSSL's name */
} algs[] = {
    {SSTEP_OATH_SHA1, "sha1", "SHA1"},
    {SSTEP_OATH_SHA256, "sha256", "SHA256"},
    {SSTEP_OATH_SHA512, "sha512", "SHA512"},
};
#define NALGS (sizeof(algs) / sizeof(algs[0]))

const char *
sstep_oath_alg_name(enum sstep_oath_alg alg)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return "?";
}

static const char *
alg_digest(enum sstep_oath_alg alg)
{
	size_t i;

	for (i = 0; i < NALGS; i++)
		if (algs[i].alg == alg)
			return algs[i].digest;
	return NULL;
}

int
sstep_oath_alg_parse(
    const char *name, size_t len, enum sstep_oath_alg *alg, const char **why)
{
	size_t i;

	for (i = 0; i < NALGS; i++) {
		if (word_eq(name, len, algs[i].name)) {
			*alg = algs[i].alg;
			return SASLSTEP_OK;
		}
	}
	set_why(why, "unknown HOTP/TOTP algorithm (sha1, sha256 or sha512)");
	return SASLSTEP_BADVERS;
}

const char *
sstep_oath_family(enum sstep_oath_kind kind)
{
	switch (kind) {
	case SSTEP_OATH_HOTP:
		return SSTEP_OATH_FAMILY_HOTP;
	case SSTEP_OATH_TOTP:
		return SSTEP_OATH_FAMILY_TOTP;
	}
	return NULL;
}

void
sstep_oath_params_default(
    enum sstep_oath_kind kind, struct sstep_oath_params *p)
{
	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->alg = SSTEP_OATH_SHA1;
	p->digits = 6;
	if (kind == SSTEP_OATH_TOTP)
		p->period = 30; /* RFC 6238 s. 5.2 */
}

int
sstep_oath_params_check(const struct sstep_oath_params *p, const char **why)
{
	if (sstep_oath_family(p->kind) == NULL) {
		set_why(why, "neither HOTP nor TOTP");
		return SASLSTEP_BADPARAM;
	}
	if (alg_digest(p->alg) == NULL) {
		set_why(why, "unknown HOTP/TOTP algorithm");
		return SASLSTEP_BADVERS;
	}
	if (p->digits < SSTEP_OATH_DIGITS_MIN ||
	    p->digits > SSTEP_OATH_DIGITS_MAX) {
		set_why(why, "codes must have 6 to 8 digits");
		return SASLSTEP_BADPARAM;
	}
	if (p->kind == SSTEP_OATH_TOTP &&
	    (p->period < 1 || p->period > SSTEP_OATH_PERIOD_MAX)) {
		set_why(why, "the TOTP period must be 1 to 3600 seconds");
		return SASLSTEP_BADPARAM;
	}
	if (p->kind == SSTEP_OATH_TOTP &&
	    (p->t0 > SSTEP_OATH_T0_MAX || p->t0 < -SSTEP_OATH_T0_MAX)) {
		set_why(why, "TOTP t0 out of range");
		return SASLSTEP_BADPARAM;
	}
	if (p->kind == SSTEP_OATH_HOTP && (p->period != 0 || p->t0 != 0)) {
		set_why(why, "HOTP has no period or t0");
		return SASLSTEP_BADPARAM;
	}
	return SASLSTEP_OK;
}

/* The keys of the params, in the order they are written. */
enum { KEY_ALG, KEY_DIGITS, KEY_PERIOD, KEY_T0, NKEYS };
static const char *const param_keys[NKEYS] = {"alg", "digits", "period", "t0"};

/* One key=value word of the params into *p; sets bit k of *seen. */
static int
param_word(const char *w, size_t n, struct sstep_oath_params *p, unsigned *seen,
    const char **why)
{
	const char *eq = memchr(w, '=', n);
	size_t klen, vlen, k;
	uint64_t u;
	int r;

	if (eq == NULL) {
		set_why(why, "HOTP/TOTP parameters are key=value words");
		return SASLSTEP_BADPARAM;
	}
	klen = (size_t)(eq - w);
	vlen = n - klen - 1;
	for (k = 0; k < NKEYS; k++)
		if (klen == strlen(param_keys[k]) &&
		    memcmp(w, param_keys[k], klen) == 0)
			break;
	if (k == NKEYS || (p->kind == SSTEP_OATH_HOTP && k >= KEY_PERIOD)) {
		set_why(why, "unknown HOTP/TOTP parameter");
		return SASLSTEP_BADPARAM;
	}
	if (*seen & (1U << k)) {
		set_why(why, "HOTP/TOTP parameter given twice");
		return SASLSTEP_BADPARAM;
	}
	*seen |= 1U << k;
	switch (k) {
	case KEY_ALG:
		return sstep_oath_alg_parse(eq + 1, vlen, &p->alg, why);
	case KEY_DIGITS:
	case KEY_PERIOD:
		r = sstep_oath_number_parse(eq + 1, vlen, 0xffffffU, &u);
		if (r == 0 && k == KEY_DIGITS)
			p->digits = (unsigned)u;
		else if (r == 0)
			p->period = (unsigned)u;
		break;
	default:
		r = signed_parse(eq + 1, vlen, SSTEP_OATH_T0_MAX, &p->t0);
	}
	if (r != 0) {
		set_why(why, "HOTP/TOTP parameter is not a number in range");
		return SASLSTEP_BADPARAM;
	}
	return SASLSTEP_OK;
}

int
sstep_oath_params_parse(enum sstep_oath_kind kind, const char *s, size_t len,
    struct sstep_oath_params *p, const char **why)
{
	unsigned seen = 0, want;
	size_t i = 0, start;
	int r;

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	if (sstep_oath_family(kind) == NULL) {
		set_why(why, "neither HOTP nor TOTP");
		return SASLSTEP_BADPARAM;
	}
	while (i < len) {
		if (s[i] == ' ') {
			i++;
			continue;
		}
		start = i;
		while (i < len && s[i] != ' ')
			i++;
		if ((r = param_word(s + start, i - start, p, &seen, why)) !=
		    SASLSTEP_OK)
			return r;
	}
	want = kind == SSTEP_OATH_TOTP ? (1U << NKEYS) - 1
	                               : (1U << KEY_ALG) | (1U << KEY_DIGITS);
	if (seen != want) {
		set_why(why, "HOTP/TOTP parameter missing");
		return SASLSTEP_BADPARAM;
	}
	return sstep_oath_params_check(p, why);
}

int
sstep_oath_params_format(
    const struct sstep_oath_params *p, char out[SSTEP_OATH_PARAMS_MAX])
{
	int n;

	out[0] = '\0';
	if (sstep_oath_params_check(p, NULL) != SASLSTEP_OK)
		return -1;
	if (p->kind == SSTEP_OATH_TOTP)
		n = snprintf(out, SSTEP_OATH_PARAMS_MAX,
		    "alg=%s digits=%u period=%u t0=%lld",
		    sstep_oath_alg_name(p->alg), p->digits, p->period,
		    (long long)p->t0);
	else
		n = snprintf(out, SSTEP_OATH_PARAMS_MAX, "alg=%s digits=%u",
		    sstep_oath_alg_name(p->alg), p->digits);
	if (n < 0 || n >= SSTEP_OATH_PARAMS_MAX) {
		out[0] = '\0';
		return -1;
	}
	return n;
}

/*
 * The key of alg prepared for HMAC: its midstates computed once, so that
 * a window or lookahead of n values costs n times two compressions
 * instead of n full HMACs (key schedule and context set-up each time).
 * Checks what every code needs: the digits, the key length, the alg.
 * Returns SASLSTEP_OK, SASLSTEP_BADPARAM or SASLSTEP_BADVERS; k is wiped
 * by the caller with sstep_wipe().
 */
static int
oath_key(enum sstep_oath_alg alg, const unsigned char *key, size_t keylen,
    unsigned digits, struct sstep_hmac_key *k)
{
	enum sstep_md md;

	memset(k, 0, sizeof(*k));
	if (digits < SSTEP_OATH_DIGITS_MIN || digits > SSTEP_OATH_DIGITS_MAX ||
	    key == NULL || keylen < 1 || keylen > SSTEP_OATH_KEY_MAX)
		return SASLSTEP_BADPARAM;
	switch (alg) {
	case SSTEP_OATH_SHA1:
		md = SSTEP_MD_SHA1;
		break;
	case SSTEP_OATH_SHA256:
		md = SSTEP_MD_SHA256;
		break;
	case SSTEP_OATH_SHA512:
		md = SSTEP_MD_SHA512;
		break;
	default:
		return SASLSTEP_BADVERS;
	}
	return sstep_hmac_key_init(k, md, key, keylen) == SASLSTEP_OK
	           ? SASLSTEP_OK
	           : SASLSTEP_FAIL;
}

/*
 * HMAC-<alg>(key, counter as 8 bytes big-endian) (RFC 4226 s. 5.2): the
 * one place the MAC is computed, from the key's midstates (oath_key()).
 */
static int
oath_hmac(const struct sstep_hmac_key *k, uint64_t counter,
    unsigned char out[EVP_MAX_MD_SIZE], size_t *outlen)
{
	unsigned char msg[8];
	int i;

	for (i = 7; i >= 0; i--) {
		msg[i] = (unsigned char)(counter & 0xff);
		counter >>= 8;
	}
	*outlen = sstep_hmac_short(k, msg, sizeof(msg), out);
	sstep_wipe(msg, sizeof(msg));
	return *outlen >= 20 ? SASLSTEP_OK : SASLSTEP_FAIL;
}

/* The code of counter under the prepared key k (oath_key() checked
 * digits); out is wiped on failure. */
static int
oath_code_k(const struct sstep_hmac_key *k, uint64_t counter, unsigned digits,
    char out[SSTEP_OATH_DIGITS_MAX + 1])
{
	static const uint32_t mod[] = {1000000, 10000000, 100000000};
	unsigned char mac[EVP_MAX_MD_SIZE];
	size_t maclen = 0, off;
	uint32_t bin;
	unsigned i;
	int r;

	memset(out, 0, SSTEP_OATH_DIGITS_MAX + 1);
	if ((r = oath_hmac(k, counter, mac, &maclen)) != SASLSTEP_OK)
		goto out;
	/* RFC 4226 s. 5.3 dynamic truncation; RFC 6238 s. 1.2 and its
	 * reference code take the offset from the last byte of the longer
	 * digests too. */
	off = mac[maclen - 1] & 0x0f;
	bin = ((uint32_t)(mac[off] & 0x7f) << 24) |
	      ((uint32_t)mac[off + 1] << 16) | ((uint32_t)mac[off + 2] << 8) |
	      (uint32_t)mac[off + 3];
	bin %= mod[digits - SSTEP_OATH_DIGITS_MIN];
	for (i = digits; i > 0; i--) {
		out[i - 1] = (char)('0' + bin % 10);
		bin /= 10;
	}
	out[digits] = '\0';
	r = SASLSTEP_OK;
out:
	sstep_wipe(mac, sizeof(mac));
	return r;
}

int
sstep_oath_code(enum sstep_oath_alg alg, const unsigned char *key,
    size_t keylen, uint64_t counter, unsigned digits,
    char out[SSTEP_OATH_DIGITS_MAX + 1])
{
	struct sstep_hmac_key k;
	int r;

	memset(out, 0, SSTEP_OATH_DIGITS_MAX + 1);
	if ((r = oath_key(alg, key, keylen, digits, &k)) == SASLSTEP_OK)
		r = oath_code_k(&k, counter, digits, out);
	sstep_wipe(&k, sizeof(k));
	return r;
}

int
sstep_oath_totp_step(
    const struct sstep_oath_params *p, int64_t now, int64_t *step)
{
	*step = 0;
	if (p->kind != SSTEP_OATH_TOTP || p->period < 1 || now < p->t0 ||
	    p->t0 < -SSTEP_OATH_T0_MAX)
		return SASLSTEP_BADPARAM;
	/* RFC 6238 s. 4.2: T = floor((now - T0) / X). */
	*step = (now - p->t0) / (int64_t)p->period;
	return SASLSTEP_OK;
}

int
sstep_oath_cred_make(const struct sstep_oath_params *p,
    const unsigned char *key, size_t keylen, int64_t counter,
    struct sstep_cred *c, const char **why)
{
	char params[SSTEP_OATH_PARAMS_MAX];
	int r;

	memset(c, 0, sizeof(*c));
	if ((r = sstep_oath_params_check(p, why)) != SASLSTEP_OK)
		return r;
	if (key == NULL || keylen < SSTEP_OATH_KEY_MIN ||
	    keylen > SSTEP_OATH_KEY_MAX) {
		set_why(why, "the key must be 10 to 128 bytes");
		return SASLSTEP_BADPARAM;
	}
	if (counter < (p->kind == SSTEP_OATH_TOTP ? -1 : 0)) {
		set_why(why, "negative HOTP counter or TOTP step");
		return SASLSTEP_BADPARAM;
	}
	if (sstep_oath_params_format(p, params) < 0) {
		set_why(why, "HOTP/TOTP parameters too long");
		return SASLSTEP_BADPARAM;
	}
	strncpy(c->family, sstep_oath_family(p->kind), sizeof(c->family) - 1);
	c->counter = counter;
	if ((c->params = strdup(params)) == NULL ||
	    (c->secret = malloc(keylen)) == NULL) {
		sstep_cred_clear(c);
		return SASLSTEP_NOMEM;
	}
	memcpy(c->secret, key, keylen);
	c->secret_len = keylen;
	return SASLSTEP_OK;
}

int
sstep_oath_cred_parse(enum sstep_oath_kind kind, const struct sstep_cred *c,
    struct sstep_oath_params *p, const char **why)
{
	int r;

	if (c->params == NULL) {
		set_why(why, "no HOTP/TOTP parameters");
		return SASLSTEP_BADPARAM;
	}
	if ((r = sstep_oath_params_parse(kind, c->params,
	         strnlen(c->params, SSTEP_OATH_PARAMS_MAX), p, why)) !=
	    SASLSTEP_OK)
		return SASLSTEP_BADPARAM;
	if (c->secret == NULL || c->secret_len < SSTEP_OATH_KEY_MIN ||
	    c->secret_len > SSTEP_OATH_KEY_MAX) {
		set_why(why, "HOTP/TOTP key of a bad length");
		return SASLSTEP_BADPARAM;
	}
	if (c->counter < (kind == SSTEP_OATH_TOTP ? -1 : 0)) {
		set_why(why, "negative HOTP counter or TOTP step");
		return SASLSTEP_BADPARAM;
	}
	return SASLSTEP_OK;
}

int
sstep_oath_enrol(saslstep_store_t *st, const char *user,
    const struct sstep_oath_params *p, const unsigned char *key, size_t keylen,
    const char **why)
{
	struct sstep_cred c;
	int r;

	r = sstep_oath_cred_make(
	    p, key, keylen, p->kind == SSTEP_OATH_TOTP ? -1 : 0, &c, why);
	if (r != SASLSTEP_OK)
		return r;
	r = sstep_store_cred_put(st, user, &c);
	sstep_cred_clear(&c);
	return r;
}

/*
 * Compare code (p->digits digits) with the codes of the counter values
 * first .. first + n - 1 (negative ones are skipped).  *matched is the
 * lowest value at or above min_ok whose code it is, -1 for none; *used
 * is 1 when it is the code of a value below min_ok (a replay, for the
 * log).  Every candidate is computed and compared in constant time.
 */
static int
oath_match(const struct sstep_oath_params *p, const unsigned char *key,
    size_t keylen, int64_t first, unsigned n, int64_t min_ok, const char *code,
    int64_t *matched, int *used)
{
	char cand[SSTEP_OATH_DIGITS_MAX + 1];
	struct sstep_hmac_key k;
	int64_t v;
	unsigned i;
	int eq, r = SASLSTEP_OK;

	memset(cand, 0, sizeof(cand));
	*matched = -1;
	*used = 0;
	/* The key's midstates once for the whole window. */
	if ((r = oath_key(p->alg, key, keylen, p->digits, &k)) != SASLSTEP_OK)
		goto out;
	for (i = 0; i < n; i++) {
		v = first + (int64_t)i;
		if (v < 0)
			continue;
		if ((r = oath_code_k(&k, (uint64_t)v, p->digits, cand)) !=
		    SASLSTEP_OK)
			break;
		eq = sstep_secret_eq(cand, code, p->digits);
		if (eq && v >= min_ok && *matched < 0)
			*matched = v;
		else if (eq && v < min_ok)
			*used = 1;
	}
out:
	sstep_wipe(&k, sizeof(k));
	sstep_wipe(cand, sizeof(cand));
	return r;
}

/* Read a code of p->digits digits for resynchronisation. */
static int
resync_code(const struct sstep_oath_params *p, const char *code, size_t len,
    const char **why)
{
	if (!is_code(code, len) || len != p->digits) {
		set_why(why, "codes must have as many digits as the token's");
		return SASLSTEP_BADPROT;
	}
	return SASLSTEP_OK;
}

int
sstep_oath_resync(saslstep_store_t *st, const char *user,
    enum sstep_oath_kind kind, const char *code1, size_t len1,
    const char *code2, size_t len2, unsigned wide, int64_t *drift,
    const char **why)
{
	struct sstep_oath_params p;
	struct sstep_cred c, next;
	char cur[SSTEP_OATH_DIGITS_MAX + 1];
	char params[SSTEP_OATH_PARAMS_MAX];
	int64_t first, last, v, now_step = 0, found = -1;
	int prev_eq = 0, eq1, r;

	memset(&c, 0, sizeof(c));
	memset(cur, 0, sizeof(cur));
	if (drift != NULL)
		*drift = 0;
	if (sstep_oath_family(kind) == NULL || wide > SSTEP_OATH_RESYNC_MAX) {
		set_why(why, "bad resynchronisation parameters");
		return SASLSTEP_BADPARAM;
	}
	r = sstep_store_cred_get(st, user, sstep_oath_family(kind), &c);
	if (r == SASLSTEP_NOUSER)
		set_why(why, kind == SSTEP_OATH_TOTP ? "no TOTP credential"
		                                     : "no HOTP credential");
	else if (r != SASLSTEP_OK)
		set_why(why, sstep_store_error(st));
	if (r != SASLSTEP_OK)
		goto out;
	if ((r = sstep_oath_cred_parse(kind, &c, &p, why)) != SASLSTEP_OK ||
	    (r = resync_code(&p, code1, len1, why)) != SASLSTEP_OK ||
	    (r = resync_code(&p, code2, len2, why)) != SASLSTEP_OK)
		goto out;
	if (kind == SSTEP_OATH_HOTP) {
		/* RFC 4226 s. 7.4: only ahead of the counter. */
		if (wide == 0)
			wide = SSTEP_OATH_RESYNC_HOTP_DEFAULT;
		first = c.counter;
		last = c.counter + (int64_t)wide - 1;
	} else {
		/* RFC 6238 s. 6: either side of now, but after the last
		 * step accepted (a used code stays used). */
		if (wide == 0)
			wide = SSTEP_OATH_RESYNC_TOTP_SECONDS / p.period;
		if ((r = sstep_oath_totp_step(&p, sstep_now(), &now_step)) !=
		    SASLSTEP_OK) {
			set_why(why, "the clock is before the TOTP t0");
			goto out;
		}
		first = now_step - (int64_t)wide;
		if (first <= c.counter)
			first = c.counter + 1;
		if (first < 0)
			first = 0;
		last = now_step + (int64_t)wide;
	}
	/* v is where code2 is compared; prev_eq says code1 matched v - 1. */
	for (v = first; v <= last + 1 && found < 0; v++) {
		if ((r = sstep_oath_code(p.alg, c.secret, c.secret_len,
		         (uint64_t)v, p.digits, cur)) != SASLSTEP_OK) {
			set_why(why, "the HMAC failed");
			goto out;
		}
		if (prev_eq && sstep_secret_eq(cur, code2, p.digits))
			found = v - 1;
		eq1 = v <= last && sstep_secret_eq(cur, code1, p.digits);
		prev_eq = eq1;
	}
	if (found < 0) {
		set_why(why, "the two codes were not found in a row within "
		             "the resynchronisation window");
		r = SASLSTEP_BADAUTH;
		goto out;
	}
	next = c;
	if (kind == SSTEP_OATH_HOTP) {
		next.counter = found + 2;
		if (drift != NULL)
			*drift = found - c.counter;
	} else {
		/* From now on the server's step is the token's: t0 moves by
		 * the drift, and the step of code2 counts as used. */
		p.t0 -= (found + 1 - now_step) * (int64_t)p.period;
		if (sstep_oath_params_format(&p, params) < 0) {
			set_why(why, "the drift moves t0 out of range");
			r = SASLSTEP_BADPARAM;
			goto out;
		}
		next.params = params;
		next.counter = found + 1;
		if (drift != NULL)
			*drift = found + 1 - now_step;
	}
	r = sstep_store_cred_update(st, user, c.version, &next, NULL);
	if (r == SASLSTEP_BADAUTH)
		set_why(why, "a login changed the credential meanwhile");
	else if (r != SASLSTEP_OK)
		set_why(why, sstep_store_error(st));
out:
	sstep_wipe(cur, sizeof(cur));
	sstep_cred_clear(&c);
	return r;
}

/* ---------------------------------------------------------------------- */
/* The mechanisms                                                          */
/* ---------------------------------------------------------------------- */

/* What tells HOTP, TOTP and RECOVERY apart. */
struct oath_desc {
	const char *name;          /* mechanism name, for messages */
	const char *family;        /* store family, also the fake-key label */
	enum sstep_oath_kind kind; /* 0 for RECOVERY */
	const char *what;          /* what to enter, named in the challenge */
	const char *prompt;
};

static const struct oath_desc desc_hotp = {"HOTP", SSTEP_OATH_FAMILY_HOTP,
    SSTEP_OATH_HOTP, "HOTP code", "Verification code: "};
static const struct oath_desc desc_totp = {"TOTP", SSTEP_OATH_FAMILY_TOTP,
    SSTEP_OATH_TOTP, "TOTP code", "Verification code: "};
static const struct oath_desc desc_recovery = {"RECOVERY",
    SSTEP_RECOVERY_FAMILY, (enum sstep_oath_kind)0, "Recovery code",
    "Recovery code: "};

/* --- server --- */

/* Whether len bytes at s have the form of a recovery code. */
static int
is_recovery(const char *s, size_t len)
{
	char norm[SSTEP_RECOVERY_NORM_MAX + 1];
	size_t normlen;
	int r;

	r = sstep_recovery_code_norm(s, len, norm, &normlen);
	sstep_wipe(norm, sizeof(norm));
	return r;
}

struct oath_server {
	const struct oath_desc *d;
	int started; /* an empty challenge was sent */
	int done;
};

static int
oath_server_new(
    struct sstep_conn *conn, void **state, const struct oath_desc *d)
{
	struct oath_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SASLSTEP_NOMEM;
	s->d = d;
	*state = s;
	return SASLSTEP_OK;
}

static void
oath_server_free(struct sstep_conn *conn, void *state)
{
	/* Nothing is held between steps: the exchange is one message. */
	sstep_freezero(state, sizeof(struct oath_server));
}

/* The parts of the client's message. */
struct oath_msg {
	char user[SSTEP_NAME_MAX + 1];
	size_t userlen;
	const char *code;
	size_t codelen;
};

/* Split [authzid] NUL authcid NUL code (the top of this file). */
static int
msg_parse(struct sstep_conn *conn, const struct oath_desc *d, const char *in,
    size_t inlen, struct oath_msg *m)
{
	const char *f[3], *why;
	size_t n[3];

	if (sstep_split_identity(in, inlen, 3, f, n, &why) != SASLSTEP_OK)
		return sstep_fail(
		    conn, SASLSTEP_BADPROT, "%s: %s", d->name, why);
	memcpy(m->user, f[1], n[1]);
	m->user[n[1]] = '\0';
	m->userlen = n[1];
	m->code = f[2];
	m->codelen = n[2];
	if (!sstep_identity_is_self(f[0], n[0], f[1], n[1]))
		return sstep_fail(conn, SASLSTEP_BADAUTH,
		    "%s: %s asked to act as another user (proxy "
		    "authorization is not supported)",
		    d->name, m->user);
	return SASLSTEP_OK;
}

static int
store_fail(struct sstep_conn *conn, const struct oath_desc *d, int code)
{
	return sstep_fail(conn, code, "%s: %s", d->name,
	    sstep_store_error(sstep_conn_store(conn)));
}

/* A decimal property of the server, def when unset. */
static int
prop_count(struct sstep_conn *conn, const struct oath_desc *d, int prop,
    unsigned def, unsigned max, unsigned *v)
{
	const char *s = sstep_conn_prop(conn, prop);
	uint64_t u;

	*v = def;
	if (s == NULL)
		return SASLSTEP_OK;
	if (sstep_oath_number_parse(s, strlen(s), max, &u) != 0)
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "%s: the window or look-ahead must be 0 to %u", d->name,
		    max);
	*v = (unsigned)u;
	return SASLSTEP_OK;
}

/*
 * Why user cannot log in at all (unknown or locked), in *why; NULL when
 * they can.  Returns SASLSTEP_OK or the store's error.
 */
static int
user_refused(saslstep_store_t *st, const char *user, const char **why)
{
	struct sstep_user u;
	int r;

	*why = NULL;
	memset(&u, 0, sizeof(u));
	r = sstep_store_user_get(st, user, &u);
	if (r == SASLSTEP_NOUSER) {
		*why = "unknown user";
		return SASLSTEP_OK;
	}
	if (r == SASLSTEP_OK && u.locked)
		*why = "locked user";
	return r;
}

/* Success: the identity is the user's. */
static int
succeed(struct sstep_conn *conn, const struct oath_msg *m)
{
	int r;

	if ((r = sstep_conn_set_username(conn, m->user, m->userlen)) !=
	    SASLSTEP_OK)
		return sstep_fail(conn, r, "out of memory");
	return SASLSTEP_OK;
}

/* A recovery code, at the RECOVERY mechanism or a HOTP/TOTP prompt. */
static int
recovery_check(struct sstep_conn *conn, const struct oath_desc *d,
    const struct oath_msg *m)
{
	const char *why = NULL;
	int r;

	r = sstep_recovery_use(
	    sstep_conn_store(conn), m->user, m->code, m->codelen, &why);
	if (r == SASLSTEP_OK)
		return succeed(conn, m);
	if (r == SASLSTEP_NOUSER || r == SASLSTEP_BADPROT)
		r = SASLSTEP_BADAUTH;
	return sstep_fail(conn, r, "%s: recovery code for %s refused: %s",
	    d->name, m->user, why != NULL ? why : saslstep_errstring(r));
}

/*
 * The user's credential of d's family and its params into *c and *p; a
 * user who cannot log in gets a fake credential (a key derived from the
 * store's secret and the name, default params), and *fake_why says why.
 */
static int
cred_load(struct sstep_conn *conn, const struct oath_desc *d, const char *user,
    struct sstep_cred *c, struct sstep_oath_params *p, unsigned char fake[32],
    const char **fake_why)
{
	saslstep_store_t *st = sstep_conn_store(conn);
	const char *why = NULL;
	int r;

	if ((r = user_refused(st, user, fake_why)) != SASLSTEP_OK)
		return store_fail(conn, d, r);
	if (*fake_why == NULL) {
		r = sstep_store_cred_get(st, user, d->family, c);
		if (r == SASLSTEP_NOUSER)
			*fake_why = "no credential of this family for user";
		else if (r != SASLSTEP_OK)
			return store_fail(conn, d, r);
		else if (sstep_oath_cred_parse(d->kind, c, p, &why) !=
		         SASLSTEP_OK)
			return sstep_fail(conn, SASLSTEP_FAIL,
			    "%s: the stored credential of %s is malformed: %s",
			    d->name, user, why);
	}
	if (*fake_why != NULL) {
		if ((r = sstep_store_fake(st, d->family, user, fake)) !=
		    SASLSTEP_OK)
			return store_fail(conn, d, r);
		sstep_cred_clear(c);
		sstep_oath_params_default(d->kind, p);
		c->secret = fake; /* not owned: c is not cleared again */
		c->secret_len = OATH_FAKE_KEY;
		c->counter = d->kind == SSTEP_OATH_TOTP ? -1 : 0;
	}
	return SASLSTEP_OK;
}

/* Which counter values to try: [*first, *first + *n), *min_ok and up
 * not used yet (the server rules at the top of this file). */
static int
candidates(struct sstep_conn *conn, const struct oath_desc *d,
    const struct sstep_oath_params *p, const struct sstep_cred *c,
    int64_t *first, unsigned *n, int64_t *min_ok)
{
	unsigned w;
	int64_t now_step;
	int r;

	if (d->kind == SSTEP_OATH_TOTP) {
		if ((r = prop_count(conn, d, SASLSTEP_PROP_TOTP_WINDOW,
		         SSTEP_OATH_WINDOW_DEFAULT, SSTEP_OATH_WINDOW_MAX,
		         &w)) != SASLSTEP_OK)
			return r;
		if (sstep_oath_totp_step(p, sstep_now(), &now_step) !=
		    SASLSTEP_OK)
			return sstep_fail(conn, SASLSTEP_FAIL,
			    "TOTP: the clock is before the credential's t0");
		*first = now_step - (int64_t)w;
		*n = 2 * w + 1;
		*min_ok = c->counter + 1;
		return SASLSTEP_OK;
	}
	if ((r = prop_count(conn, d, SASLSTEP_PROP_HOTP_LOOKAHEAD,
	         SSTEP_OATH_LOOKAHEAD_DEFAULT, SSTEP_OATH_LOOKAHEAD_MAX, &w)) !=
	    SASLSTEP_OK)
		return r;
	if (c->counter > INT64_MAX - (int64_t)w - 2)
		return sstep_fail(
		    conn, SASLSTEP_FAIL, "HOTP: the counter is exhausted");
	*first = c->counter;
	*n = w + 1;
	*min_ok = c->counter;
	return SASLSTEP_OK;
}

/* Store the counter of the matched value by compare-and-swap. */
static int
counter_move(struct sstep_conn *conn, const struct oath_desc *d,
    const struct oath_msg *m, const struct sstep_cred *c, int64_t matched)
{
	struct sstep_cred next = *c;
	int r;

	next.counter = d->kind == SSTEP_OATH_TOTP ? matched : matched + 1;
	r = sstep_store_cred_update(
	    sstep_conn_store(conn), m->user, c->version, &next, NULL);
	if (r == SASLSTEP_BADAUTH)
		return sstep_fail(conn, r,
		    "%s: the credential of %s changed during the login "
		    "(another login with the same code won)",
		    d->name, m->user);
	if (r != SASLSTEP_OK)
		return store_fail(conn, d, r);
	return succeed(conn, m);
}

/* HOTP or TOTP: a code, or a recovery code at the same prompt. */
static int
oath_server_verify(struct sstep_conn *conn, const struct oath_desc *d,
    const struct oath_msg *m)
{
	struct sstep_cred c;
	struct sstep_oath_params p;
	unsigned char fake[32];
	const char *fake_why = NULL;
	int64_t first = 0, min_ok = 0, matched = -1;
	unsigned n = 0, left, total;
	int used = 0, r;

	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	if ((r = cred_load(conn, d, m->user, &c, &p, fake, &fake_why)) !=
	        SASLSTEP_OK ||
	    (r = candidates(conn, d, &p, &c, &first, &n, &min_ok)) !=
	        SASLSTEP_OK)
		goto out;
	/* A user who cannot log in costs what a user with codes of that
	 * length would: the HMACs, and a read of the recovery codes. */
	if (fake_why != NULL && is_code(m->code, m->codelen))
		p.digits = (unsigned)m->codelen;
	if (fake_why != NULL && is_recovery(m->code, m->codelen))
		(void)sstep_recovery_left(
		    sstep_conn_store(conn), m->user, &left, &total);
	if (is_code(m->code, m->codelen) && m->codelen == p.digits &&
	    (r = oath_match(&p, c.secret, c.secret_len, first, n, min_ok,
	         m->code, &matched, &used)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "%s: the HMAC failed", d->name);
		goto out;
	}
	if (fake_why != NULL)
		r = sstep_fail(conn, SASLSTEP_BADAUTH, "%s: %s %s", d->name,
		    fake_why, m->user);
	else if (matched >= 0)
		r = counter_move(conn, d, m, &c, matched);
	else if (used)
		r = sstep_fail(conn, SASLSTEP_BADAUTH,
		    "%s: code for %s already used (replayed, or a login "
		    "with a later code came first)",
		    d->name, m->user);
	else if (is_recovery(m->code, m->codelen))
		r = recovery_check(conn, d, m);
	else
		r = sstep_fail(conn, SASLSTEP_BADAUTH, "%s: wrong code for %s",
		    d->name, m->user);
out:
	if (fake_why != NULL)
		memset(&c, 0, sizeof(c)); /* c.secret is fake, on the stack */
	sstep_cred_clear(&c);
	sstep_wipe(fake, sizeof(fake));
	return r;
}

/* RECOVERY: a recovery code only; unknown and locked users fail alike. */
static int
recovery_server_verify(struct sstep_conn *conn, const struct oath_desc *d,
    const struct oath_msg *m)
{
	const char *why = NULL;
	int r;

	if ((r = user_refused(sstep_conn_store(conn), m->user, &why)) !=
	    SASLSTEP_OK)
		return store_fail(conn, d, r);
	if (why != NULL)
		return sstep_fail(
		    conn, SASLSTEP_BADAUTH, "%s: %s %s", d->name, why, m->user);
	return recovery_check(conn, d, m);
}

static int
oath_server_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct oath_server *s = state;
	struct oath_msg m;
	int r;

	if (s->done)
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "%s: message after the end of the exchange", s->d->name);
	if (in == NULL && !s->started) {
		/* No initial response: an empty challenge asks for it. */
		s->started = 1;
		r = sstep_out(conn, "", 0);
		return r == SASLSTEP_OK ? SASLSTEP_CONTINUE : r;
	}
	s->done = 1; /* one message decides: no second try */
	memset(&m, 0, sizeof(m));
	if ((r = msg_parse(conn, s->d, in == NULL ? "" : in, inlen, &m)) !=
	    SASLSTEP_OK)
		return r;
	if (!(s->d->kind != 0 && is_code(m.code, m.codelen)) &&
	    !is_recovery(m.code, m.codelen))
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "%s: malformed code from %s (%s expected)", s->d->name,
		    m.user,
		    s->d->kind != 0 ? "6 to 8 digits or a recovery code"
		                    : "a recovery code");
	if (sstep_conn_store(conn) == NULL)
		return sstep_fail(
		    conn, SASLSTEP_FAIL, "%s: no credential store", s->d->name);
	if (s->d->kind == 0)
		return recovery_server_verify(conn, s->d, &m);
	return oath_server_verify(conn, s->d, &m);
}

/* --- client --- */

enum oath_client_state {
	OATH_C_START, /* send the message */
	OATH_C_FINAL, /* the server's (empty) success data */
	OATH_C_DONE
};

struct oath_client {
	const struct oath_desc *d;
	enum oath_client_state state;
};

static int
oath_client_new(
    struct sstep_conn *conn, void **state, const struct oath_desc *d)
{
	struct oath_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SASLSTEP_NOMEM;
	c->d = d;
	c->state = OATH_C_START;
	*state = c;
	return SASLSTEP_OK;
}

static void
oath_client_free(struct sstep_conn *conn, void *state)
{
	/* The code stays in the connection's answers or properties, which
	 * the core wipes. */
	sstep_freezero(state, sizeof(struct oath_client));
}

/*
 * The code to send: the application's SASLSTEP_PROP_PASS, or what the
 * person typed, asked with a challenge that names what to enter.  White
 * space is dropped (apps show "123 456").
 */
static int
client_code(struct sstep_conn *conn, const struct oath_desc *d,
    const char *authcid, char out[OATH_CODE_MAX + 1], size_t *outlen)
{
	char challenge[SSTEP_NAME_MAX + 64];
	const char *value, *echo;
	size_t len, i, n = 0;
	unsigned long id;
	int r;

	*outlen = 0;
	if ((value = sstep_conn_prop(conn, SASLSTEP_PROP_PASS)) != NULL)
		len = strlen(value);
	else {
		echo = sstep_conn_prop(conn, SASLSTEP_PROP_ECHO);
		id = echo != NULL && strcmp(echo, "1") == 0
		         ? SASLSTEP_CB_ECHOPROMPT
		         : SASLSTEP_CB_NOECHOPROMPT;
		snprintf(challenge, sizeof(challenge), "%s for %s", d->what,
		    authcid);
		r = sstep_need(conn, id, challenge, d->prompt, &value, &len);
		if (r != SASLSTEP_OK)
			return r;
	}
	for (i = 0; i < len; i++) {
		if (value[i] == ' ' || value[i] == '\t' || value[i] == '\r' ||
		    value[i] == '\n')
			continue;
		if (n == OATH_CODE_MAX) {
			sstep_wipe(out, OATH_CODE_MAX + 1);
			return sstep_fail(conn, SASLSTEP_BADPARAM,
			    "%s: code too long", d->name);
		}
		out[n++] = value[i];
	}
	out[n] = '\0';
	*outlen = n;
	return SASLSTEP_OK;
}

static int
oath_client_start(struct sstep_conn *conn, struct oath_client *c,
    const char *in, size_t inlen)
{
	char code[OATH_CODE_MAX + 1];
	const char *authcid, *authzid;
	size_t clen, zlen, codelen = 0;
	int r;

	if (in != NULL && inlen != 0)
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "%s: server data before the client's message", c->d->name);
	r = sstep_need(conn, SASLSTEP_CB_AUTHNAME, NULL,
	    "Authentication name: ", &authcid, &clen);
	if (r != SASLSTEP_OK)
		return r;
	authzid = sstep_conn_prop(conn, SASLSTEP_PROP_AUTHZID);
	zlen = authzid == NULL ? 0 : strlen(authzid);
	/* The name goes into the prompt: no control characters. */
	if (!sstep_identity_name_ok(authcid, clen) ||
	    (zlen > 0 && !sstep_identity_name_ok(authzid, zlen)))
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "%s: empty, over-long or control-holding identity",
		    c->d->name);
	if ((r = client_code(conn, c->d, authcid, code, &codelen)) !=
	    SASLSTEP_OK)
		return r; /* INTERACT included: state unchanged */
	r = sstep_out_identity(
	    conn, authzid, zlen, authcid, clen, code, codelen);
	sstep_wipe(code, sizeof(code));
	if (r != SASLSTEP_OK)
		return r;
	c->state = OATH_C_FINAL;
	return SASLSTEP_CONTINUE;
}

static int
oath_client_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct oath_client *c = state;

	switch (c->state) {
	case OATH_C_START:
		return oath_client_start(conn, c, in, inlen);
	case OATH_C_FINAL:
		c->state = OATH_C_DONE;
		if (inlen != 0)
			return sstep_fail(conn, SASLSTEP_BADPROT,
			    "%s: unexpected data after success", c->d->name);
		return SASLSTEP_OK;
	case OATH_C_DONE:
		break;
	}
	return sstep_fail(conn, SASLSTEP_BADPARAM,
	    "%s: step after the end of the exchange", c->d->name);
}

/* One table per mechanism; they differ only in the description. */
#define OATH_FUNCS(tag, desc)                                                  \
	static int tag##_client_new(struct sstep_conn *conn, void **state)     \
	{                                                                      \
		return oath_client_new(conn, state, &(desc));                  \
	}                                                                      \
	static int tag##_server_new(struct sstep_conn *conn, void **state)     \
	{                                                                      \
		return oath_server_new(conn, state, &(desc));                  \
	}                                                                      \
	static const struct sstep_mech_funcs tag##_funcs = {tag##_client_new,  \
	    oath_client_step, oath_client_free, tag##_server_new,              \
	    oath_server_step, oath_server_free}

OATH_FUNCS(hotp, desc_hotp);
OATH_FUNCS(totp, desc_totp);
OATH_FUNCS(recovery, desc_recovery);

const struct sstep_mech sstep_mech_hotp = {
    "HOTP", SSTEP_OATH_FAMILY_HOTP, SSTEP_MECH_CLIENT_FIRST, NULL, &hotp_funcs};
const struct sstep_mech sstep_mech_totp = {
    "TOTP", SSTEP_OATH_FAMILY_TOTP, SSTEP_MECH_CLIENT_FIRST, NULL, &totp_funcs};
const struct sstep_mech sstep_mech_recovery = {"RECOVERY",
    SSTEP_RECOVERY_FAMILY, SSTEP_MECH_CLIENT_FIRST, NULL, &recovery_funcs};

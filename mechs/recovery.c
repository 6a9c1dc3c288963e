/*
 * recovery.c: one-shot recovery codes (layout and forms in recovery.h).
 *
 * Why salted SHA-256 and not a slow hash: the store already holds the
 * HOTP/TOTP keys in the clear (a server must have them), so whoever reads
 * it needs no recovery code; the hash only keeps the codes themselves
 * from being read off a backup and reused.  Fifty random bits per code,
 * each usable once, are out of reach of guessing through logins.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "saslstep-int.h"
#include "store.h"
#include "oath.h"
#include "recovery.h"

#define RECOVERY_SALT   16
#define RECOVERY_HASH   32
#define RECOVERY_CHARS  10 /* base32 characters of a code we make */
#define RECOVERY_DIGITS 8  /* google-authenticator scratch codes */
#define RECOVERY_PARAMS 16 /* "count=64" + NUL fits */
#define RECOVERY_RANDOM 7  /* bytes: 56 >= 50 bits of ten characters */

/* RFC 4648 s. 6, lower case: what a person reads off the list. */
static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

static int
b32_char(int c)
{
	if (c >= 'A' && c <= 'Z')
		c = c - 'A' + 'a';
	return (c >= 'a' && c <= 'z') || (c >= '2' && c <= '7') ? c : 0;
}

int
sstep_recovery_code_norm(const char *s, size_t len,
    char out[SSTEP_RECOVERY_NORM_MAX + 1], size_t *outlen)
{
	size_t i, n = 0;
	int c;

	out[0] = '\0';
	*outlen = 0;
	if (len == RECOVERY_DIGITS) {
		for (i = 0; i < len; i++)
			if (s[i] < '0' || s[i] > '9')
				return 0;
		memcpy(out, s, len);
		out[len] = '\0';
		*outlen = len;
		return 1;
	}
	if (len != RECOVERY_CHARS && len != RECOVERY_CHARS + 1)
		return 0;
	for (i = 0; i < len; i++) {
		/* One hyphen, in the middle, as the codes are printed. */
		if (len == RECOVERY_CHARS + 1 && i == RECOVERY_CHARS / 2) {
			if (s[i] != '-')
				goto bad;
			continue;
		}
		if ((c = b32_char((unsigned char)s[i])) == 0)
			goto bad;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	*outlen = n;
	return 1;
bad:
	sstep_wipe(out, SSTEP_RECOVERY_NORM_MAX + 1);
	return 0;
}

/* SHA-256(salt || code) into out. */
static int
record_hash(const unsigned char salt[RECOVERY_SALT], const char *norm,
    size_t normlen, unsigned char out[RECOVERY_HASH])
{
	unsigned char buf[RECOVERY_SALT + SSTEP_RECOVERY_NORM_MAX];
	unsigned int mdlen = 0;
	int ok;

	memcpy(buf, salt, RECOVERY_SALT);
	memcpy(buf + RECOVERY_SALT, norm, normlen);
	ok = EVP_Digest(buf, RECOVERY_SALT + normlen, out, &mdlen, EVP_sha256(),
	         NULL) == 1 &&
	     mdlen == RECOVERY_HASH;
	sstep_wipe(buf, sizeof(buf));
	return ok ? SASLSTEP_OK : SASLSTEP_FAIL;
}

/* An empty credential of n records (zero bytes) in *c. */
static int
cred_alloc(unsigned n, struct sstep_cred *c, const char **why)
{
	memset(c, 0, sizeof(*c));
	if (n < 1 || n > SSTEP_RECOVERY_COUNT_MAX) {
		set_why(why, "the number of recovery codes must be 1 to 64");
		return SASLSTEP_BADPARAM;
	}
	strncpy(c->family, SSTEP_RECOVERY_FAMILY, sizeof(c->family) - 1);
	c->secret_len = (size_t)n * SSTEP_RECOVERY_RECORD;
	if ((c->secret = calloc(1, c->secret_len)) == NULL ||
	    (c->params = malloc(RECOVERY_PARAMS)) == NULL) {
		sstep_cred_clear(c);
		set_why(why, "out of memory");
		return SASLSTEP_NOMEM;
	}
	snprintf(c->params, RECOVERY_PARAMS, "count=%u", n);
	return SASLSTEP_OK;
}

int
sstep_recovery_cred_from_records(const unsigned char *records, size_t len,
    struct sstep_cred *c, const char **why)
{
	size_t n = len / SSTEP_RECOVERY_RECORD;
	int r;

	memset(c, 0, sizeof(*c));
	if (len % SSTEP_RECOVERY_RECORD != 0) {
		set_why(why, "not a whole number of records");
		return SASLSTEP_BADPARAM;
	}
	/* cred_alloc() refuses 0, which stands for too many as well. */
	if ((r = cred_alloc(n > SSTEP_RECOVERY_COUNT_MAX ? 0 : (unsigned)n, c,
	         why)) != SASLSTEP_OK)
		return r;
	memcpy(c->secret, records, len);
	return SASLSTEP_OK;
}

int
sstep_recovery_cred_make(const char *const *codes, const size_t *lens,
    unsigned n, struct sstep_cred *c, const char **why)
{
	char norm[SSTEP_RECOVERY_NORM_MAX + 1];
	unsigned char *rec;
	size_t normlen;
	unsigned i;
	int r;

	if ((r = cred_alloc(n, c, why)) != SASLSTEP_OK)
		return r;
	for (i = 0; i < n; i++) {
		rec = c->secret + (size_t)i * SSTEP_RECOVERY_RECORD;
		if (!sstep_recovery_code_norm(
		        codes[i], lens[i], norm, &normlen)) {
			set_why(why, "a recovery code is neither ten base32 "
			             "characters nor eight digits");
			r = SASLSTEP_BADPARAM;
			goto out;
		}
		if (RAND_bytes(rec, RECOVERY_SALT) != 1) {
			set_why(why, "no random numbers for the salt");
			r = SASLSTEP_FAIL;
			goto out;
		}
		if ((r = record_hash(rec, norm, normlen,
		         rec + RECOVERY_SALT)) != SASLSTEP_OK)
			goto out;
	}
	r = SASLSTEP_OK;
out:
	sstep_wipe(norm, sizeof(norm));
	if (r != SASLSTEP_OK)
		sstep_cred_clear(c);
	return r;
}

/* One random code, "xxxxx-xxxxx", into out. */
static int
code_random(char out[SSTEP_RECOVERY_CODE_LEN + 1])
{
	unsigned char rnd[RECOVERY_RANDOM];
	uint64_t bits = 0;
	size_t i, n = 0;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return SASLSTEP_FAIL;
	for (i = 0; i < sizeof(rnd); i++)
		bits = (bits << 8) | rnd[i];
	for (i = 0; i < RECOVERY_CHARS; i++) {
		if (i == RECOVERY_CHARS / 2)
			out[n++] = '-';
		out[n++] = b32[bits & 31];
		bits >>= 5;
	}
	out[n] = '\0';
	sstep_wipe(rnd, sizeof(rnd));
	sstep_wipe(&bits, sizeof(bits));
	return SASLSTEP_OK;
}

int
sstep_recovery_enrol(saslstep_store_t *st, const char *user, unsigned count,
    char (*codes)[SSTEP_RECOVERY_CODE_LEN + 1], const char **why)
{
	const char *ptrs[SSTEP_RECOVERY_COUNT_MAX];
	size_t lens[SSTEP_RECOVERY_COUNT_MAX];
	struct sstep_cred c;
	unsigned i;
	int r;

	memset(&c, 0, sizeof(c));
	if (count < 1 || count > SSTEP_RECOVERY_COUNT_MAX) {
		set_why(why, "the number of recovery codes must be 1 to 64");
		return SASLSTEP_BADPARAM;
	}
	for (i = 0; i < count; i++) {
		if (code_random(codes[i]) != SASLSTEP_OK) {
			set_why(why, "no random numbers for the codes");
			r = SASLSTEP_FAIL;
			goto out;
		}
		ptrs[i] = codes[i];
		lens[i] = SSTEP_RECOVERY_CODE_LEN;
	}
	if ((r = sstep_recovery_cred_make(ptrs, lens, count, &c, why)) !=
	    SASLSTEP_OK)
		goto out;
	r = sstep_store_cred_put(st, user, &c);
out:
	sstep_cred_clear(&c);
	if (r != SASLSTEP_OK)
		sstep_wipe(codes, (size_t)count * sizeof(*codes));
	return r;
}

static int
is_zero(const unsigned char *p, size_t n)
{
	unsigned char acc = 0;
	size_t i;

	for (i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

int
sstep_recovery_cred_parse(
    const struct sstep_cred *c, unsigned *total, const char **why)
{
	static const char key[] = "count=";
	uint64_t n;
	size_t len;

	*total = 0;
	if (strncmp(c->family, SSTEP_RECOVERY_FAMILY, sizeof(c->family)) != 0) {
		set_why(why, "not a recovery credential");
		return SASLSTEP_BADPARAM;
	}
	if (c->params == NULL ||
	    (len = strnlen(c->params, RECOVERY_PARAMS)) == RECOVERY_PARAMS ||
	    len < sizeof(key) - 1 ||
	    memcmp(c->params, key, sizeof(key) - 1) != 0 ||
	    sstep_oath_number_parse(c->params + sizeof(key) - 1,
	        len - (sizeof(key) - 1), SSTEP_RECOVERY_COUNT_MAX, &n) != 0 ||
	    n < 1) {
		set_why(why, "recovery parameters are not count=1..64");
		return SASLSTEP_BADPARAM;
	}
	if (c->secret == NULL ||
	    c->secret_len != (size_t)n * SSTEP_RECOVERY_RECORD) {
		set_why(why, "recovery records do not match their count");
		return SASLSTEP_BADPARAM;
	}
	*total = (unsigned)n;
	return SASLSTEP_OK;
}

int
sstep_recovery_use(saslstep_store_t *st, const char *user, const char *code,
    size_t len, const char **why)
{
	struct sstep_cred c, next;
	char norm[SSTEP_RECOVERY_NORM_MAX + 1];
	unsigned char h[RECOVERY_HASH], *rec;
	unsigned char *secret = NULL;
	size_t normlen;
	unsigned n, i;
	long matched = -1;
	int r;

	memset(&c, 0, sizeof(c));
	memset(&next, 0, sizeof(next));
	if (!sstep_recovery_code_norm(code, len, norm, &normlen)) {
		set_why(why, "not a recovery code");
		return SASLSTEP_BADPROT;
	}
	r = sstep_store_cred_get(st, user, SSTEP_RECOVERY_FAMILY, &c);
	if (r == SASLSTEP_NOUSER)
		set_why(why, "no recovery codes");
	else if (r != SASLSTEP_OK)
		set_why(why, sstep_store_error(st));
	if (r != SASLSTEP_OK)
		goto out;
	if (sstep_recovery_cred_parse(&c, &n, why) != SASLSTEP_OK) {
		r = SASLSTEP_FAIL;
		goto out;
	}
	/* Every record, used or not, costs one hash and one comparison, so
	 * the time does not tell where in the list a code is. */
	for (i = 0; i < n; i++) {
		rec = c.secret + (size_t)i * SSTEP_RECOVERY_RECORD;
		if ((r = record_hash(rec, norm, normlen, h)) != SASLSTEP_OK) {
			set_why(why, "the hash function failed");
			goto out;
		}
		if (sstep_secret_eq(h, rec + RECOVERY_SALT, RECOVERY_HASH) &&
		    !is_zero(rec, SSTEP_RECOVERY_RECORD) && matched < 0)
			matched = (long)i;
	}
	if (matched < 0) {
		set_why(why, "no unused recovery code matches");
		r = SASLSTEP_BADAUTH;
		goto out;
	}
	if ((secret = malloc(c.secret_len)) == NULL) {
		r = SASLSTEP_NOMEM;
		goto out;
	}
	memcpy(secret, c.secret, c.secret_len);
	sstep_wipe(secret + (size_t)matched * SSTEP_RECOVERY_RECORD,
	    SSTEP_RECOVERY_RECORD);
	memcpy(next.family, c.family, sizeof(next.family));
	next.params = c.params;
	next.secret = secret;
	next.secret_len = c.secret_len;
	next.counter = c.counter;
	r = sstep_store_cred_update(st, user, c.version, &next, NULL);
	if (r == SASLSTEP_BADAUTH)
		set_why(why, "the recovery codes changed during the login "
		             "(another login won)");
	else if (r != SASLSTEP_OK)
		set_why(why, sstep_store_error(st));
out:
	sstep_freezero(secret, c.secret_len);
	sstep_cred_clear(&c);
	sstep_wipe(norm, sizeof(norm));
	sstep_wipe(h, sizeof(h));
	return r;
}

int
sstep_recovery_left(
    saslstep_store_t *st, const char *user, unsigned *left, unsigned *total)
{
	struct sstep_cred c;
	unsigned n, i;
	int r;

	*left = *total = 0;
	memset(&c, 0, sizeof(c));
	if ((r = sstep_store_cred_get(st, user, SSTEP_RECOVERY_FAMILY, &c)) !=
	    SASLSTEP_OK)
		return r;
	if (sstep_recovery_cred_parse(&c, &n, NULL) != SASLSTEP_OK)
		r = SASLSTEP_FAIL;
	else {
		*total = n;
		for (i = 0; i < n; i++)
			if (!is_zero(
			        c.secret + (size_t)i * SSTEP_RECOVERY_RECORD,
			        SSTEP_RECOVERY_RECORD))
				(*left)++;
	}
	sstep_cred_clear(&c);
	return r;
}

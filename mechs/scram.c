/*
 * scram.c: SCRAM-SHA-1 (RFC 5802), SCRAM-SHA-256 (RFC 7677) and
 * SCRAM-SHA-512 (draft only), client and server: one implementation with
 * the digest as the mechanism's parameter.
 *
 * The first half is the verifier: derivation, the store layout (see
 * scram.h), the RFC 5803 / PostgreSQL and Dovecot / gsasl notations, and
 * the password check PLAIN uses.  The second half is the mechanism.
 *
 * Exchange (RFC 5802 s. 5):
 *   C: gs2-header client-first-message-bare   n,,n=user,r=<c-nonce>
 *   S: r=<c-nonce><s-nonce>,s=<salt>,i=<count>
 *   C: c=<base64 gs2-header>,r=<nonce>,p=<ClientProof>
 *   S: v=<ServerSignature>, sent with SASLSTEP_OK
 * The client is stepped once more with v= and returns SASLSTEP_OK only
 * when it verifies.  The server keeps salt, count, StoredKey and ServerKey
 * and runs no PBKDF2; it has no channel binding, so it refuses p= and takes
 * y (RFC 5802 s. 6: y means "the client could bind but thinks the server
 * cannot", which is true).  An unknown, locked or key-less user gets a
 * verifier derived from the store's server secret and the name (salt
 * stable, 4096 iterations, as PostgreSQL does) and fails at the proof.
 *
 * Codes: a malformed message is SASLSTEP_BADPROT (the client also returns
 * it for an iteration count below 4096 or above SASLSTEP_PROP_ITER_MAX: it
 * will not take part in such an exchange); a wrong proof SASLSTEP_BADAUTH;
 * a server-final message that is not a valid v= SASLSTEP_BADSERV, or
 * SASLSTEP_BADAUTH when it is e= (the server refused); a password or name
 * the application gave that fails SASLprep SASLSTEP_BADPARAM.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "saslstep-int.h"
#include "store.h"
#include "mechs.h"
#include "saslprep.h"
#include "scram.h"

#define SCRAM_MSG_MAX    4096 /* bytes of any SCRAM message we accept */
#define SCRAM_NONCE_MAX  512  /* bytes of a combined nonce we accept */
#define SCRAM_NONCE_RAND 18   /* random bytes of a nonce we make (24 b64) */
#define SCRAM_NONCE_TEST 128  /* bytes of a nonce fixed by a test */
#define SCRAM_ATTRS_MAX  32   /* attributes in one message */
#define SCRAM_PARAMS_MAX 256  /* "<iter> <salt b64>" + NUL fits */
/* "n,a=" + an escaped name (3 bytes a byte at most) + ",": the GS2 header */
#define SCRAM_GS2_MAX (5 + 3 * SSTEP_NAME_MAX + 1)
/* Attribute letters RFC 5802 defines; an extension may not reuse one. */
#define SCRAM_DEFINED_ATTRS "aceimnprsv"

/* ---------------------------------------------------------------------- */
/* Digests and derivation                                                  */
/* ---------------------------------------------------------------------- */

/* The mechanism's param: its digest.  Names live in the mechanisms
 * (bottom of this file), so they are written once. */
struct scram_digest {
	enum sstep_scram_alg alg;
	size_t len; /* digest and key length */
	const struct sstep_mech *mech;
};

static const struct scram_digest digests[] = {
    {SSTEP_SCRAM_SHA1, 20, &sstep_mech_scram_sha1},
    {SSTEP_SCRAM_SHA256, 32, &sstep_mech_scram_sha256},
    {SSTEP_SCRAM_SHA512, 64, &sstep_mech_scram_sha512},
};

#define NDIGESTS (sizeof(digests) / sizeof(digests[0]))

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

static const struct scram_digest *
digest_of(enum sstep_scram_alg alg)
{
	size_t i;

	for (i = 0; i < NDIGESTS; i++) {
		if (digests[i].alg == alg)
			return &digests[i];
	}
	return NULL;
}

static const EVP_MD *
alg_md(enum sstep_scram_alg alg)
{
	switch (alg) {
	case SSTEP_SCRAM_SHA1:
		return EVP_sha1();
	case SSTEP_SCRAM_SHA256:
		return EVP_sha256();
	case SSTEP_SCRAM_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

const char *
sstep_scram_alg_name(enum sstep_scram_alg alg)
{
	const struct scram_digest *d = digest_of(alg);

	return d == NULL ? "?" : d->mech->name;
}

const char *
sstep_scram_alg_family(enum sstep_scram_alg alg)
{
	const struct scram_digest *d = digest_of(alg);

	return d == NULL ? "?" : d->mech->family;
}

size_t
sstep_scram_alg_keylen(enum sstep_scram_alg alg)
{
	const struct scram_digest *d = digest_of(alg);

	return d == NULL ? 0 : d->len;
}

int
sstep_scram_alg_parse(const char *name, size_t len, enum sstep_scram_alg *alg)
{
	const struct sstep_mech *m;
	size_t i;

	for (i = 0; i < NDIGESTS; i++) {
		m = digests[i].mech;
		if ((strlen(m->name) == len &&
		        strncasecmp(m->name, name, len) == 0) ||
		    (strlen(m->family) == len &&
		        strncasecmp(m->family, name, len) == 0)) {
			*alg = digests[i].alg;
			return SASLSTEP_OK;
		}
	}
	return SASLSTEP_BADVERS;
}

int
sstep_scram_hi(enum sstep_scram_alg alg, const char *pass, size_t passlen,
    const unsigned char *salt, size_t saltlen, unsigned iter,
    unsigned char *out)
{
	static const enum sstep_md mds[] = {[SSTEP_SCRAM_SHA1] = SSTEP_MD_SHA1,
	    [SSTEP_SCRAM_SHA256] = SSTEP_MD_SHA256,
	    [SSTEP_SCRAM_SHA512] = SSTEP_MD_SHA512};
	size_t keylen = sstep_scram_alg_keylen(alg);

	/* The one PBKDF2 of a login, on the client (lib/pbkdf2.c). */
	if (alg_md(alg) == NULL || pass == NULL || salt == NULL || iter == 0)
		return SASLSTEP_BADPARAM;
	return sstep_pbkdf2(
	    mds[alg], pass, passlen, salt, saltlen, iter, out, keylen);
}

/* HMAC(key, data) with the digest of alg into out (keylen bytes). */
static int
hmac(enum sstep_scram_alg alg, const unsigned char *key, size_t keylen,
    const void *data, size_t len, unsigned char *out)
{
	unsigned int outlen = 0;

	if (HMAC(alg_md(alg), key, (int)keylen, data, len, out, &outlen) ==
	        NULL ||
	    outlen != sstep_scram_alg_keylen(alg))
		return SASLSTEP_FAIL;
	return SASLSTEP_OK;
}

/* H(data) with the digest of alg into out (keylen bytes). */
static int
hash(enum sstep_scram_alg alg, const void *data, size_t len, unsigned char *out)
{
	unsigned int outlen = 0;

	if (EVP_Digest(data, len, out, &outlen, alg_md(alg), NULL) != 1 ||
	    outlen != sstep_scram_alg_keylen(alg))
		return SASLSTEP_FAIL;
	return SASLSTEP_OK;
}

/*
 * RFC 5802 s. 3: from the (already SASLprep'ed) password, the salt and the
 * count, ClientKey (if client_key is not NULL), StoredKey and ServerKey.
 */
static int
keys_derive(enum sstep_scram_alg alg, const char *pass, size_t passlen,
    const unsigned char *salt, size_t saltlen, unsigned iter,
    unsigned char *client_key, unsigned char *stored_key,
    unsigned char *server_key)
{
	unsigned char salted[SSTEP_SCRAM_KEY_MAX], ck[SSTEP_SCRAM_KEY_MAX];
	size_t keylen = sstep_scram_alg_keylen(alg);
	int r;

	if ((r = sstep_scram_hi(alg, pass, passlen, salt, saltlen, iter,
	         salted)) != SASLSTEP_OK)
		goto out;
	if ((r = hmac(alg, salted, keylen, "Client Key", 10, ck)) !=
	        SASLSTEP_OK ||
	    (r = hash(alg, ck, keylen, stored_key)) != SASLSTEP_OK ||
	    (r = hmac(alg, salted, keylen, "Server Key", 10, server_key)) !=
	        SASLSTEP_OK)
		goto out;
	if (client_key != NULL)
		memcpy(client_key, ck, keylen);
out:
	sstep_wipe(salted, sizeof(salted));
	sstep_wipe(ck, sizeof(ck));
	return r;
}

/* RFC 5802 s. 2.2 and s. 5.1: SASLprep a password as a stored string; an
 * empty result can make no verifier. */
static int
password_prepare(const char *pass, size_t passlen, char **out, size_t *outlen,
    const char **why)
{
	int r;

	r = sstep_saslprep(
	    pass, passlen, SSTEP_SASLPREP_STORED, out, outlen, why);
	if (r == SASLSTEP_OK && *outlen == 0) {
		sstep_freezero(*out, 1);
		*out = NULL;
		set_why(why, "the password is empty (after SASLprep)");
		r = SASLSTEP_BADPARAM;
	}
	return r;
}

/* ---------------------------------------------------------------------- */
/* Verifiers                                                               */
/* ---------------------------------------------------------------------- */

void
sstep_scram_verifier_clear(struct sstep_scram_verifier *v)
{
	sstep_wipe(v, sizeof(*v));
}

/* Is v something a server may use?  NULL if so, else why not. */
static const char *
verifier_invalid(const struct sstep_scram_verifier *v)
{
	if (digest_of(v->alg) == NULL)
		return "unknown SCRAM algorithm";
	if (v->iter < SSTEP_SCRAM_ITER_MIN || v->iter > SSTEP_SCRAM_ITER_STORE)
		return "iteration count out of range (4096 to 10000000)";
	if (v->saltlen < 1 || v->saltlen > SSTEP_SCRAM_SALT_MAX)
		return "salt empty or longer than 128 bytes";
	return NULL;
}

int
sstep_scram_verifier_make(enum sstep_scram_alg alg, const char *pass,
    size_t passlen, unsigned iter, const unsigned char *salt, size_t saltlen,
    struct sstep_scram_verifier *v, const char **why)
{
	char *prepped = NULL;
	size_t plen = 0;
	const char *bad;
	int r;

	memset(v, 0, sizeof(*v));
	v->alg = alg;
	v->iter = iter;
	v->saltlen = saltlen;
	if ((bad = verifier_invalid(v)) != NULL || salt == NULL) {
		set_why(why, bad == NULL ? "no salt" : bad);
		r = digest_of(alg) == NULL ? SASLSTEP_BADVERS
		                           : SASLSTEP_BADPARAM;
		goto out;
	}
	memcpy(v->salt, salt, saltlen);
	if ((r = password_prepare(pass, passlen, &prepped, &plen, why)) !=
	    SASLSTEP_OK)
		goto out;
	if ((r = keys_derive(alg, prepped, plen, salt, saltlen, iter, NULL,
	         v->stored_key, v->server_key)) != SASLSTEP_OK)
		set_why(why, "the key derivation failed");
out:
	sstep_freezero(prepped, plen + 1);
	if (r != SASLSTEP_OK)
		sstep_scram_verifier_clear(v);
	return r;
}

/*
 * A decimal count with no sign and no leading zero (RFC 5802's
 * posit-number), at most max.  0 and sets *out when valid, else -1.
 */
static int
count_parse(const char *s, size_t len, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len < 1 || len > 10 || s[0] == '0')
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * Strict base64 (s, len) decoded into out (at least min, at most max
 * bytes).  Returns SASLSTEP_OK with *outlen set, SASLSTEP_BADPROT or
 * SASLSTEP_NOMEM.  The decoded copy may be a key: it is wiped.
 */
static int
b64_into(const char *s, size_t len, unsigned char *out, size_t min, size_t max,
    size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t n = 0;
	int r;

	*outlen = 0;
	if ((r = sstep_base64_decode(s, len, &buf, &n)) != SASLSTEP_OK)
		return r;
	if (n < min || n > max)
		r = SASLSTEP_BADPROT;
	else {
		memcpy(out, buf, n);
		*outlen = n;
	}
	sstep_freezero(buf, n + 1);
	return r;
}

/*
 * Fill v from the text fields of either notation: the algorithm name, the
 * count, then salt, StoredKey and ServerKey in base64.
 */
static int
verifier_from_fields(const char *name, size_t namelen, const char *const f[4],
    const size_t fl[4], struct sstep_scram_verifier *v, const char **why)
{
	unsigned long iter = 0;
	size_t keylen, n = 0;
	const char *bad;
	int r;

	if (sstep_scram_alg_parse(name, namelen, &v->alg) != SASLSTEP_OK) {
		set_why(why, "unknown SCRAM algorithm (SCRAM-SHA-1, "
		             "SCRAM-SHA-256 or SCRAM-SHA-512 expected)");
		return SASLSTEP_BADVERS;
	}
	keylen = sstep_scram_alg_keylen(v->alg);
	if (count_parse(f[0], fl[0], SSTEP_SCRAM_ITER_STORE, &iter) != 0) {
		set_why(why, "iteration count is not a number from 4096 to "
		             "10000000");
		return SASLSTEP_BADPARAM;
	}
	v->iter = (unsigned)iter;
	if ((r = b64_into(f[1], fl[1], v->salt, 1, SSTEP_SCRAM_SALT_MAX,
	         &v->saltlen)) != SASLSTEP_OK) {
		set_why(why, "salt is not base64 of 1 to 128 bytes");
		return r == SASLSTEP_NOMEM ? r : SASLSTEP_BADPARAM;
	}
	if ((r = b64_into(f[2], fl[2], v->stored_key, keylen, keylen, &n)) !=
	        SASLSTEP_OK ||
	    (r = b64_into(f[3], fl[3], v->server_key, keylen, keylen, &n)) !=
	        SASLSTEP_OK) {
		set_why(why, "StoredKey or ServerKey is not base64 of the "
		             "digest length");
		return r == SASLSTEP_NOMEM ? r : SASLSTEP_BADPARAM;
	}
	if ((bad = verifier_invalid(v)) != NULL) {
		set_why(why, bad);
		return SASLSTEP_BADPARAM;
	}
	return SASLSTEP_OK;
}

/*
 * Split s (len bytes) at each separator of seps in turn into nseps + 1
 * fields; the last field runs to the end and must not hold the last
 * separator again.  0 on success, -1 when a separator is missing.
 */
static int
fields_split(
    const char *s, size_t len, const char *seps, const char **f, size_t *fl)
{
	size_t i, pos = 0, nseps = strlen(seps);
	const char *p;

	for (i = 0; i < nseps; i++) {
		if ((p = memchr(s + pos, seps[i], len - pos)) == NULL)
			return -1;
		f[i] = s + pos;
		fl[i] = (size_t)(p - f[i]);
		pos += fl[i] + 1;
	}
	f[nseps] = s + pos;
	fl[nseps] = len - pos;
	if (nseps > 0 && memchr(f[nseps], seps[nseps - 1], fl[nseps]) != NULL)
		return -1;
	return 0;
}

int
sstep_scram_verifier_parse(
    const char *s, size_t len, struct sstep_scram_verifier *v, const char **why)
{
	const char *f[5];
	size_t fl[5];
	int r = SASLSTEP_BADPARAM;

	memset(v, 0, sizeof(*v));
	if (s == NULL || memchr(s, '\0', len) != NULL) {
		set_why(why, "NUL byte in the verifier");
		goto out;
	}
	if (len > 0 && s[0] == '{') {
		/* Dovecot / gsasl: {NAME}iter,salt,StoredKey,ServerKey */
		if (fields_split(s + 1, len - 1, "},,,", f, fl) != 0) {
			set_why(why, "expected {SCRAM-SHA-...}iterations,salt,"
			             "StoredKey,ServerKey");
			goto out;
		}
		if (memchr(f[4], ',', fl[4]) != NULL) {
			set_why(why, "extra field after ServerKey (gsasl's "
			             "salted password is a secret: leave it "
			             "out)");
			goto out;
		}
	} else if (fields_split(s, len, "$:$:", f, fl) != 0) {
		/* RFC 5803 / PostgreSQL: NAME$iter:salt$StoredKey:ServerKey */
		set_why(why, "expected SCRAM-SHA-...$iterations:salt$StoredKey:"
		             "ServerKey");
		goto out;
	}
	r = verifier_from_fields(f[0], fl[0], f + 1, fl + 1, v, why);
out:
	if (r != SASLSTEP_OK)
		sstep_scram_verifier_clear(v);
	return r;
}

int
sstep_scram_verifier_format(
    const struct sstep_scram_verifier *v, char **out, size_t *outlen)
{
	char *salt = NULL, *stored = NULL, *server = NULL, *s = NULL;
	size_t saltlen = 0, storedlen = 0, serverlen = 0, keylen, n;
	int r, len;

	*out = NULL;
	*outlen = 0;
	if (verifier_invalid(v) != NULL)
		return SASLSTEP_BADPARAM;
	keylen = sstep_scram_alg_keylen(v->alg);
	if ((r = sstep_base64_encode(v->salt, v->saltlen, &salt, &saltlen)) !=
	        SASLSTEP_OK ||
	    (r = sstep_base64_encode(
	         v->stored_key, keylen, &stored, &storedlen)) != SASLSTEP_OK ||
	    (r = sstep_base64_encode(
	         v->server_key, keylen, &server, &serverlen)) != SASLSTEP_OK)
		goto out;
	n = strlen(sstep_scram_alg_name(v->alg)) + 24 + saltlen + storedlen +
	    serverlen;
	if ((s = malloc(n)) == NULL) {
		r = SASLSTEP_NOMEM;
		goto out;
	}
	len = snprintf(s, n, "%s$%u:%s$%s:%s", sstep_scram_alg_name(v->alg),
	    v->iter, salt, stored, server);
	if (len < 0 || (size_t)len >= n) {
		sstep_freezero(s, n);
		r = SASLSTEP_FAIL;
		goto out;
	}
	*out = s;
	*outlen = (size_t)len;
	r = SASLSTEP_OK;
out:
	free(salt);
	sstep_free_str(stored);
	sstep_free_str(server);
	return r;
}

int
sstep_scram_cred_make(
    const struct sstep_scram_verifier *v, struct sstep_cred *c)
{
	char *salt = NULL;
	size_t saltlen = 0, keylen;
	int r, n;

	memset(c, 0, sizeof(*c));
	if (verifier_invalid(v) != NULL)
		return SASLSTEP_BADPARAM;
	keylen = sstep_scram_alg_keylen(v->alg);
	if ((r = sstep_base64_encode(v->salt, v->saltlen, &salt, &saltlen)) !=
	    SASLSTEP_OK)
		return r;
	strncpy(
	    c->family, sstep_scram_alg_family(v->alg), sizeof(c->family) - 1);
	r = SASLSTEP_NOMEM;
	if ((c->params = malloc(SCRAM_PARAMS_MAX)) == NULL ||
	    (c->secret = malloc(2 * keylen)) == NULL)
		goto out;
	n = snprintf(c->params, SCRAM_PARAMS_MAX, "%u %s", v->iter, salt);
	if (n < 0 || n >= SCRAM_PARAMS_MAX) {
		r = SASLSTEP_FAIL;
		goto out;
	}
	memcpy(c->secret, v->stored_key, keylen);
	memcpy(c->secret + keylen, v->server_key, keylen);
	c->secret_len = 2 * keylen;
	c->counter = 0;
	r = SASLSTEP_OK;
out:
	free(salt);
	if (r != SASLSTEP_OK)
		sstep_cred_clear(c);
	return r;
}

int
sstep_scram_cred_parse(const struct sstep_cred *c,
    struct sstep_scram_verifier *v, const char **why)
{
	const char *f[2];
	size_t fl[2], keylen, len;
	unsigned long iter = 0;
	int r = SASLSTEP_BADPARAM;

	memset(v, 0, sizeof(*v));
	if (sstep_scram_alg_parse(c->family,
	        strnlen(c->family, sizeof(c->family)),
	        &v->alg) != SASLSTEP_OK) {
		set_why(why, "not a SCRAM credential");
		return SASLSTEP_BADVERS;
	}
	keylen = sstep_scram_alg_keylen(v->alg);
	if (c->params == NULL ||
	    (len = strnlen(c->params, SCRAM_PARAMS_MAX)) == SCRAM_PARAMS_MAX ||
	    fields_split(c->params, len, " ", f, fl) != 0 ||
	    count_parse(f[0], fl[0], SSTEP_SCRAM_ITER_STORE, &iter) != 0 ||
	    b64_into(f[1], fl[1], v->salt, 1, SSTEP_SCRAM_SALT_MAX,
	        &v->saltlen) != SASLSTEP_OK) {
		set_why(why, "malformed SCRAM parameters (\"<iterations> "
		             "<salt base64>\" expected)");
		goto out;
	}
	v->iter = (unsigned)iter;
	if (c->secret == NULL || c->secret_len != 2 * keylen) {
		set_why(why, "SCRAM secret is not StoredKey || ServerKey");
		goto out;
	}
	memcpy(v->stored_key, c->secret, keylen);
	memcpy(v->server_key, c->secret + keylen, keylen);
	if (verifier_invalid(v) != NULL) {
		set_why(why, verifier_invalid(v));
		goto out;
	}
	r = SASLSTEP_OK;
out:
	if (r != SASLSTEP_OK)
		sstep_scram_verifier_clear(v);
	return r;
}

int
sstep_scram_enrol(saslstep_store_t *st, const char *user,
    enum sstep_scram_alg alg, const char *pass, size_t passlen, unsigned iter,
    const char **why)
{
	struct sstep_scram_verifier v;
	struct sstep_cred c;
	unsigned char salt[SSTEP_SCRAM_SALT_LEN];
	int r;

	memset(&c, 0, sizeof(c));
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		set_why(why, "no random salt");
		return SASLSTEP_FAIL;
	}
	r = sstep_scram_verifier_make(
	    alg, pass, passlen, iter, salt, sizeof(salt), &v, why);
	if (r == SASLSTEP_OK &&
	    (r = sstep_scram_cred_make(&v, &c)) == SASLSTEP_OK &&
	    (r = sstep_store_cred_put(st, user, &c)) != SASLSTEP_OK)
		set_why(why, sstep_store_error(st));
	sstep_scram_verifier_clear(&v);
	sstep_cred_clear(&c);
	return r;
}

/*
 * The verifier an unknown, locked or key-less user seems to have: a salt
 * that stays the same for the name (from the store's server secret),
 * 4096 iterations, and keys that nobody's password gives.
 */
static int
verifier_fake(saslstep_store_t *st, enum sstep_scram_alg alg, const char *user,
    struct sstep_scram_verifier *v)
{
	unsigned char rnd[32];
	int r;

	memset(v, 0, sizeof(*v));
	if ((r = sstep_store_fake(
	         st, sstep_scram_alg_family(alg), user, rnd)) != SASLSTEP_OK)
		return r;
	v->alg = alg;
	v->iter = SSTEP_SCRAM_ITER_DEFAULT;
	v->saltlen = SSTEP_SCRAM_SALT_LEN;
	memcpy(v->salt, rnd, SSTEP_SCRAM_SALT_LEN);
	if ((r = hash(alg, rnd + SSTEP_SCRAM_SALT_LEN,
	         sizeof(rnd) - SSTEP_SCRAM_SALT_LEN, v->stored_key)) ==
	    SASLSTEP_OK)
		r = hash(alg, v->stored_key, sstep_scram_alg_keylen(alg),
		    v->server_key);
	sstep_wipe(rnd, sizeof(rnd));
	return r;
}

/*
 * The verifier a server uses for user: the stored one, or a fake one with
 * *fake_why saying why (unknown, locked, no verifier of this family).
 * Returns SASLSTEP_OK, SASLSTEP_FAIL (malformed stored verifier, *why) or
 * a store error (*why is the store's text).
 */
static int
verifier_lookup(saslstep_store_t *st, enum sstep_scram_alg alg,
    const char *user, struct sstep_scram_verifier *v, const char **fake_why,
    const char **why)
{
	struct sstep_user u;
	struct sstep_cred c;
	int r;

	memset(&u, 0, sizeof(u));
	memset(&c, 0, sizeof(c));
	*fake_why = NULL;
	/* A name the store cannot hold (e.g. with ':') belongs to nobody:
	 * it fails like any unknown name, not sooner. */
	if (!sstep_store_name_ok(user, strlen(user)))
		r = SASLSTEP_NOUSER;
	else
		r = sstep_store_user_get(st, user, &u);
	if (r == SASLSTEP_NOUSER)
		*fake_why = "unknown user";
	else if (r == SASLSTEP_OK && u.locked)
		*fake_why = "locked user";
	else if (r == SASLSTEP_OK) {
		r = sstep_store_cred_get(
		    st, user, sstep_scram_alg_family(alg), &c);
		if (r == SASLSTEP_NOUSER)
			*fake_why = "no SCRAM verifier of this hash for user";
		else if (r == SASLSTEP_OK &&
		         sstep_scram_cred_parse(&c, v, why) != SASLSTEP_OK)
			r = SASLSTEP_FAIL;
	}
	if (r != SASLSTEP_OK && *fake_why == NULL) {
		if (r != SASLSTEP_FAIL)
			set_why(why, sstep_store_error(st));
		goto out;
	}
	if (*fake_why != NULL &&
	    (r = verifier_fake(st, alg, user, v)) != SASLSTEP_OK)
		set_why(why, sstep_store_error(st));
out:
	sstep_cred_clear(&c);
	return r;
}

int
sstep_scram_check_password(saslstep_store_t *st, const char *user,
    const char *pass, size_t passlen, const char **why)
{
	struct sstep_scram_verifier v;
	unsigned char stored[SSTEP_SCRAM_KEY_MAX], server[SSTEP_SCRAM_KEY_MAX];
	const char *fake_why = NULL;
	char *prepped = NULL;
	size_t plen = 0;
	int r, same;

	memset(&v, 0, sizeof(v));
	if (st == NULL || user == NULL || pass == NULL) {
		set_why(why, "bad arguments");
		return SASLSTEP_BADPARAM;
	}
	if ((r = password_prepare(pass, passlen, &prepped, &plen, why)) !=
	    SASLSTEP_OK)
		goto out;
	if ((r = verifier_lookup(st, SSTEP_SCRAM_SHA256, user, &v, &fake_why,
	         why)) != SASLSTEP_OK)
		goto out;
	/* The same work whether the user exists or not. */
	if ((r = keys_derive(v.alg, prepped, plen, v.salt, v.saltlen, v.iter,
	         NULL, stored, server)) != SASLSTEP_OK) {
		set_why(why, "the key derivation failed");
		goto out;
	}
	same = sstep_secret_eq(
	    stored, v.stored_key, sstep_scram_alg_keylen(v.alg));
	if (fake_why != NULL || !same) {
		set_why(why, fake_why != NULL ? fake_why : "wrong password");
		r = SASLSTEP_BADAUTH;
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sstep_freezero(prepped, plen + 1);
	sstep_wipe(stored, sizeof(stored));
	sstep_wipe(server, sizeof(server));
	sstep_scram_verifier_clear(&v);
	return r;
}

/* ---------------------------------------------------------------------- */
/* Messages                                                                */
/* ---------------------------------------------------------------------- */

static char test_nonce[SCRAM_NONCE_TEST + 1];

void
sstep_scram_test_nonce(const char *nonce)
{
	memset(test_nonce, 0, sizeof(test_nonce));
	if (nonce != NULL)
		snprintf(test_nonce, sizeof(test_nonce), "%s", nonce);
}

/* A fresh nonce (RFC 5802 s. 5.1: printable, no ','): base64 of random
 * bytes, or the one a test fixed.  Returns its length, or -1. */
static int
nonce_make(char out[SCRAM_NONCE_TEST + 1])
{
	unsigned char rnd[SCRAM_NONCE_RAND];
	char *b64 = NULL;
	size_t n = 0;

	if (test_nonce[0] != '\0') {
		memcpy(out, test_nonce, sizeof(test_nonce));
		memset(test_nonce, 0, sizeof(test_nonce));
		return (int)strlen(out);
	}
	if (RAND_bytes(rnd, sizeof(rnd)) != 1 ||
	    sstep_base64_encode(rnd, sizeof(rnd), &b64, &n) != SASLSTEP_OK)
		return -1;
	memcpy(out, b64, n + 1);
	free(b64);
	return (int)n;
}

/* RFC 5802 s. 7: printable = %x21-2B / %x2D-7E. */
static int
nonce_ok(const char *s, size_t len)
{
	size_t i;

	if (len < 1 || len > SCRAM_NONCE_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] < 0x21 || s[i] > 0x7e || s[i] == ',')
			return 0;
	}
	return 1;
}

/* What every message must be before it is parsed: present, not too
 * long, without NUL bytes.  NULL if so, else why not. */
static const char *
msg_invalid(const char *in, size_t len)
{
	if (len == 0)
		return "empty message";
	if (len > SCRAM_MSG_MAX)
		return "message too long";
	if (memchr(in, '\0', len) != NULL)
		return "NUL byte in the message";
	return NULL;
}

struct attr {
	char name;
	const char *val;
	size_t len;
};

/*
 * RFC 5802 s. 7: a message is attr-val *("," attr-val), attr-val =
 * ALPHA "=" 1*value-char.  Split msg into a; returns the count, or -1.
 */
static int
attrs_split(const char *msg, size_t len, struct attr *a, int max)
{
	const char *p, *end = msg + len, *comma;
	int n = 0;

	for (p = msg;; p = comma + 1) {
		if (n == max || end - p < 3)
			return -1;
		if (!((p[0] >= 'a' && p[0] <= 'z') ||
		        (p[0] >= 'A' && p[0] <= 'Z')) ||
		    p[1] != '=')
			return -1;
		comma = memchr(p, ',', (size_t)(end - p));
		a[n].name = p[0];
		a[n].val = p + 2;
		a[n].len = (size_t)((comma == NULL ? end : comma) - a[n].val);
		if (a[n].len == 0)
			return -1;
		n++;
		if (comma == NULL)
			return n;
	}
}

/*
 * The optional extensions a[from..to): RFC 5802 s. 5.1 makes m= (a
 * mandatory extension) fatal when not understood, and we understand none;
 * others are ignored.  A letter RFC 5802 already uses is no extension.
 * NULL if acceptable, else why not.
 */
static const char *
extensions_invalid(const struct attr *a, int from, int to)
{
	int i;

	for (i = from; i < to; i++) {
		if (a[i].name == 'm')
			return "mandatory extension (m=) not supported";
		if (strchr(SCRAM_DEFINED_ATTRS, a[i].name) != NULL)
			return "attribute repeated or out of order";
	}
	return NULL;
}

/* Are the first n attributes named as names says, in that order? */
static int
attrs_are(const struct attr *a, int count, const char *names)
{
	int i, n = (int)strlen(names);

	if (count < n)
		return 0;
	for (i = 0; i < n; i++) {
		if (a[i].name != names[i])
			return 0;
	}
	return 1;
}

/*
 * RFC 5802 s. 5.1: in a saslname ',' and '=' travel as "=2C" and "=3D",
 * and any other '=' fails the exchange.  Decode s into out (outsize
 * bytes, NUL-terminated); 0, or -1 when malformed or too long.
 */
static int
saslname_decode(
    const char *s, size_t len, char *out, size_t outsize, size_t *outlen)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (n + 1 >= outsize)
			return -1;
		if (s[i] != '=') {
			out[n++] = s[i];
			continue;
		}
		if (len - i < 3)
			return -1;
		if (s[i + 1] == '2' && s[i + 2] == 'C')
			out[n++] = ',';
		else if (s[i + 1] == '3' && s[i + 2] == 'D')
			out[n++] = '=';
		else
			return -1;
		i += 2;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

/* The other way; out must hold 3 * len + 1 bytes. */
static size_t
saslname_encode(const char *s, size_t len, char *out)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == ',') {
			memcpy(out + n, "=2C", 3);
			n += 3;
		} else if (s[i] == '=') {
			memcpy(out + n, "=3D", 3);
			n += 3;
		} else
			out[n++] = s[i];
	}
	out[n] = '\0';
	return n;
}

/*
 * RFC 5802 s. 5.1: a user name (or authzid) is SASLprep'ed as a query
 * string, on both sides; it must not come out empty.  Into out.
 */
static int
name_prepare(const char *s, size_t len, char out[SSTEP_NAME_MAX + 1],
    size_t *outlen, const char **why)
{
	char *prepped = NULL;
	size_t n = 0;
	int r;

	*outlen = 0;
	if ((r = sstep_saslprep(s, len, 0, &prepped, &n, why)) != SASLSTEP_OK)
		return r;
	if (n == 0 || n > SSTEP_NAME_MAX) {
		set_why(why, n == 0 ? "empty name" : "name too long");
		r = SASLSTEP_BADPARAM;
	} else {
		memcpy(out, prepped, n + 1);
		*outlen = n;
	}
	sstep_freezero(prepped, n + 1);
	return r;
}

/* ClientKey XOR ClientSignature (RFC 5802 s. 3), in place into a. */
static void
xor_into(unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		a[i] ^= b[i];
}

/* ---------------------------------------------------------------------- */
/* The mechanism: server                                                   */
/* ---------------------------------------------------------------------- */

enum scram_server_state {
	SCRAM_S_FIRST, /* waiting for client-first-message */
	SCRAM_S_FINAL, /* server-first sent, waiting for client-final */
	SCRAM_S_DONE
};

struct scram_server {
	const struct scram_digest *d;
	enum scram_server_state state;
	char user[SSTEP_NAME_MAX + 1];
	size_t userlen;
	const char *fake_why; /* set when the verifier is a fake one */
	struct sstep_scram_verifier v;
	char gs2[SCRAM_GS2_MAX + 1]; /* the client's GS2 header, for c= */
	size_t gs2len;
	char nonce[SCRAM_NONCE_MAX + 1]; /* c-nonce || s-nonce */
	size_t noncelen;
	/* AuthMessage (RFC 5802 s. 3) as far as it is known. */
	char *auth;
	size_t authlen, authsize;
};

static int
scram_server_new(struct sstep_conn *conn, void **state)
{
	const struct sstep_mech *m = sstep_conn_mech(conn);

	struct scram_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SASLSTEP_NOMEM;
	s->d = m->param;
	s->state = SCRAM_S_FIRST;
	*state = s;
	return SASLSTEP_OK;
}

static void
scram_server_free(struct sstep_conn *conn, void *state)
{
	struct scram_server *s = state;

	if (s == NULL)
		return;
	sstep_freezero(s->auth, s->authsize);
	sstep_freezero(s, sizeof(*s));
}

/* Append to the AuthMessage; the buffer was sized for all of it. */
static void
auth_append(struct scram_server *s, const char *p, size_t n)
{
	memcpy(s->auth + s->authlen, p, n);
	s->authlen += n;
}

/*
 * RFC 5802 s. 7 gs2-header: ("n" / "y") "," ["a=" saslname] ",";
 * "p=" (channel binding) is refused.  Sets s->gs2 and *zname / *zlen
 * (the raw authzid, possibly empty); returns the header length, or -1
 * with *why.
 */
static int
gs2_parse(struct scram_server *s, const char *in, size_t len,
    const char **zname, size_t *zlen, const char **why)
{
	const char *comma;
	size_t pos;

	*zname = NULL;
	*zlen = 0;
	if (len >= 1 && in[0] == 'p') {
		*why = "channel binding (p=) is not supported";
		return -1;
	}
	if (len < 3 || (in[0] != 'n' && in[0] != 'y') || in[1] != ',') {
		*why = "bad GS2 header (\"n,,\" or \"y,,\" expected)";
		return -1;
	}
	pos = 2;
	if (in[pos] == 'a' && len - pos >= 2 && in[pos + 1] == '=') {
		if ((comma = memchr(in + pos, ',', len - pos)) == NULL ||
		    (size_t)(comma - in) == pos + 2) {
			*why = "bad authorization identity in the GS2 header";
			return -1;
		}
		*zname = in + pos + 2;
		*zlen = (size_t)(comma - *zname);
		pos = (size_t)(comma - in);
	}
	if (in[pos] != ',' || pos + 1 > SCRAM_GS2_MAX) {
		*why = "bad GS2 header";
		return -1;
	}
	pos++;
	memcpy(s->gs2, in, pos);
	s->gs2[pos] = '\0';
	s->gs2len = pos;
	return (int)pos;
}

/* Decode and SASLprep a saslname from a message into out. */
static int
saslname_take(const char *raw, size_t rawlen, char out[SSTEP_NAME_MAX + 1],
    size_t *outlen, const char **why)
{
	char buf[SCRAM_MSG_MAX + 1];
	size_t n = 0;

	if (saslname_decode(raw, rawlen, buf, sizeof(buf), &n) != 0) {
		*why = "bad saslname escape (only =2C and =3D)";
		return SASLSTEP_BADPROT;
	}
	if (name_prepare(buf, n, out, outlen, why) != SASLSTEP_OK)
		return SASLSTEP_BADPROT;
	return SASLSTEP_OK;
}

/* Send server-first-message and keep it in the AuthMessage. */
static int
server_first_send(struct sstep_conn *conn, struct scram_server *s)
{
	char snonce[SCRAM_NONCE_TEST + 1], msg[SCRAM_MSG_MAX];
	char *salt = NULL;
	size_t saltlen = 0;
	int n, r;

	if ((n = nonce_make(snonce)) < 0 ||
	    s->noncelen + (size_t)n > SCRAM_NONCE_MAX)
		return sstep_fail(
		    conn, SASLSTEP_FAIL, "%s: no nonce", s->d->mech->name);
	memcpy(s->nonce + s->noncelen, snonce, (size_t)n + 1);
	s->noncelen += (size_t)n;
	if ((r = sstep_base64_encode(
	         s->v.salt, s->v.saltlen, &salt, &saltlen)) != SASLSTEP_OK)
		return sstep_fail(conn, r, "out of memory");
	n = snprintf(
	    msg, sizeof(msg), "r=%s,s=%s,i=%u", s->nonce, salt, s->v.iter);
	free(salt);
	if (n < 0 || (size_t)n >= sizeof(msg) ||
	    s->authlen + (size_t)n + 2 > s->authsize)
		return sstep_fail(conn, SASLSTEP_FAIL, "%s: message too long",
		    s->d->mech->name);
	auth_append(s, msg, (size_t)n);
	auth_append(s, ",", 1);
	if ((r = sstep_out(conn, msg, (size_t)n)) != SASLSTEP_OK)
		return sstep_fail(conn, r, "out of memory");
	s->state = SCRAM_S_FINAL;
	return SASLSTEP_CONTINUE;
}

/* Step 1: client-first-message; answer with server-first-message. */
static int
server_first(
    struct sstep_conn *conn, struct scram_server *s, const char *in, size_t len)
{
	struct attr a[SCRAM_ATTRS_MAX];
	char zid[SSTEP_NAME_MAX + 1];
	const char *why = NULL, *zraw, *bare, *lookup_why = NULL;
	size_t zrawlen, zidlen = 0, barelen;
	int n, hl, r;

	if ((why = msg_invalid(in, len)) != NULL ||
	    (hl = gs2_parse(s, in, len, &zraw, &zrawlen, &why)) < 0)
		return sstep_fail(
		    conn, SASLSTEP_BADPROT, "%s: %s", s->d->mech->name, why);
	bare = in + hl;
	barelen = len - (size_t)hl;
	/* RFC 5802 s. 7: [reserved-mext ","] username "," nonce
	 * ["," extensions]. */
	if ((n = attrs_split(bare, barelen, a, SCRAM_ATTRS_MAX)) < 0)
		why = "malformed client-first-message";
	else if (n > 0 && a[0].name == 'm')
		why = "mandatory extension (m=) not supported";
	else if (!attrs_are(a, n, "nr"))
		why = "client-first-message wants n= then r=";
	else if (!nonce_ok(a[1].val, a[1].len) || a[1].len > SCRAM_NONCE_TEST)
		why = "bad client nonce";
	else
		why = extensions_invalid(a, 2, n);
	if (why != NULL)
		return sstep_fail(
		    conn, SASLSTEP_BADPROT, "%s: %s", s->d->mech->name, why);
	if (saslname_take(a[0].val, a[0].len, s->user, &s->userlen, &why) !=
	        SASLSTEP_OK ||
	    (zraw != NULL && saslname_take(zraw, zrawlen, zid, &zidlen, &why) !=
	                         SASLSTEP_OK))
		return sstep_fail(conn, SASLSTEP_BADPROT, "%s: user name: %s",
		    s->d->mech->name, why);
	if (zraw != NULL &&
	    (zidlen != s->userlen || memcmp(zid, s->user, zidlen) != 0))
		return sstep_fail(conn, SASLSTEP_BADAUTH,
		    "%s: %s asked to act as another user (proxy authorization "
		    "is not supported)",
		    s->d->mech->name, s->user);

	memcpy(s->nonce, a[1].val, a[1].len);
	s->noncelen = a[1].len;
	/* AuthMessage: client-first-message-bare "," server-first-message
	 * "," client-final-message-without-proof; each at most
	 * SCRAM_MSG_MAX. */
	s->authsize = 3 * SCRAM_MSG_MAX + 3;
	if ((s->auth = malloc(s->authsize)) == NULL)
		return sstep_fail(conn, SASLSTEP_NOMEM, "out of memory");
	auth_append(s, bare, barelen);
	auth_append(s, ",", 1);

	r = verifier_lookup(sstep_conn_store(conn), s->d->alg, s->user, &s->v,
	    &s->fake_why, &lookup_why);
	if (r != SASLSTEP_OK)
		return sstep_fail(conn, r, "%s: %s: %s", s->d->mech->name,
		    s->user, lookup_why == NULL ? "store error" : lookup_why);
	return server_first_send(conn, s);
}

/* Step 2: client-final-message; check the proof, answer with v=. */
static int
server_final(
    struct sstep_conn *conn, struct scram_server *s, const char *in, size_t len)
{
	struct attr a[SCRAM_ATTRS_MAX];
	unsigned char proof[SSTEP_SCRAM_KEY_MAX], sig[SSTEP_SCRAM_KEY_MAX];
	unsigned char key[SSTEP_SCRAM_KEY_MAX], gs2[SCRAM_GS2_MAX];
	char *b64 = NULL;
	const char *why = NULL;
	size_t klen = s->d->len, n = 0, wlen, b64len = 0;
	int na, r, same;

	/* RFC 5802 s. 7: channel-binding "," nonce ["," extensions] ","
	 * proof. */
	if ((why = msg_invalid(in, len)) != NULL)
		;
	else if ((na = attrs_split(in, len, a, SCRAM_ATTRS_MAX)) < 0)
		why = "malformed client-final-message";
	else if (na > 0 && a[0].name == 'm')
		why = "mandatory extension (m=) not supported";
	else if (!attrs_are(a, na, "cr") || na < 3 || a[na - 1].name != 'p')
		why = "client-final-message wants c=, r=, then p= last";
	else if ((why = extensions_invalid(a, 2, na - 1)) != NULL)
		;
	else if (b64_into(a[0].val, a[0].len, gs2, 1, sizeof(gs2), &n) !=
	         SASLSTEP_OK)
		why = "c= is not base64";
	else if (n != s->gs2len || memcmp(gs2, s->gs2, n) != 0)
		why = "c= does not match the GS2 header (channel binding)";
	else if (a[1].len != s->noncelen ||
	         memcmp(a[1].val, s->nonce, s->noncelen) != 0)
		why = "nonce does not match";
	else if (b64_into(a[na - 1].val, a[na - 1].len, proof, klen, klen,
	             &n) != SASLSTEP_OK)
		why = "p= is not base64 of the digest length";
	if (why != NULL) {
		r = sstep_fail(conn, SASLSTEP_BADPROT, "%s: %s: %s",
		    s->d->mech->name, s->user, why);
		goto out;
	}
	/* Everything before ",p=" is client-final-message-without-proof. */
	wlen = (size_t)(a[na - 1].val - 3 - in);
	if (s->authlen + wlen > s->authsize) {
		r = sstep_fail(conn, SASLSTEP_FAIL, "%s: AuthMessage too long",
		    s->d->mech->name);
		goto out;
	}
	auth_append(s, in, wlen);

	/* RFC 5802 s. 3: ClientKey = ClientProof XOR HMAC(StoredKey,
	 * AuthMessage); the proof holds when H(ClientKey) is StoredKey. */
	if ((r = hmac(s->d->alg, s->v.stored_key, klen, s->auth, s->authlen,
	         sig)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "%s: HMAC failed", s->d->mech->name);
		goto out;
	}
	xor_into(proof, sig, klen); /* now ClientKey */
	if ((r = hash(s->d->alg, proof, klen, key)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "%s: hash failed", s->d->mech->name);
		goto out;
	}
	same = sstep_secret_eq(key, s->v.stored_key, klen);
	if (s->fake_why != NULL || !same) {
		r = sstep_fail(conn, SASLSTEP_BADAUTH, "%s: %s: %s",
		    s->d->mech->name, s->user,
		    s->fake_why != NULL ? s->fake_why
		                        : "wrong password (proof)");
		goto out;
	}
	/* ServerSignature = HMAC(ServerKey, AuthMessage), sent as v=. */
	if ((r = hmac(s->d->alg, s->v.server_key, klen, s->auth, s->authlen,
	         sig)) != SASLSTEP_OK ||
	    (r = sstep_base64_encode(sig, klen, &b64, &b64len)) !=
	        SASLSTEP_OK ||
	    (r = sstep_outf(conn, "v=%s", b64)) != SASLSTEP_OK ||
	    (r = sstep_conn_set_username(conn, s->user, s->userlen)) !=
	        SASLSTEP_OK) {
		r = sstep_fail(conn, r == SASLSTEP_NOMEM ? r : SASLSTEP_FAIL,
		    "%s: cannot make the server signature", s->d->mech->name);
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sstep_wipe(proof, sizeof(proof));
	sstep_wipe(sig, sizeof(sig));
	sstep_wipe(key, sizeof(key));
	sstep_free_str(b64);
	return r;
}

static int
scram_server_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct scram_server *s = state;
	int r;

	switch (s->state) {
	case SCRAM_S_FIRST:
		if (in == NULL) {
			/* No initial response: an empty challenge asks for
			 * client-first-message (RFC 4422 s. 5). */
			r = sstep_out(conn, "", 0);
			return r == SASLSTEP_OK ? SASLSTEP_CONTINUE : r;
		}
		r = server_first(conn, s, in, inlen);
		break;
	case SCRAM_S_FINAL:
		r = server_final(conn, s, in == NULL ? "" : in, inlen);
		break;
	default:
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "%s: message after the end of the exchange",
		    s->d->mech->name);
	}
	if (r != SASLSTEP_CONTINUE) {
		/* One try per connection; the keys go at once. */
		s->state = SCRAM_S_DONE;
		sstep_scram_verifier_clear(&s->v);
	}
	return r;
}

/* ---------------------------------------------------------------------- */
/* The mechanism: client                                                   */
/* ---------------------------------------------------------------------- */

enum scram_client_state {
	SCRAM_C_START, /* send client-first-message */
	SCRAM_C_FIRST, /* answer server-first-message */
	SCRAM_C_FINAL, /* verify server-final-message */
	SCRAM_C_DONE
};

struct scram_client {
	const struct scram_digest *d;
	enum scram_client_state state;
	/* client-first-message: the GS2 header (gs2len bytes), then
	 * client-first-message-bare, which ends with the nonce. */
	char *first;
	size_t firstlen, gs2len, cnoncelen;
	unsigned char server_sig[SSTEP_SCRAM_KEY_MAX]; /* expected v= */
};

static int
scram_client_new(struct sstep_conn *conn, void **state)
{
	const struct sstep_mech *m = sstep_conn_mech(conn);

	struct scram_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SASLSTEP_NOMEM;
	c->d = m->param;
	c->state = SCRAM_C_START;
	*state = c;
	return SASLSTEP_OK;
}

static void
scram_client_free(struct sstep_conn *conn, void *state)
{
	struct scram_client *c = state;

	if (c == NULL)
		return;
	free(c->first);
	sstep_freezero(c, sizeof(*c));
}

/* Start: client-first-message (RFC 5802 s. 5.1). */
static int
client_start(struct sstep_conn *conn, struct scram_client *c, const char *in,
    size_t inlen)
{
	char name[SSTEP_NAME_MAX + 1], zid[SSTEP_NAME_MAX + 1];
	char nonce[SCRAM_NONCE_TEST + 1];
	const char *authcid, *authzid, *why = NULL;
	size_t clen, namelen = 0, zidlen = 0, pos, size;
	int r, n;

	if (in != NULL && inlen != 0)
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "%s: server data before the client's first message",
		    c->d->mech->name);
	if ((r = sstep_need(conn, SASLSTEP_CB_AUTHNAME, NULL,
	         "Authentication name: ", &authcid, &clen)) != SASLSTEP_OK)
		return r;
	authzid = sstep_conn_prop(conn, SASLSTEP_PROP_AUTHZID);
	if (name_prepare(authcid, clen, name, &namelen, &why) != SASLSTEP_OK ||
	    (authzid != NULL && authzid[0] != '\0' &&
	        name_prepare(authzid, strlen(authzid), zid, &zidlen, &why) !=
	            SASLSTEP_OK))
		return sstep_fail(conn, SASLSTEP_BADPARAM, "%s: user name: %s",
		    c->d->mech->name, why);
	if ((n = nonce_make(nonce)) < 0)
		return sstep_fail(
		    conn, SASLSTEP_FAIL, "%s: no nonce", c->d->mech->name);
	/* "n,a=" zid "," "n=" name ",r=" nonce NUL, names escaped (3 bytes
	 * a byte at most).  We have no channel binding: always "n". */
	size = 4 + 3 * zidlen + 1 + 2 + 3 * namelen + 3 + (size_t)n + 1;
	if ((c->first = malloc(size)) == NULL)
		return SASLSTEP_NOMEM;
	if (zidlen > 0) {
		memcpy(c->first, "n,a=", 4);
		pos = 4 + saslname_encode(zid, zidlen, c->first + 4);
		c->first[pos++] = ',';
	} else {
		memcpy(c->first, "n,,", 3);
		pos = 3;
	}
	c->gs2len = pos;
	memcpy(c->first + pos, "n=", 2);
	pos += 2 + saslname_encode(name, namelen, c->first + pos + 2);
	memcpy(c->first + pos, ",r=", 3);
	memcpy(c->first + pos + 3, nonce, (size_t)n + 1);
	c->firstlen = pos + 3 + (size_t)n;
	c->cnoncelen = (size_t)n;
	if ((r = sstep_out(conn, c->first, c->firstlen)) != SASLSTEP_OK)
		return r;
	c->state = SCRAM_C_FIRST;
	return SASLSTEP_CONTINUE;
}

/* The highest iteration count the application lets us compute. */
static int
client_iter_max(struct sstep_conn *conn, unsigned long *max)
{
	const char *p = sstep_conn_prop(conn, SASLSTEP_PROP_ITER_MAX);

	*max = SSTEP_SCRAM_CLIENT_ITER_MAX;
	if (p == NULL)
		return 0;
	return count_parse(p, strlen(p), INT_MAX, max);
}

/*
 * The client-final-message for server-first-message in, with the password
 * pass (SASLprep'ed): c=, r=, p= (RFC 5802 s. 3), keeping the expected
 * ServerSignature.
 */
static int
client_proof(struct sstep_conn *conn, struct scram_client *c, const char *in,
    size_t inlen, const struct sstep_scram_verifier *salt_iter,
    const struct attr *nonce, const char *pass, size_t passlen)
{
	unsigned char ck[SSTEP_SCRAM_KEY_MAX], stored[SSTEP_SCRAM_KEY_MAX];
	unsigned char server[SSTEP_SCRAM_KEY_MAX], sig[SSTEP_SCRAM_KEY_MAX];
	char *gs2b64 = NULL, *proofb64 = NULL, *auth = NULL;
	const char *bare = c->first + c->gs2len;
	size_t klen = c->d->len, g = 0, p = 0, authlen, wlen, size = 0;
	size_t barelen = c->firstlen - c->gs2len;
	enum sstep_scram_alg alg = c->d->alg;
	int r, n;

	if ((r = keys_derive(alg, pass, passlen, salt_iter->salt,
	         salt_iter->saltlen, salt_iter->iter, ck, stored, server)) !=
	    SASLSTEP_OK) {
		r = sstep_fail(
		    conn, r, "%s: key derivation failed", c->d->mech->name);
		goto out;
	}
	if ((r = sstep_base64_encode(c->first, c->gs2len, &gs2b64, &g)) !=
	    SASLSTEP_OK)
		goto out;
	/* AuthMessage = client-first-message-bare "," server-first-message
	 * "," client-final-message-without-proof; the buffer has room for
	 * ",p=" and the proof after it, which make client-final-message. */
	wlen = 2 + g + 3 + nonce->len;
	authlen = barelen + 1 + inlen + 1 + wlen;
	size = authlen + 3 + 4 * ((klen + 2) / 3) + 1;
	if ((auth = malloc(size)) == NULL) {
		r = SASLSTEP_NOMEM;
		goto out;
	}
	n = snprintf(auth, authlen + 1, "%.*s,%.*s,c=%s,r=%.*s", (int)barelen,
	    bare, (int)inlen, in, gs2b64, (int)nonce->len, nonce->val);
	if (n < 0 || (size_t)n != authlen) {
		r = sstep_fail(
		    conn, SASLSTEP_FAIL, "%s: AuthMessage", c->d->mech->name);
		goto out;
	}
	if ((r = hmac(alg, stored, klen, auth, authlen, sig)) != SASLSTEP_OK ||
	    (r = hmac(alg, server, klen, auth, authlen, c->server_sig)) !=
	        SASLSTEP_OK) {
		r = sstep_fail(conn, r, "%s: HMAC failed", c->d->mech->name);
		goto out;
	}
	xor_into(ck, sig, klen); /* ClientProof */
	if ((r = sstep_base64_encode(ck, klen, &proofb64, &p)) != SASLSTEP_OK ||
	    authlen + 3 + p + 1 != size) {
		r = r == SASLSTEP_OK ? SASLSTEP_FAIL : r;
		goto out;
	}
	memcpy(auth + authlen, ",p=", 3);
	memcpy(auth + authlen + 3, proofb64, p + 1);
	r = sstep_out(conn, auth + authlen - wlen, wlen + 3 + p);
out:
	sstep_wipe(ck, sizeof(ck));
	sstep_wipe(stored, sizeof(stored));
	sstep_wipe(server, sizeof(server));
	sstep_wipe(sig, sizeof(sig));
	free(gs2b64);
	sstep_free_str(proofb64);
	sstep_freezero(auth, size);
	return r;
}

/* Step 2: server-first-message; answer with client-final-message. */
static int
client_first(
    struct sstep_conn *conn, struct scram_client *c, const char *in, size_t len)
{
	struct sstep_scram_verifier si;
	struct attr a[SCRAM_ATTRS_MAX];
	const char *why = NULL, *pass;
	char *prepped = NULL;
	unsigned long iter = 0, max = 0;
	size_t passlen, plen = 0;
	int n, r;

	memset(&si, 0, sizeof(si));
	/* RFC 5802 s. 7: [reserved-mext ","] nonce "," salt ","
	 * iteration-count ["," extensions]. */
	if ((why = msg_invalid(in, len)) != NULL)
		;
	else if ((n = attrs_split(in, len, a, SCRAM_ATTRS_MAX)) < 0)
		why = "malformed server-first-message";
	else if (n > 0 && a[0].name == 'm')
		why = "mandatory extension (m=) not supported";
	else if (!attrs_are(a, n, "rsi"))
		why = "server-first-message wants r=, s=, then i=";
	else if ((why = extensions_invalid(a, 3, n)) != NULL)
		;
	else if (!nonce_ok(a[0].val, a[0].len) || a[0].len <= c->cnoncelen ||
	         memcmp(a[0].val, c->first + c->firstlen - c->cnoncelen,
	             c->cnoncelen) != 0)
		why = "the server's nonce does not extend ours";
	else if (b64_into(a[1].val, a[1].len, si.salt, 1, SSTEP_SCRAM_SALT_MAX,
	             &si.saltlen) != SASLSTEP_OK)
		why = "salt is not base64 of 1 to 128 bytes";
	else if (client_iter_max(conn, &max) != 0)
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "%s: SASLSTEP_PROP_ITER_MAX is not a number",
		    c->d->mech->name);
	else if (count_parse(a[2].val, a[2].len, max, &iter) != 0 ||
	         iter < SSTEP_SCRAM_ITER_MIN)
		why = "iteration count below 4096 or above the maximum "
		      "(SASLSTEP_PROP_ITER_MAX)";
	if (why != NULL)
		return sstep_fail(
		    conn, SASLSTEP_BADPROT, "%s: %s", c->d->mech->name, why);
	si.iter = (unsigned)iter;

	if ((r = sstep_need(conn, SASLSTEP_CB_PASS, NULL, "Password: ", &pass,
	         &passlen)) != SASLSTEP_OK)
		goto out;
	if ((r = password_prepare(pass, passlen, &prepped, &plen, &why)) !=
	    SASLSTEP_OK) {
		r = sstep_fail(conn,
		    r == SASLSTEP_NOMEM ? r : SASLSTEP_BADPARAM,
		    "%s: password refused: %s", c->d->mech->name, why);
		goto out;
	}
	if ((r = client_proof(conn, c, in, len, &si, &a[0], prepped, plen)) !=
	    SASLSTEP_OK)
		goto out;
	c->state = SCRAM_C_FINAL;
	r = SASLSTEP_CONTINUE;
out:
	sstep_freezero(prepped, plen + 1);
	sstep_scram_verifier_clear(&si);
	return r;
}

/* Is the e= value printable enough to log? */
static int
printable(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	}
	return 1;
}

/* Step 3: server-final-message (RFC 5802 s. 5.1, v= or e=). */
static int
client_final(
    struct sstep_conn *conn, struct scram_client *c, const char *in, size_t len)
{
	struct attr a[SCRAM_ATTRS_MAX];
	unsigned char sig[SSTEP_SCRAM_KEY_MAX];
	const char *comma;
	size_t n = 0, elen;
	int na, r;

	if (len >= 2 && in[0] == 'e' && in[1] == '=') {
		comma = memchr(in + 2, ',', len - 2);
		elen = comma == NULL ? len - 2 : (size_t)(comma - in - 2);
		if (elen > 64 || !printable(in + 2, elen))
			elen = 0;
		return sstep_fail(conn, SASLSTEP_BADAUTH,
		    "%s: the server refused: e=%.*s", c->d->mech->name,
		    (int)elen, in + 2);
	}
	if (msg_invalid(in, len) != NULL ||
	    (na = attrs_split(in, len, a, SCRAM_ATTRS_MAX)) < 1 ||
	    a[0].name != 'v' || extensions_invalid(a, 1, na) != NULL ||
	    b64_into(a[0].val, a[0].len, sig, c->d->len, c->d->len, &n) !=
	        SASLSTEP_OK)
		r = sstep_fail(conn, SASLSTEP_BADSERV,
		    "%s: no valid server signature (v=)", c->d->mech->name);
	else if (!sstep_secret_eq(sig, c->server_sig, c->d->len))
		r = sstep_fail(conn, SASLSTEP_BADSERV,
		    "%s: the server signature is forged", c->d->mech->name);
	else
		r = SASLSTEP_OK;
	sstep_wipe(sig, sizeof(sig));
	sstep_wipe(c->server_sig, sizeof(c->server_sig));
	c->state = SCRAM_C_DONE;
	return r;
}

static int
scram_client_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct scram_client *c = state;

	switch (c->state) {
	case SCRAM_C_START:
		return client_start(conn, c, in, inlen);
	case SCRAM_C_FIRST:
		return client_first(conn, c, in == NULL ? "" : in, inlen);
	case SCRAM_C_FINAL:
		return client_final(conn, c, in == NULL ? "" : in, inlen);
	case SCRAM_C_DONE:
		break;
	}
	return sstep_fail(conn, SASLSTEP_BADPARAM,
	    "%s: step after the end of the exchange", c->d->mech->name);
}

/* One set of operations; each mechanism is its digest (the param). */
static const struct sstep_mech_funcs scram_funcs = {scram_client_new,
    scram_client_step, scram_client_free, scram_server_new, scram_server_step,
    scram_server_free};

const struct sstep_mech sstep_mech_scram_sha1 = {"SCRAM-SHA-1", "scram-sha-1",
    SSTEP_MECH_CLIENT_FIRST, &digests[0], &scram_funcs};
const struct sstep_mech sstep_mech_scram_sha256 = {"SCRAM-SHA-256",
    "scram-sha-256", SSTEP_MECH_CLIENT_FIRST, &digests[1], &scram_funcs};
/* No RFC: draft-melnikov-scram-sha-512. */
const struct sstep_mech sstep_mech_scram_sha512 = {"SCRAM-SHA-512",
    "scram-sha-512", SSTEP_MECH_CLIENT_FIRST | SSTEP_MECH_DRAFT, &digests[2],
    &scram_funcs};

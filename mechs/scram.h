/*
 * scram.h: SCRAM (RFC 5802, RFC 7677) verifiers and password checks, for
 * the mechanism's users inside the project: `saslstep passwd`, PLAIN's
 * server, import/export and the tests.  Nobody outside mechs/scram.c
 * encodes a verifier or a credential by hand.
 *
 * A verifier is what a server keeps instead of the password (RFC 5802
 * s. 3): salt, iteration count, StoredKey = H(HMAC(SaltedPassword,
 * "Client Key")) and ServerKey = HMAC(SaltedPassword, "Server Key"), with
 * SaltedPassword = PBKDF2-HMAC(SASLprep(password), salt, iterations).
 *
 * Store layout, families "scram-sha-1", "scram-sha-256", "scram-sha-512":
 *   params  "<iterations> <salt base64>", e.g. "4096 QSXCR+Q6sek8bf92";
 *   secret  StoredKey || ServerKey (2 x the digest length);
 *   counter 0.
 * PLAIN is checked against "scram-sha-256".  SCRAM-SHA-512 has no RFC
 * (draft-melnikov-scram-sha-512 only).
 */
#ifndef SSTEP_SCRAM_H
#define SSTEP_SCRAM_H

#include <stddef.h>

#include "saslstep.h"
#include "store.h"

enum sstep_scram_alg {
	SSTEP_SCRAM_SHA1,
	SSTEP_SCRAM_SHA256,
	SSTEP_SCRAM_SHA512 /* draft only */
};

#define SSTEP_SCRAM_KEY_MAX         64       /* bytes of a key (SHA-512) */
#define SSTEP_SCRAM_SALT_MAX        128      /* bytes of a salt accepted */
#define SSTEP_SCRAM_SALT_LEN        16       /* bytes of a salt we make */
#define SSTEP_SCRAM_ITER_MIN        4096     /* RFC 5802 s. 9, and ours */
#define SSTEP_SCRAM_ITER_DEFAULT    4096     /* what `saslstep passwd` uses */
#define SSTEP_SCRAM_ITER_STORE      10000000 /* the most a verifier may say */
#define SSTEP_SCRAM_CLIENT_ITER_MAX 100000   /* SASLSTEP_PROP_ITER_MAX unset */

struct sstep_scram_verifier {
	enum sstep_scram_alg alg;
	unsigned iter;
	unsigned char salt[SSTEP_SCRAM_SALT_MAX];
	size_t saltlen;
	unsigned char stored_key[SSTEP_SCRAM_KEY_MAX]; /* keylen(alg) bytes */
	unsigned char server_key[SSTEP_SCRAM_KEY_MAX]; /* keylen(alg) bytes */
};

/* "SCRAM-SHA-256" etc.; "?" for a value outside the enum. */
const char *sstep_scram_alg_name(enum sstep_scram_alg alg);
/* The store family: "scram-sha-256" etc.; "?" outside the enum. */
const char *sstep_scram_alg_family(enum sstep_scram_alg alg);
/* The digest (and key) length in bytes: 20, 32, 64; 0 outside the enum. */
size_t sstep_scram_alg_keylen(enum sstep_scram_alg alg);
/*
 * The algorithm named by name (len bytes): the mechanism name or the store
 * family, case-insensitive.  Returns SASLSTEP_OK or SASLSTEP_BADVERS.
 */
int sstep_scram_alg_parse(
    const char *name, size_t len, enum sstep_scram_alg *alg);

/*
 * Hi() of RFC 5802 s. 2.2, i.e. PBKDF2 with HMAC-H: the one place the
 * salted password is derived (a faster implementation goes here later).
 * out receives keylen(alg) bytes.  pass is used as given (callers apply
 * SASLprep).  Returns SASLSTEP_OK, SASLSTEP_BADPARAM (iter 0 or too large,
 * bad alg) or SASLSTEP_FAIL; out is wiped on failure.
 */
int sstep_scram_hi(enum sstep_scram_alg alg, const char *pass, size_t passlen,
    const unsigned char *salt, size_t saltlen, unsigned iter,
    unsigned char *out);

/*
 * Make a verifier for password (passlen bytes of UTF-8; SASLprep as a
 * stored string is applied here), iterations iter (SSTEP_SCRAM_ITER_MIN to
 * SSTEP_SCRAM_ITER_STORE) and the given salt (1 to SSTEP_SCRAM_SALT_MAX
 * bytes).  *v is filled; wipe it with sstep_scram_verifier_clear().
 * Returns SASLSTEP_OK, SASLSTEP_BADPARAM with *why (static text) for a
 * password that fails SASLprep or is empty after it, a bad count or salt,
 * SASLSTEP_BADVERS, SASLSTEP_NOMEM or SASLSTEP_FAIL.
 */
int sstep_scram_verifier_make(enum sstep_scram_alg alg, const char *pass,
    size_t passlen, unsigned iter, const unsigned char *salt, size_t saltlen,
    struct sstep_scram_verifier *v, const char **why);

/* Wipe a verifier (keys and all). */
void sstep_scram_verifier_clear(struct sstep_scram_verifier *v);

/*
 * A verifier in RFC 5803 / PostgreSQL notation,
 * "SCRAM-SHA-256$<iter>:<salt b64>$<StoredKey b64>:<ServerKey b64>".
 * *out is malloc'ed and NUL-terminated (*outlen bytes); free it with
 * sstep_free_str() (it holds keys).  Returns SASLSTEP_OK, SASLSTEP_BADPARAM
 * (a verifier that is not valid) or SASLSTEP_NOMEM.
 */
int sstep_scram_verifier_format(
    const struct sstep_scram_verifier *v, char **out, size_t *outlen);

/*
 * Read a verifier (s, len bytes) written in either notation:
 *   RFC 5803 / PostgreSQL  SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>
 *   Dovecot / gsasl        {SCRAM-SHA-256}4096,<salt>,<StoredKey>,<ServerKey>
 * (base64 fields; gsasl's optional fifth field, the salted password, is
 * refused: it is a secret that must not travel).  The iteration count must
 * be SSTEP_SCRAM_ITER_MIN..SSTEP_SCRAM_ITER_STORE.
 * Returns SASLSTEP_OK with *v filled, SASLSTEP_BADPARAM with *why (static
 * text) for a malformed verifier, SASLSTEP_BADVERS for an unknown
 * algorithm (with *why), or SASLSTEP_NOMEM.  *v is wiped on failure.
 */
int sstep_scram_verifier_parse(const char *s, size_t len,
    struct sstep_scram_verifier *v, const char **why);

/*
 * Turn a verifier into the credential the store keeps (layout above):
 * c->family, c->params (malloc'ed) and c->secret (malloc'ed) are set, the
 * counter is 0.  Release c with sstep_cred_clear().  Returns SASLSTEP_OK,
 * SASLSTEP_BADPARAM (invalid verifier) or SASLSTEP_NOMEM.
 */
int sstep_scram_cred_make(
    const struct sstep_scram_verifier *v, struct sstep_cred *c);

/*
 * Read a stored credential of a SCRAM family back into *v.  Returns
 * SASLSTEP_OK, SASLSTEP_BADVERS (not a SCRAM family) or SASLSTEP_BADPARAM
 * (malformed params or secret), with *why (static text) on failure.
 */
int sstep_scram_cred_parse(const struct sstep_cred *c,
    struct sstep_scram_verifier *v, const char **why);

/*
 * Make a verifier for user with a fresh random salt of
 * SSTEP_SCRAM_SALT_LEN bytes and store it (replacing any of that family).
 * Returns what sstep_scram_verifier_make() and sstep_store_cred_put()
 * return, with *why for the former's refusals.
 */
int sstep_scram_enrol(saslstep_store_t *st, const char *user,
    enum sstep_scram_alg alg, const char *pass, size_t passlen, unsigned iter,
    const char **why);

/*
 * Check a password (passlen bytes, not necessarily NUL-terminated) against
 * user's "scram-sha-256" verifier, as a server would (PLAIN): SASLprep,
 * SaltedPassword with the stored salt and count, ClientKey, StoredKey,
 * compared in constant time.  An unknown, locked or password-less user
 * costs the same work (a verifier derived from the store's server secret,
 * 4096 iterations) and fails the same way.
 * Returns SASLSTEP_OK (the password matches and the user is not locked);
 * SASLSTEP_BADAUTH for a wrong password, an unknown or locked user or one
 * without a verifier (*why says which, for the log only);
 * SASLSTEP_BADPARAM when the password fails SASLprep (*why); SASLSTEP_FAIL
 * for a malformed stored verifier; the store's SASLSTEP_UNAVAIL /
 * SASLSTEP_NOMEM (*why is sstep_store_error()).
 */
int sstep_scram_check_password(saslstep_store_t *st, const char *user,
    const char *pass, size_t passlen, const char **why);

/*
 * Tests only (RFC vectors need known nonces): the next nonce this process
 * makes, on either side, is nonce (copied; printable ASCII without ',',
 * at most 128 bytes) instead of a random one; it is used once.  NULL
 * cancels.  Not thread-safe; never called by the library itself.
 */
void sstep_scram_test_nonce(const char *nonce);

#endif /* SSTEP_SCRAM_H */

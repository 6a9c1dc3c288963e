/*
 * crammd5.h: CRAM-MD5 (RFC 2195) functions the mechanism, the saslstep
 * command and the tests share.  CRAM-MD5 is legacy: what the server stores
 * (the HMAC-MD5 key contexts) lets anyone who reads it log in as the user,
 * so only users whose administrator asked for it (`saslstep passwd
 * --cram-md5`) have it.
 *
 * Credential layout in the store, family "cram-md5" (one per user):
 *   params   "hmac-md5";
 *   secret   32 bytes: the MD5 chaining state (A, B, C, D, each 32 bits
 *            little-endian) after the block key XOR ipad (the inner
 *            context), then the same after key XOR opad (the outer one;
 *            RFC 2104 s. 4, RFC 2195 s. 2 "contexts"), where key is the
 *            SASLprep'd password (RFC 4013, stored string), or its MD5
 *            digest when longer than 64 bytes.  Dovecot's {CRAM-MD5}
 *            holds the same two states the other way round, outer first:
 *            export and import swap them (tools/cmd-transfer.c);
 *   counter  0.
 */
#ifndef SSTEP_CRAMMD5_H
#define SSTEP_CRAMMD5_H

#include <stddef.h>

#include "store.h"

#define SSTEP_CRAMMD5_FAMILY      "cram-md5"
#define SSTEP_CRAMMD5_PARAMS      "hmac-md5"
#define SSTEP_CRAMMD5_CONTEXT_LEN 32 /* inner then outer MD5 state */
#define SSTEP_CRAMMD5_DIGEST_LEN  16
#define SSTEP_CRAMMD5_HEX_LEN     32

/*
 * Make the HMAC-MD5 contexts of key (keylen bytes, used as given: the
 * caller has prepared it) into ctx.  Returns SASLSTEP_OK, or SASLSTEP_FAIL
 * when the hash fails (ctx is then zero).
 */
int sstep_crammd5_context_make(const void *key, size_t keylen,
    unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN]);

/*
 * HMAC-MD5 of text (textlen bytes) computed from the contexts alone (the
 * server holds nothing else).  Returns SASLSTEP_OK or SASLSTEP_FAIL.
 */
int sstep_crammd5_digest(const unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN],
    const void *text, size_t textlen,
    unsigned char out[SSTEP_CRAMMD5_DIGEST_LEN]);

/*
 * Check a client response "user SP 32-lower-hex-digits" (RFC 2195 s. 2,
 * len bytes, not NUL-terminated) and split it: *user points into response
 * and *userlen is its length; digest receives the 16 bytes.  Returns
 * SASLSTEP_OK or SASLSTEP_BADPROT with *why (static text) set.
 */
int sstep_crammd5_response_parse(const char *response, size_t len,
    const char **user, size_t *userlen,
    unsigned char digest[SSTEP_CRAMMD5_DIGEST_LEN], const char **why);

/*
 * Fill *c with the "cram-md5" credential for password (passlen bytes, not
 * yet prepared: it is SASLprep'd here, as a stored string).  *c owns what
 * it holds: release it with sstep_cred_clear().  Nothing is written to a
 * store: the caller puts *c, alone or with other credentials.  Returns
 * SASLSTEP_OK, SASLSTEP_BADPARAM with *why set when SASLprep refuses the
 * password, SASLSTEP_NOMEM or SASLSTEP_FAIL (*c is then empty).
 */
int sstep_crammd5_cred_make(const char *password, size_t passlen,
    struct sstep_cred *c, const char **why);

/*
 * Fill *c as the "cram-md5" credential of contexts ctx (as
 * sstep_crammd5_context_make() makes them, or as export wrote them).
 * Release *c with sstep_cred_clear().  Returns SASLSTEP_OK or
 * SASLSTEP_NOMEM (*why set, *c empty).
 */
int sstep_crammd5_cred_from_context(
    const unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN], struct sstep_cred *c,
    const char **why);

/*
 * Check a stored "cram-md5" credential against the layout above and copy
 * its contexts into ctx.  Returns SASLSTEP_OK or SASLSTEP_BADPARAM (*why
 * set when why is not NULL).
 */
int sstep_crammd5_cred_parse(const struct sstep_cred *c,
    unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN], const char **why);

#endif /* SSTEP_CRAMMD5_H */

/*
 * oath.h: HOTP (RFC 4226) and TOTP (RFC 6238) codes, their credentials in
 * the store, and resynchronisation; what the HOTP and TOTP mechanisms
 * (mechs/oath.c), the saslstep command (hotp/totp init, resync, show),
 * import/export and the tests share.  Not installed.
 *
 * Credential layouts (families "hotp" and "totp"; the only place they are
 * encoded is mechs/oath.c, through the functions below):
 *   hotp: params "alg=sha1 digits=6", secret the raw key, counter the
 *         next counter value expected;
 *   totp: params "alg=sha1 digits=6 period=30 t0=0", secret the raw key,
 *         counter the last time step accepted (-1: none yet).
 *
 * Functions that read text take a pointer and a length: nothing here
 * assumes NUL termination.  Functions that can refuse their input set
 * *why (when why is not NULL) to a static English text; it never holds a
 * secret or any part of the input.
 */
#ifndef SSTEP_OATH_H
#define SSTEP_OATH_H

#include <stddef.h>
#include <stdint.h>

#include "saslstep.h"
#include "store.h"

#define SSTEP_OATH_FAMILY_HOTP "hotp"
#define SSTEP_OATH_FAMILY_TOTP "totp"

#define SSTEP_OATH_DIGITS_MIN 6 /* RFC 4226 s. 5.3: at least 6 digits */
#define SSTEP_OATH_DIGITS_MAX 8
/* Keys: google-authenticator makes 10-byte keys (below RFC 4226 R6's 128
 * bits), which import must keep; new keys are as long as the digest. */
#define SSTEP_OATH_KEY_MIN    10
#define SSTEP_OATH_KEY_MAX    128
#define SSTEP_OATH_PERIOD_MAX 3600 /* seconds of one TOTP time step */
#define SSTEP_OATH_T0_MAX     1000000000000LL /* |t0|, seconds */
#define SSTEP_OATH_PARAMS_MAX 80 /* longest params text, NUL included */

/* Server defaults and limits (SASLSTEP_PROP_TOTP_WINDOW and
 * SASLSTEP_PROP_HOTP_LOOKAHEAD, module arguments window= and lookahead=). */
#define SSTEP_OATH_WINDOW_DEFAULT    1
#define SSTEP_OATH_WINDOW_MAX        100
#define SSTEP_OATH_LOOKAHEAD_DEFAULT 10
#define SSTEP_OATH_LOOKAHEAD_MAX     1000
/* Resynchronisation: how far sstep_oath_resync() looks by default (RFC
 * 4226 s. 7.4: counter values ahead; RFC 6238 s. 6: for TOTP, a day's
 * worth of time steps either side of now). */
#define SSTEP_OATH_RESYNC_HOTP_DEFAULT 1000
#define SSTEP_OATH_RESYNC_TOTP_SECONDS 86400
#define SSTEP_OATH_RESYNC_MAX          100000

enum sstep_oath_kind { SSTEP_OATH_HOTP = 1, SSTEP_OATH_TOTP };
enum sstep_oath_alg {
	SSTEP_OATH_SHA1 = 1,
	SSTEP_OATH_SHA256,
	SSTEP_OATH_SHA512
};

/* What a credential's params say. */
struct sstep_oath_params {
	enum sstep_oath_kind kind;
	enum sstep_oath_alg alg;
	unsigned digits; /* SSTEP_OATH_DIGITS_MIN..MAX */
	unsigned period; /* TOTP: seconds of a time step, 1..PERIOD_MAX */
	int64_t t0;      /* TOTP: the Unix time step 0 starts at */
};

/*
 * Read a decimal number of len bytes (digits only, no sign, no leading
 * blanks, 1 to 19 digits) no greater than max into *v.  Returns 0, or -1
 * when s is not such a number.
 */
int sstep_oath_number_parse(
    const char *s, size_t len, uint64_t max, uint64_t *v);

/* "hotp" or "totp"; NULL for an invalid kind. */
const char *sstep_oath_family(enum sstep_oath_kind kind);

/* "sha1", "sha256" or "sha512"; "?" for an invalid value. */
const char *sstep_oath_alg_name(enum sstep_oath_alg alg);

/*
 * Read an algorithm name (len bytes, case-insensitive: sha1, sha256,
 * sha512) into *alg.  Returns SASLSTEP_OK or SASLSTEP_BADVERS.
 */
int sstep_oath_alg_parse(
    const char *name, size_t len, enum sstep_oath_alg *alg, const char **why);

/*
 * Fill *p with the defaults of kind: sha1, 6 digits, and for TOTP a period
 * of 30 seconds and t0 = 0 (RFC 6238 s. 4.1).
 */
void sstep_oath_params_default(
    enum sstep_oath_kind kind, struct sstep_oath_params *p);

/*
 * Check *p: a valid kind and alg, digits, and for TOTP period and t0
 * within the limits above.  Returns SASLSTEP_OK or SASLSTEP_BADPARAM
 * (SASLSTEP_BADVERS for an unknown alg).
 */
int sstep_oath_params_check(
    const struct sstep_oath_params *p, const char **why);

/*
 * Read the stored params of kind (len bytes at s): the space-separated
 * key=value words of the layout above, each exactly once, in any order.
 * Returns SASLSTEP_OK, SASLSTEP_BADVERS (alg) or SASLSTEP_BADPARAM.
 */
int sstep_oath_params_parse(enum sstep_oath_kind kind, const char *s,
    size_t len, struct sstep_oath_params *p, const char **why);

/*
 * Write *p as stored params (canonical order) into out, NUL-terminated.
 * Returns the length, or -1 when *p does not pass sstep_oath_params_check.
 */
int sstep_oath_params_format(
    const struct sstep_oath_params *p, char out[SSTEP_OATH_PARAMS_MAX]);

/*
 * The HOTP value of key (keylen bytes, 1..SSTEP_OATH_KEY_MAX) for counter
 * with alg (RFC 4226 s. 5.3: HMAC, dynamic truncation, modulo 10^digits),
 * written as digits decimal digits and a NUL into out.  TOTP is this with
 * the time step as counter (RFC 6238 s. 4.2).  Returns SASLSTEP_OK,
 * SASLSTEP_BADPARAM (digits, key length), SASLSTEP_BADVERS (alg) or
 * SASLSTEP_FAIL (the HMAC failed); out is wiped on failure.
 */
int sstep_oath_code(enum sstep_oath_alg alg, const unsigned char *key,
    size_t keylen, uint64_t counter, unsigned digits,
    char out[SSTEP_OATH_DIGITS_MAX + 1]);

/*
 * The TOTP time step of Unix time now under *p: floor((now - t0) /
 * period) (RFC 6238 s. 4.2), into *step.  Returns SASLSTEP_OK or
 * SASLSTEP_BADPARAM (not a TOTP params, or now before t0).
 */
int sstep_oath_totp_step(
    const struct sstep_oath_params *p, int64_t now, int64_t *step);

/*
 * Fill *c as the credential of *p with key (keylen bytes,
 * SSTEP_OATH_KEY_MIN..MAX) and counter (HOTP: the next counter value,
 * >= 0; TOTP: the last step accepted, -1 for none), for
 * sstep_store_cred_put() or an import.  c->params and c->secret are
 * malloc'ed copies: release them with sstep_cred_clear().  Returns
 * SASLSTEP_OK, SASLSTEP_BADPARAM / SASLSTEP_BADVERS (*why set) or
 * SASLSTEP_NOMEM.
 */
int sstep_oath_cred_make(const struct sstep_oath_params *p,
    const unsigned char *key, size_t keylen, int64_t counter,
    struct sstep_cred *c, const char **why);

/*
 * Read a stored credential of kind: params, key and counter checked.
 * Returns SASLSTEP_OK or SASLSTEP_BADPARAM (malformed; *why set).
 */
int sstep_oath_cred_parse(enum sstep_oath_kind kind, const struct sstep_cred *c,
    struct sstep_oath_params *p, const char **why);

/*
 * Enrol user in st for *p with key (keylen bytes): store the credential
 * (HOTP counter 0, TOTP no step accepted yet), creating the user if
 * needed and replacing an earlier credential of the same family.  The
 * caller wipes its key.  Returns SASLSTEP_OK, SASLSTEP_BADPARAM /
 * SASLSTEP_BADVERS (*why set), or the store's error (sstep_store_error()).
 */
int sstep_oath_enrol(saslstep_store_t *st, const char *user,
    const struct sstep_oath_params *p, const unsigned char *key, size_t keylen,
    const char **why);

/*
 * Resynchronise user's credential of kind from two consecutive codes the
 * person read off their token (code1 then code2; len bytes each, digits
 * only).  HOTP: look for counter values c, c + 1 matching them from the
 * stored counter up to wide values ahead, and store c + 2 as the next
 * counter.  TOTP: look for steps s, s + 1 within wide steps either side of
 * now (sstep_now()), after the last step accepted, and move t0 by the
 * drift so that s + 1 is the current step from now on, marked as used.
 * wide 0 means the default (HOTP SSTEP_OATH_RESYNC_HOTP_DEFAULT values,
 * TOTP SSTEP_OATH_RESYNC_TOTP_SECONDS / period steps); at most
 * SSTEP_OATH_RESYNC_MAX.
 * The update is a compare-and-swap.  *drift (if not NULL) receives how
 * far the token was from the server, in counter values or steps.
 * Returns SASLSTEP_OK, SASLSTEP_NOUSER (no credential of kind),
 * SASLSTEP_BADPROT (not codes of the right length), SASLSTEP_BADAUTH (not
 * found, or a login changed the credential meanwhile), SASLSTEP_BADPARAM
 * (*why set) or the store's error.
 */
int sstep_oath_resync(saslstep_store_t *st, const char *user,
    enum sstep_oath_kind kind, const char *code1, size_t len1,
    const char *code2, size_t len2, unsigned wide, int64_t *drift,
    const char **why);

#endif /* SSTEP_OATH_H */

/*
 * recovery.h: one-shot recovery codes (mechs/recovery.c), for when the
 * phone with the authenticator app is lost.  Used by the RECOVERY
 * mechanism and by the HOTP and TOTP servers, which accept a recovery code
 * at their prompt (mechs/oath.c), by the saslstep command (recovery init,
 * user show) and by import (google-authenticator scratch codes).  Not
 * installed.
 *
 * Credential layout, family "recovery": params "count=N"; secret N
 * records of SSTEP_RECOVERY_RECORD bytes, each a 16-byte random salt and
 * SHA-256(salt || code), the code in its normal form; a used record is
 * all zero bytes (written by compare-and-swap); counter 0.
 *
 * The forms of a code (case and one hyphen after the fifth character do
 * not matter):
 *   - "xxxxx-xxxxx": ten characters of the RFC 4648 base32 alphabet
 *     (a-z, 2-7), 50 random bits: what sstep_recovery_enrol() makes;
 *   - eight digits: google-authenticator's scratch codes, kept on import.
 * Normal form: lower case, no hyphen.
 */
#ifndef SSTEP_RECOVERY_H
#define SSTEP_RECOVERY_H

#include <stddef.h>

#include "saslstep.h"
#include "store.h"

#define SSTEP_RECOVERY_FAMILY        "recovery"
#define SSTEP_RECOVERY_COUNT_DEFAULT 10
#define SSTEP_RECOVERY_COUNT_MAX     64
#define SSTEP_RECOVERY_RECORD        48 /* salt 16 + SHA-256 32 */
#define SSTEP_RECOVERY_CODE_LEN      11 /* "xxxxx-xxxxx", NUL excluded */
#define SSTEP_RECOVERY_NORM_MAX      10 /* a code in normal form */

/*
 * Whether len bytes at s are a recovery code in one of the forms above:
 * 1 with its normal form and a NUL in out (*outlen its length), else 0.
 */
int sstep_recovery_code_norm(const char *s, size_t len,
    char out[SSTEP_RECOVERY_NORM_MAX + 1], size_t *outlen);

/*
 * Fill *c as a "recovery" credential holding the n codes (codes[i] of
 * lens[i] bytes, each in a form above; 1 <= n <= SSTEP_RECOVERY_COUNT_MAX)
 * as salted hashes, for sstep_store_cred_put() or an import.  c->params
 * and c->secret are malloc'ed: release them with sstep_cred_clear().
 * Returns SASLSTEP_OK, SASLSTEP_BADPARAM (*why: count, or a code not in a
 * form above), SASLSTEP_NOMEM or SASLSTEP_FAIL (no randomness).
 */
int sstep_recovery_cred_make(const char *const *codes, const size_t *lens,
    unsigned n, struct sstep_cred *c, const char **why);

/*
 * Fill *c as a "recovery" credential holding records as they were stored
 * (len bytes, a whole number 1..SSTEP_RECOVERY_COUNT_MAX of records; used
 * ones included): what import makes of what export wrote.  Release *c
 * with sstep_cred_clear().  Returns SASLSTEP_OK, SASLSTEP_BADPARAM (*why)
 * or SASLSTEP_NOMEM.
 */
int sstep_recovery_cred_from_records(const unsigned char *records, size_t len,
    struct sstep_cred *c, const char **why);

/*
 * Check a stored "recovery" credential (params agree with the records) and
 * say how many records it holds, used ones included, in *total.  Returns
 * SASLSTEP_OK or SASLSTEP_BADPARAM (*why).
 */
int sstep_recovery_cred_parse(
    const struct sstep_cred *c, unsigned *total, const char **why);

/*
 * Make count (1..SSTEP_RECOVERY_COUNT_MAX) random codes, store their
 * salted hashes as user's recovery credential (creating the user if
 * needed, replacing earlier codes) and write the codes ("xxxxx-xxxxx" and
 * a NUL) into codes[0..count-1]: the only time they are seen.  The caller
 * wipes them.  Returns SASLSTEP_OK, SASLSTEP_BADPARAM (*why set),
 * SASLSTEP_FAIL (no randomness) or the store's error; on failure nothing
 * is stored and codes is wiped.
 */
int sstep_recovery_enrol(saslstep_store_t *st, const char *user, unsigned count,
    char (*codes)[SSTEP_RECOVERY_CODE_LEN + 1], const char **why);

/*
 * Use up one of user's recovery codes: if len bytes at code are one of
 * them, zero its record by compare-and-swap.  Every record is compared,
 * in constant time each.  Returns SASLSTEP_OK (it was valid and is now
 * used), SASLSTEP_BADPROT (not in a form above), SASLSTEP_NOUSER (user has
 * no recovery codes), SASLSTEP_BADAUTH (no unused code matches, or
 * another login used it meanwhile), SASLSTEP_FAIL (malformed credential)
 * or the store's error; *why says which, for the log.
 */
int sstep_recovery_use(saslstep_store_t *st, const char *user, const char *code,
    size_t len, const char **why);

/*
 * How many of user's recovery codes are left (*left) out of how many
 * (*total).  Returns SASLSTEP_OK, SASLSTEP_NOUSER (none enrolled),
 * SASLSTEP_FAIL (malformed credential) or the store's error.
 */
int sstep_recovery_left(
    saslstep_store_t *st, const char *user, unsigned *left, unsigned *total);

#endif /* SSTEP_RECOVERY_H */

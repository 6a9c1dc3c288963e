/*
 * saslprep.h: SASLprep (RFC 4013), the stringprep (RFC 3454) profile SASL
 * mechanisms apply to user names and passwords, done by libidn.
 */
#ifndef SSTEP_SASLPREP_H
#define SSTEP_SASLPREP_H

#include <stddef.h>

/*
 * The string is a "stored string" (RFC 3454 s. 7): unassigned code points
 * are refused.  Passwords that make a verifier are stored strings (RFC 5802
 * s. 2.2); user names are query strings (RFC 5802 s. 5.1), which allow them.
 */
#define SSTEP_SASLPREP_STORED 0x01

/*
 * Prepare in (inlen bytes of UTF-8, not necessarily NUL-terminated) with
 * SASLprep.  On SASLSTEP_OK *out is a malloc'ed NUL-terminated UTF-8
 * string of *outlen bytes, owned by the caller, to be released with
 * sstep_freezero(*out, *outlen + 1) (it may be a password).  The result
 * may be empty (e.g. a lone soft hyphen maps to nothing): callers decide
 * whether that is acceptable.
 * Returns SASLSTEP_OK; SASLSTEP_BADPARAM when in is not UTF-8, holds a NUL
 * byte, a prohibited character, an unassigned code point (with
 * SSTEP_SASLPREP_STORED) or breaks the bidirectional rules, with *why (if
 * why is not NULL) a static English reason; SASLSTEP_NOMEM.
 * Every intermediate copy this function owns is wiped; libidn's own
 * temporary copies during normalisation are not reachable from here.
 */
int sstep_saslprep(const char *in, size_t inlen, unsigned flags, char **out,
    size_t *outlen, const char **why);

#endif /* SSTEP_SASLPREP_H */

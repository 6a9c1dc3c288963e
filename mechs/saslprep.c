/*
 * saslprep.c: SASLprep (RFC 4013) through libidn's stringprep profile.
 *
 * libidn's convenience functions (stringprep(), stringprep_profile()) free
 * their UCS-4 copies of the input without wiping them.  For passwords we
 * therefore drive the lower layer ourselves: UTF-8 -> UCS-4 and back with
 * libidn's converters, and stringprep_4i() on a buffer we own and wipe.
 * The profile tables and the algorithm are libidn's, not ours.
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <stringprep.h>

#include "saslstep-int.h"
#include "saslprep.h"

/* NFKC expands one code point to at most 18 (U+FDFA), so this many
 * retries with a doubling buffer always reach a size that fits. */
#define SASLPREP_MAX_GROWTH 18

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

/* A static reason for a stringprep_4i() failure, and the code for it. */
static int
prep_error(int rc, const char **why)
{
	switch (rc) {
	case STRINGPREP_CONTAINS_UNASSIGNED:
		set_why(why, "SASLprep: unassigned Unicode code point "
		             "(RFC 4013 s. 2.5)");
		return SASLSTEP_BADPARAM;
	case STRINGPREP_CONTAINS_PROHIBITED:
		set_why(why, "SASLprep: prohibited character, e.g. a control "
		             "or private-use character (RFC 4013 s. 2.3)");
		return SASLSTEP_BADPARAM;
	case STRINGPREP_BIDI_BOTH_L_AND_RAL:
	case STRINGPREP_BIDI_LEADTRAIL_NOT_RAL:
	case STRINGPREP_BIDI_CONTAINS_PROHIBITED:
		set_why(why, "SASLprep: mixes left-to-right and right-to-left "
		             "text (RFC 4013 s. 2.4)");
		return SASLSTEP_BADPARAM;
	case STRINGPREP_NFKC_FAILED:
		set_why(why, "SASLprep: Unicode normalisation (NFKC) failed");
		return SASLSTEP_BADPARAM;
	case STRINGPREP_MALLOC_ERROR:
		set_why(why, "out of memory");
		return SASLSTEP_NOMEM;
	default:
		set_why(why, "SASLprep failed");
		return SASLSTEP_FAIL;
	}
}

int
sstep_saslprep(const char *in, size_t inlen, unsigned flags, char **out,
    size_t *outlen, const char **why)
{
	uint32_t *ucs4 = NULL, *work = NULL;
	size_t n = 0, cap = 0, len = 0, worklen = 0;
	char *utf8 = NULL;
	int rc, r = SASLSTEP_FAIL;
	Stringprep_profile_flags spflags = 0;

	*out = NULL;
	*outlen = 0;
	if (in == NULL || memchr(in, '\0', inlen) != NULL) {
		set_why(why, "SASLprep: NUL byte");
		return SASLSTEP_BADPARAM;
	}
	if (inlen > (size_t)SSIZE_MAX / 4) {
		set_why(why, "SASLprep: too long");
		return SASLSTEP_BADPARAM;
	}
	if (flags & SSTEP_SASLPREP_STORED)
		spflags |= STRINGPREP_NO_UNASSIGNED;
	/* libidn refuses malformed UTF-8 (over-long forms, surrogates,
	 * truncated sequences) here. */
	if ((ucs4 = stringprep_utf8_to_ucs4(in, (ssize_t)inlen, &n)) == NULL) {
		set_why(why, "SASLprep: not valid UTF-8");
		return SASLSTEP_BADPARAM;
	}
	/* stringprep_4i() works in place and gives up when the result does
	 * not fit: start again from the input with a larger buffer. */
	for (cap = n + 16;; cap *= 2) {
		sstep_freezero(work, worklen * sizeof(*work));
		worklen = 0;
		if ((work = calloc(cap, sizeof(*work))) == NULL) {
			r = SASLSTEP_NOMEM;
			set_why(why, "out of memory");
			goto out;
		}
		worklen = cap;
		if (n > 0)
			memcpy(work, ucs4, n * sizeof(*work));
		len = n;
		rc = stringprep_4i(
		    work, &len, cap, spflags, stringprep_saslprep);
		if (rc == STRINGPREP_OK)
			break;
		if (rc != STRINGPREP_TOO_SMALL_BUFFER ||
		    cap > SASLPREP_MAX_GROWTH * (n + 16)) {
			r = prep_error(rc, why);
			goto out;
		}
	}
	if ((utf8 = stringprep_ucs4_to_utf8(
	         work, (ssize_t)len, NULL, outlen)) == NULL) {
		*outlen = 0;
		r = SASLSTEP_NOMEM;
		set_why(why, "out of memory");
		goto out;
	}
	*out = utf8;
	utf8 = NULL; /* transferred */
	r = SASLSTEP_OK;
out:
	sstep_freezero(ucs4, n * sizeof(*ucs4));
	sstep_freezero(work, worklen * sizeof(*work));
	return r;
}

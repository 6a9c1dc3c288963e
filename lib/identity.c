/*
 * identity.c: the client identities that open a SASL exchange,
 * "authzid NUL authcid [NUL more]" (PLAIN, RFC 4616 s. 2; OTP, RFC 2444
 * s. 4; HOTP/TOTP), split and checked in one place.
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"

/* No C0 control or DEL: names end up in log lines. */
static int
no_controls(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] == 0x7f)
			return 0;
	return 1;
}

int
sstep_identity_name_ok(const char *s, size_t len)
{
	return len > 0 && len <= SSTEP_NAME_MAX && no_controls(s, len);
}

int
sstep_split_identity(const char *in, size_t inlen, size_t nfields,
    const char *fields[], size_t lens[], const char **why)
{
	const char *p = in, *nul;
	size_t i, rest = inlen;

	*why = NULL;
	if (nfields < 2 || nfields > SSTEP_IDENTITY_FIELDS_MAX) {
		*why = "bad number of fields";
		return SASLSTEP_BADPARAM;
	}
	for (i = 0; i < nfields; i++) {
		fields[i] = NULL;
		lens[i] = 0;
	}
	if (in == NULL) {
		*why = "no NUL after the authorization identity";
		return SASLSTEP_BADPROT;
	}
	/* Every field but the last ends at a NUL; the last runs to the end
	 * and may hold none, since nothing could tell it from a separator. */
	for (i = 0; i < nfields - 1; i++) {
		if ((nul = memchr(p, '\0', rest)) == NULL) {
			*why = i == 0
			           ? "no NUL after the authorization identity"
			           : "no NUL after the authentication identity";
			goto bad;
		}
		fields[i] = p;
		lens[i] = (size_t)(nul - p);
		rest -= lens[i] + 1;
		p = nul + 1;
	}
	fields[i] = p;
	lens[i] = rest;
	if (memchr(p, '\0', rest) != NULL) {
		*why = nfields == 2 ? "NUL in the authentication identity"
		                    : "too many NULs in the message";
		goto bad;
	}
	if (lens[1] == 0) {
		*why = "empty authentication identity";
		goto bad;
	}
	if (lens[0] > SSTEP_NAME_MAX || lens[1] > SSTEP_NAME_MAX) {
		*why = "identity too long";
		goto bad;
	}
	if (!no_controls(fields[0], lens[0]) ||
	    !no_controls(fields[1], lens[1])) {
		*why = "control character in an identity";
		goto bad;
	}
	return SASLSTEP_OK;
bad:
	for (i = 0; i < nfields; i++) {
		fields[i] = NULL;
		lens[i] = 0;
	}
	return SASLSTEP_BADPROT;
}

int
sstep_identity_is_self(
    const char *zid, size_t zlen, const char *authcid, size_t clen)
{
	/* No proxy authorization: the authzid is empty or the authcid. */
	return zlen == 0 || (zlen == clen && memcmp(zid, authcid, clen) == 0);
}

int
sstep_out_identity(struct sstep_conn *conn, const char *authzid, size_t zlen,
    const char *authcid, size_t clen, const char *last, size_t lastlen)
{
	size_t len;
	char *msg;
	int r;

	if (clen > SSTEP_NAME_MAX || zlen > SSTEP_NAME_MAX ||
	    (last != NULL && lastlen > SSTEP_IDENTITY_LAST_MAX))
		return SASLSTEP_BADPARAM;
	len = zlen + 1 + clen + (last != NULL ? 1 + lastlen : 0);
	if ((msg = malloc(len)) == NULL)
		return SASLSTEP_NOMEM;
	if (zlen > 0)
		memcpy(msg, authzid, zlen);
	msg[zlen] = '\0';
	if (clen > 0)
		memcpy(msg + zlen + 1, authcid, clen);
	if (last != NULL) {
		msg[zlen + 1 + clen] = '\0';
		if (lastlen > 0)
			memcpy(msg + zlen + clen + 2, last, lastlen);
	}
	r = sstep_out(conn, msg, len);
	/* last may be a password or a one-time code. */
	sstep_freezero(msg, len);
	return r;
}

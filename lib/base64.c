/*
 * base64.c: strict base64 (RFC 4648 section 4) over OpenSSL's block codec.
 * OpenSSL's EVP_DecodeBlock accepts leading/trailing blanks and does not
 * report padding; SASL peers must not be able to smuggle either, so the
 * input is checked here first and must be canonical.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "saslstep-int.h"

#define B64_MAX_IN (1u << 24) /* no SASL message comes near 16 MiB */

int
sstep_base64_encode(const void *in, size_t inlen, char **out, size_t *outlen)
{
	size_t n;
	char *s;

	*out = NULL;
	*outlen = 0;
	if (inlen > B64_MAX_IN)
		return SASLSTEP_BADPARAM;
	n = 4 * ((inlen + 2) / 3);
	if ((s = malloc(n + 1)) == NULL)
		return SASLSTEP_NOMEM;
	if (inlen > 0)
		EVP_EncodeBlock((unsigned char *)s, in, (int)inlen);
	s[n] = '\0';
	*out = s;
	*outlen = n;
	return SASLSTEP_OK;
}

static int
b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

int
sstep_base64_decode(
    const char *in, size_t inlen, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	char *again = NULL;
	size_t pad = 0, i, n, againlen = 0;
	int r = SASLSTEP_BADPROT;

	*out = NULL;
	*outlen = 0;
	if (inlen > B64_MAX_IN || inlen % 4 != 0)
		return SASLSTEP_BADPROT;
	if (inlen > 0 && in[inlen - 1] == '=')
		pad++;
	if (inlen > 1 && in[inlen - 2] == '=')
		pad++;
	for (i = 0; i < inlen - pad; i++)
		if (!b64_char((unsigned char)in[i]))
			return SASLSTEP_BADPROT;
	if ((buf = malloc(inlen / 4 * 3 + 1)) == NULL)
		return SASLSTEP_NOMEM;
	n = 0;
	if (inlen > 0) {
		int got =
		    EVP_DecodeBlock(buf, (const unsigned char *)in, (int)inlen);
		if (got < 0 || (size_t)got < pad)
			goto out;
		n = (size_t)got - pad;
	}
	buf[n] = '\0';
	/* Canonical form only: unused bits must be zero, so re-encoding must
	 * give back exactly the input. */
	if ((r = sstep_base64_encode(buf, n, &again, &againlen)) != SASLSTEP_OK)
		goto out;
	if (againlen != inlen || memcmp(again, in, inlen) != 0) {
		r = SASLSTEP_BADPROT;
		goto out;
	}
	*out = buf;
	*outlen = n;
	buf = NULL; /* transferred */
	r = SASLSTEP_OK;
out:
	if (again != NULL)
		sstep_freezero(again, againlen);
	if (buf != NULL)
		sstep_freezero(buf, inlen / 4 * 3 + 1);
	return r;
}

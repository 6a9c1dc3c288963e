/*
 * base32.c: base32 (RFC 4648 section 6), the alphabet HOTP/TOTP secrets are
 * written in: otpauth:// URIs, authenticator apps, oathtool -b and
 * ~/.google_authenticator files.  OpenSSL has no base32, hence this file;
 * it is the only base32 codec in the tree.
 *
 * The decoder takes what those sources write (either case, padding or
 * none) and nothing else: no blanks, no padding in the middle, and the
 * unused bits of the last character must be zero (RFC 4648 s. 3.5), so one
 * secret has one spelling.  Characters are mapped without a lookup table
 * and the output is wiped on failure, since the input is usually a key.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"

#define B32_MAX_IN (1u << 24) /* no key comes near 16 MiB */

static const char b32_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int
sstep_base32_encode(
    const void *in, size_t inlen, unsigned flags, char **out, size_t *outlen)
{
	const unsigned char *p = in;
	size_t n, i, o = 0;
	unsigned bits = 0;
	uint32_t acc = 0;
	char *s;

	*out = NULL;
	*outlen = 0;
	if (inlen > B32_MAX_IN)
		return SASLSTEP_BADPARAM;
	/* 8 characters per 5 bytes, the last group padded to 8 with '='. */
	n = (inlen + 4) / 5 * 8;
	if ((s = malloc(n + 1)) == NULL)
		return SASLSTEP_NOMEM;
	for (i = 0; i < inlen; i++) {
		acc = (acc << 8) | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			s[o++] = b32_alphabet[(acc >> bits) & 0x1f];
		}
	}
	if (bits > 0)
		s[o++] = b32_alphabet[(acc << (5 - bits)) & 0x1f];
	if (!(flags & SSTEP_BASE32_NOPAD))
		while (o < n)
			s[o++] = '=';
	s[o] = '\0';
	*out = s;
	*outlen = o;
	return SASLSTEP_OK;
}

/* The value of a base32 character (either case), or -1. */
static int
b32_value(unsigned char c)
{
	if (c >= 'a' && c <= 'z')
		c = (unsigned char)(c - 'a' + 'A');
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= '2' && c <= '7')
		return c - '2' + 26;
	return -1;
}

int
sstep_base32_decode(
    const char *in, size_t inlen, unsigned char **out, size_t *outlen)
{
	unsigned char *buf = NULL;
	size_t nchars, pad, i, o = 0, n;
	unsigned bits = 0;
	uint32_t acc = 0;
	int v, r = SASLSTEP_BADPROT;

	*out = NULL;
	*outlen = 0;
	if (inlen > B32_MAX_IN)
		return SASLSTEP_BADPROT;
	for (nchars = inlen; nchars > 0 && in[nchars - 1] == '='; nchars--)
		;
	pad = inlen - nchars;
	/* A last group of 1, 3 or 6 characters cannot end on a byte; with
	 * padding the whole must be groups of 8 and the padding exactly what
	 * the last group lacks. */
	switch (nchars % 8) {
	case 1:
	case 3:
	case 6:
		return SASLSTEP_BADPROT;
	}
	if (pad > 0 &&
	    (inlen % 8 != 0 || nchars % 8 == 0 || pad != 8 - nchars % 8))
		return SASLSTEP_BADPROT;
	n = nchars * 5 / 8;
	if ((buf = malloc(n + 1)) == NULL)
		return SASLSTEP_NOMEM;
	for (i = 0; i < nchars; i++) {
		if ((v = b32_value((unsigned char)in[i])) < 0)
			goto out;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
		}
		acc &= 0xff; /* at most 7 bits are still pending */
	}
	/* RFC 4648 s. 3.5: leftover bits must be zero (canonical form). */
	if ((acc & ((1u << bits) - 1)) != 0)
		goto out;
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	buf = NULL; /* transferred */
	r = SASLSTEP_OK;
out:
	if (buf != NULL)
		sstep_freezero(buf, n + 1);
	return r;
}

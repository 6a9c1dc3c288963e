/*
 * test-base32.c: the base32 codec (RFC 4648 section 10 vectors, the
 * spellings of HOTP/TOTP secrets it must read, and what it must refuse).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "check.h"

/* plain encodes to padded (and, without padding, to padded minus its
 * '='), and both decode back to plain. */
static void
roundtrip(const char *plain, const char *padded)
{
	unsigned char *dec = NULL;
	char *enc = NULL;
	size_t declen = 0, enclen = 0, bare = strcspn(padded, "=");

	CHECK_INT(sstep_base32_encode(plain, strlen(plain), 0, &enc, &enclen),
	    SASLSTEP_OK);
	CHECK_MEM(enc, enclen, padded);
	free(enc);
	CHECK_INT(sstep_base32_encode(
	              plain, strlen(plain), SSTEP_BASE32_NOPAD, &enc, &enclen),
	    SASLSTEP_OK);
	CHECK_INT(enclen, bare);
	CHECK(strncmp(enc, padded, bare) == 0 && enc[enclen] == '\0');
	free(enc);
	CHECK_INT(sstep_base32_decode(padded, strlen(padded), &dec, &declen),
	    SASLSTEP_OK);
	CHECK_MEM(dec, declen, plain);
	CHECK(dec != NULL && dec[declen] == '\0');
	free(dec);
	CHECK_INT(
	    sstep_base32_decode(padded, bare, &dec, &declen), SASLSTEP_OK);
	CHECK_MEM(dec, declen, plain);
	free(dec);
}

static void
refused(const char *in)
{
	static unsigned char sentinel[1];
	unsigned char *dec = sentinel;
	size_t declen = 7;

	CHECK_INT(sstep_base32_decode(in, strlen(in), &dec, &declen),
	    SASLSTEP_BADPROT);
	CHECK(dec == NULL);
	CHECK_INT(declen, 0);
}

int
main(void)
{
	/* RFC 6238 appendix B's SHA-1 key, as authenticator apps show it. */
	static const char rfc6238[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
	unsigned char *dec = NULL;
	size_t declen = 0;

	/* RFC 4648 section 10. */
	roundtrip("", "");
	roundtrip("f", "MY======");
	roundtrip("fo", "MZXQ====");
	roundtrip("foo", "MZXW6===");
	roundtrip("foob", "MZXW6YQ=");
	roundtrip("fooba", "MZXW6YTB");
	roundtrip("foobar", "MZXW6YTBOI======");

	CHECK_INT(sstep_base32_decode(rfc6238, strlen(rfc6238), &dec, &declen),
	    SASLSTEP_OK);
	CHECK_MEM(dec, declen, "12345678901234567890");
	free(dec);
	/* Lower case, as some people and tools type it. */
	CHECK_INT(
	    sstep_base32_decode("mzxw6ytboi", 10, &dec, &declen), SASLSTEP_OK);
	CHECK_MEM(dec, declen, "foobar");
	free(dec);
	/* Not NUL-terminated: only inlen bytes are read. */
	CHECK_INT(sstep_base32_decode("MZXW6YTBOIjunk", 10, &dec, &declen),
	    SASLSTEP_OK);
	CHECK_MEM(dec, declen, "foobar");
	free(dec);

	refused("M");          /* 1 character holds no byte */
	refused("MZX");        /* nor a last group of 3 */
	refused("MZXW6Y");     /* nor of 6 */
	refused("MZ======");   /* non-zero unused bits: not canonical */
	refused("MZXR====");   /* the same in the last character */
	refused("MY=====");    /* padding short of a group of 8 */
	refused("MY=======");  /* padding beyond it */
	refused("MZXQ======"); /* more padding than the group lacks */
	refused("MY==MY==");   /* padding inside */
	refused("MZXW 6YTB");  /* blank */
	refused("MZXW6YT\n");  /* line break */
	refused("MZXW6YT1");   /* 0, 1, 8 and 9 are not in the alphabet */
	refused("MZXW6YT8");
	refused("MZXW6YT-");
	refused("========");
	CHECK_INT(sstep_base32_decode("MZ\0W6YTB", 8, &dec, &declen),
	    SASLSTEP_BADPROT);
	CHECK(dec == NULL);
	return check_done("test-base32");
}

/*
 * test-base64.c: the strict base64 codec (RFC 4648 section 10 vectors, and
 * everything a hostile peer could send instead).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "check.h"

static void
roundtrip(const char *plain, const char *encoded)
{
	unsigned char *dec = NULL;
	char *enc = NULL;
	size_t declen = 0, enclen = 0;

	CHECK_INT(sstep_base64_encode(plain, strlen(plain), &enc, &enclen),
	    SASLSTEP_OK);
	CHECK_MEM(enc, enclen, encoded);
	CHECK_INT(sstep_base64_decode(encoded, strlen(encoded), &dec, &declen),
	    SASLSTEP_OK);
	CHECK_MEM(dec, declen, plain);
	free(enc);
	free(dec);
}

static void
refused(const char *in, size_t len)
{
	static unsigned char sentinel[1];
	unsigned char *dec = sentinel;
	size_t declen = 7;

	CHECK_INT(
	    sstep_base64_decode(in, len, &dec, &declen), SASLSTEP_BADPROT);
	CHECK(dec == NULL);
	CHECK_INT(declen, 0);
}

int
main(void)
{
	/* RFC 4648 section 10. */
	roundtrip("", "");
	roundtrip("f", "Zg==");
	roundtrip("fo", "Zm8=");
	roundtrip("foo", "Zm9v");
	roundtrip("foob", "Zm9vYg==");
	roundtrip("fooba", "Zm9vYmE=");
	roundtrip("foobar", "Zm9vYmFy");

	refused("Zg=", 3);    /* not a multiple of 4 */
	refused("Zh==", 4);   /* non-zero unused bits: not canonical */
	refused("Zm9v\n", 5); /* line break */
	refused(" Zm9", 4);   /* blank */
	refused("Zm=v", 4);   /* padding inside */
	refused("Z===", 4);   /* too much padding */
	refused("Zm9\0", 4);  /* embedded NUL */
	refused("Zm9-", 4);   /* URL alphabet is not ours */
	refused("====", 4);
	return check_done("test-base64");
}

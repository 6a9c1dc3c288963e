/*
 * fuzz-encoding.c: the decoders every message and import goes through:
 * base64 (RFC 4648 s. 4, canonical only), base32 (RFC 4648 s. 6, as
 * otpauth:// URIs and google-authenticator write it) and SASLprep (RFC
 * 4013, query and stored strings).  Decoded data must encode back to the
 * canonical form; a prepared string must prepare to itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "saslprep.h"
#include "harness.h"

static void
saslprep(const char *s, size_t len, unsigned flags)
{
	char *out = NULL, *again = NULL;
	size_t outlen = 0, againlen = 0;
	const char *why = NULL;
	int r;

	r = sstep_saslprep(s, len, flags, &out, &outlen, &why);
	if (r == SASLSTEP_OK) {
		if (strlen(out) != outlen)
			abort();
		r = sstep_saslprep(out, outlen, flags, &again, &againlen, NULL);
		if (r == SASLSTEP_OK &&
		    (againlen != outlen || memcmp(out, again, outlen) != 0))
			abort();
		if (r != SASLSTEP_OK && r != SASLSTEP_NOMEM)
			abort();
	} else if (r != SASLSTEP_NOMEM && why == NULL)
		abort();
	if (out != NULL)
		sstep_freezero(out, outlen + 1);
	if (again != NULL)
		sstep_freezero(again, againlen + 1);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	unsigned char *bin = NULL;
	char *text = NULL;
	size_t binlen = 0, textlen = 0;

	fuzz_faults_begin(data, size);
	/* Canonical base64 only: what decodes encodes to the input. */
	if (sstep_base64_decode(s, size, &bin, &binlen) == SASLSTEP_OK &&
	    sstep_base64_encode(bin, binlen, &text, &textlen) == SASLSTEP_OK &&
	    (textlen != size || memcmp(text, s, size) != 0))
		abort();
	free(text);
	text = NULL;
	if (bin != NULL)
		sstep_freezero(bin, binlen);
	bin = NULL;
	/* base32: either case, with or without padding; the upper-case
	 * unpadded encoding decodes to the same bytes. */
	if (sstep_base32_decode(s, size, &bin, &binlen) == SASLSTEP_OK) {
		unsigned char *again = NULL;
		size_t againlen = 0;

		if (sstep_base32_encode(bin, binlen, SSTEP_BASE32_NOPAD, &text,
		        &textlen) == SASLSTEP_OK &&
		    sstep_base32_decode(text, textlen, &again, &againlen) ==
		        SASLSTEP_OK &&
		    (againlen != binlen || memcmp(again, bin, binlen) != 0))
			abort();
		if (again != NULL)
			sstep_freezero(again, againlen);
		free(text);
		sstep_freezero(bin, binlen);
	}
	saslprep(s, size, 0);
	saslprep(s, size, SSTEP_SASLPREP_STORED);
	(void)fuzz_faults_end();
	return 0;
}

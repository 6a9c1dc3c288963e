/*
 * fuzz-otp-words.c: the OTP decoders of RFC 2289 s. 6: six dictionary
 * words (with their checksum) and 16 hex digits.  What decodes must
 * encode back to the same OTP and decode again to it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep.h"
#include "otp.h"
#include "harness.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	unsigned char otp[SSTEP_OTP_LEN], again[SSTEP_OTP_LEN];
	char words[SSTEP_OTP_WORDS_MAX + 1], hex[SSTEP_OTP_HEX_LEN + 1];
	const char *why = NULL;
	int w;

	fuzz_faults_begin(data, size);
	w = sstep_otp_word_index(s, size);
	if (w < -1 || w >= SSTEP_OTP_NWORDS)
		abort();
	if (sstep_otp_from_words(s, size, otp, &why) == SASLSTEP_OK) {
		sstep_otp_to_words(otp, words);
		if (sstep_otp_from_words(words, strlen(words), again, NULL) !=
		        SASLSTEP_OK ||
		    memcmp(otp, again, sizeof(otp)) != 0)
			abort();
	} else if (why == NULL)
		abort();
	why = NULL;
	if (sstep_otp_from_hex(s, size, otp, &why) == SASLSTEP_OK) {
		sstep_otp_to_hex(otp, hex);
		if (sstep_otp_from_hex(hex, strlen(hex), again, NULL) !=
		        SASLSTEP_OK ||
		    memcmp(otp, again, sizeof(otp)) != 0)
			abort();
	} else if (why == NULL)
		abort();
	(void)fuzz_faults_end();
	return 0;
}

/*
 * fuzz-otp-response.c: the OTP response parser (RFC 2289 s. 6 standard
 * responses, RFC 2243 hex:, word:, init-hex:, init-word:).  A parsed
 * response must be self-consistent: a known type, one or two readings of
 * the current OTP, and for init responses either usable new parameters
 * or a reason.
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
	struct sstep_otp_response r;
	char buf[SSTEP_OTP_CHALLENGE_MAX];
	const char *why = NULL;
	int rc;

	fuzz_faults_begin(data, size);
	rc = sstep_otp_response_parse((const char *)data, size, &r, &why);
	if (rc != SASLSTEP_OK) {
		if (rc != SASLSTEP_BADPROT || why == NULL)
			abort();
	} else {
		if (r.ncur < 1 || r.ncur > 2 ||
		    r.type < SSTEP_OTP_RESP_STANDARD ||
		    r.type > SSTEP_OTP_RESP_INIT_WORD ||
		    (r.ncur == 2 && r.type != SSTEP_OTP_RESP_STANDARD))
			abort();
		/* Usable new parameters format as a valid challenge. */
		if ((r.type == SSTEP_OTP_RESP_INIT_HEX ||
		        r.type == SSTEP_OTP_RESP_INIT_WORD) &&
		    r.init_why == NULL &&
		    sstep_otp_challenge_format(&r.newp, buf) < 0)
			abort();
	}
	sstep_otp_response_clear(&r);
	(void)fuzz_faults_end();
	return 0;
}

/*
 * fuzz-otp-challenge.c: the parsers of OTP challenges ("otp-ALG SEQ SEED
 * ext", RFC 2289 s. 6, RFC 2243 s. 2.1) and of new parameters ("ALG SEQ
 * SEED", RFC 2243 s. 4.1), with the seed and pass phrase checks.  What
 * parses must format and parse back to the same parameters.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saslstep.h"
#include "otp.h"
#include "harness.h"

static void
same_params(const struct sstep_otp_params *a, const struct sstep_otp_params *b)
{
	if (a->alg != b->alg || a->seq != b->seq ||
	    strcmp(a->seed, b->seed) != 0)
		abort();
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
	struct sstep_otp_params p, q;
	char buf[SSTEP_OTP_CHALLENGE_MAX], seed[SSTEP_OTP_SEED_MAX + 1];
	const char *why = NULL;
	enum sstep_otp_alg alg;
	int ext, n, rc;

	fuzz_faults_begin(data, size);
	rc = sstep_otp_challenge_parse(s, size, &p, &ext, &why);
	if (rc == SASLSTEP_OK) {
		if ((n = sstep_otp_challenge_format(&p, buf)) < 0 ||
		    (size_t)n != strlen(buf) ||
		    sstep_otp_challenge_parse(buf, (size_t)n, &q, &ext, NULL) !=
		        SASLSTEP_OK)
			abort();
		same_params(&p, &q);
	} else if ((rc != SASLSTEP_BADPROT && rc != SASLSTEP_BADVERS) ||
	           why == NULL)
		abort();
	if (sstep_otp_params_parse(s, size, &p, &why) == SASLSTEP_OK) {
		if ((n = snprintf(buf, sizeof(buf), "otp-%s %u %s",
		         sstep_otp_alg_name(p.alg), p.seq, p.seed)) < 0 ||
		    sstep_otp_challenge_parse(buf, (size_t)n, &q, &ext, NULL) !=
		        SASLSTEP_OK)
			abort();
		same_params(&p, &q);
	}
	if (sstep_otp_seed_check(s, size, seed, NULL) == SASLSTEP_OK &&
	    strlen(seed) != size)
		abort();
	(void)sstep_otp_pass_check(s, size, NULL);
	(void)sstep_otp_alg_parse(s, size, &alg, NULL);
	(void)fuzz_faults_end();
	return 0;
}

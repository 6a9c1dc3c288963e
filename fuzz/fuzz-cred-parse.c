/*
 * fuzz-cred-parse.c: the store's record decoding, straight: a credential
 * (family chosen by the first byte, then params, secret and counter, as
 * fuzz-cred.c reads them) handed to the decoder of its family, as a server
 * or `saslstep user show` gets it from the store.  (fuzz-cred reaches the
 * same decoders, and those without a public one, through a login.)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "scram.h"
#include "oath.h"
#include "harness.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const families[] = {"scram-sha-1", "scram-sha-256",
	    "scram-sha-512", "hotp", "totp", "otp", "recovery", "cram-md5"};
	struct fuzz_input in = {data, size};
	struct sstep_scram_verifier v;
	struct sstep_oath_params p;
	struct sstep_cred c;
	char params[256];
	const uint8_t *b;
	const char *why = NULL;
	uint64_t counter = 0;
	size_t n;
	int i, r;

	memset(&c, 0, sizeof(c));
	n = fuzz_byte(&in) % (sizeof(families) / sizeof(families[0]));
	memcpy(c.family, families[n], strlen(families[n]) + 1);
	b = fuzz_bytes(&in, fuzz_byte(&in), &n);
	memcpy(params, b, n);
	params[n] = '\0';
	c.params = params;
	n = fuzz_byte(&in);
	n |= (size_t)fuzz_byte(&in) << 8;
	c.secret =
	    (unsigned char *)(uintptr_t)fuzz_bytes(&in, n, &c.secret_len);
	for (i = 0; i < 8; i++)
		counter |= (uint64_t)fuzz_byte(&in) << (8 * i);
	c.counter = (int64_t)counter;
	fuzz_faults_begin(data, size);
	r = sstep_scram_cred_parse(&c, &v, &why);
	if (r == SASLSTEP_OK) {
		if (strncmp(c.family, "scram-", 6) != 0 ||
		    v.saltlen > SSTEP_SCRAM_SALT_MAX ||
		    c.secret_len != 2 * sstep_scram_alg_keylen(v.alg))
			abort();
		sstep_scram_verifier_clear(&v);
	} else if (why == NULL)
		abort();
	why = NULL;
	r = sstep_oath_cred_parse(SSTEP_OATH_HOTP, &c, &p, &why);
	if (r == SASLSTEP_OK &&
	    sstep_oath_params_check(&p, NULL) != SASLSTEP_OK)
		abort();
	r = sstep_oath_cred_parse(SSTEP_OATH_TOTP, &c, &p, &why);
	if (r == SASLSTEP_OK &&
	    sstep_oath_params_check(&p, NULL) != SASLSTEP_OK)
		abort();
	(void)fuzz_faults_end();
	return 0;
}

/*
 * fuzz-scram-verifier.c: the SCRAM verifier parser (RFC 5803 /
 * PostgreSQL and Dovecot / gsasl notations, used by import) and the
 * store's decoding of a SCRAM credential.  A verifier that parses must
 * format, parse back and go through the store layout unchanged.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "scram.h"
#include "harness.h"

static void
same_verifier(
    const struct sstep_scram_verifier *a, const struct sstep_scram_verifier *b)
{
	size_t k = sstep_scram_alg_keylen(a->alg);

	if (a->alg != b->alg || a->iter != b->iter ||
	    a->saltlen != b->saltlen ||
	    memcmp(a->salt, b->salt, a->saltlen) != 0 ||
	    memcmp(a->stored_key, b->stored_key, k) != 0 ||
	    memcmp(a->server_key, b->server_key, k) != 0)
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
	struct sstep_scram_verifier v, w;
	struct sstep_cred c;
	const char *why = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

	memset(&c, 0, sizeof(c));
	fuzz_faults_begin(data, size);
	r = sstep_scram_verifier_parse((const char *)data, size, &v, &why);
	if (r == SASLSTEP_OK) {
		if (sstep_scram_verifier_format(&v, &text, &len) ==
		    SASLSTEP_OK) {
			if (strlen(text) != len ||
			    sstep_scram_verifier_parse(text, len, &w, NULL) !=
			        SASLSTEP_OK)
				abort();
			same_verifier(&v, &w);
		}
		if (sstep_scram_cred_make(&v, &c) == SASLSTEP_OK) {
			if (sstep_scram_cred_parse(&c, &w, NULL) != SASLSTEP_OK)
				abort();
			same_verifier(&v, &w);
		}
	} else if (why == NULL && r != SASLSTEP_NOMEM)
		abort();
	(void)fuzz_faults_end();
	sstep_free_str(text);
	sstep_cred_clear(&c);
	sstep_scram_verifier_clear(&v);
	return 0;
}

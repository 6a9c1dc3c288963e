/*
 * fuzz-cred.c: the store's record decoding.  The input is a credential of
 * the mechanism's family (params, secret, counter), written to the store
 * as any enrolment would write it, then an exchange for its user: the
 * server reads and decodes that record, whatever it holds.  The
 * mechanism is FUZZ_MECH.
 *
 * Input: params length (1 byte) and params, secret length (2 bytes, little
 * endian) and secret, counter (8 bytes, little endian), then what
 * fuzz_exchange() reads.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "harness.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup(1);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = {data, size};
	const struct sstep_mech *m;
	struct sstep_cred c;
	char params[256];
	const uint8_t *p;
	uint64_t counter = 0;
	size_t n;
	int i;

	fuzz_prepare();
	memset(&c, 0, sizeof(c));
	m = sstep_mech_find(fuzz_mech()->name, strlen(fuzz_mech()->name));
	memcpy(c.family, m->family, strlen(m->family) + 1);
	p = fuzz_bytes(&in, fuzz_byte(&in), &n);
	memcpy(params, p, n);
	params[n] = '\0';
	c.params = params;
	n = fuzz_byte(&in);
	n |= (size_t)fuzz_byte(&in) << 8;
	c.secret =
	    (unsigned char *)(uintptr_t)fuzz_bytes(&in, n, &c.secret_len);
	for (i = 0; i < 8; i++)
		counter |= (uint64_t)fuzz_byte(&in) << (8 * i);
	c.counter = (int64_t)counter;
	/* What the store refuses to write, no server will ever read. */
	if (sstep_store_cred_put(fuzz_store(), FUZZ_USER_RECORD, &c) !=
	    SASLSTEP_OK)
		return 0;
	fuzz_faults_begin(data, size);
	(void)fuzz_exchange(&in, FUZZ_USER_RECORD, 1);
	(void)fuzz_faults_end();
	return 0;
}

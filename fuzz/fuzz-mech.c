/*
 * fuzz-mech.c: a mechanism's client and server, each fed whatever the
 * input makes of the other's messages at every step of an exchange, for
 * an enrolled, a locked, a credential-less and an unknown user.  The
 * mechanism is FUZZ_MECH (fuzz/harness.c lists them).
 *
 * Input: one byte choosing the user, then what fuzz_exchange() reads.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

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
	/* Half of the inputs for the enrolled user: the deep paths. */
	static const char *const users[8] = {FUZZ_USER_ENROLLED,
	    FUZZ_USER_ENROLLED, FUZZ_USER_ENROLLED, FUZZ_USER_ENROLLED,
	    FUZZ_USER_LOCKED, FUZZ_USER_BARE, FUZZ_USER_UNKNOWN,
	    FUZZ_USER_ENROLLED};
	struct fuzz_input in = {data, size};

	fuzz_prepare();
	fuzz_faults_begin(data, size);
	(void)fuzz_exchange(&in, users[fuzz_byte(&in) & 7], 1);
	(void)fuzz_faults_end();
	return 0;
}

/*
 * fuzz-import.c: the readers of `saslstep import`: the pam_oath usersfile
 * and ~/.google_authenticator (the first input byte chooses), each into a
 * batch that is then checked and written to the store in one transaction,
 * as the command does, and removed again.  (The native format's reader is
 * static in tools/cmd-transfer.c: not reached from here yet.)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "cli.h"
#include "transfer.h"
#include "harness.h"

void *__real_malloc(size_t n);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_setup(0);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xfer_input in;
	struct xfer_batch b;
	size_t i;
	int r;

	if (size == 0)
		return 0;
	fuzz_prepare();
	memset(&in, 0, sizeof(in));
	memset(&b, 0, sizeof(b));
	in.name = "fuzz";
	/* As xfer_input_read() leaves it: the contents, NUL-terminated. */
	if ((in.buf = __real_malloc(size)) == NULL)
		abort();
	memcpy(in.buf, data + 1, size - 1);
	in.buf[size - 1] = '\0';
	in.len = size - 1;
	fuzz_faults_begin(data, size);
	if (data[0] & 1)
		r = xfer_read_google_auth(&in, FUZZ_USER_RECORD, &b);
	else
		r = xfer_read_pam_oath(&in, NULL, &b);
	if (r == CLI_OK && xfer_batch_check(&b, &in) == CLI_OK)
		(void)xfer_batch_write(fuzz_store(), &b, &in);
	(void)fuzz_faults_end();
	/* What was written goes, so that the store stays small. */
	for (i = 0; i < b.n; i++)
		if (strcmp(b.items[i].user, FUZZ_USER_RECORD) != 0)
			(void)sstep_store_user_del(
			    fuzz_store(), b.items[i].user);
	xfer_batch_free(&b);
	xfer_input_free(&in);
	return 0;
}

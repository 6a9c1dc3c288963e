/*
 * fuzz-plain.c: the PLAIN message parser (RFC 4616 s. 2) and the
 * CRAM-MD5 response parser (RFC 2195 s. 2).  What they accept must lie
 * inside the message, within the documented limits.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "plain.h"
#include "crammd5.h"
#include "harness.h"

/* p (n bytes) lies within the input. */
static void
inside(const char *p, size_t n, const uint8_t *data, size_t size)
{
	if (n > 0 &&
	    (p < (const char *)data || p + n > (const char *)data + size))
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
	const char *s = (const char *)data, *user, *why = NULL;
	unsigned char digest[SSTEP_CRAMMD5_DIGEST_LEN];
	struct sstep_plain_msg m;
	size_t userlen;

	fuzz_faults_begin(data, size);
	if (sstep_plain_parse(s, size, &m, &why) == SASLSTEP_OK) {
		inside(m.authzid, m.authzidlen, data, size);
		inside(m.authcid, m.authcidlen, data, size);
		inside(m.passwd, m.passwdlen, data, size);
		if (m.authcidlen < 1 || m.authcidlen > SSTEP_NAME_MAX ||
		    m.authzidlen > SSTEP_NAME_MAX || m.passwdlen < 1 ||
		    m.passwdlen > SSTEP_PLAIN_PASS_MAX ||
		    m.authzidlen + m.authcidlen + m.passwdlen + 2 != size)
			abort();
	} else if (why == NULL)
		abort();
	why = NULL;
	if (sstep_crammd5_response_parse(
	        s, size, &user, &userlen, digest, &why) == SASLSTEP_OK) {
		inside(user, userlen, data, size);
		if (userlen + 1 + SSTEP_CRAMMD5_HEX_LEN != size)
			abort();
	} else if (why == NULL)
		abort();
	(void)fuzz_faults_end();
	return 0;
}

/*
 * fuzz-oath.c: the HOTP/TOTP parsers: stored params ("alg=sha1 digits=6
 * period=30 t0=0"), decimal numbers, recovery codes.  Params that parse
 * must format and parse back the same; a recovery code's normal form must
 * be a recovery code in normal form.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "oath.h"
#include "recovery.h"
#include "harness.h"

static void
params(enum sstep_oath_kind kind, const char *s, size_t len)
{
	struct sstep_oath_params p, q;
	char buf[SSTEP_OATH_PARAMS_MAX];
	const char *why = NULL;
	int n;

	if (sstep_oath_params_parse(kind, s, len, &p, &why) != SASLSTEP_OK) {
		if (why == NULL)
			abort();
		return;
	}
	if (sstep_oath_params_check(&p, NULL) != SASLSTEP_OK ||
	    (n = sstep_oath_params_format(&p, buf)) < 0 ||
	    sstep_oath_params_parse(kind, buf, (size_t)n, &q, NULL) !=
	        SASLSTEP_OK ||
	    p.kind != q.kind || p.alg != q.alg || p.digits != q.digits ||
	    (kind == SSTEP_OATH_TOTP && (p.period != q.period || p.t0 != q.t0)))
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
	char norm[SSTEP_RECOVERY_NORM_MAX + 1],
	    again[SSTEP_RECOVERY_NORM_MAX + 1];
	size_t normlen, againlen;
	uint64_t v;

	fuzz_faults_begin(data, size);
	params(SSTEP_OATH_HOTP, s, size);
	params(SSTEP_OATH_TOTP, s, size);
	if (sstep_oath_number_parse(s, size, UINT64_MAX, &v) == 0 &&
	    (size == 0 || size > 19))
		abort();
	if (sstep_recovery_code_norm(s, size, norm, &normlen) &&
	    (normlen != strlen(norm) ||
	        !sstep_recovery_code_norm(norm, normlen, again, &againlen) ||
	        againlen != normlen || memcmp(norm, again, normlen) != 0))
		abort();
	(void)fuzz_faults_end();
	return 0;
}

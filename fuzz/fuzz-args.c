/*
 * fuzz-args.c: the PAM module's argument parser, bridge_args_parse().
 * The input is the arguments, separated by newlines or NUL bytes (at most
 * 32, as a pam.d line could hold).  Whatever it accepts must be within
 * the documented limits; whatever it logs must be a bounded string.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "saslstep-int.h"
#include "bridge.h"
#include "harness.h"

#define MAX_ARGS 32

void *__real_malloc(size_t n);

static void
log_check(void *ctx, int priority, const char *msg)
{
	if (msg == NULL || strnlen(msg, BRIDGE_LOG_MAX) >= BRIDGE_LOG_MAX)
		abort();
}

/* p is inside one of the argument strings. */
static int
points_into(const char *p, char *const *argv, int argc)
{
	int i;

	for (i = 0; i < argc; i++)
		if (p >= argv[i] && p <= argv[i] + strlen(argv[i]))
			return 1;
	return 0;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS];
	const struct sstep_mech *m;
	struct bridge_opts o;
	size_t start = 0, i;
	unsigned k;
	int argc = 0, r;

	/* Split into exactly-sized strings, so ASan sees any over-read. */
	for (i = 0; i <= size && argc < MAX_ARGS; i++) {
		if (i < size && data[i] != '\n' && data[i] != '\0')
			continue;
		if ((argv[argc] = __real_malloc(i - start + 1)) == NULL)
			abort();
		memcpy(argv[argc], data + start, i - start);
		argv[argc][i - start] = '\0';
		argc++;
		start = i + 1;
	}
	fuzz_faults_begin(data, size);
	r = bridge_args_parse(
	    &o, argc, (const char **)(uintptr_t)argv, log_check, NULL);
	(void)fuzz_faults_end();
	if (r != PAM_SUCCESS && r != PAM_SERVICE_ERR)
		abort();
	if (r == PAM_SUCCESS) {
		if (o.nmechs > BRIDGE_MAX_MECHS ||
		    o.window > BRIDGE_WINDOW_MAX ||
		    o.lookahead > BRIDGE_LOOKAHEAD_MAX ||
		    o.authtok < BRIDGE_AUTHTOK_ASK ||
		    o.authtok > BRIDGE_AUTHTOK_FORCE ||
		    (o.db != NULL && !points_into(o.db, argv, argc)) ||
		    (o.prompt != NULL && !points_into(o.prompt, argv, argc)))
			abort();
		/* Only canonical names of mechanisms the library has. */
		for (k = 0; k < o.nmechs; k++) {
			m = sstep_mech_find(o.mechs[k], strlen(o.mechs[k]));
			if (m == NULL || strcmp(m->name, o.mechs[k]) != 0)
				abort();
		}
	}
	while (argc-- > 0)
		free(argv[argc]);
	return 0;
}

/*
 * dlsym-check.c: load the module the way libpam does (dlopen with
 * RTLD_NOW, so an unresolved symbol fails here and not inside sshd) and
 * check that its entry points are there and its internals are not.
 *
 * usage: dlsym-check MODULE.so
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>

static const char *const exported[] = {
    "pam_sm_authenticate", "pam_sm_setcred", NULL};
/* A sample of what must stay hidden: the bridge, the core, the store. */
static const char *const hidden[] = {"bridge_authenticate", "bridge_args_parse",
    "bridge_pam_code", "sstep_mech_find", "sstep_store_open", "sstep_wipe",
    "saslstep_client_new", NULL};

int
main(int argc, char **argv)
{
	void *h;
	int i, failed = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: dlsym-check MODULE.so\n");
		return 2;
	}
	if ((h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL)) == NULL) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		return 1;
	}
	for (i = 0; exported[i] != NULL; i++) {
		if (dlsym(h, exported[i]) == NULL) {
			fprintf(stderr, "missing: %s\n", exported[i]);
			failed = 1;
		}
	}
	for (i = 0; hidden[i] != NULL; i++) {
		if (dlsym(h, hidden[i]) != NULL) {
			fprintf(
			    stderr, "exported but internal: %s\n", hidden[i]);
			failed = 1;
		}
	}
	dlclose(h);
	printf("dlsym-check: %s\n", failed ? "FAIL" : "ok");
	return failed;
}

/*
 * store-user.c: put a user with no credential into a store, which the
 * saslstep command has no subcommand for (enrolment always brings a
 * credential), so tests can see how such a user is treated.
 *
 * usage: store-user DB USER
 */
#include "config.h"

#include <stdio.h>

#include "saslstep-int.h"
#include "store.h"

int
main(int argc, char **argv)
{
	saslstep_store_t *st = NULL;
	int rc;

	if (argc != 3) {
		fprintf(stderr, "usage: store-user DB USER\n");
		return 2;
	}
	if ((rc = sstep_store_open(argv[1], SSTEP_STORE_CREATE, &st)) !=
	    SASLSTEP_OK) {
		fprintf(stderr, "store-user: %s\n", sstep_store_open_error());
		return 1;
	}
	if ((rc = sstep_store_user_add(st, argv[2])) != SASLSTEP_OK)
		fprintf(stderr, "store-user: %s\n", sstep_store_error(st));
	sstep_store_close(st);
	return rc == SASLSTEP_OK ? 0 : 1;
}

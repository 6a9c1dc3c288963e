/*
 * tmpstore.h: a throw-away SQLite store in a private temporary directory,
 * for the unit tests that run whole exchanges through the public API.
 * tmpstore_open() makes /tmp/NAME.XXXXXX (0700, ours, so the store passes
 * the permission checks) and creates NAME.db in it; after
 * sstep_store_close(), tmpstore_remove() removes the directory.
 */
#ifndef SSTEP_TMPSTORE_H
#define SSTEP_TMPSTORE_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "saslstep.h"
#include "store.h"

static char tmpstore_dir[256];

/* Remove what tmpstore_open() made (the store's files, then the
 * directory); nothing when it made nothing. */
static inline void
tmpstore_remove(void)
{
	char path[512];
	struct dirent *de;
	DIR *d;

	if (tmpstore_dir[0] == '\0' || (d = opendir(tmpstore_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", tmpstore_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(tmpstore_dir);
	tmpstore_dir[0] = '\0';
}

/*
 * Create the store NAME.db in a new /tmp/NAME.XXXXXX.  Returns SASLSTEP_OK
 * with *st set, or another code with *st NULL after saying why on stderr
 * (and removing what was made).
 */
static inline int
tmpstore_open(const char *name, saslstep_store_t **st)
{
	char path[512];
	int r;

	*st = NULL;
	snprintf(tmpstore_dir, sizeof(tmpstore_dir), "/tmp/%s.XXXXXX", name);
	if (mkdtemp(tmpstore_dir) == NULL) {
		perror("mkdtemp");
		tmpstore_dir[0] = '\0';
		return SASLSTEP_FAIL;
	}
	snprintf(path, sizeof(path), "%s/%s.db", tmpstore_dir, name);
	if ((r = sstep_store_open(path, SSTEP_STORE_CREATE, st)) !=
	    SASLSTEP_OK) {
		fprintf(stderr, "store: %s\n", sstep_store_open_error());
		*st = NULL;
		tmpstore_remove();
	}
	return r;
}

/* The version of user's credential of family (-1 when there is none): a
 * failed login must leave it as it was. */
static inline long long
tmpstore_version(saslstep_store_t *st, const char *user, const char *family)
{
	struct sstep_cred c;
	long long v;

	memset(&c, 0, sizeof(c));
	if (sstep_store_cred_get(st, user, family, &c) != SASLSTEP_OK)
		return -1;
	v = c.version;
	sstep_cred_clear(&c);
	return v;
}

#endif /* SSTEP_TMPSTORE_H */

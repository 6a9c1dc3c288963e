/*
 * registry.c: the one list of mechanisms.  Adding a mechanism is one line
 * here and one declaration in mechs/mechs.h; nothing else in the core
 * names any mechanism.
 */
#include "config.h"

#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "saslstep-int.h"
#include "mechs.h"

static const struct sstep_mech *const mechanisms[] = {
    &sstep_mech_otp,
    &sstep_mech_scram_sha256,
    &sstep_mech_scram_sha1,
    &sstep_mech_scram_sha512,
    &sstep_mech_hotp,
    &sstep_mech_totp,
    &sstep_mech_recovery,
    &sstep_mech_plain,
    &sstep_mech_crammd5,
    NULL,
};

const struct sstep_mech *const *
sstep_mech_all(void)
{
	return mechanisms;
}

const struct sstep_mech *
sstep_mech_find(const char *name, size_t n)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; mechanisms[i] != NULL; i++) {
		if (strlen(mechanisms[i]->name) == n &&
		    strncasecmp(mechanisms[i]->name, name, n) == 0)
			return mechanisms[i];
	}
	return NULL;
}

static char mechlist[256];
static pthread_once_t mechlist_once = PTHREAD_ONCE_INIT;

static void
mechlist_build(void)
{
	size_t i, used = 0, n;

	for (i = 0; mechanisms[i] != NULL; i++) {
		n = strlen(mechanisms[i]->name);
		/* The buffer is sized for the table; stop rather than cut a
		 * name in half should it ever grow past it. */
		if (used + n + 2 > sizeof(mechlist))
			break;
		if (used > 0)
			mechlist[used++] = ' ';
		memcpy(mechlist + used, mechanisms[i]->name, n);
		used += n;
	}
	mechlist[used] = '\0';
}

SASLSTEP_API const char *
saslstep_mechanisms(void)
{
	pthread_once(&mechlist_once, mechlist_build);
	return mechlist;
}

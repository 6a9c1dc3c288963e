/*
 * clock.c: the one source of the current time, so that tests can fix it
 * (TOTP windows, pending-lock expiry) without touching the system clock.
 */
#include "config.h"

#include <time.h>

#include "saslstep-int.h"

static int64_t fixed_time;

int64_t
sstep_now(void)
{
	if (fixed_time != 0)
		return fixed_time;
	return (int64_t)time(NULL);
}

void
sstep_clock_set(int64_t t)
{
	fixed_time = t;
}

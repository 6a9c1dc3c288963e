/*
 * fault.h: fault injection for the fuzzers and the fault builds of the PAM
 * module (fuzz/fault.c).  Not installed; never linked into what is.
 *
 * A program linked with fault.o and FAULT_LDFLAGS (fuzz/Makefile.inc:
 * -Wl,--wrap for the C allocator and file creation) has "fault points":
 * every malloc, calloc, realloc, strdup, strndup, asprintf, realpath,
 * open and mkdir of the project's own code, every allocation OpenSSL and
 * SQLite make (their allocator hooks) and every file operation SQLite
 * makes (a VFS over the default one: open, read, write, sync, truncate,
 * lock, shared memory).  Disarmed, a fault point does what it wraps.
 * Armed, it fails by plan, as the real call fails when memory or the disk
 * runs out: NULL and ENOMEM, -1 and ENOSPC, SQLITE_NOMEM, SQLITE_IOERR_*,
 * SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_BUSY.
 *
 * Plans:
 *   nth:N           the Nth fault point after arming fails, once;
 *   random:SEED:R   each fault point fails with probability 1/R, drawn
 *                   from a generator seeded with SEED (reproducible).
 * A program that never calls fault_arm_*() takes its plan from
 * SSTEP_FAULT in the environment when it is loaded (the PAM module's
 * fault build).  With SSTEP_FAULT_REPORT=FILE each injected fault appends
 * a line "N KIND" to FILE (N counts fault points from arming).
 */
#ifndef SSTEP_FAULT_H
#define SSTEP_FAULT_H

#include <stdint.h>

/* Fail the nth fault point from now (n >= 1), once. */
void fault_arm_nth(unsigned long n);
/* Fail each fault point from now with probability 1/rate (rate >= 1). */
void fault_arm_random(uint64_t seed, unsigned rate);
/* Stop failing; returns the number of faults injected since arming. */
unsigned long fault_disarm(void);
/* Fault points passed since the last arming. */
unsigned long fault_points(void);
/* Faults injected since the last arming. */
unsigned long fault_injected(void);

#endif /* SSTEP_FAULT_H */

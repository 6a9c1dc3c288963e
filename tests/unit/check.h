/*
 * check.h: the few assertions the unit tests share.  A failed check prints
 * where and what, and the test goes on, so one run shows every failure;
 * check_done() turns the count into the exit status automake reads.
 */
#ifndef SSTEP_CHECK_H
#define SSTEP_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                            \
	do {                                                                   \
		check_count++;                                                 \
		if (!(cond)) {                                                 \
			check_failures++;                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
			    __LINE__, #cond);                                  \
		}                                                              \
	} while (0)

/* Integer equality, printing both values when they differ. */
#define CHECK_INT(got, want)                                                   \
	do {                                                                   \
		long long check_g = (long long)(got);                          \
		long long check_w = (long long)(want);                         \
		check_count++;                                                 \
		if (check_g != check_w) {                                      \
			check_failures++;                                      \
			fprintf(stderr, "%s:%d: %s == %lld, want %lld\n",      \
			    __FILE__, __LINE__, #got, check_g, check_w);       \
		}                                                              \
	} while (0)

/* Byte-string equality: got (gotlen bytes) against a C string. */
#define CHECK_MEM(got, gotlen, want)                                           \
	do {                                                                   \
		const char *check_wnt = (want);                                \
		size_t check_wl = strlen(check_wnt);                           \
		check_count++;                                                 \
		if ((size_t)(gotlen) != check_wl ||                            \
		    memcmp((got), check_wnt, check_wl) != 0) {                 \
			check_failures++;                                      \
			fprintf(stderr,                                        \
			    "%s:%d: %s is \"%.*s\", want "                     \
			    "\"%s\"\n",                                        \
			    __FILE__, __LINE__, #got, (int)(gotlen),           \
			    (const char *)(got), check_wnt);                   \
		}                                                              \
	} while (0)

static inline int
check_done(const char *name)
{
	printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
	return check_failures == 0 ? 0 : 1;
}

#endif /* SSTEP_CHECK_H */

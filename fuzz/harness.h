/*
 * harness.h: what the fuzz targets share (fuzz/harness.c).
 *
 * - A real SQLite store in a private temporary directory (on tmpfs when
 *   there is one), with users enrolled for the mechanism under test.
 * - The mechanisms: one line each in the table of harness.c says how to
 *   enrol a user and how a person would answer its prompts; the exchange
 *   and the oracles are the same for all.
 * - An exchange between the real client and the real server that the
 *   input steers: at every message, in either direction, and at every
 *   INTERACT prompt, the input says whether to pass the real value or to
 *   replace, flip, cut or extend it (fuzz/README).
 * - Fault injection per input (fuzz/fault.h) when FUZZ_FAULT=RATE is set:
 *   seeded from the input, so a crash reproduces from its file alone.
 *
 * The harness exits (it is a test program) when its own set-up fails, and
 * abort()s when an oracle is violated, so libFuzzer reports the input.
 */
#ifndef SSTEP_FUZZ_HARNESS_H
#define SSTEP_FUZZ_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "saslstep.h"

/* libFuzzer's entry points, defined by each target. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, consumed from the front; reads past the end give zeros. */
struct fuzz_input {
	const uint8_t *p;
	size_t n;
};

uint8_t fuzz_byte(struct fuzz_input *in);
/* Up to max bytes (fewer at the end of the input): *len set, pointer in. */
const uint8_t *fuzz_bytes(struct fuzz_input *in, size_t max, size_t *len);

/* A mechanism as the harness drives it (table in harness.c). */
struct fuzz_mech {
	const char *name; /* SASL name */
	/* Enrol user in st with the harness's secrets; SASLSTEP_* code. */
	int (*enrol)(saslstep_store_t *st, const char *user);
	/* The answer a person who knows user's secrets would give at prompt
	 * id showing challenge (may be NULL); with SASLSTEP_CB_PASS also
	 * what the application sets as SASLSTEP_PROP_PASS (a password, a
	 * pass phrase, a code).  Writes at most size - 1 bytes and a NUL to
	 * out; returns 0, or -1 when there is none. */
	int (*answer)(unsigned long id, const char *challenge, const char *user,
	    char *out, size_t size);
	unsigned flags; /* FUZZ_MECH_* */
};

/* The client verifies the server's final data: a changed one must never
 * be accepted (SCRAM's server signature). */
#define FUZZ_MECH_VERIFIES_SERVER 0x01

/* The users of the store. */
#define FUZZ_USER_ENROLLED "alice"  /* enrolled for the mechanism */
#define FUZZ_USER_LOCKED   "locked" /* enrolled, then locked */
#define FUZZ_USER_BARE     "bare"   /* a user without credentials */
#define FUZZ_USER_UNKNOWN  "nobody" /* not in the store */
#define FUZZ_USER_RECORD   "record" /* fuzz-cred writes its credential */

/* The secrets every enrolment uses. */
#define FUZZ_PASSWORD "pencil correct horse"
#define FUZZ_OATH_KEY "12345678901234567890" /* RFC 4226 appendix D */
#define FUZZ_OTP_SEED "fz1234"
#define FUZZ_OTP_SEQ  5

/*
 * Set up once (LLVMFuzzerInitialize): the store, and the mechanism named
 * by FUZZ_MECH (case-insensitive) with its users.  With FUZZ_LIST set,
 * print the names of the mechanisms the harness knows, one a line, and
 * exit: `make fuzz-smoke` runs a target per name.  with_mech 0: only the
 * store (the parser targets that need one).
 */
void fuzz_setup(int with_mech);
const struct fuzz_mech *fuzz_mech(void);
saslstep_store_t *fuzz_store(void);
/* Every mechanism the harness knows, NULL-terminated. */
const struct fuzz_mech *const *fuzz_mechs(void);

/*
 * Around the code under test for one input: arm the faults (when
 * FUZZ_FAULT is set, seeded from the whole input) and disarm them.
 * fuzz_faults_end() returns the number of faults injected.
 */
void fuzz_faults_begin(const uint8_t *data, size_t size);
unsigned long fuzz_faults_end(void);

/*
 * Before an input: move the clock on (so a pending-challenge lock an
 * earlier input left expires) and enrol FUZZ_USER_ENROLLED again if an
 * earlier input changed their credential (a login moves a counter).
 */
void fuzz_prepare(void);

/*
 * One exchange of the mechanism for user between the real client and the
 * real server, steered by in (fuzz/README).  client_pass: give the client
 * SASLSTEP_PROP_PASS (else it asks through INTERACT).  Checks the oracles
 * and returns the server's last code.
 */
int fuzz_exchange(struct fuzz_input *in, const char *user, int client_pass);

#endif /* SSTEP_FUZZ_HARNESS_H */

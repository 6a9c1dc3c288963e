/*
 * saslstep-int.h: what the core offers mechanisms, the store and the tools
 * inside the project.  Not installed.
 *
 * A mechanism is a `const struct sstep_mech` (name, store family, flags, a
 * parameter such as a digest, and its ops).  The core keeps the one
 * NULL-terminated list of them in lib/registry.c and knows nothing else of
 * any mechanism.  A mechanism reaches the connection only through the
 * functions below, and the store only through store/store.h.
 */
#ifndef SASLSTEP_INT_H
#define SASLSTEP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "saslstep.h"

#if defined(__GNUC__)
#define SSTEP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SSTEP_PRINTF(f, a)
#endif

/* Inside the project a connection is `struct sstep_conn`, the same type as
 * the public saslstep_conn_t (defined in lib/conn.c). */
#define sstep_conn saslstep_conn

/*
 * The operations of one mechanism.  step() is called first with in == NULL
 * (start; for a server, in != NULL when the client sent an initial
 * response, which may be empty), then with each message of the peer.  It
 * returns a SASLSTEP_* code and writes its message with sstep_out().  A
 * client step that returns SASLSTEP_INTERACT must not change its state: it
 * is called again with the same input once the prompts are answered.
 * free() releases the state and whatever the exchange holds (locks), wiping
 * secrets; it must not change any stored counter.
 */
struct sstep_mech_funcs {
	int (*client_new)(struct sstep_conn *conn, void **state);
	int (*client_step)(
	    struct sstep_conn *conn, void *state, const char *in, size_t inlen);
	void (*client_free)(struct sstep_conn *conn, void *state);
	int (*server_new)(struct sstep_conn *conn, void **state);
	int (*server_step)(
	    struct sstep_conn *conn, void *state, const char *in, size_t inlen);
	void (*server_free)(struct sstep_conn *conn, void *state);
};

#define SSTEP_MECH_CLIENT_FIRST 0x01 /* client sends an initial response */
#define SSTEP_MECH_DRAFT        0x02 /* no RFC: listed as draft-only */

struct sstep_mech {
	const char *name;   /* SASL name, upper case */
	const char *family; /* credential family in the store, e.g. "otp" */
	unsigned flags;     /* SSTEP_MECH_* */
	const void *param;  /* mechanism-specific (e.g. digest description) */
	const struct sstep_mech_funcs *funcs;
};

/* lib/registry.c: look a mechanism up by name (case-insensitive, n bytes). */
const struct sstep_mech *sstep_mech_find(const char *name, size_t n);
/* The NULL-terminated list of all mechanisms. */
const struct sstep_mech *const *sstep_mech_all(void);

/* --- what a mechanism may ask of its connection (lib/conn.c) --- */

/* The connection's store (server side), or NULL. */
saslstep_store_t *sstep_conn_store(struct sstep_conn *conn);
/* A property's value or NULL (PASS included: mechanisms may read it). */
const char *sstep_conn_prop(struct sstep_conn *conn, int prop);
/* Server: record the authenticated identity (SASLSTEP_PROP_USERNAME). */
int sstep_conn_set_username(
    struct sstep_conn *conn, const char *name, size_t n);
/* The service name given to *_new(), or "" */
const char *sstep_conn_service(struct sstep_conn *conn);

/*
 * Set the step's output message (copied; may hold secrets, wiped later).
 * sstep_outf() formats it.  Returns SASLSTEP_OK or SASLSTEP_NOMEM.
 */
int sstep_out(struct sstep_conn *conn, const void *data, size_t len);
int sstep_outf(struct sstep_conn *conn, const char *fmt, ...)
    SSTEP_PRINTF(2, 3);

/*
 * Server: say why the step failed, for the log (never for the client, and
 * never with a secret in it).  Returns code, so a mechanism can write
 * `return sstep_fail(conn, SASLSTEP_BADPROT, "bad seed");`.
 */
int sstep_fail(struct sstep_conn *conn, int code, const char *fmt, ...)
    SSTEP_PRINTF(3, 4);

/*
 * Client: get the value for interaction id (SASLSTEP_CB_*).  AUTHNAME, USER
 * and PASS come from the properties when set; otherwise from the person's
 * answer to the previous INTERACT round.  If neither has it, a request with
 * challenge and prompt (both copied; challenge may be NULL) is queued and
 * SASLSTEP_INTERACT is returned: the mechanism should ask for everything it
 * needs and then return SASLSTEP_INTERACT without changing state.
 * *value is NUL-terminated, owned by the connection and wiped after the
 * step; *len is its length (an answer may contain NUL bytes: the mechanism
 * must reject what its syntax does not allow).
 */
int sstep_need(struct sstep_conn *conn, unsigned long id, const char *challenge,
    const char *prompt, const char **value, size_t *len);

/* --- secrets (lib/secret.c): the one place secrets are wiped --- */

/* Wipe n bytes in a way the compiler cannot drop. */
void sstep_wipe(void *p, size_t n);
/* Wipe n bytes then free(p); p may be NULL. */
void sstep_freezero(void *p, size_t n);
/* Wipe a NUL-terminated string then free it; NULL accepted. */
void sstep_free_str(char *s);
/* Compare n secret bytes in constant time: 1 when equal, 0 otherwise. */
int sstep_secret_eq(const void *a, const void *b, size_t n);
/* Copy n bytes into a new NUL-terminated string, or NULL if out of memory. */
char *sstep_memdup0(const void *p, size_t n);

/* --- base64 (lib/base64.c), strict RFC 4648, no line breaks --- */

/* Encode; *out is malloc'ed and NUL-terminated. SASLSTEP_OK / NOMEM. */
int sstep_base64_encode(
    const void *in, size_t inlen, char **out, size_t *outlen);
/* Decode, refusing anything but canonical padded base64 (BADPROT);
 * *out is malloc'ed (and NUL-terminated for convenience). */
int sstep_base64_decode(
    const char *in, size_t inlen, unsigned char **out, size_t *outlen);

/* --- time (lib/clock.c): the one source of the current time --- */

/* Seconds since the epoch: the real time, or what sstep_clock_set() fixed. */
int64_t sstep_now(void);
/* Tests only: fix the time sstep_now() returns (0 = real time again). */
void sstep_clock_set(int64_t t);

#endif /* SASLSTEP_INT_H */

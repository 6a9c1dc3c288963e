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
/* The mechanism the connection runs (already set when its *_new runs). */
const struct sstep_mech *sstep_conn_mech(struct sstep_conn *conn);
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

/* --- client identities (lib/identity.c) --- */

#define SSTEP_IDENTITY_FIELDS_MAX 3

/*
 * Split a client message "authzid NUL authcid [NUL more]" (in, inlen
 * bytes, not NUL-terminated; NULL is refused) into nfields fields (2 or 3,
 * at most SSTEP_IDENTITY_FIELDS_MAX): fields[i] points into in, lens[i] is
 * its length, fields[0] is the authzid, fields[1] the authcid.  Every
 * field but the last ends at a NUL; the last may hold none.  The
 * identities are checked: authcid not empty, both at most SSTEP_NAME_MAX
 * bytes, no control character (C0 or DEL).  Returns SASLSTEP_OK, or
 * SASLSTEP_BADPROT (SASLSTEP_BADPARAM for a bad nfields) with *why a
 * static text saying what is wrong and every field NULL/0.  Does not look
 * at what the last field holds, nor at the authzid's meaning: see
 * sstep_identity_is_self().
 */
int sstep_split_identity(const char *in, size_t inlen, size_t nfields,
    const char *fields[], size_t lens[], const char **why);
/* The longest last field sstep_out_identity() takes. */
#define SSTEP_IDENTITY_LAST_MAX 4096

/*
 * The client side: send "authzid NUL authcid" (last NULL) or "authzid NUL
 * authcid NUL last" with sstep_out().  authzid may be NULL when zlen is 0;
 * nothing is checked but the lengths (SSTEP_NAME_MAX for the names,
 * SSTEP_IDENTITY_LAST_MAX for last: BADPARAM): the caller checks its
 * inputs by its own rules first.  The message is built in memory wiped
 * before it is freed, since last may be a secret.  Returns what sstep_out()
 * returns, or SASLSTEP_NOMEM.
 */
int sstep_out_identity(struct sstep_conn *conn, const char *authzid,
    size_t zlen, const char *authcid, size_t clen, const char *last,
    size_t lastlen);

/* 1 when s (len bytes) can be an identity: 1 to SSTEP_NAME_MAX bytes
 * with no control character (names end up in prompts and log lines). */
int sstep_identity_name_ok(const char *s, size_t len);

/* 1 when an authzid (zlen bytes) asks for no proxy authorization: it is
 * empty or equal to the authcid (clen bytes); 0 otherwise. */
int sstep_identity_is_self(
    const char *authzid, size_t zlen, const char *authcid, size_t clen);

/* --- base64 (lib/base64.c), strict RFC 4648, no line breaks --- */

/* Encode; *out is malloc'ed and NUL-terminated. SASLSTEP_OK / NOMEM. */
int sstep_base64_encode(
    const void *in, size_t inlen, char **out, size_t *outlen);
/* Decode, refusing anything but canonical padded base64 (BADPROT);
 * *out is malloc'ed (and NUL-terminated for convenience). */
int sstep_base64_decode(
    const char *in, size_t inlen, unsigned char **out, size_t *outlen);

/* --- base32 (lib/base32.c), RFC 4648 section 6: HOTP/TOTP secrets --- */

#define SSTEP_BASE32_NOPAD 0x01 /* encode without '=' (otpauth:// URIs) */

/* Encode (upper case, padded unless SSTEP_BASE32_NOPAD); *out is malloc'ed
 * and NUL-terminated, *outlen its length.  SASLSTEP_OK / NOMEM / BADPARAM
 * (input over 16 MiB).  The caller wipes *out if in was a secret. */
int sstep_base32_encode(
    const void *in, size_t inlen, unsigned flags, char **out, size_t *outlen);
/* Decode what otpauth:// URIs, oathtool -b and ~/.google_authenticator
 * write: letters of either case, with the full '=' padding or none; no
 * blanks (strip grouping first), unused bits zero.  BADPROT otherwise.
 * *out is malloc'ed (*outlen + 1 bytes, NUL-terminated); free it with
 * sstep_freezero(*out, *outlen) since it is usually a key. */
int sstep_base32_decode(
    const char *in, size_t inlen, unsigned char **out, size_t *outlen);

/* --- PBKDF2 (lib/pbkdf2.c) --- */

enum sstep_md { SSTEP_MD_SHA1, SSTEP_MD_SHA256, SSTEP_MD_SHA512 };

/*
 * PBKDF2-HMAC (RFC 8018 s. 5.2) with digest md: outlen bytes derived from
 * pass and salt with iterations (>= 1) into out.  The same result as
 * OpenSSL's PKCS5_PBKDF2_HMAC, about four times faster (SHA-NI for
 * SHA-256 when the CPU has it).  Returns SASLSTEP_OK or SASLSTEP_BADPARAM.
 */
int sstep_pbkdf2(enum sstep_md md, const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned long iterations,
    unsigned char *out, size_t outlen);
/* Which path sstep_pbkdf2() takes for md: "sha-ni" or "openssl-transform". */
const char *sstep_pbkdf2_path(enum sstep_md md);
/* Tests and benchmarks: 1 forces the OpenSSL path, 0 lets the CPU decide. */
void sstep_pbkdf2_force_generic(int on);
/*
 * HMAC (RFC 2104) of many short messages under one key, as HOTP/TOTP
 * windows and lookaheads need: sstep_hmac_key_init() computes the key's
 * inner and outer midstates once (SASLSTEP_OK, or SASLSTEP_BADPARAM for
 * an unknown md), then each sstep_hmac_short() costs two compressions.
 * k holds key material: wipe it with sstep_wipe(k, sizeof(*k)).
 */
#define SSTEP_HMAC_SHORT_MAX 55 /* bytes: one SHA-1/256 block */
struct sstep_hmac_key {
	enum sstep_md md;
	uint64_t inner[8], outer[8]; /* the midstates' chaining words */
};
int sstep_hmac_key_init(
    struct sstep_hmac_key *k, enum sstep_md md, const void *key, size_t keylen);
/* HMAC of msg (msglen <= SSTEP_HMAC_SHORT_MAX bytes) under k into out
 * (room for 64 bytes).  Returns the digest length, 0 for bad arguments. */
size_t sstep_hmac_short(const struct sstep_hmac_key *k, const void *msg,
    size_t msglen, unsigned char *out);
/* Benchmarks (bench/): n chained SHA-256 compressions of one pre-padded
 * block each, on the path sstep_pbkdf2() takes now (SHA-NI or OpenSSL's
 * SHA256_Transform): the floor that PBKDF2 with n / 2 iterations cannot
 * beat.  out receives the last output (so no work can be optimised away);
 * nothing secret is involved. */
void sstep_sha256_compress_floor(unsigned long n, unsigned char out[32]);

/* --- time (lib/clock.c): the one source of the current time --- */

/* Seconds since the epoch: the real time, or what sstep_clock_set() fixed. */
int64_t sstep_now(void);
/* Tests only: fix the time sstep_now() returns (0 = real time again). */
void sstep_clock_set(int64_t t);

#endif /* SASLSTEP_INT_H */

/*
 * saslstep.h: the public interface of libsaslstep.
 *
 * libsaslstep runs SASL-style authentication exchanges step by step, on the
 * client and on the server side, with the step semantics of Cyrus SASL:
 * a step returns SASLSTEP_OK (done), SASLSTEP_CONTINUE (send the output to
 * the peer and step again with its answer) or SASLSTEP_INTERACT (the client
 * needs values from a person: fill in the prompt array and call the same
 * function again with identical parameters).
 *
 * Numbers of codes and interaction ids are those of Cyrus SASL where the
 * meaning is the same, so code written for one reads naturally for the other.
 *
 * Ownership: every output pointer (clientout, serverout, mech, errstr,
 * getprop values, the prompt array) belongs to the connection and stays
 * valid until the next call on that connection or saslstep_dispose().
 * Inputs are never assumed to be NUL-terminated.
 */
#ifndef SASLSTEP_H
#define SASLSTEP_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define SASLSTEP_API __attribute__((visibility("default")))
#else
#define SASLSTEP_API
#endif

/* Result codes. */
#define SASLSTEP_OK       0   /* done */
#define SASLSTEP_CONTINUE 1   /* another step is needed */
#define SASLSTEP_INTERACT 2   /* the client needs values: see prompt_need */
#define SASLSTEP_FAIL     -1  /* generic failure */
#define SASLSTEP_NOMEM    -2  /* out of memory */
#define SASLSTEP_NOMECH   -4  /* mechanism unknown or not usable */
#define SASLSTEP_BADPROT  -5  /* malformed message from the peer */
#define SASLSTEP_BADPARAM -7  /* invalid argument from the application */
#define SASLSTEP_TRYAGAIN -8  /* transient: e.g. a concurrent login */
#define SASLSTEP_BADSERV  -10 /* server failed mutual authentication */
#define SASLSTEP_BADAUTH  -13 /* well-formed but wrong credentials */
#define SASLSTEP_NOUSER   -20 /* user not found (never sent to the client) */
#define SASLSTEP_BADVERS  -23 /* version or algorithm not supported */
#define SASLSTEP_UNAVAIL  -24 /* store or service unavailable */

/* Interaction ids (values of Cyrus SASL_CB_*). */
#define SASLSTEP_CB_LIST_END     0
#define SASLSTEP_CB_USER         0x4001 /* authorization identity */
#define SASLSTEP_CB_AUTHNAME     0x4002 /* authentication identity */
#define SASLSTEP_CB_PASS         0x4004 /* password or pass phrase, secret */
#define SASLSTEP_CB_ECHOPROMPT   0x4005 /* answer, echoed */
#define SASLSTEP_CB_NOECHOPROMPT 0x4006 /* answer, not echoed */

/* Properties for saslstep_setprop() / saslstep_getprop(). */
#define SASLSTEP_PROP_AUTHNAME 1 /* client: authentication identity */
#define SASLSTEP_PROP_AUTHZID  2 /* client: authorization identity */
#define SASLSTEP_PROP_PASS     3 /* client: password / pass phrase (secret) */
#define SASLSTEP_PROP_USERNAME 4 /* server, read-only: identity after OK */
#define SASLSTEP_PROP_MECH     5 /* read-only: mechanism in use */
/* OTP client only: ask the server to re-initialise the sequence (RFC 2243
 * init-hex).  Value "ALG SEQ SEED"; SASLSTEP_PROP_NEWPASS is the new pass
 * phrase.  Never done unless the application sets both. */
#define SASLSTEP_PROP_OTP_REINIT 6
#define SASLSTEP_PROP_NEWPASS    7
/* SCRAM client: the highest iteration count it accepts (decimal; default
 * 100000; below 4096 is always refused). */
#define SASLSTEP_PROP_ITER_MAX 8
/* TOTP server: time steps accepted either side of now (decimal, default 1). */
#define SASLSTEP_PROP_TOTP_WINDOW 9
/* HOTP server: counter values looked ahead (decimal, default 10). */
#define SASLSTEP_PROP_HOTP_LOOKAHEAD 10
/* HOTP/TOTP client: "1" to ask for the code with an echoed prompt. */
#define SASLSTEP_PROP_ECHO 11

/*
 * One request for a value, in the array a step returns with
 * SASLSTEP_INTERACT.  The library fills id, challenge, prompt and defresult;
 * the caller sets result and len (result need not be NUL-terminated and is
 * copied by the library on the next call).
 */
typedef struct saslstep_interact {
	unsigned long id;      /* SASLSTEP_CB_* */
	const char *challenge; /* text the person needs to answer, or NULL */
	const char *prompt;    /* suggested prompt text */
	const char *defresult; /* default value, or NULL */
	const void *result;    /* set by the caller */
	unsigned len;          /* set by the caller: length of result */
} saslstep_interact_t;

typedef struct saslstep_conn saslstep_conn_t;
typedef struct saslstep_store saslstep_store_t;

/*
 * Open an existing credential store.  uri is "PATH", "sqlite:PATH" or
 * "file:PATH" (the store file and its directory must pass the ownership
 * and permission checks described in saslstep(3)), or a PostgreSQL
 * "postgresql://..." / "postgres://..." URI or "service=NAME" connection
 * string.  On success *store is set and must be released with
 * saslstep_store_close().
 * Returns SASLSTEP_OK, SASLSTEP_BADPARAM (bad uri), SASLSTEP_UNAVAIL
 * (missing, unsafe, corrupt, read-only, locked or unreachable store) or
 * SASLSTEP_NOMEM.
 */
SASLSTEP_API int saslstep_store_open(const char *uri, saslstep_store_t **store);

/* Close a store opened with saslstep_store_open(); NULL is accepted. */
SASLSTEP_API void saslstep_store_close(saslstep_store_t *store);

/*
 * Create a client connection for service (e.g. "imap", "sshd"; may be NULL).
 * Returns SASLSTEP_OK with *conn set, SASLSTEP_BADPARAM or SASLSTEP_NOMEM.
 */
SASLSTEP_API int saslstep_client_new(
    const char *service, saslstep_conn_t **conn);

/*
 * Create a server connection that checks credentials in store.  The store
 * must outlive the connection.  Returns SASLSTEP_OK with *conn set,
 * SASLSTEP_BADPARAM or SASLSTEP_NOMEM.
 */
SASLSTEP_API int saslstep_server_new(
    const char *service, saslstep_store_t *store, saslstep_conn_t **conn);

/*
 * Set a property (SASLSTEP_PROP_*) to a NUL-terminated value, copied; NULL
 * clears it.  A client value set here is not asked for by INTERACT.  Secret
 * values are wiped when replaced and on dispose.
 * Returns SASLSTEP_OK, SASLSTEP_BADPARAM (unknown or read-only property) or
 * SASLSTEP_NOMEM.
 */
SASLSTEP_API int saslstep_setprop(
    saslstep_conn_t *conn, int prop, const char *value);

/*
 * Read a property.  *value is NULL when unset; SASLSTEP_PROP_PASS and
 * SASLSTEP_PROP_NEWPASS cannot be read back (SASLSTEP_BADPARAM).
 * SASLSTEP_PROP_USERNAME is set on a server once authentication succeeded.
 */
SASLSTEP_API int saslstep_getprop(
    saslstep_conn_t *conn, int prop, const char **value);

/*
 * Start a client exchange.  mechlist is a space- or comma-separated list of
 * mechanisms the server offers; the first one this library implements is
 * chosen and returned in *mech.  *clientout and *clientoutlen receive the
 * initial response (NULL/0 for a server-first mechanism).
 * Returns SASLSTEP_CONTINUE, SASLSTEP_INTERACT (see saslstep_interact_t;
 * call again with identical parameters), SASLSTEP_NOMECH, or an error.
 */
SASLSTEP_API int saslstep_client_start(saslstep_conn_t *conn,
    const char *mechlist, saslstep_interact_t **prompt_need,
    const char **clientout, unsigned *clientoutlen, const char **mech);

/*
 * Give the client the server's next message (serverin, serverinlen bytes)
 * and get its answer.  After the server returned SASLSTEP_OK the client
 * must be stepped once more with the server's final data (zero-length if
 * there was none): it returns SASLSTEP_OK only when it has verified the
 * server where the mechanism can, SASLSTEP_BADSERV when that proof is
 * forged or missing.  Returns SASLSTEP_OK, SASLSTEP_CONTINUE,
 * SASLSTEP_INTERACT, SASLSTEP_BADPROT, SASLSTEP_BADSERV or another error.
 */
SASLSTEP_API int saslstep_client_step(saslstep_conn_t *conn,
    const char *serverin, unsigned serverinlen,
    saslstep_interact_t **prompt_need, const char **clientout,
    unsigned *clientoutlen);

/*
 * Start a server exchange for mech with the client's initial response
 * (clientin may be NULL when the client sent none).  On CONTINUE send
 * *serverout to the client; on OK the exchange succeeded and *serverout
 * (possibly empty) is final data to deliver to the client.  On failure
 * *errstr (if errstr is not NULL) says why, for the log only: it must
 * never be shown to the client.
 * Returns SASLSTEP_OK, SASLSTEP_CONTINUE, SASLSTEP_NOMECH, SASLSTEP_BADPROT,
 * SASLSTEP_BADAUTH (wrong credentials, or an unknown user: the two look the
 * same to the client), SASLSTEP_TRYAGAIN, SASLSTEP_UNAVAIL or another error.
 */
SASLSTEP_API int saslstep_server_start(saslstep_conn_t *conn, const char *mech,
    const char *clientin, unsigned clientinlen, const char **serverout,
    unsigned *serveroutlen, const char **errstr);

/* The next server step, as saslstep_server_start(). */
SASLSTEP_API int saslstep_server_step(saslstep_conn_t *conn,
    const char *clientin, unsigned clientinlen, const char **serverout,
    unsigned *serveroutlen, const char **errstr);

/*
 * Release a connection and everything it holds (a pending OTP challenge
 * lock included), wiping secrets; no stored counter changes.  *conn is set
 * to NULL; NULL and *conn == NULL are accepted.
 */
SASLSTEP_API void saslstep_dispose(saslstep_conn_t **conn);

/* A static English text for a result code; never NULL. */
SASLSTEP_API const char *saslstep_errstring(int code);

/* The mechanisms this library implements, space-separated, static. */
SASLSTEP_API const char *saslstep_mechanisms(void);

#ifdef __cplusplus
}
#endif
#endif /* SASLSTEP_H */

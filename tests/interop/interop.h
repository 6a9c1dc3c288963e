/*
 * interop.h: what the interop programs (peer-gsasl.c, peer-cyrus.c)
 * share: one side of an exchange from any implementation behind one
 * interface, the in-process loop that runs a client against a server, the
 * libsaslstep sides, and the matrix lines the lead reports from.
 *
 * Every case prints one line:
 *   PASS|FAIL|SKIP  PEER  CLIENT -> SERVER  MECH  right|wrong  RESULT
 * e.g. "PASS  gsasl  saslstep -> gsasl  SCRAM-SHA-256  right  ok" (a peer's
 * server running from a verifier alone is named e.g. "gsasl[verifier]"), and
 * the program exits 0 when no case failed and at least one libsaslstep case
 * ran, 77 when none could, 1 otherwise (automake's test protocol).
 */
#ifndef SSTEP_INTEROP_H
#define SSTEP_INTEROP_H

#include <stddef.h>

#include "saslstep.h"

/* What a side's step says. */
#define SIDE_CONTINUE 1 /* sent a message (or none), wants the peer's */
#define SIDE_OK       0 /* done: the server accepted / the client verified */
#define SIDE_FAIL     -1

#define SIDE_WHY_MAX 256

/*
 * One side, client or server, of one implementation.  step() is called
 * first with first set (a client: start, in NULL; a server: start with the
 * client's initial response, in NULL when it sent none), then with each
 * message of the peer.  It sets *out and *outlen to its message (*out NULL
 * for none), owned by the side until its next call or dispose.  On
 * SIDE_FAIL it says why in why.
 */
struct side {
	const char *impl; /* "saslstep", "gsasl", "cyrus" */
	int (*step)(struct side *s, int first, const char *in, size_t inlen,
	    const char **out, size_t *outlen);
	void (*dispose)(struct side *s);
	void *state;
	char why[SIDE_WHY_MAX];
};

/* What came of one exchange. */
#define RUN_OK             0 /* the server accepted and the client agreed */
#define RUN_SERVER_REFUSED 1
#define RUN_CLIENT_REFUSED 2 /* e.g. a server signature that did not verify */

/*
 * Run client c against server s in this process: start both, carry the
 * messages until the server decides, then hand the client the server's
 * final data (an empty message when there is none).  Returns RUN_*; the
 * refusing side's reason is in its why.
 */
int interop_run(struct side *c, struct side *s);

/* Format a reason into s->why; returns SIDE_FAIL (-1), which is also what
 * the functions that make a side return when they fail. */
int side_fail(struct side *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Dispose of a side made by one of the *_client/_server functions; NULL
 * and a side never made are accepted. */
void side_dispose(struct side *s);

/*
 * libsaslstep as the client: authcid and password given as properties (so
 * it never asks), mechanism mech.  Returns 0, or SIDE_FAIL with s->why
 * set.
 */
int saslstep_side_client(
    struct side *s, const char *mech, const char *authcid, const char *pass);

/*
 * libsaslstep as the server on store st for mech; on success it also
 * checks that the identity it reports (SASLSTEP_PROP_USERNAME) is
 * expect_user.  Returns 0, or SIDE_FAIL with s->why set.
 */
int saslstep_side_server(struct side *s, saslstep_store_t *st, const char *mech,
    const char *expect_user);

/* 1 when libsaslstep has mechanism mech. */
int saslstep_has_mech(const char *mech);

/*
 * One case: run client c against server s (both made already; both are
 * disposed here), compare with what was wanted (RUN_OK for the right
 * password, RUN_SERVER_REFUSED for a wrong one) and print the matrix line.
 * client_made/server_made are 0 when making a side failed (that side's why
 * says why): the case fails.
 */
void interop_case(const char *peer, const char *mech, int right, struct side *c,
    int client_made, struct side *s, int server_made);

/*
 * A peer implementation, for interop_matrix().  client() makes its client
 * side for mech logging in as user with pass; server() its server side for
 * mech, which knows its users' credentials from the peer's own set-up.
 * Both return 0, or SIDE_FAIL with s->why set.  has() says whether the peer
 * offers mech on both sides; user_for() (NULL: the same user everywhere)
 * names the user that exists on the peer's server for mech.
 */
struct peer {
	const char *name;
	const char *const *mechs; /* NULL-terminated */
	int (*has)(const char *mech);
	int (*client)(struct side *s, const char *mech, const char *user,
	    const char *pass);
	int (*server)(struct side *s, const char *mech);
	const char *(*user_for)(const char *mech, const char *user);
};

/*
 * For each mechanism of p, with the right and a wrong password: the peer's
 * client against its own server (proof that the peer works on this
 * machine), libsaslstep's client against the peer's server, and the
 * peer's client against libsaslstep's server on the store at db ("-": no
 * store, those cases are skipped) where user has password pass.
 * Returns the exit status (interop_status()), 99 when db cannot be
 * opened.
 */
int interop_matrix(
    const struct peer *p, const char *db, const char *user, const char *pass);

/*
 * For a peer p whose server() now runs from one verifier for mech alone
 * (the caller stored it so): p's client and libsaslstep's client log in
 * as user, with the right and a wrong password.  The matrix lines name
 * that server "<peer>[verifier]".
 */
void interop_verifier(
    const struct peer *p, const char *mech, const char *user, const char *pass);

/* A wrong password for pass: pass with "x" in front (static buffer). */
const char *interop_wrong(const char *pass);

/* Print a SKIP line for a case that cannot run here, and why. */
void interop_skip(const char *peer, const char *client, const char *server,
    const char *mech, int right, const char *why);

/* The exit status for the cases so far (see the top of this file). */
int interop_status(void);

/*
 * Split an RFC 5803 SCRAM verifier "SCRAM-SHA-256$<iter>:<salt>$<StoredKey>
 * :<ServerKey>" (base64 fields, the form `saslstep export` writes) into
 * newly allocated strings.  Returns 0, or -1 when it is not one.
 */
struct rfc5803 {
	char *mech, *iter, *salt, *storedkey, *serverkey;
};
int rfc5803_split(const char *text, struct rfc5803 *v);
void rfc5803_free(struct rfc5803 *v);

#endif /* SSTEP_INTEROP_H */

/*
 * peer-gsasl.c: interop with GNU SASL (libgsasl), in-process through both
 * libraries.
 *
 *   peer-gsasl matrix DB USER PASSWORD
 *	PLAIN, CRAM-MD5, SCRAM-SHA-1 and SCRAM-SHA-256 with the right and a
 *	wrong password: GNU SASL's client against its own server, then
 *	libsaslstep's client against GNU SASL's server and GNU SASL's client
 *	against libsaslstep's server on store DB ("-": none), where USER has
 *	PASSWORD (and a CRAM-MD5 credential).  GNU SASL's server gets the
 *	password from its callback (GSASL_PASSWORD), as its applications do.
 *
 *   peer-gsasl verifier USER PASSWORD VERIFIER
 *	GNU SASL's server running from an RFC 5803 SCRAM verifier only
 *	(GSASL_SCRAM_ITER, _SALT, _STOREDKEY, _SERVERKEY; never the
 *	password), e.g. one written by `saslstep export`: GNU SASL's client
 *	and libsaslstep's client log in to it, with the right and a wrong
 *	password.
 *
 * One matrix line per case (interop.h); exit 0, 1, or 77 when no
 * libsaslstep case could run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsasl.h>

#include "interop.h"

#define PEER "gsasl"

/* What GNU SASL's server knows of its one user. */
static struct {
	const char *user;
	const char *pass;          /* NULL: verifier only */
	const struct rfc5803 *ver; /* NULL: password only */
} server_db;

static Gsasl *ctx;

struct gs {
	Gsasl_session *sess;
	char *out;
	int client;
};

/* The server's callback: the user's credentials, for that user only. */
static int
callback(Gsasl *c, Gsasl_session *sess, Gsasl_property prop)
{
	const char *authid = gsasl_property_fast(sess, GSASL_AUTHID);
	const char *value = NULL;

	(void)c;
	if (authid == NULL || strcmp(authid, server_db.user) != 0)
		return GSASL_NO_CALLBACK;
	switch (prop) {
	case GSASL_PASSWORD:
		value = server_db.pass;
		break;
	case GSASL_SCRAM_ITER:
		value = server_db.ver != NULL ? server_db.ver->iter : NULL;
		break;
	case GSASL_SCRAM_SALT:
		value = server_db.ver != NULL ? server_db.ver->salt : NULL;
		break;
	case GSASL_SCRAM_STOREDKEY:
		value = server_db.ver != NULL ? server_db.ver->storedkey : NULL;
		break;
	case GSASL_SCRAM_SERVERKEY:
		value = server_db.ver != NULL ? server_db.ver->serverkey : NULL;
		break;
	default:
		/* GSASL_VALIDATE_SIMPLE too: PLAIN then compares with
		 * GSASL_PASSWORD itself. */
		break;
	}
	if (value == NULL)
		return GSASL_NO_CALLBACK;
	return gsasl_property_set(sess, prop, value);
}

static int
gs_step(struct side *s, int first, const char *in, size_t inlen,
    const char **out, size_t *outlen)
{
	struct gs *g = s->state;
	int rc;

	gsasl_free(g->out);
	g->out = NULL;
	*outlen = 0;
	/* A client starts with nothing: its output, if any, is its initial
	 * response (NULL for a server-first mechanism). */
	if (first && g->client)
		in = NULL, inlen = 0;
	rc = gsasl_step(g->sess, in, inlen, &g->out, outlen);
	*out = g->out;
	if (rc == GSASL_NEEDS_MORE)
		return SIDE_CONTINUE;
	if (rc == GSASL_OK)
		return SIDE_OK;
	return side_fail(s, "%s", gsasl_strerror(rc));
}

static void
gs_dispose(struct side *s)
{
	struct gs *g = s->state;

	if (g != NULL) {
		gsasl_free(g->out);
		if (g->sess != NULL)
			gsasl_finish(g->sess);
		free(g);
	}
}

static int
gs_new(struct side *s, int client, const char *mech)
{
	struct gs *g;
	int rc;

	memset(s, 0, sizeof(*s));
	s->impl = PEER;
	s->step = gs_step;
	s->dispose = gs_dispose;
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return side_fail(s, "out of memory");
	s->state = g;
	g->client = client;
	rc = client ? gsasl_client_start(ctx, mech, &g->sess)
	            : gsasl_server_start(ctx, mech, &g->sess);
	if (rc != GSASL_OK)
		return side_fail(s, "%s", gsasl_strerror(rc));
	return 0;
}

static int
gs_client(struct side *s, const char *mech, const char *user, const char *pass)
{
	struct gs *g;

	if (gs_new(s, 1, mech) != 0)
		return -1;
	g = s->state;
	if (gsasl_property_set(g->sess, GSASL_AUTHID, user) != GSASL_OK ||
	    gsasl_property_set(g->sess, GSASL_PASSWORD, pass) != GSASL_OK)
		return side_fail(s, "cannot set the properties");
	return 0;
}

static int
gs_server(struct side *s, const char *mech)
{
	return gs_new(s, 0, mech);
}

static int
gs_has(const char *mech)
{
	return gsasl_client_support_p(ctx, mech) &&
	       gsasl_server_support_p(ctx, mech);
}

static const char *const mechs[] = {
    "PLAIN", "CRAM-MD5", "SCRAM-SHA-1", "SCRAM-SHA-256", NULL};

static const struct peer gsasl_peer = {
    PEER, mechs, gs_has, gs_client, gs_server, NULL};

static int
matrix(const char *db, const char *user, const char *pass)
{
	server_db.user = user;
	server_db.pass = pass;
	return interop_matrix(&gsasl_peer, db, user, pass);
}

static int
verifier(const char *user, const char *pass, const char *text)
{
	struct rfc5803 v;

	if (rfc5803_split(text, &v) != 0) {
		fprintf(
		    stderr, "peer-gsasl: not an RFC 5803 verifier: %s\n", text);
		return 99;
	}
	server_db.user = user;
	server_db.pass = NULL; /* the verifier only */
	server_db.ver = &v;
	interop_verifier(&gsasl_peer, v.mech, user, pass);
	rfc5803_free(&v);
	return interop_status();
}

int
main(int argc, char **argv)
{
	int rc;

	if ((rc = gsasl_init(&ctx)) != GSASL_OK) {
		fprintf(
		    stderr, "peer-gsasl: gsasl_init: %s\n", gsasl_strerror(rc));
		return 99;
	}
	gsasl_callback_set(ctx, callback);
	if (argc == 5 && strcmp(argv[1], "matrix") == 0)
		rc = matrix(argv[2], argv[3], argv[4]);
	else if (argc == 5 && strcmp(argv[1], "verifier") == 0)
		rc = verifier(argv[2], argv[3], argv[4]);
	else {
		fputs("usage: peer-gsasl matrix DB USER PASSWORD\n"
		      "       peer-gsasl verifier USER PASSWORD VERIFIER\n",
		    stderr);
		rc = 99;
	}
	gsasl_done(ctx);
	return rc;
}

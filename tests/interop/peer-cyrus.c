/*
 * peer-cyrus.c: interop with Cyrus SASL (libsasl2), in-process through
 * both libraries.
 *
 *   peer-cyrus matrix DIR DB USER PASSWORD
 *	PLAIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512 and OTP
 *	with the right and a wrong password: Cyrus's client against its own
 *	server, then libsaslstep's client against Cyrus's server and Cyrus's
 *	client against libsaslstep's server on store DB ("-": none), where
 *	USER has PASSWORD (and a CRAM-MD5 credential, and PASSWORD as the
 *	pass phrase of an OTP sequence: Cyrus's OTP client computes its
 *	responses from it, as ours does).
 *
 * Cyrus's server uses a private sasldb, DIR/sasldb, made here with
 * sasl_setpass() (what saslpasswd2 calls) and the options of a config
 * file given through SASL_CB_GETOPT (sasldb_path, auxprop_plugin=sasldb,
 * mech_list, scram_secret_generate=yes).  USER gets a plaintext
 * userPassword and an OTP secret (the OTP plugin's setpass); the
 * plaintext is what Cyrus's PLAIN and CRAM-MD5 need, and Cyrus's SCRAM
 * server would derive its keys from that, so the SCRAM cases log in as
 * USER-<mech> instead (e.g. alice-scram-sha-256), created with
 * SASL_SET_NOPLAIN: only the SCRAM verifier (authPassword, RFC 5803
 * notation) that scram_secret_generate makes, as a server that keeps no
 * passwords would.  One user per SCRAM mechanism: sasldb keeps one
 * authPassword value, and each SCRAM plugin's setpass writes it.
 *
 *   peer-cyrus verifier DIR USER PASSWORD VERIFIER
 *	Cyrus's server (sasldb in DIR) with USER holding only the given RFC
 *	5803 verifier (e.g. from `saslstep export`) as authPassword: Cyrus's
 *	client and libsaslstep's client log in with the right and a wrong
 *	password.
 *
 * One matrix line per case (interop.h); exit 0, 1, or 77 when no
 * libsaslstep case could run.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sasl/sasl.h>
#include <sasl/saslplug.h>

#include "interop.h"

#define PEER       "cyrus"
#define SERVICE    "interop"
#define SERVERFQDN "localhost"

/* Cyrus keeps every callback as int (*)(void); through void (*)(void),
 * the generic function pointer, the cast is not a type error to gcc. */
#define SASL_PROC(f) ((int (*)(void))(void (*)(void))(f))

static const char *const mechs[] = {"PLAIN", "CRAM-MD5", "SCRAM-SHA-1",
    "SCRAM-SHA-256", "SCRAM-SHA-512", "OTP", NULL};
#define MECH_LIST "PLAIN CRAM-MD5 SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512 OTP"

static char sasldb_path[4096];
static char confdir[4096];

/* ---------------------------------------------------------------------- */
/* The server's configuration, as an application's SASL config file */

/* context: NULL, or a mech_list for one connection. */
static int
getopt_cb(void *context, const char *plugin_name, const char *option,
    const char **result, unsigned *len)
{
	(void)plugin_name;
	if (context != NULL) {
		if (strcmp(option, "mech_list") != 0)
			return SASL_FAIL; /* the global callback answers */
		*result = context;
	} else if (strcmp(option, "sasldb_path") == 0)
		*result = sasldb_path;
	else if (strcmp(option, "auxprop_plugin") == 0)
		*result = "sasldb";
	else if (strcmp(option, "pwcheck_method") == 0)
		*result = "auxprop";
	else if (strcmp(option, "mech_list") == 0)
		*result = MECH_LIST;
	else if (strcmp(option, "scram_secret_generate") == 0)
		*result = "yes";
	else
		return SASL_FAIL;
	if (len != NULL)
		*len = (unsigned)strlen(*result);
	return SASL_OK;
}

/* The directory searched for SERVICE.conf: ours, which has none, so no
 * system file changes the test. */
static int
confpath_cb(void *context, const char **path)
{
	(void)context;
	*path = confdir;
	return SASL_OK;
}

/* Cyrus's log goes to stderr with INTEROP_VERBOSE set, never to the
 * system's syslog (its default). */
static int
log_cb(void *context, int level, const char *message)
{
	(void)context;
	if (getenv("INTEROP_VERBOSE") != NULL && message != NULL)
		fprintf(stderr, "cyrus log(%d): %s\n", level, message);
	return SASL_OK;
}

static sasl_callback_t client_callbacks[] = {
    {SASL_CB_LOG, SASL_PROC(log_cb), NULL}, {SASL_CB_LIST_END, NULL, NULL}};

static sasl_callback_t server_callbacks[] = {
    {SASL_CB_GETOPT, SASL_PROC(getopt_cb), NULL},
    {SASL_CB_GETCONFPATH, SASL_PROC(confpath_cb), NULL},
    {SASL_CB_LOG, SASL_PROC(log_cb), NULL}, {SASL_CB_LIST_END, NULL, NULL}};

/* ---------------------------------------------------------------------- */
/* Sides */

struct cy {
	sasl_conn_t *conn;
	const char *mech;
	int client;
	/* client credentials, for the callbacks */
	const char *user;
	sasl_secret_t *secret;
	sasl_callback_t callbacks[4];
};

static int
cy_code(struct side *s, int rc)
{
	struct cy *c = s->state;

	if (rc == SASL_CONTINUE)
		return SIDE_CONTINUE;
	if (rc == SASL_OK)
		return SIDE_OK;
	return side_fail(s, "%s", sasl_errdetail(c->conn));
}

static int
cy_step(struct side *s, int first, const char *in, size_t inlen,
    const char **out, size_t *outlen)
{
	struct cy *c = s->state;
	sasl_interact_t *interact = NULL;
	const char *chosen = NULL;
	unsigned n = 0;
	int rc;

	*out = NULL;
	if (c->client && first)
		rc = sasl_client_start(
		    c->conn, c->mech, &interact, out, &n, &chosen);
	else if (c->client)
		rc = sasl_client_step(
		    c->conn, in, (unsigned)inlen, &interact, out, &n);
	else if (first)
		rc = sasl_server_start(
		    c->conn, c->mech, in, (unsigned)inlen, out, &n);
	else
		rc = sasl_server_step(c->conn, in, (unsigned)inlen, out, &n);
	*outlen = n;
	if (rc == SASL_INTERACT)
		return side_fail(s, "asked for a value (SASL_INTERACT)");
	return cy_code(s, rc);
}

static void
cy_dispose(struct side *s)
{
	struct cy *c = s->state;

	if (c != NULL) {
		if (c->conn != NULL)
			sasl_dispose(&c->conn);
		if (c->secret != NULL) {
			memset(c->secret->data, 0, c->secret->len);
			free(c->secret);
		}
		free(c);
	}
}

static int
cy_new(struct side *s, int client, const char *mech)
{
	struct cy *c;

	memset(s, 0, sizeof(*s));
	s->impl = PEER;
	s->step = cy_step;
	s->dispose = cy_dispose;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return side_fail(s, "out of memory");
	s->state = c;
	c->client = client;
	c->mech = mech;
	return 0;
}

static int
authname_cb(void *context, int id, const char **result, unsigned *len)
{
	struct cy *c = context;

	/* SASL_CB_USER (authzid): none, the same as the authcid */
	*result = id == SASL_CB_AUTHNAME ? c->user : "";
	if (len != NULL)
		*len = (unsigned)strlen(*result);
	return SASL_OK;
}

static int
pass_cb(sasl_conn_t *conn, void *context, int id, sasl_secret_t **psecret)
{
	struct cy *c = context;

	(void)conn;
	(void)id;
	*psecret = c->secret;
	return SASL_OK;
}

static int
cy_client(struct side *s, const char *mech, const char *user, const char *pass)
{
	struct cy *c;
	size_t n = strlen(pass);
	int rc;

	if (cy_new(s, 1, mech) != 0)
		return -1;
	c = s->state;
	c->user = user;
	if ((c->secret = malloc(sizeof(*c->secret) + n)) == NULL)
		return side_fail(s, "out of memory");
	c->secret->len = n;
	memcpy(c->secret->data, pass, n + 1);
	c->callbacks[0] =
	    (sasl_callback_t){SASL_CB_AUTHNAME, SASL_PROC(authname_cb), c};
	c->callbacks[1] =
	    (sasl_callback_t){SASL_CB_USER, SASL_PROC(authname_cb), c};
	c->callbacks[2] =
	    (sasl_callback_t){SASL_CB_PASS, SASL_PROC(pass_cb), c};
	c->callbacks[3] = (sasl_callback_t){SASL_CB_LIST_END, NULL, NULL};
	if ((rc = sasl_client_new(SERVICE, SERVERFQDN, NULL, NULL, c->callbacks,
	         0, &c->conn)) != SASL_OK)
		return side_fail(
		    s, "sasl_client_new: %s", sasl_errstring(rc, NULL, NULL));
	return 0;
}

static int
cy_server(struct side *s, const char *mech)
{
	struct cy *c;
	int rc;

	if (cy_new(s, 0, mech) != 0)
		return -1;
	c = s->state;
	if ((rc = sasl_server_new(SERVICE, SERVERFQDN, NULL, NULL, NULL, NULL,
	         0, &c->conn)) != SASL_OK)
		return side_fail(
		    s, "sasl_server_new: %s", sasl_errstring(rc, NULL, NULL));
	return 0;
}

/* sasl_client_plugin_info() calls this for each client plugin of the
 * list asked about (without a callback it prints them on stdout). */
static void
client_info_cb(
    client_sasl_mechanism_t *m, sasl_info_callback_stage_t stage, void *rock)
{
	int *found = rock;

	if (stage == SASL_INFO_LIST_MECH && m != NULL)
		*found = 1;
}

/* Whether Cyrus offers mech here, client and server (plugins installed
 * and loaded). */
static int
cy_has(const char *mech)
{
	sasl_conn_t *conn = NULL;
	const char *list = NULL;
	char padded[512], want[64];
	int found = 0;

	if (sasl_server_new(SERVICE, SERVERFQDN, NULL, NULL, NULL, NULL, 0,
	        &conn) != SASL_OK)
		return 0;
	if (sasl_listmech(conn, NULL, " ", " ", " ", &list, NULL, NULL) ==
	    SASL_OK) {
		snprintf(padded, sizeof(padded), " %s ", list);
		snprintf(want, sizeof(want), " %s ", mech);
		found = strstr(padded, want) != NULL;
	}
	sasl_dispose(&conn);
	if (!found)
		return 0;
	found = 0;
	sasl_client_plugin_info(mech, client_info_cb, &found);
	return found;
}

/* The SCRAM cases log in as USER-<mech>, who has that mechanism's
 * verifier and no plaintext password. */
static const char *
cy_user_for(const char *mech, const char *user)
{
	static char scram_user[256];
	size_t i, n;

	if (strncmp(mech, "SCRAM-", 6) != 0)
		return user;
	n = (size_t)snprintf(
	    scram_user, sizeof(scram_user), "%s-%s", user, mech);
	for (i = strlen(user); i < n && i < sizeof(scram_user); i++)
		if (scram_user[i] >= 'A' && scram_user[i] <= 'Z')
			scram_user[i] = (char)(scram_user[i] - 'A' + 'a');
	return scram_user;
}

static const struct peer cyrus_peer = {
    PEER, mechs, cy_has, cy_client, cy_server, cy_user_for};

/* ---------------------------------------------------------------------- */
/* The sasldb */

/*
 * Create user with pass, as saslpasswd2 -c [-n] does, by the mechanisms
 * of mech_list (NULL: all): each SCRAM plugin's setpass writes the one
 * authPassword value, so only the last one's verifier would survive.
 */
static int
add_user(
    const char *user, const char *pass, unsigned flags, const char *mech_list)
{
	char list[128];
	sasl_callback_t cb[] = {{SASL_CB_GETOPT, SASL_PROC(getopt_cb), list},
	    {SASL_CB_LIST_END, NULL, NULL}};
	sasl_conn_t *conn = NULL;
	int rc;

	snprintf(list, sizeof(list), "%s", mech_list != NULL ? mech_list : "");
	if ((rc = sasl_server_new(SERVICE, SERVERFQDN, NULL, NULL, NULL,
	         mech_list != NULL ? cb : NULL, 0, &conn)) == SASL_OK)
		rc = sasl_setpass(conn, user, pass, (unsigned)strlen(pass),
		    NULL, 0, SASL_SET_CREATE | flags);
	if (rc != SASL_OK)
		fprintf(stderr, "peer-cyrus: cannot create %s: %s\n", user,
		    conn != NULL ? sasl_errdetail(conn)
		                 : sasl_errstring(rc, NULL, NULL));
	sasl_dispose(&conn);
	return rc == SASL_OK ? 0 : -1;
}

/*
 * Give user the authPassword (an RFC 5803 verifier) value and nothing
 * else, straight through the auxprop store: what a server fed by another
 * system's export holds.  sasldb keeps one value per property, so one
 * verifier per user.
 */
static int
set_verifier(const char *user, const char *value)
{
	const char *names[] = {"authPassword", NULL};
	sasl_conn_t *conn = NULL;
	struct propctx *ctx = NULL;
	int rc;

	if ((rc = sasl_server_new(SERVICE, SERVERFQDN, NULL, NULL, NULL, NULL,
	         0, &conn)) != SASL_OK)
		goto out;
	if ((ctx = prop_new(0)) == NULL) {
		rc = SASL_NOMEM;
		goto out;
	}
	if ((rc = prop_request(ctx, names)) == SASL_OK &&
	    (rc = prop_set(ctx, names[0], value, (int)strlen(value))) ==
	        SASL_OK)
		rc = sasl_auxprop_store(conn, ctx, user);
out:
	if (rc != SASL_OK)
		fprintf(stderr, "peer-cyrus: cannot store %s's verifier: %s\n",
		    user,
		    conn != NULL ? sasl_errdetail(conn)
		                 : sasl_errstring(rc, NULL, NULL));
	if (ctx != NULL)
		prop_dispose(&ctx);
	sasl_dispose(&conn);
	return rc == SASL_OK ? 0 : -1;
}

static int
setup(const char *dir)
{
	int rc;

	snprintf(confdir, sizeof(confdir), "%s", dir);
	snprintf(sasldb_path, sizeof(sasldb_path), "%s/sasldb", dir);
	if ((rc = sasl_server_init(server_callbacks, SERVICE)) != SASL_OK ||
	    (rc = sasl_client_init(client_callbacks)) != SASL_OK) {
		fprintf(stderr, "peer-cyrus: cannot start Cyrus SASL: %s\n",
		    sasl_errstring(rc, NULL, NULL));
		return -1;
	}
	return 0;
}

static int
matrix(const char *dir, const char *db, const char *user, const char *pass)
{
	const char *const *m;

	if (setup(dir) != 0 || add_user(user, pass, 0, NULL) != 0)
		return 99;
	for (m = mechs; *m != NULL; m++)
		if (strncmp(*m, "SCRAM-", 6) == 0 && cy_has(*m) &&
		    add_user(
		        cy_user_for(*m, user), pass, SASL_SET_NOPLAIN, *m) != 0)
			return 99;
	return interop_matrix(&cyrus_peer, db, user, pass);
}

static int
verifier(const char *dir, const char *user, const char *pass, const char *text)
{
	struct rfc5803 v;
	int rc = 99;

	if (rfc5803_split(text, &v) != 0) {
		fprintf(
		    stderr, "peer-cyrus: not an RFC 5803 verifier: %s\n", text);
		return 99;
	}
	if (setup(dir) == 0 && set_verifier(user, text) == 0) {
		interop_verifier(&cyrus_peer, v.mech, user, pass);
		rc = interop_status();
	}
	rfc5803_free(&v);
	return rc;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc == 6 && strcmp(argv[1], "matrix") == 0)
		rc = matrix(argv[2], argv[3], argv[4], argv[5]);
	else if (argc == 6 && strcmp(argv[1], "verifier") == 0)
		rc = verifier(argv[2], argv[3], argv[4], argv[5]);
	else {
		fputs("usage: peer-cyrus matrix DIR DB USER PASSWORD\n"
		      "       peer-cyrus verifier DIR USER PASSWORD VERIFIER\n",
		    stderr);
		return 99;
	}
	sasl_server_done();
	sasl_client_done();
	return rc;
}

/*
 * plain.c: the PLAIN SASL mechanism (RFC 4616).
 *
 * Exchange (RFC 4616 s. 2):
 *   C: [authzid] NUL authcid NUL passwd      (initial response, or after
 *                                             an empty server challenge)
 *   S: OK, no data.
 *
 * No password is stored for PLAIN: the server checks the one presented
 * against the user's SCRAM-SHA-256 verifier (family "scram-sha-256", see
 * mechs/scram.h), which is what `saslstep passwd` writes.  An unknown or
 * locked user, or one without a verifier, is checked against a mock
 * verifier (scram.h does that), so the work and the failure look the same.
 * Proxy authorization is not offered: an authzid must be empty or the
 * authcid itself.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "mechs.h"
#include "scram.h"
#include "plain.h"

#define PLAIN_PROMPT "Password: "

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

/*
 * Well-formed UTF-8 without NUL: RFC 4616 s. 2's SAFE production (UTF1 to
 * UTF4 of RFC 3629 s. 4; no over-long forms, no surrogates, nothing above
 * U+10FFFF).
 */
static int
utf8_safe(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned char lo, hi;

	while (i < len) {
		if (s[i] >= 0x01 && s[i] <= 0x7f) {
			i++;
			continue;
		}
		/* The lead byte fixes the length and the range of the second
		 * byte; later bytes are UTF0 (0x80-0xBF). */
		lo = 0x80;
		hi = 0xbf;
		if (s[i] >= 0xc2 && s[i] <= 0xdf)
			n = 2;
		else if (s[i] >= 0xe0 && s[i] <= 0xef) {
			n = 3;
			if (s[i] == 0xe0)
				lo = 0xa0;
			else if (s[i] == 0xed)
				hi = 0x9f;
		} else if (s[i] >= 0xf0 && s[i] <= 0xf4) {
			n = 4;
			if (s[i] == 0xf0)
				lo = 0x90;
			else if (s[i] == 0xf4)
				hi = 0x8f;
		} else
			return 0;
		if (len - i < n || s[i + 1] < lo || s[i + 1] > hi)
			return 0;
		for (k = 2; k < n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return 0;
		i += n;
	}
	return 1;
}

int
sstep_plain_parse(
    const char *msg, size_t len, struct sstep_plain_msg *m, const char **why)
{
	const char *f[3];
	size_t n[3];
	const char *reason = NULL;

	memset(m, 0, sizeof(*m));
	if (sstep_split_identity(msg, len, 3, f, n, &reason) != SASLSTEP_OK) {
		set_why(why, reason);
		return SASLSTEP_BADPROT;
	}
	/* RFC 4616 s. 2: authcid and passwd are 1*SAFE. */
	if (n[2] == 0) {
		set_why(why, "empty password");
		return SASLSTEP_BADPROT;
	}
	if (n[2] > SSTEP_PLAIN_PASS_MAX) {
		set_why(why, "password too long");
		return SASLSTEP_BADPROT;
	}
	if (!utf8_safe((const unsigned char *)f[0], n[0]) ||
	    !utf8_safe((const unsigned char *)f[1], n[1]) ||
	    !utf8_safe((const unsigned char *)f[2], n[2])) {
		set_why(why, "a field is not UTF-8");
		return SASLSTEP_BADPROT;
	}
	m->authzid = f[0];
	m->authzidlen = n[0];
	m->authcid = f[1];
	m->authcidlen = n[1];
	m->passwd = f[2];
	m->passwdlen = n[2];
	return SASLSTEP_OK;
}

/* ---------------------------------------------------------------------- */
/* The mechanism: server                                                   */
/* ---------------------------------------------------------------------- */

enum plain_server_state {
	PLAIN_S_START,   /* nothing received yet */
	PLAIN_S_MESSAGE, /* empty challenge sent, waiting for the message */
	PLAIN_S_DONE
};

struct plain_server {
	enum plain_server_state state;
};

static int
plain_server_new(struct sstep_conn *conn, void **state)
{
	struct plain_server *s;

	(void)conn;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SASLSTEP_NOMEM;
	s->state = PLAIN_S_START;
	*state = s;
	return SASLSTEP_OK;
}

static void
plain_server_free(struct sstep_conn *conn, void *state)
{
	(void)conn;
	sstep_freezero(state, sizeof(struct plain_server));
}

/* The one message: parse it, check the password, then the authzid. */
static int
plain_server_message(struct sstep_conn *conn, const char *in, size_t inlen)
{
	struct sstep_plain_msg m;
	char user[SSTEP_NAME_MAX + 1];
	const char *why = NULL;
	int r;

	if (sstep_plain_parse(in, inlen, &m, &why) != SASLSTEP_OK)
		return sstep_fail(
		    conn, SASLSTEP_BADPROT, "malformed PLAIN message: %s", why);
	memcpy(user, m.authcid, m.authcidlen);
	user[m.authcidlen] = '\0';
	/* RFC 4616 s. 3: the password first, authorization after. */
	r = sstep_scram_check_password(
	    sstep_conn_store(conn), user, m.passwd, m.passwdlen, &why);
	/* RFC 4616 s. 2: a password SASLprep refuses fails verification
	 * like a wrong one; it is no mistake of the application's. */
	if (r == SASLSTEP_BADPARAM)
		r = SASLSTEP_BADAUTH;
	if (r != SASLSTEP_OK)
		return sstep_fail(conn, r, "PLAIN: %s",
		    why != NULL ? why : saslstep_errstring(r));
	if (!sstep_identity_is_self(
	        m.authzid, m.authzidlen, m.authcid, m.authcidlen))
		return sstep_fail(conn, SASLSTEP_BADAUTH,
		    "PLAIN: %s asked to act as another user (proxy "
		    "authorization is not supported)",
		    user);
	if ((r = sstep_conn_set_username(conn, user, m.authcidlen)) !=
	    SASLSTEP_OK)
		return sstep_fail(conn, r, "out of memory");
	return SASLSTEP_OK;
}

static int
plain_server_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct plain_server *s = state;
	int r;

	switch (s->state) {
	case PLAIN_S_START:
		if (in == NULL) {
			/* No initial response: an empty challenge asks for
			 * the message (RFC 4616 s. 4, first example). */
			r = sstep_out(conn, "", 0);
			if (r != SASLSTEP_OK)
				return r;
			s->state = PLAIN_S_MESSAGE;
			return SASLSTEP_CONTINUE;
		}
		break;
	case PLAIN_S_MESSAGE:
		break;
	default:
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "PLAIN: message after the end of the exchange");
	}
	/* One message decides: no second try on this connection. */
	s->state = PLAIN_S_DONE;
	return plain_server_message(conn, in == NULL ? "" : in, inlen);
}

/* ---------------------------------------------------------------------- */
/* The mechanism: client                                                   */
/* ---------------------------------------------------------------------- */

enum plain_client_state {
	PLAIN_C_START, /* send the message */
	PLAIN_C_FINAL, /* the server's (empty) success data */
	PLAIN_C_DONE
};

struct plain_client {
	enum plain_client_state state;
};

static int
plain_client_new(struct sstep_conn *conn, void **state)
{
	struct plain_client *c;

	(void)conn;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SASLSTEP_NOMEM;
	c->state = PLAIN_C_START;
	*state = c;
	return SASLSTEP_OK;
}

static void
plain_client_free(struct sstep_conn *conn, void *state)
{
	(void)conn;
	/* Nothing secret is kept: the password is the connection's. */
	sstep_freezero(state, sizeof(struct plain_client));
}

/* authzid NUL authcid NUL passwd, from the properties or the person. */
static int
plain_client_message(struct sstep_conn *conn, struct plain_client *c)
{
	const char *authcid, *pass, *authzid;
	size_t clen = 0, plen = 0, zlen;
	int rc, rp, r;

	/* Both in one round, so a person is asked once. */
	rc = sstep_need(conn, SASLSTEP_CB_AUTHNAME, NULL,
	    "Authentication name: ", &authcid, &clen);
	rp = sstep_need(
	    conn, SASLSTEP_CB_PASS, NULL, PLAIN_PROMPT, &pass, &plen);
	if (rc != SASLSTEP_OK || rp != SASLSTEP_OK)
		return rc != SASLSTEP_OK ? rc : rp; /* state unchanged */
	authzid = sstep_conn_prop(conn, SASLSTEP_PROP_AUTHZID);
	zlen = authzid == NULL ? 0 : strlen(authzid);
	/* RFC 4616 s. 2: NUL separates the fields, so none may hold one;
	 * authcid and passwd are not empty. */
	if (clen == 0 || clen > SSTEP_NAME_MAX ||
	    memchr(authcid, '\0', clen) != NULL || zlen > SSTEP_NAME_MAX)
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "PLAIN: empty, over-long or NUL-holding identity");
	if (plen == 0 || plen > SSTEP_PLAIN_PASS_MAX ||
	    memchr(pass, '\0', plen) != NULL)
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "PLAIN: empty, over-long or NUL-holding password");
	r = sstep_out_identity(conn, authzid, zlen, authcid, clen, pass, plen);
	if (r != SASLSTEP_OK)
		return r;
	c->state = PLAIN_C_FINAL;
	return SASLSTEP_CONTINUE;
}

static int
plain_client_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct plain_client *c = state;

	switch (c->state) {
	case PLAIN_C_START:
		/* Client-first: the message is the initial response. */
		if (in != NULL && inlen != 0)
			return sstep_fail(conn, SASLSTEP_BADPROT,
			    "PLAIN: server data before the client's message");
		return plain_client_message(conn, c);
	case PLAIN_C_FINAL:
		/* The server sends no data with its success. */
		c->state = PLAIN_C_DONE;
		if (inlen != 0)
			return sstep_fail(conn, SASLSTEP_BADPROT,
			    "PLAIN: unexpected data after success");
		return SASLSTEP_OK;
	case PLAIN_C_DONE:
		break;
	}
	return sstep_fail(conn, SASLSTEP_BADPARAM,
	    "PLAIN: step after the end of the exchange");
}

static const struct sstep_mech_funcs plain_funcs = {
    plain_client_new,
    plain_client_step,
    plain_client_free,
    plain_server_new,
    plain_server_step,
    plain_server_free,
};

/* The family names the verifier PLAIN is checked against, so the bridge
 * sees a user with a password as enrolled for PLAIN. */
const struct sstep_mech sstep_mech_plain = {
    "PLAIN",
    "scram-sha-256",
    SSTEP_MECH_CLIENT_FIRST,
    NULL,
    &plain_funcs,
};

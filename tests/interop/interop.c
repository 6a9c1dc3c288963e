/*
 * interop.c: the in-process exchange loop, the libsaslstep sides and the
 * matrix lines shared by the interop programs (see interop.h).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interop.h"

/* More rounds than any mechanism tested needs (SCRAM has three). */
#define RUN_MAX_ROUNDS 8

static int cases_failed, saslstep_cases_run;

int
side_fail(struct side *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->why, sizeof(s->why), fmt, ap);
	va_end(ap);
	return SIDE_FAIL;
}

void
side_dispose(struct side *s)
{
	if (s == NULL)
		return;
	if (s->dispose != NULL)
		s->dispose(s);
	s->dispose = NULL;
	s->state = NULL;
}

int
interop_run(struct side *c, struct side *s)
{
	const char *cout = NULL, *sout = NULL;
	size_t coutlen = 0, soutlen = 0;
	int crc, src, round;

	crc = c->step(c, 1, NULL, 0, &cout, &coutlen);
	if (crc == SIDE_FAIL)
		return RUN_CLIENT_REFUSED;
	src = s->step(s, 1, cout, coutlen, &sout, &soutlen);
	for (round = 0; src == SIDE_CONTINUE; round++) {
		if (round == RUN_MAX_ROUNDS) {
			side_fail(s, "too many rounds");
			return RUN_SERVER_REFUSED;
		}
		if (crc == SIDE_OK) {
			side_fail(c, "client done, server wants more");
			return RUN_CLIENT_REFUSED;
		}
		crc = c->step(
		    c, 0, sout != NULL ? sout : "", soutlen, &cout, &coutlen);
		if (crc == SIDE_FAIL)
			return RUN_CLIENT_REFUSED;
		src = s->step(
		    s, 0, cout != NULL ? cout : "", coutlen, &sout, &soutlen);
	}
	if (src != SIDE_OK)
		return RUN_SERVER_REFUSED;
	/*
	 * Success with final data (RFC 4422 s. 5, "additional data"): a
	 * client still going must take it and be satisfied (SCRAM verifies
	 * the server signature here); one that is done already cannot have
	 * checked any.
	 */
	if (crc == SIDE_CONTINUE) {
		crc = c->step(
		    c, 0, sout != NULL ? sout : "", soutlen, &cout, &coutlen);
		if (crc != SIDE_OK) {
			if (crc != SIDE_FAIL)
				side_fail(c, "client wants more after the "
				             "server's success");
			return RUN_CLIENT_REFUSED;
		}
	} else if (soutlen > 0) {
		side_fail(c, "client done before the server's final data");
		return RUN_CLIENT_REFUSED;
	}
	return RUN_OK;
}

/* ---------------------------------------------------------------------- */
/* libsaslstep */

struct ours {
	saslstep_conn_t *conn;
	const char *mech;
	const char *expect_user; /* server */
};

static int
ours_code(struct side *s, int rc, const char *errstr)
{
	if (rc == SASLSTEP_CONTINUE)
		return SIDE_CONTINUE;
	if (rc == SASLSTEP_OK)
		return SIDE_OK;
	if (rc == SASLSTEP_INTERACT)
		return side_fail(s, "asked for a value (INTERACT)");
	return side_fail(s, "%s%s%s", saslstep_errstring(rc),
	    errstr != NULL ? ": " : "", errstr != NULL ? errstr : "");
}

static int
ours_client_step(struct side *s, int first, const char *in, size_t inlen,
    const char **out, size_t *outlen)
{
	struct ours *o = s->state;
	saslstep_interact_t *need = NULL;
	const char *chosen = NULL;
	unsigned n = 0;
	int rc;

	*out = NULL;
	if (first)
		rc = saslstep_client_start(
		    o->conn, o->mech, &need, out, &n, &chosen);
	else
		rc = saslstep_client_step(
		    o->conn, in, (unsigned)inlen, &need, out, &n);
	*outlen = n;
	return ours_code(s, rc, NULL);
}

static int
ours_server_step(struct side *s, int first, const char *in, size_t inlen,
    const char **out, size_t *outlen)
{
	struct ours *o = s->state;
	const char *errstr = NULL, *user = NULL;
	unsigned n = 0;
	int rc;

	*out = NULL;
	if (first)
		rc = saslstep_server_start(
		    o->conn, o->mech, in, (unsigned)inlen, out, &n, &errstr);
	else
		rc = saslstep_server_step(
		    o->conn, in, (unsigned)inlen, out, &n, &errstr);
	*outlen = n;
	if (rc == SASLSTEP_OK) {
		saslstep_getprop(o->conn, SASLSTEP_PROP_USERNAME, &user);
		if (user == NULL || strcmp(user, o->expect_user) != 0)
			return side_fail(s, "authenticated \"%s\", not \"%s\"",
			    user != NULL ? user : "(none)", o->expect_user);
	}
	return ours_code(s, rc, errstr);
}

static void
ours_dispose(struct side *s)
{
	struct ours *o = s->state;

	if (o != NULL) {
		saslstep_dispose(&o->conn);
		free(o);
	}
}

static int
ours_new(struct side *s, const char *mech)
{
	struct ours *o;

	memset(s, 0, sizeof(*s));
	s->impl = "saslstep";
	if ((o = calloc(1, sizeof(*o))) == NULL)
		return side_fail(s, "out of memory");
	o->mech = mech;
	s->state = o;
	s->dispose = ours_dispose;
	return 0;
}

int
saslstep_side_client(
    struct side *s, const char *mech, const char *authcid, const char *pass)
{
	struct ours *o;

	if (ours_new(s, mech) != 0)
		return -1;
	o = s->state;
	s->step = ours_client_step;
	if (saslstep_client_new("interop", &o->conn) != SASLSTEP_OK ||
	    saslstep_setprop(o->conn, SASLSTEP_PROP_AUTHNAME, authcid) !=
	        SASLSTEP_OK ||
	    saslstep_setprop(o->conn, SASLSTEP_PROP_PASS, pass) != SASLSTEP_OK)
		return side_fail(s, "cannot make the client");
	return 0;
}

int
saslstep_side_server(struct side *s, saslstep_store_t *st, const char *mech,
    const char *expect_user)
{
	struct ours *o;

	if (ours_new(s, mech) != 0)
		return -1;
	o = s->state;
	o->expect_user = expect_user;
	s->step = ours_server_step;
	if (saslstep_server_new("interop", st, &o->conn) != SASLSTEP_OK)
		return side_fail(s, "cannot make the server");
	return 0;
}

int
saslstep_has_mech(const char *mech)
{
	const char *all = saslstep_mechanisms(), *p;
	size_t n = strlen(mech);

	for (p = all; (p = strstr(p, mech)) != NULL; p += n)
		if ((p == all || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The matrix */

static const char *
run_name(int r)
{
	switch (r) {
	case RUN_OK:
		return "ok";
	case RUN_SERVER_REFUSED:
		return "server refused";
	default:
		return "client refused";
	}
}

static void
matrix_line(const char *verdict, const char *peer, const char *client,
    const char *server, const char *mech, int right, const char *result)
{
	char dir[2 * 64 + 8]; /* two names of sides, labels included */

	snprintf(dir, sizeof(dir), "%s -> %s", client, server);
	printf("%-4s  %-5s  %-27s  %-13s  %-5s  %s\n", verdict, peer, dir, mech,
	    right ? "right" : "wrong", result);
	fflush(stdout);
}

void
interop_case(const char *peer, const char *mech, int right, struct side *c,
    int client_made, struct side *s, int server_made)
{
	char result[2 * SIDE_WHY_MAX + 64];
	int want = right ? RUN_OK : RUN_SERVER_REFUSED, got;
	int ok;

	if (!client_made || !server_made) {
		snprintf(result, sizeof(result), "set-up failed: %s",
		    !client_made ? c->why : s->why);
		ok = 0;
	} else {
		got = interop_run(c, s);
		ok = got == want;
		if (ok)
			snprintf(result, sizeof(result), "%s", run_name(got));
		else
			snprintf(result, sizeof(result), "%s (want %s)",
			    run_name(got), run_name(want));
		/* The reason of a refusal, for the record. */
		if (got != RUN_OK) {
			size_t n = strlen(result);

			snprintf(result + n, sizeof(result) - n, ": %s",
			    got == RUN_SERVER_REFUSED ? s->why : c->why);
		}
	}
	matrix_line(ok ? "PASS" : "FAIL", peer, client_made ? c->impl : "?",
	    server_made ? s->impl : "?", mech, right, result);
	if (!ok)
		cases_failed++;
	if ((client_made && strcmp(c->impl, "saslstep") == 0) ||
	    (server_made && strcmp(s->impl, "saslstep") == 0))
		saslstep_cases_run++;
	side_dispose(c);
	side_dispose(s);
}

void
interop_skip(const char *peer, const char *client, const char *server,
    const char *mech, int right, const char *why)
{
	matrix_line("SKIP", peer, client, server, mech, right, why);
}

const char *
interop_wrong(const char *pass)
{
	static char wrong[256];

	snprintf(wrong, sizeof(wrong), "x%s", pass);
	return wrong;
}

int
interop_matrix(
    const struct peer *p, const char *db, const char *user, const char *pass)
{
	saslstep_store_t *st = NULL;
	struct side c, s;
	const char *const *m;
	const char *pw, *peer_user;
	int right, cm, sm, rc;

	if (strcmp(db, "-") != 0 &&
	    (rc = saslstep_store_open(db, &st)) != SASLSTEP_OK) {
		fprintf(stderr, "%s: cannot open %s: %s\n", p->name, db,
		    saslstep_errstring(rc));
		return 99;
	}

	for (m = p->mechs; *m != NULL; m++) {
		peer_user = p->user_for != NULL ? p->user_for(*m, user) : user;
		for (right = 1; right >= 0; right--) {
			pw = right ? pass : interop_wrong(pass);
			if (!p->has(*m)) {
				interop_skip(p->name, p->name, p->name, *m,
				    right, "the peer lacks it here");
				continue;
			}
			cm = p->client(&c, *m, peer_user, pw) == 0;
			sm = p->server(&s, *m) == 0;
			interop_case(p->name, *m, right, &c, cm, &s, sm);

			if (!saslstep_has_mech(*m)) {
				interop_skip(p->name, "saslstep", p->name, *m,
				    right, "not in libsaslstep yet");
				interop_skip(p->name, p->name, "saslstep", *m,
				    right, "not in libsaslstep yet");
				continue;
			}
			cm = saslstep_side_client(&c, *m, peer_user, pw) == 0;
			sm = p->server(&s, *m) == 0;
			interop_case(p->name, *m, right, &c, cm, &s, sm);

			if (st == NULL) {
				interop_skip(p->name, p->name, "saslstep", *m,
				    right,
				    "no store (saslstep passwd missing)");
				continue;
			}
			cm = p->client(&c, *m, user, pw) == 0;
			sm = saslstep_side_server(&s, st, *m, user) == 0;
			interop_case(p->name, *m, right, &c, cm, &s, sm);
		}
	}
	saslstep_store_close(st);
	return interop_status();
}

void
interop_verifier(
    const struct peer *p, const char *mech, const char *user, const char *pass)
{
	char label[64];
	struct side c, s;
	const char *pw;
	int right, ours, cm, sm;

	snprintf(label, sizeof(label), "%s[verifier]", p->name);
	for (right = 1; right >= 0; right--) {
		pw = right ? pass : interop_wrong(pass);
		if (!p->has(mech)) {
			interop_skip(p->name, p->name, label, mech, right,
			    "the peer lacks it here");
			continue;
		}
		for (ours = 0; ours <= 1; ours++) {
			if (ours && !saslstep_has_mech(mech)) {
				interop_skip(p->name, "saslstep", label, mech,
				    right, "not in libsaslstep yet");
				break;
			}
			cm = (ours ? saslstep_side_client(&c, mech, user, pw)
			           : p->client(&c, mech, user, pw)) == 0;
			sm = p->server(&s, mech) == 0;
			s.impl =
			    label; /* printed before interop_case returns */
			interop_case(p->name, mech, right, &c, cm, &s, sm);
		}
	}
}

int
interop_status(void)
{
	if (cases_failed > 0)
		return 1;
	return saslstep_cases_run > 0 ? 0 : 77;
}

/* ---------------------------------------------------------------------- */
/* RFC 5803 */

static char *
dup_span(const char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

void
rfc5803_free(struct rfc5803 *v)
{
	free(v->mech);
	free(v->iter);
	free(v->salt);
	free(v->storedkey);
	free(v->serverkey);
	memset(v, 0, sizeof(*v));
}

int
rfc5803_split(const char *text, struct rfc5803 *v)
{
	const char *d1, *c1, *d2, *c2, *end;

	memset(v, 0, sizeof(*v));
	end = text + strcspn(text, " \t\r\n");
	/* mech $ iter : salt $ storedkey : serverkey */
	if ((d1 = memchr(text, '$', (size_t)(end - text))) == NULL ||
	    (c1 = memchr(d1, ':', (size_t)(end - d1))) == NULL ||
	    (d2 = memchr(c1, '$', (size_t)(end - c1))) == NULL ||
	    (c2 = memchr(d2, ':', (size_t)(end - d2))) == NULL)
		return -1;
	v->mech = dup_span(text, (size_t)(d1 - text));
	v->iter = dup_span(d1 + 1, (size_t)(c1 - d1 - 1));
	v->salt = dup_span(c1 + 1, (size_t)(d2 - c1 - 1));
	v->storedkey = dup_span(d2 + 1, (size_t)(c2 - d2 - 1));
	v->serverkey = dup_span(c2 + 1, (size_t)(end - c2 - 1));
	if (v->mech == NULL || v->iter == NULL || v->salt == NULL ||
	    v->storedkey == NULL || v->serverkey == NULL) {
		rfc5803_free(v);
		return -1;
	}
	return 0;
}

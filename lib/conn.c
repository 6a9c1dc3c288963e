/*
 * conn.c: the life of a connection, and the interaction protocol.
 *
 * The core owns everything a caller gets back (output messages, errstr,
 * prompt arrays), wipes what may be secret before it lets go of it, and
 * enforces the order of calls, so a mechanism only ever sees: a start, the
 * peer's messages one by one, and a free.  It knows nothing of any
 * particular mechanism (see registry.c).
 *
 * INTERACT (Cyrus SASL semantics): a client mechanism asks for the values
 * it lacks with sstep_need(); when anything is missing the step returns
 * SASLSTEP_INTERACT with an array built here.  The caller fills in
 * result/len and calls again with identical parameters; the answers are
 * copied out of the array before the mechanism runs again, so the caller's
 * buffers need not outlive the call.  Answers are kept until a step ends
 * with something other than INTERACT, then wiped.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"

#define MAX_REQUESTS 16                 /* prompts in one INTERACT round */
#define MAX_ANSWER   (64 * 1024)        /* bytes of one answer */
#define MAX_PROP     (64 * 1024)        /* bytes of one property value */
#define PROP_LAST    SASLSTEP_PROP_ECHO /* the highest SASLSTEP_PROP_* */
#define NPROPS       (PROP_LAST + 1)

enum phase {
	PHASE_NEW,     /* *_new done, *_start not yet */
	PHASE_RUNNING, /* started, more steps expected */
	PHASE_DONE,    /* the exchange succeeded */
	PHASE_FAILED   /* the exchange failed: no further step */
};

struct request {
	unsigned long id;
	char *challenge;
	char *prompt;
};

struct answer {
	unsigned long id;
	char *challenge;
	char *value;
	size_t len;
};

struct saslstep_conn {
	int is_server;
	char *service;
	saslstep_store_t *store;
	char *props[NPROPS];
	const struct sstep_mech *mech;
	void *state;
	enum phase phase;
	char *out;
	size_t outlen;
	char *errstr;
	struct request requests[MAX_REQUESTS];
	size_t nrequests;
	int request_overflow;
	saslstep_interact_t prompts[MAX_REQUESTS + 1];
	int prompts_out; /* prompts handed to the caller, not yet read */
	struct answer answers[MAX_REQUESTS];
	size_t nanswers;
};

static int
prop_is_secret(int prop)
{
	return prop == SASLSTEP_PROP_PASS || prop == SASLSTEP_PROP_NEWPASS;
}

static void
out_clear(struct saslstep_conn *c)
{
	/* Output may carry a password (PLAIN) or a one-time value. */
	sstep_freezero(c->out, c->outlen + 1);
	c->out = NULL;
	c->outlen = 0;
}

static void
errstr_clear(struct saslstep_conn *c)
{
	free(c->errstr);
	c->errstr = NULL;
}

static void
requests_clear(struct saslstep_conn *c)
{
	size_t i;

	for (i = 0; i < c->nrequests; i++) {
		free(c->requests[i].challenge);
		free(c->requests[i].prompt);
	}
	memset(c->requests, 0, sizeof(c->requests));
	memset(c->prompts, 0, sizeof(c->prompts));
	c->nrequests = 0;
	c->request_overflow = 0;
	c->prompts_out = 0;
}

static void
answers_clear(struct saslstep_conn *c)
{
	size_t i;

	for (i = 0; i < c->nanswers; i++) {
		free(c->answers[i].challenge);
		sstep_freezero(c->answers[i].value, c->answers[i].len + 1);
	}
	memset(c->answers, 0, sizeof(c->answers));
	c->nanswers = 0;
}

static int
same_challenge(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Copy the caller's answers out of the prompt array handed out by the last
 * INTERACT, so the mechanism finds them with sstep_need().
 */
static int
answers_take(struct saslstep_conn *c)
{
	size_t i;
	int r = SASLSTEP_OK;

	for (i = 0; i < c->nrequests && r == SASLSTEP_OK; i++) {
		const saslstep_interact_t *p = &c->prompts[i];
		struct answer *a;

		if (c->nanswers >= MAX_REQUESTS) {
			r = SASLSTEP_BADPARAM;
			break;
		}
		if (p->len > MAX_ANSWER || (p->result == NULL && p->len > 0)) {
			r = SASLSTEP_BADPARAM;
			break;
		}
		a = &c->answers[c->nanswers];
		a->id = p->id;
		a->len = p->result == NULL ? 0 : p->len;
		a->value =
		    sstep_memdup0(p->result == NULL ? "" : p->result, a->len);
		a->challenge = NULL;
		if (c->requests[i].challenge != NULL) {
			a->challenge = c->requests[i].challenge;
			c->requests[i].challenge = NULL; /* transferred */
		}
		if (a->value == NULL) {
			free(a->challenge);
			a->challenge = NULL;
			r = SASLSTEP_NOMEM;
			break;
		}
		c->nanswers++;
	}
	/* The caller's array may still point at its buffers: forget them. */
	requests_clear(c);
	return r;
}

/*
 * After a mechanism's step: hand out an INTERACT array, or settle the
 * phase and the answers.
 */
static int
step_finish(struct saslstep_conn *c, int r, saslstep_interact_t **prompt_need)
{
	size_t i;

	if (prompt_need != NULL)
		*prompt_need = NULL;
	if (r == SASLSTEP_INTERACT) {
		if (c->nrequests == 0 || c->request_overflow)
			r = SASLSTEP_FAIL;
		else if (prompt_need == NULL)
			r = SASLSTEP_BADPARAM;
		else {
			for (i = 0; i < c->nrequests; i++) {
				c->prompts[i].id = c->requests[i].id;
				c->prompts[i].challenge =
				    c->requests[i].challenge;
				c->prompts[i].prompt = c->requests[i].prompt;
				c->prompts[i].defresult = NULL;
				c->prompts[i].result = NULL;
				c->prompts[i].len = 0;
			}
			c->prompts[c->nrequests].id = SASLSTEP_CB_LIST_END;
			c->prompts_out = 1;
			*prompt_need = c->prompts;
			return SASLSTEP_INTERACT;
		}
	}
	requests_clear(c);
	answers_clear(c);
	if (r == SASLSTEP_OK)
		c->phase = PHASE_DONE;
	else if (r != SASLSTEP_CONTINUE)
		c->phase = PHASE_FAILED;
	return r;
}

static int
conn_new(const char *service, int is_server, saslstep_store_t *store,
    saslstep_conn_t **connp)
{
	struct saslstep_conn *c;

	if (connp == NULL)
		return SASLSTEP_BADPARAM;
	*connp = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SASLSTEP_NOMEM;
	if ((c->service = strdup(service == NULL ? "" : service)) == NULL) {
		free(c);
		return SASLSTEP_NOMEM;
	}
	c->is_server = is_server;
	c->store = store;
	c->phase = PHASE_NEW;
	*connp = c;
	return SASLSTEP_OK;
}

SASLSTEP_API int
saslstep_client_new(const char *service, saslstep_conn_t **conn)
{
	return conn_new(service, 0, NULL, conn);
}

SASLSTEP_API int
saslstep_server_new(
    const char *service, saslstep_store_t *store, saslstep_conn_t **conn)
{
	if (store == NULL) {
		if (conn != NULL)
			*conn = NULL;
		return SASLSTEP_BADPARAM;
	}
	return conn_new(service, 1, store, conn);
}

SASLSTEP_API void
saslstep_dispose(saslstep_conn_t **connp)
{
	struct saslstep_conn *c;
	int i;

	if (connp == NULL || (c = *connp) == NULL)
		return;
	if (c->mech != NULL) {
		if (c->is_server)
			c->mech->funcs->server_free(c, c->state);
		else
			c->mech->funcs->client_free(c, c->state);
	}
	for (i = 0; i < NPROPS; i++)
		sstep_free_str(c->props[i]);
	out_clear(c);
	errstr_clear(c);
	requests_clear(c);
	answers_clear(c);
	free(c->service);
	sstep_freezero(c, sizeof(*c));
	*connp = NULL;
}

SASLSTEP_API int
saslstep_setprop(saslstep_conn_t *c, int prop, const char *value)
{
	char *copy = NULL;
	size_t n;

	if (c == NULL || prop <= 0 || prop > PROP_LAST ||
	    prop == SASLSTEP_PROP_USERNAME || prop == SASLSTEP_PROP_MECH)
		return SASLSTEP_BADPARAM;
	if (value != NULL) {
		n = strnlen(value, MAX_PROP + 1);
		if (n > MAX_PROP)
			return SASLSTEP_BADPARAM;
		if ((copy = sstep_memdup0(value, n)) == NULL)
			return SASLSTEP_NOMEM;
	}
	sstep_free_str(c->props[prop]);
	c->props[prop] = copy;
	return SASLSTEP_OK;
}

SASLSTEP_API int
saslstep_getprop(saslstep_conn_t *c, int prop, const char **value)
{
	if (value != NULL)
		*value = NULL;
	if (c == NULL || value == NULL || prop <= 0 || prop > PROP_LAST ||
	    prop_is_secret(prop))
		return SASLSTEP_BADPARAM;
	if (prop == SASLSTEP_PROP_MECH)
		*value = c->mech == NULL ? NULL : c->mech->name;
	else
		*value = c->props[prop];
	return SASLSTEP_OK;
}

/* The first mechanism of mechlist (space or comma separated) we have. */
static const struct sstep_mech *
mech_choose(const char *mechlist)
{
	const struct sstep_mech *m;
	const char *p = mechlist;
	size_t n;

	while (*p != '\0') {
		p += strspn(p, " ,\t");
		n = strcspn(p, " ,\t");
		if (n == 0)
			break;
		if ((m = sstep_mech_find(p, n)) != NULL)
			return m;
		p += n;
	}
	return NULL;
}

static void
client_output(
    struct saslstep_conn *c, int r, const char **out, unsigned *outlen)
{
	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (r != SASLSTEP_OK && r != SASLSTEP_CONTINUE)
		return;
	if (out != NULL)
		*out = c->out;
	if (outlen != NULL)
		*outlen = (unsigned)c->outlen;
}

/* One client step: collect answers, run the mechanism, hand out results. */
static int
client_run(struct saslstep_conn *c, const char *in, size_t inlen,
    saslstep_interact_t **prompt_need, const char **out, unsigned *outlen)
{
	int r = SASLSTEP_OK;

	out_clear(c);
	if (c->prompts_out)
		r = answers_take(c);
	if (r == SASLSTEP_OK)
		r = c->mech->funcs->client_step(c, c->state, in, inlen);
	r = step_finish(c, r, prompt_need);
	client_output(c, r, out, outlen);
	return r;
}

SASLSTEP_API int
saslstep_client_start(saslstep_conn_t *c, const char *mechlist,
    saslstep_interact_t **prompt_need, const char **clientout,
    unsigned *clientoutlen, const char **mech)
{
	const struct sstep_mech *m;
	int r;

	if (prompt_need != NULL)
		*prompt_need = NULL;
	client_output(c, SASLSTEP_FAIL, clientout, clientoutlen);
	if (mech != NULL)
		*mech = NULL;
	if (c == NULL || c->is_server)
		return SASLSTEP_BADPARAM;
	if (c->phase == PHASE_RUNNING && c->prompts_out) {
		/* The same call again, now with the prompts answered. */
	} else if (c->phase == PHASE_NEW) {
		if (mechlist == NULL)
			return SASLSTEP_BADPARAM;
		if ((m = mech_choose(mechlist)) == NULL)
			return SASLSTEP_NOMECH;
		/* Set first, so the mechanism can see which it is. */
		c->mech = m;
		if ((r = m->funcs->client_new(c, &c->state)) != SASLSTEP_OK) {
			c->mech = NULL;
			return r;
		}
		c->phase = PHASE_RUNNING;
	} else
		return SASLSTEP_BADPARAM;
	if (mech != NULL)
		*mech = c->mech->name;
	return client_run(c, NULL, 0, prompt_need, clientout, clientoutlen);
}

SASLSTEP_API int
saslstep_client_step(saslstep_conn_t *c, const char *serverin,
    unsigned serverinlen, saslstep_interact_t **prompt_need,
    const char **clientout, unsigned *clientoutlen)
{
	if (prompt_need != NULL)
		*prompt_need = NULL;
	client_output(c, SASLSTEP_FAIL, clientout, clientoutlen);
	if (c == NULL || c->is_server || c->phase != PHASE_RUNNING ||
	    (serverin == NULL && serverinlen > 0))
		return SASLSTEP_BADPARAM;
	return client_run(c, serverin == NULL ? "" : serverin, serverinlen,
	    prompt_need, clientout, clientoutlen);
}

/* One server step: run the mechanism and hand out its message or errstr. */
static int
server_run(struct saslstep_conn *c, const char *in, size_t inlen,
    const char **out, unsigned *outlen, const char **errstr)
{
	int r;

	r = c->mech->funcs->server_step(c, c->state, in, inlen);
	if (r == SASLSTEP_INTERACT)
		r = SASLSTEP_FAIL; /* only clients interact */
	r = step_finish(c, r, NULL);
	if (r == SASLSTEP_OK || r == SASLSTEP_CONTINUE) {
		errstr_clear(c);
		if (out != NULL)
			*out = c->out == NULL ? "" : c->out;
		if (outlen != NULL)
			*outlen = (unsigned)c->outlen;
	} else if (errstr != NULL)
		*errstr = c->errstr != NULL ? c->errstr : saslstep_errstring(r);
	return r;
}

static void
server_reset_outputs(struct saslstep_conn *c, const char **out,
    unsigned *outlen, const char **errstr)
{
	if (out != NULL)
		*out = NULL;
	if (outlen != NULL)
		*outlen = 0;
	if (errstr != NULL)
		*errstr = NULL;
	if (c != NULL) {
		out_clear(c);
		errstr_clear(c);
	}
}

SASLSTEP_API int
saslstep_server_start(saslstep_conn_t *c, const char *mech,
    const char *clientin, unsigned clientinlen, const char **serverout,
    unsigned *serveroutlen, const char **errstr)
{
	const struct sstep_mech *m;
	int r;

	server_reset_outputs(c, serverout, serveroutlen, errstr);
	if (c == NULL || !c->is_server || c->phase != PHASE_NEW ||
	    mech == NULL || (clientin == NULL && clientinlen > 0))
		return SASLSTEP_BADPARAM;
	if ((m = sstep_mech_find(mech, strlen(mech))) == NULL) {
		if (errstr != NULL)
			*errstr = "mechanism not supported";
		return SASLSTEP_NOMECH;
	}
	c->mech = m;
	if ((r = m->funcs->server_new(c, &c->state)) != SASLSTEP_OK) {
		c->mech = NULL;
		if (errstr != NULL)
			*errstr = saslstep_errstring(r);
		return r;
	}
	c->phase = PHASE_RUNNING;
	return server_run(
	    c, clientin, clientinlen, serverout, serveroutlen, errstr);
}

SASLSTEP_API int
saslstep_server_step(saslstep_conn_t *c, const char *clientin,
    unsigned clientinlen, const char **serverout, unsigned *serveroutlen,
    const char **errstr)
{
	server_reset_outputs(c, serverout, serveroutlen, errstr);
	if (c == NULL || !c->is_server || c->phase != PHASE_RUNNING ||
	    (clientin == NULL && clientinlen > 0)) {
		if (errstr != NULL)
			*errstr = "step out of order or bad parameter";
		return SASLSTEP_BADPARAM;
	}
	return server_run(c, clientin == NULL ? "" : clientin, clientinlen,
	    serverout, serveroutlen, errstr);
}

/* --- for mechanisms --- */

saslstep_store_t *
sstep_conn_store(struct sstep_conn *conn)
{
	return conn->store;
}

const char *
sstep_conn_prop(struct sstep_conn *conn, int prop)
{
	if (prop <= 0 || prop > PROP_LAST)
		return NULL;
	return conn->props[prop];
}

const struct sstep_mech *
sstep_conn_mech(struct sstep_conn *conn)
{
	return conn->mech;
}

const char *
sstep_conn_service(struct sstep_conn *conn)
{
	return conn->service;
}

int
sstep_conn_set_username(struct sstep_conn *conn, const char *name, size_t n)
{
	struct saslstep_conn *c = conn;
	char *copy;

	if ((copy = sstep_memdup0(name, n)) == NULL)
		return SASLSTEP_NOMEM;
	free(c->props[SASLSTEP_PROP_USERNAME]);
	c->props[SASLSTEP_PROP_USERNAME] = copy;
	return SASLSTEP_OK;
}

int
sstep_out(struct sstep_conn *conn, const void *data, size_t len)
{
	struct saslstep_conn *c = conn;
	char *copy;

	if (len > MAX_ANSWER * 16)
		return SASLSTEP_BADPARAM;
	if ((copy = sstep_memdup0(data == NULL ? "" : data, len)) == NULL)
		return SASLSTEP_NOMEM;
	out_clear(c);
	c->out = copy;
	c->outlen = len;
	return SASLSTEP_OK;
}

int
sstep_outf(struct sstep_conn *conn, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n, r;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		sstep_wipe(buf, sizeof(buf));
		return SASLSTEP_BADPARAM;
	}
	r = sstep_out(conn, buf, (size_t)n);
	sstep_wipe(buf, sizeof(buf));
	return r;
}

int
sstep_fail(struct sstep_conn *conn, int code, const char *fmt, ...)
{
	struct saslstep_conn *c = conn;
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	errstr_clear(c);
	if (n >= 0)
		c->errstr = strdup(buf); /* NULL: the generic text is used */
	return code;
}

/* What the properties answer without asking. */
static const char *
need_from_prop(struct saslstep_conn *c, unsigned long id)
{
	switch (id) {
	case SASLSTEP_CB_AUTHNAME:
		return c->props[SASLSTEP_PROP_AUTHNAME];
	case SASLSTEP_CB_USER:
		return c->props[SASLSTEP_PROP_AUTHZID];
	case SASLSTEP_CB_PASS:
		return c->props[SASLSTEP_PROP_PASS];
	default:
		return NULL;
	}
}

int
sstep_need(struct sstep_conn *conn, unsigned long id, const char *challenge,
    const char *prompt, const char **value, size_t *len)
{
	struct saslstep_conn *c = conn;
	struct request *q;
	const char *v;
	size_t i;

	*value = NULL;
	*len = 0;
	if ((v = need_from_prop(c, id)) != NULL) {
		*value = v;
		*len = strlen(v);
		return SASLSTEP_OK;
	}
	for (i = 0; i < c->nanswers; i++) {
		if (c->answers[i].id == id &&
		    same_challenge(c->answers[i].challenge, challenge)) {
			*value = c->answers[i].value;
			*len = c->answers[i].len;
			return SASLSTEP_OK;
		}
	}
	if (c->nrequests >= MAX_REQUESTS) {
		c->request_overflow = 1;
		return SASLSTEP_INTERACT;
	}
	q = &c->requests[c->nrequests];
	q->id = id;
	q->challenge = challenge == NULL ? NULL : strdup(challenge);
	q->prompt = strdup(prompt == NULL ? "" : prompt);
	if ((challenge != NULL && q->challenge == NULL) || q->prompt == NULL) {
		free(q->challenge);
		free(q->prompt);
		memset(q, 0, sizeof(*q));
		c->request_overflow = 1; /* fails the step, as NOMEM would */
		return SASLSTEP_INTERACT;
	}
	c->nrequests++;
	return SASLSTEP_INTERACT;
}

/*
 * bridge.c: one login, driven through a PAM conversation (DESIGN.md "A
 * login, as data" and "The bridge").
 *
 * The server side runs against the store and the client side in the same
 * process; the bridge carries each message from one to the other and turns
 * every INTERACT round of the client into one pam_conv() call.  It knows
 * PAM and the interact protocol, nothing of any mechanism: what a person
 * is asked, and with which challenge, comes from the mechanism.
 *
 * What is logged: result codes, the mechanism and the user name, and the
 * server's errstr (which never holds a secret).  Never a reply, not even
 * under debug.  What the person sees on failure: nothing beyond the
 * prompts, as with pam_unix; the application says "Permission denied".
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>

#include "saslstep-int.h"
#include "store.h"
#include "bridge.h"

#define BRIDGE_DEFAULT_MECH "OTP"
/* No mechanism needs more rounds than this; it stops a loop between two
 * confused sides from running forever. */
#define BRIDGE_MAX_ROUNDS 16

struct login {
	const struct bridge_opts *o;
	const struct bridge_env *env;
	saslstep_store_t *store;
	saslstep_conn_t *client;
	saslstep_conn_t *server;
	const char *mech;
	/* The replies of the last INTERACT round: the interact array points
	 * into them until the client has been called again (and copied
	 * them); then they are wiped and freed. */
	struct pam_response *replies;
	int nreplies;
};

void
bridge_logf(
    bridge_log_fn log, void *log_ctx, int priority, const char *fmt, ...)
{
	char msg[BRIDGE_LOG_MAX];
	va_list ap;

	if (log == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log(log_ctx, priority, msg);
}

int
bridge_pam_code(int code)
{
	switch (code) {
	case SASLSTEP_OK:
		return PAM_SUCCESS;
	case SASLSTEP_UNAVAIL:
		return PAM_AUTHINFO_UNAVAIL;
	case SASLSTEP_NOMEM:
		return PAM_BUF_ERR;
	default:
		/* BADAUTH, NOUSER, BADPROT, TRYAGAIN, BADSERV and anything
		 * unexpected: the person gets no hint which it was. */
		return PAM_AUTH_ERR;
	}
}

/* Log at LOG_DEBUG, only with the debug argument. */
#define TRACE(l, ...)                                                          \
	do {                                                                   \
		if ((l)->o->debug)                                             \
			bridge_logf((l)->env->log, (l)->env->log_ctx,          \
			    LOG_DEBUG, __VA_ARGS__);                           \
	} while (0)

#define LOG(l, prio, ...)                                                      \
	bridge_logf((l)->env->log, (l)->env->log_ctx, (prio), __VA_ARGS__)

static void
replies_free(struct login *l)
{
	int i;

	if (l->replies == NULL)
		return;
	for (i = 0; i < l->nreplies; i++)
		sstep_free_str(l->replies[i].resp);
	free(l->replies);
	l->replies = NULL;
	l->nreplies = 0;
}

/*
 * The text of one prompt: the challenge first, so it is on screen when the
 * person types, whatever the application does with PAM_TEXT_INFO (DESIGN.md
 * "The bridge"); then the prompt, which prompt= replaces.
 */
static char *
prompt_text(const struct bridge_opts *o, const saslstep_interact_t *need)
{
	const char *prompt;
	char *text;

	if (o->prompt != NULL)
		prompt = o->prompt;
	else if (need->prompt != NULL)
		prompt = need->prompt;
	else if (need->id == SASLSTEP_CB_PASS)
		prompt = "Password: ";
	else
		prompt = "Response: ";
	if (need->challenge == NULL || need->challenge[0] == '\0')
		return strdup(prompt);
	if (asprintf(&text, "%s\n%s", need->challenge, prompt) == -1)
		return NULL;
	return text;
}

/*
 * A password request, answered from PAM_AUTHTOK as pam_unix does with
 * try_first_pass, use_first_pass and use_authtok (pam_saslstep(8)).
 * Returns 1 when answered, 0 when the person is to be asked, -1 when the
 * login must fail (use_first_pass without an earlier password: pam_unix
 * says PAM_AUTHTOK_RECOVERY_ERR there; we say PAM_AUTH_ERR, as for every
 * failure the person can cause).
 */
static int
authtok_answer(struct login *l, saslstep_interact_t *need)
{
	const char *tok = l->env->authtok;
	size_t len;

	if (l->o->authtok == BRIDGE_AUTHTOK_ASK ||
	    (l->o->authtok == BRIDGE_AUTHTOK_TRY && tok == NULL))
		return 0;
	if (tok == NULL) {
		LOG(l, LOG_NOTICE,
		    "no password from an earlier module (%s); user=%s",
		    l->o->authtok == BRIDGE_AUTHTOK_FORCE ? "use_authtok"
		                                          : "use_first_pass",
		    l->env->user);
		return -1;
	}
	len = strnlen(tok, PAM_MAX_RESP_SIZE + 1);
	if (len > PAM_MAX_RESP_SIZE) {
		LOG(l, LOG_NOTICE,
		    "password from an earlier module longer than %d bytes; "
		    "user=%s",
		    PAM_MAX_RESP_SIZE, l->env->user);
		return -1;
	}
	TRACE(l, "%s: password from an earlier module", l->mech);
	need->result = tok;
	need->len = (unsigned)len;
	return 1;
}

/*
 * Answer one INTERACT round: AUTHNAME and USER from PAM_USER without
 * asking, a password from PAM_AUTHTOK where the arguments say so,
 * everything else in one pam_conv() call.  On success every
 * request's result is set and points into l->replies.
 */
static int
converse(struct login *l, saslstep_interact_t *need)
{
	struct pam_message msgs[PAM_MAX_NUM_MSG];
	const struct pam_message *pmsg[PAM_MAX_NUM_MSG];
	saslstep_interact_t *asked[PAM_MAX_NUM_MSG];
	char *texts[PAM_MAX_NUM_MSG];
	const struct pam_conv *conv = l->env->conv;
	struct pam_response *resp = NULL;
	const char *answer;
	size_t len;
	int i, n = 0, style, a, r = PAM_CONV_ERR;

	for (; need->id != SASLSTEP_CB_LIST_END; need++) {
		switch (need->id) {
		case SASLSTEP_CB_AUTHNAME:
		case SASLSTEP_CB_USER:
			need->result = l->env->user;
			need->len = (unsigned)strlen(l->env->user);
			continue;
		case SASLSTEP_CB_PASS:
			if ((a = authtok_answer(l, need)) > 0)
				continue; /* answered without asking */
			if (a < 0) {
				r = PAM_AUTH_ERR;
				goto out;
			}
			style = PAM_PROMPT_ECHO_OFF;
			break;
		case SASLSTEP_CB_NOECHOPROMPT:
			style = PAM_PROMPT_ECHO_OFF;
			break;
		case SASLSTEP_CB_ECHOPROMPT:
			style = PAM_PROMPT_ECHO_ON;
			break;
		default:
			LOG(l, LOG_ERR,
			    "%s asks for value %#lx, which the bridge cannot "
			    "give",
			    l->mech, need->id);
			r = PAM_AUTH_ERR;
			goto out;
		}
		if (n == PAM_MAX_NUM_MSG) {
			LOG(l, LOG_ERR,
			    "%s asks more than %d questions at once", l->mech,
			    PAM_MAX_NUM_MSG);
			goto out;
		}
		if ((texts[n] = prompt_text(l->o, need)) == NULL) {
			r = PAM_BUF_ERR;
			goto out;
		}
		msgs[n].msg_style = style;
		msgs[n].msg = texts[n];
		/* Linux-PAM reads msg as an array of pointers, Solaris as a
		 * pointer to an array: this layout serves both. */
		pmsg[n] = &msgs[n];
		asked[n] = need;
		n++;
	}
	if (n == 0) {
		r = PAM_SUCCESS;
		goto out;
	}
	if (conv == NULL || conv->conv == NULL) {
		LOG(l, LOG_ERR, "no conversation function");
		goto out;
	}
	TRACE(l, "%s: asking %d question(s)", l->mech, n);
	if (conv->conv(n, pmsg, &resp, conv->appdata_ptr) != PAM_SUCCESS ||
	    resp == NULL) {
		LOG(l, LOG_NOTICE, "conversation failed; user=%s",
		    l->env->user);
		goto out;
	}
	for (i = 0; i < n; i++) {
		/* No reply at all (misc_conv at end of input) is not an
		 * answer, as an empty line is. */
		if ((answer = resp[i].resp) == NULL) {
			LOG(l, LOG_NOTICE,
			    "conversation gave no reply; user=%s",
			    l->env->user);
			goto out;
		}
		len = strnlen(answer, PAM_MAX_RESP_SIZE + 1);
		if (len > PAM_MAX_RESP_SIZE) {
			LOG(l, LOG_NOTICE,
			    "reply longer than %d bytes; user=%s",
			    PAM_MAX_RESP_SIZE, l->env->user);
			r = PAM_AUTH_ERR;
			goto out;
		}
		asked[i]->result = answer;
		asked[i]->len = (unsigned)len;
	}
	/* As pam_unix: a typed password is kept for later modules before
	 * it is checked, so "password, then a one-time code" stacks. */
	for (i = 0; i < n; i++) {
		if (asked[i]->id != SASLSTEP_CB_PASS ||
		    l->env->set_authtok == NULL)
			continue;
		if ((r = l->env->set_authtok(
		         l->env->authtok_ctx, resp[i].resp)) != PAM_SUCCESS) {
			LOG(l, LOG_ERR, "cannot set PAM_AUTHTOK; user=%s",
			    l->env->user);
			goto out;
		}
	}
	l->replies = resp;
	l->nreplies = n;
	resp = NULL; /* transferred */
	r = PAM_SUCCESS;
out:
	if (resp != NULL) {
		for (i = 0; i < n; i++)
			sstep_free_str(resp[i].resp);
		free(resp);
	}
	while (n-- > 0)
		free(texts[n]);
	return r;
}

/*
 * One client call (start it when start is set, else step it with in),
 * answering its INTERACT rounds until it says something else.  Returns a
 * PAM code, and the client's last code in *rc when that is PAM_SUCCESS.
 */
static int
client_call(struct login *l, int start, const char *in, unsigned inlen,
    const char **out, unsigned *outlen, int *rc)
{
	saslstep_interact_t *need;
	const char *mech;
	int r, round;

	for (round = 0;; round++) {
		need = NULL;
		if (start)
			*rc = saslstep_client_start(
			    l->client, l->mech, &need, out, outlen, &mech);
		else
			*rc = saslstep_client_step(
			    l->client, in, inlen, &need, out, outlen);
		/* The library copied the last replies during this call. */
		replies_free(l);
		TRACE(l, "%s: client %s: %s", l->mech, start ? "start" : "step",
		    saslstep_errstring(*rc));
		if (*rc != SASLSTEP_INTERACT)
			return PAM_SUCCESS;
		if (need == NULL || round == BRIDGE_MAX_ROUNDS) {
			LOG(l, LOG_ERR, "%s: client asks without end", l->mech);
			return PAM_AUTH_ERR;
		}
		if ((r = converse(l, need)) != PAM_SUCCESS)
			return r;
	}
}

/* Log why a side failed and map its code. */
static int
failed(struct login *l, const char *side, int code, const char *errstr)
{
	int prio;

	/* What a person can cause is a notice; the rest is trouble with
	 * the system (store, memory, configuration) and an error. */
	switch (code) {
	case SASLSTEP_BADAUTH:
	case SASLSTEP_NOUSER:
	case SASLSTEP_BADPROT:
	case SASLSTEP_BADPARAM:
	case SASLSTEP_TRYAGAIN:
		prio = LOG_NOTICE;
		break;
	default:
		prio = LOG_ERR;
	}
	LOG(l, prio, "authentication failure; user=%s mech=%s [%s: %s]%s%s",
	    l->env->user, l->mech, side, saslstep_errstring(code),
	    errstr != NULL ? ": " : "", errstr != NULL ? errstr : "");
	return bridge_pam_code(code);
}

/* Carry messages between the two sides until the server decides and the
 * client has checked the server's final data. */
static int
exchange(struct login *l)
{
	const char *cout = NULL, *sout = NULL, *errstr = NULL;
	unsigned coutlen = 0, soutlen = 0;
	int crc, src, r, round;

	if ((r = client_call(l, 1, NULL, 0, &cout, &coutlen, &crc)) !=
	    PAM_SUCCESS)
		return r;
	if (crc != SASLSTEP_CONTINUE && crc != SASLSTEP_OK)
		return failed(l, "client", crc, NULL);
	src = saslstep_server_start(
	    l->server, l->mech, cout, coutlen, &sout, &soutlen, &errstr);
	TRACE(l, "%s: server start: %s", l->mech, saslstep_errstring(src));
	for (round = 0; src == SASLSTEP_CONTINUE; round++) {
		if (round == BRIDGE_MAX_ROUNDS)
			return failed(
			    l, "server", SASLSTEP_BADPROT, "too many rounds");
		if ((r = client_call(l, 0, sout, soutlen, &cout, &coutlen,
		         &crc)) != PAM_SUCCESS)
			return r;
		if (crc != SASLSTEP_CONTINUE && crc != SASLSTEP_OK)
			return failed(l, "client", crc, NULL);
		errstr = NULL;
		src = saslstep_server_step(
		    l->server, cout, coutlen, &sout, &soutlen, &errstr);
		TRACE(
		    l, "%s: server step: %s", l->mech, saslstep_errstring(src));
	}
	if (src != SASLSTEP_OK)
		return failed(l, "server", src, errstr);
	/* The server's final data goes to the client, which must accept it
	 * (SCRAM's server signature) before the login counts. */
	if ((r = client_call(l, 0, sout != NULL ? sout : "", soutlen, &cout,
	         &coutlen, &crc)) != PAM_SUCCESS)
		return r;
	if (crc != SASLSTEP_OK)
		return failed(l, "client", crc, NULL);
	return PAM_SUCCESS;
}

struct enrolled {
	const char *family[BRIDGE_MAX_MECHS];
	unsigned n;
	unsigned found; /* bit i: the user has a credential of family[i] */
};

static int
enrolled_cb(const struct sstep_cred *c, void *arg)
{
	struct enrolled *e = arg;
	unsigned i;

	for (i = 0; i < e->n; i++)
		if (strcmp(c->family, e->family[i]) == 0)
			e->found |= 1U << i;
	return 0;
}

/*
 * Pick the first mechanism of mech= the user is enrolled for.  A user
 * enrolled in none (unknown users included) gets the first one anyway,
 * whose server side answers with a stable fake challenge and fails at the
 * end: the same prompts as anyone else.  Only nullok says PAM_IGNORE.
 */
static int
choose_mech(struct login *l)
{
	const char *names[BRIDGE_MAX_MECHS] = {NULL};
	const struct sstep_mech *m;
	struct enrolled e;
	unsigned i;
	int rc;

	memset(&e, 0, sizeof(e));
	e.n = l->o->nmechs > 0 ? l->o->nmechs : 1;
	for (i = 0; i < e.n; i++) {
		names[i] =
		    l->o->nmechs > 0 ? l->o->mechs[i] : BRIDGE_DEFAULT_MECH;
		if ((m = sstep_mech_find(names[i], strlen(names[i]))) == NULL) {
			LOG(l, LOG_ERR, "mechanism %s is not available",
			    names[i]);
			return PAM_AUTH_ERR;
		}
		e.family[i] = m->family;
	}
	rc = sstep_store_cred_list(l->store, l->env->user, enrolled_cb, &e);
	if (rc != SASLSTEP_OK && rc != SASLSTEP_NOUSER) {
		LOG(l, LOG_ERR, "cannot read credentials; user=%s: %s",
		    l->env->user, sstep_store_error(l->store));
		return bridge_pam_code(rc);
	}
	for (i = 0; i < e.n; i++) {
		if (e.found & (1U << i)) {
			l->mech = names[i];
			TRACE(l, "user=%s mech=%s", l->env->user, l->mech);
			return PAM_SUCCESS;
		}
	}
	if (l->o->nullok) {
		TRACE(l,
		    "user=%s enrolled in none of the mechanisms: ignored "
		    "(nullok)",
		    l->env->user);
		return PAM_IGNORE;
	}
	l->mech = names[0];
	TRACE(l, "user=%s enrolled in none of the mechanisms: %s, to fail",
	    l->env->user, l->mech);
	return PAM_SUCCESS;
}

/*
 * The HOTP/TOTP arguments (pam_saslstep(8)): window= and lookahead= go to
 * the server, echo to the client.  They are set whatever the mechanism:
 * the others do not read them.
 */
static int
code_props(struct login *l)
{
	char num[16];
	int rc = SASLSTEP_OK;

	if (l->o->window_set) {
		snprintf(num, sizeof(num), "%u", l->o->window);
		rc =
		    saslstep_setprop(l->server, SASLSTEP_PROP_TOTP_WINDOW, num);
	}
	if (rc == SASLSTEP_OK && l->o->lookahead_set) {
		snprintf(num, sizeof(num), "%u", l->o->lookahead);
		rc = saslstep_setprop(
		    l->server, SASLSTEP_PROP_HOTP_LOOKAHEAD, num);
	}
	if (rc == SASLSTEP_OK && l->o->echo)
		rc = saslstep_setprop(l->client, SASLSTEP_PROP_ECHO, "1");
	return rc;
}

int
bridge_authenticate(const struct bridge_opts *o, const struct bridge_env *env)
{
	struct login l;
	const char *name = NULL;
	int r, rc;

	memset(&l, 0, sizeof(l));
	l.o = o;
	l.env = env;
	l.mech = "-";
	if (o == NULL || env == NULL || env->user == NULL)
		return PAM_AUTH_ERR;

	if ((rc = sstep_store_open(o->db, 0, &l.store)) != SASLSTEP_OK) {
		/* The URI is not logged: a later one may hold a password. */
		LOG(&l, LOG_ERR, "cannot open the credential store: %s",
		    sstep_store_open_error());
		r = PAM_AUTHINFO_UNAVAIL;
		goto out;
	}
	if ((r = choose_mech(&l)) != PAM_SUCCESS)
		goto out;

	if ((rc = saslstep_server_new(env->service, l.store, &l.server)) !=
	        SASLSTEP_OK ||
	    (rc = saslstep_client_new(env->service, &l.client)) !=
	        SASLSTEP_OK ||
	    (rc = saslstep_setprop(
	         l.client, SASLSTEP_PROP_AUTHNAME, env->user)) != SASLSTEP_OK ||
	    (rc = code_props(&l)) != SASLSTEP_OK) {
		r = failed(&l, "setup", rc, NULL);
		goto out;
	}
	if ((r = exchange(&l)) != PAM_SUCCESS)
		goto out;

	/* Whatever the mechanism did, the identity it proved must be the
	 * one PAM asked about. */
	if (saslstep_getprop(l.server, SASLSTEP_PROP_USERNAME, &name) !=
	        SASLSTEP_OK ||
	    name == NULL || strcmp(name, env->user) != 0) {
		r = failed(&l, "server", SASLSTEP_BADAUTH,
		    "authenticated identity differs from the PAM user");
		goto out;
	}
	LOG(&l, LOG_INFO, "authentication success; user=%s mech=%s", env->user,
	    l.mech);
	r = PAM_SUCCESS;
out:
	replies_free(&l);
	saslstep_dispose(&l.client);
	saslstep_dispose(&l.server);
	sstep_store_close(l.store);
	return r;
}

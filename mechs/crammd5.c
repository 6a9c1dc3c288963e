/*
 * crammd5.c: the CRAM-MD5 SASL mechanism (RFC 2195), legacy.
 *
 * Exchange (RFC 2195 s. 2):
 *   S: <random.timestamp@hostname>            (an RFC 822 msg-id)
 *   C: user SP hex(HMAC-MD5(password, challenge)), 32 lower-case digits
 *   S: OK, no data.
 *
 * The server stores no password, only the two HMAC-MD5 key contexts
 * (crammd5.h has the layout), and computes the HMAC from them.  Those
 * contexts are password-equivalent for CRAM-MD5 itself, which is why only
 * `saslstep passwd --cram-md5` writes them and why saslstep(1) calls the
 * mechanism legacy.
 *
 * Why the deprecated low-level MD5 API: RFC 2195 s. 2 (and RFC 2104 s. 4)
 * store the MD5 chaining state after the key block, and HMAC is finished
 * from that state.  OpenSSL 3's EVP offers no way to read or seed a
 * digest's internal state; MD5_CTX's A..D is the only interface that
 * does, so this one file silences the deprecation warnings for it.  The
 * hashing itself is still OpenSSL's.
 */
#include "config.h"

#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/md5.h>
#include <openssl/rand.h>

#include "saslstep-int.h"
#include "store.h"
#include "mechs.h"
#include "saslprep.h"
#include "crammd5.h"

#define HMAC_BLOCK     64   /* MD5's block size (RFC 2104 s. 2) */
#define CHALLENGE_MAX  1024 /* bytes of a challenge a client reads */
#define HOSTNAME_MAX   255
#define PASSWORD_MAX   1024 /* bytes of a password a client sends */
#define CRAMMD5_PROMPT "Password: "

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

static void
put32le(unsigned char *p, MD5_LONG v)
{
	p[0] = (unsigned char)(v & 0xff);
	p[1] = (unsigned char)((v >> 8) & 0xff);
	p[2] = (unsigned char)((v >> 16) & 0xff);
	p[3] = (unsigned char)((v >> 24) & 0xff);
}

static MD5_LONG
get32le(const unsigned char *p)
{
	return (MD5_LONG)p[0] | ((MD5_LONG)p[1] << 8) | ((MD5_LONG)p[2] << 16) |
	       ((MD5_LONG)p[3] << 24);
}

/* The MD5 chaining state after one block (key XOR pad) into out[16]. */
static int
state_after_block(const unsigned char block[HMAC_BLOCK], unsigned char out[16])
{
	MD5_CTX md;
	int r = SASLSTEP_FAIL;

	if (MD5_Init(&md) != 1 || MD5_Update(&md, block, HMAC_BLOCK) != 1)
		goto out;
	/* A whole block is compressed at once: A..D is the state now. */
	put32le(out, md.A);
	put32le(out + 4, md.B);
	put32le(out + 8, md.C);
	put32le(out + 12, md.D);
	r = SASLSTEP_OK;
out:
	sstep_wipe(&md, sizeof(md));
	return r;
}

int
sstep_crammd5_context_make(const void *key, size_t keylen,
    unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN])
{
	unsigned char k[HMAC_BLOCK], ipad[HMAC_BLOCK], opad[HMAC_BLOCK];
	unsigned int klen = 0;
	size_t i;
	int r = SASLSTEP_FAIL;

	memset(k, 0, sizeof(k));
	/* RFC 2104 s. 2: a key longer than a block is hashed first; a
	 * shorter one is padded with zeros. */
	if (keylen > HMAC_BLOCK) {
		if (EVP_Digest(key, keylen, k, &klen, EVP_md5(), NULL) != 1)
			goto out;
	} else if (keylen > 0)
		memcpy(k, key, keylen);
	for (i = 0; i < HMAC_BLOCK; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	if (state_after_block(ipad, ctx) != SASLSTEP_OK ||
	    state_after_block(opad, ctx + 16) != SASLSTEP_OK)
		goto out;
	r = SASLSTEP_OK;
out:
	if (r != SASLSTEP_OK)
		sstep_wipe(ctx, SSTEP_CRAMMD5_CONTEXT_LEN);
	sstep_wipe(k, sizeof(k));
	sstep_wipe(ipad, sizeof(ipad));
	sstep_wipe(opad, sizeof(opad));
	return r;
}

/* MD5(state || text): resume from a stored state one block in. */
static int
resume(const unsigned char state[16], const void *text, size_t len,
    unsigned char out[SSTEP_CRAMMD5_DIGEST_LEN])
{
	MD5_CTX md;
	int r = SASLSTEP_FAIL;

	if (MD5_Init(&md) != 1)
		goto out;
	md.A = get32le(state);
	md.B = get32le(state + 4);
	md.C = get32le(state + 8);
	md.D = get32le(state + 12);
	md.Nl = HMAC_BLOCK * 8; /* the length counts bits */
	md.Nh = 0;
	if (MD5_Update(&md, text, len) != 1 || MD5_Final(out, &md) != 1)
		goto out;
	r = SASLSTEP_OK;
out:
	sstep_wipe(&md, sizeof(md));
	return r;
}

int
sstep_crammd5_digest(const unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN],
    const void *text, size_t textlen,
    unsigned char out[SSTEP_CRAMMD5_DIGEST_LEN])
{
	unsigned char inner[SSTEP_CRAMMD5_DIGEST_LEN];
	int r;

	/* RFC 2104 s. 2: MD5(K ^ opad, MD5(K ^ ipad, text)). */
	if ((r = resume(ctx, text, textlen, inner)) == SASLSTEP_OK)
		r = resume(ctx + 16, inner, sizeof(inner), out);
	if (r != SASLSTEP_OK)
		sstep_wipe(out, SSTEP_CRAMMD5_DIGEST_LEN);
	sstep_wipe(inner, sizeof(inner));
	return r;
}

static int
hex_lower(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
sstep_crammd5_response_parse(const char *response, size_t len,
    const char **user, size_t *userlen,
    unsigned char digest[SSTEP_CRAMMD5_DIGEST_LEN], const char **why)
{
	const char *hex;
	size_t i, n;
	int hi, lo;

	*user = NULL;
	*userlen = 0;
	sstep_wipe(digest, SSTEP_CRAMMD5_DIGEST_LEN);
	/* The digest is the last 32 bytes, after the last space: a user
	 * name (not empty) may hold spaces, a digest never does. */
	if (len < SSTEP_CRAMMD5_HEX_LEN + 2 ||
	    response[len - SSTEP_CRAMMD5_HEX_LEN - 1] != ' ') {
		set_why(why, "not \"user SP digest\"");
		return SASLSTEP_BADPROT;
	}
	n = len - SSTEP_CRAMMD5_HEX_LEN - 1;
	if (n > SSTEP_NAME_MAX) {
		set_why(why, "user name too long");
		return SASLSTEP_BADPROT;
	}
	for (i = 0; i < n; i++) {
		/* NUL or control bytes would also corrupt log lines. */
		if ((unsigned char)response[i] < 0x20 ||
		    (unsigned char)response[i] == 0x7f) {
			set_why(
			    why, "control character or NUL in the user name");
			return SASLSTEP_BADPROT;
		}
	}
	hex = response + n + 1;
	for (i = 0; i < SSTEP_CRAMMD5_DIGEST_LEN; i++) {
		/* RFC 2195 s. 2: "hexadecimal format, using lower-case
		 * ASCII characters". */
		hi = hex_lower((unsigned char)hex[2 * i]);
		lo = hex_lower((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			sstep_wipe(digest, SSTEP_CRAMMD5_DIGEST_LEN);
			set_why(why, "digest is not 32 lower-case hex digits");
			return SASLSTEP_BADPROT;
		}
		digest[i] = (unsigned char)((hi << 4) | lo);
	}
	*user = response;
	*userlen = n;
	return SASLSTEP_OK;
}

int
sstep_crammd5_cred_make(const char *password, size_t passlen,
    struct sstep_cred *c, const char **why)
{
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	char *prep = NULL;
	size_t preplen = 0;
	int r;

	memset(c, 0, sizeof(*c));
	/* The key is the password as SCRAM stores it (RFC 4013, stored
	 * string), so one password means the same for every mechanism. */
	if ((r = sstep_saslprep(password, passlen, SSTEP_SASLPREP_STORED, &prep,
	         &preplen, why)) != SASLSTEP_OK)
		return r;
	if (preplen == 0) {
		/* RFC 4616 s. 2 (for every mechanism here): an empty
		 * prepared password never verifies. */
		r = SASLSTEP_BADPARAM;
		set_why(why, "the password is empty after SASLprep");
		goto out;
	}
	if ((r = sstep_crammd5_context_make(prep, preplen, ctx)) !=
	    SASLSTEP_OK) {
		set_why(why, "the hash function failed");
		goto out;
	}
	r = sstep_crammd5_cred_from_context(ctx, c, why);
out:
	if (r != SASLSTEP_OK)
		sstep_cred_clear(c);
	sstep_wipe(ctx, sizeof(ctx));
	sstep_freezero(prep, preplen + 1);
	return r;
}

int
sstep_crammd5_cred_from_context(
    const unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN], struct sstep_cred *c,
    const char **why)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->family, SSTEP_CRAMMD5_FAMILY, sizeof(SSTEP_CRAMMD5_FAMILY));
	if ((c->params = strdup(SSTEP_CRAMMD5_PARAMS)) == NULL ||
	    (c->secret = malloc(SSTEP_CRAMMD5_CONTEXT_LEN)) == NULL) {
		sstep_cred_clear(c);
		set_why(why, "out of memory");
		return SASLSTEP_NOMEM;
	}
	memcpy(c->secret, ctx, SSTEP_CRAMMD5_CONTEXT_LEN);
	c->secret_len = SSTEP_CRAMMD5_CONTEXT_LEN;
	return SASLSTEP_OK;
}

int
sstep_crammd5_cred_parse(const struct sstep_cred *c,
    unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN], const char **why)
{
	if (strcmp(c->family, SSTEP_CRAMMD5_FAMILY) != 0 || c->secret == NULL ||
	    c->secret_len != SSTEP_CRAMMD5_CONTEXT_LEN || c->params == NULL ||
	    strcmp(c->params, SSTEP_CRAMMD5_PARAMS) != 0) {
		set_why(why, "malformed CRAM-MD5 credential");
		return SASLSTEP_BADPARAM;
	}
	memcpy(ctx, c->secret, SSTEP_CRAMMD5_CONTEXT_LEN);
	return SASLSTEP_OK;
}

/* ---------------------------------------------------------------------- */
/* The mechanism: server                                                   */
/* ---------------------------------------------------------------------- */

enum crammd5_server_state {
	CRAMMD5_S_START,    /* nothing sent yet */
	CRAMMD5_S_RESPONSE, /* challenge sent */
	CRAMMD5_S_DONE
};

struct crammd5_server {
	enum crammd5_server_state state;
	char *challenge; /* NUL-terminated */
	size_t challengelen;
};

static int
crammd5_server_new(struct sstep_conn *conn, void **state)
{
	struct crammd5_server *s;

	(void)conn;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SASLSTEP_NOMEM;
	s->state = CRAMMD5_S_START;
	*state = s;
	return SASLSTEP_OK;
}

static void
crammd5_server_free(struct sstep_conn *conn, void *state)
{
	struct crammd5_server *s = state;

	(void)conn;
	if (s == NULL)
		return;
	free(s->challenge);
	sstep_freezero(s, sizeof(*s));
}

/* Only what an msg-id's domain part may hold; anything else is replaced. */
static void
local_hostname(char out[HOSTNAME_MAX + 1])
{
	size_t i, n;
	int ok;

	/* gethostname(), not a DNS look-up: this runs inside sshd, and the
	 * name only has to make the challenge unique (RFC 2195 s. 2). */
	ok = gethostname(out, HOSTNAME_MAX) == 0;
	out[HOSTNAME_MAX] = '\0';
	n = ok ? strlen(out) : 0;
	for (i = 0; i < n && ok; i++) {
		ok = (out[i] >= 'a' && out[i] <= 'z') ||
		     (out[i] >= 'A' && out[i] <= 'Z') ||
		     (out[i] >= '0' && out[i] <= '9') || out[i] == '.' ||
		     out[i] == '-';
	}
	if (!ok || n == 0)
		snprintf(out, HOSTNAME_MAX + 1, "localhost");
}

/* Step 1: send <random.timestamp@hostname> (RFC 2195 s. 2). */
static int
crammd5_server_challenge(struct sstep_conn *conn, struct crammd5_server *s)
{
	char host[HOSTNAME_MAX + 1];
	unsigned char rnd[8];
	unsigned long long v = 0;
	size_t i;
	int n, r;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return sstep_fail(
		    conn, SASLSTEP_FAIL, "CRAM-MD5: no random bytes");
	for (i = 0; i < sizeof(rnd); i++)
		v = (v << 8) | rnd[i];
	local_hostname(host);
	n = asprintf(
	    &s->challenge, "<%llu.%lld@%s>", v, (long long)sstep_now(), host);
	if (n < 0) {
		s->challenge = NULL;
		return sstep_fail(conn, SASLSTEP_NOMEM, "out of memory");
	}
	s->challengelen = (size_t)n;
	if ((r = sstep_out(conn, s->challenge, s->challengelen)) != SASLSTEP_OK)
		return sstep_fail(conn, r, "out of memory");
	s->state = CRAMMD5_S_RESPONSE;
	return SASLSTEP_CONTINUE;
}

/*
 * The contexts to check against: the user's, or, for an unknown or locked
 * user or one without CRAM-MD5, stable fake ones derived from the store's
 * secret, so that the work done is the same.  *why is NULL for a real
 * credential.
 */
static int
server_context(struct sstep_conn *conn, const char *user,
    struct sstep_cred *cred, unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN],
    const char **why)
{
	saslstep_store_t *st = sstep_conn_store(conn);
	struct sstep_user u;
	int r;

	*why = NULL;
	memset(&u, 0, sizeof(u));
	r = sstep_store_user_get(st, user, &u);
	if (r == SASLSTEP_NOUSER)
		*why = "unknown user";
	else if (r != SASLSTEP_OK)
		return r;
	else if (u.locked)
		*why = "locked user";
	else {
		r = sstep_store_cred_get(st, user, SSTEP_CRAMMD5_FAMILY, cred);
		if (r == SASLSTEP_NOUSER)
			*why = "no CRAM-MD5 credential for user";
		else if (r != SASLSTEP_OK)
			return r;
		else if (sstep_crammd5_cred_parse(cred, ctx, NULL) !=
		         SASLSTEP_OK)
			*why = "the stored CRAM-MD5 credential is malformed "
			       "for user";
		else
			return SASLSTEP_OK;
	}
	return sstep_store_fake(st, SSTEP_CRAMMD5_FAMILY, user, ctx);
}

/* Step 2: check "user SP digest". */
static int
crammd5_server_response(struct sstep_conn *conn, struct crammd5_server *s,
    const char *in, size_t inlen)
{
	struct sstep_cred cred;
	unsigned char got[SSTEP_CRAMMD5_DIGEST_LEN];
	unsigned char want[SSTEP_CRAMMD5_DIGEST_LEN];
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	char user[SSTEP_NAME_MAX + 1];
	const char *name, *why = NULL, *fake = NULL;
	size_t namelen;
	int r;

	memset(&cred, 0, sizeof(cred));
	memset(ctx, 0, sizeof(ctx));
	memset(want, 0, sizeof(want));
	if (sstep_crammd5_response_parse(
	        in, inlen, &name, &namelen, got, &why) != SASLSTEP_OK) {
		r = sstep_fail(conn, SASLSTEP_BADPROT,
		    "malformed CRAM-MD5 response: %s", why);
		goto out;
	}
	memcpy(user, name, namelen);
	user[namelen] = '\0';
	if ((r = server_context(conn, user, &cred, ctx, &fake)) !=
	    SASLSTEP_OK) {
		r = sstep_fail(
		    conn, r, "%s", sstep_store_error(sstep_conn_store(conn)));
		goto out;
	}
	if ((r = sstep_crammd5_digest(
	         ctx, s->challenge, s->challengelen, want)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "CRAM-MD5: the hash function failed");
		goto out;
	}
	if (!sstep_secret_eq(got, want, sizeof(want)) || fake != NULL) {
		r = sstep_fail(conn, SASLSTEP_BADAUTH, "CRAM-MD5: %s %s",
		    fake != NULL ? fake : "wrong password for", user);
		goto out;
	}
	if ((r = sstep_conn_set_username(conn, user, namelen)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "out of memory");
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sstep_cred_clear(&cred);
	sstep_wipe(got, sizeof(got));
	sstep_wipe(want, sizeof(want));
	sstep_wipe(ctx, sizeof(ctx));
	return r;
}

static int
crammd5_server_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct crammd5_server *s = state;
	int r;

	switch (s->state) {
	case CRAMMD5_S_START:
		/* RFC 2195 s. 2: the server speaks first. */
		if (in != NULL && inlen != 0) {
			s->state = CRAMMD5_S_DONE;
			return sstep_fail(conn, SASLSTEP_BADPROT,
			    "CRAM-MD5: initial response from the client");
		}
		r = crammd5_server_challenge(conn, s);
		break;
	case CRAMMD5_S_RESPONSE:
		r = crammd5_server_response(conn, s, in, inlen);
		break;
	default:
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "CRAM-MD5: message after the end of the exchange");
	}
	if (r != SASLSTEP_CONTINUE)
		s->state = CRAMMD5_S_DONE;
	return r;
}

/* ---------------------------------------------------------------------- */
/* The mechanism: client                                                   */
/* ---------------------------------------------------------------------- */

enum crammd5_client_state {
	CRAMMD5_C_START,     /* nothing to send: the server speaks first */
	CRAMMD5_C_CHALLENGE, /* answer the challenge */
	CRAMMD5_C_FINAL,     /* the server's (empty) success data */
	CRAMMD5_C_DONE
};

struct crammd5_client {
	enum crammd5_client_state state;
};

static int
crammd5_client_new(struct sstep_conn *conn, void **state)
{
	struct crammd5_client *c;

	(void)conn;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SASLSTEP_NOMEM;
	c->state = CRAMMD5_C_START;
	*state = c;
	return SASLSTEP_OK;
}

static void
crammd5_client_free(struct sstep_conn *conn, void *state)
{
	(void)conn;
	/* Nothing secret is kept between steps. */
	sstep_freezero(state, sizeof(struct crammd5_client));
}

/* An RFC 822 msg-id as RFC 2195 s. 2 asks: "<" printable ASCII ">". */
static int
challenge_ok(const char *in, size_t inlen)
{
	size_t i;

	if (inlen < 3 || inlen > CHALLENGE_MAX || in[0] != '<' ||
	    in[inlen - 1] != '>')
		return 0;
	for (i = 1; i + 1 < inlen; i++) {
		if ((unsigned char)in[i] <= 0x20 ||
		    (unsigned char)in[i] >= 0x7f || in[i] == '<' ||
		    in[i] == '>')
			return 0;
	}
	return 1;
}

/* Step 2: "user SP hex(HMAC-MD5(SASLprep(password), challenge))". */
static int
crammd5_client_challenge(struct sstep_conn *conn, struct crammd5_client *c,
    const char *in, size_t inlen)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	unsigned char digest[SSTEP_CRAMMD5_DIGEST_LEN];
	char hex[SSTEP_CRAMMD5_HEX_LEN + 1];
	const char *user, *pass, *why = NULL;
	char *prep = NULL, *msg = NULL;
	size_t userlen = 0, passlen = 0, preplen = 0, i;
	int r, ru, rp;

	memset(ctx, 0, sizeof(ctx));
	memset(digest, 0, sizeof(digest));
	memset(hex, 0, sizeof(hex));
	if (!challenge_ok(in, inlen)) {
		r = sstep_fail(conn, SASLSTEP_BADPROT,
		    "CRAM-MD5: the challenge is not an RFC 822 msg-id");
		goto out;
	}
	/* Both in one round, so a person is asked once. */
	ru = sstep_need(conn, SASLSTEP_CB_AUTHNAME, NULL,
	    "Authentication name: ", &user, &userlen);
	rp = sstep_need(
	    conn, SASLSTEP_CB_PASS, NULL, CRAMMD5_PROMPT, &pass, &passlen);
	if (ru != SASLSTEP_OK || rp != SASLSTEP_OK) {
		r = ru != SASLSTEP_OK ? ru : rp;
		goto out; /* INTERACT: state unchanged */
	}
	if (userlen == 0 || userlen > SSTEP_NAME_MAX ||
	    memchr(user, '\0', userlen) != NULL) {
		r = sstep_fail(conn, SASLSTEP_BADPARAM,
		    "CRAM-MD5: empty, over-long or NUL-holding user name");
		goto out;
	}
	if (passlen > PASSWORD_MAX) {
		r = sstep_fail(
		    conn, SASLSTEP_BADPARAM, "CRAM-MD5: password too long");
		goto out;
	}
	/* A query string (RFC 4013 s. 2; unassigned code points allowed),
	 * as GNU SASL's client does: the server's contexts are of the
	 * stored-string preparation of the same password. */
	if ((r = sstep_saslprep(pass, passlen, 0, &prep, &preplen, &why)) !=
	    SASLSTEP_OK) {
		r = sstep_fail(conn,
		    r == SASLSTEP_NOMEM ? r : SASLSTEP_BADPARAM,
		    "CRAM-MD5: the password %s",
		    why != NULL ? why : "fails SASLprep");
		goto out;
	}
	if (preplen == 0) {
		r = sstep_fail(conn, SASLSTEP_BADPARAM,
		    "CRAM-MD5: the password is empty after SASLprep");
		goto out;
	}
	if ((r = sstep_crammd5_context_make(prep, preplen, ctx)) !=
	        SASLSTEP_OK ||
	    (r = sstep_crammd5_digest(ctx, in, inlen, digest)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "CRAM-MD5: the hash function failed");
		goto out;
	}
	for (i = 0; i < sizeof(digest); i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 0x0f];
	}
	if ((msg = malloc(userlen + 1 + SSTEP_CRAMMD5_HEX_LEN)) == NULL) {
		r = SASLSTEP_NOMEM;
		goto out;
	}
	memcpy(msg, user, userlen);
	msg[userlen] = ' ';
	memcpy(msg + userlen + 1, hex, SSTEP_CRAMMD5_HEX_LEN);
	if ((r = sstep_out(conn, msg, userlen + 1 + SSTEP_CRAMMD5_HEX_LEN)) !=
	    SASLSTEP_OK)
		goto out;
	c->state = CRAMMD5_C_FINAL;
	r = SASLSTEP_CONTINUE;
out:
	sstep_freezero(msg, userlen + 1 + SSTEP_CRAMMD5_HEX_LEN);
	sstep_freezero(prep, preplen + 1);
	sstep_wipe(ctx, sizeof(ctx));
	sstep_wipe(digest, sizeof(digest));
	sstep_wipe(hex, sizeof(hex));
	return r;
}

static int
crammd5_client_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct crammd5_client *c = state;

	switch (c->state) {
	case CRAMMD5_C_START:
		/* Server-first: no initial response (RFC 2195 s. 2). */
		c->state = CRAMMD5_C_CHALLENGE;
		return SASLSTEP_CONTINUE;
	case CRAMMD5_C_CHALLENGE:
		return crammd5_client_challenge(
		    conn, c, in == NULL ? "" : in, inlen);
	case CRAMMD5_C_FINAL:
		/* The server sends no data with its success. */
		c->state = CRAMMD5_C_DONE;
		if (inlen != 0)
			return sstep_fail(conn, SASLSTEP_BADPROT,
			    "CRAM-MD5: unexpected data after success");
		return SASLSTEP_OK;
	case CRAMMD5_C_DONE:
		break;
	}
	return sstep_fail(conn, SASLSTEP_BADPARAM,
	    "CRAM-MD5: step after the end of the exchange");
}

static const struct sstep_mech_funcs crammd5_funcs = {
    crammd5_client_new,
    crammd5_client_step,
    crammd5_client_free,
    crammd5_server_new,
    crammd5_server_step,
    crammd5_server_free,
};

const struct sstep_mech sstep_mech_crammd5 = {
    "CRAM-MD5",
    SSTEP_CRAMMD5_FAMILY,
    0,
    NULL,
    &crammd5_funcs,
};

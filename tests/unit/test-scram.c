/*
 * test-scram.c: SCRAM-SHA-1 (RFC 5802), SCRAM-SHA-256 (RFC 7677),
 * SCRAM-SHA-512 (draft) and SASLprep (RFC 4013).  Verifier vectors and
 * notations first, then whole exchanges through the public API against a
 * real SQLite store in a temporary directory: the RFC exchanges byte for
 * byte, right and wrong passwords, every malformed-message class, the
 * server's signature, unknown users.  An independent SCRAM computation
 * (OpenSSL's PBKDF2 and HMAC directly) checks SCRAM-SHA-512, which has no
 * published vector, and the y GS2 flag.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "store.h"
#include "saslprep.h"
#include "scram.h"
#include "check.h"
#include "tmpstore.h"

/* ../shared/vectors.md: RFC 5802 s. 5 and RFC 7677 s. 3. */
static const struct exchange {
	enum sstep_scram_alg alg;
	const char *mech;
	const char *cnonce, *snonce, *salt;
	const char *client_first, *server_first, *client_final, *server_final;
	const char *stored_key, *server_key;
} vectors[] = {
    {SSTEP_SCRAM_SHA1, "SCRAM-SHA-1", "fyko+d2lbbFgONRv9qkxdawL",
        "3rfcNHYJY1ZVvWVs7j", "QSXCR+Q6sek8bf92",
        "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
        "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,"
        "i=4096",
        "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,"
        "p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
        "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", "6dlGYMOdZcOPutkcNY8U2g7vK9Y=",
        "D+CSWLOshSulAsxiupA+qs2/fTE="},
    {SSTEP_SCRAM_SHA256, "SCRAM-SHA-256", "rOprNGfwEbeRWgbNEkqO",
        "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
        "W22ZaJ0SNY7soEsUEjb6gQ==", "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
        "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
        "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
        "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU="},
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static const char pg_vector[] = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
                                "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
                                "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

/* Made by `gsasl --mkpasswd --mechanism SCRAM-SHA-1 --password pencil
 * --iteration-count 4096` (GNU SASL 2.2.0). */
static const char gsasl_vector[] =
    "{SCRAM-SHA-1}4096,9RgSN8AyUtxcbFPx,Nc8YnCGEbW45elkoOkZzzvGBOpE=,"
    "Doi0hvftMC+veynBqM8YTjJS/PI=";

/* Bytes of a message just past the 4096 the mechanism accepts. */
#define SCRAM_TEST_BIG 4200

static const enum sstep_scram_alg algs[] = {
    SSTEP_SCRAM_SHA1, SSTEP_SCRAM_SHA256, SSTEP_SCRAM_SHA512};
static const char *const mechs[] = {
    "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-512"};

/* Base64 of n bytes into a static buffer (tests only). */
static const char *
b64(const unsigned char *p, size_t n)
{
	static char buf[256];
	char *s = NULL;
	size_t len = 0;

	buf[0] = '\0';
	if (sstep_base64_encode(p, n, &s, &len) == SASLSTEP_OK &&
	    len < sizeof(buf))
		memcpy(buf, s, len + 1);
	free(s);
	return buf;
}

/* Decode base64 s into out; the length, or 0. */
static size_t
unb64(const char *s, unsigned char *out, size_t max)
{
	unsigned char *p = NULL;
	size_t n = 0;

	if (sstep_base64_decode(s, strlen(s), &p, &n) != SASLSTEP_OK || n > max)
		n = 0;
	else
		memcpy(out, p, n);
	free(p);
	return n;
}

static struct sstep_scram_verifier
make_verifier(
    enum sstep_scram_alg alg, const char *pass, const char *salt, unsigned iter)
{
	struct sstep_scram_verifier v;
	unsigned char s[64];
	size_t n = unb64(salt, s, sizeof(s));
	const char *why = NULL;

	memset(&v, 0, sizeof(v));
	CHECK_INT(sstep_scram_verifier_make(
	              alg, pass, strlen(pass), iter, s, n, &v, &why),
	    SASLSTEP_OK);
	return v;
}

/* ---------------------------------------------------------------------- */
/* Verifiers and notations                                                 */
/* ---------------------------------------------------------------------- */

static void
test_verifiers(void)
{
	struct sstep_scram_verifier v, w;
	struct sstep_cred c;
	const struct exchange *x;
	unsigned char salt[4] = {1, 2, 3, 4};
	char *text = NULL;
	const char *why;
	size_t i, len = 0, k;

	for (i = 0; i < NVECTORS; i++) {
		x = &vectors[i];
		k = sstep_scram_alg_keylen(x->alg);
		v = make_verifier(x->alg, "pencil", x->salt, 4096);
		CHECK(strcmp(b64(v.stored_key, k), x->stored_key) == 0);
		CHECK(strcmp(b64(v.server_key, k), x->server_key) == 0);
		/* To the store's layout and back. */
		CHECK_INT(sstep_scram_cred_make(&v, &c), SASLSTEP_OK);
		CHECK(strcmp(c.family,
		          i == 0 ? "scram-sha-1" : "scram-sha-256") == 0);
		CHECK(c.params != NULL && strncmp(c.params, "4096 ", 5) == 0 &&
		      strcmp(c.params + 5, x->salt) == 0);
		CHECK_INT(c.secret_len, 2 * k);
		CHECK_INT(c.counter, 0);
		CHECK_INT(sstep_scram_cred_parse(&c, &w, NULL), SASLSTEP_OK);
		CHECK(memcmp(&v, &w, sizeof(v)) == 0);
		sstep_cred_clear(&c);
	}
	/* PostgreSQL / RFC 5803 notation, both ways. */
	v = make_verifier(SSTEP_SCRAM_SHA256, "pencil", vectors[1].salt, 4096);
	CHECK_INT(sstep_scram_verifier_format(&v, &text, &len), SASLSTEP_OK);
	CHECK_MEM(text, len, pg_vector);
	sstep_free_str(text);
	CHECK_INT(
	    sstep_scram_verifier_parse(pg_vector, strlen(pg_vector), &w, NULL),
	    SASLSTEP_OK);
	CHECK(memcmp(&v, &w, sizeof(v)) == 0);
	/* Dovecot / gsasl notation. */
	v = make_verifier(SSTEP_SCRAM_SHA1, "pencil", "9RgSN8AyUtxcbFPx", 4096);
	CHECK_INT(sstep_scram_verifier_parse(
	              gsasl_vector, strlen(gsasl_vector), &w, NULL),
	    SASLSTEP_OK);
	CHECK(memcmp(&v, &w, sizeof(v)) == 0);
	CHECK_INT(sstep_scram_verifier_format(&w, &text, &len), SASLSTEP_OK);
	CHECK_MEM(text, len,
	    "SCRAM-SHA-1$4096:9RgSN8AyUtxcbFPx$Nc8YnCGEbW45elkoOkZzzvGBOpE=:"
	    "Doi0hvftMC+veynBqM8YTjJS/PI=");
	sstep_free_str(text);

	/* Malformed notations. */
	{
		static const char *const bad[] = {
		    "",
		    "SCRAM-SHA-256",
		    "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=",
		    /* 4095 iterations, leading zero, not a number */
		    "SCRAM-SHA-256$4095:W22ZaJ0SNY7soEsUEjb6gQ==$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
		    "SCRAM-SHA-256$04096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
		    "SCRAM-SHA-256$x:W22ZaJ0SNY7soEsUEjb6gQ==$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
		    /* empty salt, key of the wrong length, bad base64 */
		    "SCRAM-SHA-256$4096:$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
		    "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		    "6dlGYMOdZcOPutkcNY8U2g7vK9Y=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
		    "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ=$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
		    /* a field too many */
		    "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$"
		    "WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:"
		    "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=:AAAA",
		    "{SCRAM-SHA-1}4096,9RgSN8AyUtxcbFPx,"
		    "Nc8YnCGEbW45elkoOkZzzvGBOpE=",
		    "{SCRAM-SHA-1}4096,9RgSN8AyUtxcbFPx,"
		    "Nc8YnCGEbW45elkoOkZzzvGBOpE=,Doi0hvftMC+veynBqM8YTjJS/PI=,"
		    "00112233",
		    "{SCRAM-SHA-1 4096,9RgSN8AyUtxcbFPx,"
		    "Nc8YnCGEbW45elkoOkZzzvGBOpE=,Doi0hvftMC+veynBqM8YTjJS/PI=",
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			why = NULL;
			CHECK_INT(sstep_scram_verifier_parse(
			              bad[i], strlen(bad[i]), &w, &why),
			    SASLSTEP_BADPARAM);
			CHECK(why != NULL);
		}
	}
	why = NULL;
	CHECK_INT(sstep_scram_verifier_parse(
	              "SCRAM-SHA-384$4096:AAAA$AAAA:AAAA", 33, &w, &why),
	    SASLSTEP_BADVERS);
	CHECK(why != NULL);
	/* A NUL in the text, and only len bytes are read. */
	CHECK_INT(sstep_scram_verifier_parse(
	              pg_vector, strlen(pg_vector) - 1, &w, NULL),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_scram_verifier_parse("SCRAM-SHA-256$4096\0", 19, &w, NULL),
	    SASLSTEP_BADPARAM);

	/* verifier_make refusals, each with a reason. */
	{
		static const struct {
			enum sstep_scram_alg alg;
			const char *pass;
			size_t passlen, saltlen;
			unsigned iter;
			int want;
			const char *why;
		} t[] = {
		    {SSTEP_SCRAM_SHA256, "pencil", 6, 4, 4095,
		        SASLSTEP_BADPARAM, "iteration"},
		    {SSTEP_SCRAM_SHA256, "pencil", 6, 0, 4096,
		        SASLSTEP_BADPARAM, "salt"},
		    {SSTEP_SCRAM_SHA256, "", 0, 4, 4096, SASLSTEP_BADPARAM,
		        "empty"},
		    {(enum sstep_scram_alg)9, "pencil", 6, 4, 4096,
		        SASLSTEP_BADVERS, "algorithm"},
		    /* Prohibited (U+0007), NUL, not UTF-8. */
		    {SSTEP_SCRAM_SHA256, "pen\acil", 7, 4, 4096,
		        SASLSTEP_BADPARAM, "prohibited"},
		    {SSTEP_SCRAM_SHA256, "pen\0cil", 7, 4, 4096,
		        SASLSTEP_BADPARAM, "NUL"},
		    {SSTEP_SCRAM_SHA256, "pen\xff", 4, 4, 4096,
		        SASLSTEP_BADPARAM, "UTF-8"},
		};

		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			why = NULL;
			CHECK_INT(sstep_scram_verifier_make(t[i].alg, t[i].pass,
			              t[i].passlen, t[i].iter, salt,
			              t[i].saltlen, &v, &why),
			    t[i].want);
			CHECK(why != NULL && strstr(why, t[i].why) != NULL);
		}
	}
	/* The names. */
	CHECK(strcmp(sstep_scram_alg_name(SSTEP_SCRAM_SHA512),
	          "SCRAM-SHA-512") == 0);
	CHECK(strcmp(sstep_scram_alg_family(SSTEP_SCRAM_SHA1), "scram-sha-1") ==
	      0);
	{
		enum sstep_scram_alg a = SSTEP_SCRAM_SHA1;

		CHECK_INT(sstep_scram_alg_parse("scram-sha-512", 13, &a),
		    SASLSTEP_OK);
		CHECK_INT(a, SSTEP_SCRAM_SHA512);
		CHECK_INT(sstep_scram_alg_parse("SCRAM-SHA-256-PLUS", 18, &a),
		    SASLSTEP_BADVERS);
	}
}

/* RFC 4013 s. 3 examples, and what the profile refuses. */
static void
test_saslprep(void)
{
	static const struct {
		const char *in, *out;
		unsigned flags;
		int want;
	} t[] = {
	    {"I\xc2\xadX", "IX", 0, SASLSTEP_OK},   /* soft hyphen */
	    {"user", "user", 0, SASLSTEP_OK},       /* no transformation */
	    {"USER", "USER", 0, SASLSTEP_OK},       /* case preserved */
	    {"\xc2\xaa", "a", 0, SASLSTEP_OK},      /* NFKC */
	    {"\xe2\x85\xa8", "IX", 0, SASLSTEP_OK}, /* NFKC */
	    {"\x07", NULL, 0, SASLSTEP_BADPARAM},   /* prohibited */
	    {"\xd8\xa7"
	     "1",
	        NULL, 0, SASLSTEP_BADPARAM}, /* bidi */
	    {"a\xc2\xa0"
	     "b",
	        "a b", 0, SASLSTEP_OK}, /* non-ASCII space */
	    {"a\xe2\x80\x83"
	     "b",
	        "a b", 0, SASLSTEP_OK}, /* em space */
	    /* U+0221 is unassigned in Unicode 3.2 (RFC 3454 table A.1). */
	    {"a\xc8\xa1", "a\xc8\xa1", 0, SASLSTEP_OK},
	    {"a\xc8\xa1", NULL, SSTEP_SASLPREP_STORED, SASLSTEP_BADPARAM},
	    /* Not UTF-8: a lone byte, an over-long NUL, a surrogate. */
	    {"\xff", NULL, 0, SASLSTEP_BADPARAM},
	    {"\xc0\x80", NULL, 0, SASLSTEP_BADPARAM},
	    {"\xed\xa0\x80", NULL, 0, SASLSTEP_BADPARAM},
	    {"", "", SSTEP_SASLPREP_STORED, SASLSTEP_OK},
	};
	char *out = NULL;
	const char *why;
	size_t i, n = 0;
	int r;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why = NULL;
		r = sstep_saslprep(
		    t[i].in, strlen(t[i].in), t[i].flags, &out, &n, &why);
		CHECK_INT(r, t[i].want);
		if (r == SASLSTEP_OK) {
			CHECK_MEM(out, n, t[i].out);
			sstep_freezero(out, n + 1);
		} else {
			CHECK(out == NULL && why != NULL);
			if (out == NULL && why != NULL)
				CHECK(strncmp(why, "SASLprep", 8) == 0);
		}
	}
	/* NUL inside, and only len bytes read. */
	CHECK_INT(
	    sstep_saslprep("a\0b", 3, 0, &out, &n, NULL), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_saslprep("abc", 2, 0, &out, &n, NULL), SASLSTEP_OK);
	CHECK_MEM(out, n, "ab");
	sstep_freezero(out, n + 1);
	/* Expansion past the input's size: U+FDFA is 18 code points. */
	CHECK_INT(
	    sstep_saslprep("\xef\xb7\xba\xef\xb7\xba", 6, 0, &out, &n, NULL),
	    SASLSTEP_OK);
	CHECK(n > 60);
	sstep_freezero(out, n + 1);
}

/* ---------------------------------------------------------------------- */
/* Exchanges                                                               */
/* ---------------------------------------------------------------------- */

/* Store a verifier for user with a given salt (base64). */
static void
put(saslstep_store_t *st, const char *user, enum sstep_scram_alg alg,
    const char *pass, const char *salt, unsigned iter)
{
	struct sstep_scram_verifier v = make_verifier(alg, pass, salt, iter);
	struct sstep_cred c;

	CHECK_INT(sstep_scram_cred_make(&v, &c), SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_put(st, user, &c), SASLSTEP_OK);
	sstep_cred_clear(&c);
	sstep_scram_verifier_clear(&v);
}

/* What the store holds for (user, family), as text, for "nothing
 * changed" checks. */
static const char *
snapshot(saslstep_store_t *st, const char *user, const char *family, char *buf,
    size_t size)
{
	struct sstep_cred c;

	memset(&c, 0, sizeof(c));
	snprintf(buf, size, "none");
	if (sstep_store_cred_get(st, user, family, &c) == SASLSTEP_OK) {
		snprintf(buf, size, "%s|%s|%lld|%lld", c.params,
		    b64(c.secret, c.secret_len), (long long)c.counter,
		    (long long)c.version);
		sstep_cred_clear(&c);
	}
	return buf;
}

/* One side's last message, copied (the library's buffer dies at the next
 * call). */
struct msg {
	char s[SCRAM_TEST_BIG + 1];
	unsigned len;
	int r;
};

static void
keep(struct msg *m, int r, const char *out, unsigned outlen)
{
	m->r = r;
	m->len = 0;
	m->s[0] = '\0';
	if (out != NULL && outlen < sizeof(m->s)) {
		memcpy(m->s, out, outlen);
		m->s[outlen] = '\0';
		m->len = outlen;
	}
}

static saslstep_conn_t *
client_open(
    const char *mech, const char *user, const char *pass, struct msg *first)
{
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *out = NULL, *chosen = NULL;
	unsigned outlen = 0;
	int r;

	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	if (user != NULL)
		CHECK_INT(saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, user),
		    SASLSTEP_OK);
	if (pass != NULL)
		CHECK_INT(saslstep_setprop(cli, SASLSTEP_PROP_PASS, pass),
		    SASLSTEP_OK);
	r = saslstep_client_start(cli, mech, &prompts, &out, &outlen, &chosen);
	keep(first, r, out, outlen);
	if (r == SASLSTEP_CONTINUE)
		CHECK(chosen != NULL && strcmp(chosen, mech) == 0);
	return cli;
}

static int
client_next(saslstep_conn_t *cli, const char *in, size_t inlen, struct msg *m)
{
	saslstep_interact_t *prompts = NULL;
	const char *out = NULL;
	unsigned outlen = 0;
	int r;

	r = saslstep_client_step(
	    cli, in, (unsigned)inlen, &prompts, &out, &outlen);
	keep(m, r, out, outlen);
	if (r != SASLSTEP_OK && r != SASLSTEP_CONTINUE)
		CHECK(out == NULL && outlen == 0);
	return r;
}

static char last_errstr[512];

static int
server_next(saslstep_conn_t *srv, const char *mech, const char *in,
    size_t inlen, struct msg *m)
{
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 0;
	int r;

	if (mech != NULL)
		r = saslstep_server_start(
		    srv, mech, in, (unsigned)inlen, &out, &outlen, &errstr);
	else
		r = saslstep_server_step(
		    srv, in, (unsigned)inlen, &out, &outlen, &errstr);
	keep(m, r, out, outlen);
	snprintf(last_errstr, sizeof(last_errstr), "%s",
	    errstr == NULL ? "" : errstr);
	if (r != SASLSTEP_OK && r != SASLSTEP_CONTINUE)
		CHECK(errstr != NULL);
	return r;
}

/*
 * A whole login with mech; returns the first failing code, or the
 * client's last code (SASLSTEP_OK when both sides agree).
 */
static int
login(
    saslstep_store_t *st, const char *mech, const char *user, const char *pass)
{
	saslstep_conn_t *cli, *srv = NULL;
	struct msg c, s;
	const char *who = NULL;
	int r;

	cli = client_open(mech, user, pass, &c);
	if ((r = c.r) != SASLSTEP_CONTINUE)
		goto out;
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	if ((r = server_next(srv, mech, c.s, c.len, &s)) != SASLSTEP_CONTINUE)
		goto out;
	if ((r = client_next(cli, s.s, s.len, &c)) != SASLSTEP_CONTINUE)
		goto out;
	if ((r = server_next(srv, NULL, c.s, c.len, &s)) != SASLSTEP_OK)
		goto out;
	CHECK_INT(
	    saslstep_getprop(srv, SASLSTEP_PROP_USERNAME, &who), SASLSTEP_OK);
	CHECK(who != NULL);
	r = client_next(cli, s.s, s.len, &c);
	CHECK_INT(c.len, 0);
out:
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
	return r;
}

/* The RFC exchanges, byte for byte. */
static void
test_rfc_exchanges(saslstep_store_t *st)
{
	saslstep_conn_t *cli, *srv = NULL;
	struct msg c, s;
	const char *who = NULL;
	size_t i;

	for (i = 0; i < NVECTORS; i++) {
		const struct exchange *x = &vectors[i];

		put(st, "user", x->alg, "pencil", x->salt, 4096);
		sstep_scram_test_nonce(x->cnonce);
		cli = client_open(x->mech, "user", "pencil", &c);
		CHECK_INT(c.r, SASLSTEP_CONTINUE);
		CHECK_MEM(c.s, c.len, x->client_first);
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		sstep_scram_test_nonce(x->snonce);
		CHECK_INT(server_next(srv, x->mech, c.s, c.len, &s),
		    SASLSTEP_CONTINUE);
		CHECK_MEM(s.s, s.len, x->server_first);
		CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_CONTINUE);
		CHECK_MEM(c.s, c.len, x->client_final);
		CHECK_INT(server_next(srv, NULL, c.s, c.len, &s), SASLSTEP_OK);
		CHECK_MEM(s.s, s.len, x->server_final);
		CHECK_INT(saslstep_getprop(srv, SASLSTEP_PROP_USERNAME, &who),
		    SASLSTEP_OK);
		CHECK(who != NULL && strcmp(who, "user") == 0);
		CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_OK);
		CHECK_INT(c.len, 0);
		/* Nothing after the end. */
		CHECK_INT(client_next(cli, "", 0, &c), SASLSTEP_BADPARAM);
		saslstep_dispose(&cli);
		saslstep_dispose(&srv);

		/* The client alone against the RFC's server messages. */
		sstep_scram_test_nonce(x->cnonce);
		cli = client_open(x->mech, "user", "pencil", &c);
		CHECK_INT(client_next(cli, x->server_first,
		              strlen(x->server_first), &c),
		    SASLSTEP_CONTINUE);
		CHECK_MEM(c.s, c.len, x->client_final);
		CHECK_INT(client_next(cli, x->server_final,
		              strlen(x->server_final), &c),
		    SASLSTEP_OK);
		saslstep_dispose(&cli);

		/* The server alone against the RFC's client messages. */
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		sstep_scram_test_nonce(x->snonce);
		CHECK_INT(server_next(srv, x->mech, x->client_first,
		              strlen(x->client_first), &s),
		    SASLSTEP_CONTINUE);
		CHECK_MEM(s.s, s.len, x->server_first);
		CHECK_INT(server_next(srv, NULL, x->client_final,
		              strlen(x->client_final), &s),
		    SASLSTEP_OK);
		CHECK_MEM(s.s, s.len, x->server_final);
		saslstep_dispose(&srv);
	}
	/* The server without an initial response asks for one. */
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    server_next(srv, "SCRAM-SHA-1", NULL, 0, &s), SASLSTEP_CONTINUE);
	CHECK_INT(s.len, 0);
	sstep_scram_test_nonce(vectors[0].snonce);
	CHECK_INT(server_next(srv, NULL, vectors[0].client_first,
	              strlen(vectors[0].client_first), &s),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(s.s, s.len, vectors[0].server_first);
	saslstep_dispose(&srv);
}

/*
 * An independent SCRAM client computation (RFC 5802 s. 3) with OpenSSL
 * alone: the proof and the server signature for auth, base64.
 */
static void
independent(const EVP_MD *md, const char *pass, const unsigned char *salt,
    size_t saltlen, unsigned iter, const char *auth, char *proof, char *sig,
    unsigned char *stored_out, unsigned char *server_out)
{
	unsigned char salted[64], ck[64], sk[64], stored[64], csig[64];
	unsigned char ssig[64];
	unsigned len = 0, k = (unsigned)EVP_MD_get_size(md), i;

	CHECK_INT(PKCS5_PBKDF2_HMAC(pass, (int)strlen(pass), salt, (int)saltlen,
	              (int)iter, md, (int)k, salted),
	    1);
	HMAC(md, salted, (int)k, (const unsigned char *)"Client Key", 10, ck,
	    &len);
	HMAC(md, salted, (int)k, (const unsigned char *)"Server Key", 10, sk,
	    &len);
	EVP_Digest(ck, k, stored, &len, md, NULL);
	HMAC(md, stored, (int)k, (const unsigned char *)auth, strlen(auth),
	    csig, &len);
	HMAC(md, sk, (int)k, (const unsigned char *)auth, strlen(auth), ssig,
	    &len);
	for (i = 0; i < k; i++)
		ck[i] ^= csig[i];
	if (proof != NULL)
		strcpy(proof, b64(ck, k));
	if (sig != NULL)
		strcpy(sig, b64(ssig, k));
	if (stored_out != NULL)
		memcpy(stored_out, stored, k);
	if (server_out != NULL)
		memcpy(server_out, sk, k);
}

/* SCRAM-SHA-512 (no RFC vector): the verifier, and a whole exchange
 * made by the independent computation; also the y GS2 flag. */
static void
test_sha512_independent(saslstep_store_t *st)
{
	static const unsigned char salt16[] = "sixteen byte slt";
	struct sstep_scram_verifier v;
	unsigned char stored[64], server[64];
	char auth[4 * SCRAM_TEST_BIG], proof[128], sig[128];
	char msg[4 * SCRAM_TEST_BIG], sf[SCRAM_TEST_BIG + 1];
	saslstep_conn_t *srv = NULL;
	struct msg s;
	const char *why = NULL;
	size_t i;

	CHECK_INT(sstep_scram_verifier_make(SSTEP_SCRAM_SHA512, "pencil", 6,
	              5000, salt16, 16, &v, &why),
	    SASLSTEP_OK);
	independent(EVP_sha512(), "pencil", salt16, 16, 5000, "", NULL, NULL,
	    stored, server);
	CHECK(memcmp(v.stored_key, stored, 64) == 0);
	CHECK(memcmp(v.server_key, server, 64) == 0);
	sstep_scram_verifier_clear(&v);
	put(st, "sha512", SSTEP_SCRAM_SHA512, "pencil", b64(salt16, 16), 5000);

	for (i = 0; i < 2; i++) {
		/* i == 0: "n,,"; i == 1: "y,," (RFC 5802 s. 6: the client
		 * could bind but believes the server cannot, which holds). */
		const char *gs2 = i == 0 ? "n,," : "y,,";
		const char *mech = i == 0 ? "SCRAM-SHA-512" : "SCRAM-SHA-256";
		const EVP_MD *md = i == 0 ? EVP_sha512() : EVP_sha256();
		const char *user = i == 0 ? "sha512" : "user";
		unsigned char sb[64];
		size_t sblen = 0;
		char *salt, *iter;

		snprintf(msg, sizeof(msg), "%sn=%s,r=abcdef", gs2, user);
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		CHECK_INT(server_next(srv, mech, msg, strlen(msg), &s),
		    SASLSTEP_CONTINUE);
		/* sf: "r=<nonce>", then the salt between ",s=" and ",i=". */
		snprintf(sf, sizeof(sf), "%s", s.s);
		salt = strstr(sf, ",s=");
		iter = salt == NULL ? NULL : strstr(salt, ",i=");
		CHECK(strncmp(sf, "r=abcdef", 8) == 0 && iter != NULL);
		if (iter == NULL)
			break;
		*salt = *iter = '\0';
		sblen = unb64(salt + 3, sb, sizeof(sb));
		CHECK(sblen > 0);
		snprintf(auth, sizeof(auth), "n=%s,r=abcdef,%s,c=%s,%s", user,
		    s.s, i == 0 ? "biws" : "eSws", sf);
		independent(md, "pencil", sb, sblen, i == 0 ? 5000 : 4096, auth,
		    proof, sig, NULL, NULL);
		snprintf(msg, sizeof(msg), "c=%s,%s,p=%s",
		    i == 0 ? "biws" : "eSws", sf, proof);
		CHECK_INT(
		    server_next(srv, NULL, msg, strlen(msg), &s), SASLSTEP_OK);
		CHECK(s.len > 2 && strncmp(s.s, "v=", 2) == 0 &&
		      strcmp(s.s + 2, sig) == 0);
		saslstep_dispose(&srv);
	}
}

/* Right and wrong passwords, for each digest. */
static void
test_passwords(saslstep_store_t *st)
{
	char before[512], after[512];
	const char *why = NULL;
	size_t i;

	for (i = 0; i < 3; i++) {
		CHECK_INT(sstep_scram_enrol(st, "alice", algs[i],
		              "correct horse", 13, 4096, &why),
		    SASLSTEP_OK);
		snapshot(st, "alice", sstep_scram_alg_family(algs[i]), before,
		    sizeof(before));
		CHECK_INT(
		    login(st, mechs[i], "alice", "correct horse"), SASLSTEP_OK);
		CHECK_INT(login(st, mechs[i], "alice", "correct horsE"),
		    SASLSTEP_BADAUTH);
		CHECK(strstr(last_errstr, "wrong password") != NULL);
		CHECK_INT(login(st, mechs[i], "alice", "x"), SASLSTEP_BADAUTH);
		snapshot(st, "alice", sstep_scram_alg_family(algs[i]), after,
		    sizeof(after));
		CHECK(strcmp(before, after) == 0);
	}
	/* PLAIN's check: the "scram-sha-256" verifier. */
	CHECK_INT(
	    sstep_scram_check_password(st, "alice", "correct horse", 13, &why),
	    SASLSTEP_OK);
	why = NULL;
	CHECK_INT(
	    sstep_scram_check_password(st, "alice", "correct horsE", 13, &why),
	    SASLSTEP_BADAUTH);
	CHECK(why != NULL && strstr(why, "wrong password") != NULL);
	/* Only passlen bytes count. */
	CHECK_INT(
	    sstep_scram_check_password(st, "alice", "correct horse!", 13, &why),
	    SASLSTEP_OK);
	why = NULL;
	CHECK_INT(
	    sstep_scram_check_password(st, "nobody", "correct horse", 13, &why),
	    SASLSTEP_BADAUTH);
	CHECK(why != NULL && strstr(why, "unknown user") != NULL);
	CHECK_INT(sstep_scram_check_password(st, "alice", "pen\acil", 7, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_scram_check_password(st, "user", "pencil", 6, &why),
	    SASLSTEP_OK);
	/* A user with a SHA-256 verifier only: SHA-1 fails like a stranger. */
	CHECK_INT(sstep_scram_enrol(st, "only256", SSTEP_SCRAM_SHA256, "pw pw",
	              5, 4096, &why),
	    SASLSTEP_OK);
	CHECK_INT(login(st, "SCRAM-SHA-256", "only256", "pw pw"), SASLSTEP_OK);
	CHECK_INT(
	    login(st, "SCRAM-SHA-1", "only256", "pw pw"), SASLSTEP_BADAUTH);
	CHECK(strstr(last_errstr, "no SCRAM verifier") != NULL);
}

/* RFC 4013 through the whole exchange: the password is SASLprep'ed on
 * both the verifier's side and the client's. */
static void
test_saslprep_logins(saslstep_store_t *st)
{
	const char *why = NULL;
	saslstep_conn_t *cli;
	struct msg c;

	CHECK_INT(sstep_scram_enrol(st, "bob", SSTEP_SCRAM_SHA256, "pass word",
	              9, 4096, &why),
	    SASLSTEP_OK);
	CHECK_INT(
	    login(st, "SCRAM-SHA-256", "bob", "pass\xc2\xa0word"), SASLSTEP_OK);
	CHECK_INT(login(st, "SCRAM-SHA-256", "bob", "pass word"), SASLSTEP_OK);
	CHECK_INT(
	    login(st, "SCRAM-SHA-256", "bob", "password"), SASLSTEP_BADAUTH);
	CHECK_INT(sstep_scram_enrol(st, "carol", SSTEP_SCRAM_SHA256, "password",
	              8, 4096, &why),
	    SASLSTEP_OK);
	CHECK_INT(login(st, "SCRAM-SHA-256", "carol", "pass\xc2\xadword"),
	    SASLSTEP_OK);
	CHECK_INT(sstep_scram_check_password(
	              st, "carol", "pass\xc2\xadword", 10, &why),
	    SASLSTEP_OK);
	/* A prohibited character: the client refuses, sending nothing. */
	sstep_scram_test_nonce(vectors[1].cnonce);
	cli = client_open("SCRAM-SHA-256", "carol", "pass\aword", &c);
	CHECK_INT(client_next(cli, vectors[1].server_first,
	              strlen(vectors[1].server_first), &c),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
	/* User names are SASLprep'ed too (query strings): a soft hyphen in
	 * the name maps to nothing on the client. */
	CHECK_INT(login(st, "SCRAM-SHA-256", "ca\xc2\xadrol", "password"),
	    SASLSTEP_OK);
	cli = client_open("SCRAM-SHA-256", "ca\x01rol", "password", &c);
	CHECK_INT(c.r, SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
}

/* The client's names: escaping, authzid, INTERACT. */
static void
test_names(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *out = NULL, *mech = NULL, *why = NULL;
	unsigned outlen = 0;
	struct msg c, s;
	int r;

	/* RFC 5802 s. 5.1: ',' and '=' as =2C and =3D. */
	CHECK_INT(sstep_scram_enrol(
	              st, "a,b=c", SSTEP_SCRAM_SHA256, "pw1234", 6, 4096, &why),
	    SASLSTEP_OK);
	sstep_scram_test_nonce("nonce");
	cli = client_open("SCRAM-SHA-256", "a,b=c", "pw1234", &c);
	CHECK_MEM(c.s, c.len, "n,,n=a=2Cb=3Dc,r=nonce");
	saslstep_dispose(&cli);
	CHECK_INT(login(st, "SCRAM-SHA-256", "a,b=c", "pw1234"), SASLSTEP_OK);

	/* authzid: the same name is fine, another is proxy authorization. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "a,b=c");
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHZID, "a,b=c");
	saslstep_setprop(cli, SASLSTEP_PROP_PASS, "pw1234");
	sstep_scram_test_nonce("nonce");
	r = saslstep_client_start(
	    cli, "SCRAM-SHA-256", &prompts, &out, &outlen, &mech);
	keep(&c, r, out, outlen);
	CHECK_MEM(c.s, c.len, "n,a=a=2Cb=3Dc,n=a=2Cb=3Dc,r=nonce");
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(server_next(srv, "SCRAM-SHA-256", c.s, c.len, &s),
	    SASLSTEP_CONTINUE);
	CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_CONTINUE);
	CHECK(strncmp(c.s, "c=bixhPWE9MkNiPTNEYyw=,", 23) == 0);
	CHECK_INT(server_next(srv, NULL, c.s, c.len, &s), SASLSTEP_OK);
	CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_OK);
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    server_next(srv, "SCRAM-SHA-256", "n,a=root,n=user,r=abc", 21, &s),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(last_errstr, "another user") != NULL);
	saslstep_dispose(&srv);

	/* The longest name, every byte escaped, as authcid and authzid:
	 * messages well past 1 KiB. */
	{
		char longname[SSTEP_NAME_MAX + 2];

		memset(longname, ',', SSTEP_NAME_MAX);
		longname[0] = '=';
		longname[SSTEP_NAME_MAX] = '\0';
		CHECK_INT(sstep_scram_enrol(st, longname, SSTEP_SCRAM_SHA256,
		              "pw1234", 6, 4096, &why),
		    SASLSTEP_OK);
		CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
		saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, longname);
		saslstep_setprop(cli, SASLSTEP_PROP_AUTHZID, longname);
		saslstep_setprop(cli, SASLSTEP_PROP_PASS, "pw1234");
		r = saslstep_client_start(
		    cli, "SCRAM-SHA-256", &prompts, &out, &outlen, &mech);
		keep(&c, r, out, outlen);
		CHECK_INT(r, SASLSTEP_CONTINUE);
		CHECK(c.len > 6 * SSTEP_NAME_MAX);
		CHECK(strncmp(c.s, "n,a==3D=2C=2C", 13) == 0);
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		CHECK_INT(server_next(srv, "SCRAM-SHA-256", c.s, c.len, &s),
		    SASLSTEP_CONTINUE);
		CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_CONTINUE);
		CHECK(c.len > 4 * SSTEP_NAME_MAX);
		CHECK_INT(server_next(srv, NULL, c.s, c.len, &s), SASLSTEP_OK);
		CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_OK);
		saslstep_dispose(&cli);
		saslstep_dispose(&srv);
		/* One byte more is refused by the client. */
		longname[SSTEP_NAME_MAX] = 'x';
		longname[SSTEP_NAME_MAX + 1] = '\0';
		cli = client_open("SCRAM-SHA-256", longname, "pw1234", &c);
		CHECK_INT(c.r, SASLSTEP_BADPARAM);
		saslstep_dispose(&cli);
	}
	/* A name no store can hold fails like an unknown one, at the end. */
	CHECK_INT(
	    login(st, "SCRAM-SHA-256", "a:b", "pw1234"), SASLSTEP_BADAUTH);
	CHECK(strstr(last_errstr, "unknown user") != NULL);

	/* INTERACT: the name at the start, the password at the challenge. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	r = saslstep_client_start(
	    cli, "SCRAM-SHA-256", &prompts, &out, &outlen, &mech);
	CHECK_INT(r, SASLSTEP_INTERACT);
	CHECK(prompts != NULL && prompts[0].id == SASLSTEP_CB_AUTHNAME &&
	      prompts[1].id == SASLSTEP_CB_LIST_END);
	if (prompts != NULL) {
		prompts[0].result = "user";
		prompts[0].len = 4;
	}
	sstep_scram_test_nonce(vectors[1].cnonce);
	r = saslstep_client_start(
	    cli, "SCRAM-SHA-256", &prompts, &out, &outlen, &mech);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	CHECK_MEM(out, outlen, vectors[1].client_first);
	r = saslstep_client_step(cli, vectors[1].server_first,
	    (unsigned)strlen(vectors[1].server_first), &prompts, &out, &outlen);
	CHECK_INT(r, SASLSTEP_INTERACT);
	CHECK(prompts != NULL && prompts[0].id == SASLSTEP_CB_PASS);
	if (prompts != NULL) {
		prompts[0].result = "pencil";
		prompts[0].len = 6;
	}
	r = saslstep_client_step(cli, vectors[1].server_first,
	    (unsigned)strlen(vectors[1].server_first), &prompts, &out, &outlen);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	CHECK_MEM(out, outlen, vectors[1].client_final);
	saslstep_dispose(&cli);
}

/* The client's last step: v= checked, e= and the rest refused. */
static void
test_server_signature(saslstep_store_t *st)
{
	static const struct {
		const char *final;
		size_t len; /* 0: strlen */
		int want;
	} t[] = {
	    {"", 0, SASLSTEP_BADSERV},
	    {"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", 0,
	        SASLSTEP_BADSERV}, /* SHA-1's */
	    {"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G5=", 0,
	        SASLSTEP_BADSERV},
	    {"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=,x=1", 0,
	        SASLSTEP_OK},
	    {"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=,", 0,
	        SASLSTEP_BADSERV},
	    {"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4", 0,
	        SASLSTEP_BADSERV},
	    {"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=\0", 47,
	        SASLSTEP_BADSERV},
	    {"junk", 0, SASLSTEP_BADSERV},
	    {"x=1,v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", 0,
	        SASLSTEP_BADSERV},
	    {"e=invalid-proof", 0, SASLSTEP_BADAUTH},
	    {"e=other-error,x=y", 0, SASLSTEP_BADAUTH},
	};
	saslstep_conn_t *cli;
	struct msg c;
	size_t i, len;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sstep_scram_test_nonce(vectors[1].cnonce);
		cli = client_open("SCRAM-SHA-256", "user", "pencil", &c);
		CHECK_INT(client_next(cli, vectors[1].server_first,
		              strlen(vectors[1].server_first), &c),
		    SASLSTEP_CONTINUE);
		len = t[i].len != 0 ? t[i].len : strlen(t[i].final);
		CHECK_INT(client_next(cli, t[i].final, len, &c), t[i].want);
		CHECK_INT(c.len, 0);
		saslstep_dispose(&cli);
	}
	/* A whole login whose v= is tampered with on the way. */
	{
		saslstep_conn_t *srv = NULL;
		struct msg s;

		cli = client_open("SCRAM-SHA-1", "user", "pencil", &c);
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		CHECK_INT(server_next(srv, "SCRAM-SHA-1", c.s, c.len, &s),
		    SASLSTEP_CONTINUE);
		CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_CONTINUE);
		CHECK_INT(server_next(srv, NULL, c.s, c.len, &s), SASLSTEP_OK);
		s.s[3] = s.s[3] == 'A' ? 'B' : 'A';
		CHECK_INT(client_next(cli, s.s, s.len, &c), SASLSTEP_BADSERV);
		saslstep_dispose(&cli);
		saslstep_dispose(&srv);
	}
}

/* Malformed client messages: BADPROT, and the credential unchanged. */
static void
test_server_refusals(saslstep_store_t *st)
{
	static const char *const first[] = {
	    "",                           /* empty */
	    "x,,n=user,r=abc",            /* bad GS2 flag */
	    "n,n=user,r=abc",             /* GS2 without authzid field */
	    "nn,,n=user,r=abc",           /* bad GS2 header */
	    "n,b=x,n=user,r=abc",         /* not an authzid */
	    "n,a=,n=user,r=abc",          /* empty authzid */
	    "p=tls-unique,,n=user,r=abc", /* channel binding */
	    "n,,m=ext,n=user,r=abc",      /* mandatory extension */
	    "n,,r=abc,n=user",            /* attribute order */
	    "n,,n=user",                  /* missing nonce */
	    "n,,r=abc",                   /* missing user */
	    "n,,n=user,r=abc,m=ext",      /* m= as an extension */
	    "n,,n=user,r=abc,r=def",      /* a repeated attribute */
	    "n,,n=us=2Der,r=abc",         /* bad escape */
	    "n,,n=user=,r=abc",           /* bad escape */
	    "n,,n=us=2cer,r=abc",         /* lower-case escape */
	    "n,,n=,r=abc",                /* empty value */
	    "n,,n=user,r=a b",            /* nonce not printable */
	    "n,,n=user,r=abc,",           /* trailing comma */
	    "n,,n=user,r=abc,junk",       /* junk after the message */
	    "n,,n=user,r=abc,xx=1",       /* extension name of two letters */
	    "n,,n=us\x07"
	    "er,r=abc", /* name fails SASLprep */
	    "n,,n=us\xff"
	    "er,r=abc", /* name not UTF-8 */
	};
	char before[512], after[512], big[SCRAM_TEST_BIG];
	saslstep_conn_t *srv = NULL;
	struct msg s;
	size_t i;

	snapshot(st, "user", "scram-sha-256", before, sizeof(before));
	for (i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		CHECK_INT(server_next(srv, "SCRAM-SHA-256", first[i],
		              strlen(first[i]), &s),
		    SASLSTEP_BADPROT);
		saslstep_dispose(&srv);
	}
	/* Channel binding names its reason. */
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    server_next(srv, "SCRAM-SHA-256", first[6], strlen(first[6]), &s),
	    SASLSTEP_BADPROT);
	CHECK(strstr(last_errstr, "channel binding") != NULL);
	saslstep_dispose(&srv);
	/* A NUL byte, and an over-long message. */
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    server_next(srv, "SCRAM-SHA-256", "n,,n=user,r=abc\0", 16, &s),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&srv);
	memset(big, 'x', sizeof(big));
	memcpy(big, "n,,n=user,r=abc,x=", 18);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(server_next(srv, "SCRAM-SHA-256", big, 4096, &s),
	    SASLSTEP_CONTINUE);
	saslstep_dispose(&srv);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    server_next(srv, "SCRAM-SHA-256", big, 4097, &s), SASLSTEP_BADPROT);
	saslstep_dispose(&srv);

	/* client-final-message: after a good start, with our nonce. */
	{
		static const char *const final[] = {
		    "",
		    "r=abcSN,c=biws,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abcSN",
		    "c=biws,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abcSX,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abc,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=bi!s,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=eSws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biwsAA==,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndV=",
		    "c=biws,r=abcSN,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
		    "c=biws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=,x=1",
		    "c=biws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=,",
		    "c=biws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=junk!",
		    "m=x,c=biws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abcSN,m=x,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abcSN,s=x,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=",
		    "c=biws,r=abcSN,p=dHzbZapWIk4jUhN+"
		    "Ute9ytag9zjfMHgsqmmiz7AndVQ=\0",
		};
		size_t len;

		for (i = 0; i < sizeof(final) / sizeof(final[0]); i++) {
			CHECK_INT(
			    saslstep_server_new("test", st, &srv), SASLSTEP_OK);
			sstep_scram_test_nonce("SN");
			CHECK_INT(server_next(srv, "SCRAM-SHA-256",
			              "n,,n=user,r=abc", 15, &s),
			    SASLSTEP_CONTINUE);
			len = strlen(final[i]);
			if (i == sizeof(final) / sizeof(final[0]) - 1)
				len++; /* the NUL */
			CHECK_INT(server_next(srv, NULL, final[i], len, &s),
			    SASLSTEP_BADPROT);
			/* One try: nothing more on this connection. */
			CHECK_INT(server_next(srv, NULL, "x", 1, &s),
			    SASLSTEP_BADPARAM);
			saslstep_dispose(&srv);
		}
	}
	/* A well-formed proof that is wrong is BADAUTH, not BADPROT; an
	 * extension before p= is ignored. */
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	sstep_scram_test_nonce("SN");
	CHECK_INT(server_next(srv, "SCRAM-SHA-256", "n,,n=user,r=abc", 15, &s),
	    SASLSTEP_CONTINUE);
	{
		static const char ext[] =
		    "c=biws,r=abcSN,x=ext,"
		    "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

		CHECK_INT(server_next(srv, NULL, ext, sizeof(ext) - 1, &s),
		    SASLSTEP_BADAUTH);
	}
	saslstep_dispose(&srv);
	snapshot(st, "user", "scram-sha-256", after, sizeof(after));
	CHECK(strcmp(before, after) == 0);
}

/* A SCRAM-SHA-1 client (RFC 5802's nonce) given server-first-message
 * sf, with SASLSTEP_PROP_ITER_MAX set to itermax unless NULL. */
static int
client_answer(const char *itermax, const char *sf, size_t len, struct msg *c)
{
	saslstep_conn_t *cli;
	int r;

	sstep_scram_test_nonce(vectors[0].cnonce);
	cli = client_open("SCRAM-SHA-1", "user", "pencil", c);
	if (itermax != NULL)
		CHECK_INT(
		    saslstep_setprop(cli, SASLSTEP_PROP_ITER_MAX, itermax),
		    SASLSTEP_OK);
	r = client_next(cli, sf, len, c);
	saslstep_dispose(&cli);
	return r;
}

/* Malformed server messages, refused by the client with BADPROT. */
static void
test_client_refusals(void)
{
#define SF_R "r=fyko+d2lbbFgONRv9qkxdawL3rfc"
#define SF_S "s=QSXCR+Q6sek8bf92"
	static const struct {
		const char *itermax, *sf;
		size_t len; /* 0: strlen */
		int want;
	} t[] = {
	    {NULL, "", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S, 0, SASLSTEP_BADPROT},           /* no i= */
	    {NULL, SF_R ",i=4096", 0, SASLSTEP_BADPROT},          /* no s= */
	    {NULL, SF_S "," SF_R ",i=4096", 0, SASLSTEP_BADPROT}, /* order */
	    {NULL, "m=x," SF_R "," SF_S ",i=4096", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=4096,m=x", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=4096,i=4096", 0, SASLSTEP_BADPROT},
	    /* nonce: not ours, ours unextended, not printable */
	    {NULL, "r=XXXX+d2lbbFgONRv9qkxdawL3rfc," SF_S ",i=4096", 0,
	        SASLSTEP_BADPROT},
	    {NULL, "r=fyko+d2lbbFgONRv9qkxdawL," SF_S ",i=4096", 0,
	        SASLSTEP_BADPROT},
	    {NULL, "r=fyko+d2lbbFgONRv9qkxdawL3r c," SF_S ",i=4096", 0,
	        SASLSTEP_BADPROT},
	    /* salt: bad base64, not canonical, empty */
	    {NULL, SF_R ",s=QSXCR+Q6sek8bf9,i=4096", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R ",s=QSXCR+Q6sek8bf9=,i=4096", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R ",s=,i=4096", 0, SASLSTEP_BADPROT},
	    /* iterations: too few, too many, not a number */
	    {NULL, SF_R "," SF_S ",i=4095", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=100001", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=04096", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=-4096", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=99999999999", 0, SASLSTEP_BADPROT},
	    /* junk, NUL, an error where the challenge should be */
	    {NULL, SF_R "," SF_S ",i=4096,", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=4096 ", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=4096,junk", 0, SASLSTEP_BADPROT},
	    {NULL, SF_R "," SF_S ",i=4096\0", 57, SASLSTEP_BADPROT},
	    {NULL, "e=other-error", 0, SASLSTEP_BADPROT},
	    /* An extension after i= is ignored. */
	    {NULL, SF_R "," SF_S ",i=4096,x=1", 0, SASLSTEP_CONTINUE},
	    /* SASLSTEP_PROP_ITER_MAX raises or lowers the ceiling; 4096
	     * stays the floor. */
	    {"100001", SF_R "," SF_S ",i=100001", 0, SASLSTEP_CONTINUE},
	    {"4096", SF_R "," SF_S ",i=4096", 0, SASLSTEP_CONTINUE},
	    {"4096", SF_R "," SF_S ",i=4097", 0, SASLSTEP_BADPROT},
	    {"4000", SF_R "," SF_S ",i=4096", 0, SASLSTEP_BADPROT},
	    {"lots", SF_R "," SF_S ",i=4096", 0, SASLSTEP_BADPARAM},
	};
	char big[SCRAM_TEST_BIG];
	struct msg c;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK_INT(client_answer(t[i].itermax, t[i].sf,
		              t[i].len != 0 ? t[i].len : strlen(t[i].sf), &c),
		    t[i].want);
	/* Over-long. */
	memset(big, 'x', sizeof(big));
	memcpy(big, SF_R "," SF_S ",i=4096,x=", 59);
	CHECK_INT(client_answer(NULL, big, 4096, &c), SASLSTEP_CONTINUE);
	CHECK_INT(client_answer(NULL, big, 4097, &c), SASLSTEP_BADPROT);
	/* The RFC's message under a ceiling of exactly 4096. */
	CHECK_INT(client_answer("4096", vectors[0].server_first,
	              strlen(vectors[0].server_first), &c),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(c.s, c.len, vectors[0].client_final);
	sstep_scram_test_nonce(NULL);
#undef SF_R
#undef SF_S
}

/* Unknown, locked and key-less users: a stable fake salt, 4096
 * iterations, the same flow, and BADAUTH at the proof. */
static void
test_fake(saslstep_store_t *st)
{
	char first[3][SCRAM_TEST_BIG + 1];
	const char *why = NULL, *salt;
	saslstep_conn_t *srv = NULL;
	struct msg s;
	size_t i;

	for (i = 0; i < 3; i++) {
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
		CHECK_INT(server_next(srv, "SCRAM-SHA-256",
		              i < 2 ? "n,,n=nobody,r=abc" : "n,,n=other,r=abc",
		              i < 2 ? 17 : 16, &s),
		    SASLSTEP_CONTINUE);
		snprintf(first[i], sizeof(first[i]), "%s", s.s);
		saslstep_dispose(&srv);
	}
	/* Same shape as a real one; the salt stays, the nonce does not. */
	salt = strstr(first[0], ",s=");
	CHECK(salt != NULL && strcmp(salt, strstr(first[1], ",s=")) == 0);
	CHECK(strcmp(first[0], first[1]) != 0);
	CHECK(salt != NULL && strlen(salt) == 3 + 24 + 7 &&
	      strcmp(salt + 27, ",i=4096") == 0);
	CHECK(strcmp(salt, strstr(first[2], ",s=")) != 0);
	CHECK_INT(
	    login(st, "SCRAM-SHA-256", "nobody", "pencil"), SASLSTEP_BADAUTH);
	CHECK(strstr(last_errstr, "unknown user") != NULL);

	/* Locked: the real salt is not shown, the right password fails. */
	CHECK_INT(sstep_scram_enrol(st, "locked", SSTEP_SCRAM_SHA256, "pencil",
	              6, 4096, &why),
	    SASLSTEP_OK);
	CHECK_INT(login(st, "SCRAM-SHA-256", "locked", "pencil"), SASLSTEP_OK);
	CHECK_INT(sstep_store_user_set_locked(st, "locked", 1), SASLSTEP_OK);
	CHECK_INT(
	    login(st, "SCRAM-SHA-256", "locked", "pencil"), SASLSTEP_BADAUTH);
	CHECK(strstr(last_errstr, "locked") != NULL);
	CHECK_INT(sstep_scram_check_password(st, "locked", "pencil", 6, &why),
	    SASLSTEP_BADAUTH);
	CHECK(why != NULL && strstr(why, "locked") != NULL);
	/* A user without any verifier. */
	CHECK_INT(sstep_store_user_add(st, "nokeys"), SASLSTEP_OK);
	CHECK_INT(
	    login(st, "SCRAM-SHA-512", "nokeys", "pencil"), SASLSTEP_BADAUTH);
	/* Malformed from an unknown user is malformed all the same. */
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    server_next(srv, "SCRAM-SHA-256", "n,,n=nobody,r=abc", 17, &s),
	    SASLSTEP_CONTINUE);
	CHECK_INT(
	    server_next(srv, NULL, "c=biws,r=abc", 12, &s), SASLSTEP_BADPROT);
	saslstep_dispose(&srv);
}

int
main(void)
{
	saslstep_store_t *st = NULL;

	test_verifiers();
	test_saslprep();
	test_client_refusals();
	CHECK_INT(tmpstore_open("test-scram", &st), SASLSTEP_OK);
	if (st != NULL) {
		test_rfc_exchanges(st);
		test_sha512_independent(st);
		test_passwords(st);
		test_saslprep_logins(st);
		test_names(st);
		test_server_signature(st);
		test_server_refusals(st);
		test_fake(st);
		sstep_store_close(st);
		tmpstore_remove();
	}
	return check_done("test-scram");
}

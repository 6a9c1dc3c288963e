/*
 * test-crammd5.c: CRAM-MD5 (RFC 2195).  The RFC's example byte for byte,
 * the server's HMAC from stored contexts against OpenSSL's HMAC, then
 * whole exchanges through the public API against a SQLite store in a
 * temporary directory: success, wrong password, unknown, locked and
 * CRAM-less users, every malformed-message class (BADPROT, nothing
 * changed) and the client's refusals.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "store.h"
#include "scram.h"
#include "crammd5.h"
#include "check.h"
#include "tmpstore.h"

/* RFC 2195 s. 2, the example. */
#define RFC_CHALLENGE "<1896.697170952@postoffice.reston.mci.net>"
#define RFC_USER      "tim"
#define RFC_PASS      "tanstaaftanstaaf"
#define RFC_DIGEST    "b913a602c7eda7a495b4e6e7334d3890"
#define RFC_RESPONSE  RFC_USER " " RFC_DIGEST

static void
to_hex(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static void
test_vector(void)
{
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	unsigned char d[SSTEP_CRAMMD5_DIGEST_LEN];
	char hex[2 * SSTEP_CRAMMD5_DIGEST_LEN + 1];
	const char *user = NULL, *why = NULL;
	size_t userlen = 0;

	CHECK_INT(sstep_crammd5_context_make(RFC_PASS, strlen(RFC_PASS), ctx),
	    SASLSTEP_OK);
	CHECK_INT(
	    sstep_crammd5_digest(ctx, RFC_CHALLENGE, strlen(RFC_CHALLENGE), d),
	    SASLSTEP_OK);
	to_hex(d, sizeof(d), hex);
	CHECK_MEM(hex, strlen(hex), RFC_DIGEST);

	/* The RFC's response parses into the user and that digest. */
	memset(d, 0xff, sizeof(d));
	CHECK_INT(sstep_crammd5_response_parse(RFC_RESPONSE,
	              strlen(RFC_RESPONSE), &user, &userlen, d, &why),
	    SASLSTEP_OK);
	CHECK_MEM(user, userlen, RFC_USER);
	to_hex(d, sizeof(d), hex);
	CHECK_MEM(hex, strlen(hex), RFC_DIGEST);
}

/* The digest from contexts equals HMAC-MD5 with the key, for keys around
 * the block size (a key above 64 bytes is hashed first, RFC 2104 s. 2). */
static void
test_against_hmac(void)
{
	static const size_t keylens[] = {0, 1, 16, 63, 64, 65, 200};
	unsigned char key[200], text[300];
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	unsigned char d[SSTEP_CRAMMD5_DIGEST_LEN], want[EVP_MAX_MD_SIZE];
	unsigned int wantlen = 0;
	size_t i, k, textlen;

	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)(i * 7 + 3);
	for (i = 0; i < sizeof(text); i++)
		text[i] = (unsigned char)(i * 13 + 1);
	for (k = 0; k < sizeof(keylens) / sizeof(keylens[0]); k++) {
		for (textlen = 0; textlen <= sizeof(text); textlen += 50) {
			CHECK_INT(
			    sstep_crammd5_context_make(key, keylens[k], ctx),
			    SASLSTEP_OK);
			CHECK_INT(sstep_crammd5_digest(ctx, text, textlen, d),
			    SASLSTEP_OK);
			CHECK(HMAC(EVP_md5(), key, (int)keylens[k], text,
			          textlen, want, &wantlen) != NULL);
			CHECK_INT(wantlen, SSTEP_CRAMMD5_DIGEST_LEN);
			CHECK(memcmp(d, want, sizeof(d)) == 0);
		}
	}
}

static int
parse_rc(const char *s, size_t len)
{
	unsigned char d[SSTEP_CRAMMD5_DIGEST_LEN];
	const char *user = NULL, *why = NULL;
	size_t userlen = 0;
	int r;

	r = sstep_crammd5_response_parse(s, len, &user, &userlen, d, &why);
	CHECK(r == SASLSTEP_OK || (why != NULL && user == NULL));
	return r;
}

#define PARSE_RC(lit) parse_rc(lit, sizeof(lit) - 1)

static void
test_parse(void)
{
	CHECK_INT(PARSE_RC(RFC_RESPONSE), SASLSTEP_OK);
	/* A user name may hold spaces: the digest follows the last one. */
	CHECK_INT(PARSE_RC("tim smith " RFC_DIGEST), SASLSTEP_OK);
	CHECK_INT(PARSE_RC(""), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC(RFC_DIGEST), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC(" " RFC_DIGEST), SASLSTEP_BADPROT); /* no user */
	CHECK_INT(PARSE_RC("tim\t" RFC_DIGEST), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC("tim B913A602C7EDA7A495B4E6E7334D3890"),
	    SASLSTEP_BADPROT); /* RFC 2195 s. 2: lower case */
	CHECK_INT(
	    PARSE_RC("tim b913a602c7eda7a495b4e6e7334d389"), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC("tim b913a602c7eda7a495b4e6e7334d38900"),
	    SASLSTEP_BADPROT);
	CHECK_INT(
	    PARSE_RC("tim b913a602c7eda7a495b4e6e7334d389g"), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC(RFC_RESPONSE "\n"), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC(RFC_RESPONSE "\0"), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC("t\0m " RFC_DIGEST), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC("t\x1bm " RFC_DIGEST), SASLSTEP_BADPROT);
	CHECK_INT(PARSE_RC("t\x7fm " RFC_DIGEST), SASLSTEP_BADPROT);
}

/* ---------------------------------------------------------------------- */
/* Exchanges through the public API against a SQLite store                 */
/* ---------------------------------------------------------------------- */

/* Store a CRAM-MD5 credential for user, as `saslstep passwd --cram-md5`
 * does. */
static void
enrol(saslstep_store_t *st, const char *user, const char *pass)
{
	struct sstep_cred c;
	const char *why = NULL;

	CHECK_INT(
	    sstep_crammd5_cred_make(pass, strlen(pass), &c, &why), SASLSTEP_OK);
	CHECK_MEM(c.family, strlen(c.family), "cram-md5");
	CHECK_MEM(c.params, strlen(c.params), "hmac-md5");
	CHECK_INT(c.secret_len, SSTEP_CRAMMD5_CONTEXT_LEN);
	CHECK_INT(sstep_store_cred_put(st, user, &c), SASLSTEP_OK);
	sstep_cred_clear(&c);
}

/* Start a server and copy its challenge into chal. */
static void
server_open(
    saslstep_store_t *st, saslstep_conn_t **srv, char *chal, size_t chalsize)
{
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 0;

	chal[0] = '\0';
	CHECK_INT(saslstep_server_new("test", st, srv), SASLSTEP_OK);
	CHECK_INT(saslstep_server_start(
	              *srv, "CRAM-MD5", NULL, 0, &out, &outlen, &errstr),
	    SASLSTEP_CONTINUE);
	if (out != NULL && outlen < chalsize) {
		memcpy(chal, out, outlen);
		chal[outlen] = '\0';
	}
}

/* Give a server one response; its code, and its errstr copied. */
static int
server_answer(saslstep_conn_t *srv, const char *resp, size_t len, char *err,
    size_t errsize)
{
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 99;
	int r;

	r = saslstep_server_step(
	    srv, resp, (unsigned)len, &out, &outlen, &errstr);
	if (r == SASLSTEP_OK)
		CHECK_INT(outlen, 0);
	snprintf(err, errsize, "%s", errstr != NULL ? errstr : "");
	return r;
}

/*
 * A client with user and pass set, started and stepped with chal: its
 * response goes into resp.  Returns the step's code.
 */
static int
client_answer(saslstep_conn_t **cli, const char *user, const char *pass,
    const char *chal, size_t challen, char *resp, size_t respsize)
{
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *mech = NULL;
	unsigned coutlen = 99;
	int r;

	resp[0] = '\0';
	CHECK_INT(saslstep_client_new("test", cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(*cli, SASLSTEP_PROP_AUTHNAME, user), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(*cli, SASLSTEP_PROP_PASS, pass), SASLSTEP_OK);
	/* Server-first: no initial response. */
	CHECK_INT(saslstep_client_start(
	              *cli, "CRAM-MD5", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK(cout == NULL && coutlen == 0);
	CHECK(mech != NULL && strcmp(mech, "CRAM-MD5") == 0);
	r = saslstep_client_step(
	    *cli, chal, (unsigned)challen, &prompts, &cout, &coutlen);
	if (r == SASLSTEP_CONTINUE && coutlen < respsize) {
		memcpy(resp, cout, coutlen);
		resp[coutlen] = '\0';
	}
	return r;
}

/* One whole exchange; the server's errstr is copied into err. */
static int
login(saslstep_store_t *st, const char *user, const char *pass, char *err,
    size_t errsize)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *who = NULL;
	char chal[256], resp[512];
	unsigned coutlen = 0;
	int r;

	err[0] = '\0';
	server_open(st, &srv, chal, sizeof(chal));
	r = client_answer(
	    &cli, user, pass, chal, strlen(chal), resp, sizeof(resp));
	CHECK_INT(r, SASLSTEP_CONTINUE);
	if (r != SASLSTEP_CONTINUE)
		goto out;
	r = server_answer(srv, resp, strlen(resp), err, errsize);
	if (r != SASLSTEP_OK)
		goto out;
	CHECK_INT(
	    saslstep_getprop(srv, SASLSTEP_PROP_USERNAME, &who), SASLSTEP_OK);
	CHECK(who != NULL && strcmp(who, user) == 0);
	CHECK_INT(saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen),
	    SASLSTEP_OK);
out:
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
	return r;
}

/* The RFC's client side byte for byte, and the challenge's form. */
static void
test_client_vector(void)
{
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL;
	unsigned coutlen = 0;
	char resp[128];

	CHECK_INT(client_answer(&cli, RFC_USER, RFC_PASS, RFC_CHALLENGE,
	              strlen(RFC_CHALLENGE), resp, sizeof(resp)),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(resp, strlen(resp), RFC_RESPONSE);
	/* The server sends nothing with its success. */
	CHECK_INT(saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen),
	    SASLSTEP_OK);
	saslstep_dispose(&cli);
}

static void
test_login(saslstep_store_t *st)
{
	saslstep_conn_t *srv = NULL;
	char err[512], chal[256];
	size_t n;

	enrol(st, RFC_USER, RFC_PASS);
	CHECK_INT(login(st, RFC_USER, RFC_PASS, err, sizeof(err)), SASLSTEP_OK);

	/* <random.timestamp@host> (RFC 2195 s. 2), new each time. */
	server_open(st, &srv, chal, sizeof(chal));
	n = strlen(chal);
	CHECK(n > 4 && chal[0] == '<' && chal[n - 1] == '>' &&
	      strchr(chal, '.') != NULL && strchr(chal, '@') != NULL);
	saslstep_dispose(&srv);

	CHECK_INT(login(st, RFC_USER, "tanstaaftanstaag", err, sizeof(err)),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(err, "wrong password") != NULL);
	CHECK(strstr(err, RFC_PASS) == NULL);
	/* Long passwords: the key is hashed first (RFC 2104 s. 2). */
	enrol(st, "long",
	    "0123456789012345678901234567890123456789012345678901"
	    "234567890123456789");
	CHECK_INT(login(st, "long",
	              "0123456789012345678901234567890123456789012345678901"
	              "234567890123456789",
	              err, sizeof(err)),
	    SASLSTEP_OK);
}

static void
test_unusable_users(saslstep_store_t *st)
{
	char err[512];
	const char *why = NULL;

	CHECK_INT(
	    login(st, "nobody", RFC_PASS, err, sizeof(err)), SASLSTEP_BADAUTH);
	CHECK(strstr(err, "unknown user") != NULL);

	/* A password but no CRAM-MD5: only `passwd --cram-md5` enables it. */
	CHECK_INT(sstep_scram_enrol(st, "scramonly", SSTEP_SCRAM_SHA256,
	              RFC_PASS, strlen(RFC_PASS), 4096, &why),
	    SASLSTEP_OK);
	CHECK_INT(login(st, "scramonly", RFC_PASS, err, sizeof(err)),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(err, "no CRAM-MD5 credential") != NULL);

	enrol(st, "locked", RFC_PASS);
	CHECK_INT(sstep_store_user_set_locked(st, "locked", 1), SASLSTEP_OK);
	CHECK_INT(
	    login(st, "locked", RFC_PASS, err, sizeof(err)), SASLSTEP_BADAUTH);
	CHECK(strstr(err, "locked user") != NULL);
	CHECK_INT(sstep_store_user_set_locked(st, "locked", 0), SASLSTEP_OK);
	CHECK_INT(login(st, "locked", RFC_PASS, err, sizeof(err)), SASLSTEP_OK);
}

/* Every malformed response: BADPROT, and the credential untouched. */
static void
test_malformed(saslstep_store_t *st)
{
	static const struct {
		const char *msg;
		size_t len;
	} bad[] = {
#define M(lit) {lit, sizeof(lit) - 1}
	    M(""),
	    M("tim"),
	    M(RFC_DIGEST),
	    M(" " RFC_DIGEST),
	    M("tim  "),
	    M("tim\t" RFC_DIGEST),
	    M("tim B913A602C7EDA7A495B4E6E7334D3890"),
	    M("tim b913a602c7eda7a495b4e6e7334d389"),
	    M("tim b913a602c7eda7a495b4e6e7334d38900"),
	    M("tim xb913a602c7eda7a495b4e6e7334d389"),
	    M(RFC_RESPONSE "\r\n"),
	    M(RFC_RESPONSE "\0"),
	    M("\0tim " RFC_DIGEST),
	    M("ti\nm " RFC_DIGEST),
#undef M
	};
	saslstep_conn_t *srv = NULL;
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 0;
	char err[512], chal[256], longname[SSTEP_NAME_MAX + 40];
	long long v = tmpstore_version(st, RFC_USER, "cram-md5");
	size_t i;

	CHECK(v >= 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		server_open(st, &srv, chal, sizeof(chal));
		CHECK_INT(server_answer(
		              srv, bad[i].msg, bad[i].len, err, sizeof(err)),
		    SASLSTEP_BADPROT);
		CHECK(strstr(err, "CRAM-MD5") != NULL);
		/* One message decides: nothing more on this connection. */
		CHECK_INT(server_answer(srv, RFC_RESPONSE, strlen(RFC_RESPONSE),
		              err, sizeof(err)),
		    SASLSTEP_BADPARAM);
		saslstep_dispose(&srv);
	}
	/* A name longer than the store allows. */
	memset(longname, 'a', SSTEP_NAME_MAX + 1);
	memcpy(longname + SSTEP_NAME_MAX + 1, " " RFC_DIGEST, 34);
	server_open(st, &srv, chal, sizeof(chal));
	CHECK_INT(
	    server_answer(srv, longname, SSTEP_NAME_MAX + 34, err, sizeof(err)),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&srv);

	/* Server-first: an initial response is a protocol error. */
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(saslstep_server_start(srv, "CRAM-MD5", RFC_RESPONSE,
	              (unsigned)strlen(RFC_RESPONSE), &out, &outlen, &errstr),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&srv);

	CHECK_INT(tmpstore_version(st, RFC_USER, "cram-md5"), v);
	CHECK_INT(login(st, RFC_USER, RFC_PASS, err, sizeof(err)), SASLSTEP_OK);
}

/* A person answers: one round asks for the name and the password. */
static void
test_interact(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *p = NULL;
	const char *cout = NULL, *mech = NULL;
	unsigned coutlen = 0;
	char chal[256], err[512];
	int i, saw_pass = 0, saw_name = 0;

	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "CRAM-MD5", &p, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	server_open(st, &srv, chal, sizeof(chal));
	CHECK_INT(saslstep_client_step(
	              cli, chal, (unsigned)strlen(chal), &p, &cout, &coutlen),
	    SASLSTEP_INTERACT);
	for (i = 0; p != NULL && p[i].id != SASLSTEP_CB_LIST_END; i++) {
		if (p[i].id == SASLSTEP_CB_PASS) {
			saw_pass++;
			CHECK(strcmp(p[i].prompt, "Password: ") == 0);
			p[i].result = RFC_PASS;
			p[i].len = (unsigned)strlen(RFC_PASS);
		} else if (p[i].id == SASLSTEP_CB_AUTHNAME) {
			saw_name++;
			p[i].result = RFC_USER;
			p[i].len = (unsigned)strlen(RFC_USER);
		}
	}
	CHECK_INT(i, 2);
	CHECK_INT(saw_pass, 1);
	CHECK_INT(saw_name, 1);
	CHECK_INT(saslstep_client_step(
	              cli, chal, (unsigned)strlen(chal), &p, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK_INT(
	    server_answer(srv, cout, coutlen, err, sizeof(err)), SASLSTEP_OK);
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
}

/* SASLprep (RFC 4013): a no-break space is a space, a soft hyphen is
 * nothing; a control character is refused on both sides. */
static void
test_saslprep(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL;
	struct sstep_cred c;
	const char *why = NULL;
	char err[512], resp[256];

	enrol(st, "prep", "pass word");
	CHECK_INT(login(st, "prep", "pass\xc2\xa0word", err, sizeof(err)),
	    SASLSTEP_OK);
	enrol(st, "prep2", "I\xc2\xadX");
	CHECK_INT(login(st, "prep2", "IX", err, sizeof(err)), SASLSTEP_OK);

	CHECK_INT(
	    sstep_crammd5_cred_make("bell\a", 5, &c, &why), SASLSTEP_BADPARAM);
	CHECK(why != NULL);
	CHECK_INT(sstep_crammd5_cred_make("\xc2\xad", 2, &c, &why),
	    SASLSTEP_BADPARAM); /* empty after SASLprep */
	CHECK_INT(sstep_crammd5_cred_make("\xff", 1, &c, &why),
	    SASLSTEP_BADPARAM); /* not UTF-8 */
	CHECK_INT(client_answer(&cli, "prep", "bell\a", RFC_CHALLENGE,
	              strlen(RFC_CHALLENGE), resp, sizeof(resp)),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
}

/* What the client refuses from a server. */
static void
test_client_refusals(void)
{
	static const char *const bad[] = {"", "1896.697170952@host", "<>",
	    "<1896 697@host>", "<abc", "abc>", "<a\x01@b>", "<a<b>",
	    "<a\xc3\xa9@b>"};
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *p = NULL;
	const char *cout = NULL;
	unsigned coutlen = 0;
	char resp[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(client_answer(&cli, RFC_USER, RFC_PASS, bad[i],
		              strlen(bad[i]), resp, sizeof(resp)),
		    SASLSTEP_BADPROT);
		saslstep_dispose(&cli);
	}
	/* Data with the server's success. */
	CHECK_INT(client_answer(&cli, RFC_USER, RFC_PASS, RFC_CHALLENGE,
	              strlen(RFC_CHALLENGE), resp, sizeof(resp)),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(cli, "v=x", 3, &p, &cout, &coutlen),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&cli);
}

int
main(void)
{
	saslstep_store_t *st = NULL;

	test_vector();
	test_against_hmac();
	test_parse();
	test_client_vector();
	test_client_refusals();

	CHECK_INT(tmpstore_open("test-crammd5", &st), SASLSTEP_OK);
	if (st != NULL) {
		test_login(st);
		test_unusable_users(st);
		test_malformed(st);
		test_interact(st);
		test_saslprep(st);
		sstep_store_close(st);
		tmpstore_remove();
	}
	return check_done("test-crammd5");
}

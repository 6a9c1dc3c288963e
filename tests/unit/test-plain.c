/*
 * test-plain.c: PLAIN (RFC 4616).  The RFC's examples (section 4) as
 * parser tests and byte for byte from the client, then whole exchanges
 * through the public API against a SQLite store holding SCRAM-SHA-256
 * verifiers: success, wrong password, unknown, locked and password-less
 * users, proxy authorization refused, every malformed-message class
 * (BADPROT, nothing changed), SASLprep, and the client's refusals.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "store.h"
#include "scram.h"
#include "crammd5.h"
#include "plain.h"
#include "check.h"
#include "tmpstore.h"

/* RFC 4616 s. 4: the two examples' messages. */
#define RFC_MSG1 "\0tim\0tanstaaftanstaaf"
#define RFC_MSG2 "Ursel\0Kurt\0xipj3plmq"
#define LIT(s)   s, sizeof(s) - 1

static void
test_rfc_parse(void)
{
	struct sstep_plain_msg m;
	const char *why = NULL;

	CHECK_INT(sstep_plain_parse(LIT(RFC_MSG1), &m, &why), SASLSTEP_OK);
	CHECK_INT(m.authzidlen, 0);
	CHECK_MEM(m.authcid, m.authcidlen, "tim");
	CHECK_MEM(m.passwd, m.passwdlen, "tanstaaftanstaaf");

	CHECK_INT(sstep_plain_parse(LIT(RFC_MSG2), &m, &why), SASLSTEP_OK);
	CHECK_MEM(m.authzid, m.authzidlen, "Ursel");
	CHECK_MEM(m.authcid, m.authcidlen, "Kurt");
	CHECK_MEM(m.passwd, m.passwdlen, "xipj3plmq");
}

/* Every malformed class of RFC 4616 s. 2's grammar, plus our limits. */
static const struct {
	const char *msg;
	size_t len;
	const char *what;
} malformed[] = {
    {LIT(""), "empty message"},
    {LIT("tim"), "no NUL"},
    {LIT("\0tim"), "one NUL"},
    {LIT("\0tim\0pass\0"), "three NULs"},
    {LIT("\0tim\0pa\0ss"), "NUL in the password"},
    {LIT("\0\0pass"), "empty authcid"},
    {LIT("\0tim\0"), "empty password"},
    {LIT("\0\0"), "all empty"},
    {LIT("\0tim\0\xc0\x80"), "over-long NUL in the password"},
    {LIT("\0tim\0\xed\xa0\x80"), "surrogate in the password"},
    {LIT("\0tim\0\xf5\x80\x80\x80"), "above U+10FFFF"},
    {LIT("\0tim\0pass\xc3"), "truncated UTF-8"},
    {LIT("\0tim\0\xe2\x82"), "truncated 3-byte UTF-8"},
    {LIT("\0t\xffm\0pass"), "not UTF-8 in authcid"},
    {LIT("\x80\0tim\0pass"), "not UTF-8 in authzid"},
    {LIT("\0t\x1bm\0pass"), "control character in authcid"},
    {LIT("a\nb\0tim\0pass"), "control character in authzid"},
    {LIT("\0t\x7fm\0pass"), "DEL in authcid"},
};

static void
test_malformed_parse(void)
{
	struct sstep_plain_msg m;
	const char *why;
	char big[SSTEP_PLAIN_PASS_MAX + SSTEP_NAME_MAX + 16];
	size_t i;

	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		why = NULL;
		if (sstep_plain_parse(malformed[i].msg, malformed[i].len, &m,
		        &why) != SASLSTEP_BADPROT) {
			check_failures++;
			fprintf(stderr, "not BADPROT: %s\n", malformed[i].what);
		}
		check_count++;
		CHECK(why != NULL && m.authcid == NULL && m.passwd == NULL);
	}
	/* Lengths: 256 bytes of a name and 1024 of a password are fine;
	 * one more is not (RFC 4616 s. 2: at least 255 must be). */
	memset(big, 'a', sizeof(big));
	big[0] = '\0';
	big[1 + SSTEP_NAME_MAX] = '\0';
	CHECK_INT(sstep_plain_parse(big, 2 + SSTEP_NAME_MAX + 10, &m, &why),
	    SASLSTEP_OK);
	CHECK_INT(sstep_plain_parse(
	              big, 2 + SSTEP_NAME_MAX + SSTEP_PLAIN_PASS_MAX, &m, &why),
	    SASLSTEP_OK);
	CHECK_INT(sstep_plain_parse(
	              big, 3 + SSTEP_NAME_MAX + SSTEP_PLAIN_PASS_MAX, &m, &why),
	    SASLSTEP_BADPROT);
	memset(big, 'a', sizeof(big));
	big[0] = '\0';
	big[2 + SSTEP_NAME_MAX] = '\0';
	CHECK_INT(sstep_plain_parse(big, 2 + SSTEP_NAME_MAX + 10, &m, &why),
	    SASLSTEP_BADPROT);
	memset(big, 'a', sizeof(big));
	big[SSTEP_NAME_MAX + 1] = '\0';
	big[SSTEP_NAME_MAX + 5] = '\0';
	CHECK_INT(sstep_plain_parse(big, SSTEP_NAME_MAX + 10, &m, &why),
	    SASLSTEP_BADPROT); /* authzid too long */
	/* Every Unicode plane is fine in every field. */
	CHECK_INT(sstep_plain_parse(LIT("\xc3\xa9\0\xe2\x82\xac\0"
	                                "\xf0\x9f\x94\x91\xf4\x8f\xbf\xbf"),
	              &m, &why),
	    SASLSTEP_OK);
}

/* ---------------------------------------------------------------------- */
/* Exchanges through the public API against a SQLite store                 */
/* ---------------------------------------------------------------------- */

static void
enrol(saslstep_store_t *st, const char *user, const char *pass)
{
	const char *why = NULL;

	CHECK_INT(sstep_scram_enrol(st, user, SSTEP_SCRAM_SHA256, pass,
	              strlen(pass), SSTEP_SCRAM_ITER_MIN, &why),
	    SASLSTEP_OK);
}

/*
 * A server given msg (len bytes) as the initial response; with
 * no_initial, started without one and then stepped with msg.  Its code;
 * its errstr copied into err.
 */
static int
server_msg(saslstep_store_t *st, const char *msg, size_t len, int no_initial,
    char *err, size_t errsize)
{
	saslstep_conn_t *srv = NULL;
	const char *out = NULL, *errstr = NULL, *who = NULL, *user;
	unsigned outlen = 99;
	int r;

	err[0] = '\0';
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	if (no_initial) {
		/* RFC 4616 s. 4, first example: an empty challenge. */
		CHECK_INT(saslstep_server_start(
		              srv, "PLAIN", NULL, 0, &out, &outlen, &errstr),
		    SASLSTEP_CONTINUE);
		CHECK_INT(outlen, 0);
		r = saslstep_server_step(
		    srv, msg, (unsigned)len, &out, &outlen, &errstr);
	} else
		r = saslstep_server_start(
		    srv, "PLAIN", msg, (unsigned)len, &out, &outlen, &errstr);
	if (r == SASLSTEP_OK) {
		CHECK_INT(outlen, 0);
		/* The identity proved is the authcid. */
		user = (const char *)memchr(msg, '\0', len) + 1;
		CHECK_INT(saslstep_getprop(srv, SASLSTEP_PROP_USERNAME, &who),
		    SASLSTEP_OK);
		CHECK(who != NULL && strcmp(who, user) == 0);
	} else
		snprintf(err, errsize, "%s", errstr != NULL ? errstr : "");
	/* One message decides: nothing more on this connection. */
	CHECK(saslstep_server_step(srv, msg, (unsigned)len, &out, &outlen,
	          &errstr) != SASLSTEP_OK);
	saslstep_dispose(&srv);
	return r;
}

/* A PLAIN client with the properties set (NULL: unset), started: the
 * start's code, and its message in *cout. */
static int
client_started(saslstep_conn_t **cli, const char *authzid, const char *user,
    const char *pass, const char **cout, unsigned *coutlen)
{
	saslstep_interact_t *prompts = NULL;
	const char *mech = NULL;
	int r;

	CHECK_INT(saslstep_client_new("test", cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(*cli, SASLSTEP_PROP_AUTHNAME, user), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(*cli, SASLSTEP_PROP_PASS, pass), SASLSTEP_OK);
	CHECK_INT(saslstep_setprop(*cli, SASLSTEP_PROP_AUTHZID, authzid),
	    SASLSTEP_OK);
	r = saslstep_client_start(
	    *cli, "PLAIN", &prompts, cout, coutlen, &mech);
	if (r == SASLSTEP_CONTINUE)
		CHECK(mech != NULL && strcmp(mech, "PLAIN") == 0);
	return r;
}

/*
 * A whole exchange: a client with the properties set, its initial
 * response to a server, the server's (empty) success data back to the
 * client.  The client's message goes into msg (if not NULL).
 */
static int
login(saslstep_store_t *st, const char *authzid, const char *user,
    const char *pass, char *msg, size_t msgsize, size_t *msglen, char *err,
    size_t errsize)
{
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL;
	unsigned coutlen = 0;
	int r;

	r = client_started(&cli, authzid, user, pass, &cout, &coutlen);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	if (r != SASLSTEP_CONTINUE)
		goto out;
	if (msg != NULL && coutlen <= msgsize) {
		memcpy(msg, cout, coutlen);
		*msglen = coutlen;
	}
	r = server_msg(st, cout, coutlen, 0, err, errsize);
	if (r == SASLSTEP_OK)
		CHECK_INT(
		    saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen),
		    SASLSTEP_OK);
out:
	saslstep_dispose(&cli);
	return r;
}

static void
test_rfc_exchanges(saslstep_store_t *st)
{
	char msg[64], err[512];
	size_t len = 0;

	enrol(st, "tim", "tanstaaftanstaaf");
	enrol(st, "Kurt", "xipj3plmq");
	enrol(st, "Ursel", "xipj3plmq");
	/* The client's messages byte for byte. */
	CHECK_INT(login(st, NULL, "tim", "tanstaaftanstaaf", msg, sizeof(msg),
	              &len, err, sizeof(err)),
	    SASLSTEP_OK);
	CHECK_INT(len, sizeof(RFC_MSG1) - 1);
	CHECK(memcmp(msg, RFC_MSG1, sizeof(RFC_MSG1) - 1) == 0);
	/* Example 2: Kurt may not act as Ursel ("NO Not authorized"). */
	CHECK_INT(login(st, "Ursel", "Kurt", "xipj3plmq", msg, sizeof(msg),
	              &len, err, sizeof(err)),
	    SASLSTEP_BADAUTH);
	CHECK_INT(len, sizeof(RFC_MSG2) - 1);
	CHECK(memcmp(msg, RFC_MSG2, sizeof(RFC_MSG2) - 1) == 0);
	CHECK(strstr(err, "act as another user") != NULL);
	/* An authzid equal to the authcid is no proxy. */
	CHECK_INT(
	    server_msg(st, LIT("Kurt\0Kurt\0xipj3plmq"), 0, err, sizeof(err)),
	    SASLSTEP_OK);
	/* Without an initial response: empty challenge, then the message. */
	CHECK_INT(
	    server_msg(st, LIT(RFC_MSG1), 1, err, sizeof(err)), SASLSTEP_OK);
}

static void
test_failures(saslstep_store_t *st)
{
	struct sstep_cred c;
	char err[512];
	const char *why = NULL;

	CHECK_INT(
	    server_msg(st, LIT("\0tim\0tanstaaftanstaag"), 0, err, sizeof(err)),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(err, "tanstaaf") == NULL); /* no password in the log */
	CHECK_INT(server_msg(st, LIT("\0nobody\0tanstaaftanstaaf"), 0, err,
	              sizeof(err)),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(err, "unknown") != NULL);
	/* Only a CRAM-MD5 credential: PLAIN needs the SCRAM-SHA-256 one. */
	CHECK_INT(sstep_crammd5_cred_make("tanstaaftanstaaf", 16, &c, &why),
	    SASLSTEP_OK);
	CHECK_INT(sstep_store_cred_put(st, "cramonly", &c), SASLSTEP_OK);
	sstep_cred_clear(&c);
	CHECK_INT(server_msg(st, LIT("\0cramonly\0tanstaaftanstaaf"), 0, err,
	              sizeof(err)),
	    SASLSTEP_BADAUTH);
	/* Locked: refused with the right password, and fine once unlocked. */
	CHECK_INT(sstep_store_user_set_locked(st, "tim", 1), SASLSTEP_OK);
	CHECK_INT(server_msg(st, LIT(RFC_MSG1), 0, err, sizeof(err)),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(err, "locked") != NULL);
	CHECK_INT(sstep_store_user_set_locked(st, "tim", 0), SASLSTEP_OK);
	CHECK_INT(
	    server_msg(st, LIT(RFC_MSG1), 0, err, sizeof(err)), SASLSTEP_OK);
}

/* Every malformed message through the server: BADPROT, nothing changed. */
static void
test_malformed_server(saslstep_store_t *st)
{
	char err[512];
	long long v = tmpstore_version(st, "tim", "scram-sha-256");
	size_t i;

	CHECK(v >= 0);
	for (i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		if (server_msg(st, malformed[i].msg, malformed[i].len, 0, err,
		        sizeof(err)) != SASLSTEP_BADPROT) {
			check_failures++;
			fprintf(stderr, "server, not BADPROT: %s\n",
			    malformed[i].what);
		}
		check_count++;
		CHECK(strstr(err, "PLAIN") != NULL);
	}
	/* The right message with junk after it: a third NUL. */
	CHECK_INT(server_msg(st, LIT(RFC_MSG1 "\0"), 0, err, sizeof(err)),
	    SASLSTEP_BADPROT);
	CHECK_INT(tmpstore_version(st, "tim", "scram-sha-256"), v);
	CHECK_INT(
	    server_msg(st, LIT(RFC_MSG1), 0, err, sizeof(err)), SASLSTEP_OK);
}

/* SASLprep (RFC 4013 s. 3 examples): the soft hyphen maps to nothing, a
 * no-break space to a space; a prohibited character never verifies. */
static void
test_saslprep(saslstep_store_t *st)
{
	char err[512];

	enrol(st, "prep", "I\xc2\xadX");
	CHECK_INT(server_msg(st, LIT("\0prep\0IX"), 0, err, sizeof(err)),
	    SASLSTEP_OK);
	CHECK_INT(
	    server_msg(st, LIT("\0prep\0I\xc2\xadX"), 0, err, sizeof(err)),
	    SASLSTEP_OK);
	enrol(st, "prep2", "pass word");
	CHECK_INT(server_msg(st, LIT("\0prep2\0pass\xc2\xa0word"), 0, err,
	              sizeof(err)),
	    SASLSTEP_OK);
	/* U+0007: well-formed UTF-8, refused by SASLprep: a failure. */
	CHECK_INT(
	    server_msg(st, LIT("\0prep2\0pass\aword"), 0, err, sizeof(err)),
	    SASLSTEP_BADAUTH);
	/* Empty after SASLprep (RFC 4616 s. 2: verification fails). */
	CHECK_INT(server_msg(st, LIT("\0prep2\0\xc2\xad"), 0, err, sizeof(err)),
	    SASLSTEP_BADAUTH);
}

/* A person answers: one round asks for the name and the password. */
static void
test_interact(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *p = NULL;
	const char *cout = NULL, *mech = NULL;
	unsigned coutlen = 0;
	char err[512];
	int i, saw_pass = 0, saw_name = 0;

	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "PLAIN", &p, &cout, &coutlen, &mech),
	    SASLSTEP_INTERACT);
	for (i = 0; p != NULL && p[i].id != SASLSTEP_CB_LIST_END; i++) {
		if (p[i].id == SASLSTEP_CB_PASS) {
			saw_pass++;
			CHECK(strcmp(p[i].prompt, "Password: ") == 0);
			p[i].result = "tanstaaftanstaaf";
			p[i].len = 16;
		} else if (p[i].id == SASLSTEP_CB_AUTHNAME) {
			saw_name++;
			p[i].result = "tim";
			p[i].len = 3;
		}
	}
	CHECK_INT(i, 2);
	CHECK_INT(saw_pass, 1);
	CHECK_INT(saw_name, 1);
	CHECK_INT(
	    saslstep_client_start(cli, "PLAIN", &p, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(coutlen, sizeof(RFC_MSG1) - 1);
	CHECK(cout != NULL && memcmp(cout, RFC_MSG1, coutlen) == 0);
	CHECK_INT(
	    server_msg(st, cout, coutlen, 0, err, sizeof(err)), SASLSTEP_OK);
	saslstep_dispose(&cli);

	/* A password with a NUL (a person's answer may hold one). */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "PLAIN", &p, &cout, &coutlen, &mech),
	    SASLSTEP_INTERACT);
	CHECK(p != NULL && p[0].id == SASLSTEP_CB_PASS &&
	      p[1].id == SASLSTEP_CB_LIST_END);
	if (p != NULL) {
		p[0].result = "tans\0taaf";
		p[0].len = 9;
	}
	CHECK_INT(
	    saslstep_client_start(cli, "PLAIN", &p, &cout, &coutlen, &mech),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
}

/* What the client refuses. */
static void
test_client_refusals(void)
{
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *p = NULL;
	const char *cout = NULL;
	unsigned coutlen = 0;
	char big[SSTEP_PLAIN_PASS_MAX + 2];

	/* Data with the server's success: PLAIN's server sends none. */
	CHECK_INT(client_started(&cli, NULL, "tim", "x", &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(cli, "v=x", 3, &p, &cout, &coutlen),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&cli);

	/* An empty password or name is not sent (RFC 4616 s. 2: 1*SAFE). */
	CHECK_INT(client_started(&cli, NULL, "tim", "", &cout, &coutlen),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
	CHECK_INT(client_started(&cli, NULL, "", "x", &cout, &coutlen),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
	/* Longer than a server takes: not sent either. */
	memset(big, 'p', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_INT(client_started(&cli, NULL, "tim", big, &cout, &coutlen),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
	big[SSTEP_PLAIN_PASS_MAX] = '\0';
	CHECK_INT(client_started(&cli, NULL, "tim", big, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK_INT(coutlen, 5 + SSTEP_PLAIN_PASS_MAX);
	saslstep_dispose(&cli);
}

int
main(void)
{
	saslstep_store_t *st = NULL;

	test_rfc_parse();
	test_malformed_parse();
	test_client_refusals();

	CHECK_INT(tmpstore_open("test-plain", &st), SASLSTEP_OK);
	if (st != NULL) {
		test_rfc_exchanges(st);
		test_failures(st);
		test_malformed_server(st);
		test_saslprep(st);
		test_interact(st);
		sstep_store_close(st);
		tmpstore_remove();
	}
	return check_done("test-plain");
}

/*
 * test-core.c: the connection life cycle and the interaction protocol,
 * driven through the public API with a real mechanism (OTP, client side,
 * which needs no store), plus the promise that disposing a connection
 * leaves no secret behind in freed memory.
 *
 * The last check works by wrapping free() at link time (-Wl,--wrap=free):
 * every buffer the library frees is scanned for the pass phrase and the
 * response before it is released.
 */
#include "config.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "check.h"

void __real_free(void *p);
void __wrap_free(void *p);

static const char *watched[4];
static int leaked_secret;

static int
contains(const unsigned char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle), i;

	for (i = 0; k > 0 && i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return 1;
	return 0;
}

void
__wrap_free(void *p)
{
	size_t i, n;

	if (p != NULL) {
		n = malloc_usable_size(p);
		for (i = 0; i < sizeof(watched) / sizeof(watched[0]); i++)
			if (watched[i] != NULL && contains(p, n, watched[i]))
				leaked_secret++;
	}
	__real_free(p);
}

/* RFC 2289 appendix C: md5, "This is a test.", seed TeSt, count 1. */
#define PASSPHRASE "This is a test."
#define CHALLENGE  "otp-md5 1 test ext"
#define WORDS      "EASE OIL FUM CURE AWRY AVIS"
#define HEX        "7965e05436f5029f"

static void
test_codes(void)
{
	CHECK(strcmp(saslstep_errstring(SASLSTEP_OK), "success") == 0);
	CHECK(strcmp(saslstep_errstring(SASLSTEP_BADAUTH),
	          "authentication failure") == 0);
	CHECK(strcmp(saslstep_errstring(12345), "unknown result code") == 0);
	CHECK(strstr(saslstep_mechanisms(), "OTP") != NULL);
	CHECK_INT(SASLSTEP_CB_AUTHNAME, 0x4002);
	CHECK_INT(SASLSTEP_UNAVAIL, -24);
}

static void
test_bad_params(void)
{
	saslstep_conn_t *c = NULL;
	const char *out, *mech, *v;
	unsigned outlen;
	saslstep_interact_t *need;

	CHECK_INT(saslstep_client_new(NULL, NULL), SASLSTEP_BADPARAM);
	CHECK_INT(saslstep_server_new("x", NULL, &c), SASLSTEP_BADPARAM);
	CHECK(c == NULL);
	CHECK_INT(saslstep_client_new("test", &c), SASLSTEP_OK);
	CHECK_INT(saslstep_client_start(
	              c, "NO-SUCH-MECH X", &need, &out, &outlen, &mech),
	    SASLSTEP_NOMECH);
	/* A step before start is out of order. */
	CHECK_INT(saslstep_client_step(c, "x", 1, &need, &out, &outlen),
	    SASLSTEP_BADPARAM);
	CHECK_INT(saslstep_setprop(c, SASLSTEP_PROP_USERNAME, "x"),
	    SASLSTEP_BADPARAM);
	CHECK_INT(saslstep_setprop(c, 99, "x"), SASLSTEP_BADPARAM);
	CHECK_INT(
	    saslstep_setprop(c, SASLSTEP_PROP_PASS, PASSPHRASE), SASLSTEP_OK);
	/* Secrets cannot be read back. */
	CHECK_INT(
	    saslstep_getprop(c, SASLSTEP_PROP_PASS, &v), SASLSTEP_BADPARAM);
	CHECK(v == NULL);
	CHECK_INT(
	    saslstep_setprop(c, SASLSTEP_PROP_AUTHNAME, "alice"), SASLSTEP_OK);
	CHECK_INT(saslstep_getprop(c, SASLSTEP_PROP_AUTHNAME, &v), SASLSTEP_OK);
	CHECK(v != NULL && strcmp(v, "alice") == 0);
	saslstep_dispose(&c);
	CHECK(c == NULL);
	saslstep_dispose(&c); /* twice is harmless */
	saslstep_dispose(NULL);
}

/*
 * INTERACT: the client asks for what it lacks, the caller fills the array
 * and calls again with identical parameters.  The caller's buffers are
 * overwritten right after the call to show the library copied them.
 */
static void
test_interact(void)
{
	saslstep_conn_t *c = NULL;
	saslstep_interact_t *need = NULL;
	const char *out = NULL, *mech = NULL;
	unsigned outlen = 0;
	char name[] = "alice", answer[] = WORDS;
	int r;

	CHECK_INT(saslstep_client_new("test", &c), SASLSTEP_OK);
	r = saslstep_client_start(
	    c, "X-UNKNOWN, OTP", &need, &out, &outlen, &mech);
	CHECK_INT(r, SASLSTEP_INTERACT);
	CHECK(mech != NULL && strcmp(mech, "OTP") == 0);
	CHECK(out == NULL && outlen == 0);
	CHECK(need != NULL && need[0].id == SASLSTEP_CB_AUTHNAME);
	if (r != SASLSTEP_INTERACT || need == NULL)
		goto out;
	CHECK(need[1].id == SASLSTEP_CB_LIST_END);
	need[0].result = name;
	need[0].len = (unsigned)strlen(name);
	r = saslstep_client_start(
	    c, "X-UNKNOWN, OTP", &need, &out, &outlen, &mech);
	memset(name, 'X', strlen(name));
	CHECK_INT(r, SASLSTEP_CONTINUE);
	CHECK(need == NULL);
	CHECK(outlen == 6 && memcmp(out, "\0alice", 6) == 0);

	/* No pass phrase: the person answers the challenge, and what they
	 * typed is sent as it is (the server reads every RFC 2243 form). */
	r = saslstep_client_step(
	    c, CHALLENGE, strlen(CHALLENGE), &need, &out, &outlen);
	CHECK_INT(r, SASLSTEP_INTERACT);
	if (r != SASLSTEP_INTERACT || need == NULL)
		goto out;
	CHECK(need[0].id == SASLSTEP_CB_ECHOPROMPT);
	CHECK(need[0].challenge != NULL &&
	      strcmp(need[0].challenge, CHALLENGE) == 0);
	CHECK(need[0].prompt != NULL && need[0].prompt[0] != '\0');
	CHECK(need[1].id == SASLSTEP_CB_LIST_END);
	need[0].result = answer;
	need[0].len = (unsigned)strlen(answer);
	r = saslstep_client_step(
	    c, CHALLENGE, strlen(CHALLENGE), &need, &out, &outlen);
	memset(answer, 'Y', strlen(answer));
	CHECK_INT(r, SASLSTEP_CONTINUE);
	CHECK_MEM(out, outlen, WORDS);

	/* The server's OK carries no data: an empty final step is OK ... */
	CHECK_INT(
	    saslstep_client_step(c, "", 0, &need, &out, &outlen), SASLSTEP_OK);
	/* ... and nothing may follow it. */
	CHECK_INT(saslstep_client_step(c, "", 0, &need, &out, &outlen),
	    SASLSTEP_BADPARAM);
out:
	saslstep_dispose(&c);
}

/* Without prompt_need a client that must ask cannot: BADPARAM. */
static void
test_interact_unsupported(void)
{
	saslstep_conn_t *c = NULL;
	const char *out, *mech;
	unsigned outlen;

	CHECK_INT(saslstep_client_new("test", &c), SASLSTEP_OK);
	CHECK_INT(saslstep_client_start(c, "OTP", NULL, &out, &outlen, &mech),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&c);
}

/* Disposing mid-exchange and after it leaves no secret in freed memory. */
static void
test_dispose_wipes(int finish)
{
	saslstep_conn_t *c = NULL;
	saslstep_interact_t *need = NULL;
	const char *out, *mech;
	unsigned outlen;

	watched[0] = PASSPHRASE;
	watched[1] = WORDS;
	watched[2] = HEX;
	leaked_secret = 0;
	CHECK_INT(saslstep_client_new("test", &c), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(c, SASLSTEP_PROP_AUTHNAME, "alice"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(c, SASLSTEP_PROP_PASS, PASSPHRASE), SASLSTEP_OK);
	CHECK_INT(saslstep_client_start(c, "OTP", &need, &out, &outlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(
	              c, CHALLENGE, strlen(CHALLENGE), &need, &out, &outlen),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(out, outlen, "hex:" HEX);
	if (finish)
		CHECK_INT(saslstep_client_step(c, "", 0, &need, &out, &outlen),
		    SASLSTEP_OK);
	saslstep_dispose(&c);
	CHECK_INT(leaked_secret, 0);
	watched[0] = watched[1] = watched[2] = NULL;
}

int
main(void)
{
	test_codes();
	test_bad_params();
	test_interact();
	test_interact_unsupported();
	test_dispose_wipes(0);
	test_dispose_wipes(1);
	return check_done("test-core");
}

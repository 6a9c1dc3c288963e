/*
 * import-google-auth.c: saslstep import --from google-authenticator FILE
 * --user U: a ~/.google_authenticator file (google-authenticator-libpam)
 * into U's "totp" or "hotp" credential and U's recovery codes.
 *
 * The file, as pam_google_authenticator reads it:
 *   line 1            the key, in base32;
 *   " TOTP_AUTH       time based: HMAC-SHA-1, 6 digits, T0 = 0;
 *   " HOTP_COUNTER N  counter based, N (>= 1) the next counter;
 *   " STEP_SIZE S     the TOTP period, 1 to 60 seconds (default 30);
 *   " DISALLOW_REUSE [STEP...]
 *                     the time steps used lately: the latest becomes the
 *                     last step accepted, so no code used before can be
 *                     used again (without the option the file allowed
 *                     reuse and recorded nothing: no step is marked);
 *   " TIME_SKEW N     the person's clock is N steps off: kept as
 *                     T0 = -N * S, so that the same codes are accepted
 *                     (DISALLOW_REUSE steps count with the skew already);
 *   " WINDOW_SIZE W   how many codes around now are accepted: for us the
 *                     module's window= argument, for all users alike
 *                     (WINDOW_SIZE 3 is window=1): not carried over;
 *   " RATE_LIMIT N M [TIME...]
 *                     not carried over (pam_faillock does this);
 *   " RESETTING_TIME_SKEW ...
 *                     the state of a skew detection under way: dropped;
 *   eight digits      a scratch code: all of them become U's recovery
 *                     codes (hashed; each works once), replacing any U
 *                     had.
 * Blank lines are skipped.  Anything else, an option given twice, or both
 * or neither of TOTP_AUTH and HOTP_COUNTER is refused with the line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store.h"
#include "transfer.h"
#include "oath.h"
#include "recovery.h"

#define GA_DIGITS     6  /* what pam_google_authenticator checks */
#define GA_CODE_LEN   8  /* digits of a scratch code */
#define GA_STEP_MAX   60 /* STEP_SIZE limit of pam_google_authenticator */
#define GA_WINDOW_MAX 100
#define GA_LIST_MAX   1024 /* numbers on one option line */

/* What the file says. */
struct ga_file {
	unsigned seen; /* GA_* bits of the options read */
	int64_t hotp;  /* HOTP_COUNTER */
	int64_t step;  /* STEP_SIZE */
	int64_t skew;  /* TIME_SKEW */
	int64_t last;  /* the latest DISALLOW_REUSE step, or -1 */
	unsigned ncodes;
	unsigned codes_line; /* the first scratch code's line */
	char codes[SSTEP_RECOVERY_COUNT_MAX][GA_CODE_LEN];
};

#define GA_TOTP   0x01
#define GA_HOTP   0x02
#define GA_STEP   0x04
#define GA_SKEW   0x08
#define GA_REUSE  0x10
#define GA_WINDOW 0x20
#define GA_RATE   0x40
#define GA_RESET  0x80

/*
 * Read the blank-separated decimal numbers of len bytes at s into v (at
 * most max of them, each min..lim).  Returns how many, or -1.
 */
static long
numbers(
    const char *s, size_t len, int64_t *v, size_t max, int64_t min, int64_t lim)
{
	size_t i = 0, start, n = 0;

	for (;;) {
		while (i < len && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == len)
			return (long)n;
		if (n == max)
			return -1;
		start = i;
		while (i < len && s[i] != ' ' && s[i] != '\t')
			i++;
		if (xfer_parse_int(s + start, i - start, min, lim, &v[n]) != 0)
			return -1;
		n++;
	}
}

/* The value of one option: exactly one number min..lim. */
static int
one_number(struct xfer_input *in, const char *name, const char *s, size_t len,
    int64_t min, int64_t lim, int64_t *v)
{
	if (numbers(s, len, v, 1, min, lim) != 1)
		return xfer_error(in, "%s takes one number, %lld to %lld", name,
		    (long long)min, (long long)lim);
	return CLI_OK;
}

/* One option line (after the '"' and a blank) into *g. */
static int
read_option(struct xfer_input *in, const char *s, size_t len, struct ga_file *g)
{
	static const struct {
		const char *name;
		unsigned bit;
	} known[] = {
	    {"TOTP_AUTH", GA_TOTP},
	    {"HOTP_COUNTER", GA_HOTP},
	    {"STEP_SIZE", GA_STEP},
	    {"TIME_SKEW", GA_SKEW},
	    {"DISALLOW_REUSE", GA_REUSE},
	    {"WINDOW_SIZE", GA_WINDOW},
	    {"RATE_LIMIT", GA_RATE},
	    {"RESETTING_TIME_SKEW", GA_RESET},
	};
	int64_t list[GA_LIST_MAX];
	const char *val;
	size_t i, n, vlen;
	long count;

	for (n = 0; n < len && s[n] != ' ' && s[n] != '\t'; n++)
		;
	val = s + n;
	vlen = len - n;
	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strlen(known[i].name) == n &&
		    memcmp(s, known[i].name, n) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		return xfer_error(
		    in, "unknown option %.*s", (int)(n > 32 ? 32 : n), s);
	if (g->seen & known[i].bit)
		return xfer_error(in, "%s given twice", known[i].name);
	g->seen |= known[i].bit;
	switch (known[i].bit) {
	case GA_TOTP:
		if (numbers(val, vlen, list, 0, 0, 0) != 0)
			return xfer_error(in, "TOTP_AUTH takes no value");
		return CLI_OK;
	case GA_HOTP:
		return one_number(
		    in, "HOTP_COUNTER", val, vlen, 1, INT64_MAX, &g->hotp);
	case GA_STEP:
		return one_number(
		    in, "STEP_SIZE", val, vlen, 1, GA_STEP_MAX, &g->step);
	case GA_SKEW:
		/* pam_google_authenticator looks 25 hours either side. */
		return one_number(
		    in, "TIME_SKEW", val, vlen, -90000, 90000, &g->skew);
	case GA_WINDOW:
		return one_number(
		    in, "WINDOW_SIZE", val, vlen, 1, GA_WINDOW_MAX, &list[0]);
	case GA_REUSE:
		if ((count = numbers(
		         val, vlen, list, GA_LIST_MAX, 0, INT32_MAX)) < 0)
			return xfer_error(in, "DISALLOW_REUSE takes time "
			                      "steps");
		for (i = 0; i < (size_t)count; i++)
			if (list[i] > g->last)
				g->last = list[i];
		return CLI_OK;
	case GA_RATE:
		if ((count = numbers(
		         val, vlen, list, GA_LIST_MAX, 0, UINT32_MAX)) < 2 ||
		    list[0] < 1 || list[0] > 100 || list[1] < 1 ||
		    list[1] > 3600)
			return xfer_error(in, "RATE_LIMIT takes N (1-100), M "
			                      "(1-3600) and times");
		return CLI_OK;
	default: /* GA_RESET: the skew detection starts afresh */
		return CLI_OK;
	}
}

/* Any other line than the first: an option, a scratch code or blank. */
static int
read_rest(struct xfer_input *in, struct ga_file *g)
{
	const char *line;
	size_t len;
	int r;

	while ((r = xfer_input_line(in, &line, &len)) == 1) {
		if (len == 0)
			continue;
		if (len >= 2 && line[0] == '"' && line[1] == ' ') {
			if (read_option(in, line + 2, len - 2, g) != CLI_OK)
				return CLI_FAIL;
			continue;
		}
		/* As pam_google_authenticator: 10000000 to 99999999. */
		if (len != GA_CODE_LEN ||
		    strspn(line, "0123456789") < GA_CODE_LEN || line[0] == '0')
			return xfer_error(in, "neither an option (\" NAME) nor "
			                      "an eight-digit scratch code");
		if (g->ncodes == SSTEP_RECOVERY_COUNT_MAX)
			return xfer_error(in, "more than %d scratch codes",
			    SSTEP_RECOVERY_COUNT_MAX);
		if (g->ncodes == 0)
			g->codes_line = in->lineno;
		memcpy(g->codes[g->ncodes++], line, GA_CODE_LEN);
	}
	return r == 0 ? CLI_OK : CLI_FAIL;
}

/* The scratch codes as one recovery credential. */
static int
add_codes(struct xfer_input *in, const char *user, struct ga_file *g,
    struct xfer_batch *b)
{
	const char *codes[SSTEP_RECOVERY_COUNT_MAX], *why = "malformed";
	size_t lens[SSTEP_RECOVERY_COUNT_MAX];
	struct sstep_cred c;
	unsigned i;

	for (i = 0; i < g->ncodes; i++) {
		codes[i] = g->codes[i];
		lens[i] = GA_CODE_LEN;
	}
	in->lineno = g->codes_line; /* what messages name */
	if (sstep_recovery_cred_make(codes, lens, g->ncodes, &c, &why) !=
	    SASLSTEP_OK)
		return xfer_error(in, "scratch codes: %s", why);
	return xfer_add_cred(b, in, user, strlen(user), &c);
}

int
xfer_read_google_auth(
    struct xfer_input *in, const char *user, struct xfer_batch *b)
{
	struct ga_file *g = NULL;
	struct sstep_oath_params p;
	struct sstep_cred c;
	unsigned char *key = NULL;
	const char *line, *why = "malformed";
	size_t len, keylen = 0;
	int r, ret = CLI_FAIL;

	memset(&c, 0, sizeof(c));
	if ((g = calloc(1, sizeof(*g))) == NULL)
		return xfer_error(in, "out of memory");
	g->step = 30;
	g->last = -1;
	if ((r = xfer_input_line(in, &line, &len)) != 1) {
		if (r == 0)
			xfer_error(in, "empty file");
		goto out;
	}
	if (sstep_base32_decode(line, len, &key, &keylen) != SASLSTEP_OK ||
	    keylen == 0) {
		xfer_error(in, "the first line is not a base32 key");
		goto out;
	}
	if (read_rest(in, g) != CLI_OK)
		goto out;
	if (!(g->seen & (GA_TOTP | GA_HOTP)) ||
	    (g->seen & (GA_TOTP | GA_HOTP)) == (GA_TOTP | GA_HOTP)) {
		xfer_error(in, "want exactly one of \" TOTP_AUTH and "
		               "\" HOTP_COUNTER");
		goto out;
	}
	sstep_oath_params_default(
	    g->seen & GA_TOTP ? SSTEP_OATH_TOTP : SSTEP_OATH_HOTP, &p);
	p.digits = GA_DIGITS;
	if (g->seen & GA_TOTP) {
		p.period = (unsigned)g->step;
		/* Codes were checked for step now / S + skew: ours are for
		 * (now - t0) / S, the same with t0 = -skew * S. */
		p.t0 = -g->skew * g->step;
	}
	in->lineno = 1; /* messages name the key's line */
	if (sstep_oath_cred_make(&p, key, keylen,
	        g->seen & GA_TOTP ? g->last : g->hotp, &c,
	        &why) != SASLSTEP_OK) {
		xfer_error(in, "%s", why);
		goto out;
	}
	if (xfer_add_cred(b, in, user, strlen(user), &c) != CLI_OK)
		goto out;
	if (g->ncodes > 0 && add_codes(in, user, g, b) != CLI_OK)
		goto out;
	ret = CLI_OK;
out:
	sstep_cred_clear(&c);
	sstep_freezero(key, keylen);
	sstep_freezero(g, sizeof(*g));
	return ret;
}

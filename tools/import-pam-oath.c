/*
 * import-pam-oath.c: saslstep import --from pam_oath FILE: the usersfile
 * of pam_oath (liboath's UsersFile format, read as liboath's usersfile.c
 * reads it) into "hotp" and "totp" credentials.
 *
 * A line is TYPE USER PIN SECRET [COUNTER [LASTOTP [TIME]]], fields
 * separated by blanks; a line whose first field starts with '#' is a
 * comment, and blank lines are skipped.
 *   TYPE     HOTP, HOTP/E, HOTP/E/6, /7, /8: HOTP (6 digits unless said);
 *            HOTP/T30, HOTP/T30/6, /7, /8 and the same with T60: TOTP
 *            with 30 or 60 second steps.  HMAC-SHA-1, T0 = 0.
 *   PIN      "-": none; "+": checked by another module.  Anything else is
 *            a password pam_oath checks along with the code; saslstep
 *            cannot carry it over (set one with `saslstep passwd` and
 *            stack a password mechanism): refused.
 *   SECRET   the key, in hex.
 *   COUNTER  HOTP: the counter of the code last accepted (before any
 *            login, of the first code to accept).  TOTP: not used.
 *   LASTOTP  the code last accepted, and TIME when (local time,
 *            "2024-01-31T12:00:00L"): pam_oath writes both at each login.
 *
 * What is kept, so that no code used with pam_oath can be used again:
 *   HOTP: liboath keeps the counter of the code it accepted last and
 *         refuses that code again only by comparing it with LASTOTP; our
 *         counter is the next one expected: COUNTER + 1 after a login
 *         (LASTOTP present), COUNTER before any.
 *   TOTP: the time step whose code is LASTOTP becomes the last step
 *         accepted.  It is searched for around TIME, closest first (the
 *         later one of two equally close), within an hour either side:
 *         the window pam_oath ran with is not in the file, and a local
 *         time is ambiguous for an hour when the clocks go back.  Without
 *         LASTOTP no step was used.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store.h"
#include "transfer.h"
#include "oath.h"

#define PAM_OATH_FIELDS   7
#define PAM_OATH_TIME_LEN 20   /* "2024-01-31T12:00:00L" */
#define PAM_OATH_SEARCH   3600 /* seconds either side of TIME */

/* The types liboath knows, and what they mean. */
static const struct oath_type {
	const char *name;
	enum sstep_oath_kind kind;
	unsigned digits;
	unsigned period;
} types[] = {
    {"HOTP", SSTEP_OATH_HOTP, 6, 0},
    {"HOTP/E", SSTEP_OATH_HOTP, 6, 0},
    {"HOTP/E/6", SSTEP_OATH_HOTP, 6, 0},
    {"HOTP/E/7", SSTEP_OATH_HOTP, 7, 0},
    {"HOTP/E/8", SSTEP_OATH_HOTP, 8, 0},
    {"HOTP/T30", SSTEP_OATH_TOTP, 6, 30},
    {"HOTP/T30/6", SSTEP_OATH_TOTP, 6, 30},
    {"HOTP/T30/7", SSTEP_OATH_TOTP, 7, 30},
    {"HOTP/T30/8", SSTEP_OATH_TOTP, 8, 30},
    {"HOTP/T60", SSTEP_OATH_TOTP, 6, 60},
    {"HOTP/T60/6", SSTEP_OATH_TOTP, 6, 60},
    {"HOTP/T60/7", SSTEP_OATH_TOTP, 7, 60},
    {"HOTP/T60/8", SSTEP_OATH_TOTP, 8, 60},
};

/* One line cut into its fields. */
struct oath_line {
	const char *f[PAM_OATH_FIELDS];
	size_t fl[PAM_OATH_FIELDS];
	size_t n;
};

/* Cut at liboath's separators; -1 when there are more than 7 fields. */
static int
fields(const char *s, size_t len, struct oath_line *l)
{
	size_t i = 0, start;

	l->n = 0;
	for (;;) {
		while (i < len && strchr(" \t\r", s[i]) != NULL)
			i++;
		if (i == len)
			return 0;
		if (l->n == PAM_OATH_FIELDS)
			return -1;
		start = i;
		while (i < len && strchr(" \t\r", s[i]) == NULL)
			i++;
		l->f[l->n] = s + start;
		l->fl[l->n] = i - start;
		l->n++;
	}
}

static int
is_field(const struct oath_line *l, size_t i, const char *word)
{
	return l->fl[i] == strlen(word) && memcmp(l->f[i], word, l->fl[i]) == 0;
}

/* TIME as liboath writes it (strftime "%Y-%m-%dT%H:%M:%SL", local time)
 * into a Unix time, read back as liboath does. */
static int
parse_time(const char *s, size_t len, int64_t *when)
{
	char buf[PAM_OATH_TIME_LEN + 1];
	const char *end;
	struct tm tm;
	time_t t;

	if (len != PAM_OATH_TIME_LEN)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(buf, "%Y-%m-%dT%H:%M:%SL", &tm)) == NULL ||
	    *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	if ((t = mktime(&tm)) == (time_t)-1)
		return -1;
	*when = (int64_t)t;
	return 0;
}

/*
 * The time step of code lastotp (digits long) nearest to the step of when
 * (see the top of this file) into *step.  Returns 0, 1 when there is
 * none, -1 when a code cannot be computed.
 */
static int
last_step(const struct sstep_oath_params *p, const unsigned char *key,
    size_t keylen, int64_t when, const char *lastotp, int64_t *step)
{
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t center, d, s, span = PAM_OATH_SEARCH / (int64_t)p->period;
	int side, ret = 1;

	if (sstep_oath_totp_step(p, when, &center) != SASLSTEP_OK)
		return 1;
	for (d = 0; d <= span && ret == 1; d++) {
		for (side = 1; side >= -1 && ret == 1; side -= 2) {
			s = center + side * d;
			if (s < 0 || (d == 0 && side < 0))
				continue;
			if (sstep_oath_code(p->alg, key, keylen, (uint64_t)s,
			        p->digits, code) != SASLSTEP_OK) {
				ret = -1;
				break;
			}
			if (sstep_secret_eq(code, lastotp, p->digits)) {
				*step = s;
				ret = 0;
			}
		}
	}
	sstep_wipe(code, sizeof(code));
	return ret;
}

/* One non-comment line into a credential of b. */
static int
read_line(
    struct xfer_input *in, const struct oath_line *l, struct xfer_batch *b)
{
	const struct oath_type *t = NULL;
	struct sstep_oath_params p;
	struct sstep_cred c;
	unsigned char key[SSTEP_OATH_KEY_MAX];
	char lastotp[SSTEP_OATH_DIGITS_MAX + 1];
	const char *why = "malformed";
	size_t i, keylen = 0;
	int64_t counter = 0, next, when = 0;
	int r, ret = CLI_FAIL, found;

	memset(&c, 0, sizeof(c));
	memset(lastotp, 0, sizeof(lastotp));
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (is_field(l, 0, types[i].name))
			t = &types[i];
	if (t == NULL)
		return xfer_error(in,
		    "unknown token type %.*s (HOTP, HOTP/E/N, "
		    "HOTP/T30/N or HOTP/T60/N)",
		    (int)(l->fl[0] > 32 ? 32 : l->fl[0]), l->f[0]);
	if (l->n < 4)
		return xfer_error(in, "expected TYPE USER PIN SECRET [COUNTER "
		                      "[LASTOTP [TIME]]]");
	if (!is_field(l, 2, "-") && !is_field(l, 2, "+"))
		return xfer_error(in,
		    "user %.*s has a PIN, which saslstep "
		    "cannot carry over: replace it by '-' "
		    "and set a password with saslstep passwd",
		    (int)l->fl[1], l->f[1]);
	if (xfer_hex_decode(l->f[3], l->fl[3], key, sizeof(key), &keylen) !=
	    0) {
		xfer_error(in,
		    "the secret is not hex digits (at most %d "
		    "bytes)",
		    SSTEP_OATH_KEY_MAX);
		goto out;
	}
	if (l->n > 4 && xfer_parse_int(l->f[4], l->fl[4], 0, INT64_MAX - 1,
	                    &counter) != 0) {
		xfer_error(in, "bad counter");
		goto out;
	}
	if (l->n > 5) {
		if (l->fl[5] != t->digits ||
		    strspn(l->f[5], "0123456789") < t->digits) {
			xfer_error(
			    in, "the last OTP is not %u digits", t->digits);
			goto out;
		}
		memcpy(lastotp, l->f[5], t->digits);
	}
	if (l->n > 6 && parse_time(l->f[6], l->fl[6], &when) != 0) {
		xfer_error(in, "bad time stamp (want e.g. "
		               "2024-01-31T12:00:00L, local time)");
		goto out;
	}

	sstep_oath_params_default(t->kind, &p);
	p.digits = t->digits;
	if (t->kind == SSTEP_OATH_HOTP)
		next = l->n > 5 ? counter + 1 : counter;
	else {
		p.period = t->period;
		next = -1;
		if (l->n == 6) {
			xfer_error(in, "a last OTP without its time stamp");
			goto out;
		}
		if (l->n > 6) {
			found =
			    last_step(&p, key, keylen, when, lastotp, &next);
			if (found < 0) {
				xfer_error(
				    in, "cannot compute codes of this key");
				goto out;
			}
			if (found > 0) {
				xfer_error(in,
				    "the last OTP is no code of this "
				    "key within an hour of its time "
				    "stamp");
				goto out;
			}
		}
	}
	if ((r = sstep_oath_cred_make(&p, key, keylen, next, &c, &why)) !=
	    SASLSTEP_OK) {
		xfer_error(in, "%s", why);
		goto out;
	}
	ret = xfer_add_cred(b, in, l->f[1], l->fl[1], &c);
out:
	sstep_cred_clear(&c);
	sstep_wipe(key, sizeof(key));
	sstep_wipe(lastotp, sizeof(lastotp));
	return ret;
}

int
xfer_read_pam_oath(
    struct xfer_input *in, const char *user, struct xfer_batch *b)
{
	struct oath_line l;
	const char *line;
	size_t len;
	int r;

	(void)user;
	while ((r = xfer_input_line(in, &line, &len)) == 1) {
		if (fields(line, len, &l) != 0)
			return xfer_error(
			    in, "more than %d fields", PAM_OATH_FIELDS);
		if (l.n == 0 || l.f[0][0] == '#')
			continue;
		if (read_line(in, &l, b) != CLI_OK)
			return CLI_FAIL;
	}
	return r == 0 ? CLI_OK : CLI_FAIL;
}

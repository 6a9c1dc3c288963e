/*
 * cmd-transfer.c: saslstep export | import [--from FORMAT] [FILE]: the
 * store as text and back, and the import of other tools' files (the
 * readers are tools/import-pam-oath.c and tools/import-google-auth.c).
 *
 * The export format (saslstep(1) says the same), one item a line:
 *
 *   # ...                    a comment: a line whose first byte is '#'
 *                            (blank lines are skipped too, and blanks at
 *                            the end of a line ignored)
 *   NAME:USER                user NAME; NAME:USER$locked if locked
 *   NAME:NOTATION            one credential of NAME, in one of:
 *     SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>
 *                            RFC 5803 / PostgreSQL notation, base64
 *                            fields; also SCRAM-SHA-1$ and SCRAM-SHA-512$
 *                            (the latter draft only)
 *     {SCRAM-SHA-256}<iter>,<salt>,<StoredKey>,<ServerKey>
 *                            Dovecot and `gsasl --mkpasswd` notation
 *                            (also {SCRAM-SHA-1}): read, never written
 *     {CRAM-MD5}<64 hex digits>
 *                            Dovecot's notation of the HMAC-MD5 contexts
 *                            (`doveadm pw -s CRAM-MD5`: outer first)
 *     OTP$<md5|sha1>$<seed>$<seq>$<16 hex digits>
 *                            RFC 2289 state: the OTP at sequence seq (the
 *                            next challenge is for seq - 1)
 *     HOTP$<alg>$<digits>$<next counter>$<base32 key>
 *     TOTP$<alg>$<digits>$<period>$<t0>$<last step>$<base32 key>
 *                            alg sha1, sha256 or sha512; last step -1 when
 *                            no code was accepted yet
 *     RECOVERY$<base64>      the salted hashes of recovery codes, as
 *                            stored (mechs/recovery.h)
 *
 * NAME is written as it is, except '%' as %25 and a '#' it starts with as
 * %23 (the line would be a comment); import decodes every %XX in a name.
 * Notation names are matched without regard to case.  A credential line
 * creates its user if needed.  The export writes a comment header, then
 * for each user in name order the user line and the credentials in family
 * order, so that exporting, importing into a new store and exporting
 * again gives the same bytes.  Creation times and the versions used for
 * compare-and-swap are not carried.
 *
 * Import adds and replaces, and never deletes: a user line adds the user
 * and sets the locked state; a credential replaces the user's credential
 * of that family.  Every line is read and checked before anything is
 * written, and all is written in one transaction (tools/transfer.c).
 *
 * The export holds every secret of the store: it goes to a 0600 file
 * (--output, written beside and renamed into place) or to stdout, with a
 * warning when that is a terminal.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "store.h"
#include "transfer.h"
#include "scram.h"
#include "crammd5.h"
#include "otp.h"
#include "oath.h"
#include "recovery.h"

#define EXPORT_HEADER                                                          \
	"# saslstep export format 1: one user or credential a line, see "      \
	"saslstep(1).\n"                                                       \
	"# It holds every secret of the store: keep it private (mode 0600) "   \
	"and\n"                                                                \
	"# delete it when done.\n"

#define USER_WORD   "USER"
#define USER_LOCKED "USER$locked"

/* ---------------------------------------------------------------------- */
/* Notations: one parser (value -> credential) and one printer
 * (credential -> value) per credential family, over the mechanisms'
 * functions: nothing here knows a credential's layout. */

typedef int (*parse_fn)(
    const char *s, size_t len, struct sstep_cred *c, const char **why);
typedef int (*format_fn)(
    const struct sstep_cred *c, struct xfer_buf *out, const char **why);

struct notation {
	const char *label;  /* for messages */
	const char *prefix; /* what a value starts with (any case) */
	const char *family; /* the family it is written for; NULL: read only */
	parse_fn parse;
	format_fn format;
};

/* The fields after a notation's name: s (len bytes) without the prefix
 * plen, cut at '$'; exactly n of them. */
static int
fields(const char *s, size_t len, size_t plen, const char **f, size_t *fl,
    size_t n, const char **why)
{
	if (xfer_split(s + plen, len - plen, '$', f, fl, n) != n) {
		*why = "wrong number of '$'-separated fields";
		return SASLSTEP_BADPARAM;
	}
	return SASLSTEP_OK;
}

static int
scram_parse(const char *s, size_t len, struct sstep_cred *c, const char **why)
{
	struct sstep_scram_verifier v;
	int r;

	if ((r = sstep_scram_verifier_parse(s, len, &v, why)) != SASLSTEP_OK)
		return r;
	r = sstep_scram_cred_make(&v, c);
	if (r != SASLSTEP_OK)
		*why = "the verifier cannot be stored";
	sstep_scram_verifier_clear(&v);
	return r;
}

static int
scram_format(const struct sstep_cred *c, struct xfer_buf *out, const char **why)
{
	struct sstep_scram_verifier v;
	char *text = NULL;
	size_t len = 0;
	int r;

	if ((r = sstep_scram_cred_parse(c, &v, why)) != SASLSTEP_OK)
		return r;
	if ((r = sstep_scram_verifier_format(&v, &text, &len)) == SASLSTEP_OK)
		xfer_buf_add(out, text, len);
	else
		*why = "the stored verifier is not valid";
	sstep_free_str(text);
	sstep_scram_verifier_clear(&v);
	return r;
}

/*
 * Dovecot's {CRAM-MD5} holds the outer context first
 * (hmac_md5_get_cram_context(): the opad state, then the ipad state, A..D
 * little-endian each); the store keeps the inner one first (crammd5.h).
 * Swapping the halves goes either way.
 */
static void
crammd5_swap(unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN])
{
	unsigned char half[SSTEP_CRAMMD5_CONTEXT_LEN / 2];

	memcpy(half, ctx, sizeof(half));
	memmove(ctx, ctx + sizeof(half), sizeof(half));
	memcpy(ctx + sizeof(half), half, sizeof(half));
	sstep_wipe(half, sizeof(half));
}

static int
crammd5_parse(const char *s, size_t len, struct sstep_cred *c, const char **why)
{
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	size_t plen = strlen("{CRAM-MD5}"), n = 0;
	int r;

	if (xfer_hex_decode(s + plen, len - plen, ctx, sizeof(ctx), &n) != 0 ||
	    n != sizeof(ctx)) {
		*why = "the contexts must be 64 hex digits";
		return SASLSTEP_BADPARAM;
	}
	crammd5_swap(ctx);
	r = sstep_crammd5_cred_from_context(ctx, c, why);
	sstep_wipe(ctx, sizeof(ctx));
	return r;
}

static int
crammd5_format(
    const struct sstep_cred *c, struct xfer_buf *out, const char **why)
{
	unsigned char ctx[SSTEP_CRAMMD5_CONTEXT_LEN];
	int r;

	if ((r = sstep_crammd5_cred_parse(c, ctx, why)) != SASLSTEP_OK)
		return r;
	crammd5_swap(ctx);
	xfer_buf_add(out, "{CRAM-MD5}", strlen("{CRAM-MD5}"));
	xfer_hex_add(out, ctx, sizeof(ctx));
	sstep_wipe(ctx, sizeof(ctx));
	return SASLSTEP_OK;
}

/* OTP$<alg>$<seed>$<seq>$<hex> */
static int
otp_parse(const char *s, size_t len, struct sstep_cred *c, const char **why)
{
	struct sstep_otp_params p;
	unsigned char otp[SSTEP_OTP_LEN];
	const char *f[4];
	size_t fl[4];
	int64_t seq;
	int r;

	memset(&p, 0, sizeof(p));
	if ((r = fields(s, len, strlen("OTP$"), f, fl, 4, why)) != SASLSTEP_OK)
		return r;
	if ((r = sstep_otp_alg_parse(f[0], fl[0], &p.alg, why)) != SASLSTEP_OK)
		return r;
	if ((r = sstep_otp_seed_check(f[1], fl[1], p.seed, why)) != SASLSTEP_OK)
		return r;
	if (xfer_parse_int(f[2], fl[2], 0, SSTEP_OTP_SEQ_MAX, &seq) != 0) {
		*why = "the sequence number must be 0 to 9999";
		return SASLSTEP_BADPARAM;
	}
	p.seq = (unsigned)seq;
	if (fl[3] != SSTEP_OTP_HEX_LEN ||
	    sstep_otp_from_hex(f[3], fl[3], otp, why) != SASLSTEP_OK) {
		*why = "the OTP must be 16 hex digits";
		return SASLSTEP_BADPARAM;
	}
	r = sstep_otp_cred_make(&p, otp, c, why);
	sstep_wipe(otp, sizeof(otp));
	return r;
}

static int
otp_format(const struct sstep_cred *c, struct xfer_buf *out, const char **why)
{
	struct sstep_otp_params p;
	unsigned char otp[SSTEP_OTP_LEN];
	char hex[SSTEP_OTP_HEX_LEN + 1];
	int r;

	if ((r = sstep_otp_cred_parse(c, &p, otp, why)) != SASLSTEP_OK)
		return r;
	sstep_otp_to_hex(otp, hex);
	xfer_buf_addf(out, "OTP$%s$%s$%u$%s", sstep_otp_alg_name(p.alg), p.seed,
	    p.seq, hex);
	sstep_wipe(otp, sizeof(otp));
	sstep_wipe(hex, sizeof(hex));
	return SASLSTEP_OK;
}

/*
 * HOTP$<alg>$<digits>$<counter>$<key> and
 * TOTP$<alg>$<digits>$<period>$<t0>$<counter>$<key>: one parser, the
 * fields of TOTP being those of HOTP with period and t0 in the middle.
 */
static int
oath_parse(enum sstep_oath_kind kind, const char *s, size_t len,
    struct sstep_cred *c, const char **why)
{
	struct sstep_oath_params p;
	unsigned char *key = NULL;
	const char *f[6];
	size_t fl[6], keylen = 0, n = kind == SSTEP_OATH_TOTP ? 6 : 4;
	int64_t digits, period, t0, counter;
	int r;

	sstep_oath_params_default(kind, &p);
	if ((r = fields(s, len, strlen("HOTP$"), f, fl, n, why)) != SASLSTEP_OK)
		return r;
	if ((r = sstep_oath_alg_parse(f[0], fl[0], &p.alg, why)) != SASLSTEP_OK)
		return r;
	if (xfer_parse_int(f[1], fl[1], SSTEP_OATH_DIGITS_MIN,
	        SSTEP_OATH_DIGITS_MAX, &digits) != 0) {
		*why = "the number of digits must be 6 to 8";
		return SASLSTEP_BADPARAM;
	}
	p.digits = (unsigned)digits;
	if (kind == SSTEP_OATH_TOTP) {
		if (xfer_parse_int(
		        f[2], fl[2], 1, SSTEP_OATH_PERIOD_MAX, &period) != 0 ||
		    xfer_parse_int(f[3], fl[3], -SSTEP_OATH_T0_MAX,
		        SSTEP_OATH_T0_MAX, &t0) != 0) {
			*why = "bad period or t0";
			return SASLSTEP_BADPARAM;
		}
		p.period = (unsigned)period;
		p.t0 = t0;
	}
	if (xfer_parse_int(f[n - 2], fl[n - 2], -1, INT64_MAX, &counter) != 0) {
		*why = "bad counter";
		return SASLSTEP_BADPARAM;
	}
	if (sstep_base32_decode(f[n - 1], fl[n - 1], &key, &keylen) !=
	    SASLSTEP_OK) {
		*why = "the key is not base32";
		return SASLSTEP_BADPARAM;
	}
	r = sstep_oath_cred_make(&p, key, keylen, counter, c, why);
	sstep_freezero(key, keylen);
	return r;
}

static int
hotp_parse(const char *s, size_t len, struct sstep_cred *c, const char **why)
{
	return oath_parse(SSTEP_OATH_HOTP, s, len, c, why);
}

static int
totp_parse(const char *s, size_t len, struct sstep_cred *c, const char **why)
{
	return oath_parse(SSTEP_OATH_TOTP, s, len, c, why);
}

static int
oath_format(const struct sstep_cred *c, struct xfer_buf *out, const char **why)
{
	struct sstep_oath_params p;
	enum sstep_oath_kind kind;
	char *key = NULL;
	size_t keylen = 0;
	int r;

	kind = strcmp(c->family, SSTEP_OATH_FAMILY_TOTP) == 0 ? SSTEP_OATH_TOTP
	                                                      : SSTEP_OATH_HOTP;
	if ((r = sstep_oath_cred_parse(kind, c, &p, why)) != SASLSTEP_OK)
		return r;
	/* Unpadded, as in otpauth:// URIs: what apps and oathtool -b take. */
	if ((r = sstep_base32_encode(c->secret, c->secret_len,
	         SSTEP_BASE32_NOPAD, &key, &keylen)) != SASLSTEP_OK) {
		*why = "out of memory";
		return r;
	}
	if (kind == SSTEP_OATH_TOTP)
		xfer_buf_addf(out, "TOTP$%s$%u$%u$%lld$%lld$%s",
		    sstep_oath_alg_name(p.alg), p.digits, p.period,
		    (long long)p.t0, (long long)c->counter, key);
	else
		xfer_buf_addf(out, "HOTP$%s$%u$%lld$%s",
		    sstep_oath_alg_name(p.alg), p.digits, (long long)c->counter,
		    key);
	sstep_freezero(key, keylen);
	return SASLSTEP_OK;
}

static int
recovery_parse(
    const char *s, size_t len, struct sstep_cred *c, const char **why)
{
	size_t plen = strlen("RECOVERY$"), n = 0;
	unsigned char *rec = NULL;
	int r;

	if (sstep_base64_decode(s + plen, len - plen, &rec, &n) !=
	    SASLSTEP_OK) {
		*why = "the records are not base64";
		return SASLSTEP_BADPARAM;
	}
	r = sstep_recovery_cred_from_records(rec, n, c, why);
	sstep_freezero(rec, n);
	return r;
}

static int
recovery_format(
    const struct sstep_cred *c, struct xfer_buf *out, const char **why)
{
	unsigned total = 0;
	char *text = NULL;
	size_t len = 0;
	int r;

	/* Checked by its owner; then carried as the opaque bytes it is. */
	if ((r = sstep_recovery_cred_parse(c, &total, why)) != SASLSTEP_OK)
		return r;
	if ((r = sstep_base64_encode(c->secret, c->secret_len, &text, &len)) !=
	    SASLSTEP_OK) {
		*why = "out of memory";
		return r;
	}
	xfer_buf_addf(out, "RECOVERY$%s", text);
	sstep_freezero(text, len);
	return SASLSTEP_OK;
}

static const struct notation notations[] = {
    {"SCRAM-SHA-1", "SCRAM-SHA-1$", "scram-sha-1", scram_parse, scram_format},
    {"SCRAM-SHA-256", "SCRAM-SHA-256$", "scram-sha-256", scram_parse,
        scram_format},
    {"SCRAM-SHA-512", "SCRAM-SHA-512$", "scram-sha-512", scram_parse,
        scram_format},
    {"{SCRAM}", "{SCRAM-", NULL, scram_parse, NULL},
    {"{CRAM-MD5}", "{CRAM-MD5}", SSTEP_CRAMMD5_FAMILY, crammd5_parse,
        crammd5_format},
    {"OTP", "OTP$", "otp", otp_parse, otp_format},
    {"HOTP", "HOTP$", SSTEP_OATH_FAMILY_HOTP, hotp_parse, oath_format},
    {"TOTP", "TOTP$", SSTEP_OATH_FAMILY_TOTP, totp_parse, oath_format},
    {"RECOVERY", "RECOVERY$", SSTEP_RECOVERY_FAMILY, recovery_parse,
        recovery_format},
};
#define NNOTATIONS (sizeof(notations) / sizeof(notations[0]))

/* ---------------------------------------------------------------------- */
/* Import of the native format */

/* Decode the %XX escapes of a name (len bytes at s) into out. */
static int
name_decode(
    const char *s, size_t len, char out[SSTEP_NAME_MAX + 1], size_t *outlen)
{
	unsigned char byte;
	size_t i, n = 0, one;

	for (i = 0; i < len; i++) {
		if (n == SSTEP_NAME_MAX)
			return -1;
		if (s[i] != '%') {
			out[n++] = s[i];
			continue;
		}
		if (len - i < 3 ||
		    xfer_hex_decode(s + i + 1, 2, &byte, 1, &one) != 0)
			return -1;
		out[n++] = (char)byte;
		i += 2;
	}
	out[n] = '\0';
	*outlen = n;
	return 0;
}

static int
blank(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return 0;
	return 1;
}

static int
same_word(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static int
read_native(struct xfer_input *in, const char *user, struct xfer_batch *b)
{
	struct sstep_cred c;
	char name[SSTEP_NAME_MAX + 1];
	const char *line, *colon, *val, *why;
	size_t len, vlen, namelen, plen, i;
	int r;

	(void)user;
	memset(&c, 0, sizeof(c));
	while ((r = xfer_input_line(in, &line, &len)) == 1) {
		if (len == 0 || line[0] == '#' || blank(line, len))
			continue;
		/* No value ends in a blank: those are an editor's. */
		while (line[len - 1] == ' ' || line[len - 1] == '\t')
			len--;
		if ((colon = memchr(line, ':', len)) == NULL)
			return xfer_error(in, "expected NAME:USER or "
			                      "NAME:CREDENTIAL");
		if (name_decode(line, (size_t)(colon - line), name, &namelen) !=
		    0)
			return xfer_error(in, "bad user name (too long, or a "
			                      "'%%' not followed by two hex "
			                      "digits)");
		val = colon + 1;
		vlen = len - (size_t)(val - line);
		if (same_word(val, vlen, USER_WORD) ||
		    same_word(val, vlen, USER_LOCKED)) {
			if (xfer_add_user(b, in, name, namelen,
			        vlen == strlen(USER_LOCKED)) != CLI_OK)
				return CLI_FAIL;
			continue;
		}
		for (i = 0; i < NNOTATIONS; i++) {
			plen = strlen(notations[i].prefix);
			if (vlen >= plen &&
			    strncasecmp(val, notations[i].prefix, plen) == 0)
				break;
		}
		if (i == NNOTATIONS)
			return xfer_error(in, "unknown credential notation "
			                      "(see saslstep(1))");
		why = "malformed";
		r = notations[i].parse(val, vlen, &c, &why);
		if (r != SASLSTEP_OK) {
			sstep_cred_clear(&c);
			return xfer_error(
			    in, "%s: %s", notations[i].label, why);
		}
		if (xfer_add_cred(b, in, name, namelen, &c) != CLI_OK)
			return CLI_FAIL;
	}
	return r == 0 ? CLI_OK : CLI_FAIL;
}

/* ---------------------------------------------------------------------- */
/* saslstep import */

/* The formats import reads: the native one and other tools' files. */
static const struct import_format {
	const char *name;
	int needs_user; /* --user names the one user the file is about */
	size_t max;     /* bytes; 0: XFER_INPUT_MAX */
	int (*read)(
	    struct xfer_input *in, const char *user, struct xfer_batch *b);
} formats[] = {
    {"saslstep", 0, 0, read_native},
    {"pam_oath", 0, 0, xfer_read_pam_oath},
    /* pam_google_authenticator refuses files above 64 KiB. */
    {"google-authenticator", 1, 64 * 1024, xfer_read_google_auth},
};

static int
transfer_import(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"from", required_argument, NULL, 'f'},
	    {"user", required_argument, NULL, 'u'},
	    {"check", no_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	const struct import_format *fmt = &formats[0];
	const char *from = NULL, *user = NULL;
	struct xfer_input in;
	struct xfer_batch b;
	saslstep_store_t *st = NULL;
	int c, ind = 0, check = 0, ret = CLI_FAIL;
	size_t i;

	memset(&in, 0, sizeof(in));
	memset(&b, 0, sizeof(b));
	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'f':
			from = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'c':
			check = 1;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - ind, 0, 1) != CLI_OK)
		return CLI_USAGE;
	if (from != NULL) {
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(from, formats[i].name) == 0)
				break;
		if (i == sizeof(formats) / sizeof(formats[0]))
			return cli_usage_error(self,
			    "unknown format: %s (pam_oath, "
			    "google-authenticator)",
			    from);
		fmt = &formats[i];
	}
	if (fmt->needs_user && user == NULL)
		return cli_usage_error(
		    self, "--from %s needs --user", fmt->name);
	if (!fmt->needs_user && user != NULL)
		return cli_usage_error(
		    self, "--user goes with --from google-authenticator");

	/* Everything is read and checked before the store is opened: a bad
	 * file leaves the store as it was, or never makes one. */
	if (xfer_input_read(&in, argc > ind ? argv[ind] : NULL, fmt->max) !=
	        CLI_OK ||
	    fmt->read(&in, user, &b) != CLI_OK ||
	    xfer_batch_check(&b, &in) != CLI_OK)
		goto out;
	if (check) {
		printf("%s: %zu credential%s of %zu user%s, no errors "
		       "(nothing written)\n",
		    in.name, b.creds, b.creds == 1 ? "" : "s", b.users,
		    b.users == 1 ? "" : "s");
		ret = CLI_OK;
		goto out;
	}
	if (cli_store_open(cli, SSTEP_STORE_CREATE, &st) != CLI_OK ||
	    xfer_batch_write(st, &b, &in) != CLI_OK)
		goto out;
	printf("imported %zu credential%s of %zu user%s from %s\n", b.creds,
	    b.creds == 1 ? "" : "s", b.users, b.users == 1 ? "" : "s", in.name);
	ret = CLI_OK;
out:
	sstep_store_close(st);
	xfer_batch_free(&b);
	xfer_input_free(&in);
	return ret;
}

/* ---------------------------------------------------------------------- */
/* saslstep export */

struct export_state {
	saslstep_store_t *st;
	struct xfer_buf out;
	char (*names)[SSTEP_NAME_MAX + 1];
	int *locked;
	size_t n, cap;
	char families[64][SSTEP_FAMILY_MAX]; /* of one user */
	size_t nfam;
	int nomem, toomany;
};

static int
collect_user(const struct sstep_user *u, void *arg)
{
	struct export_state *x = arg;
	char(*names)[SSTEP_NAME_MAX + 1];
	int *locked;
	size_t ncap;

	if (x->n == x->cap) {
		ncap = x->cap > 0 ? x->cap * 2 : 64;
		if (ncap > SIZE_MAX / sizeof(*names) ||
		    (names = realloc(x->names, ncap * sizeof(*names))) ==
		        NULL) {
			x->nomem = 1;
			return 1;
		}
		x->names = names;
		if ((locked = realloc(x->locked, ncap * sizeof(*locked))) ==
		    NULL) {
			x->nomem = 1;
			return 1;
		}
		x->locked = locked;
		x->cap = ncap;
	}
	memcpy(x->names[x->n], u->name, sizeof(u->name));
	x->locked[x->n] = u->locked;
	x->n++;
	return 0;
}

static int
collect_family(const struct sstep_cred *c, void *arg)
{
	struct export_state *x = arg;

	if (x->nfam == sizeof(x->families) / sizeof(x->families[0])) {
		x->toomany = 1;
		return 1;
	}
	memcpy(x->families[x->nfam++], c->family, SSTEP_FAMILY_MAX);
	return 0;
}

/* The name as the format writes it (see the top of this file). */
static void
name_encode(struct xfer_buf *out, const char *name)
{
	const char *p;

	for (p = name; *p != '\0'; p++) {
		if (*p == '%' || (*p == '#' && p == name))
			xfer_buf_addf(out, "%%%02X", (unsigned char)*p);
		else
			xfer_buf_add(out, p, 1);
	}
}

/* One user's lines into x->out. */
static int
export_user(struct export_state *x, size_t u)
{
	const char *name = x->names[u], *why = "malformed";
	struct sstep_cred c;
	size_t i, j;
	int r;

	name_encode(&x->out, name);
	xfer_buf_addf(&x->out, ":%s\n", x->locked[u] ? USER_LOCKED : USER_WORD);
	x->nfam = 0;
	if ((r = sstep_store_cred_list(x->st, name, collect_family, x)) !=
	    SASLSTEP_OK)
		return cli_store_error(x->st, r, name);
	if (x->toomany)
		return cli_error("export: %s: too many credentials", name);
	for (i = 0; i < x->nfam; i++) {
		for (j = 0; j < NNOTATIONS; j++)
			if (notations[j].family != NULL &&
			    strcmp(notations[j].family, x->families[i]) == 0)
				break;
		if (j == NNOTATIONS)
			return cli_error("export: %s: no notation for "
			                 "credential family %s",
			    name, x->families[i]);
		r = sstep_store_cred_get(x->st, name, x->families[i], &c);
		if (r != SASLSTEP_OK)
			return cli_store_error(x->st, r, name);
		name_encode(&x->out, name);
		xfer_buf_add(&x->out, ":", 1);
		r = notations[j].format(&c, &x->out, &why);
		sstep_cred_clear(&c);
		if (r != SASLSTEP_OK)
			return cli_error("export: %s: %s credential: %s", name,
			    x->families[i], why);
		xfer_buf_add(&x->out, "\n", 1);
	}
	return CLI_OK;
}

/* Write n bytes at p to fd; 0, or -1 with errno. */
static int
write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Write the export to path as a 0600 file: a new file beside it, renamed
 * over it once complete, so that a failure leaves any older export whole.
 */
static int
write_file(const char *path, const char *p, size_t n)
{
	char *tmp = NULL;
	int fd = -1, ret = CLI_FAIL;

	if (asprintf(&tmp, "%s.XXXXXX", path) == -1) {
		tmp = NULL;
		return cli_error("out of memory");
	}
	/* mkstemp() makes the file 0600 whatever the umask. */
	if ((fd = mkstemp(tmp)) == -1) {
		cli_error("export: cannot create a file beside %s: %s", path,
		    strerror(errno));
		free(tmp);
		return CLI_FAIL;
	}
	if (write_all(fd, p, n) != 0 || fsync(fd) != 0) {
		cli_error("export: %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		cli_error("export: %s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		cli_error("export: %s: %s", path, strerror(errno));
		goto out;
	}
	ret = CLI_OK;
out:
	if (fd != -1)
		close(fd);
	if (ret != CLI_OK)
		(void)unlink(tmp);
	free(tmp);
	return ret;
}

static int
transfer_export(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"output", required_argument, NULL, 'o'}, {NULL, 0, NULL, 0}};
	struct export_state x;
	const char *output = NULL;
	int c, r, ind = 0, ret = CLI_FAIL, in_txn = 0;
	size_t u;

	memset(&x, 0, sizeof(x));
	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		if (c != 'o')
			return CLI_USAGE;
		output = optarg;
	}
	if (cli_check_operands(self, argc - ind, 0, 0) != CLI_OK)
		return CLI_USAGE;
	if (output != NULL && *output == '\0')
		return cli_usage_error(self, "--output needs a file name");
	if (cli_store_open(cli, 0, &x.st) != CLI_OK)
		return CLI_FAIL;
	/*
	 * A read-only transaction: the export is one consistent picture of
	 * the store (no counter moving between two lines, no user gone
	 * between their lines), and logins go on meanwhile.  It ends as
	 * soon as everything is in memory, before any output.
	 */
	if ((r = sstep_store_begin_read(x.st)) != SASLSTEP_OK) {
		cli_store_error(x.st, r, NULL);
		goto out;
	}
	in_txn = 1;
	xfer_buf_add(&x.out, EXPORT_HEADER, strlen(EXPORT_HEADER));
	if ((r = sstep_store_user_list(x.st, collect_user, &x)) !=
	    SASLSTEP_OK) {
		cli_store_error(x.st, r, NULL);
		goto out;
	}
	if (x.nomem) {
		cli_error("out of memory");
		goto out;
	}
	for (u = 0; u < x.n; u++)
		if (export_user(&x, u) != CLI_OK)
			goto out;
	sstep_store_rollback(x.st);
	in_txn = 0;
	if (x.out.nomem) {
		cli_error("out of memory");
		goto out;
	}
	if (output != NULL) {
		ret = write_file(output, x.out.p, x.out.len);
		goto out;
	}
	if (isatty(STDOUT_FILENO))
		fputs("saslstep: warning: the export holds every secret of "
		      "the store\n",
		    stderr);
	/* write(2), not stdio: no copy of the secrets in a stdio buffer. */
	fflush(stdout);
	if (write_all(STDOUT_FILENO, x.out.p, x.out.len) != 0) {
		cli_error("export: standard output: %s", strerror(errno));
		goto out;
	}
	ret = CLI_OK;
out:
	if (in_txn)
		sstep_store_rollback(x.st);
	sstep_store_close(x.st);
	xfer_buf_free(&x.out);
	free(x.names);
	free(x.locked);
	return ret;
}

const struct cli_cmd cli_transfer_cmds[] = {
    {"export", "[--output FILE]",
        "Write every user and credential of the store as text, one a\n"
        "line, in the format saslstep(1) describes: SCRAM verifiers in\n"
        "RFC 5803 / PostgreSQL notation, CRAM-MD5 in Dovecot's, the rest\n"
        "in saslstep's own.\n"
        "The output holds every secret of the store: --output FILE\n"
        "writes a new 0600 file (replacing FILE only when complete);\n"
        "otherwise it goes to stdout, which should not be a terminal.\n",
        CLI_DB, transfer_export},
    {"import", "[--from FORMAT [--user U]] [--check] [FILE]",
        "Read users and credentials from FILE (default: stdin) into the\n"
        "store: all or nothing; an error names the line and changes\n"
        "nothing.  Without --from, the format of saslstep export (SCRAM\n"
        "verifiers also in Dovecot and gsasl --mkpasswd notation).\n"
        "  --from pam_oath        a pam_oath usersfile (HOTP, HOTP/T30/6\n"
        "                         ...), counters and last OTP kept\n"
        "  --from google-authenticator --user U\n"
        "                         a ~/.google_authenticator file, for\n"
        "                         user U; scratch codes become recovery\n"
        "                         codes\n"
        "  --check                read and check only, write nothing\n",
        CLI_DB, transfer_import},
    {NULL, NULL, NULL, 0, NULL}};

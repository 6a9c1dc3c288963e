/*
 * cmd-oath.c: saslstep totp init|show|resync and hotp init|show|resync:
 * enrol a user for TOTP (RFC 6238) or HOTP (RFC 4226) and give the person
 * the key the way authenticator apps take it: base32, an otpauth:// URI
 * (the Key URI format of Google Authenticator, which the other apps
 * follow) and a QR code of that URI, on the terminal and optionally as a
 * PNG.  The credential layout and all code arithmetic are mechs/oath.h's;
 * this file makes the key, reads the options and prints.
 *
 * Each command serves both kinds: the first word of its name says which.
 * The key and everything spelling it (base32, URI, QR modules, the stdout
 * buffer) are wiped once printed; nothing here logs.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cli.h"
#include "oath.h"
#include "qr.h"
#include "store.h"

/* An issuer is a short name for the account list of an app. */
#define ISSUER_MAX 64

/* What decides how a key is shown, besides the credential itself. */
struct show_opts {
	const char *issuer; /* NULL: the host name; "": none */
	const char *png;    /* --qr-png FILE, or NULL */
};

static enum sstep_oath_kind
kind_of(const struct cli_cmd *self)
{
	return strncmp(self->name, "hotp ", 5) == 0 ? SSTEP_OATH_HOTP
	                                            : SSTEP_OATH_TOTP;
}

static const char *
kind_upper(enum sstep_oath_kind kind)
{
	return kind == SSTEP_OATH_HOTP ? "HOTP" : "TOTP";
}

/* The Key URI format allows no colon in an issuer (it separates issuer
 * and account in the label); control characters have no place either. */
static int
issuer_ok(const char *s)
{
	const unsigned char *p;

	if (strlen(s) > ISSUER_MAX)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p == ':' || *p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Options of init (alg, digits, period for TOTP) and of init and show
 * (issuer, qr-png); p may be NULL for show, whose longopts lack the
 * former.  Returns CLI_OK with *ind at the first operand, or CLI_USAGE.
 */
static int
parse_opts(const struct cli_cmd *self, const struct option *longopts, int argc,
    char **argv, struct sstep_oath_params *p, struct show_opts *o, int *ind)
{
	struct sstep_oath_params unused;
	const char *why = NULL;
	unsigned long v;
	int c, check = p != NULL;

	/* show's longopts have no init option to write to p. */
	if (p == NULL)
		p = &unused;
	*ind = 0;
	while ((c = cli_getopt(self, argc, argv, longopts, ind)) != -1) {
		switch (c) {
		case 'a':
			if (sstep_oath_alg_parse(optarg, strlen(optarg),
			        &p->alg, &why) != SASLSTEP_OK)
				return cli_usage_error(self,
				    "--alg %s: use sha1, sha256 or sha512",
				    optarg);
			break;
		case 'd':
			if (cli_parse_uint(optarg, SSTEP_OATH_DIGITS_MIN,
			        SSTEP_OATH_DIGITS_MAX, &v) != 0)
				return cli_usage_error(self,
				    "--digits must be from %d to %d",
				    SSTEP_OATH_DIGITS_MIN,
				    SSTEP_OATH_DIGITS_MAX);
			p->digits = (unsigned)v;
			break;
		case 'p':
			if (cli_parse_uint(
			        optarg, 1, SSTEP_OATH_PERIOD_MAX, &v) != 0)
				return cli_usage_error(self,
				    "--period must be from 1 to %d seconds",
				    SSTEP_OATH_PERIOD_MAX);
			p->period = (unsigned)v;
			break;
		case 'i':
			if (!issuer_ok(optarg))
				return cli_usage_error(self,
				    "--issuer: at most %d bytes, no colon "
				    "or control character",
				    ISSUER_MAX);
			o->issuer = optarg;
			break;
		case 'q':
			if (*optarg == '\0')
				return cli_usage_error(
				    self, "--qr-png needs a file name");
			o->png = optarg;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - *ind, 1, 1) != CLI_OK)
		return CLI_USAGE;
	if (check && sstep_oath_params_check(p, &why) != SASLSTEP_OK)
		return cli_usage_error(
		    self, "%s", why != NULL ? why : "bad parameters");
	return CLI_OK;
}

/* The default issuer: this host's name, so that a person with accounts
 * on several machines can tell them apart in the app. */
static const char *
default_issuer(char buf[HOST_NAME_MAX + 1])
{
	if (gethostname(buf, HOST_NAME_MAX + 1) != 0)
		return "";
	buf[HOST_NAME_MAX] = '\0';
	return issuer_ok(buf) ? buf : "";
}

/* s percent-encoded (RFC 3986 s. 2.1): all but the unreserved characters
 * (s. 2.3), so a space is %20 as the Key URI format wants.  Returns a
 * malloc'ed string, or NULL when out of memory. */
static char *
pct_encode(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	char *out, *o;

	if ((out = malloc(3 * strlen(s) + 1)) == NULL)
		return NULL;
	for (o = out, p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' ||
		    *p == '_' || *p == '~') {
			*o++ = (char)*p;
		} else {
			*o++ = '%';
			*o++ = hex[*p >> 4];
			*o++ = hex[*p & 0x0f];
		}
	}
	*o = '\0';
	return out;
}

/* The parts of an otpauth:// URI, percent-encoded where needed. */
struct uri_parts {
	const char *kind, *issuer, *user, *b32, *alg;
	unsigned digits;
	const char *last; /* "period" (TOTP) or "counter" (HOTP) */
	long long last_value;
};

/* snprintf() of the URI, so its length can be taken before it is made. */
static int
uri_format(char *buf, size_t size, const struct uri_parts *u)
{
	int has_issuer = *u->issuer != '\0';

	return snprintf(buf, size,
	    "otpauth://%s/%s%s%s?secret=%s%s%s&algorithm=%s&digits=%u&%s=%lld",
	    u->kind, u->issuer, has_issuer ? ":" : "", u->user, u->b32,
	    has_issuer ? "&issuer=" : "", u->issuer, u->alg, u->digits, u->last,
	    u->last_value);
}

/*
 * The otpauth:// URI of a key (Key URI format):
 *   otpauth://KIND/[ISSUER:]USER?secret=B32[&issuer=ISSUER]
 *       &algorithm=SHA1&digits=6(&period=30|&counter=N)
 * b32 is the unpadded base32 key.  Returns CLI_OK with *uri malloc'ed (a
 * secret: free with sstep_free_str), or CLI_FAIL.
 */
static int
make_uri(const struct sstep_oath_params *p, const char *user,
    const char *issuer, const char *b32, int64_t counter, char **uri)
{
	struct uri_parts u;
	char *enc_user = NULL, *enc_issuer = NULL, *s = NULL;
	int len, ret = CLI_FAIL;

	*uri = NULL;
	if ((enc_user = pct_encode(user)) == NULL ||
	    (enc_issuer = pct_encode(issuer)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	u.kind = sstep_oath_family(p->kind);
	u.issuer = enc_issuer;
	u.user = enc_user;
	u.b32 = b32;
	/* Apps want the algorithm in upper case: "SHA1", not "sha1". */
	u.alg = p->alg == SSTEP_OATH_SHA512   ? "SHA512"
	        : p->alg == SSTEP_OATH_SHA256 ? "SHA256"
	                                      : "SHA1";
	u.digits = p->digits;
	u.last = p->kind == SSTEP_OATH_TOTP ? "period" : "counter";
	u.last_value = p->kind == SSTEP_OATH_TOTP ? (long long)p->period
	                                          : (long long)counter;
	if ((len = uri_format(NULL, 0, &u)) < 0) {
		cli_error("cannot format the URI");
		goto out;
	}
	if ((s = malloc((size_t)len + 1)) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if (uri_format(s, (size_t)len + 1, &u) != len) {
		cli_error("cannot format the URI");
		goto out;
	}
	*uri = s;
	s = NULL; /* transferred */
	ret = CLI_OK;
out:
	sstep_free_str(s);
	free(enc_user);
	free(enc_issuer);
	return ret;
}

/* Write the base32 key in groups of four, as apps show a setup key. */
static void
put_grouped(const char *b32)
{
	size_t i;

	for (i = 0; b32[i] != '\0'; i++) {
		if (i > 0 && i % 4 == 0)
			putchar(' ');
		putchar(b32[i]);
	}
	putchar('\n');
}

/* Colours only for a terminal that has them; a file or pipe gets the
 * plain drawing. */
static int
stdout_colour(void)
{
	const char *term = getenv("TERM");

	return isatty(STDOUT_FILENO) && term != NULL && *term != '\0' &&
	       strcmp(term, "dumb") != 0;
}

/*
 * What a person needs to set up an app: a summary line, the key in base32,
 * the URI and the QR code (terminal, and o->png when set).  In two halves
 * so that init can write the store between them: show_prepare() makes the
 * texts and the PNG (what can fail), show_print() prints.
 */
struct shown {
	char *b32;
	char *uri;
};

static void
shown_clear(struct shown *sh)
{
	sstep_free_str(sh->b32);
	sstep_free_str(sh->uri);
	sh->b32 = sh->uri = NULL;
}

/* Make the base32 key and the URI, and write the PNG if asked for. */
static int
show_prepare(const char *user, const struct sstep_oath_params *p,
    const unsigned char *key, size_t keylen, int64_t counter,
    const struct show_opts *o, struct shown *sh)
{
	char host[HOST_NAME_MAX + 1];
	const char *issuer;
	size_t b32len;

	sh->b32 = sh->uri = NULL;
	issuer = o->issuer != NULL ? o->issuer : default_issuer(host);
	/* The Key URI format asks for base32 without padding. */
	if (sstep_base32_encode(key, keylen, SSTEP_BASE32_NOPAD, &sh->b32,
	        &b32len) != SASLSTEP_OK) {
		cli_error("out of memory");
		goto fail;
	}
	if (make_uri(p, user, issuer, sh->b32, counter, &sh->uri) != CLI_OK)
		goto fail;
	if (o->png != NULL && sstep_qr_write_png(o->png, sh->uri) != 0)
		goto fail;
	return CLI_OK;
fail:
	shown_clear(sh);
	return CLI_FAIL;
}

static int
show_print(const char *user, const struct sstep_oath_params *p, int64_t counter,
    const struct show_opts *o, const struct shown *sh)
{
	cli_put_safe(stdout, user);
	printf(": %s %s, %u digits, ", kind_upper(p->kind),
	    sstep_oath_alg_name(p->alg), p->digits);
	if (p->kind == SSTEP_OATH_TOTP)
		printf("%u s time step\n", p->period);
	else
		printf("counter %lld\n", (long long)counter);
	if (p->kind == SSTEP_OATH_TOTP && p->t0 != 0)
		printf("note: t0 is %lld (a resynchronisation moved it); the "
		       "URI cannot say so,\n"
		       "      so a new app set up from it is off by that "
		       "much\n",
		    (long long)p->t0);
	fputs("secret: ", stdout);
	put_grouped(sh->b32);
	printf("uri: %s\n", sh->uri);
	if (o->png != NULL) {
		fputs("qr-png: ", stdout);
		cli_put_safe(stdout, o->png);
		fputs(" (mode 0600: it holds the key)\n", stdout);
	}
	fputs("Scan this with an authenticator app, or type the secret into "
	      "it:\n",
	    stdout);
	if (sstep_qr_print(stdout, sh->uri, stdout_colour()) != 0)
		return CLI_FAIL;
	return CLI_OK;
}

/* New keys are as long as the HMAC's output (RFC 4226 R6 asks for at
 * least 128 bits, recommends 160; RFC 6238 s. 5.1 the digest length). */
static size_t
key_length(enum sstep_oath_alg alg)
{
	switch (alg) {
	case SSTEP_OATH_SHA256:
		return 32;
	case SSTEP_OATH_SHA512:
		return 64;
	default:
		return 20;
	}
}

static int
oath_init(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option totp_opts[] = {
	    {"alg", required_argument, NULL, 'a'},
	    {"digits", required_argument, NULL, 'd'},
	    {"period", required_argument, NULL, 'p'},
	    {"issuer", required_argument, NULL, 'i'},
	    {"qr-png", required_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
	/* HOTP: the same without --period */
	static const struct option hotp_opts[] = {
	    {"alg", required_argument, NULL, 'a'},
	    {"digits", required_argument, NULL, 'd'},
	    {"issuer", required_argument, NULL, 'i'},
	    {"qr-png", required_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
	enum sstep_oath_kind kind = kind_of(self);
	struct sstep_oath_params p;
	struct show_opts o = {NULL, NULL};
	struct shown sh = {NULL, NULL};
	saslstep_store_t *st = NULL;
	unsigned char key[SSTEP_OATH_KEY_MAX];
	const char *why = NULL, *name;
	size_t keylen;
	int ind, rc, ret = CLI_FAIL;

	sstep_oath_params_default(kind, &p);
	if (parse_opts(self, kind == SSTEP_OATH_TOTP ? totp_opts : hotp_opts,
	        argc, argv, &p, &o, &ind) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	cli_secret_output();
	keylen = key_length(p.alg);
	if (RAND_bytes(key, (int)keylen) != 1) {
		cli_error("cannot get random bytes");
		goto out;
	}
	/* The store is opened (and made) before anything is written, and
	 * written last: a failure leaves the old key in place and no PNG. */
	if (cli_store_open(cli, SSTEP_STORE_CREATE, &st) != CLI_OK ||
	    show_prepare(name, &p, key, keylen, 0, &o, &sh) != CLI_OK)
		goto out;
	if ((rc = sstep_oath_enrol(st, name, &p, key, keylen, &why)) !=
	    SASLSTEP_OK) {
		cli_enrol_error(st, rc, name, why);
		if (o.png != NULL)
			unlink(o.png);
		goto out;
	}
	ret = show_print(name, &p, 0, &o, &sh);
out:
	if (cli_secret_output_end() != CLI_OK)
		ret = CLI_FAIL;
	sstep_store_close(st);
	shown_clear(&sh);
	sstep_wipe(key, sizeof(key));
	return ret;
}

static int
oath_show(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"issuer", required_argument, NULL, 'i'},
	    {"qr-png", required_argument, NULL, 'q'}, {NULL, 0, NULL, 0}};
	enum sstep_oath_kind kind = kind_of(self);
	struct sstep_oath_params p;
	struct sstep_cred c;
	struct show_opts o = {NULL, NULL};
	struct shown sh = {NULL, NULL};
	saslstep_store_t *st = NULL;
	const char *why = NULL, *name;
	int ind, rc, ret = CLI_FAIL;

	memset(&c, 0, sizeof(c));
	if (parse_opts(self, opts, argc, argv, NULL, &o, &ind) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	/* The store is root's; a copy of it elsewhere is no reason to print
	 * a key to whoever can read that copy. */
	if (geteuid() != 0)
		return cli_error("%s show prints the secret key: only root "
		                 "may run it",
		    sstep_oath_family(kind));
	cli_secret_output();
	if (cli_store_open(cli, 0, &st) != CLI_OK)
		goto out;
	if ((rc = sstep_store_cred_get(
	         st, name, sstep_oath_family(kind), &c)) != SASLSTEP_OK) {
		if (rc == SASLSTEP_NOUSER)
			cli_error("no %s key for %s", kind_upper(kind), name);
		else
			cli_store_error(st, rc, name);
		goto out;
	}
	if (sstep_oath_cred_parse(kind, &c, &p, &why) != SASLSTEP_OK) {
		cli_error("%s: stored %s credential unusable: %s", name,
		    kind_upper(kind), why != NULL ? why : "malformed");
		goto out;
	}
	if (show_prepare(
	        name, &p, c.secret, c.secret_len, c.counter, &o, &sh) != CLI_OK)
		goto out;
	ret = show_print(name, &p, c.counter, &o, &sh);
out:
	if (cli_secret_output_end() != CLI_OK)
		ret = CLI_FAIL;
	sstep_store_close(st);
	shown_clear(&sh);
	sstep_cred_clear(&c);
	return ret;
}

/* A code typed by a person: 6 to 8 digits. */
static int
code_ok(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return s[n] == '\0' && n >= SSTEP_OATH_DIGITS_MIN &&
	       n <= SSTEP_OATH_DIGITS_MAX;
}

static int
oath_resync(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	enum sstep_oath_kind kind = kind_of(self);
	saslstep_store_t *st = NULL;
	const char *why = NULL, *name, *c1, *c2;
	int64_t drift = 0;
	int ind, rc, ret = CLI_FAIL;

	if (cli_no_options(self, argc, argv, 3, 3, &ind) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	c1 = argv[ind + 1];
	c2 = argv[ind + 2];
	if (!code_ok(c1) || !code_ok(c2))
		return cli_usage_error(self,
		    "CODE1 and CODE2 are %d to %d digits",
		    SSTEP_OATH_DIGITS_MIN, SSTEP_OATH_DIGITS_MAX);
	if (cli_store_open(cli, 0, &st) != CLI_OK)
		return CLI_FAIL;
	rc = sstep_oath_resync(
	    st, name, kind, c1, strlen(c1), c2, strlen(c2), 0, &drift, &why);
	switch (rc) {
	case SASLSTEP_OK:
		cli_put_safe(stdout, name);
		if (kind == SSTEP_OATH_HOTP)
			printf(
			    ": HOTP resynchronised: the token was %lld ahead\n",
			    (long long)drift);
		else
			printf(": TOTP resynchronised: the token's clock is "
			       "%lld time steps %s\n",
			    (long long)(drift < 0 ? -drift : drift),
			    drift < 0 ? "behind" : "ahead");
		ret = CLI_OK;
		break;
	case SASLSTEP_NOUSER:
		cli_error("no %s key for %s", kind_upper(kind), name);
		break;
	case SASLSTEP_BADPROT:
		cli_error("%s", why != NULL ? why : "wrong number of digits");
		break;
	case SASLSTEP_BADAUTH:
		cli_error("no two consecutive codes match within the search "
		          "window (or a login used the key meanwhile): nothing "
		          "changed");
		break;
	default:
		cli_enrol_error(st, rc, name, why);
		break;
	}
	sstep_store_close(st);
	return ret;
}

#define INIT_HELP_COMMON                                                       \
	"  --alg sha1|sha256|sha512   HMAC hash (default sha1; the key is\n"   \
	"                             20, 32 or 64 random bytes)\n"            \
	"  --digits 6|7|8             code length (default 6)\n"
#define SHOW_HELP_COMMON                                                       \
	"  --issuer NAME              the account's issuer in the app\n"       \
	"                             (default: this host's name; \"\" for\n"  \
	"                             none)\n"                                 \
	"  --qr-png FILE              also write the QR code to FILE as a\n"   \
	"                             PNG (mode 0600)\n"

const struct cli_cmd cli_oath_cmds[] = {
    {"totp init",
        "U [--alg sha1|sha256|sha512] [--digits 6|7|8] [--period S] "
        "[--issuer NAME] [--qr-png FILE]",
        "Enrol user U for TOTP (RFC 6238) with a new random key, creating\n"
        "the store if it is missing and replacing any TOTP key U had.\n"
        "Prints the key in base32, as an otpauth:// URI and as a QR code\n"
        "for an authenticator app.  The output holds the key: show it to\n"
        "the user only.\n"
        "\n" INIT_HELP_COMMON
        "  --period S                 seconds of a time step, 1..3600\n"
        "                             (default 30)\n" SHOW_HELP_COMMON,
        CLI_DB, oath_init},
    {"totp show", "U [--issuer NAME] [--qr-png FILE]",
        "Print user U's TOTP key again as totp init did (root only).\n"
        "\n" SHOW_HELP_COMMON,
        CLI_DB, oath_show},
    {"totp resync", "U CODE1 CODE2",
        "Resynchronise U's TOTP with a token whose clock is off: CODE1\n"
        "and CODE2 are two consecutive codes it shows, found within 2880\n"
        "time steps (a day of 30 s steps) either side of now.\n",
        CLI_DB, oath_resync},
    {"hotp init",
        "U [--alg sha1|sha256|sha512] [--digits 6|7|8] [--issuer NAME] "
        "[--qr-png FILE]",
        "Enrol user U for HOTP (RFC 4226) with a new random key and\n"
        "counter 0, creating the store if it is missing and replacing\n"
        "any HOTP key U had.  Prints the key as totp init does.\n"
        "\n" INIT_HELP_COMMON SHOW_HELP_COMMON,
        CLI_DB, oath_init},
    {"hotp show", "U [--issuer NAME] [--qr-png FILE]",
        "Print user U's HOTP key again, with the current counter (root\n"
        "only).\n"
        "\n" SHOW_HELP_COMMON,
        CLI_DB, oath_show},
    {"hotp resync", "U CODE1 CODE2",
        "Resynchronise U's HOTP counter with a token that ran ahead:\n"
        "CODE1 and CODE2 are two consecutive codes it shows, found within\n"
        "1000 counter values ahead.\n",
        CLI_DB, oath_resync},
    {NULL, NULL, NULL, 0, NULL}};

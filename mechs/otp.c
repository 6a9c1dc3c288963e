/*
 * otp.c: one-time passwords (RFC 2289, RFC 2243 extended responses) and
 * the OTP SASL mechanism (RFC 2444).
 *
 * The first half is pure functions (hashing, encodings, parsers), shared
 * by the mechanism, the saslstep command and the tests; the second half is
 * the mechanism, server and client.
 *
 * Credential layout in the store, family "otp" (one per user):
 *   params   "<alg> <seed>", e.g. "md5 ke1234": alg md5 or sha1, seed
 *            lower case, 1-16 letters and digits (RFC 2289 s. 6);
 *   secret   the 8 bytes of the last OTP accepted (or of the first OTP of
 *            a new sequence), i.e. the OTP at sequence number `counter`;
 *   counter  that sequence number N.  The next challenge is for N-1, and
 *            a login succeeds when hashing the presented OTP once gives
 *            the secret (RFC 2289 s. 7); the presented OTP and N-1 are
 *            then stored by compare-and-swap.  A counter below 2 means the
 *            sequence is exhausted (RFC 2243 s. 4.3: no challenge below 1).
 *
 * Exchange (RFC 2444 s. 4):
 *   C: authzid NUL authcid
 *   S: otp-<alg> <N-1> <seed> ext
 *   C: a standard response, hex:, word:, init-hex: or init-word:
 *   S: OK, no data.
 * The server holds the store's pending-challenge lock from the challenge
 * to the end of the exchange (RFC 2289 s. 9, race attack).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "saslstep-int.h"
#include "store.h"
#include "mechs.h"
#include "otp.h"

/* The longest server challenge shown to a person as it came. */
#define OTP_SHOWN_CHALLENGE_MAX 256

#define OTP_FAMILY              "otp"
#define OTP_PENDING_TTL         300 /* seconds a challenge may stay open */
#define OTP_CHALLENGE_INPUT_MAX 256 /* bytes of a challenge a client reads */
#define OTP_PARAMS_MAX          32  /* "sha1 <16-char seed>" + NUL fits */
#define OTP_FAKE_SEQ_RANGE      499 /* fake challenges use 1..499 */

/* ---------------------------------------------------------------------- */
/* Pure functions                                                          */
/* ---------------------------------------------------------------------- */

static void
set_why(const char **why, const char *text)
{
	if (why != NULL)
		*why = text;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_alnum(int c)
{
	/* ISO-646 invariant letters and digits only (RFC 2289 s. 6), so
	 * no locale can widen the set. */
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int
to_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

/* Case-insensitive equality of s (n bytes) with the lower-case word w. */
static int
word_eq(const char *s, size_t n, const char *w)
{
	size_t i;

	if (strlen(w) != n)
		return 0;
	for (i = 0; i < n; i++) {
		if (to_lower((unsigned char)s[i]) != w[i])
			return 0;
	}
	return 1;
}

/*
 * The next white-space separated token of s[*pos..len): 1 with *tok and
 * *toklen set and *pos past it, 0 when only white space is left.
 */
static int
next_token(
    const char *s, size_t len, size_t *pos, const char **tok, size_t *toklen)
{
	size_t i = *pos, start;

	while (i < len && is_space((unsigned char)s[i]))
		i++;
	if (i == len) {
		*pos = i;
		return 0;
	}
	start = i;
	while (i < len && !is_space((unsigned char)s[i]))
		i++;
	*tok = s + start;
	*toklen = i - start;
	*pos = i;
	return 1;
}

/*
 * Refuse what no OTP message holds: NUL, other control characters and
 * bytes outside ASCII.  White space (tab, CR, LF included) is allowed.
 */
static int
text_check(const char *s, size_t len, const char **why)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '\0') {
			set_why(why, "NUL byte in the message");
			return -1;
		}
		if ((c < 0x20 && !is_space(c)) || c > 0x7e) {
			set_why(why,
			    "control or non-ASCII character in the message");
			return -1;
		}
	}
	return 0;
}

static const EVP_MD *
alg_md(enum sstep_otp_alg alg)
{
	switch (alg) {
	case SSTEP_OTP_MD5:
		return EVP_md5();
	case SSTEP_OTP_SHA1:
		return EVP_sha1();
	}
	return NULL;
}

const char *
sstep_otp_alg_name(enum sstep_otp_alg alg)
{
	switch (alg) {
	case SSTEP_OTP_MD5:
		return "md5";
	case SSTEP_OTP_SHA1:
		return "sha1";
	}
	return "?";
}

int
sstep_otp_alg_parse(
    const char *name, size_t len, enum sstep_otp_alg *alg, const char **why)
{
	if (word_eq(name, len, "md5")) {
		*alg = SSTEP_OTP_MD5;
		return SASLSTEP_OK;
	}
	if (word_eq(name, len, "sha1")) {
		*alg = SSTEP_OTP_SHA1;
		return SASLSTEP_OK;
	}
	if (word_eq(name, len, "md4"))
		set_why(why, "OTP algorithm md4 is not supported (broken "
		             "hash); use md5 or sha1");
	else
		set_why(why, "unknown OTP algorithm (md5 or sha1 expected)");
	return SASLSTEP_BADVERS;
}

int
sstep_otp_seed_check(const char *seed, size_t len,
    char out[SSTEP_OTP_SEED_MAX + 1], const char **why)
{
	size_t i;

	/* The three refusals of RFC 2289 appendix C, "Seed Values". */
	if (len < 1 || len > SSTEP_OTP_SEED_MAX) {
		set_why(
		    why, "seed must be between 1 and 16 characters in length");
		return SASLSTEP_BADPARAM;
	}
	for (i = 0; i < len; i++) {
		if (is_space((unsigned char)seed[i])) {
			set_why(why, "seed must not contain any spaces");
			return SASLSTEP_BADPARAM;
		}
	}
	for (i = 0; i < len; i++) {
		if (!is_alnum((unsigned char)seed[i])) {
			set_why(why, "seed must be purely alphanumeric");
			return SASLSTEP_BADPARAM;
		}
	}
	for (i = 0; i < len; i++)
		out[i] = (char)to_lower((unsigned char)seed[i]);
	out[len] = '\0';
	return SASLSTEP_OK;
}

int
sstep_otp_pass_check(const char *pass, size_t len, const char **why)
{
	if (len < SSTEP_OTP_PASS_MIN) {
		set_why(why, "pass phrase too short (at least 10 characters)");
		return SASLSTEP_BADPARAM;
	}
	if (len > SSTEP_OTP_PASS_MAX) {
		set_why(why, "pass phrase longer than 63 characters");
		return SASLSTEP_BADPARAM;
	}
	if (memchr(pass, '\0', len) != NULL) {
		set_why(why, "pass phrase contains a NUL byte");
		return SASLSTEP_BADPARAM;
	}
	return SASLSTEP_OK;
}

/*
 * Hash len bytes and fold the digest to 64 bits (RFC 2289 appendix A).
 * MD5: XOR the two halves.  SHA-1: the reference code XORs the five
 * 32-bit words as numbers (w0 ^= w2 ^ w4, w1 ^= w3) and then writes w0
 * and w1 least significant byte first, so each 4-byte group of the
 * big-endian digest comes out reversed.
 */
static int
hash_fold(enum sstep_otp_alg alg, const unsigned char *in, size_t len,
    unsigned char out[SSTEP_OTP_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	const EVP_MD *type;
	int i, r = SASLSTEP_FAIL;

	if ((type = alg_md(alg)) == NULL)
		return SASLSTEP_BADVERS;
	if (EVP_Digest(in, len, md, &mdlen, type, NULL) != 1)
		goto out;
	if (alg == SSTEP_OTP_MD5 && mdlen == 16) {
		for (i = 0; i < 8; i++)
			out[i] = md[i] ^ md[i + 8];
	} else if (alg == SSTEP_OTP_SHA1 && mdlen == 20) {
		for (i = 0; i < 4; i++) {
			out[3 - i] = md[i] ^ md[i + 8] ^ md[i + 16];
			out[7 - i] = md[i + 4] ^ md[i + 12];
		}
	} else
		goto out;
	r = SASLSTEP_OK;
out:
	sstep_wipe(md, sizeof(md));
	return r;
}

int
sstep_otp_hash_once(enum sstep_otp_alg alg,
    const unsigned char in[SSTEP_OTP_LEN], unsigned char out[SSTEP_OTP_LEN])
{
	unsigned char tmp[SSTEP_OTP_LEN];
	int r;

	memcpy(tmp, in, sizeof(tmp)); /* in and out may overlap */
	r = hash_fold(alg, tmp, sizeof(tmp), out);
	sstep_wipe(tmp, sizeof(tmp));
	return r;
}

/* Apply hash and fold n times to otp, in place. */
static int
hash_times(enum sstep_otp_alg alg, unsigned char otp[SSTEP_OTP_LEN], unsigned n)
{
	unsigned i;
	int r;

	for (i = 0; i < n; i++) {
		if ((r = sstep_otp_hash_once(alg, otp, otp)) != SASLSTEP_OK)
			return r;
	}
	return SASLSTEP_OK;
}

int
sstep_otp_compute(enum sstep_otp_alg alg, const char *pass, size_t passlen,
    const char *seed, size_t seedlen, unsigned seq,
    unsigned char out[SSTEP_OTP_LEN], const char **why)
{
	unsigned char buf[SSTEP_OTP_SEED_MAX + SSTEP_OTP_PASS_MAX];
	char lseed[SSTEP_OTP_SEED_MAX + 1] = "";
	size_t n, i;
	int r;

	sstep_wipe(out, SSTEP_OTP_LEN);
	if (alg_md(alg) == NULL) {
		set_why(why, "unknown OTP algorithm");
		return SASLSTEP_BADVERS;
	}
	if ((r = sstep_otp_pass_check(pass, passlen, why)) != SASLSTEP_OK)
		return r;
	if ((r = sstep_otp_seed_check(seed, seedlen, lseed, why)) !=
	    SASLSTEP_OK)
		return r;
	if (seq > SSTEP_OTP_SEQ_MAX) {
		set_why(why, "sequence number above 9999");
		return SASLSTEP_BADPARAM;
	}
	/* RFC 2243 s. 4.3: a seed is public, so it must not be the pass
	 * phrase too. */
	n = strlen(lseed);
	if (passlen == n) {
		for (i = 0;
		     i < n && to_lower((unsigned char)pass[i]) == lseed[i]; i++)
			;
		if (i == n) {
			set_why(why, "pass phrase must differ from the seed");
			return SASLSTEP_BADPARAM;
		}
	}
	/* RFC 2289 s. 6: the lower-cased seed, then the pass phrase. */
	memcpy(buf, lseed, n);
	memcpy(buf + n, pass, passlen);
	if ((r = hash_fold(alg, buf, n + passlen, out)) != SASLSTEP_OK ||
	    (r = hash_times(alg, out, seq)) != SASLSTEP_OK) {
		set_why(why, "the hash function failed");
		sstep_wipe(out, SSTEP_OTP_LEN);
	}
	sstep_wipe(buf, sizeof(buf));
	return r;
}

static uint64_t
otp_to_u64(const unsigned char otp[SSTEP_OTP_LEN])
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < SSTEP_OTP_LEN; i++)
		v = (v << 8) | otp[i];
	return v;
}

static void
u64_to_otp(uint64_t v, unsigned char otp[SSTEP_OTP_LEN])
{
	int i;

	for (i = SSTEP_OTP_LEN - 1; i >= 0; i--) {
		otp[i] = (unsigned char)(v & 0xff);
		v >>= 8;
	}
}

/* RFC 2289 s. 6: the sum of the 32 two-bit pairs, modulo 4. */
static unsigned
checksum(uint64_t v)
{
	unsigned sum = 0;
	int i;

	for (i = 0; i < 32; i++)
		sum += (unsigned)(v >> (2 * i)) & 3;
	return sum & 3;
}

void
sstep_otp_to_hex(
    const unsigned char otp[SSTEP_OTP_LEN], char out[SSTEP_OTP_HEX_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < SSTEP_OTP_LEN; i++) {
		out[2 * i] = digits[otp[i] >> 4];
		out[2 * i + 1] = digits[otp[i] & 0x0f];
	}
	out[SSTEP_OTP_HEX_LEN] = '\0';
}

void
sstep_otp_to_words(
    const unsigned char otp[SSTEP_OTP_LEN], char out[SSTEP_OTP_WORDS_MAX + 1])
{
	uint64_t v = otp_to_u64(otp);
	unsigned idx[6];
	size_t pos = 0, n;
	int k;

	/* 64 bits and the 2-bit checksum make six 11-bit indexes, most
	 * significant bits first (RFC 2289 s. 6). */
	for (k = 0; k < 5; k++)
		idx[k] = (unsigned)(v >> (53 - 11 * k)) & 0x7ff;
	idx[5] = (((unsigned)v & 0x1ff) << 2) | checksum(v);
	for (k = 0; k < 6; k++) {
		if (k > 0)
			out[pos++] = ' ';
		n = strlen(sstep_otp_words[idx[k]]);
		memcpy(out + pos, sstep_otp_words[idx[k]], n);
		pos += n;
	}
	out[pos] = '\0';
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = to_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
sstep_otp_from_hex(const char *s, size_t len, unsigned char out[SSTEP_OTP_LEN],
    const char **why)
{
	uint64_t v = 0;
	size_t i, ndigits = 0;
	int d;

	sstep_wipe(out, SSTEP_OTP_LEN);
	for (i = 0; i < len; i++) {
		if (is_space((unsigned char)s[i]))
			continue;
		if ((d = hex_value((unsigned char)s[i])) < 0) {
			set_why(why, "not a hex digit");
			return SASLSTEP_BADPROT;
		}
		if (++ndigits > 2 * SSTEP_OTP_LEN) {
			set_why(why, "more than 16 hex digits");
			return SASLSTEP_BADPROT;
		}
		v = (v << 4) | (unsigned)d;
	}
	if (ndigits < 2 * SSTEP_OTP_LEN) {
		set_why(why, "fewer than 16 hex digits");
		return SASLSTEP_BADPROT;
	}
	u64_to_otp(v, out);
	return SASLSTEP_OK;
}

int
sstep_otp_from_words(const char *s, size_t len,
    unsigned char out[SSTEP_OTP_LEN], const char **why)
{
	const char *tok;
	size_t toklen, pos = 0;
	unsigned idx[6];
	uint64_t v = 0;
	int n = 0, k, w;

	sstep_wipe(out, SSTEP_OTP_LEN);
	while (next_token(s, len, &pos, &tok, &toklen)) {
		if (n == 6) {
			set_why(why, "more than six words");
			return SASLSTEP_BADPROT;
		}
		if ((w = sstep_otp_word_index(tok, toklen)) < 0) {
			set_why(why, "not a word of the OTP dictionary");
			return SASLSTEP_BADPROT;
		}
		idx[n++] = (unsigned)w;
	}
	if (n != 6) {
		set_why(why, "fewer than six words");
		return SASLSTEP_BADPROT;
	}
	for (k = 0; k < 5; k++)
		v = (v << 11) | idx[k];
	v = (v << 9) | (idx[5] >> 2);
	/* RFC 2289 s. 6: servers MUST verify the checksum. */
	if ((idx[5] & 3) != checksum(v)) {
		set_why(why, "six-word checksum (parity) does not match");
		return SASLSTEP_BADPROT;
	}
	u64_to_otp(v, out);
	return SASLSTEP_OK;
}

/* A sequence number: 1 to 9 decimal digits, 1..SSTEP_OTP_SEQ_MAX. */
static int
seq_parse(const char *s, size_t len, unsigned *seq)
{
	unsigned long v = 0;
	size_t i;

	if (len < 1 || len > 9)
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > SSTEP_OTP_SEQ_MAX)
		return -1;
	*seq = (unsigned)v;
	return 0;
}

int
sstep_otp_params_parse(
    const char *s, size_t len, struct sstep_otp_params *p, const char **why)
{
	const char *tok[4];
	size_t toklen[4], pos = 0;
	int n = 0, r;

	memset(p, 0, sizeof(*p));
	if (text_check(s, len, why) != 0)
		return SASLSTEP_BADPARAM;
	while (n < 4 && next_token(s, len, &pos, &tok[n], &toklen[n]))
		n++;
	if (n != 3) {
		set_why(why, "OTP parameters must be \"ALG SEQ SEED\"");
		return SASLSTEP_BADPARAM;
	}
	if ((r = sstep_otp_alg_parse(tok[0], toklen[0], &p->alg, why)) !=
	    SASLSTEP_OK)
		return r;
	if (seq_parse(tok[1], toklen[1], &p->seq) != 0) {
		set_why(why, "sequence number must be 1 to 9999");
		return SASLSTEP_BADPARAM;
	}
	return sstep_otp_seed_check(tok[2], toklen[2], p->seed, why);
}

int
sstep_otp_challenge_parse(const char *s, size_t len, struct sstep_otp_params *p,
    int *ext, const char **why)
{
	const char *tok[5];
	size_t toklen[5], pos = 0;
	int n = 0, algr;

	memset(p, 0, sizeof(*p));
	if (ext != NULL)
		*ext = 0;
	if (len > OTP_CHALLENGE_INPUT_MAX) {
		set_why(why, "challenge too long");
		return SASLSTEP_BADPROT;
	}
	if (text_check(s, len, why) != 0)
		return SASLSTEP_BADPROT;
	while (n < 5 && next_token(s, len, &pos, &tok[n], &toklen[n]))
		n++;
	if (n < 3 || n > 4 || toklen[0] < 4 || !word_eq(tok[0], 4, "otp-")) {
		set_why(why,
		    "not an OTP challenge (\"otp-ALG SEQ SEED ext\" expected)");
		return SASLSTEP_BADPROT;
	}
	/* A broken sequence number or seed is a protocol error even when
	 * the algorithm is unknown as well: check them first. */
	algr = sstep_otp_alg_parse(tok[0] + 4, toklen[0] - 4, &p->alg, why);
	if (seq_parse(tok[1], toklen[1], &p->seq) != 0) {
		/* RFC 2243 s. 4.3: no OTP below sequence number 1. */
		set_why(why, "challenge sequence number is not 1 to 9999");
		return SASLSTEP_BADPROT;
	}
	if (sstep_otp_seed_check(tok[2], toklen[2], p->seed, why) !=
	    SASLSTEP_OK)
		return SASLSTEP_BADPROT;
	/* RFC 2243 s. 2.1: capability-list = "ext" *("," extension-set-id) */
	if (n == 4) {
		if (toklen[3] < 3 || !word_eq(tok[3], 3, "ext") ||
		    (toklen[3] > 3 && tok[3][3] != ',')) {
			set_why(why, "junk after the OTP challenge");
			return SASLSTEP_BADPROT;
		}
		if (ext != NULL)
			*ext = 1;
	}
	if (algr != SASLSTEP_OK) {
		memset(p, 0, sizeof(*p));
		return algr;
	}
	return SASLSTEP_OK;
}

int
sstep_otp_challenge_format(
    const struct sstep_otp_params *p, char out[SSTEP_OTP_CHALLENGE_MAX])
{
	char seed[SSTEP_OTP_SEED_MAX + 1];
	int n;

	out[0] = '\0';
	if (alg_md(p->alg) == NULL || p->seq < 1 ||
	    p->seq > SSTEP_OTP_SEQ_MAX ||
	    sstep_otp_seed_check(p->seed,
	        strnlen(p->seed, SSTEP_OTP_SEED_MAX + 1), seed,
	        NULL) != SASLSTEP_OK)
		return -1;
	n = snprintf(out, SSTEP_OTP_CHALLENGE_MAX, "otp-%s %u %s ext",
	    sstep_otp_alg_name(p->alg), p->seq, seed);
	if (n < 0 || n >= SSTEP_OTP_CHALLENGE_MAX) {
		out[0] = '\0';
		return -1;
	}
	return n;
}

void
sstep_otp_response_clear(struct sstep_otp_response *r)
{
	sstep_wipe(r, sizeof(*r));
}

/* Decode one OTP field of an extended response, as hex or as words. */
static int
otp_field(const char *s, size_t len, int hex, unsigned char out[SSTEP_OTP_LEN],
    const char **why)
{
	return hex ? sstep_otp_from_hex(s, len, out, why)
	           : sstep_otp_from_words(s, len, out, why);
}

/*
 * A standard response (RFC 2289 s. 6): accepted as six words if valid,
 * otherwise as hex; when both readings are valid the server must try both.
 */
static int
standard_parse(
    const char *s, size_t len, struct sstep_otp_response *r, const char **why)
{
	const char *hexwhy = NULL;

	r->type = SSTEP_OTP_RESP_STANDARD;
	if (sstep_otp_from_words(s, len, r->cur[r->ncur], why) == SASLSTEP_OK)
		r->ncur++;
	if (sstep_otp_from_hex(s, len, r->cur[r->ncur], &hexwhy) == SASLSTEP_OK)
		r->ncur++;
	if (r->ncur == 0) {
		set_why(
		    why, "response is neither six OTP words nor 16 hex digits");
		return SASLSTEP_BADPROT;
	}
	return SASLSTEP_OK;
}

/*
 * The new-params and new-OTP of init-hex / init-word (RFC 2243 s. 4.1);
 * s is what follows the current OTP's ':'.  Returns NULL when usable, or
 * why not.
 */
static const char *
init_rest_parse(
    const char *s, size_t len, int hex, struct sstep_otp_response *r)
{
	const char *colon, *why = NULL;
	size_t plen;

	if ((colon = memchr(s, ':', len)) == NULL)
		return "init response lacks a new OTP";
	plen = (size_t)(colon - s);
	if (memchr(colon + 1, ':', len - plen - 1) != NULL)
		return "too many fields in the init response";
	if (sstep_otp_params_parse(s, plen, &r->newp, &why) != SASLSTEP_OK)
		return why;
	if (otp_field(colon + 1, len - plen - 1, hex, r->newotp, &why) !=
	    SASLSTEP_OK)
		return why;
	return NULL;
}

/* The extended response types (RFC 2243 s. 3 and 4). */
static const struct {
	const char *name;
	enum sstep_otp_resp_type type;
	int hex;  /* OTP fields in hex, else six words */
	int init; /* current-OTP:new-params:new-OTP */
} resp_types[] = {
    {"hex", SSTEP_OTP_RESP_HEX, 1, 0},
    {"word", SSTEP_OTP_RESP_WORD, 0, 0},
    {"init-hex", SSTEP_OTP_RESP_INIT_HEX, 1, 1},
    {"init-word", SSTEP_OTP_RESP_INIT_WORD, 0, 1},
};

int
sstep_otp_response_parse(
    const char *s, size_t len, struct sstep_otp_response *r, const char **why)
{
	const char *colon, *arg, *next, *type;
	size_t typelen, arglen, rest, i;
	int hex, init, rc = SASLSTEP_BADPROT;

	memset(r, 0, sizeof(*r));
	if (len == 0) {
		set_why(why, "empty response");
		goto out;
	}
	if (len > SSTEP_OTP_RESPONSE_MAX) {
		set_why(why, "response too long");
		goto out;
	}
	if (text_check(s, len, why) != 0)
		goto out;
	if ((colon = memchr(s, ':', len)) == NULL) {
		rc = standard_parse(s, len, r, why);
		goto out;
	}
	/* RFC 2243 s. 2.2: the type is case-insensitive; surrounding white
	 * space is tolerated. */
	type = s;
	typelen = (size_t)(colon - s);
	while (typelen > 0 && is_space((unsigned char)*type)) {
		type++;
		typelen--;
	}
	while (typelen > 0 && is_space((unsigned char)type[typelen - 1]))
		typelen--;
	for (i = 0; i < sizeof(resp_types) / sizeof(resp_types[0]); i++) {
		if (word_eq(type, typelen, resp_types[i].name))
			break;
	}
	if (i == sizeof(resp_types) / sizeof(resp_types[0])) {
		/* RFC 2243 s. 2.2 (server, 4): refuse unknown types. */
		set_why(why, "unsupported extended response type");
		goto out;
	}
	r->type = resp_types[i].type;
	hex = resp_types[i].hex;
	init = resp_types[i].init;
	arg = colon + 1;
	rest = len - (size_t)(arg - s);
	next = memchr(arg, ':', rest);
	arglen = next == NULL ? rest : (size_t)(next - arg);
	if (!init && next != NULL) {
		set_why(why, "too many fields in the response");
		goto out;
	}
	if (otp_field(arg, arglen, hex, r->cur[0], why) != SASLSTEP_OK)
		goto out;
	r->ncur = 1;
	if (init) {
		/* The current OTP is readable: whatever is wrong with the
		 * rest, a server must consume it (RFC 2243 s. 4.3). */
		r->init_why =
		    next == NULL
		        ? "init response lacks new parameters and a new OTP"
		        : init_rest_parse(next + 1, rest - arglen - 1, hex, r);
	}
	rc = SASLSTEP_OK;
out:
	if (rc != SASLSTEP_OK)
		sstep_otp_response_clear(r);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* The mechanism: server                                                   */
/* ---------------------------------------------------------------------- */

enum otp_server_state {
	OTP_S_IDENTITY, /* waiting for authzid NUL authcid */
	OTP_S_RESPONSE, /* challenge sent, waiting for the response */
	OTP_S_DONE      /* succeeded or failed: nothing more */
};

struct otp_server {
	enum otp_server_state state;
	char user[SSTEP_NAME_MAX + 1];
	size_t userlen;
	/* Set when the challenge sent was a fake one: why it is failing. */
	const char *fake_why;
	struct sstep_cred cred;         /* as read at the challenge */
	struct sstep_otp_params params; /* alg, seed, seq = counter - 1 */
	unsigned char token[SSTEP_PENDING_TOKEN];
	int have_lock;
};

static int
otp_server_new(struct sstep_conn *conn, void **state)
{
	struct otp_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return SASLSTEP_NOMEM;
	s->state = OTP_S_IDENTITY;
	*state = s;
	return SASLSTEP_OK;
}

/* Release the pending lock if still held (by us). */
static void
otp_server_unlock(struct sstep_conn *conn, struct otp_server *s)
{
	if (!s->have_lock)
		return;
	sstep_store_pending_release(
	    sstep_conn_store(conn), s->user, OTP_FAMILY, s->token);
	s->have_lock = 0;
	sstep_wipe(s->token, sizeof(s->token));
}

static void
otp_server_free(struct sstep_conn *conn, void *state)
{
	struct otp_server *s = state;

	if (s == NULL)
		return;
	/* Disposed mid-exchange: give the lock back, change no counter. */
	otp_server_unlock(conn, s);
	sstep_cred_clear(&s->cred);
	sstep_freezero(s, sizeof(*s));
}

static int
store_fail(struct sstep_conn *conn, int code)
{
	return sstep_fail(
	    conn, code, "%s", sstep_store_error(sstep_conn_store(conn)));
}

/* Read the stored params "<alg> <seed>" (see the top of this file). */
static int
cred_params_parse(const char *text, struct sstep_otp_params *p)
{
	const char *tok[3];
	size_t toklen[3], pos = 0, len;
	int n = 0;

	memset(p, 0, sizeof(*p));
	if (text == NULL)
		return -1;
	if ((len = strnlen(text, OTP_PARAMS_MAX)) == OTP_PARAMS_MAX)
		return -1;
	while (n < 3 && next_token(text, len, &pos, &tok[n], &toklen[n]))
		n++;
	if (n != 2 ||
	    sstep_otp_alg_parse(tok[0], toklen[0], &p->alg, NULL) !=
	        SASLSTEP_OK ||
	    sstep_otp_seed_check(tok[1], toklen[1], p->seed, NULL) !=
	        SASLSTEP_OK)
		return -1;
	return 0;
}

/* Write the stored params "<alg> <seed>" into buf; -1 if it does not fit. */
static int
cred_params_format(
    enum sstep_otp_alg alg, const char *seed, char buf[OTP_PARAMS_MAX])
{
	int n;

	n = snprintf(
	    buf, OTP_PARAMS_MAX, "%s %s", sstep_otp_alg_name(alg), seed);
	return n < 0 || n >= OTP_PARAMS_MAX ? -1 : 0;
}

int
sstep_otp_cred_make(const struct sstep_otp_params *p,
    const unsigned char otp[SSTEP_OTP_LEN], struct sstep_cred *c,
    const char **why)
{
	char params[OTP_PARAMS_MAX], seed[SSTEP_OTP_SEED_MAX + 1];
	int r = SASLSTEP_BADPARAM;

	memset(c, 0, sizeof(*c));
	if (p->seq > SSTEP_OTP_SEQ_MAX) {
		set_why(why, "sequence number above 9999");
		return SASLSTEP_BADPARAM;
	}
	if (sstep_otp_seed_check(p->seed, strnlen(p->seed, sizeof(p->seed)),
	        seed, why) != SASLSTEP_OK)
		return SASLSTEP_BADPARAM;
	if (cred_params_format(p->alg, seed, params) != 0 ||
	    strcmp(sstep_otp_alg_name(p->alg), "?") == 0) {
		set_why(why, "unknown OTP algorithm");
		return SASLSTEP_BADVERS;
	}
	memcpy(c->family, OTP_FAMILY, sizeof(OTP_FAMILY));
	if ((c->params = strdup(params)) == NULL ||
	    (c->secret = malloc(SSTEP_OTP_LEN)) == NULL) {
		set_why(why, "out of memory");
		r = SASLSTEP_NOMEM;
		goto out;
	}
	memcpy(c->secret, otp, SSTEP_OTP_LEN);
	c->secret_len = SSTEP_OTP_LEN;
	c->counter = p->seq;
	r = SASLSTEP_OK;
out:
	if (r != SASLSTEP_OK)
		sstep_cred_clear(c);
	return r;
}

int
sstep_otp_cred_parse(const struct sstep_cred *c, struct sstep_otp_params *p,
    unsigned char otp[SSTEP_OTP_LEN], const char **why)
{
	if (strcmp(c->family, OTP_FAMILY) != 0 ||
	    cred_params_parse(c->params, p) != 0 || c->secret == NULL ||
	    c->secret_len != SSTEP_OTP_LEN || c->counter < 0 ||
	    c->counter > SSTEP_OTP_SEQ_MAX) {
		memset(p, 0, sizeof(*p));
		set_why(why, "malformed OTP credential");
		return SASLSTEP_BADPARAM;
	}
	p->seq = (unsigned)c->counter;
	if (otp != NULL)
		memcpy(otp, c->secret, SSTEP_OTP_LEN);
	return SASLSTEP_OK;
}

int
sstep_otp_enrol(saslstep_store_t *st, const char *user, enum sstep_otp_alg alg,
    const char *pass, size_t passlen, const char *seed, size_t seedlen,
    unsigned seq, const char **why)
{
	struct sstep_otp_params p;
	struct sstep_cred c;
	unsigned char otp[SSTEP_OTP_LEN];
	int r;

	memset(&c, 0, sizeof(c));
	memset(&p, 0, sizeof(p));
	if (seq < 2 || seq > SSTEP_OTP_SEQ_MAX) {
		set_why(why, "sequence number must be 2 to 9999 (the first "
		             "challenge is for one less)");
		return SASLSTEP_BADPARAM;
	}
	if ((r = sstep_otp_compute(alg, pass, passlen, seed, seedlen, seq, otp,
	         why)) != SASLSTEP_OK)
		goto out;
	/* compute() checked the seed; this only lower-cases it. */
	if ((r = sstep_otp_seed_check(seed, seedlen, p.seed, why)) !=
	    SASLSTEP_OK)
		goto out;
	p.alg = alg;
	p.seq = seq;
	if ((r = sstep_otp_cred_make(&p, otp, &c, why)) != SASLSTEP_OK)
		goto out;
	r = sstep_store_cred_put(st, user, &c);
out:
	sstep_cred_clear(&c);
	sstep_wipe(otp, sizeof(otp));
	return r;
}

void
sstep_otp_seed_make(const unsigned char bytes[SSTEP_OTP_SEED_BYTES],
    char seed[SSTEP_OTP_SEED_MAX + 1])
{
	unsigned v;
	int i;

	/* Two bytes a character: the modulo bias is below 0.05%. */
	for (i = 0; i < 6; i++) {
		v = ((unsigned)bytes[2 * i] << 8) | bytes[2 * i + 1];
		seed[i] = (char)(i < 2 ? 'a' + v % 26 : '0' + v % 10);
	}
	seed[6] = '\0';
}

int
sstep_otp_seed_random(char seed[SSTEP_OTP_SEED_MAX + 1])
{
	unsigned char bytes[SSTEP_OTP_SEED_BYTES];

	if (RAND_bytes(bytes, sizeof(bytes)) != 1)
		return SASLSTEP_FAIL;
	sstep_otp_seed_make(bytes, seed);
	return SASLSTEP_OK;
}

/* Send the challenge for s->params and wait for the response. */
static int
otp_server_challenge(struct sstep_conn *conn, struct otp_server *s)
{
	char challenge[SSTEP_OTP_CHALLENGE_MAX];
	int n, r;

	if ((n = sstep_otp_challenge_format(&s->params, challenge)) < 0)
		return sstep_fail(conn, SASLSTEP_FAIL,
		    "cannot format the OTP challenge for %s", s->user);
	if ((r = sstep_out(conn, challenge, (size_t)n)) != SASLSTEP_OK)
		return sstep_fail(conn, r, "out of memory");
	s->state = OTP_S_RESPONSE;
	return SASLSTEP_CONTINUE;
}

/*
 * A user we will not authenticate gets a challenge that looks like a real
 * one and stays the same from one try to the next (derived from the
 * store's server secret and the name), so the client cannot tell; the
 * exchange fails after the response with why as errstr.
 */
static int
otp_server_fake(struct sstep_conn *conn, struct otp_server *s, const char *why)
{
	unsigned char rnd[32];
	int r;

	r = sstep_store_fake(sstep_conn_store(conn), OTP_FAMILY, s->user, rnd);
	if (r != SASLSTEP_OK)
		return store_fail(conn, r);
	memset(&s->params, 0, sizeof(s->params));
	s->params.alg = SSTEP_OTP_SHA1;
	s->params.seq =
	    1 + (((unsigned)rnd[0] << 8) | rnd[1]) % OTP_FAKE_SEQ_RANGE;
	sstep_otp_seed_make(rnd + 2, s->params.seed);
	sstep_wipe(rnd, sizeof(rnd));
	s->fake_why = why;
	return otp_server_challenge(conn, s);
}

/* Step 1 (RFC 2444 s. 4): authzid NUL authcid; answer with a challenge. */
static int
otp_server_identity(
    struct sstep_conn *conn, struct otp_server *s, const char *in, size_t inlen)
{
	saslstep_store_t *st = sstep_conn_store(conn);
	struct sstep_user u;
	const char *f[2], *why;
	size_t n[2];
	int r;

	if (sstep_split_identity(in, inlen, 2, f, n, &why) != SASLSTEP_OK)
		return sstep_fail(conn, SASLSTEP_BADPROT, "OTP: %s", why);
	memcpy(s->user, f[1], n[1]);
	s->user[n[1]] = '\0';
	s->userlen = n[1];
	if (!sstep_identity_is_self(f[0], n[0], f[1], n[1]))
		return sstep_fail(conn, SASLSTEP_BADAUTH,
		    "OTP: %s asked to act as another user (proxy "
		    "authorization is not supported)",
		    s->user);
	if (st == NULL)
		return sstep_fail(
		    conn, SASLSTEP_FAIL, "OTP: no credential store");

	memset(&u, 0, sizeof(u));
	r = sstep_store_user_get(st, s->user, &u);
	if (r == SASLSTEP_NOUSER)
		return otp_server_fake(conn, s, "unknown user");
	if (r != SASLSTEP_OK)
		return store_fail(conn, r);
	if (u.locked)
		return otp_server_fake(conn, s, "locked user");
	r = sstep_store_cred_get(st, s->user, OTP_FAMILY, &s->cred);
	if (r == SASLSTEP_NOUSER)
		return otp_server_fake(conn, s, "no OTP credential for user");
	if (r != SASLSTEP_OK)
		return store_fail(conn, r);
	if (sstep_otp_cred_parse(&s->cred, &s->params, NULL, NULL) !=
	    SASLSTEP_OK)
		return sstep_fail(conn, SASLSTEP_FAIL,
		    "OTP: the stored credential of %s is malformed", s->user);
	/* RFC 2243 s. 4.3 (server, 2): no challenge below sequence 1. */
	if (s->cred.counter < 2)
		return sstep_fail(conn, SASLSTEP_BADAUTH,
		    "OTP sequence exhausted; re-initialise (user %s)", s->user);
	s->params.seq = (unsigned)(s->cred.counter - 1);

	/* RFC 2289 s. 9: one challenge at a time per user. */
	r = sstep_store_pending_take(
	    st, s->user, OTP_FAMILY, OTP_PENDING_TTL, s->token);
	if (r == SASLSTEP_TRYAGAIN)
		return sstep_fail(conn, r,
		    "an OTP login for this user is already in progress "
		    "(user %s)",
		    s->user);
	if (r == SASLSTEP_NOUSER) /* deleted since we read it */
		return otp_server_fake(conn, s, "no OTP credential for user");
	if (r != SASLSTEP_OK)
		return store_fail(conn, r);
	s->have_lock = 1;
	return otp_server_challenge(conn, s);
}

/*
 * RFC 2289 s. 8: a new sequence must change the seed or the pass phrase.
 * With the same algorithm and seed, the same pass phrase would put the
 * new OTP on the current chain: hashing the OTP of the lower sequence
 * number up to the higher one tells.  Sets *same; returns a SASLSTEP code.
 */
static int
same_chain(enum sstep_otp_alg alg, const unsigned char *a, unsigned seqa,
    const unsigned char *b, unsigned seqb, int *same)
{
	unsigned char t[SSTEP_OTP_LEN];
	const unsigned char *hi = b;
	unsigned steps = seqb - seqa;
	int r;

	*same = 0;
	memcpy(t, a, sizeof(t));
	if (seqa > seqb) {
		memcpy(t, b, sizeof(t));
		hi = a;
		steps = seqa - seqb;
	}
	if ((r = hash_times(alg, t, steps)) == SASLSTEP_OK)
		*same = sstep_secret_eq(t, hi, sizeof(t));
	sstep_wipe(t, sizeof(t));
	return r;
}

/* Step 2: verify the response and move the sequence on. */
static int
otp_server_response(
    struct sstep_conn *conn, struct otp_server *s, const char *in, size_t inlen)
{
	saslstep_store_t *st = sstep_conn_store(conn);
	struct sstep_otp_response resp;
	struct sstep_cred next;
	unsigned char h[SSTEP_OTP_LEN];
	unsigned char *matched = NULL;
	char params[OTP_PARAMS_MAX];
	const char *why = NULL, *refusal = NULL;
	int r, refusal_code = SASLSTEP_BADPROT, same;
	unsigned i;

	memset(&next, 0, sizeof(next));
	if (sstep_otp_response_parse(in, inlen, &resp, &why) != SASLSTEP_OK) {
		r = sstep_fail(conn, SASLSTEP_BADPROT,
		    "malformed OTP response from %s: %s", s->user, why);
		goto out;
	}
	if (s->fake_why != NULL) {
		r = sstep_fail(
		    conn, SASLSTEP_BADAUTH, "OTP: %s %s", s->fake_why, s->user);
		goto out;
	}
	/* RFC 2289 s. 7: hash once, compare with the stored OTP.  Every
	 * candidate reading is tried (RFC 2289 s. 6). */
	for (i = 0; i < resp.ncur; i++) {
		if ((r = sstep_otp_hash_once(s->params.alg, resp.cur[i], h)) !=
		    SASLSTEP_OK) {
			r = sstep_fail(
			    conn, r, "OTP: the hash function failed");
			goto out;
		}
		if (sstep_secret_eq(h, s->cred.secret, SSTEP_OTP_LEN) &&
		    matched == NULL)
			matched = resp.cur[i];
	}
	if (matched == NULL) {
		r = sstep_fail(conn, SASLSTEP_BADAUTH,
		    "wrong OTP response for %s", s->user);
		goto out;
	}

	/* The presented OTP becomes the stored one, at sequence N-1. */
	strncpy(next.family, OTP_FAMILY, sizeof(next.family) - 1);
	next.params = s->cred.params;
	next.secret = matched;
	next.secret_len = SSTEP_OTP_LEN;
	next.counter = s->params.seq;
	if (resp.type == SSTEP_OTP_RESP_INIT_HEX ||
	    resp.type == SSTEP_OTP_RESP_INIT_WORD) {
		refusal = resp.init_why;
		if (refusal == NULL && resp.newp.alg == s->params.alg &&
		    strcmp(resp.newp.seed, s->params.seed) == 0) {
			r = same_chain(s->params.alg, matched, s->params.seq,
			    resp.newotp, resp.newp.seq, &same);
			if (r != SASLSTEP_OK) {
				r = sstep_fail(
				    conn, r, "OTP: the hash function failed");
				goto out;
			}
			if (same) {
				refusal =
				    "the new sequence keeps both the seed and "
				    "the pass phrase (RFC 2289 s. 8)";
				refusal_code = SASLSTEP_BADAUTH;
			}
		}
		if (refusal == NULL) {
			/* RFC 2243 s. 4.2: the new OTP is stored as the
			 * last one received, at the new sequence number. */
			if (cred_params_format(
			        resp.newp.alg, resp.newp.seed, params) != 0) {
				r = sstep_fail(conn, SASLSTEP_FAIL,
				    "OTP: new parameters too long");
				goto out;
			}
			next.params = params;
			next.secret = resp.newotp;
			next.counter = resp.newp.seq;
		}
		/* Otherwise RFC 2243 s. 4.3 (server, 3): the current OTP was
		 * valid, so it is used up all the same. */
	}
	r = sstep_store_cred_update(
	    st, s->user, s->cred.version, &next, s->token);
	if (r == SASLSTEP_BADAUTH) {
		r = sstep_fail(conn, r,
		    "OTP: the credential of %s changed during the exchange "
		    "(another login won)",
		    s->user);
		goto out;
	}
	if (r != SASLSTEP_OK) {
		r = sstep_fail(conn, r, "%s", sstep_store_error(st));
		goto out;
	}
	s->have_lock = 0; /* released by the update */
	sstep_wipe(s->token, sizeof(s->token));
	if (refusal != NULL) {
		r = sstep_fail(conn, refusal_code,
		    "OTP re-initialisation for %s refused: %s; the current OTP "
		    "was used up",
		    s->user, refusal);
		goto out;
	}
	if ((r = sstep_conn_set_username(conn, s->user, s->userlen)) !=
	    SASLSTEP_OK) {
		r = sstep_fail(conn, r, "out of memory");
		goto out;
	}
	r = SASLSTEP_OK;
out:
	sstep_otp_response_clear(&resp);
	sstep_wipe(h, sizeof(h));
	sstep_wipe(params, sizeof(params));
	return r;
}

static int
otp_server_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct otp_server *s = state;
	int r;

	switch (s->state) {
	case OTP_S_IDENTITY:
		if (in == NULL) {
			/* No initial response: an empty challenge asks the
			 * client for its identity message. */
			r = sstep_out(conn, "", 0);
			return r == SASLSTEP_OK ? SASLSTEP_CONTINUE : r;
		}
		r = otp_server_identity(conn, s, in, inlen);
		break;
	case OTP_S_RESPONSE:
		r = otp_server_response(conn, s, in == NULL ? "" : in, inlen);
		break;
	default:
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "OTP: message after the end of the exchange");
	}
	/* Whichever way the exchange ended, it is over: no second try on
	 * this connection, and the pending lock goes at once. */
	if (r != SASLSTEP_CONTINUE) {
		s->state = OTP_S_DONE;
		otp_server_unlock(conn, s);
	}
	return r;
}

/* ---------------------------------------------------------------------- */
/* The mechanism: client                                                   */
/* ---------------------------------------------------------------------- */

enum otp_client_state {
	OTP_C_IDENTITY,  /* start: send authzid NUL authcid */
	OTP_C_CHALLENGE, /* answer the challenge */
	OTP_C_FINAL,     /* the server's (empty) success data */
	OTP_C_DONE
};

struct otp_client {
	enum otp_client_state state;
};

static int
otp_client_new(struct sstep_conn *conn, void **state)
{
	struct otp_client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SASLSTEP_NOMEM;
	c->state = OTP_C_IDENTITY;
	*state = c;
	return SASLSTEP_OK;
}

static void
otp_client_free(struct sstep_conn *conn, void *state)
{
	/* Nothing secret is kept between steps: pass phrases stay in the
	 * connection's properties, which the core wipes. */
	sstep_freezero(state, sizeof(struct otp_client));
}

static int
otp_client_identity(
    struct sstep_conn *conn, struct otp_client *c, const char *in, size_t inlen)
{
	const char *authcid, *authzid;
	size_t clen, zlen;
	int r;

	if (in != NULL && inlen != 0)
		return sstep_fail(conn, SASLSTEP_BADPROT,
		    "OTP: server data before the client's first message");
	r = sstep_need(conn, SASLSTEP_CB_AUTHNAME, NULL,
	    "Authentication name: ", &authcid, &clen);
	if (r != SASLSTEP_OK)
		return r;
	authzid = sstep_conn_prop(conn, SASLSTEP_PROP_AUTHZID);
	zlen = authzid == NULL ? 0 : strlen(authzid);
	/* RFC 2444 s. 4: identities of up to 255 octets, NUL-separated. */
	if (clen == 0 || clen > SSTEP_NAME_MAX ||
	    memchr(authcid, '\0', clen) != NULL || zlen > SSTEP_NAME_MAX)
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "OTP: empty, over-long or NUL-holding identity");
	r = sstep_out_identity(conn, authzid, zlen, authcid, clen, NULL, 0);
	if (r != SASLSTEP_OK)
		return r;
	c->state = OTP_C_CHALLENGE;
	return SASLSTEP_CONTINUE;
}

/* Send hex:<otp>, or the bare hex when the server did not offer
 * extended responses (RFC 2243 s. 2.2, generator 2). */
static int
send_hex(
    struct sstep_conn *conn, const unsigned char otp[SSTEP_OTP_LEN], int ext)
{
	char hex[SSTEP_OTP_HEX_LEN + 1];
	int r;

	sstep_otp_to_hex(otp, hex);
	r = sstep_outf(conn, "%s%s", ext ? "hex:" : "", hex);
	sstep_wipe(hex, sizeof(hex));
	return r;
}

/* With the pass phrase set by the application: compute the response. */
static int
otp_client_computed(struct sstep_conn *conn, const struct sstep_otp_params *p,
    int ext, const char *pass)
{
	unsigned char otp[SSTEP_OTP_LEN];
	const char *why = NULL;
	int r;

	r = sstep_otp_compute(p->alg, pass, strlen(pass), p->seed,
	    strlen(p->seed), p->seq, otp, &why);
	if (r != SASLSTEP_OK)
		r = sstep_fail(conn, r == SASLSTEP_FAIL ? r : SASLSTEP_BADPARAM,
		    "OTP: %s", why);
	else
		r = send_hex(conn, otp, ext);
	sstep_wipe(otp, sizeof(otp));
	return r;
}

/*
 * Without a pass phrase: show the server's challenge as it came (trailing
 * blanks and line ends aside; the parser has vouched for it) and send what
 * the person typed, as typed: the server reads every RFC 2289 and RFC 2243
 * form, and a client that rewrote answers could only get them wrong.
 */
static int
otp_client_typed(struct sstep_conn *conn, const char *in, size_t inlen)
{
	char challenge[OTP_SHOWN_CHALLENGE_MAX];
	const char *value;
	size_t len;
	int r;

	while (inlen > 0 && (in[inlen - 1] == ' ' || in[inlen - 1] == '\t' ||
	                        in[inlen - 1] == '\n' || in[inlen - 1] == '\r'))
		inlen--;
	if (inlen >= sizeof(challenge))
		return sstep_fail(
		    conn, SASLSTEP_BADPROT, "OTP: challenge too long");
	memcpy(challenge, in, inlen);
	challenge[inlen] = '\0';
	r = sstep_need(conn, SASLSTEP_CB_ECHOPROMPT, challenge,
	    "Response: ", &value, &len);
	if (r != SASLSTEP_OK)
		return r;
	while (len > 0 && (value[len - 1] == '\n' || value[len - 1] == '\r'))
		len--;
	if (memchr(value, '\0', len) != NULL)
		return sstep_fail(conn, SASLSTEP_BADPARAM,
		    "OTP: NUL byte in the response entered");
	if (len == 0)
		return sstep_fail(
		    conn, SASLSTEP_BADPARAM, "OTP: no response entered");
	return sstep_out(conn, value, len);
}

/*
 * Re-initialisation, only because the application asked for it (RFC 2243
 * s. 4.3, generator 4): init-hex with the current OTP, the new parameters
 * and the first OTP of the new sequence.
 */
static int
otp_client_reinit(struct sstep_conn *conn, const struct sstep_otp_params *p,
    int ext, const char *pass, const char *reinit, const char *newpass)
{
	struct sstep_otp_params np;
	unsigned char cur[SSTEP_OTP_LEN], nw[SSTEP_OTP_LEN];
	char hcur[SSTEP_OTP_HEX_LEN + 1], hnew[SSTEP_OTP_HEX_LEN + 1];
	const char *why = NULL;
	size_t passlen = strlen(pass), newlen = strlen(newpass);
	int r;

	memset(cur, 0, sizeof(cur));
	memset(nw, 0, sizeof(nw));
	memset(hcur, 0, sizeof(hcur));
	memset(hnew, 0, sizeof(hnew));
	if (sstep_otp_params_parse(reinit, strlen(reinit), &np, &why) !=
	    SASLSTEP_OK) {
		r = sstep_fail(conn, SASLSTEP_BADPARAM,
		    "OTP re-initialisation parameters: %s", why);
		goto out;
	}
	if (!ext) {
		r = sstep_fail(conn, SASLSTEP_BADPROT,
		    "OTP: the server does not offer extended responses: cannot "
		    "re-initialise");
		goto out;
	}
	/* RFC 2289 s. 8: the seed or the pass phrase must change. */
	if (strcmp(np.seed, p->seed) == 0 && passlen == newlen &&
	    sstep_secret_eq(pass, newpass, passlen)) {
		r = sstep_fail(conn, SASLSTEP_BADPARAM,
		    "OTP re-initialisation must change the seed or the pass "
		    "phrase");
		goto out;
	}
	if ((r = sstep_otp_compute(p->alg, pass, passlen, p->seed,
	         strlen(p->seed), p->seq, cur, &why)) != SASLSTEP_OK ||
	    (r = sstep_otp_compute(np.alg, newpass, newlen, np.seed,
	         strlen(np.seed), np.seq, nw, &why)) != SASLSTEP_OK) {
		r = sstep_fail(conn, r == SASLSTEP_FAIL ? r : SASLSTEP_BADPARAM,
		    "OTP: %s", why);
		goto out;
	}
	sstep_otp_to_hex(cur, hcur);
	sstep_otp_to_hex(nw, hnew);
	r = sstep_outf(conn, "init-hex:%s:%s %u %s:%s", hcur,
	    sstep_otp_alg_name(np.alg), np.seq, np.seed, hnew);
out:
	sstep_wipe(cur, sizeof(cur));
	sstep_wipe(nw, sizeof(nw));
	sstep_wipe(hcur, sizeof(hcur));
	sstep_wipe(hnew, sizeof(hnew));
	return r;
}

static int
otp_client_challenge(
    struct sstep_conn *conn, struct otp_client *c, const char *in, size_t inlen)
{
	struct sstep_otp_params p;
	const char *pass, *reinit, *newpass, *why = NULL;
	int ext, r;

	/* BADVERS for md4 or an unknown algorithm: we cannot answer it. */
	if ((r = sstep_otp_challenge_parse(in, inlen, &p, &ext, &why)) !=
	    SASLSTEP_OK)
		return sstep_fail(conn, r, "OTP: %s", why);
	pass = sstep_conn_prop(conn, SASLSTEP_PROP_PASS);
	reinit = sstep_conn_prop(conn, SASLSTEP_PROP_OTP_REINIT);
	newpass = sstep_conn_prop(conn, SASLSTEP_PROP_NEWPASS);
	if (reinit != NULL || newpass != NULL) {
		if (reinit == NULL || newpass == NULL || pass == NULL)
			return sstep_fail(conn, SASLSTEP_BADPARAM,
			    "OTP re-initialisation needs "
			    "SASLSTEP_PROP_OTP_REINIT, SASLSTEP_PROP_NEWPASS "
			    "and SASLSTEP_PROP_PASS");
		r = otp_client_reinit(conn, &p, ext, pass, reinit, newpass);
	} else if (pass != NULL)
		r = otp_client_computed(conn, &p, ext, pass);
	else
		r = otp_client_typed(conn, in, inlen);
	if (r != SASLSTEP_OK)
		return r; /* INTERACT included: state unchanged */
	c->state = OTP_C_FINAL;
	return SASLSTEP_CONTINUE;
}

static int
otp_client_step(
    struct sstep_conn *conn, void *state, const char *in, size_t inlen)
{
	struct otp_client *c = state;

	switch (c->state) {
	case OTP_C_IDENTITY:
		return otp_client_identity(conn, c, in, inlen);
	case OTP_C_CHALLENGE:
		if (in == NULL)
			in = "";
		return otp_client_challenge(conn, c, in, inlen);
	case OTP_C_FINAL:
		/* The server sends no data with its success (RFC 2444). */
		c->state = OTP_C_DONE;
		if (inlen != 0)
			return sstep_fail(conn, SASLSTEP_BADPROT,
			    "OTP: unexpected data after success");
		return SASLSTEP_OK;
	case OTP_C_DONE:
		break;
	}
	return sstep_fail(
	    conn, SASLSTEP_BADPARAM, "OTP: step after the end of the exchange");
}

static const struct sstep_mech_funcs otp_funcs = {
    otp_client_new,
    otp_client_step,
    otp_client_free,
    otp_server_new,
    otp_server_step,
    otp_server_free,
};

const struct sstep_mech sstep_mech_otp = {
    "OTP",
    OTP_FAMILY,
    SSTEP_MECH_CLIENT_FIRST,
    NULL,
    &otp_funcs,
};

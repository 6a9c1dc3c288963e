/*
 * otp.h: one-time passwords (RFC 2289) with extended responses (RFC 2243),
 * as used by the OTP SASL mechanism (RFC 2444, mechs/otp.c), the saslstep
 * command (otp init, otp key) and the tests.  Not installed.
 *
 * An OTP is 8 bytes (64 bits), in the byte order of RFC 2289 appendix A.
 * Functions that read text take a pointer and a length: nothing here
 * assumes NUL termination, and an embedded NUL is refused.  Functions that
 * can refuse their input set *why (when why is not NULL) to a static
 * English text saying what was wrong; it never holds a secret or any part
 * of the input.
 */
#ifndef SSTEP_OTP_H
#define SSTEP_OTP_H

#include <stddef.h>

#include "saslstep.h"
#include "store.h"

#define SSTEP_OTP_LEN           8  /* bytes of one OTP */
#define SSTEP_OTP_PASS_MIN      10 /* RFC 2289 s. 6, "Form of Inputs" */
#define SSTEP_OTP_PASS_MAX      63
#define SSTEP_OTP_SEED_MAX      16   /* RFC 2289 s. 6 */
#define SSTEP_OTP_SEQ_MAX       9999 /* RFC 2243 s. 4.1 (sequence-number) */
#define SSTEP_OTP_HEX_LEN       16 /* sstep_otp_to_hex() output, NUL excluded */
#define SSTEP_OTP_WORDS_MAX     29 /* six words of <= 4 letters + 5 spaces */
#define SSTEP_OTP_CHALLENGE_MAX 40 /* "otp-sha1 9999 <16> ext" + NUL fits */
/* Longest response accepted: RFC 2243 s. 2.2 (server, 6) asks for a
 * reasonable limit; an init-word response with generous spacing fits. */
#define SSTEP_OTP_RESPONSE_MAX 512

/* The dictionary (mechs/otp-words.c, RFC 2289 appendix D). */
#define SSTEP_OTP_NWORDS   2048
#define SSTEP_OTP_WORD_MAX 4
extern const char sstep_otp_words[SSTEP_OTP_NWORDS][SSTEP_OTP_WORD_MAX + 1];

/*
 * The index (0..2047) of the standard dictionary word of len bytes at word,
 * compared without regard to case; -1 when it is not a dictionary word.
 */
int sstep_otp_word_index(const char *word, size_t len);

/* Hash algorithms.  MD4 (RFC 2289) is refused: it is broken, and OpenSSL 3
 * does not have it in the default provider. */
enum sstep_otp_alg { SSTEP_OTP_MD5 = 1, SSTEP_OTP_SHA1 = 2 };

/* What a challenge is made of: algorithm, sequence number, seed. */
struct sstep_otp_params {
	enum sstep_otp_alg alg;
	unsigned seq;
	char seed[SSTEP_OTP_SEED_MAX + 1]; /* lower case, NUL-terminated */
};

/* "md5" or "sha1"; never NULL ("?" for an invalid value). */
const char *sstep_otp_alg_name(enum sstep_otp_alg alg);

/*
 * Read an algorithm name (len bytes, case-insensitive) into *alg.
 * Returns SASLSTEP_OK, or SASLSTEP_BADVERS for "md4" or any other name
 * (*why says which).
 */
int sstep_otp_alg_parse(
    const char *name, size_t len, enum sstep_otp_alg *alg, const char **why);

/*
 * Check a seed (len bytes) against RFC 2289 s. 6: 1 to 16 characters, no
 * spaces, ASCII letters and digits only; on success write it lower-cased
 * and NUL-terminated to out.  Returns SASLSTEP_OK or SASLSTEP_BADPARAM
 * with a distinct *why for length, spaces and other characters.
 */
int sstep_otp_seed_check(const char *seed, size_t len,
    char out[SSTEP_OTP_SEED_MAX + 1], const char **why);

/*
 * Check a pass phrase (len bytes) against RFC 2289 s. 6: 10 to 63 bytes,
 * no NUL byte.  Returns SASLSTEP_OK or SASLSTEP_BADPARAM with a distinct
 * *why for too short, too long and NUL.
 */
int sstep_otp_pass_check(const char *pass, size_t len, const char **why);

/*
 * Compute the OTP of pass phrase pass (passlen bytes) for seed (seedlen
 * bytes, checked and lower-cased by sstep_otp_seed_check()) and sequence
 * number seq (0..SSTEP_OTP_SEQ_MAX) with alg, into out (RFC 2289 s. 6:
 * hash and fold seed||pass, then hash and fold seq more times).  A pass
 * phrase equal to the seed is refused (RFC 2243 s. 4.3).  Intermediate
 * values are wiped.  Returns SASLSTEP_OK, SASLSTEP_BADPARAM (*why says
 * which input), SASLSTEP_BADVERS (bad alg) or SASLSTEP_FAIL (the hash
 * failed, e.g. MD5 in FIPS mode); out is wiped on failure.
 */
int sstep_otp_compute(enum sstep_otp_alg alg, const char *pass, size_t passlen,
    const char *seed, size_t seedlen, unsigned seq,
    unsigned char out[SSTEP_OTP_LEN], const char **why);

/*
 * One more application of the hash and fold to an OTP: what a server does
 * to the OTP it is given before comparing it with the one it stored
 * (RFC 2289 s. 7).  in and out may be the same buffer.  Returns
 * SASLSTEP_OK, SASLSTEP_BADVERS (bad alg) or SASLSTEP_FAIL.
 */
int sstep_otp_hash_once(enum sstep_otp_alg alg,
    const unsigned char in[SSTEP_OTP_LEN], unsigned char out[SSTEP_OTP_LEN]);

/* Write otp as 16 lower-case hex digits and a NUL (RFC 2243 s. 3.2). */
void sstep_otp_to_hex(
    const unsigned char otp[SSTEP_OTP_LEN], char out[SSTEP_OTP_HEX_LEN + 1]);

/*
 * Write otp as six upper-case dictionary words separated by single spaces,
 * the last one carrying the two-bit checksum (RFC 2289 s. 6, appendix D),
 * and a NUL.
 */
void sstep_otp_to_words(
    const unsigned char otp[SSTEP_OTP_LEN], char out[SSTEP_OTP_WORDS_MAX + 1]);

/*
 * Decode 16 hex digits (either case; white space anywhere is ignored,
 * RFC 2289 s. 6) from len bytes at s into out.  Returns SASLSTEP_OK or
 * SASLSTEP_BADPROT (*why set; out wiped).
 */
int sstep_otp_from_hex(const char *s, size_t len,
    unsigned char out[SSTEP_OTP_LEN], const char **why);

/*
 * Decode exactly six standard dictionary words (any case, separated and
 * optionally surrounded by white space) from len bytes at s into out,
 * verifying the checksum (RFC 2289 s. 6).  Returns SASLSTEP_OK or
 * SASLSTEP_BADPROT (*why: unknown word, word count, checksum; out wiped).
 * Alternative dictionaries (RFC 2289 appendix B, a SHOULD) are not
 * accepted: the appendix leaves the hash-to-index mapping unspecified.
 */
int sstep_otp_from_words(const char *s, size_t len,
    unsigned char out[SSTEP_OTP_LEN], const char **why);

/*
 * Read new parameters "ALG SEQ SEED" (len bytes; white space between and
 * around the three fields) into *p: alg md5 or sha1, 1 <= SEQ <=
 * SSTEP_OTP_SEQ_MAX in decimal, seed as sstep_otp_seed_check().  This is
 * the new-params of RFC 2243 s. 4.1 and the value of
 * SASLSTEP_PROP_OTP_REINIT.  Returns SASLSTEP_OK, SASLSTEP_BADVERS (md4 or
 * an unknown algorithm) or SASLSTEP_BADPARAM (*why set).
 */
int sstep_otp_params_parse(
    const char *s, size_t len, struct sstep_otp_params *p, const char **why);

/*
 * Read a server challenge "otp-<alg> <seq> <seed> ext[,...]" (RFC 2289
 * s. 6, RFC 2243 s. 2.1; len bytes, trailing white space allowed) into *p.
 * *ext (if not NULL) is set to 1 when the "ext" capability list is there
 * (extended responses may be sent), 0 when the challenge ends after the
 * seed.  Returns SASLSTEP_OK, SASLSTEP_BADVERS (md4 or an unknown
 * algorithm) or SASLSTEP_BADPROT (anything else wrong, a sequence number
 * of 0 or above SSTEP_OTP_SEQ_MAX included: RFC 2243 s. 4.3).
 */
int sstep_otp_challenge_parse(const char *s, size_t len,
    struct sstep_otp_params *p, int *ext, const char **why);

/*
 * Format the extended challenge for *p, "otp-<alg> <seq> <seed> ext", into
 * out (NUL-terminated).  Returns its length, or -1 when *p is invalid.
 */
int sstep_otp_challenge_format(
    const struct sstep_otp_params *p, char out[SSTEP_OTP_CHALLENGE_MAX]);

/* The forms of response (RFC 2289 s. 6, RFC 2243 s. 3 and 4). */
enum sstep_otp_resp_type {
	SSTEP_OTP_RESP_STANDARD = 1, /* six words or hex, no type */
	SSTEP_OTP_RESP_HEX,          /* hex: */
	SSTEP_OTP_RESP_WORD,         /* word: */
	SSTEP_OTP_RESP_INIT_HEX,     /* init-hex: */
	SSTEP_OTP_RESP_INIT_WORD     /* init-word: */
};

/*
 * A parsed response.  A standard response may read both as six words and
 * as hex; RFC 2289 s. 6 then wants the server to accept it if either
 * verifies, so it carries up to two candidates (ncur).  For init-hex and
 * init-word, init_why is NULL when the new parameters and new OTP are
 * usable; otherwise it says why not, while cur still holds the current
 * OTP (RFC 2243 s. 4.3: a server that verifies it must still consume it).
 */
struct sstep_otp_response {
	enum sstep_otp_resp_type type;
	unsigned ncur;
	unsigned char cur[2][SSTEP_OTP_LEN];
	const char *init_why;
	struct sstep_otp_params newp;
	unsigned char newotp[SSTEP_OTP_LEN];
};

/*
 * Parse a response of len bytes (at most SSTEP_OTP_RESPONSE_MAX; printable
 * ASCII and white space only; trailing white space, CR LF included, is
 * allowed) into *r: a standard response, hex:, word:, init-hex: or
 * init-word: (type names without regard to case, RFC 2243 s. 2.2).
 * Returns SASLSTEP_OK, or SASLSTEP_BADPROT with *why set and *r wiped.
 * The caller wipes *r with sstep_otp_response_clear().
 */
int sstep_otp_response_parse(
    const char *s, size_t len, struct sstep_otp_response *r, const char **why);

/* Wipe a response. */
void sstep_otp_response_clear(struct sstep_otp_response *r);

/*
 * Enrol user in st for OTP, or start them on a new sequence: compute the
 * OTP of pass phrase pass (passlen bytes) for seed (seedlen bytes) at
 * sequence number seq and store it, with alg and seed, as the user's "otp"
 * credential (layout at the top of mechs/otp.c), creating the user if
 * needed and replacing any earlier OTP credential.  seq must be 2 to
 * SSTEP_OTP_SEQ_MAX: the first challenge is for seq - 1.  The pass phrase
 * is not kept.  Returns SASLSTEP_OK, SASLSTEP_BADPARAM or SASLSTEP_BADVERS
 * (*why set), or the store's error (sstep_store_error() says why).
 */
int sstep_otp_enrol(saslstep_store_t *st, const char *user,
    enum sstep_otp_alg alg, const char *pass, size_t passlen, const char *seed,
    size_t seedlen, unsigned seq, const char **why);

/*
 * The "otp" credential (layout at the top of mechs/otp.c) of parameters
 * *p, where p->seq (0 to SSTEP_OTP_SEQ_MAX; below 2 the sequence is
 * exhausted) is the sequence number of otp, the last OTP accepted or the
 * first of a new sequence: what enrolment, export and import store.
 * Fills *c; c->params and c->secret are malloc'ed, release them with
 * sstep_cred_clear().  Returns SASLSTEP_OK, SASLSTEP_BADPARAM (seed or
 * seq), SASLSTEP_BADVERS (alg) or SASLSTEP_NOMEM, with *why set; *c is
 * empty on failure.
 */
int sstep_otp_cred_make(const struct sstep_otp_params *p,
    const unsigned char otp[SSTEP_OTP_LEN], struct sstep_cred *c,
    const char **why);

/*
 * Read an "otp" credential back: *p (p->seq is its counter) and, when otp
 * is not NULL, the stored OTP.  Returns SASLSTEP_OK or SASLSTEP_BADPARAM
 * (*why set, *p wiped) for anything that does not fit the layout.
 */
int sstep_otp_cred_parse(const struct sstep_cred *c, struct sstep_otp_params *p,
    unsigned char otp[SSTEP_OTP_LEN], const char **why);

/*
 * The seeds this project makes: two lower-case letters and four digits,
 * the shape of "ke1234" (RFC 2289 s. 6 allows 1 to 16 alphanumerics).
 * sstep_otp_seed_make() turns SSTEP_OTP_SEED_BYTES bytes into one, so an
 * enrolment (random bytes) and a fake challenge for an unknown user (bytes
 * derived from the store's secret) draw from the same distribution and
 * cannot be told apart.  sstep_otp_seed_random() uses RAND_bytes; it
 * returns SASLSTEP_OK or SASLSTEP_FAIL when no randomness is to be had.
 */
#define SSTEP_OTP_SEED_BYTES 12
void sstep_otp_seed_make(const unsigned char bytes[SSTEP_OTP_SEED_BYTES],
    char seed[SSTEP_OTP_SEED_MAX + 1]);
int sstep_otp_seed_random(char seed[SSTEP_OTP_SEED_MAX + 1]);

#endif /* SSTEP_OTP_H */

/*
 * test-otp.c: OTP (RFC 2289, RFC 2243) and the OTP SASL mechanism
 * (RFC 2444).  First the pure functions against the RFC vectors, then
 * whole exchanges through the public API against a real SQLite store in a
 * temporary directory.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "store.h"
#include "otp.h"
#include "check.h"
#include "tmpstore.h"

/* RFC 2289 appendix C, MD5 and SHA1 (MD4 is refused by design). */
struct vector {
	enum sstep_otp_alg alg;
	const char *pass;
	const char *seed;
	unsigned seq;
	const char *hex;
	const char *words;
};

static const struct vector vectors[] = {
    {SSTEP_OTP_MD5, "This is a test.", "TeSt", 0, "9e876134d90499dd",
        "INCH SEA ANNE LONG AHEM TOUR"},
    {SSTEP_OTP_MD5, "This is a test.", "TeSt", 1, "7965e05436f5029f",
        "EASE OIL FUM CURE AWRY AVIS"},
    {SSTEP_OTP_MD5, "This is a test.", "TeSt", 99, "50fe1962c4965880",
        "BAIL TUFT BITS GANG CHEF THY"},
    {SSTEP_OTP_MD5, "AbCdEfGhIjK", "alpha1", 0, "87066dd9644bf206",
        "FULL PEW DOWN ONCE MORT ARC"},
    {SSTEP_OTP_MD5, "AbCdEfGhIjK", "alpha1", 1, "7cd34c1040add14b",
        "FACT HOOF AT FIST SITE KENT"},
    {SSTEP_OTP_MD5, "AbCdEfGhIjK", "alpha1", 99, "5aa37a81f212146c",
        "BODE HOP JAKE STOW JUT RAP"},
    {SSTEP_OTP_MD5, "OTP's are good", "correct", 0, "f205753943de4cf9",
        "ULAN NEW ARMY FUSE SUIT EYED"},
    {SSTEP_OTP_MD5, "OTP's are good", "correct", 1, "ddcdac956f234937",
        "SKIM CULT LOB SLAM POE HOWL"},
    {SSTEP_OTP_MD5, "OTP's are good", "correct", 99, "b203e28fa525be47",
        "LONG IVY JULY AJAR BOND LEE"},
    {SSTEP_OTP_SHA1, "This is a test.", "TeSt", 0, "bb9e6ae1979d8ff4",
        "MILT VARY MAST OK SEES WENT"},
    {SSTEP_OTP_SHA1, "This is a test.", "TeSt", 1, "63d936639734385b",
        "CART OTTO HIVE ODE VAT NUT"},
    {SSTEP_OTP_SHA1, "This is a test.", "TeSt", 99, "87fec7768b73ccf9",
        "GAFF WAIT SKID GIG SKY EYED"},
    {SSTEP_OTP_SHA1, "AbCdEfGhIjK", "alpha1", 0, "ad85f658ebe383c9",
        "LEST OR HEEL SCOT ROB SUIT"},
    {SSTEP_OTP_SHA1, "AbCdEfGhIjK", "alpha1", 1, "d07ce229b5cf119b",
        "RITE TAKE GELD COST TUNE RECK"},
    {SSTEP_OTP_SHA1, "AbCdEfGhIjK", "alpha1", 99, "27bc71035aaf3dc6",
        "MAY STAR TIN LYON VEDA STAN"},
    {SSTEP_OTP_SHA1, "OTP's are good", "correct", 0, "d51f3e99bf8e6f0b",
        "RUST WELT KICK FELL TAIL FRAU"},
    {SSTEP_OTP_SHA1, "OTP's are good", "correct", 1, "82aeb52d943774e4",
        "FLIT DOSE ALSO MEW DRUM DEFY"},
    {SSTEP_OTP_SHA1, "OTP's are good", "correct", 99, "4f296a74fe1567ec",
        "AURA ALOE HURL WING BERG WAIT"},
    /* RFC 2289 appendix C, "Parity Calculations". */
    {SSTEP_OTP_MD5, "A_Valid_Pass_Phrase", "AValidSeed", 99, "85c43ee03857765b",
        "FOWL KID MASH DEAD DUAL OAF"},
    /* RFC 2444 s. 5 examples. */
    {SSTEP_OTP_MD5, "This is a test.", "ke1234", 499, "5bf075d9959d036f",
        "BOND FOGY DRAB NE RISE MART"},
    /*
     * RFC 2444's SHA1 example gives c90fc02cc488df5e: that is the SHA-1
     * fold without the little-endian word order of RFC 2289 appendix A,
     * which all of appendix C's SHA1 vectors above follow (and so do we).
     */
    {SSTEP_OTP_SHA1, "This is a test.", "ke1234", 499, "1ef48366d04873e0",
        NULL},
    {SSTEP_OTP_MD5, "This is a test.", "ke1235", 499, "3712dcb4aa5316c1", NULL},
    {SSTEP_OTP_MD5, "this is a test", "ke1234", 123, "11d4c147e227c1f1", NULL},
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static void
compute(enum sstep_otp_alg alg, const char *pass, const char *seed,
    unsigned seq, unsigned char out[SSTEP_OTP_LEN])
{
	const char *why = NULL;

	CHECK_INT(sstep_otp_compute(alg, pass, strlen(pass), seed, strlen(seed),
	              seq, out, &why),
	    SASLSTEP_OK);
}

static void
test_vectors(void)
{
	unsigned char otp[SSTEP_OTP_LEN], back[SSTEP_OTP_LEN];
	unsigned char prev[SSTEP_OTP_LEN], once[SSTEP_OTP_LEN];
	char hex[SSTEP_OTP_HEX_LEN + 1], words[SSTEP_OTP_WORDS_MAX + 1];
	const struct vector *v;
	size_t i;

	for (i = 0; i < NVECTORS; i++) {
		v = &vectors[i];
		compute(v->alg, v->pass, v->seed, v->seq, otp);
		sstep_otp_to_hex(otp, hex);
		CHECK_MEM(hex, strlen(hex), v->hex);
		CHECK_INT(
		    sstep_otp_from_hex(v->hex, strlen(v->hex), back, NULL),
		    SASLSTEP_OK);
		CHECK(memcmp(back, otp, SSTEP_OTP_LEN) == 0);
		if (v->words != NULL) {
			sstep_otp_to_words(otp, words);
			CHECK_MEM(words, strlen(words), v->words);
			CHECK_INT(sstep_otp_from_words(
			              v->words, strlen(v->words), back, NULL),
			    SASLSTEP_OK);
			CHECK(memcmp(back, otp, SSTEP_OTP_LEN) == 0);
		}
		/* One hash step links sequence n-1 to n (RFC 2289 s. 7). */
		if (v->seq > 0) {
			compute(v->alg, v->pass, v->seed, v->seq - 1, prev);
			CHECK_INT(sstep_otp_hash_once(v->alg, prev, once),
			    SASLSTEP_OK);
			CHECK(memcmp(once, otp, SSTEP_OTP_LEN) == 0);
		}
	}
	/* hash_once works in place. */
	compute(SSTEP_OTP_SHA1, "This is a test.", "TeSt", 0, otp);
	CHECK_INT(sstep_otp_hash_once(SSTEP_OTP_SHA1, otp, otp), SASLSTEP_OK);
	sstep_otp_to_hex(otp, hex);
	CHECK_MEM(hex, strlen(hex), "63d936639734385b");
}

static void
test_input_errors(void)
{
	static const char long64[] =
	    "1234567890123456789012345678901234567890123456789012345678901234";
	unsigned char otp[SSTEP_OTP_LEN];
	char seed[SSTEP_OTP_SEED_MAX + 1];
	const char *why;

	/* RFC 2289 appendix C, "Pass Phrase Length" and "Seed Values". */
	why = NULL;
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_MD5, "Too_short", 9, "iamvalid",
	              8, 99, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL && strstr(why, "too short") != NULL);
	why = NULL;
	CHECK_INT(sstep_otp_compute(
	              SSTEP_OTP_MD5, long64, 64, "iamvalid", 8, 99, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL && strstr(why, "63") != NULL);
	/* 63 is the longest accepted. */
	CHECK_INT(sstep_otp_compute(
	              SSTEP_OTP_MD5, long64, 63, "iamvalid", 8, 99, otp, &why),
	    SASLSTEP_OK);
	why = NULL;
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_SHA1, "A_Valid_Pass_Phrase", 19,
	              "Length_Okay", 11, 99, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL && strstr(why, "alphanumeric") != NULL);
	why = NULL;
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_SHA1, "A_Valid_Pass_Phrase", 19,
	              "LengthOfSeventeen", 17, 99, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL && strstr(why, "between 1 and 16") != NULL);
	why = NULL;
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_SHA1, "A_Valid_Pass_Phrase", 19,
	              "A Seed", 6, 99, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL && strstr(why, "spaces") != NULL);
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_SHA1, "A_Valid_Pass_Phrase", 19,
	              "", 0, 99, otp, &why),
	    SASLSTEP_BADPARAM);
	/* A NUL inside the pass phrase, a pass phrase equal to the seed, a
	 * sequence number past the limit, and an invalid algorithm. */
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_MD5, "pass\0phrase!", 12, "seed",
	              4, 1, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_MD5, "SameAsSeed12", 12,
	              "sameasseed12", 12, 1, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_otp_compute(SSTEP_OTP_MD5, "This is a test.", 15,
	              "seed", 4, SSTEP_OTP_SEQ_MAX + 1, otp, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_otp_compute((enum sstep_otp_alg)7, "This is a test.",
	              15, "seed", 4, 1, otp, &why),
	    SASLSTEP_BADVERS);

	CHECK_INT(sstep_otp_seed_check("Ke1234", 6, seed, NULL), SASLSTEP_OK);
	CHECK(strcmp(seed, "ke1234") == 0);
	CHECK_INT(sstep_otp_seed_check("ke\0"
	                               "234",
	              6, seed, NULL),
	    SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_otp_seed_check("k\xe9", 2, seed, NULL), SASLSTEP_BADPARAM);
}

static void
test_dictionary(void)
{
	int i, ok = 1;

	for (i = 0; i < SSTEP_OTP_NWORDS; i++) {
		if (sstep_otp_word_index(
		        sstep_otp_words[i], strlen(sstep_otp_words[i])) != i)
			ok = 0;
	}
	CHECK(ok);
	CHECK_INT(sstep_otp_word_index("a", 1), 0);
	CHECK_INT(sstep_otp_word_index("yoU", 3), 570);
	CHECK_INT(sstep_otp_word_index("abed", 4), 571);
	CHECK_INT(sstep_otp_word_index("YOKE", 4), 2047);
	CHECK_INT(sstep_otp_word_index("ZZZZ", 4), -1);
	CHECK_INT(sstep_otp_word_index("ABEDS", 5), -1);
	CHECK_INT(sstep_otp_word_index("", 0), -1);
	CHECK_INT(sstep_otp_word_index("A1", 2), -1);
	CHECK_INT(sstep_otp_word_index("A\0", 2), -1);
}

static int
words_rc(const char *s)
{
	unsigned char otp[SSTEP_OTP_LEN];

	return sstep_otp_from_words(s, strlen(s), otp, NULL);
}

static int
hex_rc(const char *s, size_t len, const char *want)
{
	unsigned char otp[SSTEP_OTP_LEN];
	char hex[SSTEP_OTP_HEX_LEN + 1];
	int r;

	r = sstep_otp_from_hex(s, len, otp, NULL);
	if (r == SASLSTEP_OK && want != NULL) {
		sstep_otp_to_hex(otp, hex);
		CHECK_MEM(hex, strlen(hex), want);
	}
	return r;
}

static void
test_decoding(void)
{
	unsigned char otp[SSTEP_OTP_LEN];
	char hex[SSTEP_OTP_HEX_LEN + 1];
	const char *why;

	/* Case and white space (RFC 2289 s. 6). */
	CHECK_INT(sstep_otp_from_words(
	              "  fowl\tKid  mAsH\r\nDEAD dual   oaf \n", 35, otp, NULL),
	    SASLSTEP_OK);
	sstep_otp_to_hex(otp, hex);
	CHECK_MEM(hex, strlen(hex), "85c43ee03857765b");
	CHECK_INT(words_rc("oust coat foal  mug  beak  tote"), SASLSTEP_OK);
	/* Parity: appendix C's three incorrect ones. */
	why = NULL;
	CHECK_INT(
	    sstep_otp_from_words("FOWL KID MASH DEAD DUAL NUT", 27, otp, &why),
	    SASLSTEP_BADPROT);
	CHECK(why != NULL && strstr(why, "checksum") != NULL);
	CHECK_INT(words_rc("FOWL KID MASH DEAD DUAL O"), SASLSTEP_BADPROT);
	CHECK_INT(words_rc("FOWL KID MASH DEAD DUAL OAK"), SASLSTEP_BADPROT);
	/* Unknown word, word count, junk. */
	why = NULL;
	CHECK_INT(
	    sstep_otp_from_words("FOWL KID MASH DEAD DUAL ZZZZ", 28, otp, &why),
	    SASLSTEP_BADPROT);
	CHECK(why != NULL && strstr(why, "dictionary") != NULL);
	CHECK_INT(words_rc("FOWL KID MASH DEAD DUAL"), SASLSTEP_BADPROT);
	CHECK_INT(
	    words_rc("FOWL KID MASH DEAD DUAL OAF OAF"), SASLSTEP_BADPROT);
	CHECK_INT(words_rc("FOWL KID MASH DEAD DUAL OAF."), SASLSTEP_BADPROT);
	CHECK_INT(words_rc("FOWL KID MASH DEAD DUAL OAFS"), SASLSTEP_BADPROT);
	CHECK_INT(words_rc(""), SASLSTEP_BADPROT);
	CHECK_INT(sstep_otp_from_words(
	              "FOWL KID MASH DEAD DUAL OAF\0", 28, otp, NULL),
	    SASLSTEP_BADPROT);

	/* Hex: RFC 2289 s. 6 examples, white space anywhere. */
	CHECK_INT(
	    hex_rc("3503785b369cda8b", 16, "3503785b369cda8b"), SASLSTEP_OK);
	CHECK_INT(
	    hex_rc("e5cc a1b8 7c13 096b", 19, "e5cca1b87c13096b"), SASLSTEP_OK);
	CHECK_INT(hex_rc("C7 48 90 F4 27 7B A1 CF", 23, "c74890f4277ba1cf"),
	    SASLSTEP_OK);
	CHECK_INT(hex_rc("47 9 A68 28 4C 9D 0 1BC", 23, "479a68284c9d01bc"),
	    SASLSTEP_OK);
	CHECK_INT(hex_rc(" 3503785b369cda8b\r\n", 19, "3503785b369cda8b"),
	    SASLSTEP_OK);
	CHECK_INT(hex_rc("3503785b369cda8g", 16, NULL), SASLSTEP_BADPROT);
	CHECK_INT(hex_rc("3503785b369cda8", 15, NULL), SASLSTEP_BADPROT);
	CHECK_INT(hex_rc("3503785b369cda8b0", 17, NULL), SASLSTEP_BADPROT);
	CHECK_INT(hex_rc("0x3503785b369cda", 16, NULL), SASLSTEP_BADPROT);
	CHECK_INT(hex_rc("3503785b\0"
	                 "369cda8b",
	              17, NULL),
	    SASLSTEP_BADPROT);
	/* Not NUL-terminated: only len bytes are read. */
	CHECK_INT(
	    hex_rc("3503785b369cda8bff", 16, "3503785b369cda8b"), SASLSTEP_OK);
}

static const char *parse_rc_why;

static int
resp_rc(const char *s, size_t len, struct sstep_otp_response *r)
{
	parse_rc_why = NULL;
	return sstep_otp_response_parse(s, len, r, &parse_rc_why);
}

#define RESP(s, r) resp_rc((s), sizeof(s) - 1, (r))

/* init-hex responses whose current OTP is readable but whose new fields
 * are not: accepted, with init_why saying so (the server must still
 * consume the current OTP). */
static const char *const init_unusable[] = {
    "init-hex:5bf075d9959d036f:md4 499 ke1235:3712dcb4aa5316c1",
    "init-hex:5bf075d9959d036f:md5 0 ke1235:3712dcb4aa5316c1",
    "init-hex:5bf075d9959d036f:md5 10000 ke1235:3712dcb4aa5316c1",
    "init-hex:5bf075d9959d036f:md5 499 ke_1235:3712dcb4aa5316c1",
    "init-hex:5bf075d9959d036f:md5 499 ke1235:3712dcb4aa5316c",
    "init-hex:5bf075d9959d036f:md5 499 ke1235",
    "init-hex:5bf075d9959d036f",
    "init-hex:5bf075d9959d036f:md5 499 ke1235:3712dcb4aa5316c1:x",
    /* init-hex wants hex throughout, init-word words. */
    "init-hex:5bf075d9959d036f:md5 499 ke1235:FOWL KID MASH DEAD DUAL OAF",
};

static void
test_responses(void)
{
	struct sstep_otp_response r;
	char big[SSTEP_OTP_RESPONSE_MAX + 2];
	char hex[SSTEP_OTP_HEX_LEN + 1];
	size_t i;

	CHECK_INT(RESP("hex:5bf075d9959d036f", &r), SASLSTEP_OK);
	CHECK_INT(r.type, SSTEP_OTP_RESP_HEX);
	CHECK_INT(r.ncur, 1);
	sstep_otp_to_hex(r.cur[0], hex);
	CHECK_MEM(hex, strlen(hex), "5bf075d9959d036f");
	CHECK_INT(RESP("HEX:5bf0 75d9 959d 036f\r\n", &r), SASLSTEP_OK);
	CHECK_INT(RESP("word:BOND FOGY DRAB NE RISE MART", &r), SASLSTEP_OK);
	CHECK_INT(r.type, SSTEP_OTP_RESP_WORD);
	sstep_otp_to_hex(r.cur[0], hex);
	CHECK_MEM(hex, strlen(hex), "5bf075d9959d036f");
	CHECK_INT(RESP("Word:bond fogy drab ne rise mart\n", &r), SASLSTEP_OK);
	CHECK_INT(RESP("BOND FOGY DRAB NE RISE MART", &r), SASLSTEP_OK);
	CHECK_INT(r.type, SSTEP_OTP_RESP_STANDARD);
	CHECK_INT(r.ncur, 1);
	CHECK_INT(RESP("5bf075d9959d036f", &r), SASLSTEP_OK);
	CHECK_INT(r.type, SSTEP_OTP_RESP_STANDARD);
	CHECK_INT(r.ncur, 1);
	/* Valid as six words and as hex: both candidates (RFC 2289 s. 6). */
	CHECK_INT(RESP("A A ABE ABE ABED DEAD", &r), SASLSTEP_OK);
	CHECK_INT(r.ncur, 2);
	sstep_otp_to_hex(r.cur[0], hex);
	CHECK_MEM(hex, strlen(hex), "00000000801476e1");
	sstep_otp_to_hex(r.cur[1], hex);
	CHECK_MEM(hex, strlen(hex), "aaabeabeabeddead");
	/* RFC 2243 s. 3's own example of the ambiguity. */
	CHECK_INT(RESP("ABE ACE ADA ADD BAD A", &r), SASLSTEP_OK);
	CHECK_INT(r.ncur, 2);
	sstep_otp_to_hex(r.cur[1], hex);
	CHECK_MEM(hex, strlen(hex), "abeaceadaaddbada");
	/* Only hex-shaped ("B" is no word): one candidate. */
	CHECK_INT(RESP("ABE ACE ADA ADD BAD B", &r), SASLSTEP_OK);
	CHECK_INT(r.ncur, 1);
	sstep_otp_to_hex(r.cur[0], hex);
	CHECK_MEM(hex, strlen(hex), "abeaceadaaddbadb");

	/* init-hex and init-word (RFC 2444 s. 5, RFC 2243 s. 4.1). */
	CHECK_INT(RESP("init-hex:5bf075d9959d036f:md5 499 ke1235:"
	               "3712dcb4aa5316c1",
	              &r),
	    SASLSTEP_OK);
	CHECK_INT(r.type, SSTEP_OTP_RESP_INIT_HEX);
	CHECK(r.init_why == NULL);
	CHECK_INT(r.newp.alg, SSTEP_OTP_MD5);
	CHECK_INT(r.newp.seq, 499);
	CHECK(strcmp(r.newp.seed, "ke1235") == 0);
	sstep_otp_to_hex(r.newotp, hex);
	CHECK_MEM(hex, strlen(hex), "3712dcb4aa5316c1");
	CHECK_INT(RESP("INIT-WORD:BOND FOGY DRAB NE RISE MART:SHA1 12 KE1:"
	               "FOWL KID MASH DEAD DUAL OAF",
	              &r),
	    SASLSTEP_OK);
	CHECK_INT(r.type, SSTEP_OTP_RESP_INIT_WORD);
	CHECK(r.init_why == NULL);
	CHECK_INT(r.newp.alg, SSTEP_OTP_SHA1);
	CHECK(strcmp(r.newp.seed, "ke1") == 0);
	/* A readable current OTP with unusable new fields (the table). */
	for (i = 0; i < sizeof(init_unusable) / sizeof(init_unusable[0]); i++) {
		CHECK_INT(
		    resp_rc(init_unusable[i], strlen(init_unusable[i]), &r),
		    SASLSTEP_OK);
		CHECK(r.init_why != NULL);
	}
	/* init-word wants words throughout. */
	CHECK_INT(RESP("init-word:5bf075d9959d036f:md5 499 ke1235:"
	               "FOWL KID MASH DEAD DUAL OAF",
	              &r),
	    SASLSTEP_BADPROT);

	/* Refused outright. */
	CHECK_INT(RESP("", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("hex:", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("foo:5bf075d9959d036f", &r), SASLSTEP_BADPROT);
	CHECK(parse_rc_why != NULL && strstr(parse_rc_why, "type") != NULL);
	CHECK_INT(RESP("hex:5bf075d9959d036f junk", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("hex:5bf075d9959d036f:", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("word:BOND FOGY DRAB NE RISE MART junk", &r),
	    SASLSTEP_BADPROT);
	CHECK_INT(RESP("word:BOND FOGY DRAB NE RISE", &r), SASLSTEP_BADPROT);
	CHECK_INT(
	    RESP("word:BOND FOGY DRAB NE RISE MAST", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("hex:5bf075d9959d036f\0", &r), SASLSTEP_BADPROT);
	CHECK(parse_rc_why != NULL && strstr(parse_rc_why, "NUL") != NULL);
	CHECK_INT(RESP("hex:5bf075d9\0959d036f", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("hex:5bf075d9959d036f\x01", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("hex:5bf075d9959d036f\xc3\xa9", &r), SASLSTEP_BADPROT);
	CHECK_INT(RESP("init-hex:5bf075d9959d036g:md5 499 ke1235:"
	               "3712dcb4aa5316c1",
	              &r),
	    SASLSTEP_BADPROT);
	CHECK_INT(RESP("BOND FOGY DRAB NE RISE", &r), SASLSTEP_BADPROT);
	/* Over-long: white space padding a valid response past the limit. */
	memset(big, ' ', sizeof(big));
	memcpy(big, "hex:5bf075d9959d036f", 20);
	CHECK_INT(resp_rc(big, SSTEP_OTP_RESPONSE_MAX, &r), SASLSTEP_OK);
	CHECK_INT(
	    resp_rc(big, SSTEP_OTP_RESPONSE_MAX + 1, &r), SASLSTEP_BADPROT);
	CHECK(parse_rc_why != NULL && strstr(parse_rc_why, "long") != NULL);
	/* A failed parse leaves nothing behind. */
	CHECK_INT(r.ncur, 0);
	sstep_otp_response_clear(&r);
}

static int
chal_rc(const char *s, struct sstep_otp_params *p, int *ext)
{
	return sstep_otp_challenge_parse(s, strlen(s), p, ext, NULL);
}

static void
test_challenges(void)
{
	struct sstep_otp_params p;
	char buf[SSTEP_OTP_CHALLENGE_MAX];
	int ext;

	CHECK_INT(chal_rc("otp-md5 499 ke1234 ext", &p, &ext), SASLSTEP_OK);
	CHECK_INT(p.alg, SSTEP_OTP_MD5);
	CHECK_INT(p.seq, 499);
	CHECK(strcmp(p.seed, "ke1234") == 0);
	CHECK_INT(ext, 1);
	CHECK_INT(sstep_otp_challenge_format(&p, buf), 22);
	CHECK(strcmp(buf, "otp-md5 499 ke1234 ext") == 0);
	CHECK_INT(
	    chal_rc("otp-SHA1 1 AB12 ext,foo\r\n", &p, &ext), SASLSTEP_OK);
	CHECK_INT(p.alg, SSTEP_OTP_SHA1);
	CHECK_INT(p.seq, 1);
	CHECK(strcmp(p.seed, "ab12") == 0);
	CHECK_INT(ext, 1);
	CHECK_INT(chal_rc("otp-md5 9999 ke1234", &p, &ext), SASLSTEP_OK);
	CHECK_INT(ext, 0);
	CHECK_INT(
	    chal_rc("otp-md4 499 ke1234 ext", &p, &ext), SASLSTEP_BADVERS);
	CHECK_INT(
	    chal_rc("otp-sha256 499 ke1234 ext", &p, &ext), SASLSTEP_BADVERS);
	CHECK_INT(chal_rc("otp-md5 0 ke1234 ext", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(
	    chal_rc("otp-md5 10000 ke1234 ext", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(chal_rc("otp-md5 -1 ke1234 ext", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(
	    chal_rc("otp-md5 12a ke1234 ext", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(
	    chal_rc("otp-md5 499 ke_1234 ext", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(chal_rc("otp-md5 499 LengthOfSeventeen ext", &p, &ext),
	    SASLSTEP_BADPROT);
	CHECK_INT(
	    chal_rc("otp-md5 499 ke1234 ext junk", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(
	    chal_rc("otp-md5 499 ke1234 extra", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(chal_rc("s/key 499 ke1234", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(chal_rc("otp-md5 499", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(chal_rc("", &p, &ext), SASLSTEP_BADPROT);
	CHECK_INT(sstep_otp_challenge_parse(
	              "otp-md5 499 ke1234\0ext", 22, &p, &ext, NULL),
	    SASLSTEP_BADPROT);

	CHECK_INT(sstep_otp_params_parse("sha1 500 NewSeed", 16, &p, NULL),
	    SASLSTEP_OK);
	CHECK_INT(p.alg, SSTEP_OTP_SHA1);
	CHECK_INT(p.seq, 500);
	CHECK(strcmp(p.seed, "newseed") == 0);
	CHECK_INT(
	    sstep_otp_params_parse("md4 1 a", 7, &p, NULL), SASLSTEP_BADVERS);
	CHECK_INT(
	    sstep_otp_params_parse("md5 0 a", 7, &p, NULL), SASLSTEP_BADPARAM);
	CHECK_INT(
	    sstep_otp_params_parse("md5 1", 5, &p, NULL), SASLSTEP_BADPARAM);
	CHECK_INT(sstep_otp_params_parse("md5 1 a b", 9, &p, NULL),
	    SASLSTEP_BADPARAM);
	p.alg = SSTEP_OTP_MD5;
	p.seq = 0;
	strcpy(p.seed, "ke1234");
	CHECK_INT(sstep_otp_challenge_format(&p, buf), -1);
}

/* ---------------------------------------------------------------------- */
/* Exchanges through the public API against a SQLite store                 */
/* ---------------------------------------------------------------------- */

/* Enrol user: the OTP at sequence seq becomes the stored one. */
static void
enrol(saslstep_store_t *st, const char *user, enum sstep_otp_alg alg,
    const char *pass, const char *seed, unsigned seq)
{
	const char *why = NULL;

	CHECK_INT(sstep_otp_enrol(st, user, alg, pass, strlen(pass), seed,
	              strlen(seed), seq, &why),
	    SASLSTEP_OK);
}

/* The stored OTP counter of user, -1 when absent. */
static long long
counter(saslstep_store_t *st, const char *user)
{
	struct sstep_cred c;
	long long n;

	memset(&c, 0, sizeof(c));
	if (sstep_store_cred_get(st, user, "otp", &c) != SASLSTEP_OK)
		return -1;
	n = c.counter;
	sstep_cred_clear(&c);
	return n;
}

/* The stored params of user, into buf. */
static const char *
params(saslstep_store_t *st, const char *user, char *buf, size_t size)
{
	struct sstep_cred c;

	memset(&c, 0, sizeof(c));
	buf[0] = '\0';
	if (sstep_store_cred_get(st, user, "otp", &c) == SASLSTEP_OK) {
		snprintf(buf, size, "%s", c.params);
		sstep_cred_clear(&c);
	}
	return buf;
}

/*
 * Start a server for user (initial response "\0user") and copy its
 * challenge into chal.  Returns the server's code.
 */
static int
server_open(saslstep_store_t *st, const char *user, saslstep_conn_t **srv,
    char *chal, size_t chalsize, const char **errstr)
{
	char msg[300];
	const char *out = NULL;
	unsigned outlen = 0;
	size_t n = strlen(user);
	int r;

	msg[0] = '\0';
	memcpy(msg + 1, user, n);
	chal[0] = '\0';
	CHECK_INT(saslstep_server_new("test", st, srv), SASLSTEP_OK);
	r = saslstep_server_start(
	    *srv, "OTP", msg, (unsigned)(n + 1), &out, &outlen, errstr);
	if (r == SASLSTEP_CONTINUE && outlen < chalsize) {
		memcpy(chal, out, outlen);
		chal[outlen] = '\0';
	}
	return r;
}

/* Give a started server one response; returns its code. */
static int
server_answer(
    saslstep_conn_t *srv, const char *resp, size_t len, const char **errstr)
{
	const char *out = NULL;
	unsigned outlen = 99;
	int r;

	r = saslstep_server_step(
	    srv, resp, (unsigned)len, &out, &outlen, errstr);
	if (r == SASLSTEP_OK)
		CHECK_INT(outlen, 0);
	return r;
}

/* One whole exchange, client with the pass phrase set.  The client's
 * response is copied into resp (if not NULL). */
static int
login(saslstep_store_t *st, const char *user, const char *pass, char *resp,
    size_t respsize, const char **errstr_out)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *sout = NULL, *mech = NULL, *errstr = NULL;
	const char *who = NULL;
	unsigned coutlen = 0, soutlen = 0;
	int r;

	if (resp != NULL)
		resp[0] = '\0';
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, user), SASLSTEP_OK);
	CHECK_INT(saslstep_setprop(cli, SASLSTEP_PROP_PASS, pass), SASLSTEP_OK);
	r = saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	CHECK(mech != NULL && strcmp(mech, "OTP") == 0);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	r = saslstep_server_start(
	    srv, "OTP", cout, coutlen, &sout, &soutlen, &errstr);
	if (r != SASLSTEP_CONTINUE)
		goto out;
	r = saslstep_client_step(cli, sout, soutlen, &prompts, &cout, &coutlen);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	if (r != SASLSTEP_CONTINUE)
		goto out;
	if (resp != NULL && coutlen < respsize) {
		memcpy(resp, cout, coutlen);
		resp[coutlen] = '\0';
	}
	r = saslstep_server_step(srv, cout, coutlen, &sout, &soutlen, &errstr);
	if (r != SASLSTEP_OK)
		goto out;
	CHECK_INT(soutlen, 0);
	CHECK_INT(
	    saslstep_getprop(srv, SASLSTEP_PROP_USERNAME, &who), SASLSTEP_OK);
	CHECK(who != NULL && strcmp(who, user) == 0);
	CHECK_INT(saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen),
	    SASLSTEP_OK);
out:
	if (errstr_out != NULL) {
		/* errstr dies with the connection: keep a static copy. */
		static char copy[512];

		snprintf(copy, sizeof(copy), "%s", errstr ? errstr : "");
		*errstr_out = copy;
	}
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
	return r;
}

static const char phrase[] = "This is a test.";

static void
test_login(saslstep_store_t *st)
{
	char resp[128], chal[64], buf[64];
	const char *errstr;
	saslstep_conn_t *srv = NULL;

	/* RFC 2444 s. 5: md5 499 ke1234, and the same with SHA1. */
	enrol(st, "tim", SSTEP_OTP_MD5, phrase, "ke1234", 500);
	CHECK_INT(server_open(st, "tim", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(strcmp(chal, "otp-md5 499 ke1234 ext") == 0);
	saslstep_dispose(&srv);
	CHECK_INT(
	    login(st, "tim", phrase, resp, sizeof(resp), NULL), SASLSTEP_OK);
	CHECK(strcmp(resp, "hex:5bf075d9959d036f") == 0);
	CHECK_INT(counter(st, "tim"), 499);
	CHECK_INT(login(st, "tim", phrase, NULL, 0, NULL), SASLSTEP_OK);
	CHECK_INT(counter(st, "tim"), 498);

	enrol(st, "sha", SSTEP_OTP_SHA1, phrase, "ke1234", 500);
	CHECK_INT(
	    login(st, "sha", phrase, resp, sizeof(resp), NULL), SASLSTEP_OK);
	CHECK(strcmp(resp, "hex:1ef48366d04873e0") == 0); /* see vectors */
	CHECK_INT(counter(st, "sha"), 499);

	/* Wrong pass phrase: BADAUTH, nothing changes. */
	CHECK_INT(login(st, "sha", "not the pass phrase", NULL, 0, &errstr),
	    SASLSTEP_BADAUTH);
	CHECK(strstr(errstr, "wrong") != NULL);
	CHECK(strstr(errstr, "not the pass") == NULL);
	CHECK_INT(counter(st, "sha"), 499);
	CHECK(strcmp(params(st, "sha", buf, sizeof(buf)), "sha1 ke1234") == 0);
}

/* The INTERACT path: no AUTHNAME and no phrase set. */
static void
test_interact(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *sout = NULL, *mech = NULL, *errstr = NULL;
	unsigned coutlen = 0, soutlen = 0;
	unsigned char otp[SSTEP_OTP_LEN];
	char words[SSTEP_OTP_WORDS_MAX + 1], typed[64];
	int r;

	enrol(st, "ivy", SSTEP_OTP_MD5, phrase, "ke1234", 500);
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	r = saslstep_client_start(
	    cli, "X-UNKNOWN OTP", &prompts, &cout, &coutlen, &mech);
	CHECK_INT(r, SASLSTEP_INTERACT);
	CHECK(prompts != NULL && prompts[0].id == SASLSTEP_CB_AUTHNAME &&
	      prompts[1].id == SASLSTEP_CB_LIST_END);
	if (r != SASLSTEP_INTERACT || prompts == NULL)
		goto out;
	prompts[0].result = "ivy";
	prompts[0].len = 3;
	r = saslstep_client_start(
	    cli, "X-UNKNOWN OTP", &prompts, &cout, &coutlen, &mech);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	CHECK(coutlen == 4 && memcmp(cout, "\0ivy", 4) == 0);

	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(saslstep_server_start(
	              srv, "OTP", cout, coutlen, &sout, &soutlen, &errstr),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(sout, soutlen, "otp-md5 499 ke1234 ext");

	r = saslstep_client_step(cli, sout, soutlen, &prompts, &cout, &coutlen);
	CHECK_INT(r, SASLSTEP_INTERACT);
	if (r != SASLSTEP_INTERACT || prompts == NULL)
		goto out;
	CHECK(prompts[0].id == SASLSTEP_CB_ECHOPROMPT);
	CHECK(prompts[0].challenge != NULL &&
	      strcmp(prompts[0].challenge, "otp-md5 499 ke1234 ext") == 0);
	CHECK(prompts[0].prompt != NULL &&
	      strcmp(prompts[0].prompt, "Response: ") == 0);
	CHECK(prompts[1].id == SASLSTEP_CB_LIST_END);
	/* What a person types: lower case, extra spaces, a newline. */
	compute(SSTEP_OTP_MD5, phrase, "ke1234", 499, otp);
	sstep_otp_to_words(otp, words);
	CHECK(strcmp(words, "BOND FOGY DRAB NE RISE MART") == 0);
	snprintf(typed, sizeof(typed), " bond fogy  drab ne rise mart\r\n");
	prompts[0].result = typed;
	prompts[0].len = (unsigned)strlen(typed);
	r = saslstep_client_step(cli, sout, soutlen, &prompts, &cout, &coutlen);
	CHECK_INT(r, SASLSTEP_CONTINUE);
	/* Sent as typed (line end aside); the server reads it. */
	CHECK_MEM(cout, coutlen, " bond fogy  drab ne rise mart");
	CHECK_INT(
	    saslstep_server_step(srv, cout, coutlen, &sout, &soutlen, &errstr),
	    SASLSTEP_OK);
	CHECK_INT(saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen),
	    SASLSTEP_OK);
	CHECK_INT(counter(st, "ivy"), 499);
	/* Stepping after the end is refused. */
	CHECK(saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen) !=
	      SASLSTEP_OK);
out:
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
}

/* A typed answer goes as typed when it is already extended. */
static void
test_interact_typed_init_word(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *sout = NULL, *mech = NULL, *errstr = NULL;
	unsigned coutlen = 0, soutlen = 0;
	unsigned char cur[SSTEP_OTP_LEN], nw[SSTEP_OTP_LEN];
	char wcur[SSTEP_OTP_WORDS_MAX + 1], wnew[SSTEP_OTP_WORDS_MAX + 1];
	char typed[168], expect[160], chal[64], buf[64];
	int r;

	enrol(st, "iw", SSTEP_OTP_MD5, phrase, "ke1234", 50);
	compute(SSTEP_OTP_MD5, phrase, "ke1234", 49, cur);
	compute(SSTEP_OTP_SHA1, "A brand new phrase", "Fresh1", 20, nw);
	sstep_otp_to_words(cur, wcur);
	sstep_otp_to_words(nw, wnew);
	snprintf(expect, sizeof(expect), "init-word:%s:sha1 20 Fresh1:%s", wcur,
	    wnew);
	snprintf(typed, sizeof(typed), "%s\n", expect);

	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "iw"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(saslstep_server_start(
	              srv, "OTP", cout, coutlen, &sout, &soutlen, &errstr),
	    SASLSTEP_CONTINUE);
	r = saslstep_client_step(cli, sout, soutlen, &prompts, &cout, &coutlen);
	CHECK_INT(r, SASLSTEP_INTERACT);
	if (r != SASLSTEP_INTERACT || prompts == NULL)
		goto out;
	prompts[0].result = typed;
	prompts[0].len = (unsigned)strlen(typed);
	CHECK_INT(
	    saslstep_client_step(cli, sout, soutlen, &prompts, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(cout, coutlen, expect);
	CHECK_INT(
	    saslstep_server_step(srv, cout, coutlen, &sout, &soutlen, &errstr),
	    SASLSTEP_OK);
	CHECK_INT(counter(st, "iw"), 20);
	CHECK(strcmp(params(st, "iw", buf, sizeof(buf)), "sha1 fresh1") == 0);
	saslstep_dispose(&srv);
	CHECK_INT(server_open(st, "iw", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(strcmp(chal, "otp-sha1 19 fresh1 ext") == 0);
out:
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
}

/* Replay, wrong responses and every malformed class: nothing changes. */
static void
test_refusals(saslstep_store_t *st)
{
	static const struct {
		const char *resp;
		size_t len;
		int want;
	} bad[] = {
#define B(s, w) {s, sizeof(s) - 1, w}
	    B("", SASLSTEP_BADPROT),
	    B("hex:0000000000000000", SASLSTEP_BADAUTH),
	    B("word:FOWL KID MASH DEAD DUAL OAF", SASLSTEP_BADAUTH),
	    B("FOWL KID MASH DEAD DUAL OAF", SASLSTEP_BADAUTH),
	    /* bad alg, seed, seq in init (with a wrong current OTP) */
	    B("init-hex:0000000000000000:md4 10 abc:0000000000000000",
	        SASLSTEP_BADAUTH),
	    B("init-hex:0000000000000000:md5 10 a_c:0000000000000000",
	        SASLSTEP_BADAUTH),
	    B("init-hex:0000000000000000:md5 0 abc:0000000000000000",
	        SASLSTEP_BADAUTH),
	    B("word:FOWL KID MASH DEAD DUAL", SASLSTEP_BADPROT),
	    B("word:FOWL KID MASH DEAD DUAL OAF OAF", SASLSTEP_BADPROT),
	    B("word:FOWL KID MASH DEAD DUAL NUT", SASLSTEP_BADPROT),
	    B("word:FOWL KID MASH DEAD DUAL ZZZZ", SASLSTEP_BADPROT),
	    B("hex:85c43ee03857765g", SASLSTEP_BADPROT),
	    B("hex:85c43ee03857765", SASLSTEP_BADPROT),
	    B("foo:85c43ee03857765b", SASLSTEP_BADPROT),
	    B("init-hex:85c43ee03857765x:md5 10 abc:0000000000000000",
	        SASLSTEP_BADPROT),
	    B("\x80", SASLSTEP_BADPROT),
#undef B
	};
	char good[64], resp[600], chal[64], buf[64];
	const char *errstr;
	saslstep_conn_t *srv = NULL;
	unsigned char otp[SSTEP_OTP_LEN];
	char hex[SSTEP_OTP_HEX_LEN + 1];
	size_t i, n;

	enrol(st, "rex", SSTEP_OTP_MD5, phrase, "ke1234", 100);
	CHECK_INT(
	    login(st, "rex", phrase, good, sizeof(good), NULL), SASLSTEP_OK);
	CHECK_INT(counter(st, "rex"), 99);
	/* Replay of the response just accepted. */
	CHECK_INT(server_open(st, "rex", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	errstr = NULL;
	CHECK_INT(
	    server_answer(srv, good, strlen(good), &errstr), SASLSTEP_BADAUTH);
	CHECK(errstr != NULL && strstr(errstr, good + 4) == NULL);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "rex"), 99);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(
		    server_open(st, "rex", &srv, chal, sizeof(chal), NULL),
		    SASLSTEP_CONTINUE);
		CHECK(strcmp(chal, "otp-md5 98 ke1234 ext") == 0);
		errstr = NULL;
		CHECK_INT(server_answer(srv, bad[i].resp, bad[i].len, &errstr),
		    bad[i].want);
		CHECK(errstr != NULL && errstr[0] != '\0');
		/* No second try on the same connection. */
		CHECK(server_answer(srv, bad[i].resp, bad[i].len, &errstr) !=
		      SASLSTEP_OK);
		saslstep_dispose(&srv);
		CHECK_INT(counter(st, "rex"), 99);
	}

	/* The correct response spoiled: NUL, junk, over-long. */
	compute(SSTEP_OTP_MD5, phrase, "ke1234", 98, otp);
	sstep_otp_to_hex(otp, hex);
	for (i = 0; i < 4; i++) {
		n = (size_t)snprintf(resp, sizeof(resp), "hex:%s", hex);
		if (i == 0)
			resp[n++] = '\0';
		else if (i == 1)
			n += (size_t)snprintf(
			    resp + n, sizeof(resp) - n, " junk");
		else if (i == 2)
			n += (size_t)snprintf(resp + n, sizeof(resp) - n, ":x");
		else {
			memset(resp + n, ' ', sizeof(resp) - n);
			n = sizeof(resp);
		}
		CHECK_INT(
		    server_open(st, "rex", &srv, chal, sizeof(chal), NULL),
		    SASLSTEP_CONTINUE);
		errstr = NULL;
		CHECK_INT(
		    server_answer(srv, resp, n, &errstr), SASLSTEP_BADPROT);
		CHECK(errstr != NULL && strstr(errstr, hex) == NULL);
		saslstep_dispose(&srv);
		CHECK_INT(counter(st, "rex"), 99);
	}
	/* Nothing was consumed: the correct response still works. */
	CHECK_INT(server_open(st, "rex", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	n = (size_t)snprintf(resp, sizeof(resp), "hex:%s", hex);
	CHECK_INT(server_answer(srv, resp, n, NULL), SASLSTEP_OK);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "rex"), 98);
	CHECK(strcmp(params(st, "rex", buf, sizeof(buf)), "md5 ke1234") == 0);

	/* RFC 2243 s. 4.3: a valid current OTP with unusable new params is
	 * used up all the same. */
	compute(SSTEP_OTP_MD5, phrase, "ke1234", 97, otp);
	sstep_otp_to_hex(otp, hex);
	n = (size_t)snprintf(
	    resp, sizeof(resp), "init-hex:%s:md4 10 abc:0000000000000000", hex);
	CHECK_INT(server_open(st, "rex", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	errstr = NULL;
	CHECK_INT(server_answer(srv, resp, n, &errstr), SASLSTEP_BADPROT);
	CHECK(errstr != NULL && strstr(errstr, "used up") != NULL);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "rex"), 97);
	CHECK(strcmp(params(st, "rex", buf, sizeof(buf)), "md5 ke1234") == 0);
}

/* Unknown, locked and not enrolled users: stable fake challenge. */
static void
test_fake(saslstep_store_t *st)
{
	saslstep_conn_t *srv = NULL;
	struct sstep_otp_params p;
	char c1[64], c2[64], c3[64];
	const char *errstr;

	CHECK_INT(server_open(st, "nobody", &srv, c1, sizeof(c1), NULL),
	    SASLSTEP_CONTINUE);
	saslstep_dispose(&srv);
	CHECK_INT(server_open(st, "nobody", &srv, c2, sizeof(c2), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(c1[0] != '\0' && strcmp(c1, c2) == 0);
	CHECK_INT(sstep_otp_challenge_parse(c1, strlen(c1), &p, NULL, NULL),
	    SASLSTEP_OK);
	errstr = NULL;
	CHECK_INT(server_answer(srv, "hex:0123456789abcdef", 20, &errstr),
	    SASLSTEP_BADAUTH);
	CHECK(errstr != NULL && strstr(errstr, "unknown user") != NULL);
	saslstep_dispose(&srv);
	/* Another name, another challenge. */
	CHECK_INT(server_open(st, "somebody", &srv, c3, sizeof(c3), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(strcmp(c1, c3) != 0);
	saslstep_dispose(&srv);

	/* Locked. */
	enrol(st, "lock", SSTEP_OTP_MD5, phrase, "ke1234", 100);
	CHECK_INT(sstep_store_user_set_locked(st, "lock", 1), SASLSTEP_OK);
	CHECK_INT(server_open(st, "lock", &srv, c1, sizeof(c1), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(strcmp(c1, "otp-md5 99 ke1234 ext") != 0);
	CHECK_INT(sstep_otp_challenge_parse(c1, strlen(c1), &p, NULL, NULL),
	    SASLSTEP_OK);
	errstr = NULL;
	CHECK_INT(server_answer(srv, "hex:0123456789abcdef", 20, &errstr),
	    SASLSTEP_BADAUTH);
	CHECK(errstr != NULL && strstr(errstr, "locked") != NULL);
	saslstep_dispose(&srv);
	CHECK_INT(login(st, "lock", phrase, NULL, 0, NULL), SASLSTEP_BADAUTH);
	CHECK_INT(counter(st, "lock"), 100);

	/* A user without an OTP credential. */
	CHECK_INT(sstep_store_user_add(st, "nootp"), SASLSTEP_OK);
	CHECK_INT(server_open(st, "nootp", &srv, c1, sizeof(c1), NULL),
	    SASLSTEP_CONTINUE);
	errstr = NULL;
	CHECK_INT(server_answer(srv, "hex:0123456789abcdef", 20, &errstr),
	    SASLSTEP_BADAUTH);
	CHECK(errstr != NULL && strstr(errstr, "no OTP credential") != NULL);
	saslstep_dispose(&srv);
	/* Malformed from an unknown user is malformed all the same. */
	CHECK_INT(server_open(st, "nobody", &srv, c1, sizeof(c1), NULL),
	    SASLSTEP_CONTINUE);
	CHECK_INT(server_answer(srv, "hex:xyz", 7, NULL), SASLSTEP_BADPROT);
	saslstep_dispose(&srv);
}

/* RFC 2289 s. 9: one challenge at a time per user. */
static void
test_race(saslstep_store_t *st)
{
	saslstep_conn_t *s1 = NULL, *s2 = NULL, *s3 = NULL;
	char c1[64], c2[64], resp[64];
	const char *errstr;
	unsigned char otp[SSTEP_OTP_LEN];
	char hex[SSTEP_OTP_HEX_LEN + 1];
	int n;

	enrol(st, "race", SSTEP_OTP_SHA1, phrase, "ra1", 200);
	CHECK_INT(server_open(st, "race", &s1, c1, sizeof(c1), NULL),
	    SASLSTEP_CONTINUE);
	errstr = NULL;
	CHECK_INT(server_open(st, "race", &s2, c2, sizeof(c2), &errstr),
	    SASLSTEP_TRYAGAIN);
	CHECK(errstr != NULL && strstr(errstr, "already in progress") != NULL);
	saslstep_dispose(&s2);
	/* Disposed mid-exchange: the lock goes, the counter stays. */
	saslstep_dispose(&s1);
	CHECK_INT(counter(st, "race"), 200);
	CHECK_INT(server_open(st, "race", &s3, c2, sizeof(c2), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(strcmp(c1, c2) == 0);
	/* While s3 holds it, a whole login is refused too. */
	CHECK_INT(login(st, "race", phrase, NULL, 0, NULL), SASLSTEP_TRYAGAIN);
	compute(SSTEP_OTP_SHA1, phrase, "ra1", 199, otp);
	sstep_otp_to_hex(otp, hex);
	n = snprintf(resp, sizeof(resp), "hex:%s", hex);
	CHECK_INT(server_answer(s3, resp, (size_t)n, NULL), SASLSTEP_OK);
	CHECK_INT(counter(st, "race"), 199);
	/* Success released it (s3 not even disposed yet). */
	CHECK_INT(login(st, "race", phrase, NULL, 0, NULL), SASLSTEP_OK);
	saslstep_dispose(&s3);
	/* A failed exchange releases it too. */
	CHECK_INT(server_open(st, "race", &s1, c1, sizeof(c1), NULL),
	    SASLSTEP_CONTINUE);
	CHECK_INT(server_answer(s1, "hex:0000000000000000", 20, NULL),
	    SASLSTEP_BADAUTH);
	CHECK_INT(login(st, "race", phrase, NULL, 0, NULL), SASLSTEP_OK);
	saslstep_dispose(&s1);
	CHECK_INT(counter(st, "race"), 197);
}

/* Re-initialisation (RFC 2243 s. 4, RFC 2444 s. 5). */
static void
test_reinit(saslstep_store_t *st)
{
	saslstep_conn_t *cli = NULL, *srv = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *sout = NULL, *mech = NULL, *errstr = NULL;
	unsigned coutlen = 0, soutlen = 0;
	unsigned char cur[SSTEP_OTP_LEN], nw[SSTEP_OTP_LEN];
	char chal[64], buf[64], resp[128], hcur[20], hnew[20];
	int n;

	enrol(st, "tim2", SSTEP_OTP_MD5, phrase, "ke1234", 500);
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim2"), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_PASS, phrase), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_OTP_REINIT, "md5 499 ke1235"),
	    SASLSTEP_OK);
	CHECK_INT(
	    saslstep_setprop(cli, SASLSTEP_PROP_NEWPASS, phrase), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(saslstep_server_start(
	              srv, "OTP", cout, coutlen, &sout, &soutlen, &errstr),
	    SASLSTEP_CONTINUE);
	CHECK_INT(
	    saslstep_client_step(cli, sout, soutlen, &prompts, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	/* Exactly RFC 2444 s. 5's example. */
	CHECK_MEM(cout, coutlen,
	    "init-hex:5bf075d9959d036f:md5 499 ke1235:3712dcb4aa5316c1");
	CHECK_INT(
	    saslstep_server_step(srv, cout, coutlen, &sout, &soutlen, &errstr),
	    SASLSTEP_OK);
	CHECK_INT(saslstep_client_step(cli, "", 0, &prompts, &cout, &coutlen),
	    SASLSTEP_OK);
	saslstep_dispose(&cli);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "tim2"), 499);
	CHECK(strcmp(params(st, "tim2", buf, sizeof(buf)), "md5 ke1235") == 0);
	CHECK_INT(server_open(st, "tim2", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	CHECK(strcmp(chal, "otp-md5 498 ke1235 ext") == 0);
	saslstep_dispose(&srv);
	CHECK_INT(login(st, "tim2", phrase, NULL, 0, NULL), SASLSTEP_OK);
	CHECK_INT(counter(st, "tim2"), 498);

	/* Re-initialisation keeping seed and pass phrase: the client
	 * refuses to send it ... */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim2");
	saslstep_setprop(cli, SASLSTEP_PROP_PASS, phrase);
	saslstep_setprop(cli, SASLSTEP_PROP_OTP_REINIT, "md5 900 ke1235");
	saslstep_setprop(cli, SASLSTEP_PROP_NEWPASS, phrase);
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(cli, "otp-md5 497 ke1235 ext", 22,
	              &prompts, &cout, &coutlen),
	    SASLSTEP_BADPARAM);
	CHECK(cout == NULL);
	saslstep_dispose(&cli);
	/* ... and the server refuses it, using the current OTP up. */
	compute(SSTEP_OTP_MD5, phrase, "ke1235", 497, cur);
	compute(SSTEP_OTP_MD5, phrase, "ke1235", 900, nw);
	sstep_otp_to_hex(cur, hcur);
	sstep_otp_to_hex(nw, hnew);
	n = snprintf(
	    resp, sizeof(resp), "init-hex:%s:md5 900 ke1235:%s", hcur, hnew);
	CHECK_INT(server_open(st, "tim2", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	errstr = NULL;
	CHECK_INT(
	    server_answer(srv, resp, (size_t)n, &errstr), SASLSTEP_BADAUTH);
	CHECK(errstr != NULL && strstr(errstr, "RFC 2289 s. 8") != NULL);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "tim2"), 497);
	/* Same seed, a lower sequence number: detected as well. */
	compute(SSTEP_OTP_MD5, phrase, "ke1235", 496, cur);
	compute(SSTEP_OTP_MD5, phrase, "ke1235", 10, nw);
	sstep_otp_to_hex(cur, hcur);
	sstep_otp_to_hex(nw, hnew);
	n = snprintf(
	    resp, sizeof(resp), "init-hex:%s:md5 10 ke1235:%s", hcur, hnew);
	CHECK_INT(server_open(st, "tim2", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	CHECK_INT(server_answer(srv, resp, (size_t)n, NULL), SASLSTEP_BADAUTH);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "tim2"), 496);
	/* Same seed, new pass phrase: fine. */
	compute(SSTEP_OTP_MD5, phrase, "ke1235", 495, cur);
	compute(SSTEP_OTP_MD5, "Another pass phrase", "ke1235", 10, nw);
	sstep_otp_to_hex(cur, hcur);
	sstep_otp_to_hex(nw, hnew);
	n = snprintf(
	    resp, sizeof(resp), "init-hex:%s:md5 10 ke1235:%s", hcur, hnew);
	CHECK_INT(server_open(st, "tim2", &srv, chal, sizeof(chal), NULL),
	    SASLSTEP_CONTINUE);
	CHECK_INT(server_answer(srv, resp, (size_t)n, NULL), SASLSTEP_OK);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "tim2"), 10);
	CHECK_INT(login(st, "tim2", "Another pass phrase", NULL, 0, NULL),
	    SASLSTEP_OK);
	CHECK_INT(counter(st, "tim2"), 9);

	/* Never on the client's own initiative: REINIT without NEWPASS is
	 * an application error, not a silent ordinary login. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim2");
	saslstep_setprop(cli, SASLSTEP_PROP_PASS, phrase);
	saslstep_setprop(cli, SASLSTEP_PROP_OTP_REINIT, "md5 100 new1");
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(cli, "otp-md5 8 ke1235 ext", 20,
	              &prompts, &cout, &coutlen),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
	/* A low sequence number alone gets an ordinary response. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim2");
	saslstep_setprop(cli, SASLSTEP_PROP_PASS, "Another pass phrase");
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(cli, "otp-md5 1 ke1235 ext", 20,
	              &prompts, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK(coutlen == 20 && memcmp(cout, "hex:", 4) == 0);
	saslstep_dispose(&cli);
}

/* Enrolment, as the saslstep command does it. */
static void
test_enrol(saslstep_store_t *st)
{
	const char *why;
	char buf[64];
	size_t n = strlen(phrase);

	why = NULL;
	CHECK_INT(sstep_otp_enrol(st, "en", SSTEP_OTP_SHA1, phrase, n, "MiXed9",
	              6, 1, &why),
	    SASLSTEP_BADPARAM);
	CHECK(why != NULL);
	CHECK_INT(sstep_otp_enrol(st, "en", SSTEP_OTP_SHA1, phrase, n, "MiXed9",
	              6, SSTEP_OTP_SEQ_MAX + 1, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_otp_enrol(st, "en", SSTEP_OTP_SHA1, phrase, n,
	              "bad seed", 8, 100, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_otp_enrol(st, "en", SSTEP_OTP_SHA1, "short", 5,
	              "MiXed9", 6, 100, &why),
	    SASLSTEP_BADPARAM);
	CHECK_INT(counter(st, "en"), -1);
	CHECK_INT(sstep_otp_enrol(st, "en", SSTEP_OTP_SHA1, phrase, n, "MiXed9",
	              6, 100, &why),
	    SASLSTEP_OK);
	CHECK(strcmp(params(st, "en", buf, sizeof(buf)), "sha1 mixed9") == 0);
	CHECK_INT(counter(st, "en"), 100);
	CHECK_INT(login(st, "en", phrase, NULL, 0, NULL), SASLSTEP_OK);
	CHECK_INT(counter(st, "en"), 99);
	/* Enrolling again starts a new sequence. */
	CHECK_INT(sstep_otp_enrol(st, "en", SSTEP_OTP_MD5, phrase, n, "Other",
	              5, 300, &why),
	    SASLSTEP_OK);
	CHECK(strcmp(params(st, "en", buf, sizeof(buf)), "md5 other") == 0);
	CHECK_INT(counter(st, "en"), 300);
}

/* RFC 2243 s. 4.3: no challenge below sequence number 1. */
static void
test_exhausted(saslstep_store_t *st)
{
	saslstep_conn_t *srv = NULL;
	const char *errstr;
	char chal[64];

	enrol(st, "low", SSTEP_OTP_MD5, phrase, "ke1234", 2);
	CHECK_INT(login(st, "low", phrase, NULL, 0, NULL), SASLSTEP_OK);
	CHECK_INT(counter(st, "low"), 1);
	errstr = NULL;
	CHECK_INT(server_open(st, "low", &srv, chal, sizeof(chal), &errstr),
	    SASLSTEP_BADAUTH);
	CHECK(errstr != NULL && strstr(errstr, "exhausted") != NULL);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "low"), 1);
}

/* The identity message, and a server started without it. */
static void
test_identity(saslstep_store_t *st)
{
	saslstep_conn_t *srv = NULL;
	const char *out = NULL, *errstr = NULL;
	unsigned outlen = 0;
	char name[SSTEP_NAME_MAX + 3];

	enrol(st, "id", SSTEP_OTP_MD5, phrase, "ke1234", 100);
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(
	    saslstep_server_start(srv, "OTP", NULL, 0, &out, &outlen, &errstr),
	    SASLSTEP_CONTINUE);
	CHECK_INT(outlen, 0);
	CHECK_INT(
	    saslstep_server_step(srv, "id\0id", 5, &out, &outlen, &errstr),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(out, outlen, "otp-md5 99 ke1234 ext");
	saslstep_dispose(&srv);

#define IDENT(msg, want)                                                       \
	do {                                                                   \
		CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK); \
		errstr = NULL;                                                 \
		CHECK_INT(saslstep_server_start(srv, "OTP", msg,               \
		              sizeof(msg) - 1, &out, &outlen, &errstr),        \
		    want);                                                     \
		CHECK(errstr != NULL);                                         \
		saslstep_dispose(&srv);                                        \
	} while (0)
	IDENT("id", SASLSTEP_BADPROT);     /* no NUL */
	IDENT("\0id\0", SASLSTEP_BADPROT); /* two NULs */
	IDENT("id\0", SASLSTEP_BADPROT);   /* empty authcid */
	IDENT("", SASLSTEP_BADPROT);
	IDENT("\0i\nd", SASLSTEP_BADPROT);    /* control character */
	IDENT("other\0id", SASLSTEP_BADAUTH); /* proxy authorization */
#undef IDENT
	memset(name, 'a', sizeof(name));
	name[0] = '\0';
	CHECK_INT(saslstep_server_new("test", st, &srv), SASLSTEP_OK);
	CHECK_INT(saslstep_server_start(srv, "OTP", name, SSTEP_NAME_MAX + 2,
	              &out, &outlen, &errstr),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&srv);
	CHECK_INT(counter(st, "id"), 100);
}

/* Client: what it refuses from a server. */
static void
test_client_refusals(void)
{
	static const struct {
		const char *chal;
		int want;
	} bad[] = {
	    {"otp-md4 499 ke1234 ext", SASLSTEP_BADVERS},
	    {"otp-sha512 499 ke1234 ext", SASLSTEP_BADVERS},
	    {"otp-md5 0 ke1234 ext", SASLSTEP_BADPROT},
	    {"otp-md5 499 ke_1234 ext", SASLSTEP_BADPROT},
	    {"otp-md5 499 ke1234 ext junk", SASLSTEP_BADPROT},
	    {"", SASLSTEP_BADPROT},
	};
	saslstep_conn_t *cli = NULL;
	saslstep_interact_t *prompts = NULL;
	const char *cout = NULL, *mech = NULL;
	unsigned coutlen = 0;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
		saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim");
		saslstep_setprop(cli, SASLSTEP_PROP_PASS, phrase);
		CHECK_INT(saslstep_client_start(
		              cli, "OTP", &prompts, &cout, &coutlen, &mech),
		    SASLSTEP_CONTINUE);
		CHECK_INT(saslstep_client_step(cli, bad[i].chal,
		              (unsigned)strlen(bad[i].chal), &prompts, &cout,
		              &coutlen),
		    bad[i].want);
		CHECK(cout == NULL && coutlen == 0);
		saslstep_dispose(&cli);
	}
	/* Data with the server's success, and an embedded NUL typed. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim");
	saslstep_setprop(cli, SASLSTEP_PROP_PASS, phrase);
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(cli, "otp-md5 499 ke1234 ext", 22,
	              &prompts, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(cout, coutlen, "hex:5bf075d9959d036f");
	CHECK_INT(saslstep_client_step(cli, "ok", 2, &prompts, &cout, &coutlen),
	    SASLSTEP_BADPROT);
	saslstep_dispose(&cli);

	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim");
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK_INT(saslstep_client_step(
	              cli, "otp-md5 499 ke1234", 18, &prompts, &cout, &coutlen),
	    SASLSTEP_INTERACT);
	if (prompts != NULL) {
		/* No "ext" offered: the challenge shown says so. */
		CHECK(strcmp(prompts[0].challenge, "otp-md5 499 ke1234") == 0);
		prompts[0].result = "BOND FOGY\0DRAB NE RISE MART";
		prompts[0].len = 27;
	}
	CHECK_INT(saslstep_client_step(
	              cli, "otp-md5 499 ke1234", 18, &prompts, &cout, &coutlen),
	    SASLSTEP_BADPARAM);
	saslstep_dispose(&cli);
	/* Without ext, a computed response is a standard one. */
	CHECK_INT(saslstep_client_new("test", &cli), SASLSTEP_OK);
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHNAME, "tim");
	saslstep_setprop(cli, SASLSTEP_PROP_AUTHZID, "tim");
	saslstep_setprop(cli, SASLSTEP_PROP_PASS, phrase);
	CHECK_INT(
	    saslstep_client_start(cli, "OTP", &prompts, &cout, &coutlen, &mech),
	    SASLSTEP_CONTINUE);
	CHECK(coutlen == 7 && memcmp(cout, "tim\0tim", 7) == 0);
	CHECK_INT(saslstep_client_step(
	              cli, "otp-md5 499 ke1234", 18, &prompts, &cout, &coutlen),
	    SASLSTEP_CONTINUE);
	CHECK_MEM(cout, coutlen, "5bf075d9959d036f");
	saslstep_dispose(&cli);
}

int
main(void)
{
	saslstep_store_t *st = NULL;

	test_vectors();
	test_input_errors();
	test_dictionary();
	test_decoding();
	test_responses();
	test_challenges();
	test_client_refusals();

	CHECK_INT(tmpstore_open("test-otp", &st), SASLSTEP_OK);
	if (st != NULL) {
		test_login(st);
		test_interact(st);
		test_interact_typed_init_word(st);
		test_refusals(st);
		test_fake(st);
		test_race(st);
		test_reinit(st);
		test_enrol(st);
		test_exhausted(st);
		test_identity(st);
		sstep_store_close(st);
		tmpstore_remove();
	}
	return check_done("test-otp");
}

/*
 * test-pbkdf2.c: our PBKDF2 against OpenSSL's PKCS5_PBKDF2_HMAC, on both
 * of our paths (SHA-NI where the CPU has it, and OpenSSL's transform), for
 * many password, salt and output lengths and iteration counts, plus the
 * RFC 6070 SHA-1 vectors and the SCRAM SaltedPassword of RFC 7677.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "saslstep-int.h"
#include "check.h"

static const EVP_MD *
evp_of(enum sstep_md md)
{
	switch (md) {
	case SSTEP_MD_SHA1:
		return EVP_sha1();
	case SSTEP_MD_SHA256:
		return EVP_sha256();
	case SSTEP_MD_SHA512:
		return EVP_sha512();
	}
	return NULL;
}

/* Compare with OpenSSL; returns 1 when equal. */
static int
same_as_openssl(enum sstep_md md, const unsigned char *pass, size_t passlen,
    const unsigned char *salt, size_t saltlen, unsigned long iter,
    size_t outlen)
{
	unsigned char ours[200], theirs[200];

	memset(ours, 0xaa, sizeof(ours));
	if (sstep_pbkdf2(md, pass, passlen, salt, saltlen, iter, ours,
	        outlen) != SASLSTEP_OK)
		return 0;
	if (PKCS5_PBKDF2_HMAC((const char *)pass, (int)passlen, salt,
	        (int)saltlen, (int)iter, evp_of(md), (int)outlen, theirs) != 1)
		return 0;
	/* Nothing written past outlen. */
	return memcmp(ours, theirs, outlen) == 0 &&
	       (outlen == sizeof(ours) || ours[outlen] == 0xaa);
}

static void
sweep(int generic)
{
	static const size_t passlens[] = {
	    0, 1, 8, 31, 32, 63, 64, 65, 127, 128, 129, 150};
	static const size_t saltlens[] = {0, 1, 16, 51, 52, 55, 56, 64, 100};
	static const unsigned long iters[] = {1, 2, 3, 7, 4096};
	static const size_t outlens[] = {1, 20, 32, 33, 64, 65, 130};
	unsigned char pass[150], salt[100];
	enum sstep_md md;
	size_t a, b, c, e, i;
	int bad = 0, n = 0;

	for (i = 0; i < sizeof(pass); i++)
		pass[i] = (unsigned char)(i * 7 + 1);
	for (i = 0; i < sizeof(salt); i++)
		salt[i] = (unsigned char)(i * 13 + 5);
	sstep_pbkdf2_force_generic(generic);
	for (md = SSTEP_MD_SHA1; md <= SSTEP_MD_SHA512; md++)
		for (a = 0; a < sizeof(passlens) / sizeof(*passlens); a++)
			for (b = 0; b < sizeof(saltlens) / sizeof(*saltlens);
			     b++)
				for (c = 0; c < sizeof(iters) / sizeof(*iters);
				     c++)
					for (e = 0; e < sizeof(outlens) /
					                    sizeof(*outlens);
					     e++) {
						/* The long counts once per
						 * lengths pair suffice. */
						if (iters[c] > 7 && e > 1)
							continue;
						n++;
						if (!same_as_openssl(md, pass,
						        passlens[a], salt,
						        saltlens[b], iters[c],
						        outlens[e])) {
							bad++;
							fprintf(stderr,
							    "md %d pass %zu "
							    "salt %zu iter %lu "
							    "out %zu differs\n",
							    (int)md,
							    passlens[a],
							    saltlens[b],
							    iters[c],
							    outlens[e]);
						}
					}
	printf("%s path: %d cases compared with OpenSSL\n",
	    generic ? "openssl-transform" : sstep_pbkdf2_path(SSTEP_MD_SHA256),
	    n);
	CHECK_INT(bad, 0);
	CHECK(n > 1000);
	sstep_pbkdf2_force_generic(0);
}

static void
hex_is(const unsigned char *got, size_t n, const char *want)
{
	char hex[2 * 64 + 1];
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", got[i]);
	CHECK_MEM(hex, 2 * n, want);
}

int
main(void)
{
	unsigned char out[64];
	unsigned char salt[16];
	unsigned char *s = NULL;
	size_t slen = 0;

	/* RFC 6070. */
	CHECK_INT(
	    sstep_pbkdf2(SSTEP_MD_SHA1, "password", 8, "salt", 4, 1, out, 20),
	    SASLSTEP_OK);
	hex_is(out, 20, "0c60c80f961f0e71f3a9b524af6012062fe037a6");
	CHECK_INT(sstep_pbkdf2(
	              SSTEP_MD_SHA1, "password", 8, "salt", 4, 4096, out, 20),
	    SASLSTEP_OK);
	hex_is(out, 20, "4b007901b765489abead49d926f721d065a429c1");
	CHECK_INT(sstep_pbkdf2(SSTEP_MD_SHA1, "pass\0word", 9, "sa\0lt", 5,
	              4096, out, 16),
	    SASLSTEP_OK);
	hex_is(out, 16, "56fa6aa75548099dcc37d7f03425e0c3");

	/* RFC 7677: SaltedPassword of "pencil" is the key behind its
	 * StoredKey; checked here through OpenSSL on both paths below, and
	 * end to end by test-scram. */
	CHECK_INT(
	    sstep_base64_decode("W22ZaJ0SNY7soEsUEjb6gQ==", 24, &s, &slen),
	    SASLSTEP_OK);
	if (s != NULL && slen == sizeof(salt)) {
		memcpy(salt, s, sizeof(salt));
		CHECK(same_as_openssl(SSTEP_MD_SHA256,
		    (const unsigned char *)"pencil", 6, salt, sizeof(salt),
		    4096, 32));
	}
	sstep_freezero(s, slen);

	CHECK_INT(sstep_pbkdf2(SSTEP_MD_SHA256, "x", 1, "y", 1, 0, out, 32),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_pbkdf2(SSTEP_MD_SHA256, "x", 1, "y", 1, 1, out, 0),
	    SASLSTEP_BADPARAM);
	CHECK_INT(sstep_pbkdf2((enum sstep_md)42, "x", 1, "y", 1, 1, out, 1),
	    SASLSTEP_BADPARAM);

	sweep(0);
	sweep(1);
	return check_done("test-pbkdf2");
}

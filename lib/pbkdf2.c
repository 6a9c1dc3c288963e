/*
 * pbkdf2.c: PBKDF2-HMAC (RFC 8018 section 5.2) with SHA-1, SHA-256 and
 * SHA-512, near the speed of the hash itself.
 *
 * A SCRAM login costs one PBKDF2, and nearly all of it is hashing; the
 * cheaper it is, the more iterations an administrator can afford for the
 * same latency.  OpenSSL's PKCS5_PBKDF2_HMAC() copies and finalises whole
 * contexts on every iteration and reaches about a quarter of what the
 * compression function allows (bench/ measures it).  Here:
 *  - the HMAC key's inner and outer midstates are computed once;
 *  - every later iteration is exactly two compressions on pre-padded
 *    blocks: U goes into the inner block, the inner digest into the outer
 *    block, and their padding and lengths never change;
 *  - on x86-64 with the SHA extensions, SHA-256 runs a fused loop that
 *    keeps the state in registers in the order the instructions want
 *    (chosen at run time; the OpenSSL path is the fallback and the
 *    reference the tests compare against).
 * The compression itself is OpenSSL's (SHA*_Transform) on the generic path.
 * Those low-level functions are deprecated in OpenSSL 3 but kept, and EVP
 * offers no access to a midstate, hence OPENSSL_SUPPRESS_DEPRECATED here
 * and only here.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "config.h"

#include <stdint.h>
#include <string.h>

#include <openssl/sha.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI_PATH 1
#endif

#include "saslstep-int.h"

#define MAX_BLOCK  128 /* SHA-512 */
#define MAX_DIGEST 64

union md_ctx {
	SHA_CTX sha1;
	SHA256_CTX sha256;
	SHA512_CTX sha512;
};

/* What differs between the digests, for the generic path. */
struct md_desc {
	size_t len;     /* digest bytes */
	size_t block;   /* block bytes */
	size_t lenbits; /* bytes of the length field at the end of a block */
	void (*init)(union md_ctx *c);
	void (*update)(union md_ctx *c, const void *p, size_t n);
	void (*final)(union md_ctx *c, unsigned char *out);
	/* Compress one block from midstate mid and write the resulting state
	 * as a digest (big-endian words) to out. */
	void (*compress)(const union md_ctx *mid, const unsigned char *block,
	    unsigned char *out);
};

static void
put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static void
put_be64(unsigned char *p, uint64_t v)
{
	put_be32(p, (uint32_t)(v >> 32));
	put_be32(p + 4, (uint32_t)v);
}

static void
sha1_init(union md_ctx *c)
{
	SHA1_Init(&c->sha1);
}
static void
sha1_update(union md_ctx *c, const void *p, size_t n)
{
	SHA1_Update(&c->sha1, p, n);
}
static void
sha1_final(union md_ctx *c, unsigned char *out)
{
	SHA1_Final(out, &c->sha1);
}
static void
sha1_compress(
    const union md_ctx *mid, const unsigned char *block, unsigned char *out)
{
	SHA_CTX c = mid->sha1;

	SHA1_Transform(&c, block);
	put_be32(out, c.h0);
	put_be32(out + 4, c.h1);
	put_be32(out + 8, c.h2);
	put_be32(out + 12, c.h3);
	put_be32(out + 16, c.h4);
	sstep_wipe(&c, sizeof(c));
}

static void
sha256_init(union md_ctx *c)
{
	SHA256_Init(&c->sha256);
}
static void
sha256_update(union md_ctx *c, const void *p, size_t n)
{
	SHA256_Update(&c->sha256, p, n);
}
static void
sha256_final(union md_ctx *c, unsigned char *out)
{
	SHA256_Final(out, &c->sha256);
}
static void
sha256_compress(
    const union md_ctx *mid, const unsigned char *block, unsigned char *out)
{
	SHA256_CTX c = mid->sha256;
	int i;

	SHA256_Transform(&c, block);
	for (i = 0; i < 8; i++)
		put_be32(out + 4 * i, c.h[i]);
	sstep_wipe(&c, sizeof(c));
}

static void
sha512_init(union md_ctx *c)
{
	SHA512_Init(&c->sha512);
}
static void
sha512_update(union md_ctx *c, const void *p, size_t n)
{
	SHA512_Update(&c->sha512, p, n);
}
static void
sha512_final(union md_ctx *c, unsigned char *out)
{
	SHA512_Final(out, &c->sha512);
}
static void
sha512_compress(
    const union md_ctx *mid, const unsigned char *block, unsigned char *out)
{
	SHA512_CTX c = mid->sha512;
	int i;

	SHA512_Transform(&c, block);
	for (i = 0; i < 8; i++)
		put_be64(out + 8 * i, c.h[i]);
	sstep_wipe(&c, sizeof(c));
}

static const struct md_desc md_sha1 = {
    20, 64, 8, sha1_init, sha1_update, sha1_final, sha1_compress};
static const struct md_desc md_sha256 = {
    32, 64, 8, sha256_init, sha256_update, sha256_final, sha256_compress};
static const struct md_desc md_sha512 = {
    64, 128, 16, sha512_init, sha512_update, sha512_final, sha512_compress};

static const struct md_desc *
md_lookup(enum sstep_md md)
{
	switch (md) {
	case SSTEP_MD_SHA1:
		return &md_sha1;
	case SSTEP_MD_SHA256:
		return &md_sha256;
	case SSTEP_MD_SHA512:
		return &md_sha512;
	}
	return NULL;
}

/* A block holding msglen bytes of message after one block of key: the
 * padding and the bit length never change between iterations. */
static void
block_pad(const struct md_desc *d, unsigned char *block, size_t msglen)
{
	uint64_t bits = (uint64_t)(d->block + msglen) * 8;

	memset(block, 0, d->block);
	block[msglen] = 0x80;
	put_be64(block + d->block - 8, bits);
}

/* The same for a digest-long message, what PBKDF2 iterates on. */
static void
block_prepad(const struct md_desc *d, unsigned char *block)
{
	block_pad(d, block, d->len);
}

/* The HMAC key's inner and outer midstates (RFC 2104). */
static void
hmac_midstates(const struct md_desc *d, const unsigned char *key, size_t keylen,
    union md_ctx *inner, union md_ctx *outer)
{
	unsigned char pad[MAX_BLOCK], hashed[MAX_DIGEST];
	union md_ctx c;
	size_t i;

	if (keylen > d->block) {
		d->init(&c);
		d->update(&c, key, keylen);
		d->final(&c, hashed);
		key = hashed;
		keylen = d->len;
	}
	memset(pad, 0x36, d->block);
	for (i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	d->init(inner);
	d->update(inner, pad, d->block);
	memset(pad, 0x5c, d->block);
	for (i = 0; i < keylen; i++)
		pad[i] ^= key[i];
	d->init(outer);
	d->update(outer, pad, d->block);
	sstep_wipe(pad, sizeof(pad));
	sstep_wipe(hashed, sizeof(hashed));
	sstep_wipe(&c, sizeof(c));
}

/* A midstate's chaining words, out of and back into a context (the
 * Transform functions read nothing else of it). */
static void
mid_save(enum sstep_md md, const union md_ctx *c, uint64_t w[8])
{
	int i;

	memset(w, 0, 8 * sizeof(w[0]));
	switch (md) {
	case SSTEP_MD_SHA1:
		w[0] = c->sha1.h0, w[1] = c->sha1.h1, w[2] = c->sha1.h2;
		w[3] = c->sha1.h3, w[4] = c->sha1.h4;
		break;
	case SSTEP_MD_SHA256:
		for (i = 0; i < 8; i++)
			w[i] = c->sha256.h[i];
		break;
	case SSTEP_MD_SHA512:
		for (i = 0; i < 8; i++)
			w[i] = c->sha512.h[i];
		break;
	}
}

static void
mid_load(enum sstep_md md, const uint64_t w[8], union md_ctx *c)
{
	int i;

	memset(c, 0, sizeof(*c));
	switch (md) {
	case SSTEP_MD_SHA1:
		c->sha1.h0 = (SHA_LONG)w[0], c->sha1.h1 = (SHA_LONG)w[1];
		c->sha1.h2 = (SHA_LONG)w[2], c->sha1.h3 = (SHA_LONG)w[3];
		c->sha1.h4 = (SHA_LONG)w[4];
		break;
	case SSTEP_MD_SHA256:
		for (i = 0; i < 8; i++)
			c->sha256.h[i] = (SHA_LONG)w[i];
		break;
	case SSTEP_MD_SHA512:
		for (i = 0; i < 8; i++)
			c->sha512.h[i] = w[i];
		break;
	}
}

int
sstep_hmac_key_init(
    struct sstep_hmac_key *k, enum sstep_md md, const void *key, size_t keylen)
{
	const struct md_desc *d = md_lookup(md);
	union md_ctx inner, outer;

	memset(k, 0, sizeof(*k));
	if (d == NULL || (key == NULL && keylen > 0))
		return SASLSTEP_BADPARAM;
	hmac_midstates(d, key, keylen, &inner, &outer);
	k->md = md;
	mid_save(md, &inner, k->inner);
	mid_save(md, &outer, k->outer);
	sstep_wipe(&inner, sizeof(inner));
	sstep_wipe(&outer, sizeof(outer));
	return SASLSTEP_OK;
}

size_t
sstep_hmac_short(const struct sstep_hmac_key *k, const void *msg, size_t msglen,
    unsigned char *out)
{
	const struct md_desc *d = md_lookup(k->md);
	unsigned char block[MAX_BLOCK];
	union md_ctx mid;

	/* One block for the message: room for 0x80 and the length. */
	if (d == NULL || (msg == NULL && msglen > 0) ||
	    msglen > SSTEP_HMAC_SHORT_MAX)
		return 0;
	block_pad(d, block, msglen);
	if (msglen > 0)
		memcpy(block, msg, msglen);
	mid_load(k->md, k->inner, &mid);
	d->compress(&mid, block, out);
	block_prepad(d, block);
	memcpy(block, out, d->len);
	mid_load(k->md, k->outer, &mid);
	d->compress(&mid, block, out);
	sstep_wipe(block, sizeof(block));
	sstep_wipe(&mid, sizeof(mid));
	return d->len;
}

#ifdef HAVE_SHA_NI_PATH
static const uint32_t k256[64] = {
    0x428a2f98,
    0x71374491,
    0xb5c0fbcf,
    0xe9b5dba5,
    0x3956c25b,
    0x59f111f1,
    0x923f82a4,
    0xab1c5ed5,
    0xd807aa98,
    0x12835b01,
    0x243185be,
    0x550c7dc3,
    0x72be5d74,
    0x80deb1fe,
    0x9bdc06a7,
    0xc19bf174,
    0xe49b69c1,
    0xefbe4786,
    0x0fc19dc6,
    0x240ca1cc,
    0x2de92c6f,
    0x4a7484aa,
    0x5cb0a9dc,
    0x76f988da,
    0x983e5152,
    0xa831c66d,
    0xb00327c8,
    0xbf597fc7,
    0xc6e00bf3,
    0xd5a79147,
    0x06ca6351,
    0x14292967,
    0x27b70a85,
    0x2e1b2138,
    0x4d2c6dfc,
    0x53380d13,
    0x650a7354,
    0x766a0abb,
    0x81c2c92e,
    0x92722c85,
    0xa2bfe8a1,
    0xa81a664b,
    0xc24b8b70,
    0xc76c51a3,
    0xd192e819,
    0xd6990624,
    0xf40e3585,
    0x106aa070,
    0x19a4c116,
    0x1e376c08,
    0x2748774c,
    0x34b0bcb5,
    0x391c0cb3,
    0x4ed8aa4a,
    0x5b9cca4f,
    0x682e6ff3,
    0x748f82ee,
    0x78a5636f,
    0x84c87814,
    0x8cc70208,
    0x90befffa,
    0xa4506ceb,
    0xbef9a3f7,
    0xc67178f2,
};

/* The state as the SHA instructions want it: ABEF and CDGH. */
#define STATE_IN(s, abef, cdgh)                                                \
	do {                                                                   \
		__m128i t_ = _mm_shuffle_epi32(                                \
		    _mm_loadu_si128((const __m128i *)&(s)[0]), 0xB1);          \
		__m128i u_ = _mm_shuffle_epi32(                                \
		    _mm_loadu_si128((const __m128i *)&(s)[4]), 0x1B);          \
		(abef) = _mm_alignr_epi8(t_, u_, 8);                           \
		(cdgh) = _mm_blend_epi16(u_, t_, 0xF0);                        \
	} while (0)

/* Back to words A..D and E..H, which are also the next block's message. */
#define STATE_OUT(abef, cdgh, w0, w1)                                          \
	do {                                                                   \
		__m128i t_ = _mm_shuffle_epi32((abef), 0x1B);                  \
		__m128i u_ = _mm_shuffle_epi32((cdgh), 0xB1);                  \
		(w0) = _mm_blend_epi16(t_, u_, 0xF0);                          \
		(w1) = _mm_alignr_epi8(u_, t_, 8);                             \
	} while (0)

/* Four rounds with message words m (group g), then the schedule. */
#define ROUNDS4(g, m)                                                          \
	do {                                                                   \
		__m128i k_ = _mm_add_epi32(                                    \
		    (m), _mm_loadu_si128((const __m128i *)&k256[4 * (g)]));    \
		cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k_);                  \
		k_ = _mm_shuffle_epi32(k_, 0x0E);                              \
		abef = _mm_sha256rnds2_epu32(abef, cdgh, k_);                  \
	} while (0)

/* W[g] from W[g-4..g-1] (FIPS 180-4 section 6.2.2, four words at once). */
#define SCHEDULE(w0, w1, w2, w3)                                               \
	(w0) = _mm_sha256msg2_epu32(                                           \
	    _mm_add_epi32(_mm_sha256msg1_epu32((w0), (w1)),                    \
	        _mm_alignr_epi8((w3), (w2), 4)),                               \
	    (w3))

/* One compression of the 16 words m0..m3 from state (abef, cdgh). */
__attribute__((target("sha,sse4.1,ssse3"))) static inline void
sha256_ni_block(__m128i *sabef, __m128i *scdgh, __m128i m0, __m128i m1,
    __m128i m2, __m128i m3)
{
	__m128i abef = *sabef, cdgh = *scdgh;

	ROUNDS4(0, m0);
	ROUNDS4(1, m1);
	ROUNDS4(2, m2);
	ROUNDS4(3, m3);
	SCHEDULE(m0, m1, m2, m3);
	ROUNDS4(4, m0);
	SCHEDULE(m1, m2, m3, m0);
	ROUNDS4(5, m1);
	SCHEDULE(m2, m3, m0, m1);
	ROUNDS4(6, m2);
	SCHEDULE(m3, m0, m1, m2);
	ROUNDS4(7, m3);
	SCHEDULE(m0, m1, m2, m3);
	ROUNDS4(8, m0);
	SCHEDULE(m1, m2, m3, m0);
	ROUNDS4(9, m1);
	SCHEDULE(m2, m3, m0, m1);
	ROUNDS4(10, m2);
	SCHEDULE(m3, m0, m1, m2);
	ROUNDS4(11, m3);
	SCHEDULE(m0, m1, m2, m3);
	ROUNDS4(12, m0);
	SCHEDULE(m1, m2, m3, m0);
	ROUNDS4(13, m1);
	SCHEDULE(m2, m3, m0, m1);
	ROUNDS4(14, m2);
	SCHEDULE(m3, m0, m1, m2);
	ROUNDS4(15, m3);
	*sabef = _mm_add_epi32(abef, *sabef);
	*scdgh = _mm_add_epi32(cdgh, *scdgh);
}

/*
 * Iterations 2..n of one PBKDF2-HMAC-SHA-256 block: u holds U_1 on entry
 * (as state words) and t the running XOR; both are updated.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void
pbkdf2_sha256_ni(const uint32_t istate[8], const uint32_t ostate[8],
    uint32_t u[8], uint32_t t[8], unsigned long n)
{
	/* Words 8..15 of either block: 0x80 after 32 bytes of message, and
	 * a length of 64 + 32 bytes. */
	const __m128i pad0 = _mm_set_epi32(0, 0, 0, (int)0x80000000);
	const __m128i pad1 = _mm_set_epi32(768, 0, 0, 0);
	__m128i iabef, icdgh, oabef, ocdgh, sabef, scdgh, u0, u1, t0, t1;

	STATE_IN(istate, iabef, icdgh);
	STATE_IN(ostate, oabef, ocdgh);
	u0 = _mm_loadu_si128((const __m128i *)&u[0]);
	u1 = _mm_loadu_si128((const __m128i *)&u[4]);
	t0 = _mm_loadu_si128((const __m128i *)&t[0]);
	t1 = _mm_loadu_si128((const __m128i *)&t[4]);
	for (; n > 0; n--) {
		sabef = iabef;
		scdgh = icdgh;
		sha256_ni_block(&sabef, &scdgh, u0, u1, pad0, pad1);
		STATE_OUT(sabef, scdgh, u0, u1);
		sabef = oabef;
		scdgh = ocdgh;
		sha256_ni_block(&sabef, &scdgh, u0, u1, pad0, pad1);
		STATE_OUT(sabef, scdgh, u0, u1);
		t0 = _mm_xor_si128(t0, u0);
		t1 = _mm_xor_si128(t1, u1);
	}
	_mm_storeu_si128((__m128i *)&u[0], u0);
	_mm_storeu_si128((__m128i *)&u[4], u1);
	_mm_storeu_si128((__m128i *)&t[0], t0);
	_mm_storeu_si128((__m128i *)&t[4], t1);
	/* The registers held key material: leave nothing behind. */
	sabef = scdgh = iabef = icdgh = oabef = ocdgh = _mm_setzero_si128();
	(void)sabef;
	(void)scdgh;
	(void)iabef;
	(void)icdgh;
	(void)oabef;
	(void)ocdgh;
}

static int
cpu_has_sha_ni(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSE4_1) ||
	    !(c & bit_SSSE3))
		return 0;
	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d))
		return 0;
	return (b & bit_SHA) != 0;
}
#endif /* HAVE_SHA_NI_PATH */

static int force_generic;

void
sstep_pbkdf2_force_generic(int on)
{
	force_generic = on;
}

static int
use_sha_ni(enum sstep_md md)
{
#ifdef HAVE_SHA_NI_PATH
	static int known, has;

	if (md != SSTEP_MD_SHA256 || force_generic)
		return 0;
	if (!known) {
		/* A benign race: every thread computes the same answer. */
		has = cpu_has_sha_ni();
		known = 1;
	}
	return has;
#else
	(void)md;
	return 0;
#endif
}

const char *
sstep_pbkdf2_path(enum sstep_md md)
{
	return use_sha_ni(md) ? "sha-ni" : "openssl-transform";
}

#ifdef HAVE_SHA_NI_PATH
/* n chained compressions from one fixed state, each block's message the
 * previous output: the dependency chain of a PBKDF2 iteration, alone. */
__attribute__((target("sha,sse4.1,ssse3"))) static void
floor_sha256_ni(const uint32_t state[8], uint32_t w[8], unsigned long n)
{
	const __m128i pad0 = _mm_set_epi32(0, 0, 0, (int)0x80000000);
	const __m128i pad1 = _mm_set_epi32(768, 0, 0, 0);
	__m128i iabef, icdgh, sabef, scdgh, w0, w1;

	STATE_IN(state, iabef, icdgh);
	w0 = _mm_loadu_si128((const __m128i *)&w[0]);
	w1 = _mm_loadu_si128((const __m128i *)&w[4]);
	for (; n > 0; n--) {
		sabef = iabef;
		scdgh = icdgh;
		sha256_ni_block(&sabef, &scdgh, w0, w1, pad0, pad1);
		STATE_OUT(sabef, scdgh, w0, w1);
	}
	_mm_storeu_si128((__m128i *)&w[0], w0);
	_mm_storeu_si128((__m128i *)&w[4], w1);
}
#endif

void
sstep_sha256_compress_floor(unsigned long n, unsigned char out[32])
{
	unsigned char block[64];
	SHA256_CTX init, c;
	int i;

	SHA256_Init(&init);
	block_prepad(&md_sha256, block);
#ifdef HAVE_SHA_NI_PATH
	if (use_sha_ni(SSTEP_MD_SHA256)) {
		uint32_t w[8];

		memset(w, 0, sizeof(w));
		floor_sha256_ni(init.h, w, n);
		for (i = 0; i < 8; i++)
			put_be32(out + 4 * i, w[i]);
		return;
	}
#endif
	memset(out, 0, 32);
	for (; n > 0; n--) {
		memcpy(block, out, 32);
		c = init;
		SHA256_Transform(&c, block);
		for (i = 0; i < 8; i++)
			put_be32(out + 4 * i, c.h[i]);
	}
}

/* Iterations 2..n on the generic path; u and t are digests (bytes). */
static void
pbkdf2_iterate_generic(const struct md_desc *d, const union md_ctx *inner,
    const union md_ctx *outer, unsigned char *u, unsigned char *t,
    unsigned long n)
{
	unsigned char iblock[MAX_BLOCK], oblock[MAX_BLOCK];
	size_t j;

	block_prepad(d, iblock);
	block_prepad(d, oblock);
	memcpy(iblock, u, d->len);
	for (; n > 0; n--) {
		d->compress(inner, iblock, oblock);
		d->compress(outer, oblock, iblock);
		for (j = 0; j < d->len; j++)
			t[j] ^= iblock[j];
	}
	memcpy(u, iblock, d->len);
	sstep_wipe(iblock, sizeof(iblock));
	sstep_wipe(oblock, sizeof(oblock));
}

#ifdef HAVE_SHA_NI_PATH
static void
words_from_be(uint32_t *w, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
}
#endif

int
sstep_pbkdf2(enum sstep_md md, const void *pass, size_t passlen,
    const void *salt, size_t saltlen, unsigned long iterations,
    unsigned char *out, size_t outlen)
{
	const struct md_desc *d = md_lookup(md);
	union md_ctx inner, outer, c;
	unsigned char u[MAX_DIGEST], t[MAX_DIGEST], ctr[4];
	uint32_t block;
	size_t done, n;

	if (d == NULL || (pass == NULL && passlen > 0) ||
	    (salt == NULL && saltlen > 0) || out == NULL || iterations == 0 ||
	    outlen == 0 || outlen / d->len >= 0xffffffffUL)
		return SASLSTEP_BADPARAM;
	hmac_midstates(d, pass, passlen, &inner, &outer);
	for (block = 1, done = 0; done < outlen; block++, done += n) {
		/* U_1 = HMAC(P, S || INT(i)), from the midstates. */
		put_be32(ctr, block);
		c = inner;
		d->update(&c, salt, saltlen);
		d->update(&c, ctr, sizeof(ctr));
		d->final(&c, u);
		c = outer;
		d->update(&c, u, d->len);
		d->final(&c, u);
		memcpy(t, u, d->len);
#ifdef HAVE_SHA_NI_PATH
		if (use_sha_ni(md)) {
			uint32_t uw[8], tw[8], iw[8], ow[8];
			size_t j;

			words_from_be(uw, u, 8);
			words_from_be(tw, t, 8);
			memcpy(iw, inner.sha256.h, sizeof(iw));
			memcpy(ow, outer.sha256.h, sizeof(ow));
			pbkdf2_sha256_ni(iw, ow, uw, tw, iterations - 1);
			for (j = 0; j < 8; j++)
				put_be32(t + 4 * j, tw[j]);
			sstep_wipe(uw, sizeof(uw));
			sstep_wipe(tw, sizeof(tw));
			sstep_wipe(iw, sizeof(iw));
			sstep_wipe(ow, sizeof(ow));
		} else
#endif
			pbkdf2_iterate_generic(
			    d, &inner, &outer, u, t, iterations - 1);
		n = outlen - done < d->len ? outlen - done : d->len;
		memcpy(out + done, t, n);
	}
	sstep_wipe(&inner, sizeof(inner));
	sstep_wipe(&outer, sizeof(outer));
	sstep_wipe(&c, sizeof(c));
	sstep_wipe(u, sizeof(u));
	sstep_wipe(t, sizeof(t));
	return SASLSTEP_OK;
}

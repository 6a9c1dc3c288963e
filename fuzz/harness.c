/*
 * harness.c: the store, the mechanism table and the steered exchange that
 * the fuzz targets share (see harness.h and fuzz/README).
 *
 * Messages and answers are handed to the library in heap buffers of
 * exactly their length, never NUL-terminated, so that ASan reports any
 * read past a length.  The harness allocates with __real_malloc: in the
 * fault builds its own allocations must not fail, only the library's.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "saslstep.h"
#include "saslstep-int.h"
#include "store.h"
#include "otp.h"
#include "scram.h"
#include "crammd5.h"
#include "oath.h"
#include "recovery.h"
#include "fault.h"
#include "harness.h"

void *__real_malloc(size_t n);

#define MAX_ROUNDS   16 /* messages each way in one exchange */
#define MAX_INTERACT 4  /* INTERACT rounds in one client call */
#define MAX_PROMPTS  16 /* prompts in one INTERACT round */
#define ANSWER_MAX   1024
#define CLOCK_STEP   400 /* seconds: more than any pending-lock TTL */
#define OTHER_USER   "mallory"

/* --- the mechanisms: one line each -------------------------------------- */

/* OTP: a sequence of FUZZ_OTP_SEQ for FUZZ_PASSWORD as the pass phrase. */
static int
otp_enrol(saslstep_store_t *st, const char *user)
{
	const char *why = NULL;

	return sstep_otp_enrol(st, user, SSTEP_OTP_SHA1, FUZZ_PASSWORD,
	    strlen(FUZZ_PASSWORD), FUZZ_OTP_SEED, strlen(FUZZ_OTP_SEED),
	    FUZZ_OTP_SEQ, &why);
}

/* The pass phrase, or what a person with an OTP calculator types: six
 * words for the challenge shown. */
static int
otp_answer(unsigned long id, const char *challenge, const char *user, char *out,
    size_t size)
{
	struct sstep_otp_params p;
	unsigned char otp[SSTEP_OTP_LEN];
	char words[SSTEP_OTP_WORDS_MAX + 1];
	int r = -1;

	if (id == SASLSTEP_CB_PASS)
		return snprintf(out, size, "%s", FUZZ_PASSWORD) < 0 ? -1 : 0;
	if (challenge == NULL || size <= SSTEP_OTP_WORDS_MAX ||
	    sstep_otp_challenge_parse(
	        challenge, strlen(challenge), &p, NULL, NULL) != SASLSTEP_OK)
		return -1;
	if (sstep_otp_compute(p.alg, FUZZ_PASSWORD, strlen(FUZZ_PASSWORD),
	        p.seed, strlen(p.seed), p.seq, otp, NULL) == SASLSTEP_OK) {
		sstep_otp_to_words(otp, words);
		memcpy(out, words, strlen(words) + 1);
		r = 0;
	}
	sstep_wipe(otp, sizeof(otp));
	sstep_wipe(words, sizeof(words));
	return r;
}

/* Password mechanisms: SCRAM verifiers (the least count allowed, so that
 * the client's PBKDF2 costs as little as can be), CRAM-MD5 contexts. */
static int
scram_enrol_alg(saslstep_store_t *st, const char *user, enum sstep_scram_alg a)
{
	const char *why = NULL;

	return sstep_scram_enrol(st, user, a, FUZZ_PASSWORD,
	    strlen(FUZZ_PASSWORD), SSTEP_SCRAM_ITER_MIN, &why);
}

static int
scram1_enrol(saslstep_store_t *st, const char *user)
{
	return scram_enrol_alg(st, user, SSTEP_SCRAM_SHA1);
}

static int
scram256_enrol(saslstep_store_t *st, const char *user)
{
	return scram_enrol_alg(st, user, SSTEP_SCRAM_SHA256);
}

static int
scram512_enrol(saslstep_store_t *st, const char *user)
{
	return scram_enrol_alg(st, user, SSTEP_SCRAM_SHA512);
}

static int
crammd5_enrol(saslstep_store_t *st, const char *user)
{
	struct sstep_cred c;
	const char *why = NULL;
	int r;

	if ((r = sstep_crammd5_cred_make(FUZZ_PASSWORD, strlen(FUZZ_PASSWORD),
	         &c, &why)) == SASLSTEP_OK)
		r = sstep_store_cred_put(st, user, &c);
	sstep_cred_clear(&c);
	return r;
}

static int
password_answer(unsigned long id, const char *challenge, const char *user,
    char *out, size_t size)
{
	return snprintf(out, size, "%s", FUZZ_PASSWORD) < 0 ? -1 : 0;
}

/* HOTP and TOTP: the RFC 4226 appendix D key, default parameters; the
 * answer is the code for the user's counter or for the clock's step. */
static int
oath_enrol(saslstep_store_t *st, const char *user, enum sstep_oath_kind kind)
{
	struct sstep_oath_params p;
	const char *why = NULL;

	sstep_oath_params_default(kind, &p);
	return sstep_oath_enrol(st, user, &p,
	    (const unsigned char *)FUZZ_OATH_KEY, strlen(FUZZ_OATH_KEY), &why);
}

static int
hotp_enrol(saslstep_store_t *st, const char *user)
{
	return oath_enrol(st, user, SSTEP_OATH_HOTP);
}

static int
totp_enrol(saslstep_store_t *st, const char *user)
{
	return oath_enrol(st, user, SSTEP_OATH_TOTP);
}

static int
oath_answer(enum sstep_oath_kind kind, const char *user, char *out, size_t size)
{
	struct sstep_cred c;
	struct sstep_oath_params p;
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	int64_t counter;
	int r = -1;

	if (sstep_store_cred_get(fuzz_store(), user, sstep_oath_family(kind),
	        &c) != SASLSTEP_OK ||
	    sstep_oath_cred_parse(kind, &c, &p, NULL) != SASLSTEP_OK)
		goto out;
	counter = c.counter;
	if (kind == SSTEP_OATH_TOTP &&
	    sstep_oath_totp_step(&p, sstep_now(), &counter) != SASLSTEP_OK)
		goto out;
	if (counter >= 0 &&
	    sstep_oath_code(p.alg, c.secret, c.secret_len, (uint64_t)counter,
	        p.digits, code) == SASLSTEP_OK &&
	    snprintf(out, size, "%s", code) > 0)
		r = 0;
	sstep_wipe(code, sizeof(code));
out:
	sstep_cred_clear(&c);
	return r;
}

static int
hotp_answer(unsigned long id, const char *challenge, const char *user,
    char *out, size_t size)
{
	return oath_answer(SSTEP_OATH_HOTP, user, out, size);
}

static int
totp_answer(unsigned long id, const char *challenge, const char *user,
    char *out, size_t size)
{
	return oath_answer(SSTEP_OATH_TOTP, user, out, size);
}

/* RECOVERY: the first code of the last enrolment (a success uses it up,
 * and the changed credential makes fuzz_prepare() enrol again). */
static char recovery_code[SSTEP_RECOVERY_CODE_LEN + 1];

static int
recovery_enrol(saslstep_store_t *st, const char *user)
{
	char codes[2][SSTEP_RECOVERY_CODE_LEN + 1];
	const char *why = NULL;
	int r;

	if ((r = sstep_recovery_enrol(st, user, 2, codes, &why)) ==
	        SASLSTEP_OK &&
	    strcmp(user, FUZZ_USER_ENROLLED) == 0)
		memcpy(recovery_code, codes[0], sizeof(recovery_code));
	sstep_wipe(codes, sizeof(codes));
	return r;
}

static int
recovery_answer(unsigned long id, const char *challenge, const char *user,
    char *out, size_t size)
{
	return snprintf(out, size, "%s", recovery_code) < 0 ? -1 : 0;
}

static const struct fuzz_mech mech_otp = {"OTP", otp_enrol, otp_answer, 0};
static const struct fuzz_mech mech_scram1 = {
    "SCRAM-SHA-1", scram1_enrol, password_answer, FUZZ_MECH_VERIFIES_SERVER};
static const struct fuzz_mech mech_scram256 = {"SCRAM-SHA-256", scram256_enrol,
    password_answer, FUZZ_MECH_VERIFIES_SERVER};
static const struct fuzz_mech mech_scram512 = {"SCRAM-SHA-512", scram512_enrol,
    password_answer, FUZZ_MECH_VERIFIES_SERVER};
static const struct fuzz_mech mech_plain = {
    "PLAIN", scram256_enrol, password_answer, 0};
static const struct fuzz_mech mech_crammd5 = {
    "CRAM-MD5", crammd5_enrol, password_answer, 0};
static const struct fuzz_mech mech_hotp = {"HOTP", hotp_enrol, hotp_answer, 0};
static const struct fuzz_mech mech_totp = {"TOTP", totp_enrol, totp_answer, 0};
static const struct fuzz_mech mech_recovery = {
    "RECOVERY", recovery_enrol, recovery_answer, 0};

static const struct fuzz_mech *const mechs[] = {
    &mech_otp,
    &mech_scram1,
    &mech_scram256,
    &mech_scram512,
    &mech_plain,
    &mech_crammd5,
    &mech_hotp,
    &mech_totp,
    &mech_recovery,
    NULL,
};

/* --- the input ---------------------------------------------------------- */

uint8_t
fuzz_byte(struct fuzz_input *in)
{
	uint8_t b;

	if (in->n == 0)
		return 0;
	b = in->p[0];
	in->p++;
	in->n--;
	return b;
}

const uint8_t *
fuzz_bytes(struct fuzz_input *in, size_t max, size_t *len)
{
	const uint8_t *p = in->p;

	*len = max < in->n ? max : in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

/* --- set-up ------------------------------------------------------------- */

static struct {
	char dir[64];
	char path[96];
	saslstep_store_t *st;
	const struct fuzz_mech *mech;
	const struct sstep_mech *sm;
	int64_t version; /* of FUZZ_USER_ENROLLED's credential */
	int64_t clock;
} h;

static void
die(const char *what, int r)
{
	fprintf(stderr, "fuzz harness: %s: %s (%s)\n", what,
	    saslstep_errstring(r), h.st != NULL ? sstep_store_error(h.st) : "");
	exit(2);
}

/* An oracle failed: make libFuzzer keep the input. */
static void
violated(const char *what)
{
	fprintf(stderr, "fuzz harness: oracle violated: %s (mechanism %s)\n",
	    what, h.mech != NULL ? h.mech->name : "-");
	abort();
}

static void
cleanup(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[128];
	size_t i;

	sstep_store_close(h.st);
	h.st = NULL;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", h.path, suffix[i]);
		(void)unlink(p);
	}
	(void)rmdir(h.dir);
}

static int64_t
enrolled_version(void)
{
	struct sstep_cred c;
	int64_t v = -1;

	if (sstep_store_cred_get(h.st, FUZZ_USER_ENROLLED, h.sm->family, &c) ==
	    SASLSTEP_OK)
		v = c.version;
	sstep_cred_clear(&c);
	return v;
}

const struct fuzz_mech *const *
fuzz_mechs(void)
{
	return mechs;
}

void
fuzz_setup(int with_mech)
{
	const char *name, *base;
	size_t i;
	int r;

	if (getenv("FUZZ_LIST") != NULL) {
		for (i = 0; mechs[i] != NULL; i++)
			printf("%s\n", mechs[i]->name);
		exit(0);
	}
	if (with_mech) {
		if ((name = getenv("FUZZ_MECH")) == NULL) {
			fprintf(
			    stderr, "fuzz harness: set FUZZ_MECH to one of:");
			for (i = 0; mechs[i] != NULL; i++)
				fprintf(stderr, " %s", mechs[i]->name);
			fprintf(stderr, "\n");
			exit(2);
		}
		for (i = 0; mechs[i] != NULL; i++)
			if (strcasecmp(mechs[i]->name, name) == 0)
				break;
		if ((h.mech = mechs[i]) == NULL ||
		    (h.sm = sstep_mech_find(
		         h.mech->name, strlen(h.mech->name))) == NULL) {
			fprintf(
			    stderr, "fuzz harness: no mechanism %s\n", name);
			exit(2);
		}
	}
	/* tmpfs when there is one: every login commits with an fsync. */
	base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
	snprintf(h.dir, sizeof(h.dir), "%s/saslstep-fuzz.XXXXXX", base);
	if (mkdtemp(h.dir) == NULL) {
		perror("fuzz harness: mkdtemp");
		exit(2);
	}
	snprintf(h.path, sizeof(h.path), "%s/s.db", h.dir);
	atexit(cleanup);
	if ((r = sstep_store_open(h.path, SSTEP_STORE_CREATE, &h.st)) !=
	    SASLSTEP_OK) {
		fprintf(stderr, "fuzz harness: %s\n", sstep_store_open_error());
		exit(2);
	}
	h.clock = sstep_now();
	sstep_clock_set(h.clock);
	if ((r = sstep_store_user_add(h.st, FUZZ_USER_BARE)) != SASLSTEP_OK ||
	    (r = sstep_store_user_add(h.st, FUZZ_USER_RECORD)) != SASLSTEP_OK)
		die("adding users", r);
	if (!with_mech)
		return;
	if ((r = h.mech->enrol(h.st, FUZZ_USER_ENROLLED)) != SASLSTEP_OK ||
	    (r = h.mech->enrol(h.st, FUZZ_USER_LOCKED)) != SASLSTEP_OK ||
	    (r = sstep_store_user_set_locked(h.st, FUZZ_USER_LOCKED, 1)) !=
	        SASLSTEP_OK)
		die("enrolling users", r);
	h.version = enrolled_version();
}

const struct fuzz_mech *
fuzz_mech(void)
{
	return h.mech;
}

saslstep_store_t *
fuzz_store(void)
{
	return h.st;
}

void
fuzz_prepare(void)
{
	int r;

	h.clock += CLOCK_STEP;
	sstep_clock_set(h.clock);
	if (h.mech == NULL || enrolled_version() == h.version)
		return;
	if ((r = h.mech->enrol(h.st, FUZZ_USER_ENROLLED)) != SASLSTEP_OK)
		die("enrolling again", r);
	h.version = enrolled_version();
}

/* --- faults ------------------------------------------------------------- */

void
fuzz_faults_begin(const uint8_t *data, size_t size)
{
	static int rate = -1;
	const char *e;
	uint64_t seed = 0xcbf29ce484222325ULL; /* FNV-1a */
	size_t i;

	if (rate < 0)
		rate = (e = getenv("FUZZ_FAULT")) != NULL ? atoi(e) : 0;
	if (rate <= 0)
		return;
	for (i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 0x100000001b3ULL;
	fault_arm_random(seed, (unsigned)rate);
}

unsigned long
fuzz_faults_end(void)
{
	return fault_disarm();
}

/* --- the steered exchange ----------------------------------------------- */

/* A message or answer as delivered: exactly len bytes on the heap. */
struct msg {
	char *p;
	size_t len;
	int null; /* deliver NULL (only when the real one was NULL) */
};

static void
msg_free(struct msg *m)
{
	free(m->p);
	memset(m, 0, sizeof(*m));
}

static void
msg_set(struct msg *m, const void *a, size_t alen, const void *b, size_t blen)
{
	msg_free(m);
	if ((m->p = __real_malloc(alen + blen > 0 ? alen + blen : 1)) == NULL)
		abort();
	if (alen > 0)
		memcpy(m->p, a, alen);
	if (blen > 0)
		memcpy(m->p + alen, b, blen);
	m->len = alen + blen;
}

enum { ACT_PASS, ACT_REPLACE, ACT_FLIP, ACT_CUT, ACT_EXTEND, ACT_N };

/* A length for replace/extend: one byte, or 0xff and two more. */
static size_t
fuzz_len(struct fuzz_input *in)
{
	size_t n = fuzz_byte(in);

	if (n == 0xff) {
		n = fuzz_byte(in);
		n |= (size_t)fuzz_byte(in) << 8;
	}
	return n;
}

/*
 * What goes to the other side instead of (real, len): one action of the
 * input.  *changed is set when the bytes delivered differ from the real
 * ones.
 */
static void
steer(struct fuzz_input *in, const char *real, size_t len, int is_null,
    struct msg *out, int *changed)
{
	const uint8_t *b;
	size_t n, pos;
	uint8_t x;

	switch (fuzz_byte(in) % ACT_N) {
	case ACT_PASS:
		msg_set(out, real, len, NULL, 0);
		out->null = is_null;
		return;
	case ACT_REPLACE:
		b = fuzz_bytes(in, fuzz_len(in), &n);
		msg_set(out, b, n, NULL, 0);
		break;
	case ACT_FLIP:
		pos = fuzz_byte(in);
		x = fuzz_byte(in);
		msg_set(out, real, len, NULL, 0);
		if (len > 0)
			out->p[pos % len] ^= (char)x;
		break;
	case ACT_CUT:
		n = fuzz_byte(in);
		msg_set(out, real, len == 0 ? 0 : n % len, NULL, 0);
		break;
	default:
		b = fuzz_bytes(in, fuzz_len(in), &n);
		msg_set(out, real, len, b, n);
		break;
	}
	if (out->len != len || (len > 0 && memcmp(out->p, real, len) != 0) ||
	    is_null)
		*changed = 1;
}

struct exchange {
	struct fuzz_input *in;
	const char *user;
	saslstep_conn_t *client;
	saslstep_conn_t *server;
	struct msg answers[MAX_PROMPTS];
	int tampered; /* something delivered differed from the real one */
};

/* Touch every byte a call handed out, so ASan checks the length. */
static void
touch(const char *p, unsigned len)
{
	volatile unsigned char sum = 0;
	unsigned i;

	for (i = 0; p != NULL && i < len; i++)
		sum ^= (unsigned char)p[i];
	(void)sum;
}

static int
known_code(int r)
{
	switch (r) {
	case SASLSTEP_OK:
	case SASLSTEP_CONTINUE:
	case SASLSTEP_INTERACT:
	case SASLSTEP_FAIL:
	case SASLSTEP_NOMEM:
	case SASLSTEP_NOMECH:
	case SASLSTEP_BADPROT:
	case SASLSTEP_BADPARAM:
	case SASLSTEP_TRYAGAIN:
	case SASLSTEP_BADSERV:
	case SASLSTEP_BADAUTH:
	case SASLSTEP_NOUSER:
	case SASLSTEP_BADVERS:
	case SASLSTEP_UNAVAIL:
		return 1;
	}
	return 0;
}

static void
answers_free(struct exchange *x)
{
	size_t i;

	for (i = 0; i < MAX_PROMPTS; i++) {
		if (x->answers[i].p != NULL)
			sstep_wipe(x->answers[i].p, x->answers[i].len);
		msg_free(&x->answers[i]);
	}
}

/* Answer one INTERACT round: the right answer, steered. */
static void
answer_round(struct exchange *x, saslstep_interact_t *need)
{
	char right[ANSWER_MAX];
	size_t i, n;

	for (i = 0; need[i].id != SASLSTEP_CB_LIST_END; i++) {
		if (i == MAX_PROMPTS)
			violated("more prompts in one round than the core "
			         "allows");
		if (need[i].prompt == NULL)
			violated("prompt without text");
		touch(need[i].prompt, (unsigned)strlen(need[i].prompt));
		right[0] = '\0';
		if (need[i].id == SASLSTEP_CB_AUTHNAME ||
		    need[i].id == SASLSTEP_CB_USER)
			snprintf(right, sizeof(right), "%s", x->user);
		else if (fuzz_mech()->answer(need[i].id, need[i].challenge,
		             x->user, right, sizeof(right)) != 0)
			right[0] = '\0';
		n = strlen(right);
		steer(x->in, right, n, 0, &x->answers[i], &x->tampered);
		sstep_wipe(right, sizeof(right));
		need[i].result = x->answers[i].p;
		need[i].len = (unsigned)x->answers[i].len;
	}
}

/* One client call with its INTERACT rounds answered. */
static int
client_call(struct exchange *x, const struct msg *in, const char **out,
    unsigned *outlen)
{
	saslstep_interact_t *need;
	const char *mech = NULL;
	int r, round;

	for (round = 0;; round++) {
		need = NULL;
		*out = NULL;
		*outlen = 0;
		if (in == NULL)
			r = saslstep_client_start(x->client, fuzz_mech()->name,
			    &need, out, outlen, &mech);
		else
			r = saslstep_client_step(x->client,
			    in->null ? NULL : in->p, (unsigned)in->len, &need,
			    out, outlen);
		answers_free(x); /* the library copied them */
		if (!known_code(r))
			violated("client returned an unknown code");
		if (r != SASLSTEP_INTERACT) {
			if ((r == SASLSTEP_OK || r == SASLSTEP_CONTINUE))
				touch(*out, *outlen);
			return r;
		}
		if (need == NULL)
			violated("INTERACT without prompts");
		if (round == MAX_INTERACT)
			return r;
		answer_round(x, need);
	}
}

/* errstr is for the log: there, never a secret.  (Once the input has
 * changed a message, the password may be in it as a user name, which
 * errstr names.) */
static void
check_errstr(const struct exchange *x, int r, const char *errstr)
{
	if (r == SASLSTEP_OK || r == SASLSTEP_CONTINUE)
		return;
	if (errstr == NULL)
		violated("server failed without errstr");
	if (!x->tampered && strstr(errstr, FUZZ_PASSWORD) != NULL)
		violated("the password is in errstr");
}

int
fuzz_exchange(struct fuzz_input *in, const char *user, int client_pass)
{
	struct exchange x;
	struct msg m = {NULL, 0, 0};
	const char *cout = NULL, *sout = NULL, *errstr = NULL, *name = NULL;
	const char *authzid = NULL;
	char pass[ANSWER_MAX];
	unsigned coutlen = 0, soutlen = 0;
	int crc, src = SASLSTEP_FAIL, round, final_changed = 0, enrolled;
	uint8_t setup = fuzz_byte(in);

	memset(&x, 0, sizeof(x));
	x.in = in;
	x.user = user;
	enrolled = strcmp(user, FUZZ_USER_ENROLLED) == 0 ||
	           strcmp(user, FUZZ_USER_RECORD) == 0;
	if (saslstep_server_new("fuzz", h.st, &x.server) != SASLSTEP_OK ||
	    saslstep_client_new("fuzz", &x.client) != SASLSTEP_OK)
		goto out; /* only out of memory, under faults */
	/* setup: bit 0-1 authzid (none, the user, another), bit 2 no
	 * password property (the client asks for it). */
	if ((setup & 3) == 1)
		authzid = user;
	else if ((setup & 3) == 2)
		authzid = OTHER_USER;
	if (saslstep_setprop(x.client, SASLSTEP_PROP_AUTHNAME, user) !=
	        SASLSTEP_OK ||
	    (authzid != NULL &&
	        saslstep_setprop(x.client, SASLSTEP_PROP_AUTHZID, authzid) !=
	            SASLSTEP_OK) ||
	    (client_pass && (setup & 4) == 0 &&
	        fuzz_mech()->answer(
	            SASLSTEP_CB_PASS, NULL, user, pass, sizeof(pass)) == 0 &&
	        saslstep_setprop(x.client, SASLSTEP_PROP_PASS, pass) !=
	            SASLSTEP_OK))
		goto out;

	crc = client_call(&x, NULL, &cout, &coutlen);
	if (crc != SASLSTEP_CONTINUE && crc != SASLSTEP_OK)
		goto out;
	steer(in, cout, coutlen, cout == NULL, &m, &x.tampered);
	src = saslstep_server_start(x.server, fuzz_mech()->name,
	    m.null ? NULL : m.p, (unsigned)m.len, &sout, &soutlen, &errstr);
	for (round = 0;; round++) {
		if (!known_code(src) || src == SASLSTEP_INTERACT)
			violated("server returned an unknown code");
		check_errstr(&x, src, errstr);
		if (src != SASLSTEP_CONTINUE)
			break;
		touch(sout, soutlen);
		if (round == MAX_ROUNDS)
			goto out;
		steer(in, sout, soutlen, 0, &m, &x.tampered);
		crc = client_call(&x, &m, &cout, &coutlen);
		if (crc != SASLSTEP_CONTINUE && crc != SASLSTEP_OK)
			goto out;
		steer(in, cout, coutlen, 0, &m, &x.tampered);
		errstr = NULL;
		src = saslstep_server_step(x.server, m.null ? NULL : m.p,
		    (unsigned)m.len, &sout, &soutlen, &errstr);
	}
	if (src != SASLSTEP_OK)
		goto out;

	/* The server said yes: to whom, and was it right to? */
	touch(sout, soutlen);
	if (!enrolled)
		violated("a user without a usable credential logged in");
	/* No proxy authorization: whatever authzid the client sent (CRAM-MD5
	 * has none to send), the identity proved is the user's own. */
	if (saslstep_getprop(x.server, SASLSTEP_PROP_USERNAME, &name) !=
	        SASLSTEP_OK ||
	    name == NULL || strcmp(name, user) != 0)
		violated("the server's identity is not the user's");
	steer(in, sout, soutlen, 0, &m, &final_changed);
	crc = client_call(&x, &m, &cout, &coutlen);
	if (crc == SASLSTEP_OK && final_changed &&
	    (fuzz_mech()->flags & FUZZ_MECH_VERIFIES_SERVER) != 0)
		violated("the client accepted a forged server final message");
	x.tampered |= final_changed;
	if (crc != SASLSTEP_OK && !x.tampered && fault_injected() == 0)
		violated("the client refused an untouched exchange");
out:
	/* Nothing changed on the way and nothing failed: it must work. */
	if (src != SASLSTEP_OK && !x.tampered && fault_injected() == 0 &&
	    strcmp(user, FUZZ_USER_ENROLLED) == 0 &&
	    (authzid == NULL || strcmp(authzid, user) == 0)) {
		fprintf(stderr, "fuzz harness: server %s: %s\n",
		    saslstep_errstring(src), errstr != NULL ? errstr : "-");
		violated("an untouched exchange for an enrolled user failed");
	}
	sstep_wipe(pass, sizeof(pass));
	msg_free(&m);
	answers_free(&x);
	saslstep_dispose(&x.client);
	saslstep_dispose(&x.server);
	return src;
}

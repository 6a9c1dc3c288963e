/*
 * oath-helper.c: what the HOTP/TOTP tests of tiers 1, 2 and 3 need done
 * with a known key, through mechs/oath.h and mechs/recovery.h (the command
 * only makes random keys, as it should):
 *
 *	oath-helper enrol DB USER hotp|totp HEXKEY [OPTIONS]
 *		enrol USER (store DB created if missing);
 *	oath-helper code hotp|totp HEXKEY [OPTIONS] [--counter C | --time T]
 *		print the code for counter C (HOTP) or Unix time T (TOTP,
 *		default now);
 *	oath-helper recovery DB USER COUNT
 *		make COUNT recovery codes for USER and print them, one a line;
 *	oath-helper counter DB USER FAMILY
 *		print the stored counter of USER's credential of FAMILY.
 *
 * OPTIONS: --alg sha1|sha256|sha512, --digits N, --period S, --t0 T.
 * Exit status 0, 1 on failure (the reason on stderr), 2 on a usage error.
 * The keys are test keys, given on the command line on purpose.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "saslstep-int.h"
#include "store.h"
#include "oath.h"
#include "recovery.h"

static void
usage(void)
{
	fputs("usage: oath-helper enrol DB USER hotp|totp HEXKEY [OPTIONS]\n"
	      "       oath-helper code hotp|totp HEXKEY [OPTIONS] "
	      "[--counter C | --time T]\n"
	      "       oath-helper recovery DB USER COUNT\n"
	      "       oath-helper counter DB USER FAMILY\n"
	      "OPTIONS: --alg A --digits N --period S --t0 T\n",
	    stderr);
	exit(2);
}

static int64_t
number(const char *s)
{
	char *end;
	long long v;

	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0')
		usage();
	return (int64_t)v;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* HEXKEY into key; its length. */
static size_t
key_parse(const char *hex, unsigned char key[SSTEP_OATH_KEY_MAX])
{
	size_t n = strlen(hex), i;
	int hi, lo;

	if (n == 0 || n % 2 != 0 || n / 2 > SSTEP_OATH_KEY_MAX)
		usage();
	for (i = 0; i < n / 2; i++) {
		if ((hi = hexval((unsigned char)hex[2 * i])) < 0 ||
		    (lo = hexval((unsigned char)hex[2 * i + 1])) < 0)
			usage();
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return n / 2;
}

static enum sstep_oath_kind
kind_parse(const char *s)
{
	if (strcmp(s, "hotp") == 0)
		return SSTEP_OATH_HOTP;
	if (strcmp(s, "totp") == 0)
		return SSTEP_OATH_TOTP;
	usage();
	return SSTEP_OATH_TOTP;
}

static saslstep_store_t *
store_open(const char *db)
{
	saslstep_store_t *st = NULL;

	if (sstep_store_open(db, SSTEP_STORE_CREATE, &st) != SASLSTEP_OK) {
		fprintf(stderr, "oath-helper: %s\n", sstep_store_open_error());
		exit(1);
	}
	return st;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"alg", required_argument, NULL, 'a'},
	    {"digits", required_argument, NULL, 'd'},
	    {"period", required_argument, NULL, 'p'},
	    {"t0", required_argument, NULL, '0'},
	    {"counter", required_argument, NULL, 'c'},
	    {"time", required_argument, NULL, 't'}, {NULL, 0, NULL, 0}};
	struct sstep_oath_params p;
	unsigned char key[SSTEP_OATH_KEY_MAX];
	char code[SSTEP_OATH_DIGITS_MAX + 1];
	char(*codes)[SSTEP_RECOVERY_CODE_LEN + 1] = NULL;
	struct sstep_cred cred;
	saslstep_store_t *st = NULL;
	const char *cmd, *why = "";
	int64_t at = -1, counter = -1, step, n = 0;
	size_t keylen;
	int c, rc = 1, i;

	if (argc < 2)
		usage();
	cmd = argv[1];
	if (strcmp(cmd, "recovery") == 0 || strcmp(cmd, "counter") == 0) {
		if (argc != 5)
			usage();
		st = store_open(argv[2]);
		if (strcmp(cmd, "counter") == 0) {
			memset(&cred, 0, sizeof(cred));
			if (sstep_store_cred_get(st, argv[3], argv[4], &cred) ==
			    SASLSTEP_OK) {
				printf("%" PRId64 "\n", cred.counter);
				rc = 0;
			} else
				fprintf(stderr, "oath-helper: no credential\n");
			sstep_cred_clear(&cred);
			goto out;
		}
		n = number(argv[4]);
		if (n < 1 || n > SSTEP_RECOVERY_COUNT_MAX)
			usage();
		if ((codes = calloc((size_t)n, sizeof(*codes))) == NULL)
			goto out;
		if (sstep_recovery_enrol(
		        st, argv[3], (unsigned)n, codes, &why) != SASLSTEP_OK) {
			fprintf(stderr, "oath-helper: %s\n", why);
			goto out;
		}
		for (i = 0; i < n; i++)
			printf("%s\n", codes[i]);
		rc = 0;
		goto out;
	}
	if (strcmp(cmd, "enrol") != 0 && strcmp(cmd, "code") != 0)
		usage();
	/* getopt_long permutes: the operands are read after it. */
	optind = 2;
	sstep_oath_params_default(SSTEP_OATH_TOTP, &p);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (sstep_oath_alg_parse(optarg, strlen(optarg), &p.alg,
			        NULL) != SASLSTEP_OK)
				usage();
			break;
		case 'd':
			p.digits = (unsigned)number(optarg);
			break;
		case 'p':
			p.period = (unsigned)number(optarg);
			break;
		case '0':
			p.t0 = number(optarg);
			break;
		case 'c':
			counter = number(optarg);
			break;
		case 't':
			at = number(optarg);
			break;
		default:
			usage();
		}
	}
	argv += optind;
	argc -= optind;
	if (strcmp(cmd, "enrol") == 0) {
		if (argc != 4)
			usage();
		p.kind = kind_parse(argv[2]);
		if (p.kind == SSTEP_OATH_HOTP)
			p.period = 0;
		keylen = key_parse(argv[3], key);
		st = store_open(argv[0]);
		if (sstep_oath_enrol(st, argv[1], &p, key, keylen, &why) !=
		    SASLSTEP_OK) {
			fprintf(stderr, "oath-helper: %s\n",
			    why != NULL ? why : sstep_store_error(st));
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (argc != 2)
		usage();
	p.kind = kind_parse(argv[0]);
	keylen = key_parse(argv[1], key);
	if (p.kind == SSTEP_OATH_TOTP) {
		if (sstep_oath_totp_step(
		        &p, at >= 0 ? at : sstep_now(), &step) != SASLSTEP_OK)
			usage();
		counter = step;
	} else if (counter < 0)
		usage();
	if (sstep_oath_code(p.alg, key, keylen, (uint64_t)counter, p.digits,
	        code) != SASLSTEP_OK) {
		fprintf(stderr, "oath-helper: cannot compute the code\n");
		goto out;
	}
	printf("%s\n", code);
	rc = 0;
out:
	if (codes != NULL)
		sstep_freezero(codes, (size_t)n * sizeof(*codes));
	sstep_store_close(st);
	return rc;
}

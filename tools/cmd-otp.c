/*
 * cmd-otp.c: saslstep otp init (enrol a user for OTP, RFC 2289) and
 * saslstep otp key (the calculator a person answers a challenge with).
 * All OTP arithmetic and encoding is mechs/otp.h's; this file only reads
 * the inputs, and the stored layout is the one mechs/otp.c reads: family
 * "otp", params "<alg> <seed>", secret the 8-byte OTP of sequence number N,
 * counter N (the next challenge asks for N - 1).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "otp.h"
#include "store.h"

#define OTP_DEFAULT_ALG SSTEP_OTP_SHA1
#define OTP_DEFAULT_SEQ 500

/* --alg: md5 or sha1 (md4 is refused by sstep_otp_alg_parse). */
static int
parse_alg(const struct cli_cmd *self, const char *arg, enum sstep_otp_alg *alg)
{
	const char *why = NULL;

	if (sstep_otp_alg_parse(arg, strlen(arg), alg, &why) != SASLSTEP_OK)
		return cli_usage_error(self, "--alg %s: %s", arg,
		    why != NULL ? why : "use md5 or sha1");
	return CLI_OK;
}

static int
parse_seed(const struct cli_cmd *self, const char *arg,
    char seed[SSTEP_OTP_SEED_MAX + 1])
{
	const char *why = NULL;

	if (sstep_otp_seed_check(arg, strlen(arg), seed, &why) != SASLSTEP_OK)
		return cli_usage_error(
		    self, "bad seed: %s", why != NULL ? why : "invalid");
	return CLI_OK;
}

/* RFC 2289 s. 6: 10 to 63 characters. */
static int
pass_check(const char *pass, size_t len)
{
	const char *why = NULL;

	if (sstep_otp_pass_check(pass, len, &why) != SASLSTEP_OK)
		return cli_error("%s", why != NULL
		                           ? why
		                           : "pass phrase refused (RFC "
		                             "2289: 10 to 63 characters)");
	return CLI_OK;
}

/*
 * Read a pass phrase and check it (RFC 2289 s. 6): from stdin when
 * from_stdin or stdin is not a terminal (otp key), from the terminal twice
 * with echo off when confirm is set (otp init).
 */
static int
read_pass(int confirm, char **pass, size_t *len)
{
	return cli_read_new_secret(
	    "Pass phrase: ", "pass phrases", confirm, pass_check, pass, len);
}

/* Compute the OTP, saying why when mechs/otp.c refuses the inputs. */
static int
compute(const struct sstep_otp_params *p, const char *pass, size_t passlen,
    unsigned char otp[SSTEP_OTP_LEN])
{
	const char *why = NULL;

	if (sstep_otp_compute(p->alg, pass, passlen, p->seed, strlen(p->seed),
	        p->seq, otp, &why) != SASLSTEP_OK)
		return cli_error("cannot compute the one-time password: %s",
		    why != NULL ? why : "failed");
	return CLI_OK;
}

static int
otp_init(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"alg", required_argument, NULL, 'a'},
	    {"seq", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"passphrase-stdin", no_argument, NULL, 'p'}, {NULL, 0, NULL, 0}};
	struct sstep_otp_params p;
	saslstep_store_t *st = NULL;
	unsigned char otp[SSTEP_OTP_LEN];
	char challenge[SSTEP_OTP_CHALLENGE_MAX];
	const char *why = NULL;
	char *pass = NULL;
	const char *name;
	size_t passlen = 0;
	unsigned long seq;
	int c, ind = 0, from_stdin = 0, rc, ret = CLI_FAIL;

	memset(&p, 0, sizeof(p));
	p.alg = OTP_DEFAULT_ALG;
	p.seq = OTP_DEFAULT_SEQ;
	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'a':
			if (parse_alg(self, optarg, &p.alg) != CLI_OK)
				return CLI_USAGE;
			break;
		case 'n':
			/* RFC 2243 s. 4.3: a challenge below 1 is no access,
			 * and the first challenge is N - 1. */
			if (cli_parse_uint(
			        optarg, 2, SSTEP_OTP_SEQ_MAX, &seq) != 0)
				return cli_usage_error(self,
				    "--seq must be from 2 to %d",
				    SSTEP_OTP_SEQ_MAX);
			p.seq = (unsigned)seq;
			break;
		case 's':
			if (parse_seed(self, optarg, p.seed) != CLI_OK)
				return CLI_USAGE;
			break;
		case 'p':
			from_stdin = 1;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - ind, 1, 1) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	if (cli_check_secret_input(self, from_stdin, "--passphrase-stdin") !=
	    CLI_OK)
		return CLI_USAGE;
	if (p.seed[0] == '\0' && sstep_otp_seed_random(p.seed) != SASLSTEP_OK)
		return cli_error("cannot get random bytes");

	/* Everything is read and checked before the store is touched, so
	 * bad input leaves no store and no user behind. */
	if (read_pass(!from_stdin, &pass, &passlen) != CLI_OK ||
	    compute(&p, pass, passlen, otp) != CLI_OK)
		goto out;
	if (cli_store_open(cli, SSTEP_STORE_CREATE, &st) != CLI_OK)
		goto out;
	if ((rc = sstep_otp_enrol(st, name, p.alg, pass, passlen, p.seed,
	         strlen(p.seed), p.seq, &why)) != SASLSTEP_OK) {
		cli_enrol_error(st, rc, name, why);
		goto out;
	}
	/* The person's first login is asked for sequence number N - 1. */
	p.seq--;
	if (sstep_otp_challenge_format(&p, challenge) < 0)
		goto out;
	cli_put_safe(stdout, name);
	printf(": OTP %s, next challenge %s\n", sstep_otp_alg_name(p.alg),
	    challenge);
	ret = CLI_OK;
out:
	sstep_store_close(st);
	sstep_wipe(otp, sizeof(otp));
	sstep_free_str(pass);
	return ret;
}

static int
otp_key(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"alg", required_argument, NULL, 'a'},
	    {"hex", no_argument, NULL, 'x'}, {NULL, 0, NULL, 0}};
	struct sstep_otp_params p;
	unsigned char otp[SSTEP_OTP_LEN];
	char words[SSTEP_OTP_WORDS_MAX + 1], hexits[SSTEP_OTP_HEX_LEN + 1];
	char *pass = NULL;
	size_t passlen = 0;
	unsigned long seq;
	int c, ind = 0, hex = 0, ret = CLI_FAIL;

	(void)cli;
	memset(&p, 0, sizeof(p));
	p.alg = OTP_DEFAULT_ALG;
	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'a':
			if (parse_alg(self, optarg, &p.alg) != CLI_OK)
				return CLI_USAGE;
			break;
		case 'x':
			hex = 1;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - ind, 2, 2) != CLI_OK)
		return CLI_USAGE;
	if (cli_parse_uint(argv[ind], 0, SSTEP_OTP_SEQ_MAX, &seq) != 0)
		return cli_usage_error(self,
		    "SEQ must be a number from 0 to %d", SSTEP_OTP_SEQ_MAX);
	p.seq = (unsigned)seq;
	if (parse_seed(self, argv[ind + 1], p.seed) != CLI_OK)
		return CLI_USAGE;

	if (read_pass(0, &pass, &passlen) != CLI_OK ||
	    compute(&p, pass, passlen, otp) != CLI_OK)
		goto out;
	if (hex) {
		sstep_otp_to_hex(otp, hexits);
		puts(hexits);
	} else {
		sstep_otp_to_words(otp, words);
		puts(words);
	}
	ret = fflush(stdout) == 0 ? CLI_OK : cli_error("cannot write output");
out:
	/* the response is a secret too until it is used */
	sstep_wipe(words, sizeof(words));
	sstep_wipe(hexits, sizeof(hexits));
	sstep_wipe(otp, sizeof(otp));
	sstep_free_str(pass);
	return ret;
}

const struct cli_cmd cli_otp_cmds[] = {
    {"otp init",
        "U [--alg md5|sha1] [--seq N] [--seed S] "
        "[--passphrase-stdin]",
        "Enrol user U for one-time passwords (RFC 2289), creating the\n"
        "store if it is missing and replacing any OTP sequence U had.\n"
        "The pass phrase (10 to 63 characters) is asked twice on the\n"
        "terminal, or read as one line from stdin with --passphrase-stdin.\n"
        "\n"
        "  --alg md5|sha1       hash (default sha1)\n"
        "  --seq N              sequence length, 2..9999 (default 500):\n"
        "                       the first challenge asks for N - 1\n"
        "  --seed S             1 to 16 letters and digits (default: a\n"
        "                       random one like ke1234)\n"
        "  --passphrase-stdin   read the pass phrase from stdin\n",
        CLI_DB, otp_init},
    {"otp key", "[--alg md5|sha1] [--hex] SEQ SEED",
        "Compute the response to the challenge \"otp-ALG SEQ SEED\": the\n"
        "pass phrase is read from stdin (asked with echo off on a\n"
        "terminal); the response is printed as six words, or as hex.\n"
        "\n"
        "  --alg md5|sha1   hash of the challenge (default sha1)\n"
        "  --hex            print 16 hex digits instead of six words\n",
        0, otp_key},
    {NULL, NULL, NULL, 0, NULL}};

/*
 * cmd-passwd.c: saslstep passwd U: set a user's password, stored as SCRAM
 * verifiers (never in clear) and, only when asked, as CRAM-MD5 contexts.
 *
 * The verifiers and the layout are mechs/scram.h's (SASLprep included),
 * the CRAM-MD5 contexts mechs/crammd5.h's; this file reads the password,
 * draws a fresh salt per verifier and writes everything in one store
 * transaction, so a login sees either the old password or the new one,
 * for every mechanism.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cli.h"
#include "store.h"
#include "scram.h"
#include "crammd5.h"

/* SCRAM-SHA-1, -256 and -512, then perhaps CRAM-MD5. */
#define PASSWD_CREDS 4

static const enum sstep_scram_alg passwd_algs[] = {
    SSTEP_SCRAM_SHA1, SSTEP_SCRAM_SHA256, SSTEP_SCRAM_SHA512};
#define PASSWD_NALGS (sizeof(passwd_algs) / sizeof(passwd_algs[0]))

/* One SCRAM credential for alg, with a salt of its own. */
static int
scram_cred(enum sstep_scram_alg alg, const char *pass, size_t passlen,
    unsigned iter, struct sstep_cred *c)
{
	struct sstep_scram_verifier v;
	unsigned char salt[SSTEP_SCRAM_SALT_LEN];
	const char *why = NULL;
	int r, ret = CLI_FAIL;

	memset(&v, 0, sizeof(v));
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		cli_error("cannot get random bytes for the salt");
		goto out;
	}
	if ((r = sstep_scram_verifier_make(alg, pass, passlen, iter, salt,
	         sizeof(salt), &v, &why)) != SASLSTEP_OK) {
		if (r == SASLSTEP_BADPARAM)
			cli_error("password refused: %s; nothing changed",
			    why != NULL ? why : "SASLprep failed");
		else
			cli_error("cannot make the %s verifier: %s",
			    sstep_scram_alg_name(alg),
			    why != NULL ? why : saslstep_errstring(r));
		goto out;
	}
	if ((r = sstep_scram_cred_make(&v, c)) != SASLSTEP_OK) {
		cli_error("cannot make the %s credential: %s",
		    sstep_scram_alg_name(alg), saslstep_errstring(r));
		goto out;
	}
	ret = CLI_OK;
out:
	sstep_scram_verifier_clear(&v);
	sstep_wipe(salt, sizeof(salt));
	return ret;
}

/*
 * Write the credentials in one transaction; without --cram-md5, remove an
 * old CRAM-MD5 credential too, so no password-equivalent of the previous
 * password stays behind.  *removed tells whether there was one.
 */
static int
store_creds(saslstep_store_t *st, const char *name,
    const struct sstep_cred *creds, size_t n, int cram, int *removed)
{
	size_t i;
	int rc;

	*removed = 0;
	if ((rc = sstep_store_begin(st)) != SASLSTEP_OK)
		return cli_store_error(st, rc, name);
	for (i = 0; i < n; i++) {
		if ((rc = sstep_store_cred_put(st, name, &creds[i])) !=
		    SASLSTEP_OK)
			goto fail;
	}
	if (!cram) {
		rc = sstep_store_cred_del(st, name, SSTEP_CRAMMD5_FAMILY);
		if (rc == SASLSTEP_OK)
			*removed = 1;
		else if (rc != SASLSTEP_NOUSER)
			goto fail;
	}
	if ((rc = sstep_store_commit(st)) != SASLSTEP_OK)
		return cli_store_error(st, rc, name);
	return CLI_OK;
fail:
	/* The reason first: the rollback may replace the store's text. */
	cli_store_error(st, rc, name);
	sstep_store_rollback(st);
	*removed = 0;
	return CLI_FAIL;
}

static int
passwd(const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"iterations", required_argument, NULL, 'i'},
	    {"password-stdin", no_argument, NULL, 'p'},
	    {"cram-md5", no_argument, NULL, 'c'}, {NULL, 0, NULL, 0}};
	struct sstep_cred creds[PASSWD_CREDS];
	saslstep_store_t *st = NULL;
	const char *name, *why = NULL;
	char *pass = NULL;
	size_t passlen = 0, ncreds = 0, i;
	unsigned long iter = SSTEP_SCRAM_ITER_DEFAULT;
	int c, ind = 0, from_stdin = 0, cram = 0, removed = 0, rc;
	int ret = CLI_FAIL;

	memset(creds, 0, sizeof(creds));
	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'i':
			/* RFC 5802 s. 9 (and RFC 7677 s. 4): at least 4096. */
			if (cli_parse_uint(optarg, SSTEP_SCRAM_ITER_MIN,
			        SSTEP_SCRAM_ITER_STORE, &iter) != 0)
				return cli_usage_error(self,
				    "--iterations must be from %d to %d",
				    SSTEP_SCRAM_ITER_MIN,
				    SSTEP_SCRAM_ITER_STORE);
			break;
		case 'p':
			from_stdin = 1;
			break;
		case 'c':
			cram = 1;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - ind, 1, 1) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	if (cli_check_secret_input(self, from_stdin, "--password-stdin") !=
	    CLI_OK)
		return CLI_USAGE;

	/* Everything is read and made before the store is touched, so bad
	 * input changes nothing (and creates no store). */
	if (cli_read_new_secret("Password: ", "passwords", !from_stdin, NULL,
	        &pass, &passlen) != CLI_OK)
		goto out;
	for (i = 0; i < PASSWD_NALGS; i++) {
		if (scram_cred(passwd_algs[i], pass, passlen, (unsigned)iter,
		        &creds[ncreds]) != CLI_OK)
			goto out;
		ncreds++;
	}
	if (cram) {
		if ((rc = sstep_crammd5_cred_make(
		         pass, passlen, &creds[ncreds], &why)) != SASLSTEP_OK) {
			cli_error("password refused for CRAM-MD5: %s; nothing "
			          "changed",
			    why != NULL ? why : saslstep_errstring(rc));
			goto out;
		}
		ncreds++;
	}
	if (cli_store_open(cli, SSTEP_STORE_CREATE, &st) != CLI_OK ||
	    store_creds(st, name, creds, ncreds, cram, &removed) != CLI_OK)
		goto out;

	cli_put_safe(stdout, name);
	printf(": password set: SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512 "
	       "(draft) and PLAIN, %lu iterations\n",
	    iter);
	if (cram) {
		cli_put_safe(stdout, name);
		fputs(": CRAM-MD5 (legacy) set too: the store now holds a "
		      "password equivalent\n",
		    stdout);
	} else if (removed) {
		cli_put_safe(stdout, name);
		fputs(": the old CRAM-MD5 credential was removed (use "
		      "--cram-md5 to keep CRAM-MD5)\n",
		    stdout);
	}
	ret = CLI_OK;
out:
	/* All of them: a maker that failed half-way may hold something. */
	for (i = 0; i < PASSWD_CREDS; i++)
		sstep_cred_clear(&creds[i]);
	sstep_store_close(st);
	sstep_free_str(pass);
	return ret;
}

const struct cli_cmd cli_passwd_cmds[] = {
    {"passwd", "U [--iterations N] [--password-stdin] [--cram-md5]",
        "Set user U's password (creating U if needed).  It is stored as\n"
        "SCRAM-SHA-1, SCRAM-SHA-256 and SCRAM-SHA-512 verifiers (salt,\n"
        "iterations, StoredKey, ServerKey: never the password), each with a\n"
        "fresh random salt; PLAIN is checked against the SCRAM-SHA-256 one.\n"
        "The password is prepared with SASLprep (RFC 4013) and refused if\n"
        "that fails.  All credentials change in one transaction; on bad\n"
        "input nothing changes.\n"
        "\n"
        "  --iterations N    PBKDF2 iterations, 4096 (the default) or more\n"
        "  --password-stdin  read the password as one line of stdin\n"
        "                    (otherwise: twice from the terminal, no echo)\n"
        "  --cram-md5        also store CRAM-MD5 contexts (legacy: they are\n"
        "                    password-equivalent); without it an existing\n"
        "                    CRAM-MD5 credential is removed\n",
        CLI_DB, passwd},
    {NULL, NULL, NULL, 0, NULL}};

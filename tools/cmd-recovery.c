/*
 * cmd-recovery.c: saslstep recovery init: give a user one-shot recovery
 * codes for the day their authenticator app is gone.  The codes are made
 * and stored (as salted hashes) by mechs/recovery.h; this file prints them,
 * the only time anyone sees them, and wipes them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "recovery.h"
#include "store.h"

static int
recovery_init(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"count", required_argument, NULL, 'n'}, {NULL, 0, NULL, 0}};
	char codes[SSTEP_RECOVERY_COUNT_MAX][SSTEP_RECOVERY_CODE_LEN + 1];
	saslstep_store_t *st = NULL;
	const char *why = NULL, *name;
	unsigned long count = SSTEP_RECOVERY_COUNT_DEFAULT;
	unsigned i;
	int c, ind = 0, rc, ret = CLI_FAIL;

	while ((c = cli_getopt(self, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'n':
			if (cli_parse_uint(optarg, 1, SSTEP_RECOVERY_COUNT_MAX,
			        &count) != 0)
				return cli_usage_error(self,
				    "--count must be from 1 to %d",
				    SSTEP_RECOVERY_COUNT_MAX);
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (cli_check_operands(self, argc - ind, 1, 1) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	cli_secret_output();
	if (cli_store_open(cli, SSTEP_STORE_CREATE, &st) != CLI_OK)
		goto out;
	if ((rc = sstep_recovery_enrol(
	         st, name, (unsigned)count, codes, &why)) != SASLSTEP_OK) {
		cli_enrol_error(st, rc, name, why);
		goto out;
	}
	cli_put_safe(stdout, name);
	printf(": %lu recovery codes, replacing any earlier ones.  Each works "
	       "once, typed\n"
	       "at the TOTP or HOTP prompt; they are not shown again:\n",
	    count);
	for (i = 0; i < count; i++)
		printf("  %s\n", codes[i]);
	ret = CLI_OK;
out:
	if (cli_secret_output_end() != CLI_OK)
		ret = CLI_FAIL;
	sstep_store_close(st);
	sstep_wipe(codes, sizeof(codes));
	return ret;
}

const struct cli_cmd cli_recovery_cmds[] = {
    {"recovery init", "U [--count N]",
        "Give user U new recovery codes, creating the store if it is\n"
        "missing and replacing any codes U had: each works once, at the\n"
        "TOTP or HOTP prompt, for when the authenticator app is lost.\n"
        "They are printed this once; the store keeps salted hashes only.\n"
        "\n"
        "  --count N   how many, 1..64 (default 10)\n",
        CLI_DB, recovery_init},
    {NULL, NULL, NULL, 0, NULL}};

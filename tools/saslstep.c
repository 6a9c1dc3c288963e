/*
 * saslstep.c: the saslstep command: global options, then the subcommand
 * found in the tables of the families (tools/cmd-*.c).  See saslstep(1).
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "store.h"

/* Every family of subcommands; a new one is one line here. */
static const struct cli_cmd *const families[] = {cli_init_cmds, cli_user_cmds,
    cli_passwd_cmds, cli_otp_cmds, cli_login_cmds, cli_oath_cmds,
    cli_recovery_cmds, cli_exchange_cmds, cli_transfer_cmds, NULL};

static int
help(void)
{
	fputs("usage: saslstep [--db URI] COMMAND [ARGS]\n"
	      "       saslstep --help | --version\n"
	      "\n"
	      "Commands (COMMAND --help says more):\n",
	    stdout);
	cli_usage(stdout, families, NULL);
	printf("\n"
	       "  --db URI    the credential store (default: $SASLSTEP_DB,"
	       " else\n"
	       "              %s)\n"
	       "\n"
	       "Exit status: 0 success, 1 failure, 2 usage error.\n",
	    sstep_store_default());
	return CLI_OK;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'}, {NULL, 0, NULL, 0}};
	struct cli cli = {NULL};
	const char *env;
	int c, ind = 0;

	while ((c = cli_getopt(NULL, argc, argv, opts, &ind)) != -1) {
		switch (c) {
		case 'd':
			if (*optarg == '\0')
				return cli_usage_error(
				    NULL, "--db needs a store");
			cli.db = optarg;
			break;
		case 'h':
			return help();
		case 'V':
			puts("saslstep (" PACKAGE_NAME ") " PACKAGE_VERSION);
			return CLI_OK;
		default:
			return CLI_USAGE;
		}
	}
	/* An empty SASLSTEP_DB is unset, as for most such variables. */
	if (cli.db == NULL && (env = getenv("SASLSTEP_DB")) != NULL &&
	    *env != '\0')
		cli.db = env;
	return cli_dispatch(&cli, families, argc - ind, argv + ind);
}

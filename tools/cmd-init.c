/*
 * cmd-init.c: saslstep init: create the store, or bring its schema to this
 * version.  For PostgreSQL this is the only way the schema is made or
 * changed (the module never does); for SQLite it does what the first
 * enrolment would do anyway.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "store.h"

static int
init_store(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	saslstep_store_t *st = NULL;
	int ind;

	if (cli_no_options(self, argc, argv, 0, 0, &ind) != CLI_OK)
		return CLI_USAGE;
	if (cli_store_open(cli, SSTEP_STORE_CREATE, &st) != CLI_OK)
		return CLI_FAIL;
	sstep_store_close(st);
	puts("store ready");
	return CLI_OK;
}

const struct cli_cmd cli_init_cmds[] = {
    {"init", NULL,
        "Create the store if it does not exist, or migrate its schema to\n"
        "this version; an existing store keeps its users.  A PostgreSQL\n"
        "database must exist already: init makes the schema \"saslstep\"\n"
        "in it (then run pgsql-roles.sql, see README \"Many hosts\").\n"
        "Safe to run again, and from two hosts at once.\n",
        CLI_DB, init_store},
    {NULL, NULL, NULL, 0, NULL}};

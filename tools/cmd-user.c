/*
 * cmd-user.c: saslstep user list | show U | del U | lock U | unlock U.
 * Nothing here reads a secret: show lists credentials through
 * sstep_store_cred_list(), which does not return them.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "store.h"

static int
list_one(const struct sstep_user *u, void *arg)
{
	(void)arg;
	cli_put_safe(stdout, u->name);
	fputs(u->locked ? " (locked)\n" : "\n", stdout);
	return 0;
}

static int
user_list(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	saslstep_store_t *st = NULL;
	int rc, ind;

	if (cli_no_options(self, argc, argv, 0, 0, &ind) != CLI_OK)
		return CLI_USAGE;
	if (cli_store_open(cli, 0, &st) != CLI_OK)
		return CLI_FAIL;
	rc = sstep_store_user_list(st, list_one, NULL);
	if (rc != SASLSTEP_OK)
		cli_store_error(st, rc, NULL);
	sstep_store_close(st);
	return rc == SASLSTEP_OK ? CLI_OK : CLI_FAIL;
}

static int
show_cred(const struct sstep_cred *c, void *arg)
{
	(void)arg;
	fputs("credential: ", stdout);
	cli_put_safe(stdout, c->family);
	fputs(" \"", stdout);
	cli_put_safe(stdout, c->params != NULL ? c->params : "");
	printf("\" counter %lld\n", (long long)c->counter);
	return 0;
}

static int
user_show(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	saslstep_store_t *st = NULL;
	struct sstep_user u;
	char when[64];
	struct tm tm;
	time_t t;
	int rc, ind, ret = CLI_FAIL;

	if (cli_no_options(self, argc, argv, 1, 1, &ind) != CLI_OK)
		return CLI_USAGE;
	if (cli_store_open(cli, 0, &st) != CLI_OK)
		return CLI_FAIL;
	if ((rc = sstep_store_user_get(st, argv[ind], &u)) != SASLSTEP_OK) {
		cli_store_error(st, rc, argv[ind]);
		goto out;
	}
	t = (time_t)u.created;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(when, sizeof(when), "%lld", (long long)u.created);
	fputs("user: ", stdout);
	cli_put_safe(stdout, u.name);
	printf("\nlocked: %s\ncreated: %s\n", u.locked ? "yes" : "no", when);
	if ((rc = sstep_store_cred_list(st, argv[ind], show_cred, NULL)) !=
	    SASLSTEP_OK) {
		cli_store_error(st, rc, argv[ind]);
		goto out;
	}
	ret = CLI_OK;
out:
	sstep_store_close(st);
	return ret;
}

/* del, lock and unlock: one user name, one store call. */
static int
user_change(
    const struct cli *cli, const struct cli_cmd *self, int argc, char **argv)
{
	saslstep_store_t *st = NULL;
	const char *name;
	int rc, ind;

	if (cli_no_options(self, argc, argv, 1, 1, &ind) != CLI_OK)
		return CLI_USAGE;
	name = argv[ind];
	if (cli_store_open(cli, 0, &st) != CLI_OK)
		return CLI_FAIL;
	if (strcmp(argv[0], "del") == 0)
		rc = sstep_store_user_del(st, name);
	else
		rc = sstep_store_user_set_locked(
		    st, name, strcmp(argv[0], "lock") == 0);
	if (rc != SASLSTEP_OK)
		cli_store_error(st, rc, name);
	sstep_store_close(st);
	return rc == SASLSTEP_OK ? CLI_OK : CLI_FAIL;
}

const struct cli_cmd cli_user_cmds[] = {
    {"user list", NULL,
        "List the users of the store, one a line; a locked one is marked\n"
        "\"(locked)\".\n",
        CLI_DB, user_list},
    {"user show", "U",
        "Show user U: whether locked, when created, and for each\n"
        "credential its family, parameters and counter (never a secret).\n",
        CLI_DB, user_show},
    {"user del", "U", "Delete user U and all their credentials.\n", CLI_DB,
        user_change},
    {"user lock", "U",
        "Lock user U: every login fails until unlocked; credentials and\n"
        "counters are kept.\n",
        CLI_DB, user_change},
    {"user unlock", "U", "Unlock user U.\n", CLI_DB, user_change},
    {NULL, NULL, NULL, 0, NULL}};

/*
 * cmd-user.c: saslstep user list | show U | del U | lock U | unlock U.
 * Nothing here reads a secret: show lists credentials through
 * sstep_store_cred_list(), which does not return them, and counts
 * recovery codes through sstep_recovery_left(), which says only how many.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "oath.h"
#include "recovery.h"
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

/*
 * A HOTP or TOTP credential in words ("totp sha1, 6 digits, 30 s steps,
 * last step N"); 0 when its params do not read as such (it is then shown
 * raw).
 */
static int
show_oath(const struct sstep_cred *c)
{
	struct sstep_oath_params p;
	enum sstep_oath_kind kind;
	const char *params = c->params != NULL ? c->params : "";

	if (strcmp(c->family, SSTEP_OATH_FAMILY_TOTP) == 0)
		kind = SSTEP_OATH_TOTP;
	else if (strcmp(c->family, SSTEP_OATH_FAMILY_HOTP) == 0)
		kind = SSTEP_OATH_HOTP;
	else
		return 0;
	if (sstep_oath_params_parse(kind, params, strlen(params), &p, NULL) !=
	    SASLSTEP_OK)
		return 0;
	printf("credential: %s %s, %u digits, ", c->family,
	    sstep_oath_alg_name(p.alg), p.digits);
	if (kind == SSTEP_OATH_HOTP) {
		printf("next counter %lld\n", (long long)c->counter);
		return 1;
	}
	printf("%u s steps", p.period);
	if (p.t0 != 0)
		printf(" from t0 %lld", (long long)p.t0);
	if (c->counter < 0)
		fputs(", no code used yet\n", stdout);
	else
		printf(", last step %lld\n", (long long)c->counter);
	return 1;
}

/* Recovery codes are counted after the list (*arg set): counting reads
 * the store, which must not be done while it lists. */
static int
show_cred(const struct sstep_cred *c, void *arg)
{
	int *recovery = arg;

	if (strcmp(c->family, SSTEP_RECOVERY_FAMILY) == 0) {
		*recovery = 1;
		return 0;
	}
	if (show_oath(c))
		return 0;
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
	unsigned left, total;
	int rc, ind, recovery = 0, ret = CLI_FAIL;

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
	if ((rc = sstep_store_cred_list(st, argv[ind], show_cred, &recovery)) !=
	    SASLSTEP_OK) {
		cli_store_error(st, rc, argv[ind]);
		goto out;
	}
	if (recovery) {
		if ((rc = sstep_recovery_left(st, argv[ind], &left, &total)) ==
		    SASLSTEP_OK)
			printf("credential: recovery, %u of %u codes left\n",
			    left, total);
		else
			fputs("credential: recovery, unreadable\n", stdout);
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
        "credential its family, parameters and counter (never a secret):\n"
        "for TOTP the last time step used, for HOTP the next counter, for\n"
        "recovery codes how many are left.\n",
        CLI_DB, user_show},
    {"user del", "U", "Delete user U and all their credentials.\n", CLI_DB,
        user_change},
    {"user lock", "U",
        "Lock user U: every login fails until unlocked; credentials and\n"
        "counters are kept.\n",
        CLI_DB, user_change},
    {"user unlock", "U", "Unlock user U.\n", CLI_DB, user_change},
    {NULL, NULL, NULL, 0, NULL}};

/*
 * args.c: the module arguments of pam_saslstep(8).
 *
 * One table names every argument; an argument is one line in it and one
 * small function.  Anything not in the table, or malformed, is logged and
 * refused: a typo in a PAM stanza must not quietly weaken a login.
 */
#include "config.h"

#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>

#include "saslstep-int.h"
#include "bridge.h"

struct args_ctx {
	bridge_log_fn log;
	void *log_ctx;
};

/* Parse the value of name=value (or NULL for a flag) into *o. */
typedef int (*arg_set_fn)(
    struct bridge_opts *o, const char *value, const struct args_ctx *ctx);

struct arg {
	const char *name; /* without the "=" */
	int has_value;    /* name=VALUE (1) or a bare flag (0) */
	arg_set_fn set;
};

static int
arg_db(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->db = value;
	return PAM_SUCCESS;
}

/*
 * mech=NAME[,NAME...]: each name must be one the library implements; the
 * canonical (upper-case) name is kept, so the bridge compares nothing
 * itself.  A later mech= replaces an earlier one.
 */
static int
arg_mech(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	const struct sstep_mech *m;
	const char *p = value, *end;
	size_t n, namelen;

	o->nmechs = 0;
	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		if (n == 0) {
			bridge_logf(ctx->log, ctx->log_ctx, LOG_ERR,
			    "mech=%s: empty mechanism name", value);
			return PAM_SERVICE_ERR;
		}
		if ((m = sstep_mech_find(p, n)) == NULL ||
		    (namelen = strlen(m->name)) >= BRIDGE_MECH_NAME) {
			bridge_logf(ctx->log, ctx->log_ctx, LOG_ERR,
			    "mech=%s: unknown mechanism \"%.*s\" "
			    "(known: %s)",
			    value, (int)n, p, saslstep_mechanisms());
			return PAM_SERVICE_ERR;
		}
		if (o->nmechs == BRIDGE_MAX_MECHS) {
			bridge_logf(ctx->log, ctx->log_ctx, LOG_ERR,
			    "mech=%s: more than %d mechanisms", value,
			    BRIDGE_MAX_MECHS);
			return PAM_SERVICE_ERR;
		}
		memcpy(o->mechs[o->nmechs++], m->name, namelen + 1);
		if (end == NULL)
			return PAM_SUCCESS;
		p = end + 1;
	}
}

static int
arg_nullok(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->nullok = 1;
	return PAM_SUCCESS;
}

static int
arg_debug(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->debug = 1;
	return PAM_SUCCESS;
}

static int
arg_prompt(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->prompt = value;
	return PAM_SUCCESS;
}

static int
arg_use_first_pass(
    struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->authtok = BRIDGE_AUTHTOK_USE;
	return PAM_SUCCESS;
}

static int
arg_try_first_pass(
    struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->authtok = BRIDGE_AUTHTOK_TRY;
	return PAM_SUCCESS;
}

static int
arg_use_authtok(
    struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->authtok = BRIDGE_AUTHTOK_FORCE;
	return PAM_SUCCESS;
}

static int
arg_echo(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->echo = 1;
	return PAM_SUCCESS;
}

/* A decimal count from 0 to max, digits only. */
static int
parse_count(const char *name, const char *value, unsigned max, unsigned *out,
    const struct args_ctx *ctx)
{
	unsigned long v = 0;
	const char *p;

	for (p = value; *p >= '0' && *p <= '9' && v <= max; p++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (*p != '\0' || p == value || v > max) {
		bridge_logf(ctx->log, ctx->log_ctx, LOG_ERR,
		    "%s=%s: want a number from 0 to %u", name, value, max);
		return PAM_SERVICE_ERR;
	}
	*out = (unsigned)v;
	return PAM_SUCCESS;
}

static int
arg_window(struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->window_set = 1;
	return parse_count("window", value, BRIDGE_WINDOW_MAX, &o->window, ctx);
}

static int
arg_lookahead(
    struct bridge_opts *o, const char *value, const struct args_ctx *ctx)
{
	o->lookahead_set = 1;
	return parse_count(
	    "lookahead", value, BRIDGE_LOOKAHEAD_MAX, &o->lookahead, ctx);
}

static const struct arg args[] = {{"db", 1, arg_db}, {"mech", 1, arg_mech},
    {"nullok", 0, arg_nullok}, {"debug", 0, arg_debug},
    {"prompt", 1, arg_prompt}, {"use_first_pass", 0, arg_use_first_pass},
    {"try_first_pass", 0, arg_try_first_pass},
    {"use_authtok", 0, arg_use_authtok}, {"echo", 0, arg_echo},
    {"window", 1, arg_window}, {"lookahead", 1, arg_lookahead},
    {NULL, 0, NULL}};

/* Parse one argument; the log names it, as it may be mistyped. */
static int
parse_one(struct bridge_opts *o, const char *arg, const struct args_ctx *ctx)
{
	const struct arg *a;
	const char *eq;
	size_t n;

	eq = strchr(arg, '=');
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (a = args; a->name != NULL; a++) {
		if (strlen(a->name) != n || strncmp(a->name, arg, n) != 0)
			continue;
		if (a->has_value && (eq == NULL || eq[1] == '\0')) {
			bridge_logf(ctx->log, ctx->log_ctx, LOG_ERR,
			    "argument %s needs a value: %s=VALUE", a->name,
			    a->name);
			return PAM_SERVICE_ERR;
		}
		if (!a->has_value && eq != NULL) {
			bridge_logf(ctx->log, ctx->log_ctx, LOG_ERR,
			    "argument %s takes no value: %s", a->name, arg);
			return PAM_SERVICE_ERR;
		}
		return a->set(o, a->has_value ? eq + 1 : NULL, ctx);
	}
	bridge_logf(
	    ctx->log, ctx->log_ctx, LOG_ERR, "unknown argument: %s", arg);
	return PAM_SERVICE_ERR;
}

int
bridge_args_parse(struct bridge_opts *o, int argc, const char **argv,
    bridge_log_fn log, void *log_ctx)
{
	struct args_ctx ctx = {log, log_ctx};
	int i, r = PAM_SUCCESS;

	memset(o, 0, sizeof(*o));
	/* Go on after a bad argument, so one log shows every mistake. */
	for (i = 0; i < argc; i++) {
		if (argv[i] == NULL) {
			r = PAM_SERVICE_ERR;
			continue;
		}
		if (parse_one(o, argv[i], &ctx) != PAM_SUCCESS)
			r = PAM_SERVICE_ERR;
	}
	return r;
}

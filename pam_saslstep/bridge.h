/*
 * bridge.h: one login, driven through a PAM conversation.  The PAM module
 * and `saslstep login` (with a terminal conversation) both call
 * bridge_authenticate(), so a person sees the same prompts from either.
 *
 * The bridge runs the server side against the store and the client side in
 * the same process; every INTERACT request of the client becomes one
 * pam_conv() call holding all prompts of that round.
 */
#ifndef SSTEP_BRIDGE_H
#define SSTEP_BRIDGE_H

#include <security/pam_appl.h>

#define BRIDGE_MAX_MECHS 8
#define BRIDGE_MECH_NAME 32

/* Module arguments (pam_saslstep(8)); parsed by bridge_args_parse(). */
struct bridge_opts {
	const char *db; /* store URI, NULL for the default */
	char mechs[BRIDGE_MAX_MECHS][BRIDGE_MECH_NAME]; /* mech=, in order */
	unsigned nmechs;    /* 0 means the default ("OTP") */
	int nullok;         /* PAM_IGNORE for a user enrolled in none */
	int debug;          /* log the steps (never a secret) */
	const char *prompt; /* prompt=TEXT, NULL for the mechanism's own */
	int authtok;        /* BRIDGE_AUTHTOK_*: PAM_AUTHTOK for passwords */
	int echo;           /* echo: HOTP/TOTP codes asked with echo on */
	unsigned window;    /* window=N: TOTP steps either side (default 1) */
	int window_set;
	unsigned lookahead; /* lookahead=N: HOTP values ahead (default 10) */
	int lookahead_set;
};

/* How a password mechanism uses PAM_AUTHTOK from an earlier module. */
#define BRIDGE_AUTHTOK_ASK   0    /* always prompt (the default) */
#define BRIDGE_AUTHTOK_TRY   1    /* try_first_pass: use it if set, else ask */
#define BRIDGE_AUTHTOK_USE   2    /* use_first_pass: use it, never ask */
#define BRIDGE_AUTHTOK_FORCE 3    /* use_authtok: as use_first_pass */
#define BRIDGE_WINDOW_MAX    100  /* TOTP steps either side */
#define BRIDGE_LOOKAHEAD_MAX 1000 /* HOTP counter values */

/* How the bridge logs: priority is a syslog LOG_* level; msg never holds a
 * secret.  The module sends it to pam_syslog, the command to stderr. */
typedef void (*bridge_log_fn)(void *ctx, int priority, const char *msg);

/* Keep a password the person typed for later modules (PAM_AUTHTOK);
 * returns a PAM code.  The bridge calls it right after the conversation,
 * before the password is checked, as pam_unix does. */
typedef int (*bridge_set_authtok_fn)(void *ctx, const char *authtok);

struct bridge_env {
	const char *service; /* PAM service name, for the log */
	const char *user;    /* PAM_USER: answers AUTHNAME and USER */
	const struct pam_conv *conv;
	bridge_log_fn log;
	void *log_ctx;
	/* Password mechanisms only (SASLSTEP_CB_PASS requests).  authtok is
	 * PAM_AUTHTOK as an earlier module left it, or NULL: a secret, never
	 * logged; o->authtok says whether it is used.  set_authtok (NULL:
	 * nothing kept) gets every password the person typed. */
	const char *authtok;
	bridge_set_authtok_fn set_authtok;
	void *authtok_ctx;
};

/*
 * Parse module arguments into *o (argv strings must outlive *o).  Unknown
 * or malformed arguments are logged through log and refused.
 * Returns PAM_SUCCESS or PAM_SERVICE_ERR.
 */
int bridge_args_parse(struct bridge_opts *o, int argc, const char **argv,
    bridge_log_fn log, void *log_ctx);

/*
 * Run one login for env->user with the first mechanism of o->mechs (default
 * OTP) the user is enrolled for: open the store o->db, run the server and
 * the client side in this process, ask each INTERACT round through
 * env->conv in one call (replies wiped before they are freed), and release
 * everything before returning.  A user enrolled in none of them gets the
 * first mechanism anyway (a stable fake challenge, then failure) unless
 * o->nullok.  Reasons go to env->log, never to the conversation.
 * A password request (SASLSTEP_CB_PASS) follows pam_unix: with
 * BRIDGE_AUTHTOK_TRY it is answered from env->authtok when that is set,
 * else asked; with BRIDGE_AUTHTOK_USE or _FORCE it is answered from
 * env->authtok and never asked (none set: PAM_AUTH_ERR); a password that
 * was asked goes to env->set_authtok.  A wrong env->authtok is a failure,
 * never a second prompt.
 * Returns PAM_SUCCESS, PAM_AUTH_ERR, PAM_AUTHINFO_UNAVAIL (store),
 * PAM_CONV_ERR, PAM_BUF_ERR or PAM_IGNORE (nullok); never PAM_USER_UNKNOWN.
 */
int bridge_authenticate(
    const struct bridge_opts *o, const struct bridge_env *env);

/*
 * The one mapping from SASLSTEP_* codes to PAM codes: SASLSTEP_OK is
 * PAM_SUCCESS, SASLSTEP_UNAVAIL PAM_AUTHINFO_UNAVAIL, SASLSTEP_NOMEM
 * PAM_BUF_ERR; every other code (CONTINUE and INTERACT included, should
 * one reach it) is PAM_AUTH_ERR, so whatever is not a success fails closed.
 */
int bridge_pam_code(int saslstep_code);

/*
 * Format a message and hand it to log (nothing when log is NULL).  Messages
 * longer than BRIDGE_LOG_MAX bytes are cut.  Callers pass no secret.
 */
#define BRIDGE_LOG_MAX 512
void bridge_logf(
    bridge_log_fn log, void *log_ctx, int priority, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

#endif /* SSTEP_BRIDGE_H */

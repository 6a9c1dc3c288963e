/*
 * pam_saslstep.c: the PAM entry points.  Everything that knows the PAM
 * handle is here; the login itself is bridge_authenticate(), which the
 * saslstep command runs too, with a terminal conversation.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>
#include <security/pam_modules.h>
#include <security/pam_ext.h>

#include "bridge.h"

/* The build hides every symbol (-fvisibility=hidden); these two are the
 * module's whole interface (export.sym). */
#define PAM_SASLSTEP_EXPORT __attribute__((visibility("default")))

static void
module_log(void *ctx, int priority, const char *msg)
{
	pam_syslog(ctx, priority, "%s", msg);
}

/* A typed password, for the modules after us (PAM copies it, and wipes
 * its copy at pam_end). */
static int
module_set_authtok(void *ctx, const char *authtok)
{
	return pam_set_item(ctx, PAM_AUTHTOK, authtok);
}

PAM_SASLSTEP_EXPORT int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct bridge_opts o;
	struct bridge_env env;
	const void *item;
	const char *user = NULL;
	int r;

	if (bridge_args_parse(&o, argc, argv, module_log, pamh) != PAM_SUCCESS)
		return PAM_SERVICE_ERR;
	/* The application may have asked for the name already; if not, PAM
	 * asks with its own prompt.  Never PAM_USER_UNKNOWN: an unknown
	 * name goes through the same prompts and fails at the end. */
	if ((r = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS) {
		if (o.debug)
			pam_syslog(pamh, LOG_DEBUG, "cannot get the user: %s",
			    pam_strerror(pamh, r));
		return r == PAM_CONV_AGAIN ? PAM_INCOMPLETE : r;
	}
	if (user == NULL)
		return PAM_AUTH_ERR;

	memset(&env, 0, sizeof(env));
	env.user = user;
	env.log = module_log;
	env.log_ctx = pamh;
	if (pam_get_item(pamh, PAM_SERVICE, &item) != PAM_SUCCESS)
		item = NULL;
	env.service = item;
	if (pam_get_item(pamh, PAM_CONV, &item) != PAM_SUCCESS ||
	    item == NULL) {
		pam_syslog(pamh, LOG_ERR, "no conversation function");
		return PAM_CONV_ERR;
	}
	env.conv = item;
	/* PAM_AUTHTOK, from an earlier module in the stack, is read only
	 * when an argument asks for it (use_first_pass and the like). */
	if (o.authtok != BRIDGE_AUTHTOK_ASK &&
	    pam_get_item(pamh, PAM_AUTHTOK, &item) == PAM_SUCCESS)
		env.authtok = item;
	env.set_authtok = module_set_authtok;
	env.authtok_ctx = pamh;
	return bridge_authenticate(&o, &env);
}

PAM_SASLSTEP_EXPORT int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	/* No credentials to set: a one-time value grants nothing lasting. */
	return PAM_SUCCESS;
}

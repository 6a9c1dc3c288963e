/*
 * codes.c: result codes as text.
 */
#include "config.h"

#include "saslstep-int.h"

SASLSTEP_API const char *
saslstep_errstring(int code)
{
	switch (code) {
	case SASLSTEP_OK:
		return "success";
	case SASLSTEP_CONTINUE:
		return "another step is needed";
	case SASLSTEP_INTERACT:
		return "the client needs values from the user";
	case SASLSTEP_FAIL:
		return "generic failure";
	case SASLSTEP_NOMEM:
		return "out of memory";
	case SASLSTEP_NOMECH:
		return "mechanism not supported";
	case SASLSTEP_BADPROT:
		return "malformed message (protocol error)";
	case SASLSTEP_BADPARAM:
		return "invalid parameter";
	case SASLSTEP_TRYAGAIN:
		return "transient failure, try again";
	case SASLSTEP_BADSERV:
		return "server failed mutual authentication";
	case SASLSTEP_BADAUTH:
		return "authentication failure";
	case SASLSTEP_NOUSER:
		return "user not found";
	case SASLSTEP_BADVERS:
		return "version or algorithm not supported";
	case SASLSTEP_UNAVAIL:
		return "credential store unavailable";
	default:
		return "unknown result code";
	}
}

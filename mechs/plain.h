/*
 * plain.h: the PLAIN message parser (RFC 4616 s. 2), shared by the
 * mechanism and the tests.
 */
#ifndef SSTEP_PLAIN_H
#define SSTEP_PLAIN_H

#include <stddef.h>

#define SSTEP_PLAIN_PASS_MAX 1024 /* bytes of a password */

/* The three fields of a PLAIN message; pointers into the message, which is
 * not NUL-terminated: use the lengths. */
struct sstep_plain_msg {
	const char *authzid; /* may be empty */
	size_t authzidlen;
	const char *authcid;
	size_t authcidlen;
	const char *passwd;
	size_t passwdlen;
};

/*
 * Split msg (len bytes) into authzid NUL authcid NUL passwd (RFC 4616
 * s. 2): exactly two NULs, each field well-formed UTF-8, authcid 1 to
 * SSTEP_NAME_MAX bytes without control characters, authzid at most
 * SSTEP_NAME_MAX bytes without control characters, passwd 1 to
 * SSTEP_PLAIN_PASS_MAX bytes.  Returns SASLSTEP_OK, or SASLSTEP_BADPROT
 * with *why (static text, no secret) set and *m zeroed.
 */
int sstep_plain_parse(
    const char *msg, size_t len, struct sstep_plain_msg *m, const char **why);

#endif /* SSTEP_PLAIN_H */

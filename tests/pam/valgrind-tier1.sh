#!/bin/sh
# The tier 1 tests once more with the driver under valgrind's memcheck:
# the same assertions, and any invalid access or definite/indirect leak
# (module, bridge, core, store) fails the check that ran it.
. "$top_srcdir/tests/lib.sh"
need VALGRIND
d=$top_srcdir/tests/pam
under_valgrind "$d/tier1-otp.sh" "$d/tier1-unenrolled.sh" \
	"$d/tier1-errors.sh" "$d/tier1-log.sh" "$d/tier1-examples.sh" \
	"$d/tier1-password.sh" "$d/tier1-totp.sh" "$d/tier1-hotp.sh"
finish

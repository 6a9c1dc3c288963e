#!/bin/sh
# The tier 2 tests once more with pamtester under valgrind's memcheck
# (valgrind --trace-children=yes env LD_PRELOAD=... pamtester: the preload
# is set for pamtester alone, and valgrind follows env's exec into it).
. "$top_srcdir/tests/lib.sh"
need VALGRIND
under_valgrind "$top_srcdir/tests/pam/tier2-pamtester.sh" \
	"$top_srcdir/tests/pam/tier2-password.sh" \
	"$top_srcdir/tests/pam/tier2-totp.sh"
finish

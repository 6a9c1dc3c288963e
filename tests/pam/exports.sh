#!/bin/sh
# The module exports pam_sm_authenticate and pam_sm_setcred and nothing
# else, and loads the way libpam loads it (dlopen, RTLD_NOW: every symbol
# resolved).
. "$top_srcdir/tests/lib.sh"

need PAM_MODULE
command -v nm >/dev/null 2>&1 || skip "nm not installed"

exported=$(nm -D --defined-only "$PAM_MODULE" | awk 'NF == 3 { print $3 }' |
	sort)
check_eq "exported symbols" "$exported" "pam_sm_authenticate
pam_sm_setcred"

checks=$((checks + 1))
"$top_builddir/tests/pam/dlsym-check" "$PAM_MODULE" ||
	fail "dlsym-check $PAM_MODULE"

finish

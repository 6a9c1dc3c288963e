#!/bin/sh
# Tier 2: pamtester under pam_wrapper, as an application that uses
# Linux-PAM's own misc_conv: prompts on stderr, one answer per line of
# stdin.  Success, a wrong response, a replayed response, an unknown user,
# and end of input.
. "$top_srcdir/tests/pam/setup.sh"

need PAM_WRAPPER_LIB PAMTESTER
[ -z "$VG" ] || PW_PREFIX="$VG --trace-children=yes"

db=$tmp/s.db
otp_init "$db" alice 10 ab12
pam_service "$tmp/pw" test "auth required $PAM_MODULE db=$db"

# expect_login WHAT USER INPUT SEQ RESULT: one run of pamtester, which
# must show the challenge for SEQ and succeed (RESULT ok) or fail with
# RESULT after the prompt (at end of input misc_conv adds a newline).
expect_login() {
	pamtester_run "$tmp/pw" "$2" "$3"
	pamtester_check "$1" "$2" "otp-sha1 $4 ab12 ext
Response: " "$5"
}

r9=$(otp_key 9 ab12)
r8=$(otp_key 8 ab12)
expect_login "wrong response" alice 'hex:0123456789abcdef
' 9 "pamtester: Authentication failure"
expect_login "success" alice "$r9
" 9 ok
expect_login "replayed response" alice "$r9
" 8 "pamtester: Authentication failure"
expect_login "end of input" alice "" 8 "
pamtester: Conversation error"
expect_login "success after failures" alice "$r8
" 8 ok

# An unknown user: the same lines, a fake challenge.
pamtester_run "$tmp/pw" mallory 'hex:0123456789abcdef
'
check_eq "unknown user: exit status" "$rc" 1
checks=$((checks + 1))
printf '%s\n' "$err" | sed -n 3p |
	grep -q '^otp-sha1 [1-9][0-9]* [a-z0-9]\{1,16\} ext$' ||
	fail "unknown user: no challenge: $err"
check_eq "unknown user: last line" "$(printf '%s\n' "$err" | sed -n '4,$p')" \
	"Response: pamtester: Authentication failure"

finish

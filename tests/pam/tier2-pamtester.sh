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

# pt USER INPUT: run pamtester for USER with INPUT on stdin; $rc, $out
# (stdout) and $err (stderr) hold what it did.
pt() {
	rc=0
	printf '%s' "$2" | pw_run "$tmp/pw" "$PAMTESTER" -v test "$1" \
		authenticate >"$tmp/out" 2>"$tmp/err" || rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# expect_login WHAT USER INPUT SEQ RESULT: one run of pamtester, which
# must show the challenge for SEQ and succeed (RESULT ok) or fail with
# RESULT after the prompt (the answer read is not echoed: the failure
# follows the prompt on its line; at end of input misc_conv adds a newline).
expect_login() {
	pt "$2" "$3"
	head="pamtester: invoking pam_start(test, $2, ...)
pamtester: performing operation - authenticate
otp-sha1 $4 ab12 ext
Response: "
	if [ "$5" = ok ]; then
		check_eq "$1: exit status" "$rc" 0
		check_eq "$1: stdout" "$out" \
			"pamtester: successfully authenticated"
		check_eq "$1: stderr" "$err" "$head"
	else
		check_eq "$1: exit status" "$rc" 1
		check_eq "$1: stdout" "$out" ""
		check_eq "$1: stderr" "$err" "$head$5"
	fi
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
pt mallory 'hex:0123456789abcdef
'
check_eq "unknown user: exit status" "$rc" 1
checks=$((checks + 1))
printf '%s\n' "$err" | sed -n 3p |
	grep -q '^otp-sha1 [1-9][0-9]* [a-z0-9]\{1,16\} ext$' ||
	fail "unknown user: no challenge: $err"
check_eq "unknown user: last line" "$(printf '%s\n' "$err" | sed -n '4,$p')" \
	"Response: pamtester: Authentication failure"

finish

#!/bin/sh
# Tier 2: TOTP through pamtester under pam_wrapper (Linux-PAM's misc_conv:
# prompts on stderr, one answer per line of stdin), with pamtester's clock
# set by libfaketime, preloaded beside pam_wrapper: success, reuse refused,
# the next step's code accepted within the window, a clock moved outside
# the window refused, a recovery code, an unknown user; and what the log
# says (never a code).
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/pam/oath-setup.sh"

need PAM_WRAPPER_LIB PAMTESTER
[ -z "$VG" ] || PW_PREFIX="$VG --trace-children=yes"

db=$tmp/s.db
oath_enrol "$db" alice totp
pam_service "$tmp/pw" test "auth required $PAM_MODULE db=$db mech=TOTP"

# pt_at T USER INPUT: run pamtester for USER with INPUT on stdin, its
# clock at Unix time T; $rc, $out (stdout) and $err (stderr) hold what it
# did.  libfaketime is preloaded with pam_wrapper, on pamtester alone.
pt_at() {
	rc=0
	pt_at_lib=$PAM_WRAPPER_LIB
	PAM_WRAPPER_LIB="$FAKETIME_LIB $pt_at_lib"
	export FAKETIME="@$1"
	printf '%s' "$3" | pw_run "$tmp/pw" "$PAMTESTER" -v test "$2" \
		authenticate >"$tmp/out" 2>"$tmp/err" || rc=$?
	unset FAKETIME
	PAM_WRAPPER_LIB=$pt_at_lib
	out=$(cat "$tmp/out")
	err=$(grep -v '^PWRAP' "$tmp/err")
}

# expect_login WHAT T USER INPUT RESULT: one run of pamtester, which must
# show the TOTP prompt and succeed (RESULT ok) or fail with RESULT after
# the prompt.
expect_login() {
	pt_at "$2" "$3" "$4"
	head="pamtester: invoking pam_start(test, $3, ...)
pamtester: performing operation - authenticate
TOTP code for $3
Verification code: "
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

c0=$(totp_code $S0)
c1=$(totp_code $((S0 + 1)))
c3=$(totp_code $((S0 + 3)))
expect_login "success" $T0 alice "$c0
" ok
expect_login "the same code again" $T0 alice "$c0
" "pamtester: Authentication failure"
expect_login "next step's code" $((T0 + 1)) alice "$c1
" ok
expect_login "clock moved outside the window" $((T0 + 5 * 30)) alice "$c3
" "pamtester: Authentication failure"
expect_login "the same code within the window" $((T0 + 3 * 30)) alice "$c3
" ok
# At end of input misc_conv adds no newline after a prompt without echo.
expect_login "end of input" $((T0 + 3 * 30)) alice "" \
	"pamtester: Conversation error"

"$OATH_HELPER" recovery "$db" alice 1 >"$tmp/codes" ||
	hard_error "oath-helper recovery failed"
expect_login "recovery code" $((T0 + 3 * 30)) alice "$(cat "$tmp/codes")
" ok
expect_login "unknown user" $T0 mallory "$c0
" "pamtester: Authentication failure"

# The log says why (at notice level with pam_wrapper's debug level 3),
# and never holds a code.
PAM_WRAPPER_DEBUGLEVEL=3
export PAM_WRAPPER_DEBUGLEVEL
pt_at $((T0 + 3 * 30)) alice "$c3
"
unset PAM_WRAPPER_DEBUGLEVEL
checks=$((checks + 1))
grep -q "SYSLOG.*user=alice mech=TOTP.*already used" "$tmp/err" ||
	fail "the log does not say the code was used: $(cat "$tmp/err")"
check_absent "code in the log" "$tmp/err" "$c3"

finish

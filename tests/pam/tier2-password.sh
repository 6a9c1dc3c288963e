#!/bin/sh
# Tier 2: password logins with pamtester under pam_wrapper, an application
# using Linux-PAM's own misc_conv (prompts on stderr, one answer per line
# of stdin, echo off for "Password: "): each password mechanism with the
# right and a wrong password, an unknown user, end of input, a password
# set by `saslstep passwd`, and two stacked modules sharing one prompt.
. "$top_srcdir/tests/pam/setup.sh"

need PAM_WRAPPER_LIB PAMTESTER
[ -z "$VG" ] || PW_PREFIX="$VG --trace-children=yes"

PW='correct horse staple'
db=$tmp/s.db
printf '%s\n' "$PW" | "$SASLSTEP" --db "$db" passwd alice --password-stdin \
	--cram-md5 >/dev/null || hard_error "saslstep passwd failed"

# expect_login WHAT SERVICEDIR USER INPUT RESULT: one run of pamtester,
# which must show one "Password: " prompt and succeed (RESULT ok) or fail
# with RESULT.
expect_login() {
	pamtester_run "$2" "$3" "$4"
	pamtester_check "$1" "$3" "Password: " "$5"
}
fail_msg="pamtester: Authentication failure"

# Under valgrind one mechanism per code path: SCRAM-SHA-1 and -512 run
# SCRAM-SHA-256's code with another digest (each run costs seconds there).
mechs="PLAIN SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512 CRAM-MD5"
[ -z "$VG" ] || mechs="PLAIN SCRAM-SHA-256 CRAM-MD5"
for mech in $mechs; do
	pam_service "$tmp/pw-$mech" test \
		"auth required $PAM_MODULE db=$db mech=$mech"
	expect_login "$mech, right password" "$tmp/pw-$mech" alice "$PW
" ok
	expect_login "$mech, wrong password" "$tmp/pw-$mech" alice "wrong
" "$fail_msg"
	expect_login "$mech, unknown user" "$tmp/pw-$mech" mallory "$PW
" "$fail_msg"
done
# At end of input misc_conv adds no newline after a prompt without echo.
expect_login "end of input" "$tmp/pw-SCRAM-SHA-256" alice "" \
	"pamtester: Conversation error"

# Two password modules, one prompt: the first leaves PAM_AUTHTOK, the
# second (use_first_pass) takes it.
pam_service "$tmp/pw-two" test \
	"auth required $PAM_MODULE db=$db mech=SCRAM-SHA-256" \
	"auth required $PAM_MODULE db=$db mech=PLAIN use_first_pass"
expect_login "two modules" "$tmp/pw-two" alice "$PW
" ok
expect_login "two modules, wrong password" "$tmp/pw-two" alice "wrong
" "$fail_msg"

finish

#!/bin/sh
# Tier 1: password logins through the module, exactly as a person sees
# them: for PLAIN, SCRAM-SHA-1/256/512 and CRAM-MD5 one "Password: " prompt
# with echo off, then success or failure; an unknown user sees the same;
# use_first_pass, try_first_pass and use_authtok take PAM_AUTHTOK from an
# earlier module (pam_wrapper's pam_set_items, or the module itself) as
# pam_unix does; a typed password is left in PAM_AUTHTOK for the modules
# after us, so "password, then a one-time password" stacks.  No password
# reaches the log.
. "$top_srcdir/tests/pam/setup.sh"

PW='correct horse staple'
PW2='another password'
pw_prompt='PROMPT_ECHO_OFF "Password: "'
db=$tmp/s.db

# set_password USER PASSWORD [--cram-md5]: saslstep passwd, from stdin.
set_password() {
	sp_user=$1
	sp_pass=$2
	shift 2
	printf '%s\n' "$sp_pass" | "$SASLSTEP" --db "$db" passwd "$sp_user" \
		--password-stdin "$@" >/dev/null ||
		hard_error "saslstep passwd $sp_user failed"
}

set_password alice "$PW" --cram-md5
set_password bob "$PW"

# Under valgrind one mechanism per code path: SCRAM-SHA-1 and -512 run
# SCRAM-SHA-256's code with another digest (each run costs seconds there).
mechs="PLAIN SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512 CRAM-MD5"
[ -z "$VG" ] || mechs="PLAIN SCRAM-SHA-256 CRAM-MD5"

# 1. Every password mechanism: one prompt, the right password logs in, a
#    wrong one fails, an unknown user sees the very same.
for mech in $mechs; do
	confdir "$tmp/pam-$mech" "db=$db" "mech=$mech"
	drive "$tmp/pam-$mech" alice --answer "$PW"
	check_eq "$mech: right password" "$out" "$pw_prompt
RESULT PAM_SUCCESS"
	drive "$tmp/pam-$mech" alice --answer "$PW2"
	check_eq "$mech: wrong password" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
	drive "$tmp/pam-$mech" alice --answer ''
	check_eq "$mech: empty password" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
	drive "$tmp/pam-$mech" mallory --answer "$PW"
	check_eq "$mech: unknown user" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
	drive "$tmp/pam-$mech" alice --conv-fail
	check_eq "$mech: conversation error" "$out" "$pw_prompt
RESULT PAM_CONV_ERR"
done

# 2. CRAM-MD5 only for users whose admin asked for it; mech= takes the
#    first mechanism the user has.
drive "$tmp/pam-CRAM-MD5" bob --answer "$PW"
check_eq "CRAM-MD5 without --cram-md5" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
confdir "$tmp/pam-list" "db=$db" "mech=CRAM-MD5,SCRAM-SHA-256"
drive "$tmp/pam-list" bob --answer "$PW"
check_eq "mech=CRAM-MD5,SCRAM-SHA-256 for bob" "$out" "$pw_prompt
RESULT PAM_SUCCESS"
drive "$tmp/pam-list" alice --answer "$PW"
check_eq "mech=CRAM-MD5,SCRAM-SHA-256 for alice" "$out" "$pw_prompt
RESULT PAM_SUCCESS"

# 3. A new password replaces the old one for every mechanism at once, and
#    (without --cram-md5) removes the old CRAM-MD5 contexts.
set_password alice "$PW2"
drive "$tmp/pam-SCRAM-SHA-256" alice --answer "$PW"
check_eq "old password after passwd" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
drive "$tmp/pam-PLAIN" alice --answer "$PW2"
check_eq "new password after passwd" "$out" "$pw_prompt
RESULT PAM_SUCCESS"
drive "$tmp/pam-CRAM-MD5" alice --answer "$PW"
check_eq "CRAM-MD5 removed by passwd" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
set_password alice "$PW" --cram-md5

# 4. PAM_AUTHTOK from an earlier module: pam_wrapper's pam_set_items sets
#    it from the environment (an application may not set it: Linux-PAM
#    refuses PAM_AUTHTOK from outside a module).
SET_ITEMS=$(dirname "${PAM_WRAPPER_LIB:-/nonexistent/x}")/pam_wrapper/pam_set_items.so
if [ -f "$SET_ITEMS" ]; then
	for arg in use_first_pass use_authtok try_first_pass; do
		pam_service "$tmp/$arg" test \
			"auth required $SET_ITEMS" \
			"auth required $PAM_MODULE db=$db mech=SCRAM-SHA-256 $arg"
		PAM_AUTHTOK=$PW
		export PAM_AUTHTOK
		drive "$tmp/$arg" alice
		check_eq "$arg, right PAM_AUTHTOK: no prompt" "$out" \
			"RESULT PAM_SUCCESS"
		drive "$tmp/$arg" mallory
		check_eq "$arg, unknown user: no prompt" "$out" \
			"RESULT PAM_AUTH_ERR"
		# As pam_unix: a wrong token fails; it is never asked again.
		PAM_AUTHTOK=$PW2
		drive "$tmp/$arg" alice --answer "$PW"
		check_eq "$arg, wrong PAM_AUTHTOK: no prompt" "$out" \
			"RESULT PAM_AUTH_ERR"
		unset PAM_AUTHTOK
	done
else
	echo "no pam_set_items.so: PAM_AUTHTOK from pam_set_items not tested"
fi

# 5. No earlier password: use_first_pass and use_authtok fail without a
#    prompt; try_first_pass asks.
for arg in use_first_pass use_authtok; do
	confdir "$tmp/alone-$arg" "db=$db" mech=PLAIN "$arg"
	drive "$tmp/alone-$arg" alice --answer "$PW"
	check_eq "$arg without PAM_AUTHTOK" "$out" "RESULT PAM_AUTH_ERR"
done
confdir "$tmp/alone-try" "db=$db" mech=PLAIN try_first_pass
drive "$tmp/alone-try" alice --answer "$PW"
check_eq "try_first_pass without PAM_AUTHTOK" "$out" "$pw_prompt
RESULT PAM_SUCCESS"

# 6. The module sets PAM_AUTHTOK after asking: a second password module
#    with use_first_pass asks nothing, and gets the same answer.
pam_service "$tmp/two" test \
	"auth required $PAM_MODULE db=$db mech=SCRAM-SHA-256" \
	"auth required $PAM_MODULE db=$db mech=CRAM-MD5 use_first_pass"
drive "$tmp/two" alice --answer "$PW"
check_eq "two modules, one prompt" "$out" "$pw_prompt
RESULT PAM_SUCCESS"
drive "$tmp/two" alice --answer "$PW2"
check_eq "two modules, wrong password" "$out" "$pw_prompt
RESULT PAM_AUTH_ERR"
# Even when the first fails (optional), the token reaches the second.
pam_service "$tmp/two-opt" test \
	"auth optional $PAM_MODULE db=$db mech=CRAM-MD5" \
	"auth required $PAM_MODULE db=$db mech=PLAIN try_first_pass"
drive "$tmp/two-opt" bob --answer "$PW"
check_eq "failed module's password for the next one" "$out" "$pw_prompt
RESULT PAM_SUCCESS"

# 7. Password, then a one-time password (OTP): the password module sets
#    PAM_AUTHTOK; the OTP module asks its own challenge regardless of
#    try_first_pass (only password requests use PAM_AUTHTOK).
otp_init "$db" alice 10 ab12
pam_service "$tmp/pw-otp" test \
	"auth required $PAM_MODULE db=$db mech=SCRAM-SHA-256" \
	"auth required $PAM_MODULE db=$db mech=OTP try_first_pass"
drive "$tmp/pw-otp" alice --answer "$PW" --passphrase "$PASSPHRASE"
check_eq "password then OTP" "$out" "$pw_prompt
$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"
drive "$tmp/pw-otp" alice --answer "$PW2" --passphrase "$PASSPHRASE"
check_eq "wrong password then OTP" "$out" "$pw_prompt
$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"
drive "$tmp/pw-otp" mallory --answer "$PW" --answer 'hex:0123456789abcdef'
check_eq "unknown user: password then OTP" \
	"$(printf '%s\n' "$out" | sed -n '1p;3,$p')" "$pw_prompt
RESULT PAM_AUTH_ERR"

# 8. saslstep passwd: what it refuses changes nothing (the password in
#    force still logs in); --iterations is stored; each verifier has a
#    salt of its own.
rc=0
printf 'bell\a\n' | "$SASLSTEP" --db "$db" passwd alice --password-stdin \
	>"$tmp/out" 2>"$tmp/err" || rc=$?
check_eq "passwd: SASLprep refusal (exit status)" "$rc" 1
# The reason is SASLprep's (mechs/saslprep.c), with its RFC section.
want='saslstep: password refused: *prohibited character*(RFC 4013 s. 2.3)*'
want="$want; nothing changed"
checks=$((checks + 1))
case $(cat "$tmp/err") in
$want) ;;
*) fail "passwd: SASLprep refusal (message): $(cat "$tmp/err")" ;;
esac
rc=0
printf '\n' | "$SASLSTEP" --db "$db" passwd alice --password-stdin \
	>/dev/null 2>&1 || rc=$?
check_eq "passwd: empty password (exit status)" "$rc" 1
rc=0
printf '%s\n' "$PW2" | "$SASLSTEP" --db "$db" passwd alice \
	--password-stdin --iterations 4095 >/dev/null 2>&1 || rc=$?
check_eq "passwd: --iterations 4095 (exit status)" "$rc" 2
drive "$tmp/pam-SCRAM-SHA-256" alice --answer "$PW"
check_eq "passwd refusals changed nothing" "$out" "$pw_prompt
RESULT PAM_SUCCESS"
drive "$tmp/pam-CRAM-MD5" alice --answer "$PW"
check_eq "passwd refusals kept CRAM-MD5" "$out" "$pw_prompt
RESULT PAM_SUCCESS"
set_password carol "$PW" --iterations 8192
"$SASLSTEP" --db "$db" user show carol >"$tmp/show" ||
	hard_error "saslstep user show carol failed"
check_eq "passwd --iterations 8192: every verifier" \
	"$(grep -c '^credential: scram-sha-[0-9]* "8192 ' "$tmp/show")" 3
check_eq "passwd: three different salts" \
	"$(sed -n 's/^credential: scram-sha-[0-9]* "8192 \([^"]*\)".*/\1/p' \
		"$tmp/show" | sort -u | wc -l | tr -d ' ')" 3
drive "$tmp/pam-SCRAM-SHA-256" carol --answer "$PW"
check_eq "login with 8192 iterations" "$out" "$pw_prompt
RESULT PAM_SUCCESS"

# 9. The log (pam_syslog, shown by pam_wrapper on stderr at its debug
#    level 2; level 3 adds pam_wrapper's own trace, which prints every
#    item set, PAM_AUTHTOK included) says why, never with a password in
#    it, not even with debug.
if [ -n "${PAM_WRAPPER_LIB-}" ] && [ -e "$PAM_WRAPPER_LIB" ]; then
	[ -z "$VG" ] || PW_PREFIX="$VG --trace-children=yes"
	confdir "$tmp/pam-log" "db=$db" mech=PLAIN,SCRAM-SHA-256 debug
	: >"$tmp/log"
	for answer in "$PW" "$PW2"; do
		for user in alice mallory; do
			rc=0
			PAM_WRAPPER_DEBUGLEVEL=2 pw_run "$tmp/pam-log" \
				"$DRIVER" --service test --user "$user" \
				--answer "$answer" >"$tmp/out" 2>>"$tmp/log" ||
				rc=$?
			check_eq "logged run for $user (exit status)" "$rc" 0
		done
	done
	for want in "authentication success; user=alice mech=PLAIN" \
		"user=mallory"; do
		checks=$((checks + 1))
		grep -F -q -e "$want" "$tmp/log" || fail "not in the log: $want"
	done
	check_absent "password in the log" "$tmp/log" "$PW"
	check_absent "wrong password in the log" "$tmp/log" "$PW2"
	PW_PREFIX=
fi

finish

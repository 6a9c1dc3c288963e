#!/bin/sh
# Tier 1: what the module logs.  Under pam_wrapper pam_syslog() lines show
# on stderr, so a test can read them: the server's reason for a failure
# goes to the log and never to the person; no pass phrase, response or
# other reply ever reaches the log, not even with debug.
. "$top_srcdir/tests/pam/setup.sh"

need PAM_WRAPPER_LIB
export PAM_WRAPPER_DEBUGLEVEL=3
[ -z "$VG" ] || PW_PREFIX="$VG --trace-children=yes"

db=$tmp/s.db
otp_init "$db" alice 10 ab12
confdir "$tmp/pam" "db=$db" debug
: >"$tmp/log"
: >"$tmp/transcript"

# logged DRIVER-ARGS...: run the driver under pam_wrapper for service
# "test", adding its transcript to $tmp/transcript and its stderr (the
# log) to $tmp/log.
logged() {
	logged_rc=0
	pw_run "$tmp/pam" "$DRIVER" --service test "$@" >"$tmp/out" \
		2>"$tmp/err" || logged_rc=$?
	checks=$((checks + 1))
	[ "$logged_rc" -eq 0 ] || fail "driver $* exited with $logged_rc"
	cat "$tmp/out" >>"$tmp/transcript"
	cat "$tmp/err" >>"$tmp/log"
	out=$(cat "$tmp/out")
}

r9=$(otp_key 9 ab12)
r9hex=$(printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" otp key --alg sha1 --hex \
	9 ab12)
r8=$(otp_key 8 ab12)
logged --user alice --answer 'hex:0123456789abcdef'
check_eq "wrong" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_AUTH_ERR"
logged --user alice --answer 'my secret password'
logged --user alice --answer "$r9"
check_eq "success" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"
logged --user alice --answer "$r9"
check_eq "replay" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"
logged --user alice --passphrase "$PASSPHRASE" --conv-fail
logged --user alice --passphrase "$PASSPHRASE" --hex
logged --user mallory --answer "$r8"
check_eq "unknown user" "$(printf '%s\n' "$out" | sed -n '2,$p')" \
	"RESULT PAM_AUTH_ERR"

# The log says why, and what succeeded.
for want in "wrong OTP response for alice" \
	"authentication success; user=alice mech=OTP" \
	"conversation failed; user=alice" \
	"user=mallory"; do
	checks=$((checks + 1))
	grep -F -q -e "$want" "$tmp/log" || fail "not in the log: $want"
done
# The person is never told why.
for why in "wrong OTP response" "malformed" "unknown" "mallory" \
	"authentication failure"; do
	check_absent "reason shown to the person: $why" "$tmp/transcript" \
		"$why"
done
# No secret and no reply in the log.
for secret in "$PASSPHRASE" "$r9" "$r9hex" "$r8" "0123456789abcdef" \
	"my secret password"; do
	check_absent "secret or reply in the log: $secret" "$tmp/log" \
		"$secret"
done

finish

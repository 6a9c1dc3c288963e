#!/bin/sh
# Tier 1: users the module cannot authenticate.  An unknown user, and a
# user with no credential, get the same prompt as an enrolled one, with a
# stable fake challenge, and fail at the end (never PAM_USER_UNKNOWN);
# with nullok they are ignored (PAM_IGNORE) without a prompt.
. "$top_srcdir/tests/pam/setup.sh"

STORE_USER=$top_builddir/tests/pam/store-user
db=$tmp/s.db
otp_init "$db" alice 10 ab12
"$STORE_USER" "$db" bob || hard_error "store-user bob failed"
confdir "$tmp/pam" "db=$db"
# A stack that shows PAM_IGNORE (a lone module that ignores makes libpam
# say PAM_PERM_DENIED): only an ignore reaches pam_echo.
ctl='[success=done ignore=ignore default=die]'
pam_service "$tmp/nullok" test "auth $ctl $PAM_MODULE db=$db nullok" \
	"auth optional pam_echo.so ignored by pam_saslstep" \
	"auth required pam_deny.so"

# The shape of an OTP prompt, with any sequence number and seed.
shape='^PROMPT_ECHO_ON "otp-sha1 [1-9][0-9]* [a-z0-9]\{1,16\} ext'
shape="$shape"'\\nResponse: "$'
r9=$(otp_key 9 ab12)

for user in mallory bob; do
	drive "$tmp/pam" $user --answer 'hex:0123456789abcdef'
	out1=$out
	drive "$tmp/pam" $user --answer "$r9"
	out2=$out
	prompt=$(printf '%s\n' "$out1" | sed -n 1p)
	eval "prompt_$user=\$prompt"
	checks=$((checks + 1))
	printf '%s\n' "$prompt" | grep -q "$shape" ||
		fail "$user: prompt shape: $prompt"
	check_eq "$user: result" "$(printf '%s\n' "$out1" | sed -n '2,$p')" \
		"RESULT PAM_AUTH_ERR"
	check_eq "$user: the same challenge and result twice" "$out2" "$out1"
	checks=$((checks + 1))
	[ "$prompt" != "$(challenge_prompt 9 ab12)" ] ||
		fail "$user got alice's challenge"

	drive "$tmp/nullok" $user --answer 'hex:0123456789abcdef'
	check_eq "$user with nullok" "$out" \
		'TEXT_INFO "ignored by pam_saslstep"
RESULT PAM_AUTH_ERR'
done
# Derived from the name: two names, two challenges.
checks=$((checks + 1))
[ "$prompt_mallory" != "$prompt_bob" ] ||
	fail "mallory and bob got the same fake challenge"

# A locked user gets a challenge too, and fails even with the right
# response; unlocked, the real challenge comes back.
otp_init "$db" carol 10 cd34
"$SASLSTEP" --db "$db" user lock carol >/dev/null ||
	hard_error "saslstep user lock failed"
drive "$tmp/pam" carol --passphrase "$PASSPHRASE"
checks=$((checks + 1))
printf '%s\n' "$out" | sed -n 1p | grep -q "$shape" ||
	fail "locked user: prompt shape: $out"
check_eq "locked user: result" "$(printf '%s\n' "$out" | sed -n '2,$p')" \
	"RESULT PAM_AUTH_ERR"
drive "$tmp/nullok" carol --passphrase "$PASSPHRASE"
check_eq "locked user with nullok (enrolled: not ignored)" \
	"$(printf '%s\n' "$out" | sed -n '2,$p')" "RESULT PAM_AUTH_ERR"
"$SASLSTEP" --db "$db" user unlock carol >/dev/null ||
	hard_error "saslstep user unlock failed"
drive "$tmp/pam" carol --passphrase "$PASSPHRASE"
check_eq "unlocked user" "$out" "$(challenge_prompt 9 cd34)
RESULT PAM_SUCCESS"

# None of this consumed alice's sequence, and nullok changes nothing for
# an enrolled user.
drive "$tmp/nullok" alice --answer 'hex:0123456789abcdef'
check_eq "alice with nullok, wrong" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_AUTH_ERR"
drive "$tmp/nullok" alice --passphrase "$PASSPHRASE"
check_eq "alice with nullok" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"

finish

#!/bin/sh
# Tier 1: TOTP logins through the module, exactly as a person sees them,
# with the module's clock set: success, reuse of a code refused (even
# within the window), a code of the next step accepted, a clock moved
# outside the window refused, window=, echo, prompt=, SHA-256 with eight
# digits, unknown users, malformed codes, and recovery codes at the TOTP
# prompt and as mech=RECOVERY.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/pam/oath-setup.sh"

db=$tmp/s.db
oath_enrol "$db" alice totp
confdir "$tmp/pam" "db=$db mech=TOTP"

c0=$(totp_code $S0)
drive_at $T0 "$tmp/pam" alice --answer "$c0"
check_eq "success" "$out" "$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"
check_eq "success: last step" "$(stored_counter "$db" alice totp)" $S0

drive_at $T0 "$tmp/pam" alice --answer "$c0"
check_eq "the same code again" "$out" "$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"

wrong=000000
[ "$c0" != "$wrong" ] || wrong=000001
drive_at $T0 "$tmp/pam" alice --answer "$wrong"
check_eq "wrong code" "$out" "$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"

# The next step's code is within the default window of 1 (a phone whose
# clock is a little fast); then the current step's code counts as used.
drive_at $T0 "$tmp/pam" alice --answer "$(totp_code $((S0 + 1)))"
check_eq "next step's code" "$out" "$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"
check_eq "next step: last step" "$(stored_counter "$db" alice totp)" \
	$((S0 + 1))
drive_at $((T0 + 1)) "$tmp/pam" alice --answer "$(totp_code $S0)"
check_eq "a step before the last one accepted" "$out" \
	"$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"

# The clock moved: a code of step S0 + 3, checked 5 steps later, is
# outside the window and refused; checked 3 steps later, it logs in.
c3=$(totp_code $((S0 + 3)))
drive_at $((T0 + 5 * 30)) "$tmp/pam" alice --answer "$c3"
check_eq "clock moved outside the window" "$out" "$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"
drive_at $((T0 + 3 * 30)) "$tmp/pam" alice --answer "$c3"
check_eq "the same code within the window" "$out" "$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"

# window=2: two steps late is accepted; three is not.
confdir "$tmp/pam-w2" "db=$db mech=TOTP window=2"
drive_at $((T0 + 7 * 30)) "$tmp/pam-w2" alice \
	--answer "$(totp_code $((S0 + 4)))"
check_eq "window=2, three steps late" "$out" "$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"
drive_at $((T0 + 7 * 30)) "$tmp/pam-w2" alice \
	--answer "$(totp_code $((S0 + 5)))"
check_eq "window=2, two steps late" "$out" "$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"
drive_at $((T0 + 7 * 30)) "$tmp/pam" alice \
	--answer "$(totp_code $((S0 + 9)))"
check_eq "window=1 (default), two steps early" "$out" \
	"$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"

# echo: the code is asked with echo on.  prompt= replaces the prompt,
# never the line that says what to enter.
confdir "$tmp/pam-echo" "db=$db mech=totp echo"
drive_at $((T0 + 8 * 30)) "$tmp/pam-echo" alice \
	--answer "$(totp_code $((S0 + 8)))"
check_eq "echo" "$out" "$(code_prompt TOTP alice ON)
RESULT PAM_SUCCESS"
pam_service "$tmp/pam-prompt" test \
	"auth required $PAM_MODULE db=$db mech=TOTP [prompt=Authenticator code: ]"
drive_at $((T0 + 9 * 30)) "$tmp/pam-prompt" alice \
	--answer "$(totp_code $((S0 + 9)))"
check_eq "prompt=" "$out" \
	'PROMPT_ECHO_OFF "TOTP code for alice\nAuthenticator code: "
RESULT PAM_SUCCESS'

# Malformed codes fail the same way and use nothing up.
t10=$((T0 + 10 * 30))
for bad in 12345 123456789 12a456 '' abcdefgh1j 12-456; do
	drive_at $t10 "$tmp/pam" alice --answer "$bad"
	check_eq "malformed code '$bad'" "$out" "$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"
done
check_eq "malformed codes used nothing" \
	"$(stored_counter "$db" alice totp)" $((S0 + 9))
# Blanks, as apps show the code, are fine.
c10=$(totp_code $((S0 + 10)))
drive_at $t10 "$tmp/pam" alice --answer "$(echo "$c10" | sed 's/.../& /')"
check_eq "a code typed as '123 456'" "$out" "$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"

# SHA-256 with eight digits (RFC 6238 appendix B's SHA-256 key).
"$OATH_HELPER" enrol "$db" bob totp \
	3132333435363738393031323334353637383930313233343536373839303132 \
	--alg sha256 --digits 8 || hard_error "enrol bob failed"
drive_at 1234567890 "$tmp/pam" bob --answer 91819424
check_eq "SHA-256, 8 digits (RFC 6238 vector)" "$out" \
	"$(code_prompt TOTP bob)
RESULT PAM_SUCCESS"

# Unknown user, and a user with no TOTP: the same prompt, then failure.
drive_at $T0 "$tmp/pam" mallory --answer "$c0"
check_eq "unknown user" "$out" "$(code_prompt TOTP mallory)
RESULT PAM_AUTH_ERR"
"$top_builddir/tests/pam/store-user" "$db" carol ||
	hard_error "store-user carol failed"
drive_at $T0 "$tmp/pam" carol --answer "$c0"
check_eq "user without TOTP" "$out" "$(code_prompt TOTP carol)
RESULT PAM_AUTH_ERR"
# nullok: ignored without a prompt (pam_echo shows that the stack went
# on; a lone module that ignores makes libpam say PAM_PERM_DENIED).
pam_service "$tmp/pam-nullok" test \
	"auth [success=done ignore=ignore default=die] $PAM_MODULE db=$db mech=TOTP nullok" \
	"auth optional pam_echo.so ignored" "auth required pam_deny.so"
drive_at $T0 "$tmp/pam-nullok" carol --answer "$c0"
check_eq "user without TOTP, nullok" "$out" 'TEXT_INFO "ignored"
RESULT PAM_AUTH_ERR'

# Recovery codes: at the TOTP prompt, once each.
"$OATH_HELPER" recovery "$db" alice 2 >"$tmp/codes" ||
	hard_error "oath-helper recovery failed"
r1=$(sed -n 1p "$tmp/codes")
r2=$(sed -n 2p "$tmp/codes")
drive_at $t10 "$tmp/pam" alice --answer "$r1"
check_eq "recovery code at the TOTP prompt" "$out" \
	"$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"
drive_at $t10 "$tmp/pam" alice --answer "$r1"
check_eq "recovery code used twice" "$out" "$(code_prompt TOTP alice)
RESULT PAM_AUTH_ERR"
check_eq "recovery codes leave the TOTP step alone" \
	"$(stored_counter "$db" alice totp)" $((S0 + 10))
# mech=TOTP,RECOVERY: alice has TOTP, so TOTP; a user with recovery codes
# only gets the recovery prompt.
confdir "$tmp/pam-list" "db=$db mech=TOTP,RECOVERY"
drive_at $t10 "$tmp/pam-list" alice --answer "$r2"
check_eq "mech=TOTP,RECOVERY for a TOTP user" "$out" \
	"$(code_prompt TOTP alice)
RESULT PAM_SUCCESS"
"$OATH_HELPER" recovery "$db" dave 1 >"$tmp/codes" ||
	hard_error "oath-helper recovery failed"
drive_at $t10 "$tmp/pam-list" dave --answer "$(cat "$tmp/codes")"
check_eq "mech=TOTP,RECOVERY for a user with recovery codes only" "$out" \
	'PROMPT_ECHO_OFF "Recovery code for dave\nRecovery code: "
RESULT PAM_SUCCESS'

finish

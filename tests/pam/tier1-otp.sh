#!/bin/sh
# Tier 1: OTP logins through the module, exactly as a person sees them:
# success, wrong and malformed responses (nothing consumed), a response
# used twice (the second use fails), hex: responses, prompt= and mech=.
. "$top_srcdir/tests/pam/setup.sh"

db=$tmp/s.db
otp_init "$db" alice 10 ab12
confdir "$tmp/pam" "db=$db"

drive "$tmp/pam" alice --passphrase "$PASSPHRASE"
check_eq "success" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"

drive "$tmp/pam" alice --answer 'hex:0123456789abcdef'
check_eq "wrong response" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"

drive "$tmp/pam" alice --answer 'not a response'
check_eq "malformed response" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"

drive "$tmp/pam" alice --answer ''
check_eq "empty response" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"

# The failures above consumed nothing: 8 is still the sequence asked for.
r8=$(otp_key 8 ab12)
drive "$tmp/pam" alice --answer "$r8"
check_eq "response computed by saslstep otp key" "$out" \
	"$(challenge_prompt 8 ab12)
RESULT PAM_SUCCESS"

drive "$tmp/pam" alice --answer "$r8"
check_eq "replayed response" "$out" "$(challenge_prompt 7 ab12)
RESULT PAM_AUTH_ERR"

drive "$tmp/pam" alice --passphrase "$PASSPHRASE" --hex
check_eq "hex: response" "$out" "$(challenge_prompt 7 ab12)
RESULT PAM_SUCCESS"

# prompt= replaces the prompt, never the challenge; a PAM argument with
# spaces is written in brackets.
pam_service "$tmp/pam2" test \
	"auth required $PAM_MODULE db=$db mech=otp [prompt=One-time password: ]"
drive "$tmp/pam2" alice --passphrase "$PASSPHRASE"
check_eq "prompt= and mech=otp" "$out" \
	'PROMPT_ECHO_ON "otp-sha1 6 ab12 ext\nOne-time password: "
RESULT PAM_SUCCESS'

# The module in a stack: sufficient, then pam_deny.
pam_service "$tmp/pam3" test \
	"auth sufficient $PAM_MODULE db=$db" \
	"auth required pam_deny.so"
drive "$tmp/pam3" alice --passphrase "$PASSPHRASE"
check_eq "sufficient in a stack" "$out" "$(challenge_prompt 5 ab12)
RESULT PAM_SUCCESS"
drive "$tmp/pam3" alice --answer 'hex:0123456789abcdef'
check_eq "sufficient in a stack, wrong" "$out" "$(challenge_prompt 4 ab12)
RESULT PAM_AUTH_ERR"

finish

#!/bin/sh
# Tier 1: the PAM stanzas in examples/ do what their comments say.  Each
# runs as written, with the module's path and db= filled in and the files
# it @includes replaced by stubs beside it (common-auth announces itself
# and fails).
. "$top_srcdir/tests/pam/setup.sh"

db=$tmp/s.db
otp_init "$db" alice 10 ab12

# example DIR FILE [DB]: examples/FILE as service "test" in DIR.  The
# system password (pam_unix, which needs root) is stood in for by the
# module with mech=PLAIN: the same "Password: " prompt, a password kept in
# the store.
example() {
	mkdir -p "$1"
	# @include takes /etc/pam.d/ for a relative name, confdir or not.
	sed -e "s|pam_saslstep\.so|$PAM_MODULE db=${3:-$db}|" \
		-e "s|pam_unix\.so|$PAM_MODULE db=${3:-$db} mech=PLAIN|" \
		-e "s|^@include |@include $1/|" \
		"$top_srcdir/examples/$2" >"$1/test"
	printf '%s\n' 'auth optional pam_echo.so common-auth' \
		'auth required pam_deny.so' >"$1/common-auth"
	for f in common-account common-session common-session-noninteractive \
		common-password; do
		printf '%s\n' 'account required pam_permit.so' \
			'session required pam_permit.so' \
			'password required pam_deny.so' >"$1/$f"
	done
	printf 'auth required pam_deny.so\n' >"$1/other"
}

example "$tmp/sshd" pam.d-sshd
drive "$tmp/sshd" alice --passphrase "$PASSPHRASE"
check_eq "sshd: enrolled user" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"
drive "$tmp/sshd" mallory --passphrase "$PASSPHRASE"
check_eq "sshd: unknown user" "$(printf '%s\n' "$out" | sed -n '2,$p')" \
	"RESULT PAM_AUTH_ERR"

example "$tmp/sudo" pam.d-sudo
drive "$tmp/sudo" alice --passphrase "$PASSPHRASE"
check_eq "sudo: enrolled user" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_SUCCESS"
drive "$tmp/sudo" alice --answer 'hex:0123456789abcdef'
check_eq "sudo: enrolled user, wrong response: no fallback" "$out" \
	"$(challenge_prompt 7 ab12)
RESULT PAM_AUTH_ERR"
drive "$tmp/sudo" mallory --passphrase "$PASSPHRASE"
check_eq "sudo: user not enrolled: common-auth decides" "$out" \
	'TEXT_INFO "common-auth"
RESULT PAM_AUTH_ERR'

# pam.d-sshd-2fa: the password, then a TOTP code; a wrong password still
# asks for the code.  The code is of the real clock's step (the default
# window of one step covers a step boundary on the way).
example "$tmp/2fa" pam.d-sshd-2fa
printf '%s\n' 'pass word 2fa' | "$SASLSTEP" --db "$db" passwd alice \
	--password-stdin >/dev/null || hard_error "saslstep passwd failed"
oath=$top_builddir/tests/pam/oath-helper
key=3132333435363738393031323334353637383930
"$oath" enrol "$db" alice totp $key || hard_error "oath-helper enrol failed"
prompts='PROMPT_ECHO_OFF "Password: "
PROMPT_ECHO_OFF "TOTP code for alice\nVerification code: "'
code=$("$oath" code totp $key) || hard_error "oath-helper code failed"
drive "$tmp/2fa" alice --answer 'pass word 2fa' --answer "$code"
check_eq "sshd-2fa: password and code" "$out" "$prompts
RESULT PAM_SUCCESS"
drive "$tmp/2fa" alice --answer 'pass word 2fa' --answer "$code"
check_eq "sshd-2fa: password and a used code" "$out" "$prompts
RESULT PAM_AUTH_ERR"
drive "$tmp/2fa" alice --answer 'wrong' --answer "$("$oath" code totp $key \
	--time $(($(date +%s) + 30)))"
check_eq "sshd-2fa: wrong password, the code asked all the same" "$out" \
	"$prompts
RESULT PAM_AUTH_ERR"

example "$tmp/sudo-nostore" pam.d-sudo "$tmp/missing.db"
drive "$tmp/sudo-nostore" alice --passphrase "$PASSPHRASE"
check_eq "sudo: store missing: no fallback" "$out" \
	"RESULT PAM_AUTHINFO_UNAVAIL"

finish

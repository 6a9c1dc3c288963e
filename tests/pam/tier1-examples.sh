#!/bin/sh
# Tier 1: the PAM stanzas in examples/ do what their comments say.  Each
# runs as written, with the module's path and db= filled in and the files
# it @includes replaced by stubs beside it (common-auth announces itself
# and fails).
. "$top_srcdir/tests/pam/setup.sh"

db=$tmp/s.db
otp_init "$db" alice 10 ab12

# example DIR FILE [DB]: examples/FILE as service "test" in DIR.
example() {
	mkdir -p "$1"
	# @include takes /etc/pam.d/ for a relative name, confdir or not.
	sed -e "s|pam_saslstep\.so|$PAM_MODULE db=${3:-$db}|" \
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

example "$tmp/sudo-nostore" pam.d-sudo "$tmp/missing.db"
drive "$tmp/sudo-nostore" alice --passphrase "$PASSPHRASE"
check_eq "sudo: store missing: no fallback" "$out" \
	"RESULT PAM_AUTHINFO_UNAVAIL"

finish

#!/bin/sh
# sshd-totp.sh: tier 3 (see TESTING.md) for TOTP.  A real OpenSSH sshd on
# 127.0.0.1 (own config, host key and PAM service under pam_wrapper) runs
# pam_saslstep with mech=TOTP for a user enrolled with a known key.  The
# libssh2 client computes the code when the prompt comes (as a person reads
# it off their phone); the OpenSSH client, driven by expect, types what
# oathtool (or tests/pam/oath-helper) computes at that moment.  Checked:
# the prompt, a login with the code of the moment, reuse of that code
# refused, a phone clock 5 steps fast refused, the next step's code
# accepted within the window, a recovery code at the TOTP prompt (once),
# and no code or key in sshd's log.
#
# Root only (sshd must run as root); exits 77 elsewhere or when sshd, the
# libssh2 client or pam_wrapper is missing.  Everything it makes (temp dir,
# user, sshd) is removed on every exit path.
set -u

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${PAM_MODULE:=$top_builddir/.libs/pam_saslstep.so}"
: "${SASLSTEP:=$top_builddir/saslstep}"
: "${PAM_WRAPPER_LIB:=}"
: "${SSHD:=}"
: "${SSH:=}"
: "${EXPECT:=}"
: "${OATHTOOL:=}"

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/e2e-lib.sh"

HELPER=$top_builddir/tests/pam/oath-helper
# The RFC 4226 / RFC 6238 key, in hex and in base32 (as apps take it).
KEY_HEX=3132333435363738393031323334353637383930
KEY_B32=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ

[ "$(id -u)" = 0 ] || skip "needs root (runs sshd)"
need SSHD PAM_WRAPPER_LIB
[ -x "$top_builddir/tests/e2e/kbdint-client" ] ||
	skip "no libssh2 client (libssh2 not found)"
command -v useradd >/dev/null 2>&1 || skip "no useradd"
[ -f "$PAM_MODULE" ] || hard_error "no module at $PAM_MODULE"
[ -x "$HELPER" ] || hard_error "no $HELPER"

t_start=$(e2e_ms)
e2e_setup
user=$E2E_USER
db=$E2E_DIR/store.db

"$HELPER" enrol "$db" "$user" totp "$KEY_HEX" ||
	hard_error "oath-helper enrol failed"
"$HELPER" recovery "$db" "$user" 1 >"$E2E_DIR/recovery" ||
	hard_error "oath-helper recovery failed"
recovery=$(cat "$E2E_DIR/recovery")

e2e_pam_service sshd "auth required $PAM_MODULE db=$db mech=TOTP"
e2e_sshd_start
echo "sshd on 127.0.0.1:$E2E_PORT, user $user" \
    "(set-up $(($(e2e_ms) - t_start)) ms)"

# 1. The code of the moment logs in: one prompt that says what to enter,
#    echo off; the session is real: a command runs as the user.
echo "1. libssh2 client, the code of the moment"
e2e_client login1 --totp-key "$KEY_B32" --exec 'id -un'
check_eq "1: login (exit status)" "$rc" 0
e2e_check_grep "1: one prompt" "$out" '^round 1: prompts 1$'
e2e_check_grep "1: the prompt" "$out" \
    "^prompt \"TOTP code for $user\\\\nVerification code: \"\$"
e2e_check_grep "1: echo off" "$out" '^echo 0$'
e2e_check_grep "1: the command ran as $user" "$out" "^output \"$user\\\\n\"\$"
code1=$(sed -n 's/^response "\([0-9]*\)"$/\1/p' "$out" | head -n 1)
checks=$((checks + 1))
[ ${#code1} = 6 ] || fail "1: no code sent: $code1"

# 2. The same code again is refused: its step is used.
echo "2. libssh2 client, the code of login 1 again"
e2e_client replay --answer "$code1"
check_eq "2: reused code refused (exit status)" "$rc" 1

# 3. A phone whose clock is 5 steps (2.5 minutes) fast: outside the
#    window of 1 step, refused.
echo "3. libssh2 client, clock 5 steps fast"
e2e_client fast --totp-key "$KEY_B32" --step-offset 5
check_eq "3: clock outside the window refused (exit status)" "$rc" 1

# 4. The OpenSSH client types the next step's code (a phone a little
#    fast), computed when the prompt is on screen: within the window.
#    Then the code of login 1 once more, refused.
if [ -n "$SSH" ] && [ -x "$SSH" ] && [ -n "$EXPECT" ] && [ -x "$EXPECT" ]
then
	if [ -n "$OATHTOOL" ] && [ -x "$OATHTOOL" ]; then
		next="$OATHTOOL --totp --now=@\$((\$(date +%s) + 30)) $KEY_HEX"
	else
		next="$HELPER code totp $KEY_HEX --time \$((\$(date +%s) + 30))"
	fi
	echo "4. OpenSSH client via expect, the next step's code ($next)"
	SSH_CODE_COMMAND=$next
	export SSH_CODE_COMMAND
	e2e_ssh ssh-next
	check_eq "4: ssh login with the next step's code (exit status)" \
	    "$rc" 0
	e2e_check_grep "4: ssh showed what to enter" "$out" \
	    "TOTP code for $user"
	e2e_check_grep "4: and the prompt" "$out" "Verification code:"

	echo "4b. OpenSSH client via expect, the code of login 1"
	SSH_CODE_COMMAND="echo $code1"
	e2e_ssh ssh-replay
	unset SSH_CODE_COMMAND
	check_eq "4b: ssh with a used code refused (exit status)" "$rc" 255
else
	echo "4. skipped: no ssh or expect"
fi

# 5. A recovery code at the TOTP prompt logs in, once.
echo "5. libssh2 client, a recovery code"
e2e_client recovery1 --answer-stdin <<EOF
$recovery
EOF
check_eq "5: recovery code (exit status)" "$rc" 0
e2e_client recovery2 --answer-stdin <<EOF
$recovery
EOF
check_eq "5: recovery code used twice (exit status)" "$rc" 1

# Neither a code, the recovery code nor the key reaches sshd's log or
# stderr (pam_syslog).  A code is six digits, which a PID may hold too: it
# is looked for in the lines about authentication only.
for f in sshd.log sshd.stderr; do
	touch "$E2E_DIR/$f"
	grep -i -e saslstep -e totp -e keyboard -e pam "$E2E_DIR/$f" \
	    >"$E2E_DIR/$f.auth"
	check_absent "code of login 1 in $f" "$E2E_DIR/$f.auth" "$code1"
	check_absent "recovery code in $f" "$E2E_DIR/$f" "$recovery"
	check_absent "key in $f" "$E2E_DIR/$f" "$KEY_B32"
done

echo "total $(($(e2e_ms) - t_start)) ms"
finish

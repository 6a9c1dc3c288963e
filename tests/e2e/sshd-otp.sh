#!/bin/sh
# sshd-otp.sh: tier 3 (see TESTING.md).  A real OpenSSH sshd on 127.0.0.1,
# with its own config, host key and PAM service file (pam_wrapper: nothing
# is written to /etc/pam.d), runs pam_saslstep with mech=OTP for a user
# made for the test.  Logs in with the libssh2 client and with the OpenSSH
# client driven by expect, and checks that a wrong answer and a replayed
# one are refused and that a failure does not move the sequence.
#
# Root only (sshd must run as root); exits 77 elsewhere or when sshd, the
# libssh2 client or pam_wrapper is missing.  Everything it makes (temp dir,
# user, sshd) is removed on every exit path.
set -u

: "${top_srcdir:=.}"

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/e2e-lib.sh"

PASSPHRASE='e2e pass phrase, not secret'
PASSPHRASE2='second e2e pass phrase'
SEED=e2e123

e2e_need

t_start=$(e2e_ms)
e2e_setup
user=$E2E_USER

# The OTP sequence: 20 stored, so the first challenge is 19.
printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" --db "$E2E_DIR/store.db" \
    otp init "$user" --alg md5 --seq 20 --seed "$SEED" --passphrase-stdin \
    >"$E2E_DIR/init.out" 2>&1 ||
	{ cat "$E2E_DIR/init.out"; hard_error "saslstep otp init failed"; }

e2e_pam_service sshd \
    "auth required $PAM_MODULE db=$E2E_DIR/store.db mech=OTP"
e2e_sshd_start
port=$E2E_PORT
echo "sshd on 127.0.0.1:$port, user $user (set-up $(($(e2e_ms) - t_start)) ms)"

# 1. The right pass phrase logs in; the prompt itself holds challenge 19;
#    the session is real: a command runs as the user.
echo "1. libssh2 client, right pass phrase"
e2e_client login1 --passphrase-stdin --exec 'id -un' <<EOF
$PASSPHRASE
EOF
check_eq "1: login with the right pass phrase (exit status)" "$rc" 0
e2e_check_grep "1: challenge in the prompt" "$out" \
    '^prompt "otp-md5 19 e2e123 ext\\n[^"]*"$'
e2e_check_grep "1: the command ran as $user" "$out" "^output \"$user\\\\n\"\$"
response19=$(sed -n 's/^response "\(.*\)"$/\1/p' "$out" | head -n 1)
# `saslstep otp key` computes the same response as the client.
key19=$(printf '%s\n' "$PASSPHRASE" |
    "$SASLSTEP" otp key --alg md5 19 "$SEED" 2>&1)
check_eq "1: client and saslstep otp key agree" "$response19" "$key19"

# 2. A wrong pass phrase (a well-formed, wrong response) and a malformed
#    answer are refused; the challenge shows that login 1 moved the
#    sequence to 18, and that neither failure moves it.
echo "2. libssh2 client, wrong pass phrase"
e2e_client wrong --passphrase-stdin <<EOF
not the right pass phrase
EOF
check_eq "2: wrong pass phrase refused (exit status)" "$rc" 1
e2e_check_grep "2: login 1 moved the sequence" "$out" \
    '^challenge md5 18 e2e123$'
echo "2b. libssh2 client, malformed answer"
e2e_client junk --answer 'no such words here at all' </dev/null
check_eq "2b: malformed answer refused (exit status)" "$rc" 1
e2e_check_grep "2b: a failure did not move the sequence" "$out" \
    '^challenge md5 18 e2e123$'

# 3. Replaying the response of login 1 is refused: the sequence has moved
#    on (RFC 2289 s. 7: each one-time password is accepted once).
echo "3. libssh2 client, replay of login 1's response"
e2e_client replay --answer "$response19" </dev/null
check_eq "3: replayed response refused (exit status)" "$rc" 1

# 4. The OpenSSH client, driven by expect, logs in once with seq 18, and
#    is refused with a wrong answer.
next=18
if [ -n "$SSH" ] && [ -x "$SSH" ] && [ -n "$EXPECT" ] && [ -x "$EXPECT" ]
then
	echo "4. OpenSSH client via expect, right pass phrase"
	t0=$(e2e_ms)
	OTP_PASSPHRASE=$PASSPHRASE "$EXPECT" \
	    "$top_srcdir/tests/e2e/ssh-login.exp" "$SSH" "$SASLSTEP" \
	    "$port" "$user" >"$E2E_DIR/ssh.out" 2>&1 </dev/null
	rc=$?
	echo "  ($(($(e2e_ms) - t0)) ms, exit $rc)"
	sed 's/^/    /' "$E2E_DIR/ssh.out"
	check_eq "4: ssh login (exit status)" "$rc" 0
	e2e_check_grep "4: ssh showed the challenge" "$E2E_DIR/ssh.out" \
	    'otp-md5 18 e2e123 ext'

	echo "4b. OpenSSH client via expect, wrong answer"
	t0=$(e2e_ms)
	"$EXPECT" "$top_srcdir/tests/e2e/ssh-login.exp" "$SSH" "$SASLSTEP" \
	    "$port" "$user" 'hex:0123456789abcdef' \
	    >"$E2E_DIR/ssh-wrong.out" 2>&1 </dev/null
	rc=$?
	echo "  ($(($(e2e_ms) - t0)) ms, exit $rc)"
	sed 's/^/    /' "$E2E_DIR/ssh-wrong.out"
	check_eq "4b: ssh with a wrong answer refused (exit status)" "$rc" 255
	e2e_check_grep "4b: ssh login 4 moved the sequence" \
	    "$E2E_DIR/ssh-wrong.out" 'otp-md5 17 e2e123 ext'
	next=17
else
	echo "4. skipped: no ssh or expect"
fi

# 5. The hex form of the response is accepted too (RFC 2289 s. 6).
echo "5. libssh2 client, hex response"
e2e_client hex --passphrase-stdin --hex <<EOF
$PASSPHRASE
EOF
check_eq "5: login with a hex response (exit status)" "$rc" 0
e2e_check_grep "5: a failure did not move the sequence" "$out" \
    "^challenge md5 $next e2e123\$"

# 6. After the administrator re-initialises the user with SHA-1 (and a
#    new pass phrase and seed), sshd asks the new challenge at once (the
#    module reads the store per login) and the new pass phrase logs in.
echo "6. re-initialised with otp-sha1, libssh2 client"
printf '%s\n' "$PASSPHRASE2" | "$SASLSTEP" --db "$E2E_DIR/store.db" \
    otp init "$user" --alg sha1 --seq 5 --seed Sha1Seed --passphrase-stdin \
    >"$E2E_DIR/init2.out" 2>&1 ||
	{ cat "$E2E_DIR/init2.out"; hard_error "saslstep otp init (2) failed"; }
e2e_client sha1 --passphrase-stdin <<EOF
$PASSPHRASE2
EOF
check_eq "6: login after re-initialisation (exit status)" "$rc" 0
e2e_check_grep "6: the new challenge" "$out" '^challenge sha1 4 sha1seed$'

# 7. A locked user is refused, even with the right pass phrase; unlocked,
#    the same user logs in again with the next challenge.
echo "7. locked user, libssh2 client"
"$SASLSTEP" --db "$E2E_DIR/store.db" user lock "$user" ||
	hard_error "saslstep user lock failed"
e2e_client locked --passphrase-stdin <<EOF
$PASSPHRASE2
EOF
check_eq "7: locked user refused (exit status)" "$rc" 1
"$SASLSTEP" --db "$E2E_DIR/store.db" user unlock "$user" ||
	hard_error "saslstep user unlock failed"
echo "7b. unlocked again, libssh2 client"
e2e_client unlocked --passphrase-stdin <<EOF
$PASSPHRASE2
EOF
check_eq "7b: unlocked user logs in (exit status)" "$rc" 0
e2e_check_grep "7b: the refusal did not move the sequence" "$out" \
    '^challenge sha1 3 sha1seed$'

# Neither the pass phrase nor any response sent reaches sshd's log or
# stderr (pam_syslog).
for f in sshd.log sshd.stderr; do
	touch "$E2E_DIR/$f"
	check_absent "pass phrase in $f" "$E2E_DIR/$f" "$PASSPHRASE"
	check_absent "second pass phrase in $f" "$E2E_DIR/$f" "$PASSPHRASE2"
	[ -z "$response19" ] ||
	    check_absent "response of login 1 in $f" "$E2E_DIR/$f" "$response19"
done

echo "total $(($(e2e_ms) - t_start)) ms"
finish

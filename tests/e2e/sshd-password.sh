#!/bin/sh
# sshd-password.sh: tier 3 (see TESTING.md), issue 3's "done when": an
# administrator runs `saslstep passwd USER` (at a terminal, driven by
# expect: the password twice, echo off) and the user then logs in over a
# real OpenSSH sshd's keyboard-interactive authentication with that
# password, typed at the "Password: " prompt, with the libssh2 client and
# with the OpenSSH client.  A wrong password is refused; the module checks
# the password against the SCRAM verifiers (mech=SCRAM-SHA-256, then PLAIN
# and CRAM-MD5), and no password reaches sshd's log.
#
# Root only (sshd must run as root); exits 77 elsewhere or when sshd, the
# libssh2 client or pam_wrapper is missing.  Everything it makes (temp dir,
# user, sshd) is removed on every exit path.
set -u

: "${top_srcdir:=.}"

. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/e2e-lib.sh"

PASSWORD='e2e password, not secret'
PASSWORD2='the second e2e password'

e2e_need
have_expect=0
if [ -n "$EXPECT" ] && [ -x "$EXPECT" ]; then
	have_expect=1
fi

t_start=$(e2e_ms)
e2e_setup
user=$E2E_USER
db=$E2E_DIR/store.db

# passwd_tty PASSWORD AGAIN OUT: `saslstep passwd $user` at a terminal
# (expect gives it a pty), typing PASSWORD and then AGAIN; its output in
# OUT, its exit status in $rc.
passwd_tty() {
	SSTEP_PW=$1 SSTEP_AGAIN=$2 SSTEP_CMD=$SASLSTEP SSTEP_DB=$db \
	    SSTEP_USER=$user "$EXPECT" -c '
set timeout 20
spawn $env(SSTEP_CMD) --db $env(SSTEP_DB) passwd $env(SSTEP_USER)
expect {
	"Password: " {}
	timeout { exit 2 }
	eof { exit 2 }
}
send -- "$env(SSTEP_PW)\r"
expect {
	"Again: " {}
	timeout { exit 2 }
	eof { exit 2 }
}
send -- "$env(SSTEP_AGAIN)\r"
expect {
	eof {}
	timeout { exit 2 }
}
lassign [wait] pid spawn_id os_error status
exit $status' >"$3" 2>&1 </dev/null
	rc=$?
	sed 's/^/    /' "$3"
}

# 0. saslstep passwd, as an administrator types it: at a terminal, the
#    password twice, echo off; two different entries change nothing.
#    Without expect, the same from stdin.
echo "0. saslstep passwd $user"
if [ "$have_expect" = 1 ]; then
	passwd_tty "$PASSWORD" "$PASSWORD2" "$E2E_DIR/passwd-differ.out"
	check_eq "0: two different entries refused (exit status)" "$rc" 1
	e2e_check_grep "0: two different entries refused (message)" \
	    "$E2E_DIR/passwd-differ.out" 'the passwords differ; nothing changed'
	checks=$((checks + 1))
	[ ! -e "$db" ] || fail "0: a refused passwd made the store"
	passwd_tty "$PASSWORD" "$PASSWORD" "$E2E_DIR/passwd.out"
else
	printf '%s\n' "$PASSWORD" | "$SASLSTEP" --db "$db" passwd "$user" \
	    --password-stdin >"$E2E_DIR/passwd.out" 2>&1
	rc=$?
	sed 's/^/    /' "$E2E_DIR/passwd.out"
fi
[ "$rc" = 0 ] || hard_error "saslstep passwd failed (exit $rc)"
e2e_check_grep "0: passwd says what it stored" "$E2E_DIR/passwd.out" \
    "password set: SCRAM-SHA-1, SCRAM-SHA-256, SCRAM-SHA-512"
for f in passwd.out passwd-differ.out; do
	touch "$E2E_DIR/$f"
	check_absent "0: no password echoed ($f)" "$E2E_DIR/$f" "$PASSWORD"
	check_absent "0: no password echoed ($f)" "$E2E_DIR/$f" "$PASSWORD2"
done

e2e_pam_service sshd \
    "auth required $PAM_MODULE db=$db mech=SCRAM-SHA-256"
e2e_sshd_start
echo "sshd on 127.0.0.1:$E2E_PORT, user $user (set-up $(($(e2e_ms) - t_start)) ms)"

# ssh_login NAME PASSWORD: the OpenSSH client via expect, typing PASSWORD
# at the "Password: " prompt; $rc, $out as e2e_ssh.
ssh_login() {
	SSH_PASSWORD=$2
	export SSH_PASSWORD
	e2e_ssh "$1"
	unset SSH_PASSWORD
}

# 1. The right password logs in: one prompt, "Password: ", echo off; the
#    session is real: a command runs as the user.
echo "1. libssh2 client, right password"
e2e_client login1 --answer-stdin --exec 'id -un' <<EOF
$PASSWORD
EOF
check_eq "1: login with the right password (exit status)" "$rc" 0
e2e_check_grep "1: one prompt" "$out" '^round 1: prompts 1$'
e2e_check_grep "1: the prompt" "$out" '^prompt "Password: "$'
e2e_check_grep "1: echo off" "$out" '^echo 0$'
e2e_check_grep "1: the command ran as $user" "$out" "^output \"$user\\\\n\"\$"

# 2. A wrong password is refused, after the same prompt.
echo "2. libssh2 client, wrong password"
e2e_client wrong --answer-stdin <<EOF
$PASSWORD2
EOF
check_eq "2: wrong password refused (exit status)" "$rc" 1
e2e_check_grep "2: the same prompt" "$out" '^prompt "Password: "$'

# 3. The OpenSSH client, driven by expect, types the password at the
#    prompt; a wrong one is refused.
if [ "$have_expect" = 1 ] && [ -n "$SSH" ] && [ -x "$SSH" ]; then
	echo "3. OpenSSH client via expect, right password"
	ssh_login ssh "$PASSWORD"
	check_eq "3: ssh login (exit status)" "$rc" 0
	e2e_check_grep "3: ssh showed the prompt" "$out" \
	    'ssh-login.exp: password prompt'
	echo "3b. OpenSSH client via expect, wrong password"
	ssh_login ssh-wrong "$PASSWORD2"
	check_eq "3b: ssh with a wrong password refused (exit status)" \
	    "$rc" 255
else
	echo "3. skipped: no ssh or expect"
fi

# 4. The same store serves PLAIN, and CRAM-MD5 once the administrator
#    asked for it; sshd reads the service file per connection.
echo "4. mech=PLAIN, libssh2 client"
e2e_pam_service sshd "auth required $PAM_MODULE db=$db mech=PLAIN"
e2e_client plain --answer-stdin <<EOF
$PASSWORD
EOF
check_eq "4: PLAIN login (exit status)" "$rc" 0
echo "4b. mech=CRAM-MD5 before and after passwd --cram-md5"
e2e_pam_service sshd "auth required $PAM_MODULE db=$db mech=CRAM-MD5"
e2e_client cram-none --answer-stdin <<EOF
$PASSWORD
EOF
check_eq "4b: CRAM-MD5 not enabled: refused (exit status)" "$rc" 1
printf '%s\n' "$PASSWORD2" | "$SASLSTEP" --db "$db" passwd "$user" \
    --password-stdin --cram-md5 >/dev/null ||
	hard_error "saslstep passwd --cram-md5 failed"
e2e_client cram --answer-stdin <<EOF
$PASSWORD2
EOF
check_eq "4b: CRAM-MD5 login with the new password (exit status)" "$rc" 0

# 5. The new password is the one for SCRAM too; the old one is gone.
echo "5. mech=SCRAM-SHA-256 after the password changed"
e2e_pam_service sshd \
    "auth required $PAM_MODULE db=$db mech=SCRAM-SHA-256"
e2e_client old --answer-stdin <<EOF
$PASSWORD
EOF
check_eq "5: the old password is refused (exit status)" "$rc" 1
e2e_client new --answer-stdin <<EOF
$PASSWORD2
EOF
check_eq "5: the new password logs in (exit status)" "$rc" 0

# 6. A locked user is refused with the right password.
echo "6. locked user"
"$SASLSTEP" --db "$db" user lock "$user" ||
	hard_error "saslstep user lock failed"
e2e_client locked --answer-stdin <<EOF
$PASSWORD2
EOF
check_eq "6: locked user refused (exit status)" "$rc" 1

# No password reaches sshd's log or stderr (pam_syslog), nor the clients'
# output.
for f in sshd.log sshd.stderr login1.out wrong.out; do
	touch "$E2E_DIR/$f"
	check_absent "password in $f" "$E2E_DIR/$f" "$PASSWORD"
	check_absent "second password in $f" "$E2E_DIR/$f" "$PASSWORD2"
done

echo "total $(($(e2e_ms) - t_start)) ms"
finish

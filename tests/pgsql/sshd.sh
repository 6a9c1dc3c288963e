#!/bin/sh
# sshd.sh: tier 3 with the PostgreSQL store.  A real OpenSSH sshd on
# 127.0.0.1 (tests/e2e/e2e-lib.sh) runs pam_saslstep with a db= URI that
# names a private PostgreSQL server and the module's role, whose password
# is in a root-only passfile= (not in the PAM configuration; sshd gives
# PAM modules no environment, so PGPASSFILE or PGSERVICEFILE would not
# reach the module, and the system-wide pg_service.conf is not the test's
# to write).  The libssh2 client logs in
# with OTP; a wrong and a replayed response are refused; with the server
# stopped the login is refused at once and the log says why; back, the
# next challenge of the sequence logs in.
#
# Root only (sshd must run as root); exits 77 elsewhere, or without sshd,
# the libssh2 client, pam_wrapper or the PostgreSQL server programs.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/e2e-lib.sh"
. "$top_srcdir/tests/pgsql/pg-lib.sh"

PASSPHRASE='e2e pass phrase, not secret'
SEED=pg1234

need PAM_MODULE SASLSTEP
e2e_need
pg_need

t_start=$(e2e_ms)
e2e_setup
trap 'pg_cleanup; e2e_cleanup' EXIT
pg_start
pg_store saslstep
user=$E2E_USER

printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" --db "$ADMIN_URI" otp init \
    "$user" --alg md5 --seq 20 --seed "$SEED" --passphrase-stdin \
    >"$E2E_DIR/init.out" 2>&1 ||
	{ cat "$E2E_DIR/init.out"; hard_error "saslstep otp init failed"; }

# The host's password file (libpq refuses one that others can read).
printf '127.0.0.1:%s:saslstep:sstep_host:%s\n' "$PG_PORT" "$PG_HOST_PW" \
    >"$E2E_DIR/pgpass"
chmod 0600 "$E2E_DIR/pgpass"
db=postgresql://sstep_host@127.0.0.1:$PG_PORT/saslstep
e2e_pam_service sshd \
    "auth required $PAM_MODULE db=$db?passfile=$E2E_DIR/pgpass mech=OTP"
e2e_sshd_start
echo "sshd on 127.0.0.1:$E2E_PORT, PostgreSQL on 127.0.0.1:$PG_PORT, user" \
    "$user (set-up $(($(e2e_ms) - t_start)) ms)"

# client NAME ARGS...: e2e_client (tests/e2e/e2e-lib.sh), and the time
# it took in $took (ms).
client() {
	t0=$(e2e_ms)
	e2e_client "$@"
	took=$(($(e2e_ms) - t0))
}

echo "1. libssh2 client, right pass phrase"
client login1 --passphrase-stdin --exec 'id -un' <<EOF
$PASSPHRASE
EOF
check_eq "1: login (exit status)" "$rc" 0
e2e_check_grep "1: challenge in the prompt" "$out" \
    '^prompt "otp-md5 19 pg1234 ext\\n[^"]*"$'
e2e_check_grep "1: the command ran as $user" "$out" "^output \"$user\\\\n\"\$"
response19=$(sed -n 's/^response "\(.*\)"$/\1/p' "$out" | head -n 1)
check_eq "1: the counter in the database" \
    "$("$SASLSTEP" --db "$ADMIN_URI" user show "$user" | grep credential)" \
    "credential: otp \"md5 $SEED\" counter 19"

echo "2. wrong pass phrase, then a replay of login 1's response"
client wrong --passphrase-stdin <<EOF
not the right pass phrase
EOF
check_eq "2: wrong pass phrase refused" "$rc" 1
e2e_check_grep "2: login 1 moved the sequence" "$out" \
    '^challenge md5 18 pg1234$'
client replay --answer "$response19" </dev/null
check_eq "2: replay refused" "$rc" 1

echo "3. PostgreSQL stopped"
pg_stop
client down --passphrase-stdin <<EOF
$PASSPHRASE
EOF
check_eq "3: refused while the store is down" "$rc" 1
check_eq "3: no challenge shown" "$(grep -c '^challenge' "$out")" 0
e2e_check_grep "3: sshd's log says why" "$E2E_DIR/sshd.stderr" \
    'cannot open the credential store: store postgresql: cannot connect'
echo "   refused after $took ms"

echo "4. PostgreSQL back"
pg_server_start || hard_error "restart failed"
client back --passphrase-stdin <<EOF
$PASSPHRASE
EOF
check_eq "4: login (exit status)" "$rc" 0
e2e_check_grep "4: the next challenge, nothing lost" "$out" \
    '^challenge md5 18 pg1234$'

for f in sshd.log sshd.stderr; do
	touch "$E2E_DIR/$f"
	check_absent "host password in $f" "$E2E_DIR/$f" "$PG_HOST_PW"
	check_absent "pass phrase in $f" "$E2E_DIR/$f" "$PASSPHRASE"
	[ -z "$response19" ] ||
	    check_absent "response of login 1 in $f" "$E2E_DIR/$f" "$response19"
done
echo "total $(($(e2e_ms) - t_start)) ms"
finish

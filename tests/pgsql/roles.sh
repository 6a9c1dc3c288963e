#!/bin/sh
# roles.sh: least privilege (store/pgsql-roles.sql).  A host logs in with
# a role of saslstep_module: logins work through the module, but it cannot
# add, delete, lock or enrol a user, touch the schema or write a column it
# was not given; an administrator's role of saslstep_admin enrols; other
# roles see nothing.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/pgsql/pg-lib.sh"

pg_setup
pg_store saslstep
# Twice: the script is idempotent.
psql_do saslstep -f "$top_srcdir/store/pgsql-roles.sql" >/dev/null ||
	hard_error "pgsql-roles.sql (again) failed"

# The administrator enrols; the host logs a user in through the module.
otp_init "$ADMIN_URI" alice 10 ab12
confdir "$tmp/pam" "db=$HOST_URI"
drive "$tmp/pam" alice --passphrase "$PASSPHRASE"
check_eq "module role: login" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"
drive "$tmp/pam" alice --answer 'hex:0123456789abcdef'
check_eq "module role: wrong response" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"
check_eq "module role: the login moved the counter" \
	"$("$SASLSTEP" --db "$ADMIN_URI" user show alice | grep credential)" \
	'credential: otp "sha1 ab12" counter 9'
check_eq "module role: reads users" \
	"$("$SASLSTEP" --db "$HOST_URI" user list 2>&1)" alice

# refused WHAT COMMAND...: one check that a saslstep command as the host
# fails for want of privilege (stdin: a pass phrase).
printf '%s\n' "$PASSPHRASE" >"$tmp/pp"
refused() {
	refused_what=$1
	shift
	refused_out=$("$SASLSTEP" --db "$HOST_URI" "$@" 2>&1 <"$tmp/pp")
	refused_rc=$?
	checks=$((checks + 1))
	case $refused_rc:$refused_out in
	1:*"not allowed for this database role: permission denied"*) ;;
	*) fail "module role: $refused_what: exit $refused_rc: $refused_out" ;;
	esac
}
refused "enrol a new user" otp init bob --seq 10 --seed cd34 \
	--passphrase-stdin
# sstep_store_user_add() alone (tests/pam/store-user).
check_eq "module role: cannot insert a user" \
	"$("$top_builddir/tests/pam/store-user" "$HOST_URI" bob 2>&1)" \
	"store-user: store postgresql: adding a user: not allowed for this \
database role: permission denied for table users"
refused "re-enrol a user" otp init alice --seq 10 --seed cd34 \
	--passphrase-stdin
refused "delete a user" user del alice
refused "lock a user" user lock alice
refused "unlock a user" user unlock alice
check_eq "module role: nothing changed" \
	"$("$SASLSTEP" --db "$ADMIN_URI" user list 2>&1)" alice

# The same in SQL, column by column.
# as_host SQL: run SQL as the module's role; prints ok or denied.
as_host() {
	if psql_do saslstep -U sstep_host -c "$1" >/dev/null 2>"$tmp/err"; then
		echo ok
	elif grep -q 'permission denied' "$tmp/err"; then
		echo denied
	else
		cat "$tmp/err" >&2
		echo error
	fi
}
check_eq "SQL: insert a user" "$(as_host "INSERT INTO saslstep.users
    VALUES ('eve', false, 0)")" denied
check_eq "SQL: unlock" \
	"$(as_host "UPDATE saslstep.users SET locked = false")" denied
check_eq "SQL: insert a credential" "$(as_host "INSERT INTO
    saslstep.credentials VALUES ('alice', 'hotp', '', '', 0, 0)")" denied
check_eq "SQL: rename a credential" "$(as_host "UPDATE saslstep.credentials
    SET family = 'hotp'")" denied
check_eq "SQL: move a credential" "$(as_host "UPDATE saslstep.credentials
    SET username = 'eve'")" denied
check_eq "SQL: delete a credential" \
	"$(as_host "DELETE FROM saslstep.credentials")" denied
check_eq "SQL: change the server secret" \
	"$(as_host "UPDATE saslstep.meta SET value = ''")" denied
check_eq "SQL: schema" "$(as_host "CREATE TABLE saslstep.x (y int)")" denied
check_eq "SQL: a counter (what a login does)" "$(as_host "UPDATE
    saslstep.credentials SET counter = counter WHERE username = 'alice'")" ok
check_eq "SQL: read a credential" \
	"$(as_host "SELECT secret FROM saslstep.credentials")" ok
check_eq "SQL: challenge locks" \
	"$(as_host "DELETE FROM saslstep.pending")" ok

# Another role of the database sees nothing of the store.
psql_do saslstep -c "CREATE ROLE sstep_other LOGIN" >/dev/null ||
	hard_error "CREATE ROLE"
check_eq "other role: no access" "$(psql_do saslstep -U sstep_other \
	-c "SELECT count(*) FROM saslstep.users" 2>&1 |
	grep -c 'permission denied')" 1

# The administrators' role owns the store and can migrate it.
check_eq "admin role: init" "$("$SASLSTEP" --db "$ADMIN_URI" init 2>&1)" \
	"store ready"
check_eq "admin role: owner" "$(psql_do saslstep -c "SELECT
    pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'saslstep'")" \
	saslstep_admin

# No password of either role in anything shown.
for f in "$tmp/out" "$tmp/driver.err" "$tmp/err"; do
	[ -f "$f" ] || continue
	check_absent "host password" "$f" "$PG_HOST_PW"
done
finish

#!/bin/sh
# store.sh: the store against a private PostgreSQL server: the whole
# backend-neutral store suite (tests/unit/test-store, given the server by
# SASLSTEP_TEST_STORE), the cases only PostgreSQL has (tests/pgsql/
# test-pgsql), and `saslstep init`, which alone makes the schema.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/pgsql/pg-lib.sh"

need SASLSTEP
TEST_STORE=$top_builddir/tests/unit/test-store
TEST_PGSQL=$top_builddir/tests/pgsql/test-pgsql
[ -x "$TEST_STORE" ] && [ -x "$TEST_PGSQL" ] ||
	hard_error "test-store or test-pgsql not built"
pg_setup

# run_check WHAT PROGRAM...: one check that PROGRAM passes; its output is
# shown.
run_check() {
	rc_what=$1
	shift
	checks=$((checks + 1))
	rc_got=0
	"$@" || rc_got=$?
	[ "$rc_got" -eq 0 ] || fail "$rc_what (exit $rc_got)"
}

psql_do postgres -c "CREATE DATABASE suite" || hard_error "createdb"
run_check "test-store against PostgreSQL" \
	env SASLSTEP_TEST_STORE=postgresql:///suite "$TEST_STORE"
run_check "test-pgsql" env SSTEP_PG_TEST=1 "$TEST_PGSQL"

# saslstep init: the only door to the schema besides enrolment.
psql_do postgres -c "CREATE DATABASE cli" || hard_error "createdb"
db=postgresql:///cli
got=$("$SASLSTEP" --db "$db" user list 2>&1)
check_eq "before init: refused" "$got" "saslstep: store postgresql: \
store not initialised (run saslstep --db URI init)"
check_eq "before init: no schema" \
	"$(psql_do cli -c "SELECT to_regnamespace('saslstep') IS NULL")" t
check_eq "init" "$("$SASLSTEP" --db "$db" init 2>&1)" "store ready"
check_eq "init again" "$("$SASLSTEP" --db "$db" init 2>&1)" "store ready"
check_eq "tables made" "$(psql_do cli -c "SELECT string_agg(tablename, ' '
    ORDER BY tablename) FROM pg_tables WHERE schemaname = 'saslstep'")" \
	"credentials meta pending schema_version users"
check_eq "init takes no operand" \
	"$("$SASLSTEP" --db "$db" init extra >/dev/null 2>&1; echo $?)" 2

# Enrolment on first use makes the schema too (SSTEP_STORE_CREATE).
psql_do postgres -c "CREATE DATABASE first" || hard_error "createdb"
printf 'a pass phrase\n' | "$SASLSTEP" --db postgresql:///first otp init \
	alice --seq 10 --seed ab12 --passphrase-stdin >/dev/null 2>&1
check_eq "enrolment creates the schema" \
	"$("$SASLSTEP" --db postgresql:///first user list 2>&1)" alice

# A service name in place of a URI, as the module's db= takes it.
pg_service_file "$tmp/pg_service.conf" store cli postgres unused
check_eq "service=NAME" "$(PGSERVICEFILE=$tmp/pg_service.conf \
	"$SASLSTEP" --db "service=store host=$PG_DIR" user list; echo $?)" 0

# A wrong password: refused, and not repeated in the message.
got=$("$SASLSTEP" --db \
	"postgresql://postgres:Secret-In-Uri-9@127.0.0.1:$PG_PORT/cli" \
	init 2>&1)
check_eq "wrong password refused" \
	"$(printf '%s\n' "$got" | grep -c 'password authentication failed')" 1
case $got in
*Secret-In-Uri-9*) fail "password in the message: $got" ;;
esac

# SQLite: init makes the file, 0600.
check_eq "init of an SQLite store" \
	"$("$SASLSTEP" --db "$tmp/s.db" init 2>&1)" "store ready"
check_eq "SQLite store mode" "$(stat -c %a "$tmp/s.db")" 600

finish

#!/bin/sh
# transfer.sh: a whole store moves from SQLite to PostgreSQL and back with
# saslstep export and import: a store with a credential of every family
# (SCRAM, CRAM-MD5, OTP, HOTP, TOTP, recovery codes), a locked user, a user
# without credentials and names the format escapes exports to the same
# bytes from SQLite, from PostgreSQL after the import, and from a new
# SQLite store imported from that; its credentials log in on the
# PostgreSQL store through the module's role.  An import that PostgreSQL
# cannot take whole (a name that is not UTF-8) changes nothing.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/pgsql/pg-lib.sh"

need SASLSTEP
pg_setup
pg_store saslstep

# S STORE ARGS...: saslstep on the SQLite store $tmp/STORE.db.
S() {
	s_db=$1
	shift
	"$SASLSTEP" --db "$tmp/$s_db.db" "$@"
}
ok() {
	check_eq "$1: exit status" "$rc" 0
	check_eq "$1: stderr" "$(cat "$tmp/err")" ""
}

# A store with a credential of every family, made as an administrator
# would (what these commands do is tested elsewhere).
{ printf 'pencil\n' | S a passwd alice --password-stdin &&
	printf 'crayon\n' | S a passwd bob --password-stdin --cram-md5 &&
	printf 'a pass phrase for erin\n' |
	S a otp init erin --seed ke1234 --passphrase-stdin &&
	S a totp init carol && S a hotp init dave --digits 8 &&
	S a recovery init carol && S a user lock bob; } >/dev/null 2>&1 ||
	hard_error "making the SQLite store failed"
# Names the format escapes, one beyond ASCII, a user without credentials.
printf '%s\n' '%23hash:USER' 'per%25cent:USER' 'j%C3%B6rg:USER' \
	'nocred:USER' >"$tmp/names"
run S a import "$tmp/names"
ok "import names"

run S a export --output "$tmp/sqlite.txt"
ok "export from SQLite"
check_eq "export: every family" "$(grep -c -e 'SCRAM-SHA-256\$' \
	-e '{CRAM-MD5}' -e 'OTP\$' -e 'HOTP\$' -e 'TOTP\$' -e 'RECOVERY\$' \
	"$tmp/sqlite.txt")" 7

# Into PostgreSQL (the administrators' role) and out again.
run "$SASLSTEP" --db "$ADMIN_URI" import "$tmp/sqlite.txt"
ok "import into PostgreSQL"
run "$SASLSTEP" --db "$ADMIN_URI" export --output "$tmp/pg.txt"
ok "export from PostgreSQL"
checks=$((checks + 1))
cmp "$tmp/sqlite.txt" "$tmp/pg.txt" >&2 ||
	fail "SQLite and PostgreSQL exports differ"
check_eq "PostgreSQL: the users" \
	"$("$SASLSTEP" --db "$HOST_URI" user list | tr '\n' ' ')" \
	"#hash alice bob (locked) carol dave erin j\\xc3\\xb6rg nocred \
per%cent "

# Back into a new SQLite store.
run S b import "$tmp/pg.txt"
ok "import into SQLite"
run S b export --output "$tmp/back.txt"
ok "export of the round trip"
checks=$((checks + 1))
cmp "$tmp/sqlite.txt" "$tmp/back.txt" >&2 ||
	fail "SQLite -> PostgreSQL -> SQLite changed the export"

# The moved credentials log in on PostgreSQL, as a host would.
run_in pencil "$SASLSTEP" --db "$HOST_URI" login alice --mech SCRAM-SHA-256
login_result 0 "SCRAM-SHA-256 login on the moved store"
run_in pencil "$SASLSTEP" --db "$HOST_URI" login alice --mech PLAIN
login_result 0 "PLAIN login on the moved store"
run_in crayon "$SASLSTEP" --db "$HOST_URI" login bob --mech CRAM-MD5
login_result 1 "the locked user stays locked"
run_in 'wrong' "$SASLSTEP" --db "$HOST_URI" login alice --mech PLAIN
login_result 1 "a wrong password"

# All or nothing: a name PostgreSQL cannot hold, after good lines.
printf 'newbie:USER\n\377bad:USER\n' >"$tmp/bad.txt"
run "$SASLSTEP" --db "$ADMIN_URI" import "$tmp/bad.txt"
check_eq "import of a non-UTF-8 name: refused" "$rc" 1
check_eq "import of a non-UTF-8 name: why" \
	"$(grep -c 'not valid UTF-8' "$tmp/err")" 1
run "$SASLSTEP" --db "$ADMIN_URI" export --output "$tmp/after.txt"
ok "export after the refused import"
checks=$((checks + 1))
cmp "$tmp/pg.txt" "$tmp/after.txt" >&2 ||
	fail "the refused import changed the store"

check_absent "host password in the output" "$tmp/err" "$PG_HOST_PW"
finish

# tests/interop/interop-lib.sh: what gsasl.sh and cyrus.sh share, on top
# of tests/lib.sh (source that first).

interop_password='pencil sharpener'
interop_ran=0

# interop_start PROGRAM PEER: set $PEER to the interop program
# tests/interop/PROGRAM, skipping the test when it was not built
# (configure found no PEER), check $SASLSTEP, and make $tmp.
interop_start() {
	PEER=$top_builddir/tests/interop/$1
	[ -x "$PEER" ] || skip "$1 not built: configure found no $2"
	SASLSTEP=${SASLSTEP:-$top_builddir/saslstep}
	[ -x "$SASLSTEP" ] || hard_error "no saslstep command at $SASLSTEP"
	unset SASLSTEP_DB
	make_tmpdir
}

# interop_store DB: make store DB where alice has $interop_password (SCRAM
# verifiers, and CRAM-MD5 which only an explicit --cram-md5 stores) with
# `saslstep passwd`, and the same as her OTP pass phrase; sets $interop_db
# to DB, or to "-" (no store: the cases against libsaslstep's server skip)
# when the command has no passwd.
interop_store() {
	interop_db=-
	if ! "$SASLSTEP" passwd --help >/dev/null 2>&1; then
		echo "saslstep passwd is missing: no cases against its server"
		return
	fi
	printf '%s\n' "$interop_password" |
	    "$SASLSTEP" --db "$1" passwd alice --password-stdin --cram-md5 \
	    >/dev/null || hard_error "saslstep passwd alice"
	printf '%s\n' "$interop_password" |
	    "$SASLSTEP" --db "$1" otp init alice --passphrase-stdin \
	    >/dev/null || hard_error "saslstep otp init alice"
	interop_db=$1
}

# interop_run WHAT PROGRAM [ARG...]: run an interop program (its matrix
# lines go to our stdout, the log) as one check: exit 0 passes, 77 is a
# skip, anything else fails.
interop_run() {
	interop_what=$1
	shift
	checks=$((checks + 1))
	interop_rc=0
	"$@" || interop_rc=$?
	case $interop_rc in
	0) interop_ran=$((interop_ran + 1)) ;;
	77) echo "SKIP: $interop_what: nothing of libsaslstep could run" ;;
	*) fail "$interop_what (exit $interop_rc)" ;;
	esac
}

# interop_line GOT WANT PEER DIRECTION MECH right|wrong RESULT: a matrix
# line, as the programs print them (interop.h), for a case run by a
# script: PASS when GOT is WANT.
interop_line() {
	interop_verdict=PASS
	[ "$1" = "$2" ] || interop_verdict=FAIL
	printf '%-4s  %-5s  %-27s  %-13s  %-5s  %s\n' "$interop_verdict" \
	    "$3" "$4" "$5" "$6" "$7"
}

# interop_have_transfer: whether `saslstep export` and `import` exist
# (their engineer writes them at the same time as these tests).
interop_have_transfer() {
	"$SASLSTEP" export --help >/dev/null 2>&1 &&
	    "$SASLSTEP" import --help >/dev/null 2>&1
}

# interop_exported DB USER MECH: the RFC 5803 verifier for MECH that
# `saslstep export` writes for USER (a plain name: no %XX escapes), from
# its line "USER:MECH$<iter>:<salt>$<StoredKey>:<ServerKey>".
interop_exported() {
	"$SASLSTEP" --db "$1" export | sed -n "s/^$2://p" | grep "^$3\\\$"
}

# interop_finish: as finish, but a skip when nothing of libsaslstep ran.
interop_finish() {
	[ "$failures" -eq 0 ] && [ "$interop_ran" -eq 0 ] &&
	    skip "no interop case with libsaslstep could run"
	finish
}

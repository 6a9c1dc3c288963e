#!/bin/sh
# gsasl.sh: interop with GNU SASL (libgsasl and the gsasl command).
#  1. In process (peer-gsasl matrix): PLAIN, CRAM-MD5, SCRAM-SHA-1 and
#     SCRAM-SHA-256, right and wrong passwords, GNU SASL against itself,
#     libsaslstep's client against GNU SASL's server and GNU SASL's client
#     against libsaslstep's server on a store made by `saslstep passwd`.
#  2. A verifier made by `gsasl --mkpasswd` and read by `saslstep import`
#     serves a login (`saslstep login`), and refuses a wrong password.
#  3. A verifier written by `saslstep export` is all GNU SASL's server gets
#     (peer-gsasl verifier), and libsaslstep's client logs in to it.
# Each case prints a matrix line.  Skips (77) when peer-gsasl was not built
# (no libgsasl-dev at configure time); parts 2 and 3 skip, saying so, while
# `saslstep import` / `export` are missing.
set -u

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interop/interop-lib.sh"
interop_start peer-gsasl "GNU SASL (libgsasl-dev)"
password=$interop_password

# --- 1. the matrix ------------------------------------------------------
echo "# GNU SASL, in process: PLAIN, CRAM-MD5, SCRAM-SHA-1, SCRAM-SHA-256"
interop_store "$tmp/store.db"
interop_run "peer-gsasl matrix" "$PEER" matrix "$interop_db" alice "$password"

if ! interop_have_transfer; then
	echo "SKIP: gsasl --mkpasswd -> saslstep import, saslstep export ->" \
	    "GNU SASL server: saslstep import/export are missing"
	interop_finish
fi

# --- 2. gsasl --mkpasswd -> saslstep import -> login ----------------------
# gsasl writes {SCRAM-SHA-256}iter,salt,StoredKey,ServerKey (Dovecot's
# notation too); the import reads it as the user's verifier.
GSASL=${GSASL:-$(command -v gsasl || true)}
if [ -z "$GSASL" ] || [ ! -x "$GSASL" ]; then
	echo "SKIP: gsasl --mkpasswd: the gsasl command was not found"
else
	echo "# gsasl --mkpasswd -> saslstep import -> saslstep login"
	for mech in SCRAM-SHA-1 SCRAM-SHA-256; do
		verifier=$("$GSASL" --mkpasswd --mechanism "$mech" \
		    --password "$password") ||
		    hard_error "gsasl --mkpasswd --mechanism $mech"
		db=$tmp/mkpasswd-$mech.db
		run_in "bob:$verifier" "$SASLSTEP" --db "$db" import
		check_eq "import of gsasl --mkpasswd $mech: exit" "$rc" 0
		for right in right wrong; do
			pw=$password want=0
			[ $right = wrong ] && pw="x$password" want=1
			run_in "$pw" "$SASLSTEP" --db "$db" login bob \
			    --mech "$mech"
			login_result "$want" \
			    "gsasl --mkpasswd $mech, import, login, $right"
			interop_line "$rc" "$want" gsasl \
			    "mkpasswd -> saslstep" "$mech" "$right" \
			    "$(tail -n 1 "$tmp/out")"
		done
	done
	interop_ran=$((interop_ran + 1))
fi

# --- 3. saslstep export -> GNU SASL's server ------------------------------
if [ "$interop_db" = - ]; then
	echo "SKIP: saslstep export -> GNU SASL server: no store"
	interop_finish
fi
echo "# saslstep export -> GNU SASL's server, from the verifier only"
for mech in SCRAM-SHA-1 SCRAM-SHA-256; do
	verifier=$(interop_exported "$interop_db" alice "$mech")
	check_eq "saslstep export: a $mech verifier for alice" \
	    "${verifier%%\$*}" "$mech"
	interop_run "peer-gsasl verifier (exported $mech)" "$PEER" verifier \
	    alice "$password" "$verifier"
done
interop_finish

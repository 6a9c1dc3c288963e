#!/bin/sh
# cyrus.sh: interop with Cyrus SASL (libsasl2 and its plugins).
#  1. In process (peer-cyrus matrix): PLAIN, CRAM-MD5, SCRAM-SHA-1,
#     SCRAM-SHA-256, SCRAM-SHA-512 and OTP, right and wrong passwords, Cyrus
#     against itself, libsaslstep's client against Cyrus's server (a
#     private sasldb; SCRAM from verifiers made by scram_secret_generate)
#     and Cyrus's client against libsaslstep's server on a store made by
#     `saslstep passwd`.
#  2. The verifiers written by `saslstep export` (RFC 5803 notation, which
#     is also Cyrus's authPassword) are all Cyrus's server gets (peer-cyrus
#     verifier), and both clients log in to it.
# Each case prints a matrix line.  Skips (77) when peer-cyrus was not built
# (no libsasl2-dev at configure time); part 2 skips, saying so, while
# `saslstep export` is missing.
set -u

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/interop/interop-lib.sh"
interop_start peer-cyrus "Cyrus SASL (libsasl2-dev)"
password=$interop_password

# --- 1. the matrix ------------------------------------------------------
echo "# Cyrus SASL, in process: PLAIN, CRAM-MD5, SCRAM-SHA-1/256/512" \
    "(SCRAM-SHA-512: draft only), OTP"
interop_store "$tmp/store.db"
mkdir "$tmp/matrix" || hard_error "mkdir"
interop_run "peer-cyrus matrix" "$PEER" matrix "$tmp/matrix" \
    "$interop_db" alice "$password"

# --- 2. saslstep export -> Cyrus's server ---------------------------------
if ! interop_have_transfer; then
	echo "SKIP: saslstep export -> Cyrus server: saslstep export is missing"
	interop_finish
fi
if [ "$interop_db" = - ]; then
	echo "SKIP: saslstep export -> Cyrus server: no store"
	interop_finish
fi
# One user per verifier: Cyrus's sasldb keeps one authPassword value.
echo "# saslstep export -> Cyrus's server, from the verifier only"
for mech in SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512; do
	verifier=$(interop_exported "$interop_db" alice "$mech")
	check_eq "saslstep export: a $mech verifier for alice" \
	    "${verifier%%\$*}" "$mech"
	mkdir "$tmp/$mech" || hard_error "mkdir"
	interop_run "peer-cyrus verifier (exported $mech)" "$PEER" verifier \
	    "$tmp/$mech" alice "$password" "$verifier"
done
interop_finish

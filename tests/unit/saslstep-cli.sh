#!/bin/sh
# saslstep-cli.sh: the saslstep command end to end, no root, no network:
# the OTP calculator against RFC 2289 appendix C, enrolment, user admin,
# terminal logins with piped stdin (one-time values really are one-time),
# usage errors, store selection, and bad input that must change nothing.
# Exit 0 when every check passes, 1 otherwise.
set -u

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
. "$top_srcdir/tests/lib.sh"
cli_setup

# run and run_in (tests/lib.sh) leave stdout in $tmp/out, stderr in
# $tmp/err, status in $rc.
# check_that WHAT COMMAND...: one check that COMMAND succeeds; on failure
# show what the last command printed.
check_that() {
	checks=$((checks + 1))
	check_what=$1
	shift
	if ! "$@"; then
		fail "$check_what"
		sed 's/^/    stdout: /' "$tmp/out" >&2
		sed 's/^/    stderr: /' "$tmp/err" >&2
	fi
}
# rc_is WANT WHAT: the last command exited with WANT.
rc_is() {
	check_that "$2: exit $rc, want $1" [ "$rc" -eq "$1" ]
}
# out_has / err_has / out_lacks TEXT WHAT (fixed strings; lacks ignores
# case)
out_has() {
	check_that "$2: stdout lacks \"$1\"" grep -qF -- "$1" "$tmp/out"
}
err_has() {
	check_that "$2: stderr lacks \"$1\"" grep -qF -- "$1" "$tmp/err"
}
out_lacks() {
	check_that "$2: stdout has \"$1\"" not grep -qiF -- "$1" "$tmp/out"
}
# not COMMAND...: succeed when COMMAND fails
# shellcheck disable=SC2317
not() {
	! "$@"
}
# out_is TEXT WHAT: stdout is exactly TEXT
out_is() {
	check_that "$2: stdout is not \"$1\"" [ "$(cat "$tmp/out")" = "$1" ]
}
# err_prefixed WHAT: the error is one line starting "saslstep: "
err_prefixed() {
	check_that "$1: error not prefixed \"saslstep: \"" \
	    grep -q '^saslstep: ' "$tmp/err"
}
# no_file PATH WHAT
no_file() {
	check_that "$2: $1 exists" [ ! -e "$1" ]
}

# S ARGS...: saslstep on the test's store
S() {
	"$SASLSTEP" --db "$db" "$@"
}

# --- otp key: RFC 2289 appendix C (pass phrase, seed, count, hash) -------
# key ALG PASS SEED SEQ HEX WORDS
key() {
	run_in "$2" "$SASLSTEP" otp key --alg "$1" --hex "$4" "$3"
	rc_is 0 "otp key --hex $1 $3 $4"
	check_eq "otp key --hex $1 '$2' $3 $4" "$(tr a-f A-F <"$tmp/out")" "$5"
	run_in "$2" "$SASLSTEP" otp key --alg "$1" "$4" "$3"
	rc_is 0 "otp key $1 $3 $4"
	out_is "$6" "otp key $1 '$2' $3 $4"
}
key md5 'This is a test.' TeSt 0 9E876134D90499DD \
    'INCH SEA ANNE LONG AHEM TOUR'
key md5 'This is a test.' TeSt 1 7965E05436F5029F \
    'EASE OIL FUM CURE AWRY AVIS'
key md5 'AbCdEfGhIjK' alpha1 99 5AA37A81F212146C \
    'BODE HOP JAKE STOW JUT RAP'
key md5 "OTP's are good" correct 1 DDCDAC956F234937 \
    'SKIM CULT LOB SLAM POE HOWL'
key sha1 'This is a test.' TeSt 99 87FEC7768B73CCF9 \
    'GAFF WAIT SKID GIG SKY EYED'
key sha1 'AbCdEfGhIjK' alpha1 0 AD85F658EBE383C9 \
    'LEST OR HEEL SCOT ROB SUIT'
key sha1 "OTP's are good" correct 1 82AEB52D943774E4 \
    'FLIT DOSE ALSO MEW DRUM DEFY'
# Appendix C "Parity Calculations": the checksum lands in the last word.
key md5 'A_Valid_Pass_Phrase' AValidSeed 99 85C43EE03857765B \
    'FOWL KID MASH DEAD DUAL OAF'

# sha1 is the default hash.
run_in 'This is a test.' "$SASLSTEP" otp key 0 TeSt
out_is 'MILT VARY MAST OK SEES WENT' "otp key: default alg sha1"
# A last line without a newline is a line; the newline is never part of it.
printf 'This is a test.' | "$SASLSTEP" otp key --alg md5 0 TeSt \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
rc_is 0 "otp key: pass phrase without newline"
out_is 'INCH SEA ANNE LONG AHEM TOUR' "otp key: pass phrase without newline"

# Appendix C "General checks": refused inputs.
run_in 'Too_short' "$SASLSTEP" otp key 99 iamvalid
rc_is 1 "otp key: pass phrase too short"
err_has 'pass phrase' "otp key: pass phrase too short"
err_prefixed "otp key: pass phrase too short"
run_in '1234567890123456789012345678901234567890123456789012345678901234' \
    "$SASLSTEP" otp key 99 iamvalid
rc_is 1 "otp key: pass phrase of 64"
run_in 'A_Valid_Pass_Phrase' "$SASLSTEP" otp key 99 Length_Okay
rc_is 2 "otp key: seed not alphanumeric"
run_in 'A_Valid_Pass_Phrase' "$SASLSTEP" otp key 99 LengthOfSeventeen
rc_is 2 "otp key: seed of 17"
run_in 'A_Valid_Pass_Phrase' "$SASLSTEP" otp key 99 'A Seed'
rc_is 2 "otp key: seed with a space"
run_in 'A_Valid_Pass_Phrase' "$SASLSTEP" otp key --alg md4 99 iamvalid
rc_is 2 "otp key: md4"
run_in 'A_Valid_Pass_Phrase' "$SASLSTEP" otp key 10000 iamvalid
rc_is 2 "otp key: SEQ above 9999"
run_in 'A_Valid_Pass_Phrase' "$SASLSTEP" otp key -- -1 iamvalid
rc_is 2 "otp key: negative SEQ"
run "$SASLSTEP" otp key 99 iamvalid
rc_is 1 "otp key: no pass phrase (end of input)"
err_prefixed "otp key: end of input"
printf 'This is\000 a test.\n' | "$SASLSTEP" otp key 0 TeSt \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
rc_is 1 "otp key: NUL byte in the pass phrase"
out_is '' "otp key: NUL byte in the pass phrase prints nothing"

# --- usage errors and help ------------------------------------------------
for args in '' 'bogus' 'user' 'user bogus' 'user show' 'user list extra' \
    'user del a b' 'otp' 'otp init' 'otp init a b' 'otp key 1' \
    'login' '--bogus user list' 'user list --bogus' '--db' \
    'otp init alice --seq 1 --passphrase-stdin' \
    'otp init alice --seq 10000 --passphrase-stdin' \
    'otp init alice --seq x --passphrase-stdin' \
    'otp init alice --alg md4 --passphrase-stdin' \
    'otp init alice --seed bad_seed --passphrase-stdin' \
    'otp init alice --alg'; do
	run S $args
	rc_is 2 "usage error: saslstep $args"
	err_has 'usage:' "usage error: saslstep $args"
done
# otp init with stdin not a terminal and no --passphrase-stdin
run_in 'correct horse battery' S otp init alice
rc_is 2 "otp init: no terminal, no --passphrase-stdin"
for args in '--help' 'user --help' 'user show --help' 'otp init --help' \
    'otp key --help' 'login --help' '--db x login -h'; do
	run "$SASLSTEP" $args
	rc_is 0 "saslstep $args"
	out_has 'usage: saslstep' "saslstep $args"
done
run "$SASLSTEP" --version
rc_is 0 "saslstep --version"
out_has 'saslstep' "saslstep --version"
# None of that made a store.
no_file "$db" "usage errors"

# --- a missing store ------------------------------------------------------
for args in 'user list' 'user show alice' 'user del alice' 'user lock alice'; do
	run S $args
	rc_is 1 "missing store: $args"
	err_has "$db" "missing store: $args: the error names the store"
	err_prefixed "missing store: $args"
done
run_in 'x' S login alice
rc_is 1 "missing store: login"
out_has 'login failed' "missing store: login"
err_has 'unavailable' "missing store: login"
no_file "$db" "a missing store"

# --- a pass phrase too short: refused, nothing created ---------------------
run_in 'Too_short' S otp init alice --passphrase-stdin
rc_is 1 "otp init: pass phrase too short"
err_has 'pass phrase' "otp init: pass phrase too short"
no_file "$db" "a refused otp init"

# --- enrolment ------------------------------------------------------------
phrase='correct horse battery'
run_in "$phrase" S otp init alice --passphrase-stdin --seq 10 --seed AB1234
rc_is 0 "otp init alice"
out_is 'alice: OTP sha1, next challenge otp-sha1 9 ab1234 ext' \
    "otp init alice"
run_in "$phrase" S otp init bob --alg md5 --passphrase-stdin
rc_is 0 "otp init bob (random seed)"
check_that "otp init bob: default seq and seed" grep -qE \
    '^bob: OTP md5, next challenge otp-md5 499 [a-z]{2}[0-9]{4} ext$' \
    "$tmp/out"

run S user list
rc_is 0 "user list"
out_is "$(printf 'alice\nbob')" "user list"

# show: params and counter, never the secret (the OTP of sequence 10).
secret=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key --hex 10 ab1234)
words=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key 10 ab1234)
run S user show alice
rc_is 0 "user show alice"
out_has 'user: alice' "user show alice"
out_has 'locked: no' "user show alice"
out_has 'created: ' "user show alice"
out_has 'credential: otp "sha1 ab1234" counter 10' "user show alice"
out_lacks "$secret" "user show alice: the stored OTP"
out_lacks "$words" "user show alice: the stored OTP in words"
out_lacks "$phrase" "user show alice: the pass phrase"
run S user show nobody
rc_is 1 "user show nobody"
err_has 'saslstep: no such user: nobody' "user show nobody"

# A refused re-enrolment changes nothing.
S user show alice >"$tmp/before" 2>&1
run_in 'Too_short' S otp init alice --passphrase-stdin --seq 50
rc_is 1 "otp init alice again, pass phrase too short"
S user show alice >"$tmp/after" 2>&1
check_that "a refused re-enrolment changes nothing" \
    cmp -s "$tmp/before" "$tmp/after"
# A pass phrase equal to the seed is refused (RFC 2243 s. 4.3).
run_in 'abcdef1234' S otp init carol --passphrase-stdin --seed abcdef1234
rc_is 1 "otp init: pass phrase equal to the seed"
run S user show carol
rc_is 1 "refused otp init made no user"

# --- logins with piped stdin ----------------------------------------------
# login_with RESPONSE WANT_RC WHAT
login_with() {
	run_in "$1" S login alice
	rc_is "$2" "$3"
	if [ "$2" -eq 0 ]; then out_has 'login OK' "$3"
	else out_has 'login failed' "$3"; fi
}
counter_is() {
	run S user show alice
	out_has "counter $1" "$2"
}
r9=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key 9 ab1234)
login_with "$r9" 0 "login alice with the response to 9"
out_has 'otp-sha1 9 ab1234' "login shows the challenge"
out_lacks "$r9" "login does not echo the response"
counter_is 9 "login consumed sequence 9"
login_with "$r9" 1 "replay of the response to 9"
out_has 'otp-sha1 8 ab1234' "after a login the challenge is for 8"
counter_is 9 "a replay changes no counter"
r8hex=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key --hex 8 ab1234)
r7=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key 7 ab1234)
login_with "$r7" 1 "a response to the wrong sequence"
login_with 'not an answer' 1 "a malformed response"
run S login alice
rc_is 1 "login: no answer at all"
out_has 'login failed' "login: no answer at all"
login_with "$r8hex" 0 "login with a hex response"
counter_is 8 "hex login consumed sequence 8"
run_in "$r7" S login alice --verbose
rc_is 0 "login --verbose"
err_has 'saslstep: log: ' "login --verbose shows the log"
check_absent "the log shows no response" "$tmp/err" "$r7"

# --- lock, unlock, delete -------------------------------------------------
r6=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key 6 ab1234)
run S user lock alice
rc_is 0 "user lock alice"
run S user list
out_has 'alice (locked)' "user list marks alice locked"
run S user show alice
out_has 'locked: yes' "user show alice: locked"
login_with "$r6" 1 "a locked user cannot log in"
counter_is 7 "a locked login changes no counter"
run S user unlock alice
rc_is 0 "user unlock alice"
login_with "$r6" 0 "unlocked, the same response works"
run S user lock nobody
rc_is 1 "user lock nobody"
err_has 'saslstep: no such user: nobody' "user lock nobody"
run S user del alice
rc_is 0 "user del alice"
run S user show alice
rc_is 1 "deleted alice is gone"
err_has 'saslstep: no such user: alice' "deleted alice is gone"
run S user list
out_is 'bob' "user list after del"
run S user del alice
rc_is 1 "user del alice again"
r5=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key 5 ab1234)
login_with "$r5" 1 "a deleted user cannot log in"

# --- SASLSTEP_DB, and --db before it ---------------------------------------
db2=$tmp/other.db
printf '%s\n' "$phrase" | SASLSTEP_DB=$db2 "$SASLSTEP" otp init dave \
    --passphrase-stdin --seq 20 --seed dd0001 >"$tmp/out" 2>"$tmp/err"
rc=$?
rc_is 0 "SASLSTEP_DB: otp init dave"
check_that "SASLSTEP_DB: the store is made" [ -f "$db2" ]
SASLSTEP_DB=$db2 "$SASLSTEP" user list >"$tmp/out" 2>"$tmp/err"
out_is 'dave' "SASLSTEP_DB: user list"
SASLSTEP_DB=$db2 "$SASLSTEP" --db "$db" user list >"$tmp/out" 2>"$tmp/err"
out_is 'bob' "--db wins over SASLSTEP_DB"
run "$SASLSTEP" --db "$db2" user list
out_is 'dave' "--db: user list"
r19=$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key 19 dd0001)
printf '%s\n' "$r19" | SASLSTEP_DB=$db2 "$SASLSTEP" login dave \
    >"$tmp/out" 2>"$tmp/err"
rc=$?
rc_is 0 "SASLSTEP_DB: login dave"

# --- a terminal: echo off, pass phrase asked twice (needs expect) ----------
EXPECT=${EXPECT:-$(command -v expect || true)}
if [ -n "$EXPECT" ] && [ -x "$EXPECT" ]; then
	cat >"$tmp/tty.exp" <<'EOF'
set timeout 10
set s $env(SASLSTEP)
set db $env(TTYDB)
# Two different pass phrases: refused.
spawn $s --db $db otp init erin --seed ee0001 --seq 5
expect "Pass phrase: " { send "first pass phrase\r" } timeout { exit 2 }
expect "Again: " { send "other pass phrase\r" } timeout { exit 3 }
expect "differ" {} timeout { exit 4 }
expect eof
if {[lindex [wait] 3] != 1} { exit 5 }
# The same twice: enrolled, and nothing typed was echoed.
spawn $s --db $db otp init erin --seed ee0001 --seq 5
expect "Pass phrase: " { send "first pass phrase\r" } timeout { exit 6 }
expect "Again: " { send "first pass phrase\r" } timeout { exit 7 }
expect {
	"first pass" { exit 8 }
	"next challenge otp-sha1 4 ee0001" {}
	timeout { exit 9 }
}
expect eof
if {[lindex [wait] 3] != 0} { exit 10 }
# The calculator asks on a terminal too.
spawn $s otp key 4 ee0001
expect "Pass phrase: " { send "first pass phrase\r" } timeout { exit 11 }
expect -re {([A-Z]+ [A-Z]+ [A-Z]+ [A-Z]+ [A-Z]+ [A-Z]+)} {
	set answer $expect_out(1,string)
} timeout { exit 12 }
expect eof
# A login on a terminal: the challenge stands in the prompt.  (OTP asks
# with ECHOPROMPT: a one-time value may be seen, as with S/Key.)
spawn $s --db $db login erin
expect "otp-sha1 4 ee0001 ext" {} timeout { exit 13 }
expect "Response: " { send "$answer\r" } timeout { exit 14 }
expect "login OK" {} timeout { exit 16 }
expect eof
if {[lindex [wait] 3] != 0} { exit 17 }
exit 0
EOF
	SASLSTEP="$SASLSTEP" TTYDB=$tmp/tty.db "$EXPECT" "$tmp/tty.exp" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	rc_is 0 "terminal: otp init twice, otp key, login (expect step $rc)"
else
	echo "saslstep-cli: expect not found: terminal checks skipped"
fi

finish

#!/bin/sh
# saslstep-transfer.sh: saslstep export and import end to end, no root, no
# network: an export imported into a new store exports to the same bytes
# and its credentials log in; SCRAM verifiers made by gsasl --mkpasswd
# (Dovecot notation) come out in PostgreSQL notation and log in; a bad
# line anywhere is refused with its file and line number and changes
# nothing; a pam_oath usersfile (written as its documentation shows, and
# one updated by a real pam_oath login) and ~/.google_authenticator files
# made by google-authenticator (and one updated by a real
# pam_google_authenticator login) import with their state, so that their
# codes log in, used codes stay used, and scratch codes work once.
# Checks needing oathtool, gsasl, google-authenticator, faketime,
# pamtester with pam_wrapper or the two PAM modules are skipped (and said
# so) where missing.  Exit 0 when every check passes, 1 otherwise.
set -u

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
. "$top_srcdir/tests/lib.sh"
cli_setup
OATHTOOL=${OATHTOOL:-$(command -v oathtool || true)}
GSASL=${GSASL:-$(command -v gsasl || true)}
GOOGLE_AUTHENTICATOR=${GOOGLE_AUTHENTICATOR:-$(command -v \
    google-authenticator || true)}
PAMTESTER=${PAMTESTER:-$(command -v pamtester || true)}
PAM_WRAPPER_LIB=${PAM_WRAPPER_LIB:-}
PW_PREFIX=${PW_PREFIX:-} # pw_run (tests/lib.sh)
faketime_bin=$FAKETIME_LIB
sqlite3_bin=$(command -v sqlite3 || true)
LC_ALL=C
# pam_oath writes local time: a zone that is not UTC shows it is read so.
TZ=EST5
export LC_ALL TZ
# A fixed time, 5 s into a 30 s and a 60 s time step.
T=1893456005

# S STORE ARGS...: saslstep on the store $tmp/STORE.db.
S() {
	s_db=$1
	shift
	"$SASLSTEP" --db "$tmp/$s_db.db" "$@"
}
# have PROGRAM...: 0 when every one was found (a path), else say so.
have() {
	for have_p in "$@"; do
		if [ -z "$have_p" ] || [ ! -e "$have_p" ]; then
			echo "skipped: a check needs ${have_p:-a missing program}"
			return 1
		fi
	done
	return 0
}
# ok WHAT: the last command succeeded without a word on stderr.
ok() {
	check_eq "$1: exit status" "$rc" 0
	check_eq "$1: stderr" "$(cat "$tmp/err")" ""
}
# refused WHAT STATUS ERROR: the last command exited STATUS and its first
# line on stderr is ERROR.
refused() {
	check_eq "$1: exit status" "$rc" "$2"
	check_eq "$1: error" "$(head -n 1 "$tmp/err")" "$3"
}
# login STORE USER MECH ANSWER WANT WHAT [TIME]: one `saslstep login`
# answered with ANSWER (at Unix time TIME), exit status WANT.
login() {
	if [ $# -gt 6 ]; then
		run_in "$4" at_time "$7" "$SASLSTEP" \
		    --db "$tmp/$1.db" login "$2" --mech "$3"
	else
		run_in "$4" S "$1" login "$2" --mech "$3"
	fi
	login_result "$5" "$6"
}
# snapshot STORE / unchanged STORE WHAT: the store file and its export
# are the same as at the snapshot.
snapshot() {
	cp "$tmp/$1.db" "$tmp/$1.snap"
	S "$1" export >"$tmp/$1.snap-export" 2>/dev/null ||
		hard_error "export of $1 failed"
}
unchanged() {
	checks=$((checks + 1))
	cmp -s "$tmp/$1.db" "$tmp/$1.snap" || fail "$2: the store file changed"
	S "$1" export >"$tmp/$1.now-export" 2>/dev/null
	checks=$((checks + 1))
	cmp -s "$tmp/$1.snap-export" "$tmp/$1.now-export" ||
		fail "$2: the export changed"
}
# key_hex BASE32: the key in hex (for usersfiles and oathtool).
key_hex() {
	printf '%s' "$1" | base32 -d 2>/dev/null | od -An -v -tx1 | tr -d ' \n'
}
# export_line STORE USER NOTATION: that credential line of the export.
export_line() {
	S "$1" export 2>/dev/null | grep "^$2:$3"
}
# pam_module NAME: the path of an installed PAM module, or nothing.
pam_module() {
	for pm_dir in /lib/*/security /usr/lib/*/security /lib/security \
	    /usr/lib/security /lib64/security; do
		if [ -e "$pm_dir/$1" ]; then
			echo "$pm_dir/$1"
			return
		fi
	done
}
# pam_login MODULE-LINE USER ANSWER: one authentication through a real
# PAM module with pamtester under pam_wrapper; $rc its status.
# (In the sanitizer build those modules, not ours, leak the conversation's
# reply: no leak check there.)
pam_login() {
	pam_service "$tmp/pam" svc "$1"
	(
		ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
		export ASAN_OPTIONS
		printf '%s\n' "$3" | pw_run "$tmp/pam" "$PAMTESTER" svc "$2" \
		    authenticate >"$tmp/out" 2>"$tmp/err"
	)
	rc=$?
}

# --- a store with a credential of every family ---------------------------
key_c=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ
run_in 'pencil' S a passwd alice --password-stdin
ok "passwd alice"
run_in 'pencil' S a passwd bob --password-stdin --cram-md5
check_eq "passwd bob --cram-md5" "$rc" 0
run_in 'a pass phrase for erin' S a otp init erin --seed ke1234 \
    --passphrase-stdin
ok "otp init erin"
run S a totp init carol
ok "totp init carol"
run S a hotp init dave --digits 8
ok "hotp init dave"
run S a recovery init carol
ok "recovery init carol"
sed -n 's/^ *\([a-z2-7]\{5\}-[a-z2-7]\{5\}\)$/\1/p' "$tmp/out" \
    >"$tmp/carol-codes"
check_eq "recovery codes printed" "$(wc -l <"$tmp/carol-codes")" 10
run S a user lock bob
ok "user lock bob"
# Names with the characters the format escapes, and a user without
# credentials, come in through import (blanks at the end of a line are
# an editor's, and ignored).
printf '%s\n' '%23odd%25 name:USER' "frank:USER  " \
    "%23odd%25 name:TOTP\$sha512\$8\$60\$-120\$7\$$key_c" >"$tmp/odd"
run S a import "$tmp/odd"
ok "import of escaped names"
check_eq "import of escaped names: summary" "$(cat "$tmp/out")" \
    "imported 1 credential of 2 users from $tmp/odd"

# --- export, import into a new store, export again: the same bytes --------
run S a export --output "$tmp/e1"
ok "export --output"
check_eq "export --output: mode" "$(stat -c %a "$tmp/e1")" 600
check_eq "export --output: nothing on stdout" "$(cat "$tmp/out")" ""
run S a export
ok "export to stdout"
checks=$((checks + 1))
cmp -s "$tmp/out" "$tmp/e1" || fail "export to stdout differs from --output"
check_eq "export: header" "$(head -n 1 "$tmp/e1")" \
    "# saslstep export format 1: one user or credential a line, see saslstep(1)."
check_eq "export: users and families" \
    "$(grep -v '^#' "$tmp/e1" |
        sed 's/^\([^:]*:\({[A-Z0-9-]*}\|[A-Z0-9-]*\)\).*/\1/')" \
    "%23odd%25 name:USER
%23odd%25 name:TOTP
alice:USER
alice:SCRAM-SHA-1
alice:SCRAM-SHA-256
alice:SCRAM-SHA-512
bob:USER
bob:{CRAM-MD5}
bob:SCRAM-SHA-1
bob:SCRAM-SHA-256
bob:SCRAM-SHA-512
carol:USER
carol:RECOVERY
carol:TOTP
dave:USER
dave:HOTP
erin:USER
erin:OTP
frank:USER"
check_eq "export: locked user" "$(grep '^bob:USER' "$tmp/e1")" "bob:USER\$locked"
check_eq "export: TOTP notation" \
    "$(grep '^%23odd%25 name:TOTP' "$tmp/e1")" \
    "%23odd%25 name:TOTP\$sha512\$8\$60\$-120\$7\$$key_c"
check_eq "export: OTP notation" \
    "$(grep '^erin:' "$tmp/e1" | sed -n 's/^erin:\(OTP\$sha1\$ke1234\$500\$\)[0-9a-f]\{16\}$/\1/p')" \
    "OTP\$sha1\$ke1234\$500\$"
run S b import "$tmp/e1"
ok "import of the export into a new store"
check_eq "import: summary" "$(cat "$tmp/out")" \
    "imported 12 credentials of 7 users from $tmp/e1"
run S b export --output "$tmp/e2"
ok "export of the new store"
checks=$((checks + 1))
cmp -s "$tmp/e1" "$tmp/e2" || fail "export, import, export: not the same bytes"
# Importing it again replaces each credential by itself.
run S b import "$tmp/e1"
ok "the same import again"
S b export >"$tmp/e3" 2>/dev/null
checks=$((checks + 1))
cmp -s "$tmp/e1" "$tmp/e3" || fail "a second import changed the store"
# From stdin, and into a store with users of its own, which stay.
run_in 'other' S c passwd zoe --password-stdin
S c import <"$tmp/e1" >"$tmp/out" 2>"$tmp/err"
rc=$?
ok "import from stdin"
check_eq "import from stdin: summary" "$(cat "$tmp/out")" \
    "imported 12 credentials of 7 users from stdin"
check_eq "import keeps the store's own users" \
    "$(S c user list 2>/dev/null | tr '\n' ' ')" \
    "#odd% name alice bob (locked) carol dave erin frank zoe "

# The imported credentials log in.
login b alice SCRAM-SHA-256 pencil 0 "imported SCRAM-SHA-256 verifier"
login b alice PLAIN pencil 0 "imported verifier, PLAIN"
login b alice SCRAM-SHA-256 pencil2 1 "imported verifier, wrong password"
login b bob CRAM-MD5 pencil 1 "imported locked user"
run S b user unlock bob
login b bob CRAM-MD5 pencil 0 "imported CRAM-MD5 contexts"
run_in 'a pass phrase for erin' "$SASLSTEP" otp key --alg sha1 499 ke1234
login b erin OTP "$(cat "$tmp/out")" 0 "imported OTP sequence"
login b erin OTP "$(cat "$tmp/out")" 1 "imported OTP sequence, replay"
login b carol TOTP "$(head -n 1 "$tmp/carol-codes")" 0 \
    "imported recovery code"
login b carol TOTP "$(head -n 1 "$tmp/carol-codes")" 1 \
    "imported recovery code, twice"
login a carol TOTP "$(head -n 1 "$tmp/carol-codes")" 0 \
    "the recovery code in the old store is apart"
if have "$OATHTOOL"; then
	dkey=$(export_line a dave HOTP | sed 's/.*\$//')
	login b dave HOTP "$("$OATHTOOL" --hotp -d 8 -c 0 -b "$dkey")" 0 \
	    "imported HOTP key and counter"
fi
if have "$OATHTOOL" "$faketime_bin"; then
	ckey=$(export_line a carol TOTP | sed 's/.*\$//')
	login b carol TOTP "$("$OATHTOOL" --totp --now "@$T" -b "$ckey")" 0 \
	    "imported TOTP key" "$T"
	# TOTP$sha512$8$60$-120$7: step 7 was used long ago; t0 shifts.
	code=$("$OATHTOOL" --totp=sha512 -d 8 -s 60 --now "@$((T + 120))" \
	    -b "$key_c")
	login b '#odd% name' TOTP "$code" 0 "imported TOTP parameters" "$T"
fi

# --- Dovecot's CRAM-MD5 notation: `doveadm pw -s CRAM-MD5 -p password` ---
dove=9186d855e11eba527a7a52ca82b313e180d62234f0acc9051b527243d41e2740
printf 'ugo:{CRAM-MD5}%s\n' "$dove" >"$tmp/dovecot"
run S d import "$tmp/dovecot"
ok "import of a Dovecot CRAM-MD5 hash"
login d ugo CRAM-MD5 password 0 "Dovecot's CRAM-MD5 hash"
login d ugo CRAM-MD5 pencil 1 "Dovecot's CRAM-MD5 hash, wrong password"
run_in 'password' S d passwd vic --password-stdin --cram-md5
check_eq "Dovecot's CRAM-MD5 notation of our contexts" \
    "$(export_line d vic '{CRAM-MD5}')" "vic:{CRAM-MD5}$dove"

# --- SCRAM verifiers from gsasl --mkpasswd (Dovecot notation) -------------
if have "$GSASL"; then
	for alg in SCRAM-SHA-1 SCRAM-SHA-256; do
		v=$("$GSASL" --mkpasswd --mechanism "$alg" --password pencil \
		    2>/dev/null)
		check_eq "gsasl --mkpasswd $alg: notation" \
		    "$(printf '%s' "$v" | cut -c1-$((${#alg} + 2)))" "{$alg}"
		printf 'yves:%s\n' "$v" >"$tmp/gsasl"
		run S g import "$tmp/gsasl"
		ok "import of gsasl --mkpasswd $alg"
		login g yves "$alg" pencil 0 "gsasl $alg verifier"
		login g yves "$alg" pencil2 1 "gsasl $alg verifier, wrong password"
	done
	login g yves PLAIN pencil 0 "gsasl SCRAM-SHA-256 verifier, PLAIN"
	# Known salt and count: the PostgreSQL notation of the same verifier.
	v=$("$GSASL" --mkpasswd --mechanism SCRAM-SHA-256 --password pencil \
	    --iteration-count 4096 --salt QSXCR+Q6sek8bf92 2>/dev/null)
	printf 'xena:%s\n' "$v" >"$tmp/gsasl"
	run S g import "$tmp/gsasl"
	ok "import of a gsasl verifier with a known salt"
	check_eq "Dovecot notation in, PostgreSQL notation out" \
	    "$(export_line g xena SCRAM-SHA-256)" \
	    "xena:SCRAM-SHA-256\$4096:QSXCR+Q6sek8bf92\$$(printf '%s' "$v" |
	        cut -d, -f3):$(printf '%s' "$v" | cut -d, -f4)"
fi

# --- bad input: the file and line named, nothing changed -----------------
snapshot b
good1="ann:USER"
good2="ann:HOTP\$sha1\$6\$0\$$key_c"
# bad WHAT LINE ERROR: a file of two good lines, a comment, a blank line
# and LINE (line 5) is refused with ERROR and changes nothing.
bad() {
	printf '%s\n' "$good1" "# comment" "$good2" "" "$2" >"$tmp/bad"
	run S b import "$tmp/bad"
	refused "$1" 1 "saslstep: import: $tmp/bad:5: $3"
	unchanged b "$1"
}
bad "no colon" "ann" "expected NAME:USER or NAME:CREDENTIAL"
bad "unknown notation" "ann:MD5\$abc" \
    "unknown credential notation (see saslstep(1))"
bad "bad name escape" "ann%2:USER" \
    "bad user name (too long, or a '%' not followed by two hex digits)"
bad "control character in a name" "a%0An:USER" \
    "invalid user name (1 to 256 bytes, no control character or ':')"
bad "TOTP key not base32" "ann:TOTP\$sha1\$6\$30\$0\$-1\$ABC1" \
    "TOTP: the key is not base32"
bad "TOTP field count" "ann:TOTP\$sha1\$6\$30\$-1\$$key_c" \
    "TOTP: wrong number of '\$'-separated fields"
bad "HOTP digits" "ann:HOTP\$sha1\$9\$0\$$key_c" \
    "HOTP: the number of digits must be 6 to 8"
bad "OTP seed" "ann:OTP\$md5\$ke 12\$10\$0123456789abcdef" \
    "OTP: seed must not contain any spaces"
zero=$(head -c 32 /dev/zero | base64)
bad "SCRAM iteration count" \
    "ann:SCRAM-SHA-256\$1000:QSXCR+Q6sek8bf92\$$zero:$zero" \
    "SCRAM-SHA-256: iteration count out of range (4096 to 10000000)"
bad "a salted password in Dovecot notation" \
    "ann:{SCRAM-SHA-256}4096,QSXCR+Q6sek8bf92,$zero,$zero,$zero" \
    "{SCRAM}: expected {SCRAM-SHA-...}iterations,salt,StoredKey,ServerKey"
bad "CRAM-MD5 length" "ann:{CRAM-MD5}0123" \
    "{CRAM-MD5}: the contexts must be 64 hex digits"
bad "recovery records" "ann:RECOVERY\$AAAA" \
    "RECOVERY: not a whole number of records"
bad "a second credential" "ann:HOTP\$sha1\$8\$5\$$key_c" \
    "a second hotp credential for ann (the first is line 3)"
bad "a second user line" "ann:USER\$locked" \
    "a second user line for ann (the first is line 1)"
printf 'ann:USER\nann:HOTP$sha1$6$0$%s\0\n' "$key_c" >"$tmp/bad"
run S b import "$tmp/bad"
refused "a NUL byte" 1 "saslstep: import: $tmp/bad:2: the line holds a NUL byte"
unchanged b "a NUL byte"
run S b import "$tmp/nonexistent"
refused "a missing file" 1 \
    "saslstep: import: $tmp/nonexistent: No such file or directory"
run S b import "$tmp"
refused "a directory" 1 "saslstep: import: $tmp: is a directory"
run S b import --from nothing "$tmp/e1"
refused "an unknown format" 2 \
    "saslstep: unknown format: nothing (pam_oath, google-authenticator)"
run S b import --from google-authenticator "$tmp/e1"
refused "google-authenticator without --user" 2 \
    "saslstep: --from google-authenticator needs --user"
run S b import --from pam_oath --user ann "$tmp/e1"
refused "--user with pam_oath" 2 \
    "saslstep: --user goes with --from google-authenticator"
run S b import "$tmp/e1" "$tmp/e2"
check_eq "two files: exit status" "$rc" 2
unchanged b "usage errors"
# --check reads and checks, and writes nothing, not even a new store.
run S n import --check "$tmp/e1"
ok "import --check"
check_eq "import --check: summary" "$(cat "$tmp/out")" \
    "$tmp/e1: 12 credentials of 7 users, no errors (nothing written)"
checks=$((checks + 1))
[ ! -e "$tmp/n.db" ] || fail "import --check made a store"
run S n import "$tmp/bad"
checks=$((checks + 1))
[ ! -e "$tmp/n.db" ] || fail "a refused import made a store"
# A store another process holds: the transaction cannot start.
if have "$sqlite3_bin"; then
	(printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep 3) |
	    "$sqlite3_bin" "$tmp/b.db" >/dev/null 2>&1 &
	holder=$!
	sleep 0.5
	run S b import "$tmp/e1"
	check_eq "a locked store: exit status" "$rc" 1
	check_eq "a locked store: error" \
	    "$(grep -c 'import: .*locked by another process' "$tmp/err")" 1
	wait "$holder"
	unchanged b "a locked store"
fi
run S nostore export
check_eq "export of a missing store: exit status" "$rc" 1

# --- pam_oath usersfiles --------------------------------------------------
if have "$OATHTOOL" "$faketime_bin"; then
	hex=$(key_hex "$key_c")
	# After a login with the code of counter 41, as pam_oath writes it.
	c41=$("$OATHTOOL" --hotp -d 8 -c 41 "$hex")
	# After a login 90 s before T with a 60 s step (T60 type).
	t60=$("$OATHTOOL" --totp -d 8 -s 60 --now "@$((T - 90))" "$hex")
	cat >"$tmp/users.oath" <<EOF
# pam_oath usersfile, as its documentation shows
HOTP hank - $hex

HOTP/E/8	ines	+	$hex	41	$c41	$(date -d "@$((T - 7200))" +%Y-%m-%dT%H:%M:%SL)
HOTP/T30 jon - $hex
HOTP/T60/8 kim - $hex 0 $t60 $(date -d "@$((T - 90))" +%Y-%m-%dT%H:%M:%SL)
EOF
	run S o import --from pam_oath "$tmp/users.oath"
	ok "import --from pam_oath"
	check_eq "import --from pam_oath: summary" "$(cat "$tmp/out")" \
	    "imported 4 credentials of 4 users from $tmp/users.oath"
	step60=$(((T - 90) / 60))
	check_eq "pam_oath: what was imported" \
	    "$(S o export 2>/dev/null | grep -v '^#' | grep -v ':USER$')" \
	    "hank:HOTP\$sha1\$6\$0\$$key_c
ines:HOTP\$sha1\$8\$42\$$key_c
jon:TOTP\$sha1\$6\$30\$0\$-1\$$key_c
kim:TOTP\$sha1\$8\$60\$0\$$step60\$$key_c"
	login o hank HOTP "$("$OATHTOOL" --hotp -c 0 "$hex")" 0 \
	    "pam_oath HOTP, first code"
	login o ines HOTP "$c41" 1 "pam_oath HOTP, the code last used"
	login o ines HOTP "$("$OATHTOOL" --hotp -d 8 -c 42 "$hex")" 0 \
	    "pam_oath HOTP, the next code"
	login o jon TOTP "$("$OATHTOOL" --totp --now "@$T" "$hex")" 0 \
	    "pam_oath TOTP" "$T"
	login o kim TOTP "$t60" 1 "pam_oath TOTP, the code last used" "$T"
	login o kim TOTP "$("$OATHTOOL" --totp -d 8 -s 60 --now "@$T" "$hex")" \
	    0 "pam_oath TOTP, a later code" "$T"
	snapshot o
	# badoath WHAT LINE ERROR: LINE (line 2) is refused, nothing changes.
	badoath() {
		printf '%s\n' "HOTP ann - $hex" "$2" >"$tmp/bad.oath"
		run S o import --from pam_oath "$tmp/bad.oath"
		refused "pam_oath: $1" 1 \
		    "saslstep: import: $tmp/bad.oath:2: $3"
		unchanged o "pam_oath: $1"
	}
	badoath "a PIN" "HOTP bea 1234 $hex" "user bea has a PIN, which\
 saslstep cannot carry over: replace it by '-' and set a password with\
 saslstep passwd"
	badoath "an unknown type" "HOTP/T45 bea - $hex" "unknown token type\
 HOTP/T45 (HOTP, HOTP/E/N, HOTP/T30/N or HOTP/T60/N)"
	badoath "a secret not hex" "HOTP bea - ${hex}x" \
	    "the secret is not hex digits (at most 128 bytes)"
	badoath "a short key" "HOTP bea - 00" \
	    "the key must be 10 to 128 bytes"
	badoath "a bad counter" "HOTP bea - $hex x" "bad counter"
	badoath "a bad time stamp" "HOTP/T30 bea - $hex 0 123456 yesterday" \
	    "bad time stamp (want e.g. 2024-01-31T12:00:00L, local time)"
	badoath "a last OTP of another time" \
	    "HOTP/T30 bea - $hex 0 $t60 $(date -d "@$T" +%Y-%m-%dT%H:%M:%SL)" \
	    "the last OTP is not 6 digits"
	badoath "a last OTP that is no code" \
	    "HOTP/T30 bea - $hex 0 000000 $(date -d "@$T" +%Y-%m-%dT%H:%M:%SL)" \
	    "the last OTP is no code of this key within an hour of its time\
 stamp"
	badoath "too many fields" "HOTP bea - $hex 0 123456 x y" \
	    "more than 7 fields"
	badoath "a second line for a user" "HOTP/E/8 ann - $hex" \
	    "a second hotp credential for ann (the first is line 1)"
fi
# A usersfile updated by a real pam_oath login (real time).
pam_oath=$(pam_module pam_oath.so)
if have "$OATHTOOL" "$PAMTESTER" "$PAM_WRAPPER_LIB" "$pam_oath"; then
	hex=$(key_hex "$key_c")
	printf 'HOTP pat - %s\nHOTP/T30 quin - %s\n' "$hex" "$hex" \
	    >"$tmp/live.oath"
	chmod 600 "$tmp/live.oath"
	line="auth required $pam_oath usersfile=$tmp/live.oath window=3"
	hcode=$("$OATHTOOL" --hotp -c 0 "$hex")
	pam_login "$line" pat "$hcode"
	check_eq "pam_oath HOTP login" "$rc" 0
	tcode=$("$OATHTOOL" --totp "$hex")
	pam_login "$line" quin "$tcode"
	check_eq "pam_oath TOTP login" "$rc" 0
	check_eq "pam_oath wrote its state" \
	    "$(awk '{ print NF, $6 }' "$tmp/live.oath" | tr '\n' ' ')" \
	    "7 $hcode 7 $tcode "
	run S l import --from pam_oath "$tmp/live.oath"
	ok "import of a usersfile pam_oath updated"
	login l pat HOTP "$hcode" 1 "a HOTP code pam_oath accepted"
	login l pat HOTP "$("$OATHTOOL" --hotp -c 1 "$hex")" 0 \
	    "the next HOTP code after pam_oath"
	login l quin TOTP "$tcode" 1 "a TOTP code pam_oath accepted"
	login l quin TOTP "$("$OATHTOOL" --totp -N '30 seconds' "$hex")" 0 \
	    "a later TOTP code after pam_oath"
fi

# --- ~/.google_authenticator files ---------------------------------------
if have "$GOOGLE_AUTHENTICATOR" "$OATHTOOL" "$faketime_bin"; then
	ga() {
		ga_file=$1
		shift
		"$GOOGLE_AUTHENTICATOR" -f -C -q -Q NONE -s "$ga_file" "$@" \
		    >/dev/null 2>&1 || hard_error "google-authenticator $*"
	}
	# Time based, as its manual suggests for sshd, five scratch codes.
	ga "$tmp/ga-totp" -t -d -r 3 -R 30 -w 3 -e 5
	gkey=$(head -n 1 "$tmp/ga-totp")
	run S q import --from google-authenticator --user lena "$tmp/ga-totp"
	ok "import of a TOTP file of google-authenticator"
	check_eq "google-authenticator TOTP: summary" "$(cat "$tmp/out")" \
	    "imported 2 credentials of 1 user from $tmp/ga-totp"
	check_eq "google-authenticator TOTP: the credential" \
	    "$(export_line q lena TOTP)" \
	    "lena:TOTP\$sha1\$6\$30\$0\$-1\$$gkey"
	code=$("$OATHTOOL" --totp --now "@$T" -b "$gkey")
	login q lena TOTP "$code" 0 "google-authenticator TOTP code" "$T"
	login q lena TOTP "$code" 1 "google-authenticator TOTP code again" \
	    "$T"
	sc1=$(sed -n '6p' "$tmp/ga-totp")
	sc2=$(sed -n '7p' "$tmp/ga-totp")
	login q lena TOTP "$sc1" 0 "a scratch code at the TOTP prompt"
	login q lena TOTP "$sc1" 1 "the same scratch code again"
	login q lena RECOVERY "$sc2" 0 "a scratch code, mech=RECOVERY"
	login q lena TOTP "12345678" 1 "a made-up scratch code"
	# Counter based.
	ga "$tmp/ga-hotp" -c -u -w 3 -e 2
	hkey=$(head -n 1 "$tmp/ga-hotp")
	run S q import --from google-authenticator --user mia "$tmp/ga-hotp"
	ok "import of a HOTP file of google-authenticator"
	login q mia HOTP "$("$OATHTOOL" --hotp -c 0 -b "$hkey")" 1 \
	    "google-authenticator HOTP: counter 0 was its check code"
	login q mia HOTP "$("$OATHTOOL" --hotp -c 1 -b "$hkey")" 0 \
	    "google-authenticator HOTP: HOTP_COUNTER 1 is next"
	# 60 s steps, a clock 2 steps ahead (TIME_SKEW), step T/60 + 2
	# used: the person's next code is for step T/60 + 3.
	ga "$tmp/ga-skew" -t -d -u -S 60 -w 3 -e 1
	skey=$(head -n 1 "$tmp/ga-skew")
	# What pam_google_authenticator writes after such logins.
	sed -e "s/^\" DISALLOW_REUSE\$/& $((T / 60 + 1)) $((T / 60 + 2))/" \
	    -e '$a" TIME_SKEW 2' "$tmp/ga-skew" >"$tmp/ga-skew2"
	run S q import --from google-authenticator --user nils "$tmp/ga-skew2"
	ok "import of a file with TIME_SKEW and DISALLOW_REUSE"
	check_eq "TIME_SKEW and DISALLOW_REUSE: the credential" \
	    "$(export_line q nils TOTP)" \
	    "nils:TOTP\$sha1\$6\$60\$-120\$$((T / 60 + 2))\$$skey"
	scode() {
		"$OATHTOOL" --totp -s 60 --now "@$1" -b "$skey"
	}
	login q nils TOTP "$(scode "$((T + 120))")" 1 \
	    "a step DISALLOW_REUSE lists" "$T"
	login q nils TOTP "$(scode "$T")" 1 "a code without the skew" "$T"
	login q nils TOTP "$(scode "$((T + 180))")" 0 \
	    "the next code with the skew" "$T"
	snapshot q
	# badga WHAT TEXT LINE ERROR: a file of TEXT is refused at LINE.
	badga() {
		printf '%s\n' "$2" >"$tmp/bad-ga"
		run S q import --from google-authenticator --user lena \
		    "$tmp/bad-ga"
		refused "google-authenticator: $1" 1 \
		    "saslstep: import: $tmp/bad-ga:$3: $4"
		unchanged q "google-authenticator: $1"
	}
	badga "a key not base32" "$gkey!
\" TOTP_AUTH" 1 "the first line is not a base32 key"
	badga "an unknown option" "$gkey
\" TOTP_AUTH
\" PASSWORD x" 3 "unknown option PASSWORD"
	badga "an option twice" "$gkey
\" TOTP_AUTH
\" STEP_SIZE 30
\" STEP_SIZE 60" 4 "STEP_SIZE given twice"
	badga "a step too long" "$gkey
\" STEP_SIZE 90
\" TOTP_AUTH" 2 "STEP_SIZE takes one number, 1 to 60"
	badga "both kinds" "$gkey
\" TOTP_AUTH
\" HOTP_COUNTER 3" 3 "want exactly one of \" TOTP_AUTH and \" HOTP_COUNTER"
	badga "neither kind" "$gkey
\" WINDOW_SIZE 3
12345678" 3 "want exactly one of \" TOTP_AUTH and \" HOTP_COUNTER"
	badga "a short scratch code" "$gkey
\" TOTP_AUTH
1234567" 3 "neither an option (\" NAME) nor an eight-digit scratch code"
	printf '' >"$tmp/bad-ga"
	run S q import --from google-authenticator --user lena "$tmp/bad-ga"
	refused "google-authenticator: an empty file" 1 \
	    "saslstep: import: $tmp/bad-ga: empty file"
fi
# A file updated by a real pam_google_authenticator login (real time).
pam_ga=$(pam_module pam_google_authenticator.so)
if have "$GOOGLE_AUTHENTICATOR" "$OATHTOOL" "$PAMTESTER" \
    "$PAM_WRAPPER_LIB" "$pam_ga"; then
	"$GOOGLE_AUTHENTICATOR" -f -C -q -Q NONE -s "$tmp/ga-live" -t -d \
	    -r 3 -R 30 -w 3 -e 3 >/dev/null 2>&1 ||
		hard_error "google-authenticator for the live test"
	lkey=$(head -n 1 "$tmp/ga-live")
	sc=$(sed -n '6p' "$tmp/ga-live")
	line="auth required $pam_ga secret=$tmp/ga-live user=$(id -un)"
	code=$("$OATHTOOL" --totp -b "$lkey")
	pam_login "$line" "$(id -un)" "$code"
	check_eq "pam_google_authenticator login" "$rc" 0
	check_eq "pam_google_authenticator recorded the step" \
	    "$(grep -c '^" DISALLOW_REUSE [0-9]' "$tmp/ga-live")" 1
	run S r import --from google-authenticator --user olga "$tmp/ga-live"
	ok "import of a file pam_google_authenticator updated"
	login r olga TOTP "$code" 1 "a code pam_google_authenticator accepted"
	login r olga TOTP "$("$OATHTOOL" --totp -N '30 seconds' -b "$lkey")" \
	    0 "a later code after pam_google_authenticator"
	login r olga TOTP "$sc" 0 "a scratch code of the live file"
fi

finish

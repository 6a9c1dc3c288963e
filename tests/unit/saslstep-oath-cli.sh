#!/bin/sh
# saslstep-oath-cli.sh: TOTP/HOTP and recovery-code enrolment end to end,
# no network: totp/hotp init print a key that oathtool accepts (its codes
# log in once, through `saslstep login`), an otpauth:// URI with the right
# fields, and a QR code (terminal and PNG) that zbarimg decodes to exactly
# that URI; show re-prints it for root only; resync; recovery init; user
# show; usage errors and failures that change nothing.
# Without oathtool, zbarimg or faketime the checks needing them are
# skipped (and said so).  Exit 0 when every check passes, 1 otherwise.
set -u

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
. "$top_srcdir/tests/lib.sh"
cli_setup
OATHTOOL=${OATHTOOL:-$(command -v oathtool || true)}
ZBARIMG=${ZBARIMG:-$(command -v zbarimg || true)}
faketime_bin=$FAKETIME_LIB
# Byte-wise text tools: the QR drawing is UTF-8 matched byte by byte.
LC_ALL=C
export LC_ALL
# A fixed time, 5 s into a time step, so oathtool and the server agree.
T=1893456005
# SASLSTEP_QR_EXAMPLE=FILE keeps a copy of one PNG, for a person to look at.
example_png=${SASLSTEP_QR_EXAMPLE:-}

# S ARGS...: saslstep on the test's store (run it with run or run_in from
# tests/lib.sh).
S() {
	"$SASLSTEP" --db "$db" "$@"
}
# at TIME CMD...: CMD at Unix time TIME (the clock runs on from there).
# shellcheck disable=SC2317 # called through run
at() {
	at_time=$1
	shift
	at_time "$at_time" "$@"
}
# ok WHAT / refused WHAT WANT: the last command's exit status, and for a
# failure that its error is one line starting "saslstep: ".
ok() {
	check_eq "$1: exit status" "$rc" 0
	check_eq "$1: stderr" "$(cat "$tmp/err")" ""
}
refused() {
	check_eq "$1: exit status" "$rc" "$2"
	check_eq "$1: error line" "$(grep -c '^saslstep: ' "$tmp/err")" 1
}
# field NAME: the value of the "NAME: " line of the last output.
field() {
	sed -n "s/^$1: //p" "$tmp/out"
}
# key_of: the secret of the last output without its grouping blanks.
key_of() {
	field secret | tr -d ' '
}
# totp_code KEY TIME [OATHTOOL-OPTIONS...] (default --totp) /
# hotp_code KEY COUNTER: oathtool's code.
totp_code() {
	totp_key=$1
	totp_time=$2
	shift 2
	[ $# -gt 0 ] || set -- --totp
	"$OATHTOOL" "$@" --now "@$totp_time" -b "$totp_key"
}
hotp_code() {
	"$OATHTOOL" --hotp -c "$2" -b "$1"
}
# login USER MECH CODE WANT WHAT [TIME]: one login with CODE (at TIME).
login() {
	if [ $# -gt 5 ]; then
		run_in "$3" at "$6" "$SASLSTEP" --db "$db" login "$1" --mech "$2"
	else
		run_in "$3" S login "$1" --mech "$2"
	fi
	check_eq "$5: exit status" "$rc" "$4"
	if [ "$4" -eq 0 ]; then
		check_eq "$5" "$(tail -n 1 "$tmp/out")" "login OK"
	else
		check_eq "$5" "$(tail -n 1 "$tmp/out")" "login failed"
	fi
}
# cred_line USER FAMILY: the "credential: FAMILY ..." line of user show.
cred_line() {
	S user show "$1" 2>/dev/null | grep "^credential: $2[ ,]"
}
# qr_lines: the terminal QR code of the last output (the lines after the
# "Scan this" line).
qr_lines() {
	sed '1,/^Scan this/d' "$tmp/out"
}
# qr_to_pbm: a terminal QR code (stdin, two modules a character) as a
# plain PBM image (stdout), 4 pixels a module, for zbarimg.
qr_to_pbm() {
	sed -e 's/ /a/g' -e 's/\xe2\x96\x80/b/g' -e 's/\xe2\x96\x84/c/g' \
	    -e 's/\xe2\x96\x88/d/g' |
	awk 'function px(bit,  s, i) {
		s = ""
		for (i = 0; i < 4; i++) s = s bit " "
		return s
	}
	{ rows[NR] = $0; if (length($0) > w) w = length($0) }
	END {
		print "P1"; print w * 4, NR * 8
		for (r = 1; r <= NR; r++) {
			top = ""; bot = ""
			for (i = 1; i <= w; i++) {
				c = substr(rows[r], i, 1)
				top = top px(c == "b" || c == "d")
				bot = bot px(c == "c" || c == "d")
			}
			for (k = 0; k < 4; k++) print top
			for (k = 0; k < 4; k++) print bot
		}
	}'
}
# decodes_to WHAT FILE URI: zbarimg reads exactly URI in the image FILE.
decodes_to() {
	if [ -n "$ZBARIMG" ]; then
		check_eq "$1: zbarimg" \
		    "$("$ZBARIMG" -q --raw "$2" 2>"$tmp/zbar.err")" "$3"
	fi
}
# mode_of FILE: its permission bits in octal.
mode_of() {
	stat -c %a "$1"
}
# as_nobody CMD...: CMD as user nobody (only when we are root).
# shellcheck disable=SC2317 # called through run
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

[ -n "$OATHTOOL" ] || echo "saslstep-oath-cli: no oathtool: code checks skipped"
[ -n "$ZBARIMG" ] || echo "saslstep-oath-cli: no zbarimg: QR decoding skipped"
[ -n "$faketime_bin" ] ||
	echo "saslstep-oath-cli: no faketime: fixed-time checks skipped"

# --- usage errors: exit 2, nothing made -----------------------------------
for args in 'totp' 'totp init' 'totp init a b' 'totp init a --alg md5' \
    'totp init a --digits 5' 'totp init a --digits 9' 'totp init a --digits x' \
    'totp init a --period 0' 'totp init a --period 3601' \
    'totp init a --period 30s' 'totp init a --issuer a:b' \
    "totp init a --issuer $(printf 'a\001b')" \
    "totp init a --issuer $(printf '%065d' 0)" 'totp init a --qr-png' \
    'totp init a --qr-png=' 'totp init a --bogus' 'hotp init a --period 30' \
    'hotp init' 'totp show' 'totp show a b' 'totp show a --alg sha1' \
    'hotp show' 'totp resync a 123456' 'totp resync a 123456 123456 1' \
    'totp resync a 12345 123456' 'totp resync a 123456 abcdef' \
    'hotp resync a 123456789 123456' 'hotp resync a 123456 -1234567' \
    'recovery' 'recovery init' 'recovery init a b' \
    'recovery init a --count 0' 'recovery init a --count 65' \
    'recovery init a --count x' 'totp bogus'; do
	# shellcheck disable=SC2086
	run S $args
	refused "usage: $args" 2
	check_eq "usage: $args: synopsis" \
	    "$(grep -c '^usage: saslstep' "$tmp/err")" 1
done
for args in 'totp --help' 'totp init --help' 'hotp resync --help' \
    'recovery init --help'; do
	# shellcheck disable=SC2086
	run "$SASLSTEP" $args
	ok "saslstep $args"
	check_eq "saslstep $args: synopsis" \
	    "$(grep -c '^usage: saslstep' "$tmp/out")" 1
done
check_eq "usage errors made no store" "$([ -e "$db" ] && echo made)" ""

# --- totp init: key, URI, QR codes -----------------------------------------
run S totp init alice --issuer 'Example Co' --qr-png "$tmp/alice.png"
ok "totp init alice"
check_eq "totp init alice: summary" "$(head -n 1 "$tmp/out")" \
    "alice: TOTP sha1, 6 digits, 30 s time step"
check_eq "totp init alice: secret in groups of four" \
    "$(field secret | grep -cE '^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$')" 1
key=$(key_of)
check_eq "totp init alice: 20-byte key" \
    "$(printf '%s' "$key" | base32 -d | wc -c)" 20
uri="otpauth://totp/Example%20Co:alice?secret=$key&issuer=Example%20Co"
uri="$uri&algorithm=SHA1&digits=6&period=30"
check_eq "totp init alice: URI" "$(field uri)" "$uri"
check_eq "totp init alice: PNG named" "$(field qr-png)" \
    "$tmp/alice.png (mode 0600: it holds the key)"
check_eq "totp init alice: PNG mode" "$(mode_of "$tmp/alice.png")" 600
decodes_to "totp init alice: PNG" "$tmp/alice.png" "$uri"
[ -z "$example_png" ] || cp "$tmp/alice.png" "$example_png" ||
	fail "cannot copy the PNG to $example_png"

# The terminal drawing: a square of W + 8 columns (W = 4 version + 17)
# and (W + 9) / 2 lines, only blanks and half blocks, decoding to the URI.
qr_lines >"$tmp/qr.txt"
# columns FILE: the widths of its lines in characters, one a line.
columns() {
	sed 's/\xe2\x96[\x80\x84\x88]/x/g' "$1" | awk '{ print length($0) }'
}
lines=$(wc -l <"$tmp/qr.txt")
cols=$(columns "$tmp/qr.txt" | head -n 1)
check_eq "terminal QR: $cols columns, $lines lines" \
    $(((cols - 8 - 17) % 4 == 0 && cols >= 29 + 8 &&
        lines == (cols + 1) / 2)) 1
check_eq "terminal QR: lines of equal length" \
    "$(columns "$tmp/qr.txt" | sort -u | wc -l)" 1
check_eq "terminal QR: only blanks and half blocks" "$(sed \
    's/\xe2\x96[\x80\x84\x88]//g; s/ //g' "$tmp/qr.txt" | tr -d '\n')" ""
check_eq "terminal QR: no colour when not a terminal" \
    "$(grep -c "$(printf '\033')" "$tmp/qr.txt")" 0
qr_to_pbm <"$tmp/qr.txt" >"$tmp/qr.pbm"
decodes_to "terminal QR" "$tmp/qr.pbm" "$uri"

# oathtool's code at a fixed time logs in once; the same code again not.
if [ -n "$OATHTOOL" ] && [ -n "$faketime_bin" ]; then
	code=$(totp_code "$key" "$T")
	login alice TOTP "$code" 0 "TOTP login with oathtool's code" "$T"
	login alice TOTP "$code" 1 "the same TOTP code again" "$((T + 1))"
	check_eq "user show: TOTP line" "$(cred_line alice totp)" \
	    "credential: totp sha1, 6 digits, 30 s steps, last step $((T / 30))"
elif [ -n "$OATHTOOL" ]; then
	code=$(totp_code "$key" "$(date +%s)")
	login alice TOTP "$code" 0 "TOTP login with oathtool's code (now)"
	login alice TOTP "$code" 1 "the same TOTP code again (now)"
fi

# Other algorithms, digits and periods; no issuer.
if [ -n "$OATHTOOL" ] && [ -n "$faketime_bin" ]; then
	for spec in 'sha256 8 60 52' 'sha512 7 45 103'; do
		# shellcheck disable=SC2086
		set -- $spec
		run S totp init bob --alg "$1" --digits "$2" --period "$3" \
		    --issuer ''
		ok "totp init bob --alg $1"
		key=$(key_of)
		check_eq "totp init bob --alg $1: key length" \
		    "$(printf '%s' "$key" | wc -c)" "$4"
		alg=$(echo "$1" | tr '[:lower:]' '[:upper:]')
		check_eq "totp init bob --alg $1: URI" "$(field uri)" \
		    "otpauth://totp/bob?secret=$key&algorithm=$alg&digits=$2&period=$3"
		code=$(totp_code "$key" "$T" --totp="$1" --digits="$2" \
		    --time-step-size="$3s")
		login bob TOTP "$code" 0 "TOTP $1 $2 digits ${3}s" "$T"
		qr_lines >"$tmp/qr.txt"
		check_eq "terminal QR of $1 fits 80 columns" \
		    "$(columns "$tmp/qr.txt" | awk '$1 > 80' | wc -l)" 0
	done
fi

# The default issuer is the host name (percent-encoded in the URI).
run S totp init carol
ok "totp init carol"
check_eq "user show: a TOTP key not used yet" "$(cred_line carol totp)" \
    "credential: totp sha1, 6 digits, 30 s steps, no code used yet"
host=$(hostname)
case $host in
*[!A-Za-z0-9.-]*) ;;
?*)
	check_eq "default issuer: the host name" "$(field uri | grep -c \
	    "^otpauth://totp/$host:carol?secret=[A-Z2-7]*&issuer=$host&")" 1
	;;
esac

# A user name that needs percent-encoding.
run S totp init 'd a/v+e' --issuer 'A&B'
ok "totp init 'd a/v+e'"
check_eq "percent-encoded label and issuer" "$(field uri | sed 's/secret=[A-Z2-7]*/secret=K/')" \
    "otpauth://totp/A%26B:d%20a%2Fv%2Be?secret=K&issuer=A%26B&algorithm=SHA1&digits=6&period=30"

# On a terminal: black on white, whatever the terminal's colours, and
# each line back to normal at its end.
EXPECT=${EXPECT:-$(command -v expect || true)}
if [ -n "$EXPECT" ]; then
	cat >"$tmp/tty.exp" <<'EOF'
set timeout 10
spawn $env(SASLSTEP) --db $env(TTYDB) totp init tty
expect -ex "\033\[30;47m    " {} timeout { exit 2 } eof { exit 2 }
expect -ex "\033\[0m\r\n\033\[30;47m" {} timeout { exit 3 } eof { exit 3 }
expect eof
exit [lindex [wait] 3]
EOF
	TERM=xterm SASLSTEP=$SASLSTEP TTYDB=$db "$EXPECT" "$tmp/tty.exp" \
	    >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check_eq "terminal QR in colour on a terminal (expect step $rc)" "$rc" 0
else
	echo "saslstep-oath-cli: no expect: colour check skipped"
fi

# --- show: root only -------------------------------------------------------
run S totp init alice --issuer 'Example Co'
ok "totp init alice again"
key2=$(key_of)
uri2=$(field uri)
check_eq "init again: a new key" "$([ "$key2" != "$key" ] && echo new)" new
if [ "$(id -u)" -eq 0 ]; then
	run S totp show alice --issuer 'Example Co' --qr-png "$tmp/show.png"
	ok "totp show alice"
	check_eq "totp show alice: the same key" "$(key_of)" "$key2"
	check_eq "totp show alice: the same URI" "$(field uri)" "$uri2"
	decodes_to "totp show alice: PNG" "$tmp/show.png" "$uri2"
	run as_nobody "$SASLSTEP" --db "$db" totp show alice
	refused "totp show as nobody" 1
else
	run S totp show alice
	refused "totp show as non-root" 1
fi
check_eq "show refused: why" "$(grep -c 'only root' "$tmp/err")" 1
check_eq "show refused: no key printed" "$(grep -c "$key2" "$tmp/out")" 0
if [ "$(id -u)" -eq 0 ]; then
	run S totp show nobody
	refused "totp show of a user without TOTP" 1
	check_eq "totp show nobody: why" "$(cat "$tmp/err")" \
	    "saslstep: no TOTP key for nobody"
fi

# --- failures change nothing -----------------------------------------------
S user show alice >"$tmp/before" 2>&1
run S totp init alice --qr-png "$tmp/no/such/dir/x.png"
refused "totp init: PNG in a missing directory" 1
for args in '--digits 9' '--alg md5' '--period 0' '--issuer a:b' 'bob'; do
	# shellcheck disable=SC2086
	run S totp init alice $args
	refused "totp init alice $args" 2
done
run S recovery init alice --count 0
refused "recovery init alice --count 0" 2
S user show alice >"$tmp/after" 2>&1
check_eq "failed and refused inits change no credential" "$(cmp -s \
    "$tmp/before" "$tmp/after" && echo same)" same
if [ -n "$OATHTOOL" ] && [ -n "$faketime_bin" ]; then
	login alice TOTP "$(totp_code "$key2" "$((T + 600))")" 0 \
	    "failed and refused inits keep the key" "$((T + 600))"
fi
run S totp init erin --qr-png "$tmp/no/such/dir/x.png"
refused "totp init erin: PNG in a missing directory" 1
run S user show erin
refused "a failed init makes no user" 1
# A symbolic link is not followed; a file of ours becomes 0600.
echo keep >"$tmp/target"
ln -s "$tmp/target" "$tmp/link.png"
run S totp init erin --qr-png "$tmp/link.png"
refused "totp init: PNG path is a symbolic link" 1
check_eq "the link's target is untouched" "$(cat "$tmp/target")" keep
run S user show erin
refused "a refused PNG path makes no user" 1
echo old >"$tmp/old.png"
chmod 644 "$tmp/old.png"
run S totp init erin --qr-png "$tmp/old.png"
ok "totp init erin over an old PNG"
check_eq "an old PNG becomes 0600" "$(mode_of "$tmp/old.png")" 600
decodes_to "totp init erin: PNG" "$tmp/old.png" "$(field uri)"

# --- hotp ------------------------------------------------------------------
run S hotp init frank --issuer X
ok "hotp init frank"
check_eq "hotp init frank: summary" "$(head -n 1 "$tmp/out")" \
    "frank: HOTP sha1, 6 digits, counter 0"
hkey=$(key_of)
check_eq "hotp init frank: URI" "$(field uri)" \
    "otpauth://hotp/X:frank?secret=$hkey&issuer=X&algorithm=SHA1&digits=6&counter=0"
if [ -n "$OATHTOOL" ]; then
	login frank HOTP "$(hotp_code "$hkey" 0)" 0 "HOTP login, counter 0"
	login frank HOTP "$(hotp_code "$hkey" 0)" 1 "HOTP counter 0 again"
	check_eq "user show: HOTP line" "$(cred_line frank hotp)" \
	    "credential: hotp sha1, 6 digits, next counter 1"
	# A token that ran ahead of the look-ahead: two consecutive codes.
	run S hotp resync frank "$(hotp_code "$hkey" 60)" \
	    "$(hotp_code "$hkey" 62)"
	refused "hotp resync with codes 60 and 62" 1
	check_eq "a refused resync changes nothing" "$(cred_line frank hotp)" \
	    "credential: hotp sha1, 6 digits, next counter 1"
	run S hotp resync frank "$(hotp_code "$hkey" 50)" \
	    "$(hotp_code "$hkey" 51)"
	ok "hotp resync with codes 50 and 51"
	check_eq "hotp resync: says so" "$(grep -c 'resynchronised' \
	    "$tmp/out")" 1
	check_eq "hotp resync: next counter 52" "$(cred_line frank hotp)" \
	    "credential: hotp sha1, 6 digits, next counter 52"
	login frank HOTP "$(hotp_code "$hkey" 51)" 1 "HOTP 51 after resync"
	login frank HOTP "$(hotp_code "$hkey" 52)" 0 "HOTP 52 after resync"
	if [ "$(id -u)" -eq 0 ]; then
		run S hotp show frank --issuer X
		ok "hotp show frank"
		check_eq "hotp show: the counter in the URI" "$(field uri)" \
		    "otpauth://hotp/X:frank?secret=$hkey&issuer=X&algorithm=SHA1&digits=6&counter=53"
	fi
fi
run S hotp resync nobody 123456 123456
refused "hotp resync of a user without HOTP" 1
check_eq "hotp resync nobody: why" "$(cat "$tmp/err")" \
    "saslstep: no HOTP key for nobody"

# --- totp resync (a token clock 50 minutes fast) ----------------------------
if [ -n "$OATHTOOL" ] && [ -n "$faketime_bin" ]; then
	run S totp init gina
	gkey=$(key_of)
	ahead=$((T + 3000))
	run at "$T" "$SASLSTEP" --db "$db" totp resync gina \
	    "$(totp_code "$gkey" "$ahead")" "$(totp_code "$gkey" "$((ahead + 30))")"
	ok "totp resync gina"
	check_eq "totp resync: says so" "$(grep -c 'resynchronised' \
	    "$tmp/out")" 1
	login gina TOTP "$(totp_code "$gkey" "$((ahead + 60))")" 0 \
	    "TOTP login with the fast token after resync" "$((T + 30))"
	check_eq "user show: TOTP t0 moved" "$(cred_line gina totp | \
	    grep -c 'steps from t0 ')" 1
	run at "$T" "$SASLSTEP" --db "$db" totp resync gina 123456 654321
	refused "totp resync with wrong codes" 1
fi

# --- recovery codes --------------------------------------------------------
run S recovery init alice --count 5
ok "recovery init alice --count 5"
sed -n 's/^  //p' "$tmp/out" >"$tmp/codes"
check_eq "recovery init: five codes" \
    "$(grep -cE '^[a-z2-7]{5}-[a-z2-7]{5}$' "$tmp/codes")" 5
check_eq "recovery init: all different" "$(sort -u "$tmp/codes" | wc -l)" 5
check_eq "user show: recovery line" "$(cred_line alice recovery)" \
    "credential: recovery, 5 of 5 codes left"
while read -r rcode; do
	check_absent "recovery code $rcode in the store" "$db" "$rcode"
	check_absent "recovery code in normal form in the store" "$db" \
	    "$(echo "$rcode" | tr -d -)"
done <"$tmp/codes"
rcode=$(head -n 1 "$tmp/codes")
login alice TOTP "$rcode" 0 "a recovery code at the TOTP prompt"
login alice TOTP "$rcode" 1 "the same recovery code again"
check_eq "user show: one code used" "$(cred_line alice recovery)" \
    "credential: recovery, 4 of 5 codes left"
run S recovery init alice
ok "recovery init alice (default count)"
check_eq "recovery init: ten by default" \
    "$(grep -cE '^  [a-z2-7]{5}-[a-z2-7]{5}$' "$tmp/out")" 10
check_eq "user show: new codes replace the old" \
    "$(cred_line alice recovery)" "credential: recovery, 10 of 10 codes left"
login alice TOTP "$(sed -n 2p "$tmp/codes")" 1 "an old recovery code"

# user show never shows a key.
run S user show alice
ok "user show alice"
check_absent "user show: no TOTP key" "$tmp/out" "$key2"
check_absent "user show: no HOTP key" "$tmp/out" "$hkey"

finish

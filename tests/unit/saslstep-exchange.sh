#!/bin/sh
# saslstep-exchange.sh: `saslstep client` and `saslstep server` wired
# together with two fifos, no root, no network: the wire format (one base64
# line per message, client-first or server-first by mechanism, the
# server's final line only on success), right and wrong secrets for every
# mechanism the library has, a forged or missing SCRAM server signature,
# values the client cannot ask for without a terminal, and usage errors.
# Exit 0 when every check passes, 1 otherwise.
set -u

top_srcdir=${top_srcdir:-$(dirname "$0")/../..}
. "$top_srcdir/tests/lib.sh"
cli_setup
# A hung side fails the test instead of hanging it.
LIMIT=60
WIRE_CLIENT_PREFIX=

S() {
	"$SASLSTEP" --db "$db" "$@"
}

# wire MECH FILTER CLIENT-ARGS...: one exchange between a server on the
# store and a client given CLIENT-ARGS (fd 3 reads $tmp/pass; the client
# runs under $WIRE_CLIENT_PREFIX when that is set), through the
# fifos c2s and s2c.  The server's lines go through FILTER (a command
# reading stdin, e.g. cat) on their way to the client.  Leaves the
# transcripts in $tmp/srv.out and $tmp/cli.out (lines as sent), the
# stderr of each in $tmp/srv.err and $tmp/cli.err, exit statuses in $src
# and $crc.
wire() {
	wire_mech=$1
	wire_filter=$2
	shift 2
	rm -f "$tmp/c2s" "$tmp/s2c" "$tmp/srv.rc" "$tmp/cli.rc"
	mkfifo "$tmp/c2s" "$tmp/s2c" || hard_error "mkfifo"
	{
		timeout "$LIMIT" "$SASLSTEP" --db "$db" server \
		    --mech "$wire_mech" 2>"$tmp/srv.err"
		echo $? >"$tmp/srv.rc"
	} <"$tmp/c2s" | tee "$tmp/srv.out" | $wire_filter >"$tmp/s2c" &
	{
		$WIRE_CLIENT_PREFIX timeout "$LIMIT" "$SASLSTEP" client \
		    --mech "$wire_mech" "$@" \
		    3<"$tmp/pass" 2>"$tmp/cli.err"
		echo $? >"$tmp/cli.rc"
	} <"$tmp/s2c" | tee "$tmp/cli.out" >"$tmp/c2s"
	wait
	src=$(cat "$tmp/srv.rc")
	crc=$(cat "$tmp/cli.rc")
}

# decoded FILE N: line N of a transcript, base64-decoded, with NUL bytes
# shown as "^@" (the shell cannot hold them).
decoded() {
	sed -n "${2}p" "$1" | base64 -d | sed 's/\x0/^@/g'
}

# wired_ok WHAT [USER]: both sides succeeded; the server logged the user
# (default alice) and no secret.
wired_ok() {
	check_eq "$1: server exit" "$src" 0
	check_eq "$1: client exit" "$crc" 0
	check_eq "$1: server log" "$(cat "$tmp/srv.err")" \
	    "saslstep: authenticated ${2:-alice}"
	check_eq "$1: client stderr" "$(cat "$tmp/cli.err")" ""
	check_absent "$1: password in the server log" "$tmp/srv.err" \
	    "$(cat "$tmp/pass")"
}

# wired_refused WHAT: the server refused and sent nothing more; the
# client saw the end of input and said so.
wired_refused() {
	check_eq "$1: server exit" "$src" 1
	check_eq "$1: client exit" "$crc" 1
	check_eq "$1: server log" \
	    "$(grep -c '^saslstep: authentication failed: ' "$tmp/srv.err")" 1
	check_eq "$1: client error" "$(cat "$tmp/cli.err")" \
	    "saslstep: the server ended the exchange: authentication failed"
	check_absent "$1: password in the server log" "$tmp/srv.err" \
	    "$(cat "$tmp/pass")"
}

# have_mech M: whether the library has mechanism M (an unknown one is a
# usage error before anything is read).
have_mech() {
	! "$SASLSTEP" client --mech "$1" --password-fd 9 9</dev/null \
	    </dev/null 2>&1 | grep -q 'unknown mechanism'
}

# --- OTP: server-side counter, pass phrase from fd 3 or stdin -------------
phrase='correct horse battery'
printf '%s\n' "$phrase" |
    S otp init alice --passphrase-stdin --seq 100 --seed ke1234 >/dev/null ||
    hard_error "otp init"
printf '%s\n' "$phrase" >"$tmp/pass"

wire OTP cat --authcid alice --password-fd 3
wired_ok "OTP --password-fd"
# Client first: authzid NUL authcid (RFC 2444 s. 4), then the response.
check_eq "OTP: client's first line" "$(sed -n 1p "$tmp/cli.out")" \
    "$(printf '\000alice' | base64)"
check_eq "OTP: challenge" "$(decoded "$tmp/srv.out" 1)" \
    "otp-sha1 99 ke1234 ext"
check_eq "OTP: response" "$(decoded "$tmp/cli.out" 2 | tr A-F a-f)" \
    "hex:$(printf '%s\n' "$phrase" | "$SASLSTEP" otp key --hex 99 ke1234 |
        tr A-F a-f)"
# The final line of a success with no data is an empty line.
check_eq "OTP: server lines" "$(wc -l <"$tmp/srv.out")" 2
check_eq "OTP: final line" "$(sed -n 2p "$tmp/srv.out")" ""
check_eq "OTP: client lines" "$(wc -l <"$tmp/cli.out")" 2
check_eq "OTP: counter used" \
    "$(S user show alice | grep '^credential: otp')" \
    'credential: otp "sha1 ke1234" counter 99'

# --password-stdin: the first line of stdin, then the protocol (wired by
# hand: the client's stdin is the pass phrase, then the fifo).
rm -f "$tmp/c2s" "$tmp/s2c"
mkfifo "$tmp/c2s" "$tmp/s2c"
timeout "$LIMIT" "$SASLSTEP" --db "$db" server --mech OTP \
    <"$tmp/c2s" >"$tmp/s2c" 2>"$tmp/srv.err" &
srvpid=$!
{ cat "$tmp/pass" "$tmp/s2c"; } |
    timeout "$LIMIT" "$SASLSTEP" client --mech OTP --authcid alice \
    --password-stdin >"$tmp/c2s" 2>"$tmp/cli.err"
crc=$?
wait "$srvpid"
src=$?
wired_ok "OTP --password-stdin"
check_eq "OTP --password-stdin: counter used" \
    "$(S user show alice | grep '^credential: otp')" \
    'credential: otp "sha1 ke1234" counter 98'

# A wrong pass phrase: refused, the counter stays.
printf 'wrong horse battery\n' >"$tmp/pass"
wire OTP cat --authcid alice --password-fd 3
wired_refused "OTP, wrong pass phrase"
check_eq "OTP, wrong pass phrase: server lines" "$(wc -l <"$tmp/srv.out")" 1
check_eq "OTP, wrong pass phrase: counter stays" \
    "$(S user show alice | grep '^credential: otp')" \
    'credential: otp "sha1 ke1234" counter 98'
# An unknown user gets a challenge too, then the same failure.
wire OTP cat --authcid nobody --password-fd 3
wired_refused "OTP, unknown user"
check_eq "OTP, unknown user: a challenge" \
    "$(decoded "$tmp/srv.out" 1 | sed 's/ [0-9]* [a-z0-9]* ext$//')" \
    "otp-sha1"

# --- values asked on the terminal ----------------------------------------
# expect gives the client a terminal (stdin and stdout stay the fifos):
# the authentication name is asked with echo, then the server's challenge
# is shown and the response asked for; the response typed is computed
# from the challenge on screen.
if [ -n "${EXPECT:-}" ] && [ -x "$EXPECT" ]; then
	rm -f "$tmp/c2s" "$tmp/s2c"
	mkfifo "$tmp/c2s" "$tmp/s2c" || hard_error "mkfifo"
	timeout "$LIMIT" "$SASLSTEP" --db "$db" server --mech OTP \
	    <"$tmp/c2s" >"$tmp/s2c" 2>"$tmp/srv.err" &
	srvpid=$!
	# shellcheck disable=SC2016 # Tcl: expect expands $env(...)
	SASLSTEP=$SASLSTEP PHRASE=$phrase C2S=$tmp/c2s S2C=$tmp/s2c \
	    "$EXPECT" -c '
	set timeout 30
	spawn -noecho sh -c "exec \"$env(SASLSTEP)\" client --mech OTP\
	    >\"$env(C2S)\" <\"$env(S2C)\""
	expect "Authentication name: " { send "alice\r" } timeout { exit 3 }
	expect -re "otp-sha1 (\[0-9]+) ke1234 ext\r\nResponse: " {
		set seq $expect_out(1,string)
	} timeout { exit 4 }
	send "[exec $env(SASLSTEP) otp key $seq ke1234 << $env(PHRASE)]\r"
	expect eof
	exit [lindex [wait] 3]' >"$tmp/tty.out" 2>&1
	crc=$?
	wait "$srvpid"
	src=$?
	check_eq "OTP on a terminal: client exit" "$crc" 0
	check_eq "OTP on a terminal: server exit" "$src" 0
	check_eq "OTP on a terminal: server log" "$(cat "$tmp/srv.err")" \
	    "saslstep: authenticated alice"
	check_eq "OTP on a terminal: counter used" \
	    "$(S user show alice | grep '^credential: otp')" \
	    'credential: otp "sha1 ke1234" counter 97'
else
	echo "expect was not found: questions on the terminal not tested"
fi

# --- what the client cannot ask without a terminal ------------------------
# setsid: no controlling terminal, so /dev/tty cannot be opened.
printf '%s\n' "$phrase" >"$tmp/pass"
run setsid "$SASLSTEP" client --mech OTP
check_eq "no terminal, no --authcid: exit" "$rc" 1
check_eq "no terminal, no --authcid: error" "$(cat "$tmp/err")" \
    'saslstep: no terminal to ask "Authentication name: " (or give --authcid)'
check_eq "no terminal, no --authcid: nothing sent" "$(cat "$tmp/out")" ""
# Without the pass phrase OTP shows the challenge and asks for the
# response: no terminal, no answer, and the server sees the client go.
WIRE_CLIENT_PREFIX='setsid -w'
wire OTP cat --authcid alice
WIRE_CLIENT_PREFIX=
check_eq "no terminal, no pass phrase: client exit" "$crc" 1
check_eq "no terminal, no pass phrase: client error" \
    "$(cat "$tmp/cli.err")" \
    'saslstep: no terminal to ask "Response: "'
check_eq "no terminal, no pass phrase: server exit" "$src" 1
check_eq "no terminal, no pass phrase: server error" \
    "$(cat "$tmp/srv.err")" "saslstep: the client ended the exchange"

# --- the wire: refused input ----------------------------------------------
# refused WHAT ERROR [LINES]: the last run (tests/lib.sh run, run_in) failed
# with exactly ERROR on stderr, having written LINES lines (default none).
refused() {
	check_eq "$1: exit" "$rc" 1
	check_eq "$1: error" "$(cat "$tmp/err")" "$2"
	check_eq "$1: lines sent" "$(wc -l <"$tmp/out")" "${3:-0}"
}
# A line that is not base64, from either side; base64 with a blank
# before it is not base64 either.
run_in 'not base64!' S server --mech OTP
refused "server, not base64" \
    "saslstep: the client sent a line that is not base64"
run_in ' AGFsaWNl' S server --mech OTP
refused "server, blank before base64" \
    "saslstep: the client sent a line that is not base64"
run_in 'b3RwLXNoYTEgOTkga2UxMjM0IGV4dA==x' "$SASLSTEP" client --mech OTP \
    --authcid alice --password-fd 3 3<"$tmp/pass"
refused "client, not base64" \
    "saslstep: the server sent a line that is not base64" 1
# A line longer than 1024 characters (a message over 768 bytes).
run_in "$(head -c 1028 /dev/zero | tr '\000' A)" S server --mech OTP
refused "server, line too long" \
    "saslstep: input line longer than 1024 bytes"
# The end of input before the client's first message.
run S server --mech OTP
refused "server, no input" \
    "saslstep: end of input before the client's first message"
# A server that sends its challenge and goes away: the client answered.
run_in "$(printf 'otp-sha1 99 ke1234 ext' | base64)" "$SASLSTEP" client \
    --mech OTP --authcid alice --password-fd 3 3<"$tmp/pass"
refused "client, server gone" \
    "saslstep: the server ended the exchange: authentication failed" 2
# A missing store is the server's failure, before anything is read.
run "$SASLSTEP" --db "$tmp/none.db" server --mech OTP
check_eq "server, missing store: exit" "$rc" 1
check_eq "server, missing store: names it" \
    "$(grep -cF "$tmp/none.db" "$tmp/err")" 1

# --- usage errors ---------------------------------------------------------
for args in 'client' 'client --mech' 'client --mech NOSUCH' \
    'client --mech OTP extra' 'client --mech OTP --password-fd x' \
    'client --mech OTP --password-stdin --password-fd 3' \
    'server' 'server --mech NOSUCH' 'server --mech OTP extra' \
    'client --mech OTP --bogus'; do
	run S $args
	check_eq "usage error: saslstep $args: exit" "$rc" 2
	check_eq "usage error: saslstep $args: usage" \
	    "$(grep -c '^usage: saslstep' "$tmp/err")" 1
done
for args in 'client --help' 'server --help'; do
	run S $args
	check_eq "saslstep $args: exit" "$rc" 0
	check_eq "saslstep $args: usage" \
	    "$(grep -c '^usage: saslstep' "$tmp/out")" 1
done

# --- password mechanisms, once the library has them -----------------------
password='pencil sharpener'
if ! S passwd --help >/dev/null 2>&1; then
	echo "saslstep passwd is not there yet: password mechanisms skipped"
	finish
fi
printf '%s\n' "$password" | S passwd alice --password-stdin >/dev/null ||
    hard_error "passwd alice"
printf '%s\n' "$password" |
    S passwd carol --password-stdin --cram-md5 >/dev/null ||
    hard_error "passwd carol --cram-md5"

for mech in PLAIN SCRAM-SHA-1 SCRAM-SHA-256 SCRAM-SHA-512 CRAM-MD5; do
	if ! have_mech "$mech"; then
		echo "$mech: not in the library yet, skipped"
		continue
	fi
	user=alice
	[ "$mech" = CRAM-MD5 ] && user=carol
	printf '%s\n' "$password" >"$tmp/pass"
	wire "$mech" cat --authcid "$user" --password-fd 3
	wired_ok "$mech" "$user"
	case $mech in
	CRAM-MD5)
		# Server first: the challenge, then the client's answer.
		check_eq "$mech: server lines" "$(wc -l <"$tmp/srv.out")" 2
		check_eq "$mech: client lines" "$(wc -l <"$tmp/cli.out")" 1
		check_eq "$mech: answer names the user" \
		    "$(decoded "$tmp/cli.out" 1 | cut -d' ' -f1)" carol
		;;
	PLAIN)
		check_eq "$mech: initial response" \
		    "$(decoded "$tmp/cli.out" 1)" "^@alice^@$password"
		check_eq "$mech: final line" "$(cat "$tmp/srv.out")" ""
		;;
	SCRAM-*)
		check_eq "$mech: client-first" \
		    "$(decoded "$tmp/cli.out" 1 | cut -d, -f1-3)" "n,,n=alice"
		check_eq "$mech: final is v=" \
		    "$(decoded "$tmp/srv.out" 2 | cut -c1-2)" "v="
		;;
	esac
	printf 'tr0ub4dor&3\n' >"$tmp/pass"
	wire "$mech" cat --authcid "$user" --password-fd 3
	wired_refused "$mech, wrong password"
done

# SCRAM: the client accepts the server's last line only with the right
# signature; a forged one, or none, fails the client although the server
# said OK.  (The filters run through wire's $wire_filter.)
# shellcheck disable=SC2317
forge_final() {
	forge_n=0
	while IFS= read -r forge_line; do
		forge_n=$((forge_n + 1))
		if [ "$forge_n" -eq 2 ]; then
			printf '%s\n' "$(printf 'v=%s' \
			    "$(head -c 32 /dev/zero | base64)" | base64)"
		else
			printf '%s\n' "$forge_line"
		fi
	done
}
# shellcheck disable=SC2317
drop_final() {
	head -n 1
	cat >/dev/null
}
if have_mech SCRAM-SHA-256; then
	printf '%s\n' "$password" >"$tmp/pass"
	wire SCRAM-SHA-256 forge_final --authcid alice --password-fd 3
	check_eq "SCRAM, forged signature: server exit" "$src" 0
	check_eq "SCRAM, forged signature: client exit" "$crc" 1
	check_eq "SCRAM, forged signature: client error" \
	    "$(grep -c 'the server did not prove it knows the password' \
	        "$tmp/cli.err")" 1
	wire SCRAM-SHA-256 drop_final --authcid alice --password-fd 3
	check_eq "SCRAM, no final line: server exit" "$src" 0
	check_eq "SCRAM, no final line: client exit" "$crc" 1
fi
finish

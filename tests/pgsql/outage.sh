#!/bin/sh
# outage.sh: the PostgreSQL store goes away under the module.  Logins fail
# closed (PAM_AUTHINFO_UNAVAIL, a clear log line without the password)
# within the bound when the server is stopped, when it is frozen (accepts
# connections and never answers: the bound, 2 s by default, 1 s with
# connect_timeout=1), and when it stops between the challenge and the
# response; when it is back, logins succeed again with the next value of
# the sequence: no counter lost, none reused.  Prints the times measured.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/pgsql/pg-lib.sh"

need PAM_WRAPPER_LIB PAMTESTER
export PAM_WRAPPER_DEBUGLEVEL=3

pg_setup
pg_store saslstep
otp_init "$ADMIN_URI" alice 20 ab12
pam_service "$tmp/pam" test "auth required $PAM_MODULE db=$HOST_URI mech=OTP"
pam_service "$tmp/pam1" test \
	"auth required $PAM_MODULE db=$HOST_URI?connect_timeout=1 mech=OTP"

ms() {
	echo $(($(date +%s%N) / 1000000))
}

# login DIR ANSWER: the tier 1 driver under pam_wrapper (the module's log
# on its stderr, $tmp/err) answering ANSWER, or the OTP response computed
# from $PASSPHRASE when ANSWER is empty; $out the transcript, $took the
# milliseconds it took.
login() {
	login_t0=$(ms)
	if [ -n "$2" ]; then
		set -- "$1" --answer "$2"
	else
		set -- "$1" --passphrase "$PASSPHRASE"
	fi
	login_dir=$1
	shift
	pw_run "$login_dir" "$DRIVER" --service test --user alice "$@" \
		>"$tmp/out" 2>"$tmp/err" || fail "driver exited with $?"
	took=$(($(ms) - login_t0))
	out=$(cat "$tmp/out")
	cat "$tmp/err" >>"$tmp/log"
}

# check_within WHAT MS MIN MAX: one check that MIN <= MS <= MAX.
check_within() {
	checks=$((checks + 1))
	[ "$2" -ge "$3" ] && [ "$2" -le "$4" ] ||
		fail "$1: $2 ms, not within $3..$4 ms"
}

unavail="RESULT PAM_AUTHINFO_UNAVAIL"

login "$tmp/pam" ""
check_eq "before: login" "$out" "$(challenge_prompt 19 ab12)
RESULT PAM_SUCCESS"
r19=$(otp_key 19 ab12)

# 1. Stopped: nothing listens; refused at once, before any prompt.
pg_stop
login "$tmp/pam" ""
echo "server stopped: PAM_AUTHINFO_UNAVAIL after $took ms"
check_eq "stopped: fails closed" "$out" "$unavail"
check_within "stopped: time" "$took" 0 2000
refused_line="cannot open the credential store: store postgresql: cannot \
connect: connection to server at \"127.0.0.1\", port $PG_PORT failed: \
Connection refused"
check_eq "stopped: one log line" \
	"$(grep -c -F -e "$refused_line" "$tmp/err")" 1

# 2. Back: the next value of the sequence; the one used before is spent.
pg_server_start || hard_error "restart failed"
login "$tmp/pam" "$r19"
check_eq "back: the response used before the outage" "$out" \
	"$(challenge_prompt 18 ab12)
RESULT PAM_AUTH_ERR"
login "$tmp/pam" ""
check_eq "back: login" "$out" "$(challenge_prompt 18 ab12)
RESULT PAM_SUCCESS"

# 3. Frozen: the server accepts and never answers.  The bound: 2 s by
# default, connect_timeout= in the URI sets it.
kill -STOP "$PG_PID"
login "$tmp/pam" ""
echo "server frozen: PAM_AUTHINFO_UNAVAIL after $took ms (bound 2000 ms)"
check_eq "frozen: fails closed" "$out" "$unavail"
check_within "frozen: within the bound" "$took" 1900 2900
check_eq "frozen: the log says why" "$(grep -c \
	'no answer from the server within 2000 ms' "$tmp/err")" 1
login "$tmp/pam1" ""
echo "server frozen, connect_timeout=1: PAM_AUTHINFO_UNAVAIL after" \
	"$took ms (bound 1000 ms)"
check_eq "frozen, connect_timeout=1: fails closed" "$out" "$unavail"
check_within "frozen, connect_timeout=1: within the bound" "$took" 900 1900
kill -CONT "$PG_PID"
login "$tmp/pam" ""
check_eq "thawed: login" "$out" "$(challenge_prompt 17 ab12)
RESULT PAM_SUCCESS"

# 4. Stopped between the challenge and the response (pamtester waits for
# the response on a FIFO): the response cannot be checked, so the login
# fails closed, and nothing is consumed.
mkfifo "$tmp/in" || hard_error "mkfifo"
pw_run "$tmp/pam" "$PAMTESTER" -v test alice authenticate <"$tmp/in" \
	>"$tmp/pt.out" 2>"$tmp/pt.err" &
pt_pid=$!
exec 3>"$tmp/in"
i=0
until grep -q 'Response: ' "$tmp/pt.err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 100 ] || hard_error "pamtester showed no prompt"
	sleep 0.05
done
pg_stop
t0=$(ms)
otp_key 16 ab12 >&3
exec 3>&-
pt_rc=0
wait "$pt_pid" || pt_rc=$?
took=$(($(ms) - t0))
echo "server stopped during a login: PAM_AUTHINFO_UNAVAIL $took ms after" \
	"the response"
check_eq "mid-login: challenge shown" \
	"$(grep -c 'otp-sha1 16 ab12 ext' "$tmp/pt.err")" 1
unavail_text='Authentication service cannot retrieve authentication info'
check_eq "mid-login: pamtester's result (PAM_AUTHINFO_UNAVAIL)" \
	"$(grep -c "^pamtester: $unavail_text\$" "$tmp/pt.err")" 1
check_eq "mid-login: the log says why" "$(grep -c \
	'updating a credential: connection to the server lost' "$tmp/pt.err")" 1
check_eq "mid-login: exit status" "$pt_rc" 1
check_within "mid-login: time" "$took" 0 2000
cat "$tmp/pt.err" >>"$tmp/log"

# Back.  The challenge of the cut-off login stays outstanding until it
# expires (RFC 2289 s. 9: one challenge at a time, on every host): the
# next login is refused meanwhile, and nothing was consumed.
pg_server_start || hard_error "restart failed"
login "$tmp/pam" ""
check_eq "back: the old challenge still outstanding" "$out" \
	"RESULT PAM_AUTH_ERR"
check_eq "back: the log says so" \
	"$(grep -c 'already in progress' "$tmp/err")" 1
# Five minutes later (the lock's lifetime), as an administrator sees it.
psql_do saslstep -c "UPDATE saslstep.pending SET expires = 0" >/dev/null ||
	hard_error "expiring the lock failed"
login "$tmp/pam" ""
check_eq "back, lock expired: the same challenge, login" "$out" \
	"$(challenge_prompt 16 ab12)
RESULT PAM_SUCCESS"
login "$tmp/pam" ""
check_eq "after: next login" "$out" "$(challenge_prompt 15 ab12)
RESULT PAM_SUCCESS"
check_eq "after: four logins, four steps" \
	"$("$SASLSTEP" --db "$ADMIN_URI" user show alice | grep credential)" \
	'credential: otp "sha1 ab12" counter 15'

check_absent "host password in the module's log" "$tmp/log" "$PG_HOST_PW"
check_absent "pass phrase in the module's log" "$tmp/log" "$PASSPHRASE"
finish

#!/bin/sh
# The race of RFC 2289 s. 9, through the module: while one OTP login of a
# user waits at its challenge, a second login of the same user cannot get
# a challenge (the server answers TRYAGAIN while the pending-challenge lock
# is held), so the first login's response, seen or guessed, is of no use
# to it: it fails without a prompt, and the log says why.  The first login
# then completes; its response is used up.  A login that dies while
# holding the lock (SIGKILL) blocks the user's OTP logins until the lock
# expires (300 s; pam_saslstep(8), SECURITY.md): checked with the clock
# moved on by faketime when it is installed.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

need PAM_WRAPPER_LIB PAMTESTER
need_sqlite3
db=$tmp/s.db
otp_init "$db" alice 10 ab12
r9=$(otp_key 9 ab12)
pam_service "$tmp/pw" test "auth required $PAM_MODULE db=$db"

# first: pamtester waits at the challenge, reading from a FIFO.
mkfifo "$tmp/in"
exec 3<>"$tmp/in"
pw_cleanup
env LD_PRELOAD="${SSTEP_PRELOAD:+$SSTEP_PRELOAD }$PAM_WRAPPER_LIB" PAM_WRAPPER=1 \
    PAM_WRAPPER_SERVICE_DIR="$tmp/pw" "$PAMTESTER" -v test alice \
    authenticate <"$tmp/in" >"$tmp/first.out" 2>"$tmp/first.err" &
first=$!
i=0
while ! grep -q 'Response: ' "$tmp/first.err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || hard_error "the first login shows no challenge"
	sleep 0.05
done
check_eq "first login: its challenge" "$(sed -n 3p "$tmp/first.err")" \
	"otp-sha1 9 ab12 ext"
check_eq "a lock is held" "$(sql "$db" 'SELECT count(*) FROM pending')" 1

# second: the same user, with the response to the first's challenge.
logged_login "$tmp/pw" alice --answer "$r9"
check_eq "second login while the first is pending" "$out" \
	"RESULT PAM_AUTH_ERR"
check_log "second login" 'already in progress'

# the first completes.
printf '%s\n' "$r9" >&3
rc=0
wait $first || rc=$?
exec 3>&-
check_eq "first login: exit status" "$rc" 0
check_eq "first login: result" "$(cat "$tmp/first.out")" \
	"pamtester: successfully authenticated"
check_eq "no lock left" "$(sql "$db" 'SELECT count(*) FROM pending')" 0
logged_login "$tmp/pw" alice --answer "$r9"
check_eq "the first's response again" "$out" "$(challenge_prompt 8 ab12)
RESULT PAM_AUTH_ERR"

# A login killed at its challenge leaves the lock until it expires.
mkfifo "$tmp/in2"
exec 3<>"$tmp/in2"
pw_cleanup
env LD_PRELOAD="${SSTEP_PRELOAD:+$SSTEP_PRELOAD }$PAM_WRAPPER_LIB" PAM_WRAPPER=1 \
    PAM_WRAPPER_SERVICE_DIR="$tmp/pw" "$PAMTESTER" -v test alice \
    authenticate <"$tmp/in2" >/dev/null 2>"$tmp/killed.err" &
killed=$!
i=0
while ! grep -q 'Response: ' "$tmp/killed.err" 2>/dev/null; do
	i=$((i + 1))
	[ $i -lt 200 ] || hard_error "the login to kill shows no challenge"
	sleep 0.05
done
kill -KILL $killed
wait $killed 2>/dev/null
exec 3>&-
pw_cleanup
r8=$(otp_key 8 ab12)
logged_login "$tmp/pw" alice --answer "$r8"
check_eq "after a killed login, before the lock expires" "$out" \
	"RESULT PAM_AUTH_ERR"
if [ -n "$FAKETIME_LIB" ]; then
	# --confdir, no pam_wrapper: libfaketime is the only preload.
	confdir "$tmp/pam" "db=$db"
	rc=0
	env LD_PRELOAD="$FAKETIME_LIB" FAKETIME='+301s' "$DRIVER" \
	    --confdir "$tmp/pam" --service test --user alice --answer "$r8" \
	    >"$tmp/out" 2>"$tmp/err" || rc=$?
	check_eq "after the lock expired" "$(cat "$tmp/out")" \
	    "$(challenge_prompt 8 ab12)
RESULT PAM_SUCCESS"
else
	echo "faketime not installed: lock expiry not checked"
fi
finish

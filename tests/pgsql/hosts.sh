#!/bin/sh
# hosts.sh: two "hosts" share one PostgreSQL store.  Each host is a tier 1
# driver process (under pam_wrapper, so the module's log is on its
# stderr) with a PAM service of its own, db=service=saslstep, and a
# pg_service.conf of its own (PGSERVICEFILE) naming the one database.  In
# every trial both hosts log the same user in at the same moment with the
# same one-time value (OTP, HOTP, TOTP): exactly one may succeed, and the
# counter moves once.  Prints the trial counts and how the losers lost.
# SSTEP_RACE_TRIALS sets the number of trials per mechanism (default 50).
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/pam/oath-setup.sh"
. "$top_srcdir/tests/pgsql/pg-lib.sh"

need PAM_WRAPPER_LIB
TRIALS=${SSTEP_RACE_TRIALS:-50}
export PAM_WRAPPER_DEBUGLEVEL=3
# The module's deadlines use the monotonic clock: leave it real.
export FAKETIME_DONT_FAKE_MONOTONIC=1

pg_setup
pg_store saslstep
for h in A B; do
	mkdir -p "$tmp/host$h" || hard_error "mkdir"
	pg_service_file "$tmp/host$h/pg_service.conf" saslstep saslstep \
		sstep_host "$PG_HOST_PW"
	for m in OTP HOTP TOTP; do
		confdir "$tmp/host$h/$m" "db=service=saslstep mech=$m"
	done
done

# race MECH USER ANSWER FAKETIME: hosts A and B log USER in with
# ANSWER, released together (each waits for $tmp/go, polled every
# millisecond); transcripts in $tmp/A.out and $tmp/B.out, logs in
# $tmp/A.err and $tmp/B.err.  FAKETIME, when not empty, is the Unix time
# both modules see.  In odd trials ($i) a third session holds the user's
# credential rows for 0.4 s first, so that both hosts have read them
# before either can write: they meet at the compare-and-swap (or at the
# challenge lock) for sure, whatever the timing of the machine.
race() {
	rm -f "$tmp/go"
	if [ $((i % 2)) = 1 ]; then
		psql_do saslstep -c BEGIN -c "SELECT 1 FROM
		    saslstep.credentials WHERE username = '$2' FOR UPDATE" \
		    -c "SELECT pg_sleep(0.4)" -c COMMIT >/dev/null &
		sleep 0.1
	fi
	for h in A B; do
		(
			PGSERVICEFILE=$tmp/host$h/pg_service.conf
			export PGSERVICEFILE
			if [ -n "$4" ]; then
				PAM_WRAPPER_LIB="$PAM_WRAPPER_LIB $FAKETIME_LIB"
				FAKETIME=@$4
				export FAKETIME
			fi
			while [ ! -e "$tmp/go" ]; do sleep 0.001; done
			pw_run "$tmp/host$h/$1" "$DRIVER" --service test \
				--user "$2" --answer "$3"
		) >"$tmp/$h.out" 2>"$tmp/$h.err" &
	done
	sleep 0.05
	: >"$tmp/go"
	wait
}

# judge MECH TRIAL: one check that exactly one host succeeded and the
# other was refused; counts how the loser lost in lost_lock (the other
# host's challenge lock, RFC 2289 s. 9), lost_cas (read the same version,
# lost the compare-and-swap), lost_after (came after the winner: the value
# was used up already).
judge() {
	judge_won=0
	judge_loser=
	for h in A B; do
		if grep -q '^RESULT PAM_SUCCESS$' "$tmp/$h.out"; then
			judge_won=$((judge_won + 1))
		elif grep -q '^RESULT PAM_AUTH_ERR$' "$tmp/$h.out"; then
			judge_loser=$h
		fi
	done
	checks=$((checks + 1))
	if [ "$judge_won" -ne 1 ] || [ -z "$judge_loser" ]; then
		fail "$1 trial $2: $judge_won hosts succeeded"
		for h in A B; do
			echo "--- host $h" >&2
			cat "$tmp/$h.out" "$tmp/$h.err" >&2
		done
		return
	fi
	if grep -q 'already in progress' "$tmp/$judge_loser.err"; then
		lost_lock=$((lost_lock + 1))
	elif grep -q 'changed during the' "$tmp/$judge_loser.err"; then
		lost_cas=$((lost_cas + 1))
	else
		lost_after=$((lost_after + 1))
	fi
}

report() {
	echo "$1: $TRIALS trials, exactly one host succeeded in each;" \
		"the other was held off by the challenge lock $lost_lock" \
		"times, lost the compare-and-swap $lost_cas times, came" \
		"after $lost_after times"
	# Both hosts in flight at once, not one after the other, at least
	# in the trials with the rows held.
	checks=$((checks + 1))
	case $1 in
	OTP) [ $lost_lock -gt 0 ] || fail "OTP: the hosts never met" ;;
	*) [ $lost_cas -gt 0 ] || fail "$1: the hosts never met" ;;
	esac
	lost_lock=0
	lost_cas=0
	lost_after=0
}
lost_lock=0
lost_cas=0
lost_after=0

# answer_MECH I: the one-time value both hosts give in trial I;
# time_MECH I: the Unix time their modules see then (none: the real one).
# OTP (RFC 2289): the challenge sequence counts down from TRIALS + 9.
answer_OTP() { otp_key $((TRIALS + 9 - $1)) ab12; }
time_OTP() { :; }
# HOTP (RFC 4226): counter I.
answer_HOTP() { hotp_code "$1"; }
time_HOTP() { :; }
# TOTP (RFC 6238): time step S0 + I, on both hosts' clocks.
answer_TOTP() { totp_code $((S0 + $1)); }
time_TOTP() { echo $((T0 + 30 * $1)); }

# trials MECH USER: TRIALS races of the two hosts for USER with MECH.
trials() {
	i=0
	while [ $i -lt $TRIALS ]; do
		race "$1" "$2" "$(answer_$1 $i)" "$(time_$1 $i)"
		judge "$1" $i
		i=$((i + 1))
	done
	report "$1"
}

otp_init "$ADMIN_URI" alice $((TRIALS + 10)) ab12
trials OTP alice
check_eq "OTP: one step per trial" \
	"$("$SASLSTEP" --db "$ADMIN_URI" user show alice | grep credential)" \
	"credential: otp \"sha1 ab12\" counter 10"
oath_enrol "$ADMIN_URI" hal hotp
trials HOTP hal
check_eq "HOTP: one step per trial" \
	"$(stored_counter "$ADMIN_URI" hal hotp)" "$TRIALS"
oath_enrol "$ADMIN_URI" tina totp
trials TOTP tina
check_eq "TOTP: the last step" "$(stored_counter "$ADMIN_URI" tina totp)" \
	$((S0 + TRIALS - 1))

# The password of the hosts' role is in their service files only.
for h in A B; do
	check_absent "host password in host $h's log" "$tmp/$h.err" \
		"$PG_HOST_PW"
done
finish

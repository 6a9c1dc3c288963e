#!/bin/sh
# The replay race: K pamtester processes (under pam_wrapper, through the
# module) log in as the same user at the same moment, each presenting the
# same one-time value; in every trial exactly one of them succeeds, the
# user's counter moves by exactly one, and no pending-challenge lock is
# left.  The processes wait at a gate (a FIFO) and start together.
#
# Per mechanism: enrol_MECH (once), value_MECH (the value to present
# now), counter_MECH and moved_MECH BEFORE AFTER (one step) below; a mechanism is one more name in MECHS.  For OTP the server
# holds a pending-challenge lock from challenge to response (RFC 2289 s.
# 9): the losers are refused at once; the compare-and-swap on the counter
# is what decides for mechanisms without one.
#
# HARDEN_RACE_TRIALS (default 50) trials of HARDEN_RACE_K (default 8)
# processes per mechanism.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

need PAM_WRAPPER_LIB PAMTESTER
need_sqlite3
TRIALS=${HARDEN_RACE_TRIALS:-50}
K=${HARDEN_RACE_K:-8}
refused=0
late=0
MECHS="OTP"
db=$tmp/s.db

enrol_OTP() {
	otp_init "$db" alice $((TRIALS + 10)) ab12
}
value_OTP() {
	otp_key $(($(otp_counter "$db" alice) - 1)) ab12
}
counter_OTP() {
	otp_counter "$db" alice
}
moved_OTP() {
	[ "$2" -eq $(($1 - 1)) ]
}

# trial MECH VALUE: one race; prints the number of successes.
trial() {
	rm -f "$tmp/gate" "$tmp"/rc.*
	mkfifo "$tmp/gate" || hard_error "mkfifo"
	# Held open for reading and writing: the racers' opens never block,
	# and their reads wait for the one write below.
	exec 3<>"$tmp/gate"
	pw_cleanup
	i=0
	while [ $i -lt "$K" ]; do
		(
			read -r _ <"$tmp/gate"
			rc=0
			printf '%s\n' "$2" | env LD_PRELOAD="${SSTEP_PRELOAD:+$SSTEP_PRELOAD }$PAM_WRAPPER_LIB" \
			    PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$tmp/pw" \
			    "$PAMTESTER" -v test alice authenticate \
			    >"$tmp/out.$i" 2>"$tmp/err.$i" || rc=$?
			echo $rc >"$tmp/rc.$i"
		) &
		i=$((i + 1))
	done
	sleep 0.05
	# One line per racer, in one write.
	yes go | head -n "$K" >&3
	wait
	exec 3>&-
	wins=0
	i=0
	while [ $i -lt "$K" ]; do
		case $(cat "$tmp/rc.$i") in
		0) wins=$((wins + 1)) ;;
		1)
			# Refused while the winner's challenge was pending, or
			# prompted after it (and then failing): both count.
			if grep -q 'Response: ' "$tmp/err.$i"; then
				late=$((late + 1))
			else
				refused=$((refused + 1))
			fi
			;;
		*)
			fail "racer $i: pamtester exit $(cat "$tmp/rc.$i")"
			cat "$tmp/err.$i" >&2
			;;
		esac
		i=$((i + 1))
	done
	echo "$wins"
}

for mech in $MECHS; do
	pam_service "$tmp/pw" test \
	    "auth required $PAM_MODULE db=$db mech=$mech"
	rm -f "$db"
	"enrol_$mech"
	t=0
	while [ $t -lt "$TRIALS" ]; do
		before=$("counter_$mech")
		value=$("value_$mech")
		trial "$mech" "$value" >"$tmp/wins"
		check_eq "$mech trial $t: exactly one success" \
		    "$(cat "$tmp/wins")" 1
		after=$("counter_$mech")
		checks=$((checks + 1))
		"moved_$mech" "$before" "$after" ||
			fail "$mech trial $t: counter $before -> $after"
		check_eq "$mech trial $t: no lock left" \
		    "$(sql "$db" 'SELECT count(*) FROM pending')" 0
		t=$((t + 1))
	done
	integrity "$db"
	echo "$mech: $TRIALS trials of $K simultaneous logins, one success" \
	    "each; losers refused while pending: $refused, prompted: $late"
	refused=0
	late=0
done
finish

#!/bin/sh
# Crash safety: logins (the tier 1 driver through the module) and
# enrolments (saslstep otp init) killed with SIGKILL at random moments,
# until HARDEN_KILLS kills (default 100) have landed on a live process.  After each kill the store must pass
# SQLite's integrity check; the login user's sequence number must never
# go back (nor skip: a login uses one OTP at most) and their OTP record
# must be whole; the enrolled user's record must be whole too (secret,
# seed and sequence number from one and the same enrolment).  A lock left
# by a login killed between challenge and response is counted and
# removed, as its expiry would (SECURITY.md).  Prints the kills survived.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

need_sqlite3
KILLS=${HARDEN_KILLS:-100}
db=$tmp/s.db
otp_init "$db" alice 2000 ab12
otp_init "$db" bob 100 bo0000
confdir "$tmp/pam" "db=$db"

# A random number from 0 to $1 - 1.
random() {
	echo $(($(od -An -N4 -tu4 /dev/urandom) % $1))
}

# How long a login and an enrolment take here, in microseconds: the
# kills land anywhere from the start to a little after the end.
elapsed_us() {
	es_start=$(date +%s%N)
	"$@" >/dev/null 2>&1
	echo $((($(date +%s%N) - es_start) / 1000))
}
login() {
	"$DRIVER" --confdir "$tmp/pam" --service test --user alice \
	    --passphrase "$PASSPHRASE"
}
enrol() {
	printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" --db "$db" otp init bob \
	    --alg "$ALG" --seq "$1" --seed "$2" --passphrase-stdin
}
login_us=$(elapsed_us login)
enrol_us=$(elapsed_us enrol 100 bo0001)
echo "a login takes ${login_us} us, an enrolment ${enrol_us} us"

printf '%s\n' "$PASSPHRASE" >"$tmp/pass"
survived=0
finished=0
locks=0
k=0
prev=$(otp_counter "$db" alice)
while [ $survived -lt "$KILLS" ] && [ $k -lt $((KILLS * 5)) ]; do
	# The programs themselves in the background, so $! is their pid.
	if [ $((k % 2)) -eq 0 ]; then
		what=login
		"$DRIVER" --confdir "$tmp/pam" --service test --user alice \
		    --passphrase "$PASSPHRASE" >/dev/null 2>&1 &
		delay=$(random $((login_us * 5 / 4 + 1)))
	else
		what=enrolment
		"$SASLSTEP" --db "$db" otp init bob --alg "$ALG" \
		    --seq $((100 + k % 900)) --seed "bo$(printf '%04d' "$k")" \
		    --passphrase-stdin <"$tmp/pass" >/dev/null 2>&1 &
		delay=$(random $((enrol_us * 5 / 4 + 1)))
	fi
	pid=$!
	sleep "$(printf '0.%06d' "$delay")"
	kill -KILL "$pid" 2>/dev/null
	rc=0
	wait "$pid" || rc=$?
	if [ $rc -eq 137 ]; then
		survived=$((survived + 1))
	else
		finished=$((finished + 1))
	fi

	integrity "$db"
	now=$(otp_counter "$db" alice)
	checks=$((checks + 1))
	[ "$now" -le "$prev" ] && [ "$now" -ge $((prev - 1)) ] ||
		fail "after a killed $what: alice's sequence $prev -> $now"
	otp_consistent "$db" alice
	otp_consistent "$db" bob
	n=$(sql "$db" 'SELECT count(*) FROM pending')
	if [ "$n" != 0 ]; then
		locks=$((locks + 1))
		sql "$db" 'DELETE FROM pending' ||
			hard_error "cannot remove the lock"
	fi
	prev=$now
	if [ "$now" -lt 3 ]; then
		otp_init "$db" alice 2000 ab12
		prev=2000
	fi
	k=$((k + 1))
done
# The store still works: a login succeeds.
drive "$tmp/pam" alice --passphrase "$PASSPHRASE"
check_eq "a login after the kills" "$(printf '%s\n' "$out" | tail -n 1)" \
	"RESULT PAM_SUCCESS"
checks=$((checks + 1))
[ $survived -eq "$KILLS" ] || fail "only $survived kills landed in $k tries"
echo "kills survived: $survived (in $k tries; $finished finished first);" \
	"logins killed while holding a lock: $locks"
finish

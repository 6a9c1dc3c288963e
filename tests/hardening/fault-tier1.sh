#!/bin/sh
# Fault injection through the PAM module (fuzz/pam_saslstep_fault.so, the
# module linked with fuzz/fault.c): for a login that succeeds, one with a
# wrong response and one of an unknown user, make the 1st, 2nd, 3rd ...
# fault point fail (an allocation of ours, of OpenSSL or of SQLite, or a
# file operation of the store), one run each, until a run passes no more
# fault points than N.  Every run must end in a PAM code with no crash
# (and, in the ASan build, no leak or memory error); the failing logins
# must never succeed; a faulted login that succeeds must have used up its
# OTP; the store must stay intact with a whole OTP record whose sequence
# number never went back.  Prints how many faults were tried.
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

need_sqlite3
FAULT_MODULE=$top_builddir/fuzz/.libs/pam_saslstep_fault.so
[ -f "$FAULT_MODULE" ] || hard_error "$FAULT_MODULE not built"
# Under valgrind a run costs a second or two: one run in $VG_EVERY runs
# under it (the ASan build checks every run for leaks).  STRIDE > 1 tries
# only every STRIDEth fault point.
VG_EVERY=${SSTEP_FAULT_VG_EVERY:-100}
STRIDE=${SSTEP_FAULT_STRIDE:-1}
vg=
if ! is_asan "$DRIVER" && [ -n "${VALGRIND-}" ] && [ -x "$VALGRIND" ]; then
	vg="$VALGRIND -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=97 --keep-debuginfo=yes"
fi

otp_init "$tmp/template.db" alice 10 ab12
r9=$(otp_key 9 ab12)
mkdir -m 700 "$tmp/run"
db=$tmp/run/s.db
pam_service "$tmp/pam" test "auth required $FAULT_MODULE db=$db"
tried=0
succeeded_anyway=0

# scenario NAME USER ANSWER WANT: N = 1, 2, ... as above.  WANT is the
# result without faults.
scenario() {
	sc_name=$1
	sc_user=$2
	sc_answer=$3
	sc_want=$4
	n=1
	while :; do
		rm -f "$db" "$db-wal" "$db-shm" "$tmp/report"
		cp -p "$tmp/template.db" "$db"
		sc_vg=
		[ -n "$vg" ] && [ $((n % VG_EVERY)) -eq 1 ] && sc_vg=$vg
		rc=0
		SSTEP_FAULT="nth:$n" SSTEP_FAULT_REPORT="$tmp/report" \
		    $sc_vg "$DRIVER" --confdir "$tmp/pam" --service test \
		    --user "$sc_user" --answer "$sc_answer" \
		    >"$tmp/out" 2>"$tmp/err" || rc=$?
		result=$(sed -n 's/^RESULT //p' "$tmp/out")
		injected=$(cat "$tmp/report" 2>/dev/null)
		checks=$((checks + 1))
		if [ $rc -ne 0 ] || [ -z "$result" ]; then
			fail "$sc_name, fault $n ($injected): driver exit $rc"
			sed 's/^/    /' "$tmp/err" | head -n 30 >&2
		fi
		counter=$(otp_counter "$db" alice)
		if [ -z "$injected" ]; then
			# No fault point left: the plain result.
			check_eq "$sc_name without faults" "$result" "$sc_want"
			break
		fi
		tried=$((tried + 1))
		case $sc_want:$result in
		PAM_SUCCESS:PAM_SUCCESS)
			succeeded_anyway=$((succeeded_anyway + 1))
			check_eq "$sc_name, fault $n ($injected): OTP used" \
			    "$counter" 9
			;;
		PAM_SUCCESS:*)
			checks=$((checks + 1))
			[ "$counter" = 10 ] || [ "$counter" = 9 ] ||
				fail "$sc_name, fault $n: counter $counter"
			;;
		*:PAM_SUCCESS)
			fail "$sc_name, fault $n ($injected): a failing login succeeded"
			;;
		*)
			check_eq "$sc_name, fault $n ($injected): nothing used" \
			    "$counter" 10
			;;
		esac
		checks=$((checks + 1))
		case $result in
		PAM_SUCCESS | PAM_AUTH_ERR | PAM_AUTHINFO_UNAVAIL | PAM_BUF_ERR) ;;
		*) fail "$sc_name, fault $n ($injected): $result" ;;
		esac
		if [ $((n % 10)) -eq 1 ]; then
			integrity "$db"
			otp_consistent "$db" alice
		fi
		n=$((n + STRIDE))
	done
	echo "$sc_name: fault points 1 to $((n - 1)), one in $STRIDE tried"
}

scenario "login" alice "$r9" PAM_SUCCESS
scenario "wrong response" alice 'hex:0123456789abcdef' PAM_AUTH_ERR
scenario "unknown user" mallory "$r9" PAM_AUTH_ERR
echo "faults tried: $tried (a login succeeded despite $succeeded_anyway, its OTP used)"
finish

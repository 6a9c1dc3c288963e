# tests/hardening/lib.sh: what the hardening tests share.  Sourced after
# tests/pam/setup.sh (which gives $tmp, $DRIVER, otp_init, otp_key,
# confdir, drive and the check helpers of tests/lib.sh).

need_sqlite3() {
	SQLITE3=$(command -v sqlite3) || skip "no sqlite3 command"
}

# sql DB QUERY: run QUERY on the store DB with the sqlite3 command (as an
# administrator would look at it), one row a line, fields split by '|'.
sql() {
	"$SQLITE3" -batch "$1" "$2"
}

# otp_row DB USER: "counter|SECRET-HEX|params" of USER's OTP credential,
# or nothing when there is none.
otp_row() {
	sql "$1" "SELECT counter, lower(hex(secret)), params FROM credentials \
WHERE user = '$2' AND family = 'otp'"
}

# otp_consistent DB USER: one check that USER's OTP record is whole: its
# secret is the OTP of $PASSPHRASE at its counter for its seed (a record
# half written, or mixed from two writes, fails this).
otp_consistent() {
	oc_row=$(otp_row "$1" "$2")
	oc_counter=${oc_row%%|*}
	oc_rest=${oc_row#*|}
	oc_secret=${oc_rest%%|*}
	oc_params=${oc_rest#*|}
	oc_alg=${oc_params%% *}
	oc_seed=${oc_params#* }
	checks=$((checks + 1))
	oc_want=$(printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" otp key --hex \
	    --alg "$oc_alg" "$oc_counter" "$oc_seed" 2>/dev/null)
	[ -n "$oc_row" ] && [ "$oc_secret" = "$oc_want" ] ||
		fail "$2's OTP record is not whole: $oc_row"
}

# integrity DB: one check that SQLite finds the store intact.
integrity() {
	check_eq "integrity of $1" "$(sql "$1" 'PRAGMA integrity_check')" ok
}

# otp_counter DB USER: the sequence number stored for USER.
otp_counter() {
	sql "$1" "SELECT counter FROM credentials WHERE user = '$2' AND \
family = 'otp'"
}

# store_dump DB: the store's content, for "left as it was" comparisons
# (sqlite3's .dump reads the WAL too).
store_dump() {
	sql "$1" .dump
}

# is_asan PROGRAM: whether PROGRAM was built with AddressSanitizer.
is_asan() {
	ldd "$1" 2>/dev/null | grep -q 'libasan\|libclang_rt.asan' ||
		nm "$1" 2>/dev/null | grep -q ' __asan_init'
}

# logged_login SERVICEDIR USER DRIVER-ARGS...: one login by the tier 1
# driver under pam_wrapper, which prints pam_syslog lines on stderr: the
# transcript in $out, the log in $log.  A driver that does not finish
# cleanly is a failed check.
logged_login() {
	ll_dir=$1
	ll_user=$2
	shift 2
	ll_rc=0
	PAM_WRAPPER_DEBUGLEVEL=3 pw_run "$ll_dir" "$DRIVER" --service test \
	    --user "$ll_user" "$@" >"$tmp/out" 2>"$tmp/log" || ll_rc=$?
	out=$(cat "$tmp/out")
	log=$(cat "$tmp/log")
	checks=$((checks + 1))
	[ $ll_rc -eq 0 ] || fail "driver exited with $ll_rc (user $ll_user)"
}

# check_log WHAT PATTERN: one check that the last login's log has a line
# matching the extended regular expression PATTERN.
check_log() {
	checks=$((checks + 1))
	cl_line=$(printf '%s\n' "$log" | grep -E -e "$2" | head -n 1)
	if [ -n "$cl_line" ]; then
		echo "$1: $cl_line"
	else
		fail "$1: no log line matches /$2/: $log"
	fi
}

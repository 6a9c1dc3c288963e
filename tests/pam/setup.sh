# tests/pam/setup.sh: what the tier 1 and tier 2 tests share.  Sourced by
# each tests/pam/*.sh; sources tests/lib.sh and makes $tmp.
#
# With SSTEP_VALGRIND=1 in the environment (tests/pam/valgrind-*.sh), the
# driver and pamtester run under valgrind, and a valgrind error fails the
# check that ran them: the same assertions, once more under memcheck.

. "$top_srcdir/tests/lib.sh"

DRIVER=$top_builddir/tests/pam/driver
[ -x "$DRIVER" ] || hard_error "$DRIVER not built"
need PAM_MODULE SASLSTEP
make_tmpdir

# One pass phrase for every test user: the tests look for it in logs.
PASSPHRASE='correct horse battery'
ALG=sha1

VG=
if [ -n "${SSTEP_VALGRIND-}" ]; then
	need VALGRIND
	# --keep-debuginfo: pam_end() unloads the module before the leak
	# check, whose traces would otherwise show "???".
	VG="$VALGRIND -q --leak-check=full \
--errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
--keep-debuginfo=yes"
fi

# otp_init DB USER SEQ SEED: enrol USER for OTP in the store DB with
# $PASSPHRASE; the first challenge is then for SEQ - 1.
otp_init() {
	printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" --db "$1" otp init "$2" \
		--alg "$ALG" --seq "$3" --seed "$4" --passphrase-stdin \
		>/dev/null || hard_error "saslstep otp init $2 failed"
}

# otp_key SEQ SEED: print the response (six words) for SEQ and SEED.
otp_key() {
	printf '%s\n' "$PASSPHRASE" | "$SASLSTEP" otp key --alg "$ALG" \
		"$1" "$2" || hard_error "saslstep otp key failed"
}

# confdir DIR MODULE-ARGS...: a service "test" in DIR whose auth stack is
# the module alone, with the given arguments.
confdir() {
	confdir_dir=$1
	shift
	pam_service "$confdir_dir" test "auth required $PAM_MODULE $*"
}

# drive CONFDIR USER DRIVER-ARGS...: run the driver for service "test"
# with pam_start_confdir(); its transcript goes to $out (and $tmp/out), its
# stderr to $tmp/driver.err.  A driver that does not finish cleanly
# (valgrind errors included) is a failed check.  Not to be run in $(...):
# the count of failures would stay in the subshell.
drive() {
	drive_dir=$1
	drive_user=$2
	shift 2
	drive_rc=0
	$VG "$DRIVER" --confdir "$drive_dir" --service test \
		--user "$drive_user" "$@" >"$tmp/out" 2>"$tmp/driver.err" ||
		drive_rc=$?
	out=$(cat "$tmp/out")
	if [ "$drive_rc" -ne 0 ]; then
		fail "driver exited with $drive_rc (user $drive_user)"
		cat "$tmp/driver.err" >&2
	fi
}

# challenge_prompt SEQ SEED: the prompt line the driver prints for an OTP
# challenge.
challenge_prompt() {
	printf 'PROMPT_ECHO_ON "otp-%s %s %s ext\\nResponse: "' "$ALG" "$1" "$2"
}

# pamtester_run SERVICEDIR USER INPUT: pamtester -v for service "test" and
# USER under pam_wrapper (services read from SERVICEDIR), with INPUT on
# stdin; $rc, $out (stdout) and $err (stderr) hold what it did.
pamtester_run() {
	rc=0
	printf '%s' "$3" | pw_run "$1" "$PAMTESTER" -v test "$2" \
		authenticate >"$tmp/out" 2>"$tmp/err" || rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

# pamtester_check WHAT USER PROMPTS RESULT: after a pamtester run for USER,
# stderr must be pamtester's two lines and PROMPTS (what misc_conv wrote,
# without the answers), and the run must have succeeded (RESULT ok) or
# failed with RESULT right after the prompts (an answer read without echo
# leaves no newline, so the failure follows the prompt on its line).
pamtester_check() {
	pc_head="pamtester: invoking pam_start(test, $2, ...)
pamtester: performing operation - authenticate
$3"
	if [ "$4" = ok ]; then
		check_eq "$1: exit status" "$rc" 0
		check_eq "$1: stdout" "$out" \
			"pamtester: successfully authenticated"
		check_eq "$1: stderr" "$err" "$pc_head"
	else
		check_eq "$1: exit status" "$rc" 1
		check_eq "$1: stdout" "$out" ""
		check_eq "$1: stderr" "$err" "$pc_head$4"
	fi
}

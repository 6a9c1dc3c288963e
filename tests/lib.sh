# tests/lib.sh: shell helpers for the tests in tests/pam and tests/e2e.
# Source it with `. "$top_srcdir/tests/lib.sh"`; make exports top_srcdir,
# top_builddir, PAM_MODULE, SASLSTEP, PAM_WRAPPER_LIB, PAMTESTER, VALGRIND.
# Exit statuses follow automake: 0 pass, 1 fail, 77 skip, 99 hard error.

checks=0
failures=0

# skip MESSAGE: say why the test cannot run here and exit 77.
skip() {
	echo "SKIP: $*"
	exit 77
}

# fail MESSAGE: report a failed check on stderr; the test goes on, so one
# run shows every failure, and finish exits 1.
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# hard_error MESSAGE: the test's own set-up broke (not the code under
# test): exit 99.
hard_error() {
	echo "ERROR: $*" >&2
	exit 99
}

# check_eq WHAT GOT WANT: one check that GOT equals WANT (multi-line
# strings are fine); on a difference show both.
check_eq() {
	checks=$((checks + 1))
	if [ "$2" != "$3" ]; then
		fail "$1"
		printf -- '--- want\n%s\n--- got\n%s\n---\n' "$3" "$2" >&2
	fi
}

# check_absent WHAT FILE TEXT: one check that the fixed string TEXT does
# not occur in FILE (e.g. a pass phrase in a log).
check_absent() {
	checks=$((checks + 1))
	if grep -F -q -e "$3" "$2"; then
		fail "$1: found in $2"
	fi
}

# finish: print the number of checks and exit 0, or 1 after a failure.
finish() {
	echo "$checks checks, $failures failed"
	[ "$checks" -gt 0 ] || hard_error "no check ran"
	[ "$failures" -eq 0 ] && exit 0
	exit 1
}

# run CMD...: CMD with stdin empty; run_in INPUT CMD...: INPUT and a
# newline on stdin.  Both leave stdout in $tmp/out, stderr in $tmp/err,
# exit status in $rc (make_tmpdir first).
# shellcheck disable=SC2034 # rc is for the caller
run() {
	"$@" </dev/null >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
# shellcheck disable=SC2034
run_in() {
	run_in_input=$1
	shift
	printf '%s\n' "$run_in_input" | "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}

# login_result WANT WHAT: after a `saslstep login` run with run or run_in,
# one check each that it exited WANT (0 or 1) and that its last line says
# so ("login OK" / "login failed").
login_result() {
	check_eq "$2: exit status" "$rc" "$1"
	if [ "$1" -eq 0 ]; then
		check_eq "$2" "$(tail -n 1 "$tmp/out")" "login OK"
	else
		check_eq "$2" "$(tail -n 1 "$tmp/out")" "login failed"
	fi
}

# need VAR...: skip unless each named variable holds the path of something
# that exists (a program or library found by configure).
need() {
	for need_var in "$@"; do
		eval "need_val=\${$need_var-}"
		[ -n "$need_val" ] && [ -e "$need_val" ] ||
			skip "$need_var: ${need_val:-not found by configure}"
	done
}

# make_tmpdir: make a private directory (0700, owned by us, so a store in
# it passes the permission checks) in $tmp, removed when the shell exits.
make_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/saslstep-test.XXXXXX") ||
		hard_error "mktemp failed"
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' HUP INT TERM
}

# cli_setup: for the tests of the saslstep command: $SASLSTEP (default
# ./saslstep) must be built; a SASLSTEP_DB of the caller's environment is
# dropped (it would choose the store); a temp dir $tmp (make_tmpdir) and
# $db, the path of a store in it.
cli_setup() {
	SASLSTEP=${SASLSTEP:-./saslstep}
	[ -x "$SASLSTEP" ] || hard_error "no saslstep command at $SASLSTEP"
	unset SASLSTEP_DB
	make_tmpdir
	db=$tmp/store.db
}

# pam_service DIR SERVICE LINE...: write the PAM service file DIR/SERVICE,
# one line per argument, and DIR/other (pam_deny) beside it: the layout
# both pam_start_confdir() and pam_wrapper's PAM_WRAPPER_SERVICE_DIR read.
# Module paths in LINEs must be absolute.
pam_service() {
	pam_service_dir=$1
	pam_service_name=$2
	shift 2
	mkdir -p "$pam_service_dir" || hard_error "mkdir $pam_service_dir"
	printf '%s\n' "$@" >"$pam_service_dir/$pam_service_name"
	printf 'auth required pam_deny.so\naccount required pam_deny.so\n' \
		>"$pam_service_dir/other"
}

# pw_cleanup: remove the /tmp/pam.X directories that pam_wrapper left
# behind in processes of ours that died (it has 62 names only, and removes
# its directory only on a clean exit); live ones, and other users', stay.
pw_cleanup() {
	for pw_dir in /tmp/pam.?; do
		[ -d "$pw_dir" ] && [ -O "$pw_dir" ] && [ -f "$pw_dir/pid" ] ||
			continue
		pw_pid=$(cat "$pw_dir/pid" 2>/dev/null) || continue
		case $pw_pid in
		'' | *[!0-9]*) continue ;;
		esac
		kill -0 "$pw_pid" 2>/dev/null || rm -rf "$pw_dir"
	done
}

# pw_run SERVICEDIR COMMAND [ARG...]: run COMMAND with pam_wrapper preloaded
# and reading its services from SERVICEDIR.  The preload is set on COMMAND
# itself (never around a wrapper script or valgrind's launcher); a program
# named in $PW_PREFIX (e.g. valgrind and its options) runs first and must
# pass the environment on.  PAM_WRAPPER_DEBUGLEVEL is passed through.
# $SSTEP_PRELOAD, when set, is preloaded first: the ASan runtime, in the
# sanitizer build (scripts/check.sh), must come before anything else.
pw_run() {
	pw_run_dir=$1
	shift
	pw_cleanup
	$PW_PREFIX env LD_PRELOAD="${SSTEP_PRELOAD:+$SSTEP_PRELOAD }$PAM_WRAPPER_LIB" \
		PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$pw_run_dir" "$@"
}

# under_valgrind SCRIPT...: run each test script (path) once more with
# SSTEP_VALGRIND=1 in its environment, which tests/pam/setup.sh turns into
# valgrind's memcheck around the program under test; one check each (a
# script that skips is not a failure).
under_valgrind() {
	for uv_script in "$@"; do
		checks=$((checks + 1))
		uv_rc=0
		SSTEP_VALGRIND=1 sh "$uv_script" || uv_rc=$?
		case $uv_rc in
		0) ;;
		77) echo "$uv_script: skipped" ;;
		*) fail "$uv_script under valgrind (exit $uv_rc)" ;;
		esac
	done
}

# FAKETIME_LIB: libfaketime, preloaded directly.  The faketime wrapper is
# not used: it shares a named semaphore between runs, and two tests using
# it at once (make -j2) collide ("sem_open: File exists").  Empty when the
# Debian package faketime is not installed.
FAKETIME_LIB=
for faketime_try in /usr/lib/*/faketime/libfaketime.so.1 \
    /usr/lib64/faketime/libfaketime.so.1 /usr/lib/faketime/libfaketime.so.1; do
	if [ -f "$faketime_try" ]; then
		FAKETIME_LIB=$faketime_try
		break
	fi
done

# at_time T CMD...: run CMD with the clock at Unix time T (it runs on from
# there), through libfaketime preloaded on CMD alone.
at_time() {
	at_time_t=$1
	shift
	env LD_PRELOAD="$FAKETIME_LIB${LD_PRELOAD:+ $LD_PRELOAD}" \
	    FAKETIME="@$at_time_t" FAKETIME_FMT=%s "$@"
}

#!/bin/sh
# The whole test run, as CI does it (README "Quick start", line 2):
# dependencies, a build with warnings as errors, `make check` (unit, PAM
# tiers 1-2 with valgrind, tier 3 with a real sshd when root), the format
# check and `make distcheck`.  Ends with one line "N passed, N failed" and
# exits non-zero when anything failed.
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
log=$top/check.log
: >"$log"

passed=0
failed=0
skipped=0

# A step that is not a test but must work for any test to mean anything.
must() {
	echo "== $*"
	if ! "$@" >>"$log" 2>&1; then
		tail -n 40 "$log"
		echo "check: '$*' failed (full log: $log)"
		echo "$passed passed, $((failed + 1)) failed"
		exit 1
	fi
}

# Add automake's "# PASS:" style totals from a test-suite run to ours.
count() {
	p=$(sed -n 's/^# PASS: *//p; s/^# XFAIL: *//p' "$1" | awk '{s+=$1} END {print s+0}')
	f=$(sed -n 's/^# FAIL: *//p; s/^# XPASS: *//p; s/^# ERROR: *//p' "$1" |
	    awk '{s+=$1} END {print s+0}')
	s=$(sed -n 's/^# SKIP: *//p' "$1" | awk '{s+=$1} END {print s+0}')
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

must scripts/deps.sh
must ./autogen.sh
must ./configure --enable-werror
must make -j2

echo "== make check"
make -j2 check >"$top/make-check.out" 2>&1
status=$?
cat "$top/make-check.out" >>"$log"
grep -E '^(PASS|FAIL|SKIP|XFAIL|XPASS|ERROR):' "$top/make-check.out"
count "$top/make-check.out"
if [ $status -ne 0 ]; then
	for f in $(find tests -name '*.log' ! -name test-suite.log); do
		if grep -q '^:test-result: \(FAIL\|ERROR\)' "${f%.log}.trs" 2>/dev/null; then
			echo "---- $f"
			tail -n 60 "$f"
		fi
	done
	# make failed without a test failing (a test program did not
	# build, say): that is a failure too.
	[ $failed -eq 0 ] && failed=1
fi

echo "== format (clang-format)"
if command -v clang-format >/dev/null 2>&1; then
	if git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror \
	    >>"$log" 2>&1; then
		echo "PASS: clang-format"
		passed=$((passed + 1))
	else
		echo "FAIL: clang-format (run: git ls-files '*.c' '*.h' | xargs clang-format -i)"
		failed=$((failed + 1))
	fi
fi

echo "== make distcheck"
if make -j2 distcheck >>"$log" 2>&1; then
	echo "PASS: distcheck"
	passed=$((passed + 1))
else
	tail -n 40 "$log"
	echo "FAIL: distcheck"
	failed=$((failed + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]

#!/bin/sh
# fuzz/run.sh: run the libFuzzer targets (make fuzz-smoke, make fuzz-long).
#
# usage: run.sh (--time SECONDS | --runs N) [--fault RATE] TARGET...
#
# Each TARGET is a built fuzz program (fuzz/fuzz-NAME), run from the top
# build directory.  fuzz-mech and fuzz-cred run once per mechanism of the
# harness's table (FUZZ_LIST=1 prints it), as mech-<m> and cred-<m>; the
# others once each, as NAME.  A run starts from the seed corpus
# fuzz/corpus/<run> of the source tree (only read) and keeps what it finds
# in fuzz/work/<run>; its dictionary is the first of fuzz/dict/ found for
# the run's name, its mechanism or their first word (mechanisms that share
# a parser share a dictionary).  With --fault, the runs that have
# allocations, files and a store to fail (mech-*, cred-*, import) are
# repeated with FUZZ_FAULT=RATE (each fails at random, 1 in RATE) as
# <run>+fault.  A crash, leak, undefined behaviour, timeout or harness
# oracle failure fails the run and leaves its input in fuzz/artifacts/.
#
# Prints "PASS: fuzz <run> (N execs, S s)" or "FAIL: fuzz <run> ..." per
# run, then automake's "# PASS: / # FAIL:" totals (scripts/check.sh adds
# them up), and exits 1 when a run failed.
set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
limit=
fault=
while [ $# -gt 0 ]; do
	case $1 in
	--time) limit="-max_total_time=$2"; shift 2 ;;
	--runs) limit="-runs=$2"; shift 2 ;;
	--fault) fault=$2; shift 2 ;;
	--*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ -n "$limit" ] && [ $# -gt 0 ] || {
	echo "usage: run.sh (--time S | --runs N) [--fault RATE] TARGET..." >&2
	exit 2
}
mkdir -p fuzz/work fuzz/artifacts
passed=0
failed=0

# one RUN BINARY MECH FAULT: one libFuzzer run; MECH may be empty.
one() {
	run=$1
	bin=$2
	mech=$3
	rate=$4
	name=$run
	[ -n "$rate" ] && name="$run+fault"
	dict=
	m=$(echo "$mech" | tr 'A-Z' 'a-z')
	for d in "$run" "$m" "${m%%-*}" "${run#*-}" "${run%%-*}"; do
		# Mechanisms that share a parser share its dictionary.
		case $d in
		hotp | totp | recovery) d=oath ;;
		cram-md5) d=plain ;;
		esac
		if [ -n "$d" ] && [ -f "$srcdir/fuzz/dict/$d.dict" ]; then
			dict="-dict=$srcdir/fuzz/dict/$d.dict"
			break
		fi
	done
	seeds=
	[ -d "$srcdir/fuzz/corpus/$run" ] && seeds="$srcdir/fuzz/corpus/$run"
	mkdir -p "fuzz/work/$run"
	log="fuzz/work/$name.log"
	start=$(date +%s)
	rc=0
	# The import readers print a message per refused line: not kept.
	quiet=
	[ "$run" != import ] || quiet=-close_fd_mask=2
	env FUZZ_MECH="$mech" FUZZ_FAULT="$rate" "$bin" $limit $dict $quiet \
	    -timeout=30 -print_final_stats=1 \
	    -artifact_prefix="fuzz/artifacts/$name-" \
	    "fuzz/work/$run" $seeds >"$log" 2>&1 || rc=$?
	secs=$(($(date +%s) - start))
	execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
	if [ $rc -eq 0 ] && [ -n "$execs" ]; then
		echo "PASS: fuzz $name (${execs} execs, ${secs} s)"
		passed=$((passed + 1))
	else
		echo "FAIL: fuzz $name (exit $rc; log $log)"
		grep -E 'ERROR|SUMMARY|oracle|Test unit written' "$log" |
		    head -n 10
		failed=$((failed + 1))
	fi
}

for bin in "$@"; do
	[ -x "$bin" ] || { echo "run.sh: $bin not built" >&2; exit 2; }
	base=$(basename "$bin")
	base=${base#fuzz-}
	case $base in
	mech | cred)
		mechs=$(FUZZ_LIST=1 "$bin" 2>/dev/null) || {
			echo "run.sh: $bin cannot list its mechanisms" >&2
			exit 2
		}
		for m in $mechs; do
			run="$base-$(echo "$m" | tr 'A-Z' 'a-z')"
			one "$run" "$bin" "$m" ""
			[ -z "$fault" ] || one "$run" "$bin" "$m" "$fault"
		done
		;;
	*)
		one "$base" "$bin" "" ""
		# Faults where there is something to fail: allocations,
		# files, the store.
		case $base in
		import) [ -z "$fault" ] || one "$base" "$bin" "" "$fault" ;;
		esac
		;;
	esac
done
echo "# PASS: $passed"
echo "# FAIL: $failed"
[ $failed -eq 0 ]

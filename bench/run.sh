#!/bin/sh
# run.sh: what `make bench` runs, one table: the timings of bench/bench
# (PBKDF2, SCRAM exchanges, HOTP/TOTP), the PAM logins of bench/pam-bench
# with $BENCH_USERS enrolled users (BENCH_USERS="" skips them; the stores
# and usersfiles are made first, outside the timing), then the callgrind
# instruction counts of bench/bench's operations when valgrind is there.
#   run.sh BENCH [bench options]
# Environment (the Makefile sets it): PAM_MODULE, PAMTESTER,
# PAM_WRAPPER_LIB, BENCH_USERS, BENCH_PAM_ROUNDS (default 11).
set -u
bench=$1
shift
here=$(dirname "$0")
pam_bench=$(dirname "$bench")/pam-bench
echo "# saslstep benchmark: $(uname -m), $(nproc 2>/dev/null || echo '?')" \
    "CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null |
    sed 's/.*: //'), $(date -u '+%Y-%m-%d %H:%M UTC')"
"$bench" "$@" || exit 1

users=${BENCH_USERS-1 10000 100000 1000000}
if [ -n "$users" ] && [ -x "$pam_bench" ] && [ -n "${PAM_MODULE:-}" ]; then
	for d in /lib/*/security /usr/lib/*/security /lib/security \
	    /lib64/security /usr/lib64/security; do
		if [ -f "$d/pam_permit.so" ]; then
			PAM_SYSTEM_MODDIR=$d
			export PAM_SYSTEM_MODDIR
			break
		fi
	done
	[ -f "${PAM_SYSTEM_MODDIR:-/nonexistent}/pam_oath.so" ] ||
		echo "PAM: pam_oath.so not found (libpam-oath): its rows skipped"
	[ -n "${PAMTESTER:-}" ] && [ -n "${PAM_WRAPPER_LIB:-}" ] ||
		echo "PAM: pamtester or pam_wrapper not found: in process only"
	export PAMTESTER PAM_WRAPPER_LIB
	pam_dir=$(mktemp -d "${TMPDIR:-/tmp}/saslstep-pam-bench-XXXXXX") ||
		exit 1
	trap 'rm -rf "$pam_dir"' EXIT
	start=$(date +%s)
	"$pam_bench" setup "$pam_dir" $users || exit 1
	echo "PAM: stores and usersfiles for N = $users made in" \
	    "$(($(date +%s) - start)) s (not timed below)"
	"$pam_bench" run "$pam_dir" "${BENCH_PAM_ROUNDS:-11}" $users || exit 1
fi

if command -v "${VALGRIND:-valgrind}" >/dev/null 2>&1; then
	sh "$here/callgrind.sh" "$bench" || exit 1
else
	echo "callgrind: valgrind not found, instruction counts skipped"
fi

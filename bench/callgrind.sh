#!/bin/sh
# callgrind.sh: instruction counts (valgrind --tool=callgrind) of the
# benchmark's operations, one at a time: `bench -1 CASE` runs CASE's
# operation once (after one untimed run for lazy initialisation) inside
# bench_measured(), the only function callgrind collects in.  Counts repeat
# exactly from run to run, unlike times on a shared machine.
#   callgrind.sh BENCH [CASE...]     (default: every case BENCH lists)
# Valgrind's CPU has no SHA extensions, so under it every SHA-256 runs on
# the OpenSSL-transform path: the counts compare code paths, not SHA-NI.
set -u
bench=$1
shift
valgrind=${VALGRIND:-valgrind}
out=$(mktemp -d "${TMPDIR:-/tmp}/saslstep-callgrind-XXXXXX") || exit 1
trap 'rm -rf "$out"' EXIT
cases=$*
[ -n "$cases" ] || cases=$("$bench" -l | cut -f1)

count() {
	"$valgrind" --tool=callgrind --collect-atstart=no \
	    --toggle-collect=bench_measured \
	    --callgrind-out-file="$out/$1.out" "$bench" -1 "$1" \
	    >"$out/$1.log" 2>&1 || return 1
	sed -n 's/^totals: *\([0-9]*\).*/\1/p;s/^summary: *\([0-9]*\).*/\1/p' \
	    "$out/$1.out" | head -n 1
}

echo "callgrind instructions (Ir) per operation, path: openssl-transform"
for c in $cases; do
	label=$("$bench" -l | awk -F '\t' -v c="$c" '$1 == c { print $2 }')
	if ir=$(count "$c") && [ -n "$ir" ]; then
		eval "ir_$(echo "$c" | tr -c 'a-z0-9\n' '_')=$ir"
		printf '  %-50s %12s\n' "$label ($c)" "$ir"
	else
		printf '  %-50s %12s\n' "$c" "(not run)"
	fi
done

# The same ratios as the timing table, from the counts.
ratio() { # LABEL NUM DEN SCALE SUFFIX
	eval "n=\${ir_$2:-}; d=\${ir_$3:-}"
	[ -n "$n" ] && [ -n "$d" ] || return 0
	awk -v l="$1" -v n="$n" -v d="$d" -v s="$4" -v x="$5" \
	    'BEGIN { printf "  %-50s %11.3f%s\n", l, s * n / d, x }'
}
ratio "efficiency i=4096 = floor / ours" floor_4096 ours_4096 100 " %"
ratio "efficiency i=100000 = floor / ours" floor_100000 ours_100000 100 " %"
ratio "OpenSSL PBKDF2 / ours, i=4096" openssl_4096 ours_4096 1 " x"
ratio "SCRAM exchange / one PBKDF2" scram_ours scram_pbkdf2 1 " x"
ratio "GNU SASL exchange / saslstep exchange" scram_gsasl scram_ours 1 " x"
ratio "Cyrus SASL exchange / saslstep exchange" scram_cyrus scram_ours 1 " x"
if [ -n "${ir_hotp_server_1000:-}" ] && [ -n "${ir_hotp_server_0:-}" ]; then
	printf '  %-50s %11d Ir\n' "HOTP server, per value (lookahead 1000 - 0)" \
	    $(((ir_hotp_server_1000 - ir_hotp_server_0) / 1000))
fi

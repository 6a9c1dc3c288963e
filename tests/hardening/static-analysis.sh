#!/bin/sh
# Static analysis: clang-tidy with the checks of the tree's .clang-tidy
# (clang's static analyzer, bugprone-*, cert-*) over the library, the
# mechanisms, the store, the module and the command, as the build
# compiles them.  Any finding fails.  Run once by scripts/check.sh
# (`make static-analysis`); skips (77) without clang-tidy.
. "$top_srcdir/tests/lib.sh"

command -v clang-tidy >/dev/null 2>&1 || skip "no clang-tidy"
[ -f "$top_builddir/config.h" ] || hard_error "no config.h in $top_builddir"
make_tmpdir
# The packages pkg-config knows here; a missing one only costs the
# files that need it a finding each, which says so.
pc=
for p in libcrypto sqlite3 libidn libqrencode libpng libpq; do
	pkg-config --exists "$p" 2>/dev/null && pc="$pc $p"
done
flags="-I$top_builddir -I$top_srcdir/include -I$top_srcdir/lib \
-I$top_srcdir/store -I$top_srcdir/mechs -I$top_srcdir/pam_saslstep \
-I$top_srcdir/tools $(pkg-config --cflags $pc) \
-DSASLSTEP_DBDIR=\"/var/lib/saslstep\""
ls "$top_srcdir"/lib/*.c "$top_srcdir"/mechs/*.c "$top_srcdir"/store/*.c \
    "$top_srcdir"/pam_saslstep/*.c "$top_srcdir"/tools/*.c >"$tmp/files"
# Four files a run, two runs at a time; the flags go after "--".
# shellcheck disable=SC2016
xargs -P 2 -n 4 sh -c 'exec clang-tidy --quiet "$@" -- $0' "$flags" \
    <"$tmp/files" >"$tmp/out" 2>"$tmp/err"
rc=$?
n=$(grep -c 'warning:\|error:' "$tmp/out")
checks=$((checks + 1))
if [ $rc -ne 0 ] || [ "$n" -ne 0 ]; then
	fail "clang-tidy: $n findings (exit $rc)"
	grep -A3 'warning:\|error:' "$tmp/out" >&2
	tail -n 5 "$tmp/err" >&2
fi
echo "clang-tidy: $(wc -l <"$tmp/files") files, $n findings"
finish

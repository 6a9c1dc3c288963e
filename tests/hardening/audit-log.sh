#!/bin/sh
# Audit: with `debug` on, no secret reaches the log, and no reason of the
# log reaches the person.  Every tier 1 test (tests/pam/tier1-*.sh) runs
# once more with its driver replaced by audit-driver.sh, which adds
# `debug` to the module's arguments, runs the driver under pam_wrapper
# (pam_syslog lines on stderr) and keeps the secrets it was given, the
# transcripts and the log.  The tests must still pass (debug changes
# nothing a person sees).  Then:
#  - the log must hold none of the secrets (answers, pass phrases,
#    PAM_AUTHTOK), nor the OTP responses (six words and hex) of any
#    challenge shown, computed from each pass phrase;
#  - no transcript may hold a reason the server gave the log (errstr).
. "$top_srcdir/tests/lib.sh"

need PAM_WRAPPER_LIB SASLSTEP
make_tmpdir
real=$top_builddir/tests/pam/driver
[ -x "$real" ] || hard_error "$real not built"

# A build tree whose tests/pam/driver is the audit driver; the other
# programs of tests/pam are the real ones.
shadow=$tmp/build
mkdir -p "$shadow/tests/pam"
for f in "$top_builddir"/tests/pam/*; do
	[ -f "$f" ] && [ -x "$f" ] && ln -s "$f" "$shadow/tests/pam/"
done
rm -f "$shadow/tests/pam/driver"
ln -s "$top_srcdir/tests/hardening/audit-driver.sh" "$shadow/tests/pam/driver"
AUDIT_DIR=$tmp/audit
AUDIT_REAL_DRIVER=$real
export AUDIT_DIR AUDIT_REAL_DRIVER PAM_WRAPPER_LIB
mkdir "$AUDIT_DIR"
: >"$AUDIT_DIR/secrets"
: >"$AUDIT_DIR/transcripts"
: >"$AUDIT_DIR/log"

ran=0
for t in "$top_srcdir"/tests/pam/tier1-*.sh; do
	checks=$((checks + 1))
	rc=0
	(
		unset SSTEP_VALGRIND
		top_builddir=$shadow
		export top_builddir
		sh "$t"
	) >"$tmp/test.out" 2>&1 || rc=$?
	case $rc in
	0) ran=$((ran + 1)) ;;
	77) echo "${t##*/}: skipped" ;;
	*)
		fail "${t##*/} fails with debug on (exit $rc)"
		tail -n 30 "$tmp/test.out" >&2
		;;
	esac
done

# The log: the messages of pam_syslog, without pam_wrapper's prefix.
sed -n 's/^PWRAP_[A-Z]*\[[^]]*\] - SYSLOG([0-9]*): //p' "$AUDIT_DIR/log" \
    >"$tmp/messages"
checks=$((checks + 1))
grep -q 'server start' "$tmp/messages" ||
	fail "no debug line in the log: was debug on?"

# The secrets: what the tests answered, and every OTP response that any
# pass phrase gives for any challenge shown.
sort -u "$AUDIT_DIR/secrets" >"$tmp/given"
grep -o 'otp-[a-z0-9]* [0-9]* [a-z0-9]*' "$AUDIT_DIR/transcripts" |
    sort -u >"$tmp/challenges"
cp "$tmp/given" "$tmp/secrets"
while read -r pass; do
	n=$(printf '%s' "$pass" | wc -c)
	[ "$n" -ge 10 ] && [ "$n" -le 63 ] || continue
	while read -r chal seq seed; do
		alg=${chal#otp-}
		for hex in "" --hex; do
			printf '%s\n' "$pass" | "$SASLSTEP" otp key --alg "$alg" \
			    $hex "$seq" "$seed" 2>/dev/null
		done
	done <"$tmp/challenges"
done <"$tmp/given" >>"$tmp/secrets"
scanned=0
while IFS= read -r s; do
	# Short answers ("x", "") are too short to tell from other text.
	[ "$(printf '%s' "$s" | wc -c)" -ge 6 ] || continue
	scanned=$((scanned + 1))
	checks=$((checks + 1))
	case $s in
	*[!0-9]*) found=$(grep -F -n -e "$s" "$tmp/messages" | head -n 1) ;;
	*) found=$(grep -E -n -e "(^|[^0-9])$s([^0-9]|\$)" "$tmp/messages" |
	    head -n 1) ;;
	esac
	[ -z "$found" ] || fail "a secret in the log: $found"
done <"$tmp/secrets"

# The reasons the log gives for failures never reach the person.
sed -n 's/^authentication failure;.*\]: //p; s/^cannot open the credential store: //p' \
    "$tmp/messages" | sort -u >"$tmp/reasons"
reasons=0
while IFS= read -r why; do
	[ "$(printf '%s' "$why" | wc -c)" -ge 12 ] || continue
	reasons=$((reasons + 1))
	checks=$((checks + 1))
	! grep -F -q -e "$why" "$AUDIT_DIR/transcripts" ||
		fail "a reason of the log reached the person: $why"
done <"$tmp/reasons"
check_absent "the log's wording in a transcript" "$AUDIT_DIR/transcripts" \
	"authentication failure"

echo "$ran tier 1 tests with debug: $(wc -l <"$tmp/messages") log lines," \
	"$scanned secrets not in them, $reasons reasons not shown"
finish

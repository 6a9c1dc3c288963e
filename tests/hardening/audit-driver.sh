#!/bin/sh
# audit-driver.sh: stands in for tests/pam/driver while audit-log.sh runs
# the tier 1 tests.  It turns `debug` on in the module's lines of the
# service files, runs the real driver ($AUDIT_REAL_DRIVER) under
# pam_wrapper so that pam_syslog lines come out on stderr, and keeps a
# copy of everything in $AUDIT_DIR: the secrets it was given (--answer,
# --passphrase, PAM_AUTHTOK) in secrets, the transcripts in transcripts
# and the log in log.  The test sees what the real driver printed.
set -u
confdir=
prev=
skip=0
for a do
	shift
	case $prev in
	--answer | --passphrase) printf '%s\n' "$a" >>"$AUDIT_DIR/secrets" ;;
	esac
	prev=$a
	if [ $skip -eq 1 ]; then
		skip=0
		confdir=$a
		continue
	fi
	if [ "$a" = --confdir ]; then
		skip=1
		continue
	fi
	set -- "$@" "$a"
done
[ -z "${PAM_AUTHTOK-}" ] || printf '%s\n' "$PAM_AUTHTOK" >>"$AUDIT_DIR/secrets"
svc=${confdir:-${PAM_WRAPPER_SERVICE_DIR-}}
[ -n "$svc" ] || { echo "audit-driver: no service directory" >&2; exit 2; }
for f in "$svc"/*; do
	[ -f "$f" ] && [ "${f##*/}" != other ] || continue
	sed -i '/pam_saslstep[^ ]*\.so/{/[[:space:]]debug\([[:space:]]\|$\)/!s/$/ debug/}' "$f"
done
preload=${LD_PRELOAD-}
case $preload in
*pam_wrapper*) ;;
*) preload="${SSTEP_PRELOAD:+$SSTEP_PRELOAD }$PAM_WRAPPER_LIB${preload:+ $preload}" ;;
esac
rc=0
env LD_PRELOAD="$preload" PAM_WRAPPER=1 PAM_WRAPPER_SERVICE_DIR="$svc" \
    PAM_WRAPPER_DEBUGLEVEL=3 "$AUDIT_REAL_DRIVER" "$@" \
    >"$AUDIT_DIR/out.$$" 2>"$AUDIT_DIR/err.$$" || rc=$?
cat "$AUDIT_DIR/out.$$"
# Level 3 shows the module's LOG_DEBUG lines, and pam_wrapper's own trace
# (every item set, PAM_AUTHTOK included): that trace is not the module's
# log, and the test did not ask for it.
grep -v '^PWRAP_[A-Z]*\[[^]]*\] - pwrap_' "$AUDIT_DIR/err.$$" >&2
cat "$AUDIT_DIR/out.$$" >>"$AUDIT_DIR/transcripts"
cat "$AUDIT_DIR/err.$$" >>"$AUDIT_DIR/log"
rm -f "$AUDIT_DIR/out.$$" "$AUDIT_DIR/err.$$"
exit $rc

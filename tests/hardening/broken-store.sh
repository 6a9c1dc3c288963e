#!/bin/sh
# A store the module must not use, or cannot use now: read-only, locked by
# another process for longer than the busy timeout (a writer, then an
# exclusive lock that keeps readers out too), replaced by a symbolic link,
# made group or world writable, in a world-writable directory.  Each login
# ends in PAM_AUTHINFO_UNAVAIL before any prompt or after the challenge,
# never in a success, with a log line that says why, and leaves the store
# as it was; at the end the same response logs in (nothing was used up).
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

need PAM_WRAPPER_LIB
need_sqlite3
mkdir -m 700 "$tmp/st"
db=$tmp/st/s.db
otp_init "$db" alice 10 ab12
r9=$(otp_key 9 ab12)
pam_service "$tmp/pw" test "auth required $PAM_MODULE db=$db"
before=$(store_dump "$db")

# refused WHAT PATTERN: a login now is PAM_AUTHINFO_UNAVAIL (with or
# without the challenge shown first), logged as PATTERN says.
refused() {
	logged_login "$tmp/pw" alice --answer "$r9"
	checks=$((checks + 1))
	case $out in
	"RESULT PAM_AUTHINFO_UNAVAIL" | \
	"$(challenge_prompt 9 ab12)
RESULT PAM_AUTHINFO_UNAVAIL") ;;
	*) fail "$1: $out" ;;
	esac
	check_log "$1" "$2"
}

# as_before WHAT: one check that the store holds what it held at first.
as_before() {
	check_eq "$1: the store as it was" "$(store_dump "$db")" "$before"
}

# Read-only: for root, whom file modes do not stop, a read-only mount.
if [ "$(id -u)" -eq 0 ]; then
	mkdir -m 700 "$tmp/ro"
	if mount -t tmpfs -o size=1m,mode=0700 saslstep-test "$tmp/ro"; then
		trap 'umount "$tmp/ro" 2>/dev/null; rm -rf "$tmp"' EXIT
		cp -p "$db" "$tmp/ro/s.db"
		mount -o remount,ro "$tmp/ro" || hard_error "remount ro"
		pam_service "$tmp/pwro" test \
		    "auth required $PAM_MODULE db=$tmp/ro/s.db"
		logged_login "$tmp/pwro" alice --answer "$r9"
		check_eq "read-only file system" "$out" \
		    "RESULT PAM_AUTHINFO_UNAVAIL"
		check_log "read-only file system" \
		    'credential store.*(read-only|unable to open|I/O error)'
		umount "$tmp/ro"
	else
		echo "read-only file system: cannot mount a tmpfs, not tried"
	fi
else
	chmod 400 "$db"
	refused "read-only file" 'credential store.*read-only'
	chmod 600 "$db"
	as_before "read-only file"
fi

# Locked by another writer for longer than the busy timeout (2 s): the
# reads of the login go on (WAL), its first write waits, then gives up.
hold() {
	mkfifo "$tmp/hold"
	"$SQLITE3" -batch "$db" <"$tmp/hold" >/dev/null 2>&1 &
	holder=$!
	exec 4>"$tmp/hold"
	printf '%s\n' "$@" >&4
	sleep 0.3
}
release() {
	printf 'ROLLBACK;\n' >&4
	exec 4>&-
	wait "$holder"
	rm -f "$tmp/hold"
}
hold 'BEGIN IMMEDIATE;' 'SELECT 1;'
refused "locked by a writer" 'credential store.*locked by another process'
release
as_before "locked by a writer"
# An exclusive lock (locking_mode=EXCLUSIVE after a write) keeps readers
# out as well.
hold 'PRAGMA locking_mode = EXCLUSIVE;' 'BEGIN EXCLUSIVE;' \
    'UPDATE meta SET value = value WHERE key = "version";' 'SELECT 1;'
refused "locked exclusively" 'credential store.*locked by another process'
release
as_before "locked exclusively"

# Replaced by a symbolic link to a good store.
mv "$db" "$tmp/st/real.db"
ln -s real.db "$db"
refused "symbolic link" 'credential store.*symbolic link; refusing'
rm "$db"
mv "$tmp/st/real.db" "$db"
as_before "symbolic link"

# Writable by others: the file, then its directory.
chmod 606 "$db"
refused "world-writable file" 'credential store.*world writable.*refusing'
chmod 620 "$db"
refused "group-writable file" 'credential store.*group or world writable'
chmod 600 "$db"
chmod 777 "$tmp/st"
refused "world-writable directory" 'credential store.*directory.*writable'
chmod 700 "$tmp/st"
as_before "writable by others"

logged_login "$tmp/pw" alice --answer "$r9"
check_eq "the store in order again" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"
finish

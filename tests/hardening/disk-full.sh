#!/bin/sh
# A full disk under the store (a small tmpfs, mounted for the test: root
# only, 77 elsewhere).  Full when the login opens the store, and full
# when it writes (another connection keeps SQLite's -wal and -shm files
# in place): each time PAM_AUTHINFO_UNAVAIL, a log line that says why,
# and the store left as it was; with space again, the same response logs
# in (nothing was used up).
. "$top_srcdir/tests/pam/setup.sh"
. "$top_srcdir/tests/hardening/lib.sh"

[ "$(id -u)" -eq 0 ] || skip "mounting a tmpfs needs root"
need PAM_WRAPPER_LIB
need_sqlite3
mnt=$tmp/full
mkdir -m 700 "$mnt"
mount -t tmpfs -o size=256k,mode=0700 saslstep-test "$mnt" ||
	skip "cannot mount a tmpfs here"
trap 'umount "$mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
db=$mnt/s.db
otp_init "$db" alice 10 ab12
r9=$(otp_key 9 ab12)
pam_service "$tmp/pw" test "auth required $PAM_MODULE db=$db"
before=$(store_dump "$db")

fill() {
	dd if=/dev/zero of="$mnt/fill" bs=4k >/dev/null 2>&1
	checks=$((checks + 1))
	[ "$(df -P "$mnt" | awk 'NR == 2 { print $4 }')" -eq 0 ] ||
		fail "the tmpfs is not full"
}

# Full before the login: SQLite cannot make its -wal and -shm files.
fill
logged_login "$tmp/pw" alice --answer "$r9"
check_eq "full at open: result" "$out" "RESULT PAM_AUTHINFO_UNAVAIL"
check_log "full at open" 'credential store.*(disk full|I/O error|No space|unable to open)'
rm -f "$mnt/fill"
check_eq "full at open: the store as it was" "$(store_dump "$db")" "$before"

# Full when the login writes its challenge lock.
mkfifo "$tmp/hold"
"$SQLITE3" -batch "$db" <"$tmp/hold" >/dev/null 2>&1 &
holder=$!
exec 4>"$tmp/hold"
echo 'SELECT count(*) FROM users;' >&4
sleep 0.2
fill
logged_login "$tmp/pw" alice --answer "$r9"
check_eq "full at write: result" "$out" "RESULT PAM_AUTHINFO_UNAVAIL"
check_log "full at write" 'disk full'
exec 4>&-
wait "$holder"
rm -f "$mnt/fill"
check_eq "full at write: the store as it was" "$(store_dump "$db")" "$before"

logged_login "$tmp/pw" alice --answer "$r9"
check_eq "with space again" "$out" "$(challenge_prompt 9 ab12)
RESULT PAM_SUCCESS"
finish

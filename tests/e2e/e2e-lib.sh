# e2e-lib.sh: shell helpers for the tier 3 tests (a real sshd as root),
# on top of tests/lib.sh (skip, fail, hard_error, check_*, finish,
# pam_service, pw_cleanup), which must be sourced first.  Uses SSHD and
# PAM_WRAPPER_LIB from the environment.  POSIX sh.
#
# e2e_client and e2e_ssh log in with the libssh2 client and with the
# OpenSSH client (via expect), keeping what each saw.
#
# e2e_setup makes a root-owned 0700 temp dir ($E2E_DIR), a test user
# ($E2E_USER) and sets a trap that, on every exit path, stops sshd by its
# PID, prints sshd's log and stderr when the test did not pass, removes the user,
# the temp dir and what else the test made, and clears pam_wrapper
# directories left by dead processes.

# Defaults for a run by hand from the build directory (make check sets
# them all); top_srcdir is the caller's, since it finds this file.
: "${top_builddir:=.}"
: "${PAM_MODULE:=$top_builddir/.libs/pam_saslstep.so}"
: "${SASLSTEP:=$top_builddir/saslstep}"
: "${PAM_WRAPPER_LIB:=}"
: "${SSHD:=}"
: "${SSH:=}"
: "${EXPECT:=}"

E2E_DIR=
E2E_USER=
E2E_PORT=
E2E_SSHD_PID=
e2e_user_made=0
e2e_run_sshd_made=0

# e2e_need: skip (77) unless a tier 3 test can run here: as root (sshd
# must), with SSHD, PAM_WRAPPER_LIB, the libssh2 client and useradd; a
# hard error when the module or the command was not built.
e2e_need() {
	[ "$(id -u)" = 0 ] || skip "needs root (runs sshd)"
	need SSHD PAM_WRAPPER_LIB
	[ -x "$top_builddir/tests/e2e/kbdint-client" ] ||
		skip "no libssh2 client (libssh2 not found)"
	command -v useradd >/dev/null 2>&1 || skip "no useradd"
	[ -f "$PAM_MODULE" ] || hard_error "no module at $PAM_MODULE"
	[ -x "$SASLSTEP" ] || hard_error "no saslstep at $SASLSTEP"
}

# e2e_check_grep WHAT FILE PATTERN: one check that the basic regular
# expression PATTERN matches a line of FILE.
e2e_check_grep() {
	checks=$((checks + 1))
	grep -q -e "$3" "$2" || fail "$1 (no line matching '$3' in $2)"
}

# Milliseconds since the epoch (GNU date), for timings.
e2e_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# The directory of the system's PAM modules (pam_permit.so, pam_deny.so).
e2e_pam_sysdir() {
	for f in /usr/lib/*/security/pam_permit.so \
	    /lib/*/security/pam_permit.so /usr/lib64/security/pam_permit.so \
	    /lib64/security/pam_permit.so /usr/lib/security/pam_permit.so \
	    /lib/security/pam_permit.so; do
		if [ -f "$f" ]; then
			dirname "$f"
			return 0
		fi
	done
	return 1
}

e2e_sshd_stop() {
	[ -n "$E2E_SSHD_PID" ] || return 0
	kill "$E2E_SSHD_PID" 2>/dev/null
	i=0
	while kill -0 "$E2E_SSHD_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -9 "$E2E_SSHD_PID" 2>/dev/null
	wait "$E2E_SSHD_PID" 2>/dev/null
	E2E_SSHD_PID=
}

e2e_cleanup() {
	status=$?
	trap - EXIT
	e2e_sshd_stop
	if [ "$status" != 0 ] && [ "$status" != 77 ] && [ -n "$E2E_DIR" ]; then
		for f in sshd.log sshd.stderr; do
			[ -s "$E2E_DIR/$f" ] || continue
			echo "--- $f ---"
			cat "$E2E_DIR/$f"
			echo "--- end of $f ---"
		done
	fi
	if [ "$e2e_user_made" = 1 ]; then
		# A session of the user may take a moment to end after sshd.
		i=0
		until userdel -r "$E2E_USER" >/dev/null 2>&1; do
			i=$((i + 1))
			if [ $i -ge 20 ]; then
				echo "warning: could not remove user $E2E_USER"
				break
			fi
			sleep 0.1
		done
	fi
	[ "$e2e_run_sshd_made" = 1 ] && rmdir /run/sshd 2>/dev/null
	[ -n "$E2E_DIR" ] && rm -rf "$E2E_DIR"
	pw_cleanup
	exit "$status"
}

# Make the temp dir and the user; set the cleanup trap.
e2e_setup() {
	trap e2e_cleanup EXIT
	trap 'exit 1' HUP INT TERM
	E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/saslstep-e2e.XXXXXX") ||
		hard_error "mktemp -d failed"
	chmod 0700 "$E2E_DIR"
	# A unique name; useradd refuses an existing one, so a user of the
	# same name that is not ours is never touched.
	E2E_USER=sstep-e2e-$$
	useradd -m -s /bin/sh "$E2E_USER" ||
		hard_error "useradd $E2E_USER failed"
	e2e_user_made=1
	if [ ! -d /run/sshd ]; then
		mkdir -p /run/sshd && chmod 0755 /run/sshd &&
			e2e_run_sshd_made=1
	fi
}

# e2e_pam_service NAME AUTH-LINE...: write the pam_wrapper service NAME
# (the AUTH-LINEs; account and session pam_permit; password pam_deny) and
# `other` (pam_deny) beside it.
e2e_pam_service() {
	e2e_svc=$1
	shift
	sysdir=$(e2e_pam_sysdir) || skip "no pam_permit.so found"
	pam_service "$E2E_DIR/pam.d" "$e2e_svc" "$@" \
	    "account required $sysdir/pam_permit.so" \
	    "session required $sysdir/pam_permit.so" \
	    "password required $sysdir/pam_deny.so"
}

# Write sshd_config for port $1, with any extra lines that this sshd knows
# (checked with sshd -t, so one config works across OpenSSH versions).
e2e_sshd_config() {
	cfg=$E2E_DIR/sshd_config
	cat >"$cfg" <<EOF
ListenAddress 127.0.0.1
Port $1
HostKey $E2E_DIR/host_ed25519
PidFile $E2E_DIR/sshd.pid
UsePAM yes
KbdInteractiveAuthentication yes
PasswordAuthentication no
PubkeyAuthentication no
AuthenticationMethods keyboard-interactive
AuthorizedKeysFile none
AllowUsers $E2E_USER
UseDNS no
PrintMotd no
PrintLastLog no
LoginGraceTime 20
LogLevel VERBOSE
EOF
	# OpenSSH >= 9.8 penalises addresses with failed logins: the test
	# fails on purpose, from 127.0.0.1, several times.
	e2e_sshd_config_optional "$cfg" 'PerSourcePenalties no'
}

# e2e_sshd_config_optional CONFIG LINE: add LINE to CONFIG if this sshd
# accepts it (sshd -t).
e2e_sshd_config_optional() {
	cp "$1" "$1.try" || hard_error "cp $1 failed"
	echo "$2" >>"$1.try"
	if "$SSHD" -t -f "$1.try" >/dev/null 2>&1; then
		mv "$1.try" "$1"
	else
		rm -f "$1.try"
	fi
}

# Start sshd under pam_wrapper on a free port ($E2E_PORT); wait, bounded,
# until it listens.  Its log is $E2E_DIR/sshd.log; its stderr (where
# pam_wrapper writes pam_syslog lines) is $E2E_DIR/sshd.stderr.  Ports
# 20000-29999 are below Linux's ephemeral range, so no outgoing connection
# holds one; a port found in use is retried.
e2e_sshd_start() {
	ssh-keygen -q -t ed25519 -N '' -f "$E2E_DIR/host_ed25519" \
	    -C e2e-host >/dev/null || hard_error "ssh-keygen failed"
	try=0
	while [ $try -lt 5 ]; do
		try=$((try + 1))
		E2E_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 10000))
		e2e_sshd_config "$E2E_PORT"
		"$SSHD" -t -f "$E2E_DIR/sshd_config" ||
			hard_error "sshd -t refuses the config"
		: >"$E2E_DIR/sshd.log"
		# (Sanitizer build: LeakSanitizer's check at exit makes calls
		# the seccomp sandbox of sshd's pre-auth child forbids, which
		# kills it; leaks are checked in tiers 1 and 2.)
		env LD_PRELOAD="${SSTEP_PRELOAD:+$SSTEP_PRELOAD }$PAM_WRAPPER_LIB" \
		    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		    PAM_WRAPPER=1 \
		    PAM_WRAPPER_SERVICE_DIR="$E2E_DIR/pam.d" \
		    "$SSHD" -D -f "$E2E_DIR/sshd_config" \
		    -E "$E2E_DIR/sshd.log" </dev/null \
		    >>"$E2E_DIR/sshd.stderr" 2>&1 &
		E2E_SSHD_PID=$!
		i=0
		while [ $i -lt 100 ]; do
			if grep -q "Server listening on 127.0.0.1 port" \
			    "$E2E_DIR/sshd.log"; then
				return 0
			fi
			kill -0 "$E2E_SSHD_PID" 2>/dev/null || break
			sleep 0.05
			i=$((i + 1))
		done
		if kill -0 "$E2E_SSHD_PID" 2>/dev/null; then
			hard_error "sshd did not listen within 5 s"
		fi
		wait "$E2E_SSHD_PID" 2>/dev/null
		E2E_SSHD_PID=
		grep -q 'Cannot bind any address' "$E2E_DIR/sshd.log" ||
			hard_error "sshd died"
	done
	hard_error "no free port found in 5 tries"
}

# e2e_client NAME ARGS...: run the libssh2 client (tests/e2e/kbdint-client)
# for $E2E_USER on $E2E_PORT with ARGS (secrets go on stdin, never on a
# command line); its output is in $out ($E2E_DIR/NAME.out, also shown),
# its exit status in $rc.
e2e_client() {
	out=$E2E_DIR/$1.out
	shift
	e2e_t0=$(e2e_ms)
	"$top_builddir/tests/e2e/kbdint-client" --port "$E2E_PORT" \
	    --user "$E2E_USER" "$@" >"$out" 2>&1
	rc=$?
	echo "  ($(($(e2e_ms) - e2e_t0)) ms, exit $rc)"
	sed 's/^/    /' "$out"
}

# e2e_ssh NAME [ANSWER]: the OpenSSH client via tests/e2e/ssh-login.exp
# for $E2E_USER on $E2E_PORT (what it answers comes from ANSWER or the
# environment the caller exported: see ssh-login.exp); $out and $rc as
# e2e_client.  Needs SSH, EXPECT and SASLSTEP.
e2e_ssh() {
	out=$E2E_DIR/$1.out
	shift
	e2e_t0=$(e2e_ms)
	"$EXPECT" "$top_srcdir/tests/e2e/ssh-login.exp" "$SSH" "$SASLSTEP" \
	    "$E2E_PORT" "$E2E_USER" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	echo "  ($(($(e2e_ms) - e2e_t0)) ms, exit $rc)"
	sed 's/^/    /' "$out"
}

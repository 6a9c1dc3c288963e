# pg-lib.sh: a private PostgreSQL server for the tests in tests/pgsql, on
# top of tests/lib.sh (source that first).  POSIX sh.
#
# pg_start makes a new cluster in its own temp dir ($PG_DIR) and starts it
# on 127.0.0.1 only, on a free port ($PG_PORT), with its unix socket in
# $PG_DIR; it exports PGHOST, PGPORT and PGUSER (the superuser "postgres",
# trusted on the socket), so that psql and a store URI such as
# "postgresql:///DB" reach it.  TCP logins need a password (scram-sha-256).
# pg_cleanup (call it from the test's EXIT trap) stops the server by its
# PID and removes the cluster.
#
# The server refuses to run as root: as root (as CI runs) the cluster
# belongs to the `postgres` OS user and its programs run through runuser;
# as anyone else they run as that user.  Skips (77) when the server
# programs (initdb, pg_ctl: Debian package postgresql) are missing; set
# PG_BINDIR to choose a version.

PG_DIR=
PG_PORT=
PG_PID=

# The directory of initdb and pg_ctl: $PG_BINDIR, else the newest
# /usr/lib/postgresql/*/bin (Debian keeps them out of PATH), else PATH.
pg_bindir() {
	if [ -n "${PG_BINDIR-}" ]; then
		echo "$PG_BINDIR"
		return 0
	fi
	pg_found=
	for pg_d in /usr/lib/postgresql/*/bin; do
		[ -x "$pg_d/initdb" ] && pg_found=$pg_d
	done
	if [ -z "$pg_found" ] && command -v initdb >/dev/null 2>&1; then
		pg_found=$(dirname "$(command -v initdb)")
	fi
	[ -n "$pg_found" ] || return 1
	echo "$pg_found"
}

# as_pg COMMAND...: run COMMAND as the cluster's owner.
as_pg() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_need: skip unless a cluster can be made here.
pg_need() {
	PG_BIN=$(pg_bindir) || skip "no PostgreSQL server (initdb) found"
	[ -x "$PG_BIN/pg_ctl" ] || skip "no pg_ctl in $PG_BIN"
	PSQL=$PG_BIN/psql
	[ -x "$PSQL" ] || PSQL=$(command -v psql) || skip "no psql"
	if [ "$(id -u)" = 0 ]; then
		command -v runuser >/dev/null 2>&1 || skip "no runuser"
		id postgres >/dev/null 2>&1 || skip "no postgres OS user"
	fi
}

# pg_ctl_run ARGS...: pg_ctl on our cluster.
pg_ctl_run() {
	as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" "$@"
}

# pg_server_start: start the made cluster on $PG_PORT; 0 when it runs.
pg_server_start() {
	pg_ctl_run -w -t 30 -l "$PG_DIR/server.log" \
	    -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT \
-c unix_socket_directories=$PG_DIR -c fsync=off -c full_page_writes=off \
-c max_connections=200" start >/dev/null 2>&1 || return 1
	PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid" 2>/dev/null)
	case $PG_PID in
	'' | *[!0-9]*) return 1 ;;
	esac
}

# pg_start: make and start the cluster (see above).
pg_start() {
	pg_need
	PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/saslstep-pg.XXXXXX") ||
		hard_error "mktemp -d failed"
	chmod 0700 "$PG_DIR"
	[ "$(id -u)" != 0 ] || chown postgres "$PG_DIR" ||
		hard_error "chown postgres $PG_DIR failed"
	# The superuser is trusted on the socket only; over TCP everyone
	# gives a password, as a host of a fleet would.
	as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -E UTF8 \
	    --locale=C -N --auth-local=trust --auth-host=scram-sha-256 \
	    >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log"; hard_error "initdb failed"; }
	pg_try=0
	while [ $pg_try -lt 5 ]; do
		pg_try=$((pg_try + 1))
		# Below Linux's ephemeral range, apart from e2e's sshd ports.
		PG_PORT=$((10000 + $(od -An -N2 -tu2 /dev/urandom) % 10000))
		if pg_server_start; then
			PGHOST=$PG_DIR PGPORT=$PG_PORT PGUSER=postgres
			export PGHOST PGPORT PGUSER
			unset PGSERVICE PGSERVICEFILE PGDATABASE PGPASSWORD \
			    PGCONNECT_TIMEOUT PGOPTIONS 2>/dev/null
			return 0
		fi
		if ! grep -q 'could not bind\|Address already in use' \
		    "$PG_DIR/server.log" 2>/dev/null; then
			cat "$PG_DIR/server.log"
			hard_error "postgres did not start"
		fi
	done
	hard_error "no free port found in 5 tries"
}

# pg_stop: stop the server (fast: sessions are ended at once), as when the
# database goes down under the hosts.  The cluster stays for pg_server_start.
pg_stop() {
	[ -n "$PG_PID" ] || return 0
	pg_ctl_run -m fast -w -t 30 stop >/dev/null 2>&1 || kill "$PG_PID"
	PG_PID=
}

# pg_cleanup: stop the server and remove the cluster; keeps $? so that it
# can come first in an EXIT trap.
pg_cleanup() {
	pg_rc=$?
	if [ -n "$PG_PID" ]; then
		kill -CONT "$PG_PID" 2>/dev/null
		pg_ctl_run -m immediate -w -t 30 stop >/dev/null 2>&1 ||
			kill -9 "$PG_PID" 2>/dev/null
		PG_PID=
	fi
	if [ -n "$PG_DIR" ]; then
		if [ "$pg_rc" != 0 ] && [ "$pg_rc" != 77 ]; then
			echo "--- server.log ---"
			tail -n 40 "$PG_DIR/server.log"
		fi
		rm -rf "$PG_DIR"
		PG_DIR=
	fi
	return "$pg_rc"
}

# pg_setup: make_tmpdir (unless $tmp is made already), a trap that also
# removes the cluster, pg_start.
pg_setup() {
	[ -n "${tmp-}" ] || make_tmpdir
	trap 'pg_cleanup; rm -rf "$tmp"' EXIT
	pg_start
}

# psql_do DB SQL...: run SQL as the superuser in database DB; stops at the
# first error.  Output (unaligned, tuples only) on stdout.
psql_do() {
	psql_db=$1
	shift
	"$PSQL" -X -q -A -t -v ON_ERROR_STOP=1 -d "$psql_db" "$@"
}

# pg_store DB: make database DB and initialise a store in it with
# `saslstep init` as the superuser; then pgsql-roles.sql, and two login
# roles with passwords: sstep_admin (saslstep_admin) and sstep_host
# (saslstep_module).  Sets ADMIN_URI and HOST_URI (TCP, with the password
# in the URI) and SUPER_URI (the socket).
PG_ADMIN_PW='admin pw 1, not secret'
PG_HOST_PW='hostpw-not-secret-42'
pg_store() {
	psql_do postgres -c "CREATE DATABASE $1" ||
		hard_error "CREATE DATABASE $1 failed"
	SUPER_URI="postgresql:///$1"
	"$SASLSTEP" --db "$SUPER_URI" init >/dev/null ||
		hard_error "saslstep init in $1 failed"
	psql_do "$1" -f "$top_srcdir/store/pgsql-roles.sql" >/dev/null ||
		hard_error "pgsql-roles.sql failed"
	psql_do "$1" >/dev/null <<EOF || hard_error "login roles failed"
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sstep_admin') THEN
    CREATE ROLE sstep_admin LOGIN IN ROLE saslstep_admin;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sstep_host') THEN
    CREATE ROLE sstep_host LOGIN IN ROLE saslstep_module;
  END IF;
END \$\$;
ALTER ROLE sstep_admin PASSWORD '$PG_ADMIN_PW';
ALTER ROLE sstep_host PASSWORD '$PG_HOST_PW';
EOF
	pg_at=127.0.0.1:$PG_PORT/$1
	ADMIN_URI="postgresql://sstep_admin:$(uri_escape "$PG_ADMIN_PW")@$pg_at"
	HOST_URI="postgresql://sstep_host:$PG_HOST_PW@$pg_at"
}

# uri_escape TEXT: percent-encode the characters a URI's user info cannot
# hold as they are (here: space and comma).
uri_escape() {
	printf '%s' "$1" | sed 's/%/%25/g; s/ /%20/g; s/,/%2C/g'
}

# pg_service_file FILE SERVICE DB USER PASSWORD: a pg_service.conf with one
# service, as a host of the fleet would have in /etc/postgresql-common.
pg_service_file() {
	cat >"$1" <<EOF
[$2]
host=127.0.0.1
port=$PG_PORT
dbname=$3
user=$4
password=$5
EOF
	chmod 0600 "$1"
}

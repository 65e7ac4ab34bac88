#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, reachable on a socket in DIR and on 127.0.0.1.
#
#   cluster.sh start DIR [--watch PID]  initdb DIR/data when needed and start it; prints the port.
#                                       With --watch, a watchdog stops the cluster (and deletes DIR)
#                                       once process PID has exited, so a crashed test run leaves
#                                       nothing behind.
#   cluster.sh stop DIR                 fast shutdown; does nothing when it is not running
#   cluster.sh url DIR                  the superuser's URL (socket, no password) of a running cluster
#   cluster.sh bindir                   where the PostgreSQL programs are; exit 1 when they are missing
#
# Run as root, the cluster belongs to an unprivileged user ($PGTEST_USER, default postgres, created
# when missing), as PostgreSQL refuses to run as root. The superuser `postgres` connects by trust on
# the socket only; every other role needs its scram-sha-256 password, on the socket and on TCP.
# Durability is off (fsync, full_page_writes): the cluster holds test fixtures only. The port is
# kept in DIR/port and reused by the next start. Progress and errors go to stderr.
set -euo pipefail

# The server and the watchdog outlive this script: they must not inherit the caller's descriptors
# (a test process's pipes would then never see end-of-file while the cluster runs).
for fd_path in /proc/$$/fd/*; do
    fd="${fd_path##*/}"
    case "$fd" in 0|1|2|255|*[!0-9]*) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
done

RUNAS_USER="${PGTEST_USER:-postgres}"
log() { printf 'cluster.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

find_bindir() {
    local candidate
    if [ -n "${PGBIN:-}" ] && [ -x "$PGBIN/initdb" ]; then echo "$PGBIN"; return 0; fi
    if command -v pg_config >/dev/null 2>&1; then
        candidate="$(pg_config --bindir 2>/dev/null || true)"
        if [ -x "$candidate/initdb" ]; then echo "$candidate"; return 0; fi
    fi
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ]; then echo "$candidate"; return 0; fi
    done
    return 1
}

[ $# -ge 1 ] || usage
CMD="$1"
if [ "$CMD" = bindir ]; then
    find_bindir || die "no PostgreSQL server programs (initdb) found; install Debian's postgresql"
    exit 0
fi
[ $# -ge 2 ] || usage
DIR="$2"
WATCH_PID=""
if [ "${3:-}" = "--watch" ]; then WATCH_PID="${4:?--watch needs a pid}"; fi
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
DATA="$DIR/data"
PGBIN="$(find_bindir)" || die "no PostgreSQL server programs (initdb) found; install Debian's postgresql"

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u "$RUNAS_USER" -- "$@"; else "$@"; fi
}

ensure_owner() {
    [ "$(id -u)" = 0 ] || return 0
    if ! id -u "$RUNAS_USER" >/dev/null 2>&1; then
        log "creating the unprivileged user $RUNAS_USER"
        useradd --system --no-create-home --shell /usr/sbin/nologin "$RUNAS_USER"
    fi
    chown "$RUNAS_USER" "$DIR"
    chmod 700 "$DIR"
    as_owner test -w "$DIR" || die "$RUNAS_USER cannot write $DIR (is a parent folder not searchable?)"
}

running() { [ -f "$DATA/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; }

initialise() {
    log "initdb $DATA (owner $(as_owner id -un))"
    touch "$DIR/.lustores-test-cluster"
    as_owner "$PGBIN/initdb" -D "$DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
    as_owner tee "$DATA/pg_hba.conf" >/dev/null <<'EOF'
# throwaway test cluster: the superuser by trust on the socket, everyone else by password
local   all   postgres                   trust
local   all   all                        scram-sha-256
host    all   all        127.0.0.1/32    scram-sha-256
EOF
    as_owner tee -a "$DATA/postgresql.conf" >/dev/null <<EOF

# ---- lustores-mcp tests (cluster.sh)
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
timezone = 'UTC'
log_timezone = 'UTC'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 200
include_if_exists = 'port.conf'
EOF
}

start_on() {
    echo "port = $1" | as_owner tee "$DATA/port.conf" >/dev/null
    as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$DIR/server.log" -w -t 60 start >/dev/null 2>&1
}

start_watchdog() {
    local pid="$1"
    if [ -f "$DIR/watchdog.pid" ] && kill -0 "$(cat "$DIR/watchdog.pid")" 2>/dev/null; then return 0; fi
    # Detached from the caller's pipes so a test process does not wait for it.
    setsid bash -c '
        while kill -0 "$1" 2>/dev/null; do sleep 1; done
        "$2" stop "$3" 2>/dev/null || true
        [ -f "$3/.lustores-test-cluster" ] && rm -rf "$3"
    ' watchdog "$pid" "$(cd "$(dirname "$0")" && pwd)/$(basename "$0")" "$DIR" </dev/null >/dev/null 2>&1 &
    echo $! >"$DIR/watchdog.pid"
}

case "$CMD" in
    start)
        [ -n "$WATCH_PID" ] && start_watchdog "$WATCH_PID"
        if running; then cat "$DIR/port"; exit 0; fi
        ensure_owner
        [ -f "$DATA/PG_VERSION" ] || { rm -rf "$DATA"; initialise; }
        if [ -f "$DIR/port" ] && start_on "$(cat "$DIR/port")"; then cat "$DIR/port"; exit 0; fi
        # A random port, tried by PostgreSQL itself: a port taken between choosing and binding
        # just means another try.
        for _ in $(seq 1 30); do
            port=$(( 20000 + RANDOM % 40000 ))
            if start_on "$port"; then
                echo "$port" >"$DIR/port"
                log "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port and $DIR"
                echo "$port"
                exit 0
            fi
        done
        tail -20 "$DIR/server.log" >&2 || true
        die "pg_ctl start failed"
        ;;
    stop)
        if running; then as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null; fi
        ;;
    url)
        running || die "not running: $DATA"
        echo "postgresql://postgres@/postgres?host=$DIR&port=$(cat "$DIR/port")"
        ;;
    *) usage ;;
esac

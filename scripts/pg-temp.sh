#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for benchmarks and tests: its own data directory, loopback only, a free
# port, trust authentication for the local user "postgres". Never touches a system cluster.
#
# Usage: scripts/pg-temp.sh start DIR   initdb into DIR (if new), start, print the connection URI
#        scripts/pg-temp.sh stop DIR    stop the server of DIR (fast shutdown); DIR stays
#        scripts/pg-temp.sh uri DIR     print the connection URI of the running server of DIR
# PostgreSQL refuses to run as root: as root, the server runs as the system user "postgres".
set -euo pipefail

usage() { echo "usage: scripts/pg-temp.sh start|stop|uri DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$(realpath -m "$2")
bin=/usr/lib/postgresql/15/bin
[ -x "$bin/pg_ctl" ] || { echo "pg-temp: PostgreSQL 15 is not installed ($bin/pg_ctl)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { "$(dirname "${BASH_SOURCE[0]}")/free-port.sh"; }

uri() { echo "postgresql://postgres@127.0.0.1:$(cat "$dir/port")/postgres"; }

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then uri; exit 0; fi
    port=$(free_port)
    echo "$port" >"$dir/port"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c shared_buffers=1GB -c work_mem=64MB -c max_connections=300 -c max_wal_size=4GB" \
      start >/dev/null || { tail -20 "$dir/server.log" >&2; exit 1; }
    uri
    ;;
  stop)
    if [ -f "$dir/data/PG_VERSION" ]; then as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true; fi
    ;;
  uri)
    [ -f "$dir/port" ] || { echo "pg-temp: no server in $dir" >&2; exit 1; }
    uri
    ;;
  *) usage ;;
esac

#!/usr/bin/env bash
# The throwaway PostgreSQL server of one CTest run (the fixture "postgres" of tests/CMakeLists.txt), made
# with scripts/pg-temp.sh.
#
# Usage: tests/support/pg_server.sh start DIR   stop and remove whatever an earlier, interrupted run left in
#                                               DIR, then initdb and start a new server there
#        tests/support/pg_server.sh stop DIR    stop the server and remove DIR
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: tests/support/pg_server.sh start|stop DIR" >&2; exit 2; }
pg_temp="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/pg-temp.sh"
dir=$2
[ -n "$dir" ] && [ "$dir" != "/" ] || { echo "pg_server: refusing directory '$dir'" >&2; exit 2; }

case "$1" in
  start)
    "$pg_temp" stop "$dir"
    rm -rf "$dir"
    uri=$("$pg_temp" start "$dir")
    # PostGIS once for the database, in public: the tests' schemas find it through their search_path, and
    # dropping a test's schema does not take the extension with it.
    if command -v psql >/dev/null 2>&1 && [ -n "$(ls /usr/share/postgresql/15/extension/postgis.control 2>/dev/null)" ]; then
      psql "$uri" -qc "CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public" >/dev/null
    fi
    echo "$uri"
    ;;
  stop)
    "$pg_temp" stop "$dir"
    rm -rf "$dir"
    ;;
  *) echo "usage: tests/support/pg_server.sh start|stop DIR" >&2; exit 2 ;;
esac

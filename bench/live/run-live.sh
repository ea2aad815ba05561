#!/usr/bin/env bash
# The live-feed figures: starts `civicgrid serve` on a free loopback port over DB, creates a reporting
# and a listening API key, runs bench_live (1,000 WebSocket clients, 1,000 reports/s), stops the server
# with SIGTERM and revokes the keys.
#
# Usage: bench/live/run-live.sh --bin CIVICGRID --db DB --out FILE [--quick] [--bench BENCH_LIVE]
#                               [--under CODE] [-- more bench_live options]
#   --bench  the bench_live binary (default: bench/live/bench_live beside CIVICGRID in its build dir)
#   --under  the division the clients listen to and the cases fall in (default 37, the province)
# DB is written to: the run reports 3 figures × 3 runs × 12,000 cases (plus a marker per run) and
# adds two API keys (revoked at the end). Report places are sampled from DB's own case history. The
# server's log goes to a temporary directory, kept (and named) if something fails.
set -euo pipefail

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
bin= db= out= quick= bench= under=37
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --bench) bench=$2; shift 2 ;;
    --under) under=$2; shift 2 ;;
    --quick) quick=--quick; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) usage ;;
    *) echo "run-live: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$bin" ] && [ -n "$db" ] && [ -n "$out" ] || usage
bin=$(realpath "$bin")
[ -x "$bin" ] || { echo "run-live: $bin is not executable" >&2; exit 1; }
[ -f "$db" ] || { echo "run-live: no database $db" >&2; exit 1; }
[ -n "$bench" ] || bench=$(dirname "$bin")/bench/live/bench_live
[ -x "$bench" ] || { echo "run-live: no bench_live at $bench (build target bench_live, or pass --bench)" >&2; exit 1; }

# A thousand WebSocket clients on each side of the loopback, plus the report connections.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 4096 ]; then
  echo "run-live: open files are limited to $(ulimit -n); 4096 or more are needed" >&2
  exit 1
fi

work=$(mktemp -d /tmp/run-live.XXXXXX)
server_pid=
suffix=$(date +%s)-$$
keys=()  # created API keys, revoked at the end
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  for k in "${keys[@]}"; do "$bin" apikey revoke "$k" --db "$db" >/dev/null 2>&1 || true; done
  if [ $rc -eq 0 ]; then rm -rf "$work"; else echo "run-live: failed; server log in $work/server.log" >&2; fi
}
trap cleanup EXIT

key() {  # NAME PERMISSION: creates the key and prints its secret
  local text
  text=$("$bin" apikey add "$1" --permission "$2" --territory "$under" --db "$db") || return 1
  sed -n 's/^key (shown once.*: //p' <<<"$text"
}
keys=("bench-live-report-$suffix" "bench-live-listen-$suffix")
report_key=$(key "${keys[0]}" case.report)
live_key=$(key "${keys[1]}" live.read)
[ -n "$report_key" ] && [ -n "$live_key" ] || { echo "run-live: could not create the API keys" >&2; exit 1; }

# Port 0: the server picks a free port and names it in its server.start log event.
"$bin" serve --db "$db" --listen 127.0.0.1:0 --log-format json >"$work/server.log" 2>&1 &
server_pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's/.*"server.start".*"port":\([0-9]*\).*/\1/p' "$work/server.log" | head -1)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { echo "run-live: the server did not start" >&2; tail -5 "$work/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "run-live: the server did not say its port within 60 s" >&2; exit 1; }
echo "run-live: civicgrid serve on 127.0.0.1:$port (pid $server_pid)"

"$bench" --url "http://127.0.0.1:$port" --report-key "$report_key" --live-key "$live_key" --under "$under" \
  --db "$db" --out "$out" $quick "${extra[@]}"

kill -TERM "$server_pid"
wait "$server_pid" || { echo "run-live: the server exited with $?" >&2; exit 1; }
server_pid=

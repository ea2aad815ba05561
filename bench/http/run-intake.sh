#!/usr/bin/env bash
# The intake figure of the benchmark suite (issue 6): POST /api/v1/cases end to end against
# `civicgrid serve`, beside the HTTP ceiling (GET /healthz of the same server) and the storage ceiling
# (bench_intake_store: the same rows through the store's writer, no HTTP).
#
# Writes into --db (cases, an API key, idempotency keys): give it a copy, or run it after the read figures.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/http/run-intake.sh --bin CIVICGRID --db DB --out FILE [options]

Starts `civicgrid serve --db DB` on a free loopback port with a new API key (case.report), drives
POST /api/v1/cases with wrk (2 threads, intake.lua: varied points inside the grids of DB, channels,
categories, Chinese descriptions, a unique Idempotency-Key per request) at 16, 64 and 256 connections
(--connections), then GET /healthz at 64 connections (unless --no-http-ceiling), stops the server (SIGTERM) and runs bench_intake_store (64
submitters). Appends JSON-lines records (bench/common/results.h) to FILE:
  intake.c16, intake.c64, intake.c256  civicgrid      cases_per_second, p50_ms, p99_ms
  intake.c64                           http_ceiling   requests_per_second, p50_ms, p99_ms
  intake.c64                           store_ceiling  cases_per_second, p50_ms, p99_ms
Fails when any answer is not 201 (200 for /healthz), a socket error occurs, or the cases of the database
did not grow by exactly the server's 201 answers. DB IS WRITTEN TO: use a copy.

Options:
  --bin PATH        the civicgrid binary (required)
  --db PATH|URI     civicgrid database, written to (required): a SQLite file or a PostgreSQL URI
  --key-file F      the keyring of --db (a PostgreSQL database needs one; default: the SQLite path + .key)
  --out FILE        JSON-lines results, appended (required)
  --seconds S       seconds per wrk run (default 15)
  --runs R          runs per connection count, and of each ceiling (default 3)
  --connections L   the connection counts of the report runs, e.g. "64" (default "16 64 256")
  --no-http-ceiling leave out the GET /healthz runs (intake.c64 http_ceiling)
  --store-bin PATH  bench_intake_store (default: bench/http/bench_intake_store beside --bin's build dir)
  --cases N         cases per run of bench_intake_store (default 20000)
  --io-threads N    the server's io threads (default: the server's own, one per core)
  --quick           a smoke run: 3 s, one run, 3000 store cases
  --help            this text
The load generator (wrk) and the server run on the same machine and share its cores.
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bin="" db="" key_file="" out="" seconds=15 runs=3 store_bin="" cases=20000 io_threads="" quick=0
connections="16 64 256" http_ceiling=1
command_line=$(printf '%q ' "$0" "$@")
command_line=${command_line% }
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --key-file) key_file=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --no-http-ceiling) http_ceiling=0; shift ;;
    --out) out=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --store-bin) store_bin=$2; shift 2 ;;
    --cases) cases=$2; shift 2 ;;
    --io-threads) io_threads=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    --help|-h) usage; exit 0 ;;
    *) echo "run-intake: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
fail() { echo "run-intake: $*" >&2; exit 1; }
if [ -z "$bin" ] || [ -z "$db" ] || [ -z "$out" ]; then usage >&2; exit 2; fi
[ -x "$bin" ] || fail "--bin $bin is not an executable"
pg=0
case "$db" in postgresql://*|postgres://*) pg=1 ;; *) [ -f "${db#sqlite:}" ] || fail "--db $db does not exist" ;; esac
db_args=(--db "$db")
[ -n "$key_file" ] && db_args+=(--key-file "$key_file")
if [ "$quick" -eq 1 ]; then seconds=3 runs=1 cases=3000; fi
[ -n "$store_bin" ] || store_bin="$(dirname "$bin")/bench/http/bench_intake_store"
[ -x "$store_bin" ] || fail "the storage ceiling $store_bin is not built (cmake --build … --target bench_intake_store)"
sql_tool=sqlite3
[ "$pg" -eq 1 ] && sql_tool=psql
for tool in wrk "$sql_tool"; do command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/install-deps.sh --with-bench)"; done

work=$(mktemp -d "${TMPDIR:-/tmp}/intake.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -TERM "$server_pid"; wait "$server_pid" || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# One GET to the server over bash's /dev/tcp (HTTP/1.0: the server closes after answering).
http_get() {
  local fd
  exec {fd}<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$1" >&"$fd"
  cat <&"$fd"
  exec {fd}>&-
}
# The value of one metric series (exact label text) from /metrics, 0 when absent.
metric() { awk -v s="$1" '$1 == s { v = $2 } END { printf "%.0f\n", v }' "$work/metrics"; }
# The sum of a route's request counters whose status is (`is` = 1) or is not (0) `status`.
answers() {
  awk -v r="route=\"$1\"" -v st="status=\"$2\"" -v is="$3" \
    'index($1, "civicgrid_http_requests_total{") == 1 && index($1, r) && (index($1, st) > 0) == is { n += $2 }
     END { printf "%.0f\n", n }' "$work/metrics"
}
scrape() { http_get /metrics >"$work/metrics" || fail "cannot read /metrics"; }
# One value of a query, by a connection of its own to --db.
sql_value() { if [ "$pg" -eq 1 ]; then psql "$db" -Atqc "$1"; else sqlite3 "${db#sqlite:}" "$1"; fi; }
cases_in_db() { sql_value 'SELECT count(*) FROM cases'; }
# CPU time of the server so far (user + system), in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$server_pid/stat"; }
tick=$(getconf CLK_TCK)
# Waits until the server's writer has been idle (no new writes) for half a second.
settle() {
  local last=-1 now
  for _ in $(seq 1 240); do
    scrape
    now=$(metric civicgrid_store_writes)
    [ "$now" = "$last" ] && return 0
    last=$now
    sleep 0.5
  done
  fail "the server's writer did not settle"
}

# Points near the middle of random grids that the intake accepts (as the storage ceiling draws them),
# and the active minor categories.
"$store_bin" "${db_args[@]}" --write-points "$work/points.txt" --points 20000 || fail "cannot draw points from $db"
sql_value "SELECT code FROM categories WHERE active = 1 AND parent != ''" >"$work/categories.txt"
[ -s "$work/points.txt" ] || fail "$db has no grids"
[ -s "$work/categories.txt" ] || fail "$db has no active minor category"

stamp=$(date +%s)
key_name="bench-intake-$stamp"
key=$("$bin" apikey add "$key_name" --permission case.report "${db_args[@]}" | sed -n 's/^key (shown once.*: //p')
[ -n "$key" ] || fail "could not create an API key"

# The server: a free port (0) read back from its start-up log; the overdue job only at start.
serve_args=(serve "${db_args[@]}" --listen 127.0.0.1:0 --overdue-interval 3600)
[ -n "$io_threads" ] && serve_args+=(--threads "$io_threads")
CIVICGRID_LOG_FORMAT=json "$bin" "${serve_args[@]}" >>"$work/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 600); do
  kill -0 "$server_pid" 2>/dev/null || { tail -5 "$work/server.log" >&2; fail "the server exited"; }
  port=$(grep -m1 '"server.start"' "$work/server.log" | grep -o '"port":[0-9]*' | cut -d: -f2 || true)
  [ -n "$port" ] && break
  sleep 0.2
done
[ -n "$port" ] || fail "the server did not start within 120 s"
http_get /healthz | grep -q '"status":"ok"' || fail "GET /healthz did not answer ok"
io=$(grep -m1 '"server.start"' "$work/server.log" | grep -o '"threads":[0-9]*' | cut -d: -f2)
settle  # the overdue job's first pass
echo "intake: server on port $port ($io io threads), $(cases_in_db) cases in ${db%%\?*}"

# One wrk run of `mode` at `conns` connections for `secs` seconds, labelled `label` in results.tsv
# (without a label: a warm-up, not recorded). Checks every answer and the database afterwards.
run_wrk() {
  local mode=$1 conns=$2 secs=$3 label=${4:-}
  local route=cases.create ok=201
  [ "$mode" = healthz ] && route=healthz ok=200
  scrape
  local ok0 bad0 writes0 commits0 cases0
  ok0=$(answers "$route" "$ok" 1) bad0=$(answers "$route" "$ok" 0)
  writes0=$(metric civicgrid_store_writes) commits0=$(metric civicgrid_store_commits)
  cases0=$(cases_in_db)
  local ticks0
  ticks0=$(server_ticks)
  : >"$work/run.tsv"
  INTAKE_MODE=$mode INTAKE_RUN="$stamp-$mode-c$conns-$RANDOM$RANDOM" INTAKE_KEY=$key \
    INTAKE_POINTS="$work/points.txt" INTAKE_CATEGORIES="$work/categories.txt" \
    INTAKE_LABEL="${label:-warmup}" INTAKE_RESULTS="$work/run.tsv" \
    wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s --latency -s "$here/intake.lua" "http://127.0.0.1:$port" \
    >"$work/wrk.txt" 2>&1 || { cat "$work/wrk.txt" >&2; fail "wrk failed"; }
  [ -s "$work/run.tsv" ] || { cat "$work/wrk.txt" >&2; fail "wrk wrote no result"; }
  local ticks1
  ticks1=$(server_ticks)
  settle  # requests still in flight when wrk stopped are answered (and counted) by now
  local ok1 bad1 cases1 requests non2xx sockerr
  ok1=$(answers "$route" "$ok" 1) bad1=$(answers "$route" "$ok" 0)
  cases1=$(cases_in_db)
  IFS=$'\t' read -r _ requests _ _ _ _ non2xx sockerr <"$work/run.tsv"
  local answered=$((ok1 - ok0)) bad=$((bad1 - bad0)) grew=$((cases1 - cases0))
  local writes=$(($(metric civicgrid_store_writes) - writes0)) commits=$(($(metric civicgrid_store_commits) - commits0))
  local group=0 cpu
  [ "$commits" -gt 0 ] && group=$(awk -v w="$writes" -v c="$commits" 'BEGIN { printf "%.2f", w / c }')
  # The server's CPU time per answer while wrk ran (all its threads), in microseconds.
  cpu=$(awk -v t=$((ticks1 - ticks0)) -v hz="$tick" -v n="$requests" 'BEGIN { printf "%.0f", n ? t * 1e6 / hz / n : 0 }')
  # Checks: no other answer than ok, no socket error, wrk saw only answers the server counted (those in
  # flight at the end are answered but unread), and every 201 is one more case in the database.
  if [ "$bad" -ne 0 ] || [ "$non2xx" -ne 0 ]; then
    grep "civicgrid_http_requests_total{.*route=\"$route\"" "$work/metrics" >&2 || true
    grep "\"route\":\"$route\"" "$work/server.log" | grep -v "\"status\":$ok" | head -5 >&2 || true
    fail "$mode at $conns connections: $bad answers other than $ok (wrk: $non2xx)"
  fi
  [ "$sockerr" -eq 0 ] || fail "$mode at $conns connections: $sockerr socket errors or timeouts"
  if [ "$requests" -gt "$answered" ] || [ $((answered - requests)) -gt "$conns" ]; then
    fail "$mode at $conns connections: wrk read $requests answers, the server gave $answered"
  fi
  if [ "$mode" = report ] && [ "$grew" -ne "$answered" ]; then
    fail "report at $conns connections: $answered answers 201 but the database gained $grew cases"
  fi
  [ "$mode" = healthz ] && [ "$grew" -ne 0 ] && fail "healthz at $conns connections: the database gained $grew cases"
  if [ -n "$label" ]; then
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(tr -d '\n' <"$work/run.tsv")" "$answered" "$bad" "$grew" "$group" "$cpu" \
      >>"$work/results.tsv"
    IFS=$'\t' read -r _ _ _ rps p50 p99 _ _ <"$work/run.tsv"
    printf 'intake: %-24s %7.0f /s  p50 %7.2f ms  p99 %7.2f ms  (%s answers, %s cases, %s writes a commit, %s us server CPU each)\n' \
      "$label" "$rps" "$p50" "$p99" "$answered" "$grew" "$group" "$cpu"
  fi
  : >"$work/server.log.keep"
  grep -v '"http.request"' "$work/server.log" >>"$work/server.log.keep" || true
  grep -q '"level":"error"' "$work/server.log.keep" && { cat "$work/server.log.keep" >&2; fail "the server logged errors"; }
  : >"$work/server.log"  # opened for appending: the server goes on writing at the new end
}

run_wrk report 64 3  # warm-up: caches, connections, the first commits
for conns in $connections; do
  for _ in $(seq 1 "$runs"); do run_wrk report "$conns" "$seconds" "intake.c$conns civicgrid"; done
done
if [ "$http_ceiling" -eq 1 ]; then
  for _ in $(seq 1 "$runs"); do run_wrk healthz 64 "$seconds" "intake.c64 http_ceiling"; done
fi

kill -TERM "$server_pid"
wait "$server_pid" || fail "the server did not stop cleanly"
server_pid=""

# The records: one per (figure, subject, metric), the values of every run.
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}
column() { awk -F'\t' -v l="$1" -v c="$2" '$1 == l { printf "%s%s", sep, $c; sep = "," }' "$work/results.tsv"; }
{
  labels=()
  for conns in $connections; do labels+=("intake.c$conns civicgrid"); done
  [ "$http_ceiling" -eq 1 ] && labels+=("intake.c64 http_ceiling")
  for label in "${labels[@]}"; do
    figure=${label% *} subject=${label#* } conns=${figure#intake.c}
    rate_metric=cases_per_second
    [ "$subject" = http_ceiling ] && rate_metric=requests_per_second
    extra="{\"connections\":$conns,\"wrk_threads\":2,\"seconds\":$seconds,\"io_threads\":$io,"
    extra+="\"answers_ok\":[$(column "$label" 9)],\"answers_not_ok\":[$(column "$label" 10)],"
    extra+="\"cases_added\":[$(column "$label" 11)],\"writes_per_commit\":[$(column "$label" 12)],"
    extra+="\"server_cpu_us_per_answer\":[$(column "$label" 13)],"
    extra+="\"note\":\"wrk and the server share the machine's cores\"}"
    for m in "$rate_metric 4" "p50_ms 5" "p99_ms 6"; do
      printf '{"figure":"%s","subject":"%s","metric":"%s","values":[%s],"command":%s' \
        "$figure" "$subject" "${m% *}" "$(column "$label" "${m#* }")" "$(json_string "$command_line")"
      [ "${m% *}" = "$rate_metric" ] && printf ',"extra":%s' "$extra"
      printf '}\n'
    done
  done
} >>"$out"

# The storage ceiling: the same kind of rows through the store, no HTTP, the server stopped.
"$store_bin" "${db_args[@]}" --out "$out" --cases "$cases" --submitters 64 --runs "$runs" ||
  fail "the storage ceiling failed"
echo "intake: records appended to $out in ${SECONDS} s"

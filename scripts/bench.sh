#!/usr/bin/env bash
# The benchmark suite behind `make bench` (docs/performance.md): builds the province database if absent,
# starts a throwaway PostgreSQL/PostGIS for the peers, runs every figure beside its peer, and rewrites the
# benchmark section of docs/performance.md from the results of this one run (with --only: only the
# sections of the parts run; the others stay as the page has them).
#
# Usage: scripts/bench.sh [--quick] [--db PATH] [--cases-per-year N] [--only PART ...] [--no-page]
#   --quick     small sizes and single runs: checks that the suite works (seconds to minutes), page untouched
#   --db PATH   the province database (default var/bench/province.db; built by
#               `civicgrid demo build --scale province` when absent)
#   --cases-per-year N  the history of a database built here (default 10,000,000; --quick 200,000)
#   --only      run only these parts: footprint locate store live intake engines (repeatable); the page
#               keeps the sections of the parts not run (bench/render.mjs --partial)
#   --no-page   leave docs/performance.md as it is (results stay in build/bench/results/)
# The part engines (bench/engines/run-engines.sh) uses a database of its own (var/bench/engines.db, about
# 1 M cases, built when absent) and PostgreSQL; the others use the province database.
# Expects `make build-bench` to have run (make bench does both). Environment: BENCH_DIR (default build/bench).
set -euo pipefail
cd "$(dirname "$0")/.."

invocation="scripts/bench.sh${*:+ $*}"
quick=0
db=var/bench/province.db
page=1
cases_per_year=""
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; page=0 ;;
    --db) db=$2; shift ;;
    --cases-per-year) cases_per_year=$2; shift ;;
    --only) only+=("$2"); shift ;;
    --no-page) page=0 ;;
    --help|-h) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench: unknown option '$1' (see scripts/bench.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

dir=${BENCH_DIR:-build/bench}
bin=$dir/civicgrid
[ -x "$bin" ] || { echo "bench: $bin is missing: run 'make build-bench' first" >&2; exit 1; }
results_dir=$dir/results
mkdir -p "$results_dir" "$(dirname "$db")"
stamp=$(date +%Y%m%d-%H%M%S)
results=$results_dir/$stamp.jsonl
: >"$results"
say() { echo "bench: $*" >&2; }
wants() { [ ${#only[@]} -eq 0 ] && return 0; local p; for p in "${only[@]}"; do [ "$p" = "$1" ] && return 0; done; return 1; }
# Appends one record (figure, subject, metric, values, command) to the results.
record() {
  printf '{"figure":"%s","subject":"%s","metric":"%s","values":[%s],"command":"%s"}\n' "$1" "$2" "$3" "$4" "$5" >>"$results"
}

# The parts that use the province database.
province=0
for part in footprint locate store live intake; do wants "$part" && province=1; done

# --- the province database ---
if [ "$province" -eq 1 ] && [ ! -f "$db" ]; then
  say "building the province database $db (about 110,000 grids, 10 million cases; takes a while)"
  extra=()
  if [ "$quick" -eq 1 ]; then extra=(--cases-per-year 200000); fi
  if [ -n "$cases_per_year" ]; then extra=(--cases-per-year "$cases_per_year"); fi
  t0=$(date +%s.%N)
  "$bin" --db "$db" --log-format text demo build --scale province "${extra[@]}"
  t1=$(date +%s.%N)
  build_seconds=$(awk "BEGIN {printf \"%.1f\", $t1 - $t0}")
  echo "$build_seconds" >"$db.build-seconds"
fi
db_about=""
if [ "$province" -eq 1 ]; then
  db_bytes=$(stat -c %s "$db")
  db_cases=$(sqlite3 "file:$db?mode=ro" 'SELECT count(*) FROM cases')
  db_grids=$(sqlite3 "file:$db?mode=ro" 'SELECT count(*) FROM grids')
  if [ -f "$db.build-seconds" ] && wants footprint; then
    record footprint.build civicgrid seconds "$(cat "$db.build-seconds")" "civicgrid --db $db demo build --scale province"
  fi
  wants footprint && record footprint.database civicgrid gb "$(awk "BEGIN {printf \"%.2f\", $db_bytes / 1e9}")" "stat -c %s $db"
  db_about="$(printf "%'d" "$db_grids") grids, $(printf "%'d" "$db_cases") cases, $((db_bytes / 1000000)) MB ($db)"
  say "database: $db, $(printf "%'d" "$db_grids") grids, $(printf "%'d" "$db_cases") cases, $((db_bytes / 1000000)) MB"
fi

# --- PostgreSQL for the peers ---
pgdir=$dir/pg
pg_uri=""
cleanup() { if [ -n "$pg_uri" ]; then scripts/pg-temp.sh stop "$pgdir"; fi; }
trap cleanup EXIT
if wants locate || wants store; then
  say "starting a throwaway PostgreSQL 15 in $pgdir"
  pg_uri=$(scripts/pg-temp.sh start "$pgdir")
fi

suite_started=$(date +%s)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
free_port() { "$(dirname "${BASH_SOURCE[0]}")/free-port.sh"; }

# --- footprint: start-up time and RSS of a server on the province database ---
if wants footprint; then
  runs=3; [ "$quick" -eq 1 ] && runs=1
  starts=() rss=()
  for _ in $(seq 1 "$runs"); do
    port=$(free_port)
    t0=$(date +%s%N)
    "$bin" --db "$db" --log-level warn serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
    pid=$!
    until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do
      kill -0 "$pid" 2>/dev/null || { say "the server died at start"; exit 1; }
      sleep 0.02
    done
    t1=$(date +%s%N)
    sleep 3
    starts+=("$(( (t1 - t0) / 1000000 ))")
    rss+=("$(( $(awk '/VmRSS/ {print $2}' "/proc/$pid/status") / 1024 ))")
    kill -TERM "$pid"; wait "$pid" || true
  done
  command="civicgrid --db $db serve: time from exec to the first 200 of GET /healthz; VmRSS 3 s later"
  record footprint.server civicgrid start_ms "$(IFS=,; echo "${starts[*]}")" "$command"
  record footprint.server civicgrid rss_mb "$(IFS=,; echo "${rss[*]}")" "$command"
  say "footprint: start ${starts[*]} ms, RSS ${rss[*]} MB"
fi

q=(); [ "$quick" -eq 1 ] && q=(--quick)
run_part() {  # name, command... (a part whose program is not in this tree or build is skipped, said so)
  local name=$1; shift
  if [ ! -x "$1" ]; then say "$name: skipped: $1 is not in this tree or build"; return 0; fi
  say "$name: $*"
  local t0; t0=$(date +%s)
  "$@"
  say "$name: done in $(( $(date +%s) - t0 )) s"
}

if wants locate; then
  run_part locate "$dir/bench/locate/bench_locate" --db "$db" --pg "$pg_uri" --pg-repetitions 2 --out "$results" "${q[@]}"
fi
if wants store; then
  run_part store "$dir/bench/store/bench_store" --db "$db" --pg "$pg_uri" --out "$results" "${q[@]}"
fi
if [ -n "$pg_uri" ]; then scripts/pg-temp.sh stop "$pgdir"; pg_uri=""; fi
if wants live; then
  run_part live bench/live/run-live.sh --bin "$bin" --db "$db" --out "$results" "${q[@]}"
fi
# Intake last: it adds its cases to the database.
if wants intake; then
  run_part intake bench/http/run-intake.sh --bin "$bin" --db "$db" --out "$results" "${q[@]}"
fi
# Engines: its own database, and its own throwaway PostgreSQL (started and stopped by the part).
if wants engines; then
  run_part engines bench/engines/run-engines.sh --bin "$bin" --out "$results" "${q[@]}"
fi
suite_seconds=$(( $(date +%s) - suite_started ))
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
say "suite: $suite_seconds s, results in $results"

machine=$results_dir/$stamp.machine.json
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
os="$(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)"
cat >"$machine" <<EOF
{"command":"$invocation","date":"$(date -u +%Y-%m-%dT%H:%MZ)","commit":"$(git rev-parse --short HEAD 2>/dev/null || echo unknown)",
 "load":"$load_before at the start, $load_after at the end (1, 5, 15 min)","nproc":"$(nproc)","cpu":"$cpu","memory":"$mem","os":"$os","suite_seconds":"$suite_seconds",
 "db":"$db_about"}
EOF
partial=(); [ ${#only[@]} -gt 0 ] && partial=(--partial)
if [ "$page" -eq 1 ]; then
  node bench/render.mjs --results "$results" --machine "$machine" --page docs/performance.md "${partial[@]}"
else
  node bench/render.mjs --results "$results" --machine "$machine" >"$results_dir/$stamp.md"
  say "section written to $results_dir/$stamp.md (docs/performance.md untouched)"
fi

#!/usr/bin/env bash
# The engines part of the benchmark suite: civicgrid's intake, statistics and case-list figures on SQLite
# and on PostgreSQL, over the same medium database (the five-city demo territory with a history).
#
# Usage: bench/engines/run-engines.sh --bin CIVICGRID --out FILE [options]
#   --db PATH            the medium SQLite database (default var/bench/engines.db, --quick
#                        var/bench/engines-quick.db), built with `civicgrid demo build` when absent
#   --cases-per-year N   the history of a database built here (default 1,000,000; --quick 50,000)
#   --pg-dir DIR         the throwaway PostgreSQL's directory (default: pg-engines beside CIVICGRID)
#   --quick              a smoke run: small database, one short run of each figure
# Each run loads the SQLite database's cases into a new schema `engines` of a throwaway PostgreSQL 15
# (`civicgrid db copy` when the binary has it, else the same `demo build` into PostgreSQL), then runs on
# each engine: bench_store --no-peers (stats.*, lists.*), then run-intake.sh at 64 connections with
# bench_intake_store (on a copy of the SQLite database, deleted afterwards; on the PostgreSQL schema,
# dropped at the end). Appends to FILE the figures engines.* of the subjects civicgrid-sqlite and
# civicgrid-postgresql (bench/engines/relabel.mjs), engines.load (build or load seconds), engines.size (GB).
set -euo pipefail

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bin="" out="" db="" cases_per_year="" pgdir="" quick=0
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --cases-per-year) cases_per_year=$2; shift 2 ;;
    --pg-dir) pgdir=$2; shift 2 ;;
    --quick) quick=1; shift ;;
    -h|--help) usage ;;
    *) echo "run-engines: unknown argument $1" >&2; usage ;;
  esac
done
[ -n "$bin" ] && [ -n "$out" ] || usage
say() { echo "engines: $*" >&2; }
fail() { echo "run-engines: $*" >&2; exit 1; }
[ -x "$bin" ] || fail "$bin is not executable"
builddir=$(dirname "$bin")
store_bench=$builddir/bench/store/bench_store
for p in "$store_bench" "$builddir/bench/http/bench_intake_store"; do
  [ -x "$p" ] || fail "$p is not built (make build-bench)"
done
if [ -z "$db" ]; then db=var/bench/engines.db; [ "$quick" -eq 1 ] && db=var/bench/engines-quick.db; fi
if [ -z "$cases_per_year" ]; then cases_per_year=1000000; [ "$quick" -eq 1 ] && cases_per_year=50000; fi
[ -n "$pgdir" ] || pgdir=$builddir/pg-engines
q=(); [ "$quick" -eq 1 ] && q=(--quick)
mkdir -p "$(dirname "$db")"

pg_base=""
cleanup() {
  if [ -n "$pg_base" ]; then
    psql "$pg_base" -qc "DROP SCHEMA IF EXISTS engines CASCADE" >/dev/null 2>&1 || true
    "$root/scripts/pg-temp.sh" stop "$pgdir"
  fi
}
trap cleanup EXIT
record() {  # figure, subject, metric, value, command, extra (a JSON object)
  printf '{"figure":"%s","subject":"%s","metric":"%s","values":[%s],"command":"%s","extra":%s}\n' \
    "$1" "$2" "$3" "$4" "$5" "$6" >>"$out"
}
seconds_since() { awk -v t0="$1" -v t1="$(date +%s.%N)" 'BEGIN { printf "%.1f", t1 - t0 }'; }

# --- the SQLite database: the demo territory, a history of cases_per_year cases, ending when first built ---
if [ ! -f "$db" ]; then
  end=$(date +%Y-%m-%dT%H:%M:%S%:z)
  say "building $db: the demo territory and a year of about $(printf "%'d" "$cases_per_year") cases up to $end"
  t0=$(date +%s.%N)
  "$bin" --db "$db" --log-format text demo build --cases-per-year "$cases_per_year" --history-end "$end"
  seconds_since "$t0" >"$db.build-seconds"
  printf -- '--cases-per-year %s --history-end %s\n' "$cases_per_year" "$end" >"$db.build-options"
fi
[ -f "$db.build-options" ] || fail "$db.build-options is missing (delete $db to build it again)"
read -r -a build_options <"$db.build-options"
cases=$(sqlite3 "file:$db?mode=ro" 'SELECT count(*) FROM cases')
grids=$(sqlite3 "file:$db?mode=ro" 'SELECT count(*) FROM grids')
say "$db: $(printf "%'d" "$grids") grids, $(printf "%'d" "$cases") cases, $(( $(stat -c %s "$db") / 1000000 )) MB"
about="{\"cases\":$cases,\"grids\":$grids}"
if [ -f "$db.build-seconds" ]; then
  record engines.load civicgrid-sqlite seconds "$(cat "$db.build-seconds")" \
    "civicgrid --db $db demo build ${build_options[*]}" "{\"how\":\"demo build\",\"cases\":$cases}"
fi

# --- PostgreSQL: a new schema, filled with the same cases ---
say "starting a throwaway PostgreSQL 15 in $pgdir"
pg_base=$("$root/scripts/pg-temp.sh" start "$pgdir")
psql "$pg_base" -qc "DROP SCHEMA IF EXISTS engines CASCADE" -c "CREATE SCHEMA engines" \
  -c "CREATE EXTENSION IF NOT EXISTS postgis" >/dev/null
pg="$pg_base?options=-csearch_path%3Dengines,public"
key=$pgdir/engines.key
rm -f "$key"
t0=$(date +%s.%N)
# (`civicgrid db copy --help` answers the top-level help where there is no such command: look for --from.)
if "$bin" db copy --help 2>/dev/null | grep -q -- '--from'; then
  how="db copy"
  say "copying $db into PostgreSQL (schema engines): civicgrid db copy"
  "$bin" --log-format text db copy --from "sqlite:$db" --to "$pg" --to-key-file "$key"
  load_command="civicgrid db copy --from sqlite:$db --to postgresql://…/schema engines --to-key-file F"
else
  how="demo build"
  say "filling PostgreSQL (schema engines) with the same demo build (civicgrid db copy is not in this build)"
  "$bin" --db "$pg" --key-file "$key" --log-format text demo build "${build_options[@]}"
  load_command="civicgrid --db postgresql://…/schema engines --key-file F demo build ${build_options[*]}"
fi
load_seconds=$(seconds_since "$t0")
pg_cases=$(psql "$pg" -Atqc 'SELECT count(*) FROM cases')
say "PostgreSQL filled by $how in $load_seconds s: $(printf "%'d" "$pg_cases") cases"
[ "$pg_cases" -eq "$cases" ] || fail "PostgreSQL holds $pg_cases cases, $db $cases"
record engines.load civicgrid-postgresql seconds "$load_seconds" "$load_command" "{\"how\":\"$how\",\"cases\":$pg_cases}"
psql "$pg" -qc "VACUUM ANALYZE" >/dev/null
pg_bytes=$(psql "$pg" -Atqc "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n
  ON n.oid = c.relnamespace WHERE n.nspname = 'engines' AND c.relkind IN ('r', 'm')")
gb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e9 }'; }
record engines.size civicgrid-sqlite gb "$(gb "$(stat -c %s "$db")")" "stat -c %s $db" "$about"
record engines.size civicgrid-postgresql gb "$(gb "$pg_bytes")" \
  "SELECT sum(pg_total_relation_size(…)) over the tables of schema engines, after VACUUM ANALYZE" "$about"

# Runs one engine's command (writing its records to a file of its own) and appends them relabelled.
# (The file is named after FILE, not in a temporary directory: the commands recorded name it.)
run_engine() {  # engine, command...
  local engine=$1; shift
  local part=${out%.jsonl}-$engine.jsonl
  : >"$part"
  say "$engine: $*"
  local t0; t0=$(date +%s)
  "$@" --out "$part"
  node "$here/relabel.mjs" --in "$part" --out "$out" --subject "civicgrid-$engine" --engine "$engine"
  rm -f "$part"
  say "$engine: done in $(( $(date +%s) - t0 )) s"
}

# --- statistics and case lists: the civicgrid subject on each engine, the figures chosen from $db ---
run_engine sqlite "$store_bench" --db "$db" --no-peers "${q[@]}"
run_engine postgresql "$store_bench" --db "$db" --store "$pg" --key-file "$key" --no-peers "${q[@]}"

# --- intake at 64 connections and the store alone: on a copy of the SQLite database, on the schema ---
copy=${db%.db}-intake.db
cp "$db" "$copy"
cp "$db.key" "$copy.key"
intake=("$root/bench/http/run-intake.sh" --bin "$bin" --connections 64 --no-http-ceiling "${q[@]}")
run_engine sqlite "${intake[@]}" --db "$copy"
rm -f "$copy" "$copy".*
run_engine postgresql "${intake[@]}" --db "$pg" --key-file "$key"

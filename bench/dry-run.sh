#!/usr/bin/env bash
# Dry-run benchmark through the REST endpoint (issue 4, "Benchmarks"):
#   POST /api/imports/leads/validate with generated messy files — 50,000-row CSV (3 runs),
#   50,000-row XLSX (3 runs), 1,000,000-row CSV (1 run) — against a company that already
#   has 1,000,000 leads, on the release build. Prints wall time per request, the server's
#   CPU time and peak RSS per request, and the CPU-only stage timings of the same files.
#
#   bench/dry-run.sh              # everything (builds, fresh database lead_importer_bench)
#   ROWS_BIG=200000 bench/dry-run.sh   # a smaller "big" file for a quick check
#   KEEP=1 bench/dry-run.sh       # keep the temp dir (files, server log, answers)
#
# Settings (environment): PORT (3300), BENCH_DB (lead_importer_bench), EXISTING_LEADS
# (1000000), EXISTING_PCT (share of generated rows whose e-mail is an existing lead's, 50),
# ROWS_SMALL (50000), ROWS_BIG (1000000), RUNS_SMALL (3), RUNS_BIG (1 or 0), SKIP_STAGES
# (1 skips the CPU-only stage timings); the server's
# own settings (DB_STATEMENT_TIMEOUT_MS, …) pass through. The database is dropped and
# created anew at the start and left in place at the end for inspection.
set -euo pipefail

unset DATABASE_URL
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"

PORT="${PORT:-3300}"
BENCH_DB="${BENCH_DB:-lead_importer_bench}"
EXISTING_LEADS="${EXISTING_LEADS:-1000000}"
EXISTING_PCT="${EXISTING_PCT:-50}"
ROWS_SMALL="${ROWS_SMALL:-50000}"
ROWS_BIG="${ROWS_BIG:-1000000}"
RUNS_SMALL="${RUNS_SMALL:-3}"
BASE="http://127.0.0.1:$PORT"

WORK="$(mktemp -d /tmp/li-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then
    say "kept $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

say "building the release server and the generator"
build_release   # the same binary run.sh and the tests use (a plain cargo build would drop the site settings cargo-leptos compiles in)
cargo build --release -p imports --example gen_leads --example stage_bench
BIN="$(server_binary)"
EXAMPLES="$CARGO_TARGET_DIR/release/examples"

ensure_postgres
DB_URL="$PG_BASE_URL/$BENCH_DB"
say "fresh database $BENCH_DB"
psql "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null
psql "$PG_BASE_URL/postgres" -qc "CREATE DATABASE \"$BENCH_DB\"" >/dev/null
export DATABASE_URL="$DB_URL"

say "seeding the company, its admin and an API token"
"$BIN" company add bench --name "Bench GmbH" >/dev/null
printf 'bench-password-123\n' | "$BIN" user add --company bench --email admin@bench.example --role admin >/dev/null
TOKEN="$("$BIN" token create --company bench --email admin@bench.example --name bench | tail -1)"

say "inserting $EXISTING_LEADS leads (one statement)"
t0=$(date +%s.%N)
psql "$DB_URL" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO leads (id, company_id, first_name, last_name, email, email_norm, phone, phone_e164,
                   company, title, status, source, country, notes)
SELECT gen_random_uuid(), c.id, 'Lead', 'Number ' || n,
       'lead' || n || '@bench.example', 'lead' || n || '@bench.example',
       '+49 40 ' || lpad(n::text, 8, '0'), '+4940' || lpad(n::text, 8, '0'),
       'Customer ' || (n % 5000), 'Buyer', 'contacted', 'web', 'DE', NULL
FROM companies c, generate_series(1, $EXISTING_LEADS) AS n
WHERE c.slug = 'bench';
VACUUM ANALYZE leads;
SQL
printf '   %s leads in %.1f s\n' "$(psql "$DB_URL" -qtAc 'SELECT count(*) FROM leads')" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')"

say "generating the files"
SMALL_CSV="$WORK/leads-$ROWS_SMALL.csv"
SMALL_XLSX="$WORK/leads-$ROWS_SMALL.xlsx"
BIG_CSV="$WORK/leads-$ROWS_BIG.csv"
gen() { "$EXAMPLES/gen_leads" --existing-pct "$EXISTING_PCT" --existing-leads "$EXISTING_LEADS" "$@"; }
gen --rows "$ROWS_SMALL" --out "$SMALL_CSV"
gen --rows "$ROWS_SMALL" --out "$SMALL_XLSX" --xlsx
gen --rows "$ROWS_BIG" --out "$BIG_CSV"

say "starting the server on $BASE"
mkdir -p "$WORK/data"
RUST_LOG="${RUST_LOG:-info,sqlx=warn}" "$BIN" serve \
  --addr "127.0.0.1:$PORT" \
  --data-dir "$WORK/data" \
  --max-upload-bytes $((2 * 1024 * 1024 * 1024)) \
  --request-timeout-secs 600 \
  --no-demo >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do
  curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fsS "$BASE/healthz" >/dev/null

CLK_TCK=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }
hwm_kib() { awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }

RESULTS="$WORK/results.tsv"
: >"$RESULTS"
# One request: wall time (curl), server CPU seconds, server peak RSS during the request
# (VmHWM after resetting it through /proc/PID/clear_refs; where the kernel refuses the
# reset, the highest VmRSS sampled every 100 ms), and the answer's counts.
run() {
  local label="$1" file="$2" n="$3"
  local out="$WORK/answer-$n.json"
  local reset=1
  echo 5 >"/proc/$SERVER_PID/clear_refs" 2>/dev/null || reset=0
  local cpu0 peak_sampled=0
  cpu0=$(cpu_ticks)
  (
    max=0
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      r=$(rss_kib); [ "${r:-0}" -gt "$max" ] && max=$r && echo "$max" >"$WORK/rss-$n"
      sleep 0.1
    done
  ) &
  local sampler=$!
  local curl_out
  curl_out=$(curl -sS -o "$out" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $TOKEN" \
    -F "file=@$file" -F "source=bench" \
    "$BASE/api/imports/leads/validate")
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  local cpu1 hwm
  cpu1=$(cpu_ticks)
  hwm=$(hwm_kib)
  peak_sampled=$(cat "$WORK/rss-$n" 2>/dev/null || echo 0)
  local peak=$hwm
  [ "$reset" = 1 ] || peak=$peak_sampled
  local code secs
  read -r code secs <<<"$curl_out"
  if [ "$code" != 200 ]; then
    local error_code
    error_code=$(jq -r '.error.code // empty' "$out" 2>/dev/null || true)
    echo "   $label: HTTP $code ${error_code} after ${secs} s (server CPU $(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" 'BEGIN { print t / hz }') s, peak RSS $((peak / 1024)) MiB): $(head -c 300 "$out")" >&2
    printf '%s\t%s\t%s\t%s\t-\t-\t-\t-\t-\t-\t-\t%s\n' "$label" "$secs" "$((cpu1 - cpu0))" "$peak" "HTTP $code $error_code" >>"$RESULTS"
    return
  fi
  local summary
  summary=$(jq -r '[.stats.total_rows, .stats.valid_rows, .stats.warning_rows, .stats.error_rows, .stats.duplicate_in_file, .stats.duplicate_in_db, .duration_ms] | @tsv' "$out")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$secs" "$((cpu1 - cpu0))" "$peak" "$summary" "HTTP 200" >>"$RESULTS"
  printf '   %-18s %7.2f s  (server CPU %.1f s, peak RSS %d MiB)\n' "$label" "$secs" \
    "$(awk -v t=$((cpu1 - cpu0)) -v hz="$CLK_TCK" 'BEGIN { print t / hz }')" $((peak / 1024))
}

say "timing POST /api/imports/leads/validate"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq 1 "$RUNS_SMALL"); do run "csv $ROWS_SMALL #$i" "$SMALL_CSV" "s$i"; done
for i in $(seq 1 "$RUNS_SMALL"); do run "xlsx $ROWS_SMALL #$i" "$SMALL_XLSX" "x$i"; done
[ "${RUNS_BIG:-1}" = 0 ] || run "csv $ROWS_BIG" "$BIG_CSV" big

say "stopping the server"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

if [ "${SKIP_STAGES:-0}" != 1 ]; then
  say "CPU-only stages of the same files (no database, no HTTP)"
  for f in "$SMALL_CSV" "$SMALL_XLSX" "$BIG_CSV"; do
    echo "   $(basename "$f"):"
    "$EXAMPLES/stage_bench" "$f" | sed 's/^/     /'
  done
fi

echo
echo "## Results ($(nproc) cores, load average before: $LOAD_BEFORE, $(date -u +%Y-%m-%dT%H:%MZ), $EXISTING_LEADS leads in the table, $EXISTING_PCT % of the file's e-mails belong to existing leads, DB_STATEMENT_TIMEOUT_MS=${DB_STATEMENT_TIMEOUT_MS:-30000 (default)})"
echo
echo "| run | answer | wall (curl) | server CPU | server peak RSS | rows | valid / warning / error | dup in file / in db | duration_ms |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
while IFS=$'\t' read -r label secs cpu peak total valid warn err dfile ddb dur answer; do
  printf '| %s | %s | %.2f s | %.1f s | %d MiB | %s | %s / %s / %s | %s / %s | %s |\n' \
    "$label" "$answer" "$secs" "$(awk -v t="$cpu" -v hz="$CLK_TCK" 'BEGIN { print t / hz }')" $((peak / 1024)) \
    "$total" "$valid" "$warn" "$err" "$dfile" "$ddb" "$dur"
done <"$RESULTS"
echo
if grep -qi "slow statement" "$WORK/server.log"; then
  echo "Slow statements the server logged (sqlx warns above 1 s):"
  grep -i "slow statement" "$WORK/server.log" | sed -E 's/\x1b\[[0-9;]*m//g' |
    sed -E 's/^([^ ]+) .*file=([^ ]+) .*summary="([^"]{0,40}).*(rows_affected=[0-9]+).*(elapsed=[0-9.]+[a-z]*).*/  \1 \2: \3… \4 \5/'
fi
if grep -q "ERROR" "$WORK/server.log"; then
  echo "Errors the server logged:"
  grep "ERROR" "$WORK/server.log" | sed -E 's/\x1b\[[0-9;]*m//g' | cut -c1-300
fi

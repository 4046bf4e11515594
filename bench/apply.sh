#!/usr/bin/env bash
# Apply benchmark through the REST endpoint (issue 6, "Tests and benchmarks"):
#   a generated 50,000-row CSV, half of whose e-mails belong to existing leads, is dry-run
#   (POST /api/imports/leads/validate), then applied with duplicate_policy=upsert
#   (POST /api/imports/{id}/apply?wait=true) against a company that already has 1,000,000
#   leads, on the release build; then reverted (POST /api/imports/{id}/revert), so every
#   run starts from the same table. Prints wall time per request and the apply's own
#   transaction time (result.duration_ms).
#
#   bench/apply.sh                  # 3 runs (builds, fresh database lead_importer_bench)
#   RUNS=1 ROWS=10000 bench/apply.sh
#
# Settings (environment): PORT (3301), BENCH_DB (lead_importer_bench), EXISTING_LEADS
# (1000000), EXISTING_PCT (50), ROWS (50000), RUNS (3), KEEP=1 keeps the temp dir.
set -euo pipefail

unset DATABASE_URL
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"

PORT="${PORT:-3301}"
BENCH_DB="${BENCH_DB:-lead_importer_bench}"
EXISTING_LEADS="${EXISTING_LEADS:-1000000}"
EXISTING_PCT="${EXISTING_PCT:-50}"
ROWS="${ROWS:-50000}"
RUNS="${RUNS:-3}"
BASE="http://127.0.0.1:$PORT"

WORK="$(mktemp -d /tmp/li-apply-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

say "building the release server and the generator"
build_release   # the same binary run.sh and the tests use (a plain cargo build would drop the site settings cargo-leptos compiles in)
cargo build --release -p imports --example gen_leads
BIN="$(server_binary)"
EXAMPLES="$CARGO_TARGET_DIR/release/examples"

ensure_postgres
DB_URL="$PG_BASE_URL/$BENCH_DB"
say "fresh database $BENCH_DB"
psql "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null
psql "$PG_BASE_URL/postgres" -qc "CREATE DATABASE \"$BENCH_DB\"" >/dev/null
export DATABASE_URL="$DB_URL"
"$BIN" company add bench --name "Bench GmbH" >/dev/null
printf 'bench-password-123\n' | "$BIN" user add --company bench --email admin@bench.example --role admin >/dev/null
TOKEN="$("$BIN" token create --company bench --email admin@bench.example --name bench | tail -1)"

say "inserting $EXISTING_LEADS leads"
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

FILE="$WORK/leads-$ROWS.csv"
"$EXAMPLES/gen_leads" --existing-pct "$EXISTING_PCT" --existing-leads "$EXISTING_LEADS" --rows "$ROWS" --out "$FILE"

say "starting the server on $BASE"
mkdir -p "$WORK/data"
RUST_LOG="${RUST_LOG:-info,sqlx=warn}" "$BIN" serve --addr "127.0.0.1:$PORT" --data-dir "$WORK/data" \
  --request-timeout-secs 600 --max-upload-bytes $((1024 * 1024 * 1024)) --no-demo >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done

post() { # path, json body → prints "code seconds", answer in $WORK/answer.json
  curl -sS -o "$WORK/answer.json" -w '%{http_code} %{time_total}' -X POST \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2" "$BASE$1"
}

echo
echo "| run | dry run (wall) | apply upsert (wall) | apply transaction | inserted / updated / skipped / failed | revert (wall) |"
echo "| --- | --- | --- | --- | --- | --- |"
for i in $(seq 1 "$RUNS"); do
  read -r code dry < <(curl -sS -o "$WORK/dry.json" -w '%{http_code} %{time_total}\n' \
    -H "Authorization: Bearer $TOKEN" -F "file=@$FILE" -F "source=bench" "$BASE/api/imports/leads/validate")
  [ "$code" = 200 ] || { echo "dry run: HTTP $code $(head -c 300 "$WORK/dry.json")"; exit 1; }
  id=$(jq -r .import_id "$WORK/dry.json")
  read -r code apply < <(post "/api/imports/$id/apply?wait=true" '{"mode":"valid_only","duplicate_policy":"upsert"}'; echo)
  [ "$code" = 200 ] || { echo "apply: HTTP $code $(head -c 300 "$WORK/answer.json")"; exit 1; }
  counts=$(jq -r '.result | "\(.inserted) / \(.updated) / \(.skipped) / \(.failed)"' "$WORK/answer.json")
  tx_ms=$(jq -r '.result.duration_ms' "$WORK/answer.json")
  read -r code revert < <(post "/api/imports/$id/revert" '{}'; echo)
  [ "$code" = 200 ] || { echo "revert: HTTP $code $(head -c 300 "$WORK/answer.json")"; exit 1; }
  printf '| %d | %.2f s | %.2f s | %d ms | %s | %.2f s |\n' "$i" "$dry" "$apply" "$tx_ms" "$counts" "$revert"
done
echo
echo "($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), $EXISTING_LEADS leads in the table, $EXISTING_PCT % of the file's e-mails are existing leads)"
if grep -q "ERROR" "$WORK/server.log"; then
  echo "Errors the server logged:"
  grep "ERROR" "$WORK/server.log" | sed -E 's/\x1b\[[0-9;]*m//g' | cut -c1-300
fi

#!/usr/bin/env bash
# Impact preview benchmark through the REST endpoint (issue 12): four generated 50,000-row
# CSVs are dry-run (POST /api/imports/leads/validate), then a draft configuration (an
# alias added, `company` made required, an allowed status removed) is previewed against
# them (POST /api/config/preview: 200,000 staged rows replayed) against a company with
# 1,000,000 leads, on the release build. The floor, measured in the same run: the rules
# engine's own validate_row loop over 200,000 generated rows (rules' `bench` example).
#
#   bench/config-preview.sh                # 3 previews (builds, fresh database)
#   RUNS=1 FILES=2 bench/config-preview.sh
#
# Settings (environment): PORT (3302), BENCH_DB (lead_importer_bench_preview),
# EXISTING_LEADS (1000000), ROWS (50000 per file), FILES (4), RUNS (3), KEEP=1.
set -euo pipefail

unset DATABASE_URL
# shellcheck source=../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$REPO_ROOT"

PORT="${PORT:-3302}"
BENCH_DB="${BENCH_DB:-lead_importer_bench_preview}"
EXISTING_LEADS="${EXISTING_LEADS:-1000000}"
ROWS="${ROWS:-50000}"
FILES="${FILES:-4}"
RUNS="${RUNS:-3}"
BASE="http://127.0.0.1:$PORT"

WORK="$(mktemp -d /tmp/li-preview-bench.XXXXXX)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [ "${KEEP:-0}" = 1 ]; then say "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

say "building the release server, the generator and the engine benchmark"
build_release
cargo build --release -p imports --example gen_leads
cargo build --release -p rules --example bench
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
INSERT INTO leads (id, company_id, email, email_norm, status)
SELECT gen_random_uuid(), (SELECT id FROM companies WHERE slug = 'bench'),
       'lead' || n || '@bench.example', 'lead' || n || '@bench.example',
       (ARRAY['new', 'contacted', 'qualified', 'lost'])[1 + n % 4]
FROM generate_series(1, $EXISTING_LEADS) AS n;
ANALYZE leads;
SQL

say "starting the server on $BASE"
mkdir -p "$WORK/data"
RUST_LOG="${RUST_LOG:-info,sqlx=warn}" "$BIN" serve --addr "127.0.0.1:$PORT" \
  --data-dir "$WORK/data" --request-timeout-secs 600 --no-demo >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 60); do curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$BASE/healthz" >/dev/null

auth=(-H "Authorization: Bearer $TOKEN")
for i in $(seq 1 "$FILES"); do
  "$EXAMPLES/gen_leads" --rows "$ROWS" --seed "$i" --existing-leads "$EXISTING_LEADS" --out "$WORK/f$i.csv"
  curl -fsS "${auth[@]}" -F "file=@$WORK/f$i.csv" -F source=bench -o /dev/null "$BASE/api/imports/leads/validate"
done
say "$FILES imports of $ROWS rows staged"

# The draft: `company` required, an alias for `contacted`, `lost` no longer allowed.
curl -fsS "${auth[@]}" "$BASE/api/config" | python3 -c '
import json, sys
c = json.load(sys.stdin)["config"]
for f in c["fields"]:
    if f["key"] == "company":
        f["requirement"] = "error"
    if f["key"] == "status":
        f["constraints"]["allowed"] = [a for a in f["constraints"]["allowed"] if a["value"] != "lost"]
        for a in f["constraints"]["allowed"]:
            if a["value"] == "contacted":
                a.setdefault("aliases", []).append("Warmer Kontakt")
json.dump({"config": c}, open(sys.argv[1], "w"))
' "$WORK/draft.json"

say "floor: the rules engine's validate_row loop over $((ROWS * FILES)) rows"
FLOOR_MS=$("$EXAMPLES/bench" "$((ROWS * FILES))" | awk '/validate_row loop/ { print $5 }')
echo "engine row loop: ${FLOOR_MS} ms"

for run in $(seq 1 "$RUNS"); do
  read -r code secs < <(curl -sS -o "$WORK/impact.json" -w '%{http_code} %{time_total}\n' "${auth[@]}" \
    -H 'Content-Type: application/json' --data-binary "@$WORK/draft.json" "$BASE/api/config/preview")
  [ "$code" = 200 ] || { echo "preview answered $code"; cat "$WORK/impact.json"; exit 1; }
  python3 - "$WORK/impact.json" "$secs" "$FLOOR_MS" "$run" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); secs = float(sys.argv[2]); floor = float(sys.argv[3]) / 1000
fail = sum(i["newly_failing"] for i in r["imports"]); ok = sum(i["newly_passing"] for i in r["imports"])
orphans = sum(o["leads"] for o in r["orphaned_values"])
print(f"run {sys.argv[4]}: {r['rows_checked']} rows in {secs:.2f} s = {secs / floor:.1f}x the engine loop "
      f"({floor * 1000:.0f} ms); newly failing {fail}, newly passing {ok}, orphaned leads {orphans}, truncated {r['truncated']}")
PY
done

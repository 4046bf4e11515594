#!/usr/bin/env bash
# Sets up whatever is missing and runs every test: formatting, clippy (server and wasm),
# unit, database and router tests, the rules engine's wasm agreement test, and Playwright
# against the release build on a fresh database. Exits non-zero on the first failure.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"

SERVER_CRATES=(-p lead-importer -p api -p store -p auth -p intake -p rules -p imports -p web)
E2E_PORT="${E2E_PORT:-3100}"
E2E_DB="${E2E_DB:-lead_importer_e2e}"

ensure_rust_tools
ensure_node_tools
ensure_chromium
ensure_prometheus
ensure_postgres
# sqlx::test creates (and drops) a fresh database per test on this server.
export DATABASE_URL="$PG_BASE_URL/postgres"

say "cargo fmt --check"
cargo fmt --all -- --check

say "sqlx: the committed .sqlx/ matches the queries and migrations"
PG_ADMIN_URL="$PG_BASE_URL" scripts/sqlx-prepare.sh --check

say "clippy: server crates"
cargo clippy --locked "${SERVER_CRATES[@]}" --all-targets -- -D warnings
say "clippy: wasm (frontend with web/hydrate, and rules)"
cargo clippy --locked -p frontend --target wasm32-unknown-unknown -- -D warnings
cargo clippy --locked -p rules -p api --target wasm32-unknown-unknown -- -D warnings

say "alert rules: promtool check and unit tests"
promtool check rules deploy/prometheus/alerts.yml
promtool test rules deploy/prometheus/alerts.test.yml

say "unit, database and router tests"
cargo test --locked "${SERVER_CRATES[@]}"

if [ -x crates/rules/wasm-test.sh ]; then
  say "rules: wasm32 and native agree"
  crates/rules/wasm-test.sh
fi

build_release

say "end-to-end: fresh database $E2E_DB"
psql "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $E2E_DB WITH (FORCE)" -c "CREATE DATABASE $E2E_DB" >/dev/null
export DATABASE_URL="$PG_BASE_URL/$E2E_DB"
BIN="$(server_binary)"
"$BIN" company add acme --name "Acme GmbH" >/dev/null
printf 'e2e-admin-password\n' | "$BIN" user add --company acme --email admin@acme.example --role admin --name "Ada Admin" >/dev/null
printf 'e2e-member-password\n' | "$BIN" user add --company acme --email member@acme.example --role member --name "Max Member" >/dev/null

say "drift-check: exit 0 on a migrated database, 1 when the leads table drifts"
"$BIN" drift-check | grep -qx "acme: in sync (rules version 1)"
DRIFT_DB="${E2E_DB}_drift"
psql "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $DRIFT_DB WITH (FORCE)" -c "CREATE DATABASE $DRIFT_DB" >/dev/null
DATABASE_URL="$PG_BASE_URL/$DRIFT_DB" "$BIN" company add drifty --name "Drifty" >/dev/null
psql "$PG_BASE_URL/$DRIFT_DB" -qc "ALTER TABLE leads ADD COLUMN linkedin text"
set +e
DRIFT_OUT="$(DATABASE_URL="$PG_BASE_URL/$DRIFT_DB" "$BIN" drift-check 2>&1)"
DRIFT_RC=$?
set -e
psql "$PG_BASE_URL/postgres" -qc "DROP DATABASE IF EXISTS $DRIFT_DB WITH (FORCE)" >/dev/null
if [ "$DRIFT_RC" != 1 ] || ! grep -q "drifty: column_unknown" <<<"$DRIFT_OUT"; then
  echo "drift-check answered $DRIFT_RC: $DRIFT_OUT"
  exit 1
fi

LOG="$CACHE_DIR/e2e-server-$E2E_PORT.log"
"$BIN" serve --addr "127.0.0.1:$E2E_PORT" --no-demo >"$LOG" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -fsS "http://127.0.0.1:$E2E_PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.5
done

say "Playwright"
cd end2end
if [ ! -d node_modules/@playwright/test ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent
fi
PW_LOG="$CACHE_DIR/e2e-playwright.log"
# The server log goes first and Playwright's own summary last, so the tail of a failed
# run (which is what CI shows) names the failing test and its error.
if ! BASE_URL="http://127.0.0.1:$E2E_PORT" npx playwright test 2>&1 | tee "$PW_LOG"; then
  echo "--- server log (last 20 lines of $LOG) ---"
  tail -20 "$LOG" | cut -c1-300
  echo "--- Playwright failures ---"
  sed -n '/^  1) /,$p' "$PW_LOG" | tail -150
  exit 1
fi
say "all tests passed"

#!/usr/bin/env bash
# Regenerates the committed `.sqlx/` query metadata that lets `crates/store` build offline.
# Run it after changing a migration or a `sqlx::query!` in crates/store.
# It applies every migration to a scratch database and rebuilds the store crate online with
# SQLX_OFFLINE_DIR set, which makes the sqlx macros write one JSON file per query.
set -euo pipefail
cd "$(dirname "$0")/.."
PGURL_BASE="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DB=lead_importer_sqlx
psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
for f in migrations/*.sql; do psql "$PGURL_BASE/$DB" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done
rm -rf .sqlx && mkdir -p .sqlx
touch crates/store/src/*.rs crates/store/src/**/*.rs 2>/dev/null || true
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" DATABASE_URL="$PGURL_BASE/$DB" \
  cargo check -p store --all-targets --quiet
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"

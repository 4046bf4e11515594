#!/usr/bin/env bash
# Regenerates the committed `.sqlx/` query metadata that lets `crates/store` build offline.
# Run it after changing a migration or a `sqlx::query!` in crates/store.
# It applies every migration to a scratch database and rebuilds the store crate online with
# SQLX_OFFLINE_DIR set, which makes the sqlx macros write one JSON file per query.
#
#   scripts/sqlx-prepare.sh           rewrite .sqlx/
#   scripts/sqlx-prepare.sh --check   fail (exit 1, with the difference) when .sqlx/ is stale
#
# The store crate is rebuilt in a target directory of its own (cleaned for `store` only),
# so neither mode touches the sources or invalidates the main build.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECK=0
if [ "${1:-}" = "--check" ]; then CHECK=1; fi
PGURL_BASE="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432}"
DB=lead_importer_sqlx
[ "$CHECK" = 1 ] && DB=lead_importer_sqlx_check
TARGET="${CARGO_TARGET_DIR:-$PWD/target}-sqlx"

psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
for f in migrations/*.sql; do psql "$PGURL_BASE/$DB" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null; done

if [ "$CHECK" = 1 ]; then
  OUT="$(mktemp -d)"
  trap 'rm -rf "$OUT"' EXIT
else
  OUT="$PWD/.sqlx"
  rm -rf "$OUT" && mkdir -p "$OUT"
fi
# Only `store` is cleaned, so its query macros run again; its dependencies stay built.
CARGO_TARGET_DIR="$TARGET" cargo clean -p store --quiet 2>/dev/null || true
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$OUT" DATABASE_URL="$PGURL_BASE/$DB" CARGO_TARGET_DIR="$TARGET" \
  cargo check -p store --all-targets --locked --quiet
psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null

if [ "$CHECK" = 1 ]; then
  if ! diff -r .sqlx "$OUT" >/dev/null; then
    echo ".sqlx/ is stale: run scripts/sqlx-prepare.sh and commit the result." >&2
    diff -r .sqlx "$OUT" | head -40 >&2 || true
    exit 1
  fi
  echo ".sqlx/ matches the queries ($(ls "$OUT" | wc -l) files)"
else
  echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"
fi

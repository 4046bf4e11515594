#!/usr/bin/env bash
# Sets up whatever is missing, then builds and runs Lead Importer on http://127.0.0.1:3000.
# With DATABASE_URL unset it finds or starts a local PostgreSQL and uses database
# `lead_importer`; on the very first start it prints a demo admin login.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$REPO_ROOT"
ensure_rust_tools
ensure_node_tools
if [ -z "${DATABASE_URL:-}" ]; then
  ensure_postgres
  ensure_database lead_importer
  export DATABASE_URL="$PG_BASE_URL/lead_importer"
  say "DATABASE_URL was unset: using $DATABASE_URL"
fi
build_release
say "starting the server (Ctrl-C stops it)"
exec "$(server_binary)" serve "$@"

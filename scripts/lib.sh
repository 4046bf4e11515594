# Shared set-up steps for scripts/run.sh and scripts/test.sh. Source it; every step is
# idempotent and installs only what is missing, so a warm machine pays nothing.
# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${LEAD_IMPORTER_CACHE:-$HOME/.cache/lead-importer}"
TOOLS_DIR="$CACHE_DIR/tools"
# The cargo target directory lives outside the clone so a fresh clone builds warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$CACHE_DIR/target}"
# Queries are checked against the committed .sqlx/ metadata; no database at build time.
export SQLX_OFFLINE=true
export PATH="$HOME/.cargo/bin:$TOOLS_DIR/node_modules/.bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.5
BINARYEN_VERSION=132.0.0
PG_PRIVATE_PORT=54329

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$REPO_ROOT/Cargo.lock"
}

ensure_rust_tools() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (a few minutes, once)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  local wbv
  wbv="$(wasm_bindgen_version)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wbv\$"; then
    say "installing wasm-bindgen-cli $wbv (matches Cargo.lock)"
    # Not --locked: one of its locked dependencies is no longer on the registry.
    cargo install wasm-bindgen-cli --version "$wbv" --force
  fi
}

ensure_node_tools() {
  if ! command -v npm >/dev/null 2>&1; then
    say "installing Node.js and npm from Debian"
    apt_install nodejs npm
  fi
  if [ ! -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]; then
    say "installing wasm-opt (npm package binaryen $BINARYEN_VERSION)"
    mkdir -p "$TOOLS_DIR"
    (cd "$TOOLS_DIR" && npm install --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION" >/dev/null)
  fi
}

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_chromium() {
  # curl waits for the test server to be ready.
  command -v curl >/dev/null 2>&1 || apt_install curl
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium for the end-to-end tests"
    apt_install chromium
  fi
}

# promtool checks the shipped alert rules; the Prometheus server scrapes the app in a test.
ensure_prometheus() {
  if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    say "installing Debian's prometheus (promtool and the server, for the alert and scrape tests)"
    apt_install prometheus
  fi
}

# Finds or starts a PostgreSQL server and exports PG_BASE_URL (no database name).
ensure_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then
    PG_BASE_URL="${DATABASE_URL%/*}"
    export PG_BASE_URL
    return
  fi
  PG_BASE_URL="postgres://postgres@127.0.0.1:5432"
  if pg_answers "$PG_BASE_URL"; then
    say "using the PostgreSQL server on 127.0.0.1:5432"
  elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -n "$(ls /etc/postgresql 2>/dev/null)" ]; then
    say "starting the installed PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
    wait_for_pg "$PG_BASE_URL"
  else
    start_private_postgres
  fi
  export PG_BASE_URL
}

pg_answers() {
  command -v psql >/dev/null 2>&1 || return 1
  psql "$1/postgres" -qtAc 'SELECT 1' >/dev/null 2>&1
}

wait_for_pg() {
  for _ in $(seq 1 30); do
    pg_answers "$1" && return 0
    sleep 1
  done
  echo "PostgreSQL at $1 did not answer within 30 s" >&2
  return 1
}

# No server found: install PostgreSQL if needed and run a private cluster in the cache.
start_private_postgres() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  if [ -z "$bindir" ]; then
    say "installing PostgreSQL from Debian"
    apt_install postgresql
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  local data="$CACHE_DIR/pgdata"
  # initdb refuses to run as root; the Debian package creates a postgres user for this.
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(runuser -u postgres --); fi
  mkdir -p "$CACHE_DIR"
  if [ ! -f "$data/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres "$data"
    "${as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  PG_BASE_URL="postgres://postgres@127.0.0.1:$PG_PRIVATE_PORT"
  if ! pg_answers "$PG_BASE_URL"; then
    say "starting the private PostgreSQL cluster on port $PG_PRIVATE_PORT"
    "${as[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $PG_PRIVATE_PORT -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
  fi
  wait_for_pg "$PG_BASE_URL"
}

# Creates a database if it does not exist yet.
ensure_database() {
  local name="$1"
  if ! psql "$PG_BASE_URL/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname = '$name'" | grep -q 1; then
    say "creating database $name"
    psql "$PG_BASE_URL/postgres" -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

# Builds the release server and the size-optimised wasm bundle into target/site, with
# brotli and gzip siblings of every static file for the server to send as they are.
build_release() {
  say "building the app (release; the first build takes several minutes)"
  (cd "$REPO_ROOT" && cargo leptos build --release --precompress)
}

server_binary() {
  echo "$CARGO_TARGET_DIR/release/lead-importer"
}

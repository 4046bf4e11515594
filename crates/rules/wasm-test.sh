#!/usr/bin/env bash
# Runs the rules crate's shared table of cases natively and as wasm32 under node, and fails
# unless both produce byte-identical JSON. Usage: crates/rules/wasm-test.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
target="${CARGO_TARGET_DIR:-$here/../../target}"
export CARGO_TARGET_DIR="$target"
rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cases="$here/tests/agreement_cases.json"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

cargo run --quiet -p rules --example agreement -- "$cases" > "$out/native.json"
cargo build --quiet --release --target wasm32-unknown-unknown --manifest-path "$here/wasm-harness/Cargo.toml"
wasm="$target/wasm32-unknown-unknown/release/rules_wasm_harness.wasm"
node "$here/tests/run-wasm.mjs" "$wasm" "$cases" > "$out/wasm.json"

if grep -q '"error"' <(head -c 200 "$out/native.json"); then
  echo "native run failed:"; head -c 2000 "$out/native.json"; exit 1
fi
if cmp -s "$out/native.json" "$out/wasm.json"; then
  echo "wasm32 and native agree on $(grep -c '"name"' "$out/native.json") row cases ($(wc -c < "$out/native.json") bytes of results)"
else
  echo "wasm32 and native DISAGREE:"; diff "$out/native.json" "$out/wasm.json" | head -50; exit 1
fi

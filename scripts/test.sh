#!/usr/bin/env bash
# Runs every test of the project. Installs what it needs and skips what is already there.
# Called by .ci/run; the README's test command.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n=== %s\n' "$*"; }

step "tariff pack: the committed pack is what the sources and rules compile to"
cargo run -q -p landed-pack --release -- build --check --out packs/landed.pack

step "Rust: core, pack compiler, golden corpus, properties, bad input, CLI, doctests"
cargo test --workspace --exclude landed-wasm --exclude landed-wasm-classify 2>&1 | tee /tmp/landed-cargo-test.log
grep -E '^(test result|golden):' /tmp/landed-cargo-test.log | awk '
  /^test result/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1); if ($(i) ~ /^ignored;?$/) s += $(i-1) } }
  /^golden:/ { p += $2; f += $4; s += $6 }
  END { printf "\nrust: %d passed, %d failed, %d skipped\n", p, f, s }'

step "server and its simulations: the same suites on a real PostgreSQL (Debian's, started on loopback for the run)"
bash crates/server/scripts/with-postgres.sh cargo test -p landed-server -p landed-server-sims 2>&1 | tee /tmp/landed-pg-test.log
grep -E '^test result' /tmp/landed-pg-test.log | awk '{ p += $4; f += $6; s += $8 } END { printf "\nserver on postgres: %d passed, %d failed, %d skipped\n", p, f, s }'

step "core builds for wasm32-unknown-unknown"
rustup target list --installed | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo build -q --lib --target wasm32-unknown-unknown --no-default-features --features default-pack

if [ -f www/package.json ]; then
  step "WASM package, golden corpus in Node, demo in Chromium"
  bash scripts/build-wasm.sh
  (cd www && npm test)
fi

step "classifier training side: corrections reader and publish gate (pytest, no training)"
# A small venv of its own (numpy + pytest): the training venv (torch) is not needed for these tests.
VT=models/hs-classifier/.venv-test
if [ ! -x "$VT/bin/python" ]; then
  python3 -m venv "$VT"
  "$VT/bin/pip" install -q "numpy==2.4.6" "pytest==9.2.0"
fi
"$VT/bin/python" -m pytest models/hs-classifier/tests -q -p no:cacheprovider 2>&1 | tail -3

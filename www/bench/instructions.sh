#!/usr/bin/env bash
# Instructions per quote() in Node, JavaScript and WebAssembly together: a measure this shared, noisy machine cannot
# blur (its wall-clock medians move by 1.5-2x from one run to the next). Node runs under callgrind with one thread
# and TurboFan only (no Liftoff, no background compiles), so the count is repeatable; the steady-state cost is
# (count after 4,200 quotes - count after 2,200 quotes) / 2,000. Needs valgrind and `npm run build`.
# Usage: bash bench/instructions.sh [path/to/landed_wasm_bg.wasm]
set -euo pipefail
cd "$(dirname "$0")/.."
WASM="${1:-pkg/landed_wasm_bg.wasm}"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null \
    node --single-threaded --no-liftoff bench/instructions.mjs "$WASM" "$1" 2>&1 |
    awk '/Collected/ { gsub(",", "", $4); print $4 }'
}
a=$(count 2200)
b=$(count 4200)
echo "$WASM: $(((b - a) / 2000)) instructions per quote (5-item DE basket, quote() with JSON.stringify of the basket)"

#!/usr/bin/env bash
# Builds the browser package: crates/wasm -> www/pkg/ (wasm-bindgen --target web, then wasm-opt -Oz),
# regenerates www/src/types/*.d.ts from schema/*.schema.json, and prints the sizes.
#
# Idempotent: installs only what is missing (wasm32 target, wasm-bindgen CLI, www/node_modules).
# Offline-safe per docs/toolchain.md: wasm-bindgen-cli is installed WITHOUT --locked (F1), and wasm-opt
# comes from npm `binaryen` (Debian's binaryen 108 writes broken modules, F8).
#
# Env: CARGO_TARGET_DIR (default: target/), SKIP_OPT=1 (no wasm-opt), SKIP_TYPES=1 (no .d.ts generation),
# SKIP_CLASSIFY=1 (no classifier module).
set -euo pipefail

WASM_BINDGEN_VERSION=0.2.130 # must equal `wasm-bindgen = "=…"` in crates/wasm/Cargo.toml
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WWW="$ROOT/www"
OUT="$WWW/pkg"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*" >&2; }

# 1. Tools, each only when missing.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  step "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  step "cargo install wasm-bindgen-cli --version $WASM_BINDGEN_VERSION (about 2 min, once)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
if [ ! -x "$WWW/node_modules/.bin/wasm-opt" ] || [ ! -d "$WWW/node_modules/json-schema-to-typescript" ]; then
  step "npm ci (www/)"
  (cd "$WWW" && npm ci --no-audit --no-fund)
fi

# 2.-4. Compile each module, make its JS glue (ES module loading the .wasm with fetch/instantiateStreaming or from
#    given bytes) and shrink it with npm binaryen (never /usr/bin/wasm-opt). opt-level "z" for these builds only (the
#    root profile keeps lto, codegen-units = 1, strip = "debuginfo"); wasm32-unknown-unknown already aborts on panic.
mkdir -p "$OUT"
build_module() { # crate, file stem, target dir, extra RUSTFLAGS, extra wasm-opt flags, opt level
  step "cargo build -p $1 --target wasm32-unknown-unknown --release ${4:-}"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=${6:-z} CARGO_TARGET_DIR="$3" RUSTFLAGS="${RUSTFLAGS:-} ${4:-}" \
    cargo build --manifest-path "$ROOT/Cargo.toml" -p "$1" --target wasm32-unknown-unknown --release
  step "wasm-bindgen --target web --out-dir www/pkg ($2)"
  wasm-bindgen --target web --out-dir "$OUT" "$3/wasm32-unknown-unknown/release/$2.wasm"
  if [ "${SKIP_OPT:-0}" != 1 ]; then
    step "wasm-opt -Oz $2 (npm binaryen $("$WWW/node_modules/.bin/wasm-opt" --version | awk '{print $3}'))"
    "$WWW/node_modules/.bin/wasm-opt" -O${6:-z} ${5:-} --strip-debug --strip-producers "$OUT/$2_bg.wasm" -o "$OUT/$2_bg.wasm.opt"
    mv "$OUT/$2_bg.wasm.opt" "$OUT/$2_bg.wasm"
  fi
}
# The quote module at opt-level "s": a quarter faster per quote than "z" for 14 KB more gzipped (BENCHMARKS.md); "3"
# would be faster still but passes the 300 KB budget.
build_module landed-wasm landed_wasm "$TARGET_DIR" "" "" ${QUOTE_OPT_LEVEL:-s}
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/landed_wasm.wasm"
BG="$OUT/landed_wasm_bg.wasm"
MODEL="$ROOT/models/hs-classifier/dist"
if [ "${SKIP_CLASSIFY:-0}" != 1 ]; then
  # The classifier: tract-onnx in its own module (megabytes), and the model files beside it. Built with WebAssembly
  # SIMD (tract's matrix kernels use it: 5x faster per title; every current browser and Node >= 16 run it), in its own
  # target dir so the two RUSTFLAGS never evict each other's build cache.
  build_module landed-wasm-classify landed_wasm_classify "$TARGET_DIR/wasm-simd" "-C target-feature=+simd128" --enable-simd
  mkdir -p "$OUT/model"
  cp "$MODEL/model.onnx" "$MODEL/tokenizer.json" "$MODEL/labels.json" "$OUT/model/"
fi

# 5. TypeScript declarations of the basket/quote contract, from the JSON Schemas.
if [ "${SKIP_TYPES:-0}" != 1 ] && [ -f "$ROOT/schema/basket.schema.json" ]; then
  step "www/src/types/*.d.ts from schema/*.schema.json"
  (cd "$WWW" && node scripts/gen-types.mjs)
fi

# 6. Sizes.
size() { printf '%-40s %9d bytes raw  %9d bytes gzip -9\n' "$1" "$(wc -c <"$2")" "$(gzip -9c "$2" | wc -c)"; }
step "sizes"
size "cargo output (before wasm-bindgen)" "$RAW"
size "www/pkg/landed_wasm_bg.wasm (shipped)" "$BG"
size "www/pkg/landed_wasm.js (glue)" "$OUT/landed_wasm.js"
size "embedded pack (packs/landed.pack)" "$ROOT/packs/landed.pack"
if [ "${SKIP_CLASSIFY:-0}" != 1 ]; then
  size "www/pkg/landed_wasm_classify_bg.wasm" "$OUT/landed_wasm_classify_bg.wasm"
  for f in model.onnx tokenizer.json labels.json; do size "www/pkg/model/$f" "$OUT/model/$f"; done
fi

#!/usr/bin/env bash
# Builds the browser package: crates/wasm -> www/pkg/ (wasm-bindgen --target web, then wasm-opt -Oz),
# regenerates www/src/types/*.d.ts from schema/*.schema.json, and prints the sizes.
#
# Idempotent: installs only what is missing (wasm32 target, wasm-bindgen CLI, www/node_modules).
# Offline-safe per docs/toolchain.md: wasm-bindgen-cli is installed WITHOUT --locked (F1), and wasm-opt
# comes from npm `binaryen` (Debian's binaryen 108 writes broken modules, F8).
#
# Env: CARGO_TARGET_DIR (default: target/), SKIP_OPT=1 (no wasm-opt), SKIP_TYPES=1 (no .d.ts generation).
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

# 2. Compile. opt-level "z" for this build only (the root profile keeps lto, codegen-units = 1,
#    strip = "debuginfo"); wasm32-unknown-unknown already aborts on panic.
step "cargo build -p landed-wasm --target wasm32-unknown-unknown --release"
CARGO_PROFILE_RELEASE_OPT_LEVEL=z \
  cargo build --manifest-path "$ROOT/Cargo.toml" -p landed-wasm --target wasm32-unknown-unknown --release
RAW="$TARGET_DIR/wasm32-unknown-unknown/release/landed_wasm.wasm"

# 3. JS glue (ES module that loads the .wasm with fetch/instantiateStreaming, or from given bytes).
step "wasm-bindgen --target web --out-dir www/pkg"
mkdir -p "$OUT"
wasm-bindgen --target web --out-dir "$OUT" "$RAW"
BG="$OUT/landed_wasm_bg.wasm"
BINDGEN_SIZE=$(wc -c <"$BG")

# 4. Size pass with npm binaryen (never /usr/bin/wasm-opt).
if [ "${SKIP_OPT:-0}" != 1 ]; then
  step "wasm-opt -Oz (npm binaryen $("$WWW/node_modules/.bin/wasm-opt" --version | awk '{print $3}'))"
  "$WWW/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers "$BG" -o "$BG.opt"
  mv "$BG.opt" "$BG"
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
printf '%-40s %9d bytes raw\n' "after wasm-bindgen" "$BINDGEN_SIZE"
size "www/pkg/landed_wasm_bg.wasm (shipped)" "$BG"
size "www/pkg/landed_wasm.js (glue)" "$OUT/landed_wasm.js"
size "embedded pack (packs/landed.pack)" "$ROOT/packs/landed.pack"

#!/usr/bin/env bash
# The main job: builds the WASM package and serves the demo storefront with live in-browser quotes on
# http://127.0.0.1:${PORT:-8080}. Installs what it needs and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f www/package.json ] && [ -f scripts/build-wasm.sh ]; then
  bash scripts/build-wasm.sh
  # The server (signed quotes, settlement) on its embedded SQLite database, beside the storefront.
  cargo build -q --profile demo -p landed-server
  mkdir -p target/run
  ./target/demo/landed-server --database-url "sqlite://target/run/landed.db" --listen 127.0.0.1:8787 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  echo "landed-server: http://127.0.0.1:8787 (openapi at /openapi.json)"
  echo "demo storefront: http://127.0.0.1:${PORT:-8080}/demo/"
  node www/serve.mjs "${PORT:-8080}"
else
  # Without the browser package (a partial checkout): quote the example basket.
  cargo run -q --release -- quote examples/basket.json --format text
fi

#!/usr/bin/env bash
# Installs Debian's chromium + chromium-driver for the end-to-end test when missing (root + apt only);
# otherwise does nothing (the e2e test then skips). Never installs Debian's binaryen (toolchain.md F8).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update && apt-get install -y chromium chromium-driver
else
  echo "chromium not found and cannot apt-get install it: the browser test will be skipped" >&2
fi

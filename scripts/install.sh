#!/usr/bin/env bash
# Installs the locked dependencies when node_modules is missing or older than the lock file,
# so that `npm run up` and `npm run bench` work on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi
# The browser tests' Chromium (Debian's package), when missing.
bash scripts/install-chromium.sh || echo "chromium could not be installed: the browser tests (test/web) need it" >&2

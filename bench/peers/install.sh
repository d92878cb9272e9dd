#!/usr/bin/env bash
# Installs the peer engines of `npm run bench:peers` (bench/peers/package-lock.json: DBOS
# Transact, Restate) into bench/peers/node_modules when it is missing or older than the lock.
# Benchmark dependencies only: the project's own `npm ci` never installs them.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing the peer engines of bench:peers (npm ci in bench/peers)"
  npm ci --no-audit --no-fund
fi

#!/usr/bin/env bash
# Makes PostgreSQL, NATS (JetStream) and Redis reachable at the configured addresses, then
# creates the databases and runs every service's migrations.
#   1. servers already listening there are used as they are (as on the development machines);
#   2. otherwise, where a Docker engine runs, `docker compose` starts the missing ones;
#   3. otherwise it says exactly which server is missing and how to get it, and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh
[ -f dist/scripts/check-infra.js ] || npm run --silent build

echo "infrastructure:"
if ! node dist/scripts/check-infra.js; then
  if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    echo "starting the missing servers with docker compose"
    docker compose up -d --wait postgres nats redis
    node dist/scripts/check-infra.js
  else
    echo "no Docker engine here to start them: install or start the servers marked MISSING above" >&2
    exit 1
  fi
fi

echo "databases:"
node dist/scripts/migrate.js

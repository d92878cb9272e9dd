#!/usr/bin/env bash
# The first Quick start command: installs, builds, brings up the infrastructure, migrates,
# seeds the demo data, starts all five services, waits until each is ready and prints where
# to look. Ctrl-C stops every service gracefully.
#   --cluster [--dry-run]  the clustered topology instead (chaos/up-cluster.ts): three NATS
#                          nodes, two replicas of each service, a load balancer in front of the
#                          gateways; --dry-run lists what it would start
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/env.sh

if [ "${1:-}" = "--cluster" ]; then
  if [ "${2:-}" != "--dry-run" ]; then
    bash scripts/install.sh
    echo "building"
    npm run --silent build
  fi
  npx swc chaos test/support -d dist --config-file .swcrc --quiet
  exec node --enable-source-maps dist/chaos/up-cluster.js "$@"
fi
if [ $# -gt 0 ]; then
  echo "usage: npm run up [-- --cluster [--dry-run]]" >&2
  exit 64
fi

bash scripts/install.sh
echo "building"
npm run --silent build

# The payment provider simulator first: the payment service pays orders of paymentMethod
# provider there (.env.example leaves PAYMENT_PROVIDER_URL empty, which means no provider).
services=(provider order inventory coupon payment gateway)
export PAYMENT_PROVIDER_URL=${PAYMENT_PROVIDER_URL:-http://127.0.0.1:$PROVIDER_PORT}
mkdir -p .run/logs
pids=()
nats_pid=
stop() {
  trap - INT TERM
  echo
  echo "stopping: ${services[*]}"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
  if [ -n "$nats_pid" ]; then
    kill -TERM "$nats_pid" 2>/dev/null || true
    wait "$nats_pid" 2>/dev/null || true
  fi
  echo "stopped"
  exit "${1:-0}"
}
trap stop INT TERM

# The platform's own nats-server, with its users and permissions (deploy/nats), when nothing
# listens at NATS_URL yet and nats-server is installed; its JetStream store is .run/nats.
nats_address=${NATS_URL#*://}
nats_host=${nats_address%:*}
nats_port=${nats_address##*:}
listening() { (exec 3<>"/dev/tcp/$nats_host/$nats_port") 2>/dev/null; }
if ! listening && command -v nats-server >/dev/null 2>&1; then
  mkdir -p .run/nats
  nats-server -c deploy/nats/nats-server.conf -a "$nats_host" -p "$nats_port" -sd .run/nats \
    -l .run/logs/nats-server.log &
  nats_pid=$!
  for _ in $(seq 1 40); do listening && break; sleep 0.25; done
  echo "started nats-server on $NATS_URL (deploy/nats/nats-server.conf, log .run/logs/nats-server.log)"
fi
bash scripts/infra.sh || stop 1

for service in "${services[@]}"; do
  node --enable-source-maps "dist/apps/$service/src/main.js" >>".run/logs/$service.log" 2>&1 &
  pids+=($!)
done

port_of() { local var="${1^^}_PORT"; echo "${!var}"; }
for i in "${!services[@]}"; do
  service=${services[$i]}
  port=$(port_of "$service")
  for _ in $(seq 1 120); do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "$service exited during start; last lines of .run/logs/$service.log:" >&2
      tail -n 20 ".run/logs/$service.log" >&2
      stop 1
    fi
    curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "$service is not ready on port $port" >&2; stop 1; }
  echo "  ready    $service on http://127.0.0.1:$port"
done

node dist/scripts/seed.js || stop 1

gateway="http://127.0.0.1:$GATEWAY_PORT"
# /metrics and /docs of the gateway are on its internal port only (default 9464).
internal="http://127.0.0.1:${GATEWAY_INTERNAL_PORT:-9464}"
cat <<BANNER

Zhongtai is up.
  Gateway (REST API)   $gateway
  Storefront           $gateway/
  Operator console     $gateway/console   (operator@zhongtai.local / operator)
  OpenAPI and UI       $internal/docs   (internal port, GATEWAY_INTERNAL_PORT)
  Health and metrics   $gateway/health/ready   $internal/metrics
  Logs                 .run/logs/<service>.log (JSON, one line per event)
  NATS                 $NATS_URL (each service as its own user: deploy/nats/authorization.conf)
  Payment provider     $PAYMENT_PROVIDER_URL   (the simulator, apps/provider: pay pages of paymentMethod provider)

Demo logins (operator: $OPERATOR_EMAIL / $OPERATOR_PASSWORD):
  mei@zhongtai.local / mei-password   wallet 10,000.00 CNY
  lei@zhongtai.local / lei-password   wallet    500.00 CNY
  coupons WELCOME10 (10 % off from 100 CNY, once per customer), FLASH50 (50 CNY off from 200 CNY)

Try a checkout (prints a PAID order):
  TOKEN=\$(curl -s -X POST $gateway/auth/login -H 'content-type: application/json' \\
    -d '{"email":"mei@zhongtai.local","password":"mei-password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')
  curl -s -X POST $gateway/checkout -H "authorization: Bearer \$TOKEN" -H "idempotency-key: \$(date +%s%N)" \\
    -H 'content-type: application/json' -d '{"items":[{"sku":"TEA-LONGJING","quantity":1}]}'

Or pay at the provider: add "paymentMethod":"provider" to the items above; the order answers
AWAITING_PAYMENT with payment.payUrl (open it, or POST {"payToken":"<its token>"} to
${PAYMENT_PROVIDER_URL}/v1/payments/<id>/pay); the order is PAID once the provider has notified.

Ctrl-C stops everything.
BANNER
wait

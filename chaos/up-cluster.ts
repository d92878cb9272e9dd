/**
 * `npm run up -- --cluster`: the clustered topology of the chaos harness for development, on
 * this machine: three nats-server nodes as one JetStream cluster (deploy/nats/cluster.conf, the
 * saga streams replicated three times), two replicas of each service, and the harness's load
 * balancer in front of the two gateways on GATEWAY_PORT. PostgreSQL and Redis are private
 * servers of the run (a temporary directory, gone when it stops), so the shared ones are never
 * touched. Seeds the demo data, prints where to look, and stops everything on Ctrl-C.
 * `--dry-run` prints what it would start, and starts nothing.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NAMES } from '@zhongtai/platform';
import { exampleDefaults } from '../test/support/harness';
import { ChaosCluster, TOPOLOGY_SIZE } from './servers/cluster';
import { installExitHandlers, runCleanupsNow } from './servers/last-resort';

const USAGE = 'usage: npm run up -- --cluster [--dry-run]   (GATEWAY_PORT: where the balancer listens, default 3000)';

export interface UpPlan {
  gatewayPort: number;
  logDir: string;
  lines: string[];
}

/** What `--cluster` starts, read from the arguments and the environment; throws with the usage on a bad one. */
export function planCluster(argv: readonly string[], env: NodeJS.ProcessEnv): UpPlan & { dryRun: boolean } {
  const unknown = argv.filter((arg) => arg !== '--dry-run' && arg !== '--cluster');
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(' ')}\n${USAGE}`);
  const gatewayPort = Number(env.GATEWAY_PORT ?? 3000);
  if (!Number.isInteger(gatewayPort) || gatewayPort < 1 || gatewayPort > 65_535) {
    throw new Error(`GATEWAY_PORT must be a port number, not "${env.GATEWAY_PORT}"\n${USAGE}`);
  }
  const { natsNodes, replicas } = TOPOLOGY_SIZE.cluster;
  const logDir = resolve('.run', 'cluster', 'logs');
  return {
    dryRun: argv.includes('--dry-run'),
    gatewayPort,
    logDir,
    lines: [
      `${natsNodes} nats-server nodes, one JetStream cluster (deploy/nats/cluster.conf), saga streams with ${natsNodes} replicas`,
      `${replicas} replicas of each service: ${SERVICE_NAMES.join(', ')}`,
      `a load balancer in front of the ${replicas} gateways on http://127.0.0.1:${gatewayPort}`,
      'a private PostgreSQL (one database per service, migrated) and a private Redis, in a temporary directory',
      'the payment provider simulator (apps/provider, its own database), which checkouts paid at the provider use',
      `logs in ${logDir}`,
    ],
  };
}

async function main(): Promise<number> {
  let plan: ReturnType<typeof planCluster>;
  try {
    plan = planCluster(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 64;
  }
  process.stdout.write(`${plan.dryRun ? 'would start' : 'starting'}:\n${plan.lines.map((l) => `  ${l}`).join('\n')}\n`);
  if (plan.dryRun) return 0;
  mkdirSync(plan.logDir, { recursive: true });
  // Set once it has started: Ctrl-C before that leaves the cleanups to stop what did start.
  const started: { cluster?: ChaosCluster } = {};
  installExitHandlers(async () => {
    process.stdout.write('stopping every process of the cluster\n');
    await started.cluster?.stop();
    runCleanupsNow();
  });
  const startedAt = Date.now();
  const cluster = await ChaosCluster.start({
    topology: 'cluster',
    label: 'up',
    postgresFsync: true,
    logDir: plan.logDir,
    clock: () => Date.now() - startedAt,
    gatewayPort: plan.gatewayPort,
    // A person pays at the provider at a person's pace: the window of .env.example, not a chaos run's.
    env: {
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      ORDER_PAYMENT_WINDOW_MS: exampleDefaults().ORDER_PAYMENT_WINDOW_MS,
    },
  });
  started.cluster = cluster;
  // Not spawnSync: the balancer in front of the gateways lives in this process's event loop.
  const seeded = await new Promise<number | null>((done) =>
    spawn(process.execPath, [join('dist', 'scripts', 'seed.js')], {
      env: { ...process.env, GATEWAY_PORT: String(plan.gatewayPort) },
      stdio: 'inherit',
    }).once('exit', (code) => done(code)),
  );
  if (seeded !== 0) throw new Error(`seeding the demo data failed (exit ${seeded})`);
  process.stdout.write(banner(cluster, plan));
  await new Promise(() => undefined);
  return 0;
}

function banner(cluster: ChaosCluster, plan: UpPlan): string {
  const replicas = [...cluster.replicas.entries()].flatMap(([service, list]) =>
    list.map(
      (p, i) => `  ${`${service}-${i + 1}`.padEnd(12)} ${p.url}   metrics ${p.internalUrl}/metrics   pid ${p.pid}`,
    ),
  );
  const nodes = cluster.natsCluster!.nodes.map(
    (n) => `  ${n.name}   nats://127.0.0.1:${n.port}   routes ${n.routePort}`,
  );
  return `
Zhongtai is up as a cluster.
  Gateway (balancer)   ${cluster.gatewayUrl}    (round robin over the ready gateways)
  Storefront           ${cluster.gatewayUrl}/
  Operator console     ${cluster.gatewayUrl}/console   (operator@zhongtai.local / operator)
  Logs                 ${plan.logDir}/<service>.log, <service>-2.log, nats-<n>.log
  PostgreSQL           ${cluster.postgres.url}  (private, removed on stop)
  Payment provider     ${cluster.providerUrl}   (the simulator: pay pages of paymentMethod provider)
Replicas:
${replicas.join('\n')}
NATS nodes (each service user as in deploy/nats/authorization.conf):
${nodes.join('\n')}

Ctrl-C stops everything.
`;
}

if (require.main === module) {
  main().then(
    (code) => {
      if (code !== 0) process.exit(code);
    },
    (error: unknown) => {
      process.stderr.write(`up --cluster: ${error instanceof Error ? error.stack : String(error)}\n`);
      runCleanupsNow();
      process.exit(1);
    },
  );
}

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ServiceName } from '@zhongtai/platform';
import { Storefront } from '../test/support/storefront';
import { CouponProbe, runChecks } from './checks/run-checks';
import { RecordingClient } from './client';
import { FaultPlanner } from './faults/fault-plan';
import { FaultRecord, injectFault, Traffic } from './faults/inject';
import { natsResets, recordOpenSagas } from './diagnose';
import { createFixtures, Fixtures } from './fixtures';
import { gateSettings } from './gate';
import { History } from './history';
import { RedeliveryScraper, ReplicaWorkScraper } from './metrics';
import { replicaChecks } from './checks/replica-checks';
import { Rng, sleep } from './random';
import { buildReport, Report } from './report';
import { ChaosCluster } from './servers/cluster';
import { latestOpenDeadline, settleBound, waitForRest } from './settle';
import { tierOf, TIERS, TierName, Topology } from './tiers';
import type { FaultClass } from './tiers';
import { Workload } from './workload';

export interface ChaosOptions {
  tier: TierName;
  seed: number;
  /** single (default) or cluster: see chaos/README.md. */
  topology?: Topology;
  /** Where the report, the history and the logs go (default .run/chaos/<tier>-seed<seed>-<time>). */
  resultsDir?: string;
  /** Overrides the soak tier's fault phase. */
  faultPhaseMs?: number;
  /** Overrides the tier's fault classes (each entry one fault of a ci run). */
  faultClasses?: FaultClass[];
  log?: (line: string) => void;
}

/** A client request is given up (outcome unknown) after this long. */
const CLIENT_TIMEOUT_MS = 20_000;

/**
 * One chaos run: private servers, seeded workload, one fault at a time on a seeded schedule,
 * heal, settle, check, report. Everything it started is stopped whatever happens.
 */
export async function runChaos(options: ChaosOptions): Promise<Report> {
  const tier = tierOf(options.tier, options.topology);
  if (options.faultPhaseMs) tier.faultPhaseMs = options.faultPhaseMs;
  if (options.faultClasses) tier.faultClasses = options.faultClasses;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date();
  const clock = () => Date.now() - startedAt.getTime();
  const stamp = (line: string) => log(`[chaos ${(clock() / 1000).toFixed(1).padStart(6)} s] ${line}`);
  const resultsDir = resolve(
    options.resultsDir ??
      join('.run', 'chaos', `${tier.name}-seed${options.seed}-${startedAt.toISOString().replace(/[:.]/g, '-')}`),
  );
  mkdirSync(join(resultsDir, 'logs'), { recursive: true });
  const rng = new Rng(options.seed);
  const history = new History(clock, join(resultsDir, 'history.jsonl'));
  const phases: Record<string, number> = {};
  let cluster: ChaosCluster | undefined;
  try {
    stamp(
      tier.topology === 'cluster'
        ? `tier ${tier.name}, cluster topology, seed ${options.seed}: starting PostgreSQL, three NATS nodes, Redis, two replicas of each of the five services and a load balancer`
        : `tier ${tier.name}, seed ${options.seed}: starting PostgreSQL, NATS, Redis and the five services`,
    );
    cluster = await ChaosCluster.start({
      topology: tier.topology,
      label: `${tier.name}-${options.seed}-${randomBytes(2).toString('hex')}`,
      postgresFsync: tier.postgresFsync,
      logDir: join(resultsDir, 'logs'),
      clock,
    });
    const query = cluster.query.bind(cluster);
    phases.bootMs = clock();
    const shop = new Storefront(cluster.gatewayUrl);
    const fixtures = await createFixtures(shop, tier);
    phases.fixturesMs = clock();
    stamp(
      `${fixtures.customers.length} customers, ${fixtures.products.length} skus, ${fixtures.coupons.length} coupons`,
    );

    const client = new RecordingClient(cluster.gatewayUrl, history, CLIENT_TIMEOUT_MS);
    const workload = new Workload(client, fixtures, tier, rng.fork('workload'), clock, await shop.operator());
    const redeliveries = new RedeliveryScraper(cluster);
    const replicaWork = new ReplicaWorkScraper(cluster);
    workload.start();
    redeliveries.start();
    replicaWork.start();
    await sleep(tier.warmupMs);

    phases.faultsStartMs = clock();
    const faults = await injectFaults(cluster, tier, rng, clock, stamp, workload);
    await sleep(tier.tailMs);
    phases.faultsEndMs = clock();
    stamp('faults over: stopping the workload, healing');
    await workload.stop();
    phases.workloadStoppedMs = clock();
    await cluster.heal();
    await redeliveries.stop();
    await replicaWork.stop();
    phases.healedMs = clock();

    const bound = settleBound(await latestOpenDeadline(query));
    stamp(`settling (bound ${(bound.ms / 1000).toFixed(1)} s)`);
    const rest = await waitForRest(query, bound.ms);
    phases.settledMs = clock();
    stamp(
      rest.settled
        ? `settled in ${(rest.elapsedMs / 1000).toFixed(1)} s`
        : `NOT settled: ${JSON.stringify(rest.remaining)}`,
    );
    if (!rest.settled) {
      const open = await recordOpenSagas(cluster, resultsDir).catch((error: unknown) => String(error));
      stamp(`${open} sagas still open: their timelines, outbox rows, barriers and the consumers in open-sagas.json`);
    }

    const couponProbes = await probeCoupons(client, fixtures, query);
    await waitForRest(query, bound.ms);
    const { results, snapshot } = await runChecks({
      query,
      providerQuery: (sql) => cluster!.providerQuery(sql),
      shop,
      fixtures,
      operations: history.operations,
      stock: workload.stock,
      couponProbes,
      faults,
      exits: cluster.allExits(),
      gate: { ...gateSettings(cluster.env), redisPort: cluster.redis.port },
    });
    if (cluster.natsCluster) {
      const streams = await cluster.natsCluster.withJetStream(async (jsm) => {
        const found: { name: string; replicas: number }[] = [];
        for await (const info of jsm.streams.list())
          found.push({ name: info.config.name, replicas: info.config.num_replicas });
        return found;
      });
      results.push(
        ...replicaChecks({
          work: replicaWork.work,
          faults,
          settleBoundMs: bound.ms,
          streams,
          natsNodes: cluster.natsCluster.nodes.length,
        }),
      );
    }
    phases.checkedMs = clock();
    const [{ n: stepTimeouts }] = await query<{ n: number }>(
      'order',
      `SELECT count(*)::int AS n FROM saga_timeline WHERE outcome = 'timed-out'`,
    );
    return buildReport({
      tier,
      seed: options.seed,
      startedAt,
      durationMs: clock(),
      resultsDir,
      phases,
      operations: history.operations,
      faults,
      exits: cluster.allExits(),
      settle: { ...bound, ...rest },
      checks: results,
      orders: snapshot.orders,
      redeliveries: redeliveries.total,
      stepTimeouts,
      natsResets: natsResets(join(resultsDir, 'logs')),
      proxies: {
        postgresDropped: cluster.pgProxy.dropped,
        natsDropped: cluster.natsProxies.reduce((sum, proxy) => sum + proxy.dropped, 0),
      },
      ...(cluster.natsCluster
        ? { replicas: { work: replicaWork.work, balancedConnections: cluster.balancedConnections } }
        : {}),
    });
  } finally {
    stamp('stopping every process of the run');
    await cluster?.stop();
    await history.close();
  }
}

/** The fault phase: ci runs each class once; soak runs rounds of every class until its time is up (one round at least). */
async function injectFaults(
  cluster: ChaosCluster,
  tier: (typeof TIERS)[TierName],
  rng: Rng,
  clock: () => number,
  stamp: (line: string) => void,
  traffic: Traffic,
): Promise<FaultRecord[]> {
  const planner = new FaultPlanner(tier.faultClasses, rng.fork('schedule'), tier.holdScale);
  const params = rng.fork('fault-parameters');
  const gaps = rng.fork('gaps');
  const faults: FaultRecord[] = [];
  const endMs = tier.faultPhaseMs ? clock() + tier.faultPhaseMs : Infinity;
  const count = tier.faultPhaseMs ? Infinity : tier.faultClasses.length;
  // A soak cut short (--minutes) still finishes its first round, so that every class runs once.
  // (--faults may name a class more than once: a round is done once every distinct class has run.)
  const seen = new Set<string>();
  const distinct = new Set(tier.faultClasses).size;
  while (faults.length < count && (clock() < endMs || seen.size < distinct)) {
    const plan = planner.next();
    seen.add(plan.faultClass);
    stamp(
      `fault ${faults.length + 1}: ${plan.faultClass} on ${plan.target}${plan.crashPoint ? ` at ${plan.crashPoint}` : ''}`,
    );
    try {
      const record = await injectFault(cluster, plan, params, clock, traffic);
      stamp(
        `  ${record.injected ? 'injected' : 'NOT injected'}: ${record.detail}; ready again after ${((record.recoveredMs - record.startMs) / 1000).toFixed(1)} s`,
      );
      faults.push(record);
    } catch (error) {
      stamp(`  recovery failed: ${String(error)}`);
      faults.push({
        ...plan,
        startMs: clock(),
        endMs: clock(),
        recoveredMs: -1,
        injected: false,
        detail: `recovery failed: ${String(error)}`,
      });
      await cluster.heal(180_000);
    }
    await sleep(gaps.int(...tier.gapMs));
  }
  return faults;
}

/**
 * After the run: a coupon under its cap must still work (released redemptions really came
 * back), one at its cap must be refused. The probe customer never shopped before.
 */
async function probeCoupons(
  client: RecordingClient,
  fixtures: Fixtures,
  query: <T extends Record<string, unknown>>(service: ServiceName, sql: string, params?: unknown[]) => Promise<T[]>,
): Promise<CouponProbe[]> {
  const coupons = await query<{ code: string; held: number; max_redemptions: number }>(
    'coupon',
    'SELECT code, held, max_redemptions FROM coupons ORDER BY code',
  );
  const probes: CouponProbe[] = [];
  for (const coupon of coupons) {
    const expected = coupon.held < coupon.max_redemptions ? 'PAID' : 'COUPON_EXHAUSTED';
    const body = { items: [{ sku: fixtures.probeSku, quantity: 1 }], couponCode: coupon.code };
    const send = () =>
      client.checkout('probe', fixtures.probeCustomer, `probe-${coupon.code}`, body, {
        waitSeconds: 15,
        mode: 'probe',
        kind: 'probe',
      });
    let placed = await send();
    for (let retry = 0; retry < 3 && placed.outcome === 'info'; retry++) placed = await sleep(2_000).then(send);
    let status = placed.orderStatus;
    for (let i = 0; i < 20 && status === 'PENDING'; i++) {
      await sleep(1_000);
      status = (await client.read('probe', fixtures.probeCustomer, placed.orderId!)).orderStatus;
    }
    const final = placed.orderId
      ? await query<{ status: string; failure_reason: string | null }>(
          'order',
          'SELECT status, failure_reason FROM orders WHERE id = $1',
          [placed.orderId],
        )
      : [];
    const got = final[0]
      ? final[0].status === 'CANCELLED'
        ? (final[0].failure_reason ?? 'CANCELLED')
        : final[0].status
      : `HTTP ${placed.status ?? placed.code}`;
    probes.push({ code: coupon.code, expected, got });
  }
  return probes;
}

import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import { ownServiceReady } from '../../test/support/harness';
import type { NatsClusterNode } from '../../test/support/harness';
import { Redis } from 'ioredis';
import { gateKeys, gateSettings, scanKeys } from '../gate';
import type { ChaosCluster } from '../servers/cluster';
import { NO_NOTIFICATION_FAULTS } from '../servers/provider';
import { Rng, sleep } from '../random';
import type { FaultPlan } from './fault-plan';
import type { FaultyProxy } from './faulty-proxy';

/** What happened when a planned fault was injected. */
export interface FaultRecord extends FaultPlan {
  /** Run-relative times: the fault began, was removed, and every process was ready again. */
  startMs: number;
  endMs: number;
  recoveredMs: number;
  /** Whether the fault really took effect (a crash point was reached, connections were cut...). */
  injected: boolean;
  detail: string;
  /** delivery-chaos: the extra deliveries libs/saga handed to handlers. */
  copies?: number;
}

const READY_TIMEOUT_MS = 90_000;

/**
 * What a fault may ask of the workload: a burst of checkouts at once (see Workload.burst), or
 * of checkouts paid at the provider (Workload.payAtProvider).
 */
export interface Traffic {
  burst(n: number, tag: string): Promise<number>;
  payAtProvider(n: number, tag: string): Promise<number>;
}

/** Tags the checkouts of each provider fault apart (their Idempotency-Keys), the same in every run of a seed. */
let providerFaultCount = 0;

/**
 * Injects one fault, holds it, removes it (restarting what it killed) and waits until the
 * whole platform is ready again, so that faults never overlap.
 */
export async function injectFault(
  cluster: ChaosCluster,
  plan: FaultPlan,
  rng: Rng,
  clock: () => number,
  traffic?: Traffic,
): Promise<FaultRecord> {
  const startMs = clock();
  let endMs = startMs;
  const outcome = await apply(cluster, plan, rng, () => (endMs = clock()), traffic);
  if (endMs === startMs) endMs = clock();
  await cluster.heal(READY_TIMEOUT_MS);
  return { ...plan, startMs, endMs, recoveredMs: clock(), ...outcome };
}

type Applied = { injected: boolean; detail: string; copies?: number };

async function apply(
  cluster: ChaosCluster,
  plan: FaultPlan,
  rng: Rng,
  removed: () => void,
  traffic?: Traffic,
): Promise<Applied> {
  switch (plan.faultClass) {
    case 'service-kill': {
      const service = cluster.service(plan.target as ServiceName);
      service.signal('SIGKILL');
      const exit = await service.exitWithin(10_000);
      await sleep(plan.holdMs);
      removed();
      service.start();
      return { injected: exit?.signal === 'SIGKILL', detail: `pid ${exit?.pid} killed, restarted` };
    }
    case 'service-pause': {
      const service = cluster.service(plan.target as ServiceName);
      const pid = service.pid;
      service.signal('SIGSTOP');
      await sleep(plan.holdMs);
      removed();
      service.signal('SIGCONT');
      return { injected: service.running, detail: `pid ${pid} stopped and continued` };
    }
    case 'crash-point':
      return crashAtPoint(cluster, plan, removed);
    case 'delivery-chaos':
      return duplicateDeliveries(cluster, plan, removed);
    case 'nats-kill':
    case 'nats-term': {
      const signal = plan.faultClass === 'nats-kill' ? 'SIGKILL' : 'SIGTERM';
      const pid = cluster.nats.pid;
      await cluster.nats.stop(signal);
      await sleep(plan.holdMs);
      removed();
      await cluster.startNats();
      return { injected: true, detail: `nats-server pid ${pid} ${signal}, restarted on its store` };
    }
    case 'pg-stop':
      await cluster.postgres.stopImmediate();
      await sleep(plan.holdMs);
      removed();
      await cluster.postgres.start();
      return { injected: true, detail: 'pg_ctl stop -m immediate, crash recovery on start' };
    case 'redis-flush': {
      const redis = new Redis(`redis://127.0.0.1:${cluster.redis.port}`, { maxRetriesPerRequest: 2 });
      try {
        const keys = await redis.dbsize();
        const answer = await redis.flushall();
        removed();
        return { injected: answer === 'OK', detail: `FLUSHALL of ${keys} keys` };
      } finally {
        redis.disconnect();
      }
    }
    case 'redis-kill': {
      await cluster.redis.stop('SIGKILL');
      await sleep(plan.holdMs);
      removed();
      await cluster.redis.start();
      return { injected: true, detail: 'redis-server SIGKILL, restarted empty' };
    }
    case 'gate-skew':
      return skewGate(cluster, plan, removed);
    case 'replica-kill':
      return killReplica(cluster, plan, removed);
    case 'nats-node-kill':
      return killNatsNode(cluster, plan, removed);
    case 'nats-partition':
      return partitionNatsNode(cluster, plan, removed);
    case 'rolling-restart':
      return rollingRestart(cluster, removed);
    case 'deadline-race':
      if (!traffic) throw new Error('deadline-race needs the workload');
      return raceForDeadlines(cluster, plan, removed, traffic);
    case 'provider-notifications':
      return disorderNotifications(cluster, plan, removed, traffic);
    case 'provider-kill':
      return killProvider(cluster, plan, removed, traffic);
    case 'proxy-latency': {
      const proxy = proxyOf(cluster, plan.target);
      const before = proxy.delayedChunks;
      proxy.slowDown(plan.latencyMs!, plan.latencyMs! / 2, rng);
      await sleep(plan.holdMs);
      proxy.heal();
      removed();
      const delayed = proxy.delayedChunks - before;
      return {
        injected: delayed > 0,
        detail: `${delayed} chunks delayed ${plan.latencyMs}-${plan.latencyMs! * 1.5} ms`,
      };
    }
    case 'proxy-drop': {
      const proxy = proxyOf(cluster, plan.target);
      let cut = 0;
      for (const until = Date.now() + plan.holdMs; Date.now() < until;) {
        cut += proxy.dropSome(plan.dropShare!, rng);
        await sleep(rng.int(300, 1_000));
      }
      removed();
      return { injected: cut > 0, detail: `${cut} connections cut (each with probability ${plan.dropShare})` };
    }
  }
}

type NotificationCounters = { at: Date; duplicates: number; held_back: number; dropped: number; owed: number };

/** What the simulator's notification sender has done so far, read from its database. */
async function notificationCounters(cluster: ChaosCluster): Promise<NotificationCounters> {
  const [row] = await cluster.providerQuery<NotificationCounters>(
    `SELECT now() AS at, coalesce(sum(duplicates_sent), 0)::int AS duplicates,
            count(*) FILTER (WHERE held_back)::int AS held_back,
            count(*) FILTER (WHERE dropped_at IS NOT NULL)::int AS dropped,
            count(*) FILTER (WHERE delivered_at IS NULL AND dropped_at IS NULL)::int AS owed
     FROM provider_notifications`,
  );
  return row;
}

/**
 * The provider's notifications duplicated, delayed, reordered or dropped (the simulator's own
 * faults) while a burst of checkouts is paid there; then every fault is switched off. The
 * platform must apply each payment's outcome once, whatever the order and the copies, and
 * learn a dropped one from its back-check. Injected if the sender really sent a copy, held one
 * back, dropped one, or delayed one (created with its first attempt the delay away).
 */
async function disorderNotifications(
  cluster: ChaosCluster,
  plan: FaultPlan,
  removed: () => void,
  traffic?: Traffic,
): Promise<Applied> {
  const faults = plan.notificationFaults!;
  const before = await notificationCounters(cluster);
  await cluster.setNotificationFaults(faults);
  // Round after round of paid checkouts while the fault holds, so that every kind switched on
  // meets notifications enough to act on some (a rate of 0.4 spares all of four one time in eight).
  let paid = 0;
  let placed = 0;
  const fault = ++providerFaultCount;
  for (let round = 0, until = Date.now() + plan.holdMs; Date.now() < until; round++) {
    const n = round === 0 ? plan.burst! : 2;
    placed += n;
    paid += (await traffic?.payAtProvider(n, `provider-fault-${fault}-${round}`)) ?? 0;
    await sleep(traffic ? Math.min(500, until - Date.now()) : until - Date.now());
  }
  await cluster.setNotificationFaults(NO_NOTIFICATION_FAULTS);
  removed();
  const after = await notificationCounters(cluster);
  const [{ delayed }] = await cluster.providerQuery<{ delayed: number }>(
    `SELECT count(*)::int AS delayed FROM provider_notifications
     WHERE created_at >= $1 AND next_attempt_at >= created_at + make_interval(secs => $2 / 1000.0)`,
    [before.at, faults.delayMs * 0.9],
  );
  const effects = {
    duplicated: faults.duplicate ? after.duplicates - before.duplicates : 0,
    delayed: faults.delayMs ? delayed : 0,
    heldBack: faults.reorder ? after.held_back - before.held_back : 0,
    dropped: faults.drop ? after.dropped - before.dropped : 0,
  };
  const settings = Object.entries(faults)
    .filter(([, value]) => value)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
  return {
    injected: Object.values(effects).some((n) => n > 0),
    detail:
      `${settings} for ${(plan.holdMs / 1000).toFixed(1)} s, ${paid} of ${placed} checkouts paid meanwhile: ` +
      Object.entries(effects)
        .map(([name, n]) => `${n} ${name}`)
        .join(', '),
  };
}

/**
 * SIGKILL of the provider simulator just after a burst of checkouts was paid there, restarted
 * on its database after the hold. Meanwhile payments cannot be opened or paid and notifications
 * owed wait in its database; once it is back, its sender's retries and the payment service's
 * back-check must bring every outcome over.
 */
async function killProvider(
  cluster: ChaosCluster,
  plan: FaultPlan,
  removed: () => void,
  traffic?: Traffic,
): Promise<Applied> {
  const paid = (await traffic?.payAtProvider(plan.burst!, `provider-fault-${++providerFaultCount}`)) ?? 0;
  const pid = cluster.provider.pid;
  await cluster.provider.stop('SIGKILL');
  const killed = !cluster.provider.running;
  const { owed } = await notificationCounters(cluster);
  await sleep(plan.holdMs);
  removed();
  await cluster.provider.start();
  return {
    injected: killed,
    detail: `pid ${pid} killed after ${paid} of ${plan.burst} checkouts were paid there, ${owed} notifications owed; restarted on its database`,
  };
}

/** Restarts the service armed at the crash point, waits until it kills itself there, restarts it normally. */
async function crashAtPoint(cluster: ChaosCluster, plan: FaultPlan, removed: () => void): Promise<Applied> {
  const service = cluster.service(plan.target as ServiceName);
  await service.stop(8_000, 'fault');
  service.start({ crashAt: plan.crashPoint });
  const exit = await service.exitWithin(plan.holdMs);
  if (!exit) await service.stop(8_000, 'fault');
  removed();
  service.start();
  const crashed = exit?.cause === 'crash-point' && exit.signal === 'SIGKILL';
  return {
    injected: crashed,
    detail: crashed
      ? `pid ${exit.pid} killed itself at ${plan.crashPoint}, restarted`
      : exit
        ? `exited ${exit.code ?? exit.signal} before reaching ${plan.crashPoint}`
        : `never reached ${plan.crashPoint} within ${plan.holdMs} ms`,
  };
}

/**
 * Restarts the service with libs/saga duplicating and delaying every delivery it consumes,
 * holds that, then restarts it normally. Injected if copies were really handed to handlers.
 */
async function duplicateDeliveries(cluster: ChaosCluster, plan: FaultPlan, removed: () => void): Promise<Applied> {
  const service = cluster.service(plan.target as ServiceName);
  const { duplicates, maxDelayMs } = plan.deliveryChaos!;
  await service.stop(8_000, 'fault');
  service.start({ deliveryChaos: `duplicates=${duplicates},maxDelayMs=${maxDelayMs}` });
  await service.waitReady(READY_TIMEOUT_MS);
  await sleep(plan.holdMs);
  const copies = await chaosCopies(service.internalUrl);
  await service.stop(8_000, 'fault');
  removed();
  service.start();
  return {
    injected: copies > 0,
    copies,
    detail: `every saga message delivered ${1 + duplicates} times, up to ${maxDelayMs} ms late: ${copies} copies`,
  };
}

/** The service's count of extra deliveries (saga_chaos_copies_total), 0 if it cannot be read. */
async function chaosCopies(url: string): Promise<number> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    return Number(/^saga_chaos_copies_total (\d+)/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Overwrites a count's `units` only where the gate keeps one (a bare `units` would lack name and price). */
const OVERWRITE_UNITS = `
local before = redis.call('HGET', KEYS[1], 'units')
if not before then return false end
redis.call('HSET', KEYS[1], 'units', ARGV[1])
return before
`;

/** How often a skew is written again while held, so that it outlives the gate's reconciliation rounds. */
const RESKEW_EVERY_MS = 400;

/**
 * Corrupts the flash-sale gate's counts of a few skus in the run's Redis (zeroed, far too high
 * or deleted; and, if planned, the promises naming them), again and again while held; then
 * leaves them to the gateway's reconciler. Injected if a key was really overwritten or deleted.
 */
async function skewGate(cluster: ChaosCluster, plan: FaultPlan, removed: () => void): Promise<Applied> {
  const keys = gateKeys(gateSettings(cluster.env));
  const { skus, dropPromises } = plan.gateSkew!;
  const planned = new Set(skus.map((s) => s.sku));
  const redis = new Redis(`redis://127.0.0.1:${cluster.redis.port}`, { maxRetriesPerRequest: 2 });
  const first = new Map<string, string>();
  let overwritten = 0;
  let deleted = 0;
  let promisesDeleted = 0;
  let rounds = 0;
  const startedAt = Date.now();
  try {
    for (const until = startedAt + plan.holdMs; ; await sleep(RESKEW_EVERY_MS)) {
      rounds++;
      for (const { sku, units } of skus) {
        if (units === 'delete') {
          const n = await redis.del(keys.sku(sku));
          deleted += n;
          if (n > 0 && !first.has(sku)) first.set(sku, `${sku} count deleted`);
        } else {
          const before = (await redis.eval(OVERWRITE_UNITS, 1, keys.sku(sku), units)) as string | null;
          if (before === null) continue;
          overwritten++;
          if (!first.has(sku)) first.set(sku, `${sku} units ${before} -> ${units}`);
        }
      }
      if (dropPromises) {
        for (const key of await scanKeys(redis, keys.promise('*'))) {
          const lines = await redis.hkeys(key);
          if (lines.some((sku) => planned.has(sku))) promisesDeleted += await redis.del(key);
        }
      }
      if (Date.now() >= until) break;
    }
    removed();
  } finally {
    redis.disconnect();
  }
  const untouched = skus.filter((s) => !first.has(s.sku)).map((s) => `${s.sku} had no count`);
  return {
    injected: overwritten + deleted + promisesDeleted > 0,
    detail:
      [...first.values(), ...untouched].join(', ') +
      `; ${overwritten} overwrites, ${deleted} deletions, ${dropPromises ? `${promisesDeleted} promises deleted` : 'promises kept'}` +
      ` in ${rounds} rounds over ${((Date.now() - startedAt) / 1000).toFixed(1)} s; left to the reconciler`,
  };
}

function proxyOf(cluster: ChaosCluster, target: string): FaultyProxy {
  return target === 'postgres-proxy' ? cluster.pgProxy : cluster.natsProxy;
}

/**
 * SIGKILL of one replica of a service, restarted after the hold; meanwhile the other replica
 * must keep serving: it is probed (its own pid ready) every 250 ms of the hold. Injected only if
 * the kill landed and the other replica answered ready at every probe.
 */
async function killReplica(cluster: ChaosCluster, plan: FaultPlan, removed: () => void): Promise<Applied> {
  const service = plan.target.split(' ')[0] as ServiceName;
  const replicas = cluster.replicas.get(service)!;
  const index = plan.index! % replicas.length;
  const victim = replicas[index];
  const other = replicas[(index + 1) % replicas.length];
  if (other === victim) throw new Error(`replica-kill needs two replicas of ${service}`);
  victim.signal('SIGKILL');
  const exit = await victim.exitWithin(10_000);
  let probes = 0;
  let readyProbes = 0;
  for (const until = Date.now() + plan.holdMs; Date.now() < until || probes === 0;) {
    probes++;
    if (await ownServiceReady(other.url, other.pid)) readyProbes++;
    await sleep(250);
  }
  removed();
  victim.start();
  const served = probes > 0 && readyProbes === probes;
  return {
    injected: exit?.signal === 'SIGKILL' && served,
    detail:
      `${service} replica ${index + 1} pid ${exit?.pid} killed, restarted; the other (pid ${other.pid}) ready at ` +
      `${readyProbes} of ${probes} probes during the hold`,
  };
}

interface StreamState {
  name: string;
  replicas: number;
  lastSeq: number;
  leader?: string;
  /** The nodes a stream has, leader included, and whether each is current. */
  peers: { name: string; current: boolean }[];
}

async function streamStates(cluster: ChaosCluster, through?: readonly NatsClusterNode[]): Promise<StreamState[]> {
  return cluster.natsCluster!.withJetStream(async (jsm) => {
    const states: StreamState[] = [];
    for await (const info of jsm.streams.list()) {
      states.push({
        name: info.config.name,
        replicas: info.config.num_replicas,
        lastSeq: info.state.last_seq,
        leader: info.cluster?.leader,
        peers: [
          ...(info.cluster?.leader ? [{ name: info.cluster.leader, current: true }] : []),
          ...(info.cluster?.replicas ?? []).map((r) => ({ name: r.name, current: r.current })),
        ],
      });
    }
    return states;
  }, through);
}

/** Polls `streamStates` until `ok` holds for every stream, at most `timeoutMs`; the last states read. */
async function streamsUntil(
  cluster: ChaosCluster,
  ok: (state: StreamState) => boolean,
  timeoutMs: number,
  through?: readonly NatsClusterNode[],
): Promise<{ ok: boolean; states: StreamState[]; ms: number }> {
  const started = Date.now();
  let states: StreamState[] = [];
  while (Date.now() - started < timeoutMs) {
    try {
      states = await streamStates(cluster, through);
      if (states.length > 0 && states.every(ok)) return { ok: true, states, ms: Date.now() - started };
    } catch {
      // no leader for the JetStream API yet: ask again
    }
    await sleep(250);
  }
  return { ok: false, states, ms: Date.now() - started };
}

/**
 * SIGKILL of one NATS node of three, restarted on its store after the hold. The other two must
 * keep every saga stream's quorum (each stream has a leader again within 30 s, on another
 * node: an election takes a few seconds, longer on a loaded machine) and lose nothing (no stream's last sequence goes back); after the restart the node must
 * catch up (current in every stream) within 30 s. Injected only if all of that held.
 */
async function killNatsNode(cluster: ChaosCluster, plan: FaultPlan, removed: () => void): Promise<Applied> {
  const nodes = cluster.natsCluster?.nodes;
  if (!nodes) throw new Error('nats-node-kill needs the cluster topology');
  const node = nodes[plan.index! % nodes.length];
  const before = (await streamsUntil(cluster, (s) => s.leader !== undefined, 15_000)).states;
  const lastBefore = new Map(before.map((s) => [s.name, s.lastSeq]));
  const pid = node.process.pid;
  const killedAt = Date.now();
  await node.stop('SIGKILL');
  const quorum = await streamsUntil(
    cluster,
    (s) => s.leader !== undefined && s.leader !== node.name && s.lastSeq >= (lastBefore.get(s.name) ?? 0),
    30_000,
  );
  const held = Date.now() - killedAt;
  if (held < plan.holdMs) await sleep(plan.holdMs - held);
  removed();
  await node.start();
  const caughtUp = await streamsUntil(
    cluster,
    (s) => s.peers.some((p) => p.name === node.name && p.current) && s.lastSeq >= (lastBefore.get(s.name) ?? 0),
    30_000,
  );
  const streams = quorum.states.map((s) => `${s.name} R${s.replicas} leader ${s.leader ?? 'none'} seq ${s.lastSeq}`);
  const replicated = before.length > 0 && before.every((s) => s.replicas === nodes.length);
  return {
    injected: quorum.ok && caughtUp.ok && replicated,
    detail:
      `nats-${node.index + 1} pid ${pid} SIGKILL; ` +
      (quorum.ok
        ? `every stream led by another node after ${quorum.ms} ms`
        : 'a stream had no leader on the other two nodes for 30 s') +
      ` (${streams.join(', ')}); restarted on its store, ` +
      (caughtUp.ok ? `current in every stream after ${caughtUp.ms} ms` : 'NOT current in every stream after 30 s') +
      (replicated
        ? ''
        : `; streams not replicated ${nodes.length} times: ${before.map((s) => `${s.name} R${s.replicas}`).join(', ')}`),
  };
}

/**
 * Every replica of every service replaced one after another, as a Deployment's rolling update
 * does it (a new process, ready, then the old one drained with SIGTERM). Injected if every
 * replacement became ready.
 */
async function rollingRestart(cluster: ChaosCluster, removed: () => void): Promise<Applied> {
  const steps: string[] = [];
  let slowest = 0;
  for (const service of SERVICE_NAMES) {
    const replicas = cluster.replicas.get(service)!;
    for (let index = 0; index < replicas.length; index++) {
      const readyMs = await cluster.replaceReplica(service, index, READY_TIMEOUT_MS);
      slowest = Math.max(slowest, readyMs);
      steps.push(`${service}-${index + 1}`);
    }
  }
  removed();
  return {
    injected: true,
    detail: `${steps.length} replicas replaced one after another (${steps.join(', ')}); slowest ready after ${(slowest / 1000).toFixed(1)} s`,
  };
}

/**
 * One NATS node cut off from the other two: every route proxy of the node (both directions)
 * cuts its connections and drops new ones, while the node and its clients keep running. The
 * other two must keep every stream's quorum (led by one of them within 30 s, no stream's last
 * sequence going back), and the node must lose contact (a stream of the majority reports it
 * not current, or its own JetStream API fails); once the routes are healed it must be current
 * in every stream within 30 s. Injected only if all of that held.
 */
async function partitionNatsNode(cluster: ChaosCluster, plan: FaultPlan, removed: () => void): Promise<Applied> {
  const natsCluster = cluster.natsCluster;
  if (!natsCluster) throw new Error('nats-partition needs the cluster topology');
  const node = natsCluster.nodes[plan.index! % natsCluster.nodes.length];
  const majority = natsCluster.nodes.filter((other) => other !== node);
  const routes = natsCluster.routesOf(node.index);
  const before = (await streamsUntil(cluster, (s) => s.leader !== undefined, 15_000)).states;
  const lastBefore = new Map(before.map((s) => [s.name, s.lastSeq]));
  const openBefore = routes.reduce((sum, route) => sum + route.openConnections, 0);
  const cutBefore = routes.reduce((sum, route) => sum + route.cutConnections, 0);
  const cutAt = Date.now();
  for (const route of routes) route.sever();
  const quorum = await streamsUntil(
    cluster,
    (s) =>
      s.leader !== undefined &&
      s.leader !== node.name &&
      s.lastSeq >= (lastBefore.get(s.name) ?? 0) &&
      s.peers.some((p) => p.name === node.name && !p.current),
    30_000,
    majority,
  );
  const alone = await jetStreamFails(cluster, node);
  const held = Date.now() - cutAt;
  if (held < plan.holdMs) await sleep(plan.holdMs - held);
  const cut = routes.reduce((sum, route) => sum + route.cutConnections, 0) - cutBefore;
  natsCluster.healRoutes();
  removed();
  const caughtUp = await streamsUntil(
    cluster,
    (s) => s.peers.some((p) => p.name === node.name && p.current) && s.lastSeq >= (lastBefore.get(s.name) ?? 0),
    30_000,
    majority,
  );
  const streams = quorum.states.map((s) => `${s.name} leader ${s.leader ?? 'none'} seq ${s.lastSeq}`);
  return {
    injected: openBefore > 0 && cut > 0 && quorum.ok && caughtUp.ok,
    detail:
      `nats-${node.index + 1} cut off: ${cut} route connections cut or refused (${openBefore} open before); ` +
      (quorum.ok
        ? `the other two led every stream and saw it fall behind after ${quorum.ms} ms`
        : 'the other two did not lead every stream without it within 30 s') +
      ` (${streams.join(', ')}); its own JetStream API ${alone ? 'failed' : 'still answered'}; healed, ` +
      (caughtUp.ok ? `current in every stream after ${caughtUp.ms} ms` : 'NOT current in every stream after 30 s'),
  };
}

/** Whether JetStream, asked through `node` alone, fails within a few seconds (a node without quorum). */
async function jetStreamFails(cluster: ChaosCluster, node: NatsClusterNode): Promise<boolean> {
  try {
    await cluster.natsCluster!.withJetStream(
      async (jsm) => {
        await jsm.getAccountInfo();
        for await (const _ of jsm.streams.list()) break;
      },
      [node],
    );
    return false;
  } catch {
    return true;
  }
}

/**
 * A burst of checkouts whose charges all time out at once while both order replicas sweep:
 * both payment replicas are paused (SIGSTOP) past the charge's first deadline, so every saga
 * waiting on a charge, the burst's among them, is retried by whichever order replica's sweeper
 * locks it first (FOR UPDATE SKIP LOCKED), and the paused payment then gets the first and the
 * second attempt of each charge. The checks then prove that no step was applied twice (one
 * charge per order in the ledger, each step advancing its saga once) and every saga ended
 * once. Injected only if steps timed out during the hold and both order replicas stayed ready.
 */
async function raceForDeadlines(
  cluster: ChaosCluster,
  plan: FaultPlan,
  removed: () => void,
  traffic: Traffic,
): Promise<Applied> {
  const payments = cluster.replicas.get('payment')!;
  const orders = cluster.replicas.get('order')!;
  const [{ since }] = await cluster.query<{ since: Date }>('order', 'SELECT now() AS since');
  for (const payment of payments) payment.signal('SIGSTOP');
  const accepted = await traffic.burst(plan.burst!, `race-${Math.round(Date.now() / 1000)}`);
  let probes = 0;
  let ready = 0;
  for (const until = Date.now() + plan.holdMs; Date.now() < until;) {
    probes++;
    const answers = await Promise.all(orders.map((order) => ownServiceReady(order.url, order.pid)));
    if (answers.every(Boolean)) ready++;
    await sleep(500);
  }
  const [{ n: timedOut }] = await cluster.query<{ n: number }>(
    'order',
    `SELECT count(*)::int AS n FROM saga_timeline WHERE outcome = 'timed-out' AND at >= $1`,
    [since],
  );
  for (const payment of payments) payment.signal('SIGCONT');
  removed();
  return {
    injected: timedOut > 0 && probes > 0 && ready === probes,
    detail:
      `both payment replicas paused ${(plan.holdMs / 1000).toFixed(1)} s; ${accepted} of ${plan.burst} checkouts of the burst accepted; ` +
      `${timedOut} steps timed out and were retried or compensated by the order replicas' sweepers; both order replicas ready at ${ready} of ${probes} probes`,
  };
}

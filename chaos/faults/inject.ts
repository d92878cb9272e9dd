import type { ServiceName } from '@zhongtai/platform';
import { Redis } from 'ioredis';
import { gateKeys, gateSettings, scanKeys } from '../gate';
import type { ChaosCluster } from '../servers/cluster';
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
 * Injects one fault, holds it, removes it (restarting what it killed) and waits until the
 * whole platform is ready again, so that faults never overlap.
 */
export async function injectFault(
  cluster: ChaosCluster,
  plan: FaultPlan,
  rng: Rng,
  clock: () => number,
): Promise<FaultRecord> {
  const startMs = clock();
  let endMs = startMs;
  const outcome = await apply(cluster, plan, rng, () => (endMs = clock()));
  if (endMs === startMs) endMs = clock();
  await cluster.heal(READY_TIMEOUT_MS);
  return { ...plan, startMs, endMs, recoveredMs: clock(), ...outcome };
}

type Applied = { injected: boolean; detail: string; copies?: number };

async function apply(cluster: ChaosCluster, plan: FaultPlan, rng: Rng, removed: () => void): Promise<Applied> {
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
      await cluster.nats.start();
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

import type { Redis } from 'ioredis';

/**
 * The gateway's flash-sale gate as the harness sees it from outside: whether it is on, how often
 * it reconciles, and the names of its Redis keys (apps/gateway/src/flash-sale/gate-scripts.ts
 * documents them), from the environment every service of the run is started with.
 */
export interface GateSettings {
  enabled: boolean;
  reconcileMs: number;
  /** Every key of the gate starts with this: `${REDIS_PREFIX}gate:`. */
  prefix: string;
}

/** The gateway's defaults (apps/gateway/src/gateway.config.ts) when the environment says nothing. */
const DEFAULT_RECONCILE_MS = 2_000;

export function gateSettings(env: Record<string, string | undefined>): GateSettings {
  const reconcileMs = Number(env.GATE_RECONCILE_MS ?? DEFAULT_RECONCILE_MS);
  return {
    enabled: (env.FLASH_SALE_GATE ?? 'on') === 'on',
    reconcileMs: Number.isFinite(reconcileMs) && reconcileMs > 0 ? reconcileMs : DEFAULT_RECONCILE_MS,
    prefix: `${env.REDIS_PREFIX ?? 'zt:'}gate:`,
  };
}

export const gateKeys = (gate: GateSettings) => ({
  sku: (sku: string) => `${gate.prefix}sku:${sku}`,
  promise: (orderId: string) => `${gate.prefix}promise:${orderId}`,
  promised: (sku: string) => `${gate.prefix}promised:${sku}`,
  /** Held for GATE_RECONCILE_MS by the gateway that runs a reconciliation round. */
  reconciling: `${gate.prefix}reconciling`,
});

/** Every key matching `pattern` (SCAN, so that a large keyspace is not blocked). */
export async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    for (const key of batch) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys];
}

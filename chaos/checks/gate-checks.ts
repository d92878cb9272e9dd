import type { ServiceName } from '@zhongtai/platform';
import { Redis } from 'ioredis';
import { gateKeys, GateSettings, scanKeys } from '../gate';
import { sleep } from '../random';
import { Check, CheckResult } from './check';

type Query = <T extends Record<string, unknown>>(service: ServiceName, sql: string, params?: unknown[]) => Promise<T[]>;

/** The gate's counts and PostgreSQL's stock, read one after the other (nothing moves at rest). */
interface Reading {
  counts: Map<string, number>;
  stock: Map<string, { stock_on_hand: number; reserved: number }>;
}

const POLL_MS = 200;
/** Past the bound of 3 reconciliation intervals: a round's RPC to inventory and its scripts. */
const SLACK_MS = 2_000;

/**
 * At rest, once a reconciliation round has passed, every count the flash-sale gate keeps must
 * equal PostgreSQL's available stock (stock_on_hand - reserved): the gate may be wrong while
 * orders are in flight or a fault has just corrupted it, never once the platform is quiet.
 *
 * A round is seen starting when the gateway's reconciliation lock is set anew (its PTTL goes
 * up). The check passes as soon as every count agrees on a reading taken a little after a round
 * that began after the check did; it gives up after 3 x GATE_RECONCILE_MS plus slack and
 * reports each count that still differs, with the promises the gate still holds for that sku.
 */
export async function gateCheck(query: Query, gate: GateSettings & { redisPort: number }): Promise<CheckResult> {
  const check = new Check(
    'gate-counts',
    'at rest, once a reconciliation round has passed, every flash-sale gate count (units) = the inventory database stock_on_hand - reserved',
  );
  if (!gate.enabled) {
    check.notes.gate = 'off (FLASH_SALE_GATE=off): no counts to compare';
    return check.result();
  }
  const keys = gateKeys(gate);
  const redis = new Redis(`redis://127.0.0.1:${gate.redisPort}`, { maxRetriesPerRequest: 2 });
  try {
    const startedAt = Date.now();
    const deadline = startedAt + 3 * gate.reconcileMs + SLACK_MS;
    // A round at rest takes milliseconds; a reading this long after its start sees its outcome.
    const afterRoundMs = Math.min(500, gate.reconcileMs / 2);
    let previousTtl: number | undefined;
    let lastRoundAt: number | undefined;
    let rounds = 0;
    let reading: Reading;
    for (;;) {
      const ttl = await redis.pttl(keys.reconciling);
      if (previousTtl !== undefined && ttl > 0 && ttl > previousTtl) {
        rounds++;
        lastRoundAt = Date.now();
      }
      previousTtl = ttl;
      reading = await read(query, redis, gate);
      const agree = mismatches(reading).length === 0;
      if (agree && lastRoundAt !== undefined && Date.now() - lastRoundAt >= afterRoundMs) break;
      if (Date.now() >= deadline) break;
      await sleep(POLL_MS);
    }
    check.notes.reconcileMs = gate.reconcileMs;
    check.notes.roundsSeen = rounds;
    check.notes.waitedMs = Date.now() - startedAt;
    check.notes.gateCounts = reading.counts.size;
    if (rounds === 0) check.notes.roundNote = 'no reconciliation round seen starting within the bound';
    if (reading.counts.size === 0) {
      check.notes.gate = 'on, but it keeps no counts: nothing to compare';
      return check.result();
    }
    check.examine(reading.counts.size);
    for (const { sku, units, stock } of mismatches(reading)) {
      if (!stock) {
        check.violation(`${sku}: gate units ${units} for a sku the inventory database does not have`);
        continue;
      }
      const available = stock.stock_on_hand - stock.reserved;
      const promises = await heldPromises(query, redis, gate, sku);
      check.violation(
        `${sku}: gate units ${units}, inventory stock_on_hand ${stock.stock_on_hand} - reserved ${stock.reserved} = ${available}` +
          ` (off by ${units - available}; ${promises.length ? `promises still held: ${promises.join(', ')}` : 'no promise held'};` +
          ` after ${((Date.now() - startedAt) / 1000).toFixed(1)} s and ${rounds} reconciliation rounds)`,
      );
    }
    return check.result();
  } finally {
    redis.disconnect();
  }
}

async function read(query: Query, redis: Redis, gate: GateSettings): Promise<Reading> {
  const skuKeys = await scanKeys(redis, gateKeys(gate).sku('*'));
  const counts = new Map<string, number>();
  if (skuKeys.length > 0) {
    const pipeline = redis.pipeline();
    for (const key of skuKeys) pipeline.hget(key, 'units');
    const replies = (await pipeline.exec()) ?? [];
    skuKeys.forEach((key, i) => {
      const units = replies[i]?.[1] as string | null | undefined;
      if (units !== null && units !== undefined) counts.set(key.slice(`${gate.prefix}sku:`.length), Number(units));
    });
  }
  const rows = await query<{ sku: string; stock_on_hand: number; reserved: number }>(
    'inventory',
    'SELECT sku, stock_on_hand, reserved FROM products',
  );
  return { counts, stock: new Map(rows.map((r) => [r.sku, r])) };
}

function mismatches({ counts, stock }: Reading) {
  return [...counts]
    .map(([sku, units]) => ({ sku, units, stock: stock.get(sku) }))
    .filter(({ units, stock }) => !stock || units !== stock.stock_on_hand - stock.reserved)
    .sort((a, b) => a.sku.localeCompare(b.sku));
}

/** The promises the gate still weighs for a sku, each with its quantity and what became of its order. */
async function heldPromises(query: Query, redis: Redis, gate: GateSettings, sku: string): Promise<string[]> {
  const keys = gateKeys(gate);
  const orderIds = await redis.zrange(keys.promised(sku), '0', '-1');
  const held: string[] = [];
  for (const orderId of orderIds.slice(0, 5)) {
    const quantity = await redis.hget(keys.promise(orderId), sku);
    const [order] = await query<{ status: string; failure_reason: string | null }>(
      'order',
      'SELECT status, failure_reason FROM orders WHERE id::text = $1',
      [orderId],
    );
    const [reservation] = await query<{ status: string }>(
      'inventory',
      'SELECT status FROM reservations WHERE order_id::text = $1',
      [orderId],
    );
    held.push(
      `${orderId} x${quantity ?? '(expired)'} order ${order ? `${order.status}${order.failure_reason ? ` ${order.failure_reason}` : ''}` : 'none'}, reservation ${reservation?.status ?? 'none'}`,
    );
  }
  if (orderIds.length > 5) held.push(`${orderIds.length - 5} more`);
  return held;
}

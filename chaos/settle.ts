import { DEFAULT_TOPOLOGY, FORWARD_RETRY, MUST_SUCCEED_RETRY } from '@zhongtai/saga';
import type { RetryPolicy } from '@zhongtai/saga';
import type { ServiceName } from '@zhongtai/platform';
import { sleep } from './random';

type Query = <T extends Record<string, unknown>>(service: ServiceName, sql: string) => Promise<T[]>;

/** libs/saga's relay and sweeper defaults (not part of its public surface, so restated here). */
const RELAY_POLL_MS = 1_000;
const RELAY_MIN_AGE_MS = 2_000;
const SWEEP_INTERVAL_MS = 1_000;
/** Steps of checkout that can be compensated (reserve, lock coupon). */
const COMPENSATABLE_STEPS = 2;

/** The longest deadline of attempt `attempt`, jitter included. */
const longest = (policy: RetryPolicy, attempt: number) =>
  Math.min(policy.maxTimeoutMs, policy.timeoutMs * policy.multiplier ** (attempt - 1)) * (1 + policy.jitter / 2);

export interface SettleBound {
  ms: number;
  formula: string;
}

/**
 * How long a saga may need once every fault is healed: its forward attempts may all have been
 * lost in the last fault (they time out one after the other), then its compensations run,
 * each message waits at most for the relay's poll, the sweeper's tick and JetStream's first
 * redelivery. Sagas whose current deadline lies further out (a retriable step deep in its
 * backoff) extend the bound to that deadline.
 */
export function settleBound(latestOpenDeadlineMs = 0): SettleBound {
  const forward = Array.from({ length: FORWARD_RETRY.maxAttempts }, (_, i) => longest(FORWARD_RETRY, i + 1));
  const forwardMs = forward.reduce((a, b) => a + b, 0);
  const compensationMs = COMPENSATABLE_STEPS * longest(MUST_SUCCEED_RETRY, 1);
  const plumbingMs = RELAY_POLL_MS + RELAY_MIN_AGE_MS + SWEEP_INTERVAL_MS + DEFAULT_TOPOLOGY.backoffMs[0];
  const staticMs = forwardMs + compensationMs + plumbingMs;
  const dynamicMs = latestOpenDeadlineMs + plumbingMs;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const formula =
    `max( forward deadlines ${forward.map(s).join(' + ')} (FORWARD_RETRY, jitter included)` +
    ` + ${COMPENSATABLE_STEPS} compensations x ${s(longest(MUST_SUCCEED_RETRY, 1))}` +
    ` + relay poll ${s(RELAY_POLL_MS)} + relay min age ${s(RELAY_MIN_AGE_MS)} + sweep ${s(SWEEP_INTERVAL_MS)}` +
    ` + first redelivery ${s(DEFAULT_TOPOLOGY.backoffMs[0])} = ${s(staticMs)},` +
    ` latest open deadline at heal ${s(latestOpenDeadlineMs)} + ${s(plumbingMs)} = ${s(dynamicMs)} ) = ${s(Math.max(staticMs, dynamicMs))}`;
  return { ms: Math.max(staticMs, dynamicMs), formula };
}

/** How far ahead the latest deadline of a saga still open lies, in ms. */
export async function latestOpenDeadline(query: Query): Promise<number> {
  const [row] = await query<{ ms: number | null }>(
    'order',
    `SELECT (extract(epoch FROM max(deadline_at) - now()) * 1000)::int AS ms
     FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')`,
  );
  return Math.max(0, row?.ms ?? 0);
}

export interface Quiet {
  settled: boolean;
  elapsedMs: number;
  /** What was still moving when the bound ran out. */
  remaining: Record<string, number>;
}

/**
 * Waits until no saga runs, no order is in between (an order awaiting payment at the provider
 * included: its saga waits for the payment until the window's deadline) and every outbox is
 * empty, up to `boundMs`.
 */
export async function waitForRest(query: Query, boundMs: number): Promise<Quiet> {
  const started = Date.now();
  let remaining: Record<string, number> = {};
  while (Date.now() - started <= boundMs) {
    try {
      remaining = await motion(query);
      if (Object.values(remaining).every((n) => n === 0))
        return { settled: true, elapsedMs: Date.now() - started, remaining };
    } catch (error) {
      remaining = { unreachable: 1 };
      process.stderr.write(`chaos: settle probe failed: ${String(error)}\n`);
    }
    await sleep(500);
  }
  return { settled: false, elapsedMs: Date.now() - started, remaining };
}

async function motion(query: Query): Promise<Record<string, number>> {
  const [sagas] = await query<{ n: number }>(
    'order',
    `SELECT count(*)::int AS n FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')`,
  );
  const [orders] = await query<{ n: number }>(
    'order',
    `SELECT count(*)::int AS n FROM orders WHERE status IN ('PENDING', 'AWAITING_PAYMENT', 'CANCELLING')`,
  );
  const remaining: Record<string, number> = { openSagas: sagas.n, ordersInBetween: orders.n };
  for (const service of ['order', 'inventory', 'coupon', 'payment'] as const) {
    const [row] = await query<{ n: number }>(
      service,
      'SELECT count(*)::int AS n FROM saga_outbox WHERE sent_at IS NULL',
    );
    remaining[`unsent_${service}`] = row.n;
  }
  return remaining;
}

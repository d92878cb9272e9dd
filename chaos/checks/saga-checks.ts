import { Check, CheckResult, groupBy } from './check';
import type { Snapshot } from './snapshot';

/**
 * Sagas: every one final (a PARKED one is reported as a violation with its id, for an operator
 * would have to act), each order's checkout saga agrees with the order, each refund has its
 * cancel saga, and every step and compensation was applied once.
 */
/** Refusals the order service may give when an order is placed, without a saga (CheckoutPricing). */
const STOCK_REFUSALS: (string | null)[] = ['OUT_OF_STOCK', 'UNKNOWN_SKU'];
/** The checkout sagas: paid from the wallet, or at the provider. */
const CHECKOUT_SAGAS = ['checkout', 'checkoutAtProvider'];

export function sagaChecks(snapshot: Snapshot): CheckResult[] {
  const final = new Check(
    'sagas-final',
    'no saga RUNNING or COMPENSATING at rest, none PARKED; checkout saga COMPLETED for PAID/REFUNDED orders, COMPENSATED for CANCELLED (or none for one refused for its stock when placed); one completed cancel saga per REFUNDED order',
  );
  const checkout = new Map(snapshot.sagas.filter((s) => CHECKOUT_SAGAS.includes(s.type)).map((s) => [s.id, s]));
  const cancels = groupBy(
    snapshot.sagas.filter((s) => s.type === 'cancelOrder'),
    (s) => s.order_id,
  );
  for (const saga of snapshot.sagas) {
    final.examine();
    final.expect(
      ['COMPLETED', 'COMPENSATED'].includes(saga.status),
      () => `${saga.type} saga ${saga.id} (order ${saga.order_id}) is ${saga.status}`,
    );
  }
  const expected: Record<string, string> = { PAID: 'COMPLETED', REFUNDED: 'COMPLETED', CANCELLED: 'COMPENSATED' };
  for (const order of snapshot.orders) {
    const saga = checkout.get(order.id);
    const refusedWhenPlaced = !saga && order.status === 'CANCELLED' && STOCK_REFUSALS.includes(order.failure_reason);
    if (expected[order.status] && !refusedWhenPlaced) {
      final.expect(
        saga?.status === expected[order.status],
        () => `order ${order.id} ${order.status}: checkout saga ${saga?.status ?? 'missing'}`,
      );
    }
    const cancel = cancels.get(order.id) ?? [];
    if (order.status === 'REFUNDED') {
      final.expect(
        cancel.length === 1 && cancel[0].status === 'COMPLETED',
        () => `order ${order.id} REFUNDED: cancel sagas ${cancel.map((s) => s.status).join(', ') || 'none'}`,
      );
    } else {
      final.expect(cancel.length === 0, () => `order ${order.id} ${order.status} has ${cancel.length} cancel sagas`);
    }
  }
  const counts = new Map<string, number>();
  for (const saga of snapshot.sagas) counts.set(saga.status, (counts.get(saga.status) ?? 0) + 1);
  for (const [status, n] of counts) final.notes[status] = n;

  const once = new Check(
    'steps-applied-once',
    'each saga step and each compensation advanced its saga once (duplicates and stale replies ignored)',
  );
  for (const row of snapshot.sagaStepsApplied) {
    once.examine();
    once.expect(row.n === 1, () => `saga ${row.saga_id} step ${row.step} ${row.phase}: applied ${row.n} times`);
  }

  const ended = new Check(
    'sagas-ended-once',
    'each finished saga ended once: one completed or compensated entry in its timeline (two racing drivers never both end it)',
  );
  for (const row of snapshot.sagaEndings) {
    ended.examine();
    ended.expect(row.n === 1, () => `saga ${row.saga_id} ended ${row.n} times`);
  }

  const outbox = new Check('outbox-drained', 'no outbox row left unsent in any database');
  for (const [service, unsent] of Object.entries(snapshot.unsentOutbox)) {
    outbox.examine();
    outbox.expect(unsent === 0, () => `${service}: ${unsent} outbox rows unsent`);
  }
  return [final.result(), once.result(), ended.result(), outbox.result()];
}

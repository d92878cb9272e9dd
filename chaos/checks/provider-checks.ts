import type { Operation } from '../history';
import { Check, CheckResult } from './check';
import type { Snapshot } from './snapshot';

/** One payment in the provider simulator's own database, by the merchant order it pays. */
export type ProviderPaymentRow = {
  merchant_order_id: string;
  status: string;
  amount_cents: number;
  refunded_cents: number;
};

export const PROVIDER_PAYMENTS_SQL = `SELECT merchant_order_id, status, amount_cents::int AS amount_cents,
  refunded_cents::int AS refunded_cents FROM provider_payments`;

/** What the provider kept of a payment: its amount once it succeeded, less what it refunded. */
const kept = (payment: ProviderPaymentRow | undefined) =>
  payment && (payment.status === 'SUCCEEDED' || payment.status === 'REFUNDED')
    ? payment.amount_cents - payment.refunded_cents
    : 0;

/**
 * docs/design.md's invariants of checkouts paid at the provider, against the provider's own
 * records (which the platform cannot write): no PAID order without the provider's success of its
 * total, and no success at the provider without a PAID order that kept it or a refund of all of
 * it. The third (no stock held by an order that expired or was cancelled) is `no-oversell`'s:
 * a CANCELLED order's reservation RELEASED or none, and nothing reserved at rest.
 */
export function providerChecks(
  snapshot: Snapshot,
  payments: readonly ProviderPaymentRow[],
  operations: readonly Operation[],
): CheckResult[] {
  const atProvider = new Map(payments.map((p) => [p.merchant_order_id, p]));
  const orders = new Map(snapshot.orders.map((o) => [o.id, o]));
  const paidOrders = new Check(
    'provider-paid-orders',
    'every PAID order paid at the provider has a SUCCEEDED payment there of its total, none of it refunded; a REFUNDED one was refunded there in full',
  );
  for (const order of snapshot.orders.filter((o) => o.payment_method === 'provider')) {
    paidOrders.examine();
    const payment = atProvider.get(order.id);
    const seen = payment ? `${payment.status} ${payment.amount_cents} (refunded ${payment.refunded_cents})` : 'none';
    // An order a coupon made free is never paid at the provider.
    if (order.status === 'PAID' && order.total_cents > 0)
      paidOrders.expect(
        payment?.status === 'SUCCEEDED' &&
          payment.amount_cents === order.total_cents &&
          kept(payment) === order.total_cents,
        () => `order ${order.id} PAID total ${order.total_cents}: at the provider ${seen}`,
      );
    if (order.status === 'REFUNDED' && order.total_cents > 0)
      paidOrders.expect(
        payment !== undefined && kept(payment) === 0 && payment.refunded_cents === order.total_cents,
        () => `order ${order.id} REFUNDED total ${order.total_cents}: at the provider ${seen}`,
      );
  }

  const successes = new Check(
    'provider-success-owned',
    'every success at the provider belongs to a PAID order (paid at the provider, of the same total) that kept it, or was refunded there in full; none for an order the platform does not know',
  );
  let refundedSuccesses = 0;
  for (const payment of payments.filter((p) => p.status === 'SUCCEEDED' || p.status === 'REFUNDED')) {
    successes.examine();
    const order = orders.get(payment.merchant_order_id);
    if (!order) {
      successes.violation(
        `${payment.status} payment of ${payment.amount_cents} for unknown order ${payment.merchant_order_id}`,
      );
      continue;
    }
    const expected = order.status === 'PAID' ? order.total_cents : 0;
    successes.expect(
      kept(payment) === expected && (order.status !== 'PAID' || order.payment_method === 'provider'),
      () =>
        `order ${order.id} ${order.status}${order.failure_reason ? ` ${order.failure_reason}` : ''} (${order.payment_method}, total ${order.total_cents}): the provider kept ${kept(payment)} of ${payment.amount_cents}`,
    );
    if (payment.refunded_cents === payment.amount_cents && order.status !== 'REFUNDED') refundedSuccesses++;
  }
  successes.notes.successesRefundedForAnOrderNotPaid = refundedSuccesses;
  for (const status of ['PENDING', 'SUCCEEDED', 'FAILED', 'CLOSED', 'REFUNDED'])
    successes.notes[`atProvider${status[0]}${status.slice(1).toLowerCase()}`] = payments.filter(
      (p) => p.status === status,
    ).length;
  const pays = operations.filter((op) => op.kind === 'pay');
  paidOrders.notes.paysAccepted = pays.filter((op) => op.outcome === 'ok').length;
  paidOrders.notes.paysRefused = pays.filter((op) => op.outcome === 'fail').length;
  paidOrders.notes.paysUnknown = pays.filter((op) => op.outcome === 'info').length;
  return [paidOrders.result(), successes.result()];
}

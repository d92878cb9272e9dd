import type { Operation } from '../history';
import { Check, CheckResult, groupBy, linesKey } from './check';
import type { OrderRow, Snapshot } from './snapshot';

const keyOf = (customerId: string, key: string) => `${customerId}/${key}`;

/** Statuses an order may still reach once a client has seen it in `seen` (API.md's state machine). */
const REACHABLE: Record<string, string[]> = {
  PENDING: ['PENDING', 'AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED'],
  AWAITING_PAYMENT: ['AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED'],
  PAID: ['PAID', 'CANCELLING', 'REFUNDED'],
  CANCELLING: ['CANCELLING', 'REFUNDED'],
  CANCELLED: ['CANCELLED'],
  REFUNDED: ['REFUNDED'],
};

/**
 * The client's view against the order database: every acknowledged checkout has exactly its
 * one order, an unknown outcome resolved to zero or one, nothing was ordered that no client
 * asked for, one order per (customer, key) with the body of that key, and every status a
 * client saw leads to the status at rest.
 */
export function historyChecks(operations: readonly Operation[], snapshot: Snapshot): CheckResult[] {
  const checkouts = operations.filter((op) => op.kind === 'checkout' || op.kind === 'probe');
  const byKey = groupBy(checkouts, (op) => keyOf(op.customerId!, op.key!));
  const ordersByKey = groupBy(snapshot.orders, (o) => keyOf(o.customer_id, o.idempotency_key));
  const ordersById = new Map(snapshot.orders.map((o) => [o.id, o]));

  const lost = new Check('no-lost-order', 'every ok checkout has exactly one order; every info one has zero or one');
  const idempotency = new Check(
    'idempotency',
    'one order per (customer, Idempotency-Key), priced from that key’s body',
  );
  let infoToOne = 0;
  let infoToZero = 0;
  let infoAnsweredByRetry = 0;
  let duplicates = 0;
  for (const [key, ops] of byKey) {
    lost.examine();
    idempotency.examine();
    const orders = ordersByKey.get(key) ?? [];
    const ok = ops.filter((op) => op.outcome === 'ok');
    const unknown = ops.some((op) => op.outcome === 'info' || op.code === 'IDEMPOTENCY_IN_PROGRESS');
    duplicates += ops.length - 1;
    idempotency.expect(
      orders.length <= 1,
      () => `${key}: ${orders.length} orders (${orders.map((o) => o.id).join(', ')})`,
    );
    const infos = ops.filter((op) => op.outcome === 'info').length;
    if (ok.length > 0) {
      infoAnsweredByRetry += infos;
      lost.expect(
        orders.length === 1,
        () => `${key}: ok (op ${ok[0].id}, order ${ok[0].orderId}) but ${orders.length} orders`,
      );
      for (const op of ok) {
        lost.expect(
          orders[0]?.id === op.orderId,
          () => `${key}: op ${op.id} answered order ${op.orderId}, database has ${orders[0]?.id}`,
        );
      }
    } else if (unknown) {
      if (orders.length === 1) infoToOne += infos;
      else infoToZero += infos;
    } else {
      lost.expect(
        orders.length === 0,
        () =>
          `${key}: every request refused (${ops.map((o) => o.status).join(', ')}) but order ${orders[0]?.id} exists`,
      );
    }
    const original = ops[0].body!;
    for (const order of orders) {
      idempotency.expect(
        matches(order, original),
        () =>
          `${key}: order ${order.id} holds ${linesKey(order.items)} ${order.coupon_code ?? ''}, the key's body ${linesKey(original.items)} ${original.couponCode ?? ''}`,
      );
    }
    for (const op of ops.filter((o) => o.mode === 'key-reused-other-body' && o.body !== original)) {
      idempotency.expect(
        op.outcome !== 'ok',
        () => `${key}: op ${op.id} reused the key with another body and got ${op.status}`,
      );
    }
  }
  lost.notes.infoAnsweredByARetry = infoAnsweredByRetry;
  lost.notes.infoNeverAnsweredFoundOneOrder = infoToOne;
  lost.notes.infoNeverAnsweredFoundNoOrder = infoToZero;
  idempotency.notes.requestsReusingAKey = duplicates;

  const unrequested = new Check('no-unrequested-order', 'every order in the database was asked for by a client');
  for (const order of snapshot.orders) {
    unrequested.examine();
    unrequested.expect(
      byKey.has(keyOf(order.customer_id, order.idempotency_key)),
      () => `order ${order.id} (${order.customer_id}, key ${order.idempotency_key}) matches no request`,
    );
  }

  const states = new Check(
    'order-states',
    'no order left PENDING, AWAITING_PAYMENT or CANCELLING; what a client saw leads to the final status; an accepted cancel ends CANCELLED or REFUNDED',
  );
  for (const order of snapshot.orders) {
    states.examine();
    states.expect(
      !['PENDING', 'AWAITING_PAYMENT', 'CANCELLING'].includes(order.status),
      () => `order ${order.id} still ${order.status}`,
    );
  }
  for (const op of operations) {
    if (op.outcome !== 'ok' || !op.orderId || !op.orderStatus) continue;
    const order = ordersById.get(op.orderId);
    if (!order) continue;
    states.expect(
      (REACHABLE[op.orderStatus] ?? []).includes(order.status),
      () => `op ${op.id} (${op.kind}) saw ${op.orderId} ${op.orderStatus}, at rest it is ${order.status}`,
    );
    if (op.kind === 'cancel') {
      states.expect(
        ['CANCELLED', 'REFUNDED'].includes(order.status),
        () => `cancel op ${op.id} accepted, order ${op.orderId} ends ${order.status}`,
      );
    }
  }
  return [lost.result(), unrequested.result(), idempotency.result(), states.result()];
}

function matches(order: OrderRow, body: { items: { sku: string; quantity: number }[]; couponCode?: string }): boolean {
  return linesKey(order.items) === linesKey(body.items) && (order.coupon_code ?? undefined) === body.couponCode;
}

import type { ServiceName } from '@zhongtai/platform';

type Query = <T extends Record<string, unknown>>(service: ServiceName, sql: string) => Promise<T[]>;

export type OrderRow = {
  id: string;
  customer_id: string;
  idempotency_key: string;
  status: string;
  items: { sku: string; quantity: number; lineTotalCents?: number }[];
  total_cents: number;
  coupon_code: string | null;
  failure_reason: string | null;
  /** wallet or provider (paid by the customer at the provider). */
  payment_method: string;
};

/** The state of every database at rest, read once after the platform has settled. */
export interface Snapshot {
  orders: OrderRow[];
  sagas: { id: string; type: string; status: string; order_id: string }[];
  sagaStepsApplied: { saga_id: string; step: number; phase: string; n: number }[];
  /** Per saga, how many times its timeline says it ended (completed or compensated). */
  sagaEndings: { saga_id: string; n: number }[];
  reservations: { order_id: string; status: string; lines: { sku: string; quantity: number }[] }[];
  products: { sku: string; stock_on_hand: number; reserved: number; sold: number; adjusted: number }[];
  adjustments: { reference: string; sku: string; delta: number }[];
  coupons: { code: string; held: number; max_redemptions: number; per_customer_limit: number }[];
  redemptions: { order_id: string; coupon_code: string; customer_id: string; status: string }[];
  postings: { kind: string; reference: string; customer_id: string; amount_cents: number }[];
  wallets: { customer_id: string; balance_cents: number }[];
  unsentOutbox: Record<string, number>;
}

export async function readSnapshot(query: Query): Promise<Snapshot> {
  const [orders, sagas, sagaStepsApplied, sagaEndings] = await Promise.all([
    query<OrderRow>(
      'order',
      `SELECT id, customer_id, idempotency_key, status, items, total_cents, coupon_code, failure_reason, payment_method
       FROM orders`,
    ),
    query<Snapshot['sagas'][number]>(
      'order',
      `SELECT id, type, status, data->>'orderId' AS order_id FROM saga_instance`,
    ),
    query<Snapshot['sagaStepsApplied'][number]>(
      'order',
      `SELECT saga_id, step, phase, count(*)::int AS n FROM saga_timeline
       WHERE outcome IN ('succeeded', 'failed') GROUP BY saga_id, step, phase`,
    ),
    query<Snapshot['sagaEndings'][number]>(
      'order',
      `SELECT i.id AS saga_id, count(t.id)::int AS n FROM saga_instance i
       LEFT JOIN saga_timeline t ON t.saga_id = i.id AND t.outcome IN ('completed', 'compensated')
       WHERE i.status IN ('COMPLETED', 'COMPENSATED') GROUP BY i.id`,
    ),
  ]);
  const [reservations, products, adjustments] = await Promise.all([
    query<Snapshot['reservations'][number]>('inventory', 'SELECT order_id, status, lines FROM reservations'),
    query<Snapshot['products'][number]>(
      'inventory',
      `SELECT p.sku, p.stock_on_hand, p.reserved, p.sold,
              coalesce((SELECT sum(delta) FROM stock_adjustments a WHERE a.sku = p.sku), 0)::int AS adjusted
       FROM products p`,
    ),
    query<Snapshot['adjustments'][number]>('inventory', 'SELECT reference, sku, delta FROM stock_adjustments'),
  ]);
  const [coupons, redemptions] = await Promise.all([
    query<Snapshot['coupons'][number]>('coupon', 'SELECT code, held, max_redemptions, per_customer_limit FROM coupons'),
    query<Snapshot['redemptions'][number]>(
      'coupon',
      'SELECT order_id, coupon_code, customer_id, status FROM coupon_redemptions',
    ),
  ]);
  const [postings, wallets] = await Promise.all([
    query<Snapshot['postings'][number]>(
      'payment',
      'SELECT kind, reference, customer_id, amount_cents::int AS amount_cents FROM postings',
    ),
    query<Snapshot['wallets'][number]>(
      'payment',
      `SELECT customer_id, balance_cents::int AS balance_cents FROM accounts WHERE kind = 'WALLET'`,
    ),
  ]);
  const unsentOutbox: Record<string, number> = {};
  for (const service of ['order', 'inventory', 'coupon', 'payment'] as const) {
    const [row] = await query<{ n: number }>(
      service,
      'SELECT count(*)::int AS n FROM saga_outbox WHERE sent_at IS NULL',
    );
    unsentOutbox[service] = row.n;
  }
  return {
    orders,
    sagas,
    sagaStepsApplied,
    sagaEndings,
    reservations,
    products,
    adjustments,
    coupons,
    redemptions,
    postings,
    wallets,
    unsentOutbox,
  };
}

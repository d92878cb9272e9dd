import type { ChaosProduct } from '../fixtures';
import type { StockSample } from '../workload';
import { Check, CheckResult, groupBy, linesKey } from './check';
import type { Snapshot } from './snapshot';

/** Stock: nothing sold twice or beyond what was there, reservations and counters agree. */
export function stockCheck(snapshot: Snapshot, products: readonly ChaosProduct[], sampled: StockSample): CheckResult {
  const check = new Check(
    'no-oversell',
    'per sku: on hand + sold = initial + adjustments, nothing reserved at rest, sold = PAID quantities = committed reservations; available never below 0',
  );
  const initial = new Map(products.map((p) => [p.sku, p.initialStock]));
  const paid = new Map<string, number>();
  for (const order of snapshot.orders.filter((o) => o.status === 'PAID')) {
    for (const line of order.items) paid.set(line.sku, (paid.get(line.sku) ?? 0) + line.quantity);
  }
  const committed = new Map<string, number>();
  for (const r of snapshot.reservations.filter((r) => r.status === 'COMMITTED')) {
    for (const line of r.lines) committed.set(line.sku, (committed.get(line.sku) ?? 0) + line.quantity);
  }
  for (const p of snapshot.products) {
    check.examine();
    const start = initial.get(p.sku);
    if (start !== undefined) {
      check.expect(
        p.stock_on_hand + p.sold === start + p.adjusted,
        () => `${p.sku}: on hand ${p.stock_on_hand} + sold ${p.sold} != initial ${start} + adjusted ${p.adjusted}`,
      );
    }
    check.expect(p.reserved === 0, () => `${p.sku}: ${p.reserved} still reserved at rest`);
    check.expect(
      p.sold === (paid.get(p.sku) ?? 0),
      () => `${p.sku}: sold ${p.sold}, PAID orders hold ${paid.get(p.sku) ?? 0}`,
    );
    check.expect(
      p.sold === (committed.get(p.sku) ?? 0),
      () => `${p.sku}: sold ${p.sold}, committed reservations hold ${committed.get(p.sku) ?? 0}`,
    );
  }
  const reservations = new Map(snapshot.reservations.map((r) => [r.order_id, r]));
  const orderIds = new Set(snapshot.orders.map((o) => o.id));
  for (const order of snapshot.orders) {
    const r = reservations.get(order.id);
    const expected = { PAID: ['COMMITTED'], CANCELLED: ['RELEASED', undefined], REFUNDED: ['RELEASED'] }[
      order.status as 'PAID'
    ];
    if (expected)
      check.expect(
        expected.includes(r?.status as never),
        () => `order ${order.id} ${order.status}: reservation ${r?.status ?? 'none'}`,
      );
    if (r && order.status === 'PAID')
      check.expect(
        linesKey(r.lines) === linesKey(order.items),
        () => `order ${order.id}: reserved ${linesKey(r.lines)}, ordered ${linesKey(order.items)}`,
      );
  }
  for (const r of snapshot.reservations)
    check.expect(orderIds.has(r.order_id), () => `reservation for unknown order ${r.order_id}`);
  check.examine(sampled.samples);
  for (const bad of sampled.impossible.slice(0, 3))
    check.violation(`GET /products at ${bad.atMs} ms: ${bad.sku} available ${bad.available}`);
  check.notes.productSamples = sampled.samples;
  return check.result();
}

/** Money: each order charged its total once if PAID, net zero otherwise; wallets add up per customer. */
export function moneyCheck(snapshot: Snapshot): CheckResult {
  const credited = new Map<string, number>();
  for (const p of snapshot.postings.filter((p) => p.kind === 'CREDIT')) {
    credited.set(p.customer_id, (credited.get(p.customer_id) ?? 0) + p.amount_cents);
  }
  const check = new Check(
    'money',
    'per order one charge of its total if PAID, net 0 if CANCELLED or REFUNDED (one charge and one refund); per customer wallet = credits - PAID totals of wallet orders; no posting without an order',
  );
  const postings = groupBy(
    snapshot.postings.filter((p) => p.kind !== 'CREDIT'),
    (p) => p.reference,
  );
  const orders = new Map(snapshot.orders.map((o) => [o.id, o]));
  const spent = new Map<string, number>();
  for (const order of snapshot.orders) {
    check.examine();
    const mine = postings.get(order.id) ?? [];
    const charges = mine.filter((p) => p.kind === 'CHARGE');
    const refunds = mine.filter((p) => p.kind === 'REFUND');
    const net = charges.reduce((s, p) => s + p.amount_cents, 0) - refunds.reduce((s, p) => s + p.amount_cents, 0);
    const expectedNet = order.status === 'PAID' ? order.total_cents : 0;
    check.expect(
      charges.length <= 1 && refunds.length <= 1,
      () => `order ${order.id}: ${charges.length} charges, ${refunds.length} refunds`,
    );
    check.expect(
      net === expectedNet,
      () => `order ${order.id} ${order.status} total ${order.total_cents}: net charge ${net}`,
    );
    if (order.status === 'REFUNDED' && order.total_cents > 0) {
      check.expect(
        charges.length === 1 && refunds.length === 1,
        () => `refunded order ${order.id}: ${charges.length} charges, ${refunds.length} refunds`,
      );
    }
    for (const p of charges)
      check.expect(
        p.amount_cents === order.total_cents,
        () => `order ${order.id}: charged ${p.amount_cents} of total ${order.total_cents}`,
      );
    // An order paid at the provider was charged to the provider account, not to the wallet.
    if (order.status === 'PAID' && order.payment_method !== 'provider')
      spent.set(order.customer_id, (spent.get(order.customer_id) ?? 0) + order.total_cents);
  }
  for (const reference of postings.keys())
    check.expect(orders.has(reference), () => `postings for unknown order ${reference}`);
  for (const wallet of snapshot.wallets) {
    const credit = credited.get(wallet.customer_id) ?? 0;
    check.examine();
    const expected = credit - (spent.get(wallet.customer_id) ?? 0);
    check.expect(
      wallet.balance_cents === expected,
      () => `customer ${wallet.customer_id}: wallet ${wallet.balance_cents}, credits - PAID totals = ${expected}`,
    );
  }
  return check.result();
}

/** Coupons: within both caps, counters match redemptions, nothing left locked, one redemption per order. */
export function couponCheck(snapshot: Snapshot): CheckResult {
  const check = new Check(
    'coupons',
    'held = LOCKED + REDEEMED <= max; per customer <= limit; none LOCKED at rest; PAID orders with a coupon hold one REDEEMED, others none or RELEASED',
  );
  const live = snapshot.redemptions.filter((r) => r.status !== 'RELEASED');
  const liveByCoupon = groupBy(live, (r) => r.coupon_code);
  for (const c of snapshot.coupons) {
    check.examine();
    const holding = liveByCoupon.get(c.code) ?? [];
    check.expect(c.held === holding.length, () => `${c.code}: held ${c.held}, live redemptions ${holding.length}`);
    check.expect(
      holding.length <= c.max_redemptions,
      () => `${c.code}: ${holding.length} redemptions over cap ${c.max_redemptions}`,
    );
    for (const [customer, rows] of groupBy(holding, (r) => r.customer_id)) {
      check.expect(
        rows.length <= c.per_customer_limit,
        () => `${c.code}: customer ${customer} holds ${rows.length} (limit ${c.per_customer_limit})`,
      );
    }
  }
  check.notes.releasedRedemptions = snapshot.redemptions.filter((r) => r.status === 'RELEASED').length;
  const byOrder = groupBy(snapshot.redemptions, (r) => r.order_id);
  const orders = new Map(snapshot.orders.map((o) => [o.id, o]));
  for (const r of snapshot.redemptions) {
    check.expect(r.status !== 'LOCKED', () => `order ${r.order_id}: ${r.coupon_code} still LOCKED at rest`);
    check.expect(orders.has(r.order_id), () => `redemption of ${r.coupon_code} for unknown order ${r.order_id}`);
  }
  for (const order of snapshot.orders) {
    const rows = byOrder.get(order.id) ?? [];
    check.expect(rows.length <= 1, () => `order ${order.id}: ${rows.length} redemptions`);
    if (!order.coupon_code) check.expect(rows.length === 0, () => `order ${order.id} without coupon has a redemption`);
    else if (order.status === 'PAID')
      check.expect(
        rows[0]?.status === 'REDEEMED' && rows[0].coupon_code === order.coupon_code,
        () => `PAID order ${order.id} with ${order.coupon_code}: redemption ${rows[0]?.status ?? 'none'}`,
      );
    else
      check.expect(
        rows.every((r) => r.status === 'RELEASED'),
        () => `${order.status} order ${order.id}: redemption ${rows[0]?.status}`,
      );
  }
  return check.result();
}

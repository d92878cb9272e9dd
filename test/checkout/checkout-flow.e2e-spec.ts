import { randomUUID } from 'node:crypto';
import { quiesce } from '../support/invariants';
import { suitePlatform } from '../support/suite-platform';
import { Customer } from '../support/storefront';

describe('checkout end to end, every outcome of docs/api.md', () => {
  const suite = suitePlatform();
  let tea: string;
  let scarce: string;

  beforeAll(async () => {
    tea = await suite.shop.productWithStock(100, 12_800);
    scarce = await suite.shop.productWithStock(1, 5_000);
  }, 60_000);

  it('places a paid order, priced by the catalogue, and charges the wallet once', async () => {
    const customer = await suite.shop.customerWithWallet(100_000);
    const response = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 2 }] });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      status: 'PAID',
      customerId: customer.id,
      items: [{ sku: tea, quantity: 2, unitPriceCents: 12_800, lineTotalCents: 25_600, name: `Product ${tea}` }],
      subtotalCents: 25_600,
      discountCents: 0,
      totalCents: 25_600,
      currency: 'CNY',
      couponCode: null,
      paymentMethod: 'wallet',
      failureReason: null,
    });
    expect(await suite.shop.wallet(customer)).toBe(100_000 - 25_600);
    expect((await suite.shop.product(tea)).available).toBe(98);
    const read = await suite.shop.call('GET', `/orders/${response.body.id}`, { token: customer.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: response.body.id, status: 'PAID' });
  });

  it('applies FIXED and PERCENT coupons and records the discount', async () => {
    const customer = await suite.shop.customerWithWallet(100_000);
    const fixed = await suite.shop.coupon({ kind: 'FIXED', value: 800 });
    const percent = await suite.shop.coupon({ kind: 'PERCENT', value: 15 });
    const a = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }], couponCode: fixed });
    const b = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }], couponCode: percent });
    expect(a.body).toMatchObject({ status: 'PAID', discountCents: 800, totalCents: 12_000, couponCode: fixed });
    expect(b.body).toMatchObject({ status: 'PAID', discountCents: 1_920, totalCents: 10_880 });
    expect(await suite.shop.wallet(customer)).toBe(100_000 - 12_000 - 10_880);
  });

  const refusals: [string, (c: Customer) => Promise<unknown>][] = [
    ['OUT_OF_STOCK', async () => ({ items: [{ sku: tea, quantity: 999 }] })],
    ['UNKNOWN_SKU', async () => ({ items: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] })],
    ['COUPON_INVALID', async () => ({ items: [{ sku: tea, quantity: 1 }], couponCode: 'NOSUCHCOUPON' })],
    [
      'COUPON_EXPIRED',
      async () => ({
        items: [{ sku: tea, quantity: 1 }],
        couponCode: await suite.shop.coupon({
          validFrom: new Date(Date.now() - 7_200_000).toISOString(),
          validUntil: new Date(Date.now() - 3_600_000).toISOString(),
        }),
      }),
    ],
    [
      'COUPON_EXHAUSTED',
      async (c) => {
        const code = await suite.shop.coupon({ maxRedemptions: 1 });
        const first = await suite.shop.checkout(c, { items: [{ sku: tea, quantity: 1 }], couponCode: code });
        expect(first.body.status).toBe('PAID');
        return { items: [{ sku: tea, quantity: 1 }], couponCode: code };
      },
    ],
    [
      'COUPON_MIN_SUBTOTAL',
      async () => ({
        items: [{ sku: tea, quantity: 1 }],
        couponCode: await suite.shop.coupon({ minSubtotalCents: 1_000_000 }),
      }),
    ],
    ['INSUFFICIENT_FUNDS', async () => ({ items: [{ sku: tea, quantity: 50 }] })],
  ];

  it.each(refusals)('ends CANCELLED with failureReason %s and releases everything', async (reason, body) => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const request = await body(customer);
    const walletBefore = await suite.shop.wallet(customer);
    const availableBefore = (await suite.shop.product(tea)).available;
    const response = await suite.shop.checkout(customer, request);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ status: 'CANCELLED', failureReason: reason });
    expect(await suite.shop.wallet(customer)).toBe(walletBefore);
    expect((await suite.shop.product(tea)).available).toBe(availableBefore);
  });

  it('refuses a checkout the catalogue shows it cannot hold when placed, without starting a saga', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const soldOut = await suite.shop.productWithStock(0, 5_000);
    for (const [items, reason] of [
      [[{ sku: soldOut, quantity: 1 }], 'OUT_OF_STOCK'],
      [[{ sku: tea, quantity: 101 }], 'OUT_OF_STOCK'],
      [
        [
          { sku: tea, quantity: 1 },
          { sku: 'NO-SUCH-SKU', quantity: 1 },
        ],
        'UNKNOWN_SKU',
      ],
    ] as const) {
      const response = await suite.shop.checkout(customer, { items: [...items] });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ status: 'CANCELLED', failureReason: reason });
      expect((await suite.shop.admin('GET', `/admin/sagas/${response.body.id}`)).status).toBe(404);
      const read = await suite.shop.call('GET', `/orders/${response.body.id}`, { token: customer.token });
      expect(read.body).toMatchObject({ status: 'CANCELLED', failureReason: reason });
    }
    expect(await suite.shop.wallet(customer)).toBe(50_000);
  });

  it('ends CANCELLED with PAYMENT_DECLINED for a customer without a wallet', async () => {
    const customer = await suite.shop.customerWithWallet(0);
    const response = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }] });
    expect(response.body).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_DECLINED' });
  });

  it('answers 202 with Location while the saga runs, when the client prefers not to wait', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const response = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }] }, { wait: 0 });
    expect(response.status).toBe(202);
    expect(response.body.status).toBe('PENDING');
    expect(response.headers.get('location')).toBe(`/orders/${response.body.id}`);
  });

  it('compensates an order cancelled before payment: stock, coupon and money all come back', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const code = await suite.shop.coupon({ maxRedemptions: 1 });
    const payment = suite.platform.service('payment');
    let orderId: string | undefined;
    payment.signal('SIGSTOP');
    try {
      const pending = await suite.shop.checkout(
        customer,
        { items: [{ sku: scarce, quantity: 1 }], couponCode: code },
        { wait: 1 },
      );
      expect(pending.status).toBe(202);
      orderId = pending.body.id;
      const saga = await suite.shop.admin<{ currentStep: string }>('GET', `/admin/sagas/${pending.body.id}`);
      expect(saga.body.currentStep).toBe('chargeWallet');
      const cancel = await suite.shop.call('POST', `/orders/${pending.body.id}/cancel`, {
        token: customer.token,
        headers: { prefer: 'wait=0' },
      });
      expect(cancel.status).toBe(200);
      expect(cancel.body.status).toBe('PENDING');
      const again = await suite.shop.call('POST', `/orders/${pending.body.id}/cancel`, { token: customer.token });
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });
    } finally {
      payment.signal('SIGCONT');
    }
    await quiesce(suite.platform);
    const order = await suite.shop.call('GET', `/orders/${orderId}`, { token: customer.token });
    expect(order.body).toMatchObject({ status: 'CANCELLED', failureReason: 'CANCELLED_BY_CUSTOMER' });
    expect((await suite.shop.product(scarce)).available).toBe(1);
    expect(await suite.shop.wallet(customer)).toBe(50_000);
    const reuse = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }], couponCode: code });
    expect(reuse.body).toMatchObject({ status: 'PAID', couponCode: code });
  });

  it('lists the caller’s orders newest first with a cursor', async () => {
    const customer = await suite.shop.customerWithWallet(100_000);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }] })).body.id);
    const first = await suite.shop.call<{ items: { id: string }[]; nextCursor: string }>('GET', '/orders?limit=2', {
      token: customer.token,
    });
    expect(first.status).toBe(200);
    const second = await suite.shop.call<{ items: { id: string }[]; nextCursor: string }>(
      'GET',
      `/orders?limit=2&cursor=${first.body.nextCursor}`,
      { token: customer.token },
    );
    const third = await suite.shop.call<{ items: { id: string }[]; nextCursor: string | null }>(
      'GET',
      `/orders?limit=2&cursor=${second.body.nextCursor}`,
      { token: customer.token },
    );
    const listed = [...first.body.items, ...second.body.items, ...third.body.items].map((o) => o.id);
    expect(listed).toEqual([...ids].reverse());
    expect(third.body.nextCursor).toBeNull();
  });

  it('hides another customer’s order behind a 404', async () => {
    const owner = await suite.shop.customerWithWallet(50_000);
    const other = await suite.shop.customerWithWallet(0);
    const order = await suite.shop.checkout(owner, { items: [{ sku: tea, quantity: 1 }] });
    for (const path of [`/orders/${order.body.id}`, `/orders/${randomUUID()}`, '/orders/not-an-id']) {
      const response = await suite.shop.call('GET', path, { token: other.token });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ code: 'NOT_FOUND' });
    }
    expect((await suite.shop.call('POST', `/orders/${order.body.id}/cancel`, { token: other.token })).status).toBe(404);
  });

  it('shows the operator any order, the saga list and a saga’s full timeline', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const order = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }] });
    expect((await suite.shop.admin('GET', `/admin/orders/${order.body.id}`)).body).toMatchObject({ id: order.body.id });
    // Paid at the pivot: the saga confirms the reservation after the answer.
    await quiesce(suite.platform);
    const saga = await suite.shop.admin<{ status: string; timeline: { stepName: string; outcome: string }[] }>(
      'GET',
      `/admin/sagas/${order.body.id}`,
    );
    expect(saga.status).toBe(200);
    expect(saga.body.status).toBe('COMPLETED');
    expect(saga.body.timeline.filter((e) => e.outcome === 'succeeded').map((e) => e.stepName)).toEqual([
      'reserveStock',
      'chargeWallet',
      'confirmReservation',
    ]);
    const page = await suite.shop.admin<{ items: { id: string; type: string }[]; nextCursor: string | null }>(
      'GET',
      '/admin/sagas?status=COMPLETED&type=checkout&limit=3',
    );
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(3);
    expect(page.body.items.every((s) => s.type === 'checkout')).toBe(true);
    const next = await suite.shop.admin<{ items: { id: string }[] }>(
      'GET',
      `/admin/sagas?limit=3&cursor=${page.body.nextCursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.body.items.map((s) => s.id)).not.toContain(page.body.items[2].id);
    expect((await suite.shop.admin('GET', `/admin/sagas/${randomUUID()}`)).status).toBe(404);
    const retry = await suite.shop.admin('POST', `/admin/sagas/${order.body.id}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ code: 'SAGA_NOT_PARKED' });
  });

  it('counts sagas, step latency and outbox lag in the Prometheus metrics of the services', async () => {
    const order = await (await fetch(`${suite.platform.service('order').url}/metrics`)).text();
    expect(order).toMatch(/^saga_started_total\{saga="checkout"\} [1-9]/m);
    expect(order).toMatch(/^saga_completed_total\{saga="checkout"\} [1-9]/m);
    expect(order).toMatch(/^saga_compensated_total\{saga="checkout"\} [1-9]/m);
    expect(order).toMatch(
      /^saga_step_duration_seconds_count\{saga="checkout",step="chargeWallet",phase="action",outcome="succeeded",participant="payment"\} [1-9]/m,
    );
    const inventory = await (await fetch(`${suite.platform.service('inventory').url}/metrics`)).text();
    expect(inventory).toMatch(/^saga_outbox_lag_seconds_count [1-9]/m);
  });

  it('reports stats from which the invariants can be checked', async () => {
    const stats = await suite.shop.stats();
    expect(stats.ordersByStatus.PAID).toBeGreaterThan(0);
    expect(stats.products.find((p) => p.sku === tea)).toMatchObject({ sku: tea, stockOnHand: expect.any(Number) });
    expect(stats.money.ledgerSumCents).toBe(0);
  });
});

import { eventually } from '../support/infrastructure';
import type { Customer } from '../support/storefront';
import {
  atProvider,
  checkoutAtProvider,
  notificationsOf,
  orderReaches,
  payAtProvider,
  postNotification,
  signedNotification,
} from './provider-checkout';
import { providerSuite } from './provider-platform';

describe('checkout paid at the provider', () => {
  // The back-check waits long enough for the reconciliation test to find a missed notification first.
  const suite = providerSuite({ paymentWindowMs: 120_000, backCheckAfterMs: 8_000 });
  let tea: string;
  let customer: Customer;

  beforeAll(async () => {
    tea = await suite.shop.productWithStock(100, 2_500);
    customer = await suite.shop.customerWithWallet(0);
  }, 60_000);
  afterEach(() => suite.provider.setFaults({}));

  const awaitingPayment = async (quantity = 1, couponCode?: string) => {
    const placed = await checkoutAtProvider(suite.shop, customer, { items: [{ sku: tea, quantity }], couponCode });
    expect(placed).toMatchObject({ status: 201, body: { status: 'AWAITING_PAYMENT', paymentMethod: 'provider' } });
    return placed.body;
  };

  it('answers AWAITING_PAYMENT with the pay URL, and is PAID once the provider notifies the payment', async () => {
    const before = (await suite.shop.product(tea)).available;
    const order = await awaitingPayment(2);
    expect(order.payment?.payUrl).toMatch(/\/pay\/[0-9a-f-]{36}\?token=/);
    const payment = await suite.shop.call('GET', `/orders/${order.id}/payment`, { token: customer.token });
    expect(payment.body).toMatchObject({
      status: 'AWAITING_PAYMENT',
      amountCents: 5_000,
      payUrl: order.payment!.payUrl,
    });
    expect((await suite.shop.product(tea)).available).toBe(before - 2);

    expect((await payAtProvider(suite.provider, order)).status).toBe(200);
    await orderReaches(suite.shop, customer, order.id, 'PAID');
    const paid = await suite.shop.call('GET', `/orders/${order.id}/payment`, { token: customer.token });
    expect(paid.body).toMatchObject({ status: 'PAID', paidAt: expect.any(String) });
    expect(await suite.shop.wallet(customer)).toBe(0);
  }, 60_000);

  it('cancels with PAYMENT_FAILED when the provider declines, giving back the stock and the coupon', async () => {
    const coupon = await suite.shop.coupon({ value: 500, maxRedemptions: 1 });
    const before = (await suite.shop.product(tea)).available;
    const order = await awaitingPayment(1, coupon);
    expect(order.totalCents).toBe(2_000);
    await payAtProvider(suite.provider, order, 'fail');
    const cancelled = await orderReaches(suite.shop, customer, order.id, 'CANCELLED');
    expect(cancelled.failureReason).toBe('PAYMENT_FAILED');
    expect((await suite.shop.product(tea)).available).toBe(before);
    const stats = await suite.shop.stats();
    expect(stats.coupons.find((c) => c.code === coupon)).toMatchObject({ locked: 0, redeemed: 0 });
  }, 60_000);

  it('applies a notification delivered twice once', async () => {
    await suite.provider.setFaults({ duplicate: 1 });
    const order = await awaitingPayment();
    await payAtProvider(suite.provider, order);
    await orderReaches(suite.shop, customer, order.id, 'PAID');
    await eventually(async () =>
      (await notificationsOf(suite.provider, order))[0]?.duplicatesSent === 1 ? true : undefined,
    );
    const received = await suite.platform.query<{ n: string }>(
      'payment',
      `SELECT count(*) AS n FROM provider_notifications_received WHERE provider_payment_id = (
         SELECT provider_payment_id::text FROM provider_payments WHERE order_id = $1)`,
      [order.id],
    );
    expect(Number(received[0].n)).toBe(1);
  }, 60_000);

  it('pays orders whose notifications arrive in another order than their payments', async () => {
    await suite.provider.setFaults({ reorder: 1 });
    const first = await awaitingPayment();
    await payAtProvider(suite.provider, first);
    await eventually(async () => ((await notificationsOf(suite.provider, first))[0]?.heldBack ? true : undefined));
    await suite.provider.setFaults({});
    const second = await awaitingPayment();
    await payAtProvider(suite.provider, second);
    await orderReaches(suite.shop, customer, second.id, 'PAID');
    await orderReaches(suite.shop, customer, first.id, 'PAID');
  }, 60_000);

  it('refuses forged and stale notifications, and a replayed one, whatever they say', async () => {
    const order = await awaitingPayment();
    const forged = await postNotification(suite.shop, signedNotification(order, { secret: 'x'.repeat(40) }));
    expect(forged).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    const unsigned = await postNotification(suite.shop, { rawBody: '{}', headers: {} });
    expect(unsigned).toMatchObject({ status: 401, body: { code: 'SIGNATURE_INVALID' } });
    const stale = signedNotification(order, { timestamp: Math.floor(Date.now() / 1000) - 3_600 });
    expect(await postNotification(suite.shop, stale)).toMatchObject({
      status: 401,
      body: { code: 'NOTIFICATION_STALE' },
    });
    expect((await suite.shop.call('GET', `/orders/${order.id}`, { token: customer.token })).body.status).toBe(
      'AWAITING_PAYMENT',
    );

    // The provider's own notification, never sent (dropped), then seen twice.
    await suite.provider.setFaults({ drop: 1 });
    await payAtProvider(suite.provider, order);
    const genuine = signedNotification(order);
    expect(await postNotification(suite.shop, genuine)).toMatchObject({ status: 200, body: { acknowledged: true } });
    expect(await postNotification(suite.shop, genuine)).toMatchObject({
      status: 401,
      body: { code: 'NOTIFICATION_REPLAYED' },
    });
    await orderReaches(suite.shop, customer, order.id, 'PAID');
  }, 60_000);

  it('refuses a success notified with another amount than the payment: acknowledged, reported, no order paid by it', async () => {
    const order = await awaitingPayment();
    const wrong = signedNotification(order, { amountCents: order.totalCents - 1 });
    expect(await postNotification(suite.shop, wrong)).toMatchObject({ status: 200, body: { acknowledged: true } });
    const payment = await suite.shop.call('GET', `/orders/${order.id}/payment`, { token: customer.token });
    expect(payment.body).toMatchObject({ status: 'AWAITING_PAYMENT' });
    const listed = await suite.shop.admin<{ items: { orderId: string; kind: string; repaired: boolean }[] }>(
      'GET',
      '/admin/payments/reconciliation?limit=100',
    );
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ orderId: order.id, kind: 'AMOUNT_MISMATCH', repaired: false }),
    );
    // The back-check asked the provider, which has no success yet; the customer then pays the right amount.
    await payAtProvider(suite.provider, order);
    await orderReaches(suite.shop, customer, order.id, 'PAID');
  }, 60_000);

  it('refunds a payment the provider collected in another amount or currency, and cancels its order (the back-check)', async () => {
    await suite.provider.setFaults({ drop: 1 });
    const [otherAmount, otherCurrency] = [await awaitingPayment(), await awaitingPayment()];
    // The provider's fault: its payments are no longer what the platform opened.
    await atProvider(
      suite.provider,
      'UPDATE provider_payments SET amount_cents = amount_cents + 100 WHERE merchant_order_id = $1',
      [otherAmount.id],
    );
    await atProvider(suite.provider, `UPDATE provider_payments SET currency = 'USD' WHERE merchant_order_id = $1`, [
      otherCurrency.id,
    ]);
    const before = (await suite.shop.product(tea)).available;
    for (const order of [otherAmount, otherCurrency])
      expect((await payAtProvider(suite.provider, order)).status).toBe(200);

    for (const order of [otherAmount, otherCurrency]) {
      const cancelled = await orderReaches(suite.shop, customer, order.id, 'CANCELLED');
      expect(cancelled.failureReason).toBe('PAYMENT_FAILED');
      const payment = await suite.shop.call('GET', `/orders/${order.id}/payment`, { token: customer.token });
      expect(payment.body).toMatchObject({ status: 'REFUNDED' });
    }
    expect((await suite.shop.product(tea)).available).toBe(before + 2);
    const listed = await suite.shop.admin<{ items: { orderId: string; kind: string; repaired: boolean }[] }>(
      'GET',
      '/admin/payments/reconciliation?limit=100',
    );
    for (const order of [otherAmount, otherCurrency]) {
      expect(listed.body.items).toContainEqual(
        expect.objectContaining({ orderId: order.id, kind: 'AMOUNT_MISMATCH', repaired: true }),
      );
    }
    // The afterAll invariants check that the provider kept nothing of either.
  }, 60_000);

  it('pays an order whose notification is never sent, through the back-check', async () => {
    await suite.provider.setFaults({ drop: 1 });
    const order = await awaitingPayment();
    await payAtProvider(suite.provider, order);
    await eventually(async () => ((await notificationsOf(suite.provider, order))[0]?.droppedAt ? true : undefined));
    await orderReaches(suite.shop, customer, order.id, 'PAID');
  }, 60_000);

  it('repairs a missed notification from the daily statement, and reports a payment it cannot place', async () => {
    await suite.provider.setFaults({ drop: 1 });
    const order = await awaitingPayment();
    await payAtProvider(suite.provider, order);
    const stray = await suite.provider.createPayment(`stray-${order.id}`, { notifyUrl: 'http://127.0.0.1:9/none' });
    await suite.provider.pay(stray);
    const today = new Date().toISOString().slice(0, 10);
    const run = await suite.shop.admin<{ findings: { orderId: string; kind: string; repaired: boolean }[] }>(
      'POST',
      '/admin/payments/reconciliation',
      { date: today },
    );
    expect(run.status).toBe(200);
    expect(run.body.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ orderId: order.id, kind: 'MISSED_NOTIFICATION', repaired: true }),
        expect.objectContaining({ orderId: stray.merchantOrderId, kind: 'UNKNOWN_PAYMENT', repaired: false }),
      ]),
    );
    await orderReaches(suite.shop, customer, order.id, 'PAID');
    const listed = await suite.shop.admin<{ items: { orderId: string; kind: string }[] }>(
      'GET',
      '/admin/payments/reconciliation?limit=100',
    );
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ orderId: stray.merchantOrderId, kind: 'UNKNOWN_PAYMENT' }),
    );
    // The operator gives the stray money back at the provider.
    await suite.provider.call('POST', `/v1/payments/${stray.paymentId}/refunds`, { refundId: `stray-${order.id}` });
  }, 60_000);

  it('closes the payment of an order the customer cancels while it awaits payment', async () => {
    const order = await awaitingPayment();
    const cancel = await suite.shop.call('POST', `/orders/${order.id}/cancel`, { token: customer.token });
    expect(cancel.status).toBe(200);
    const cancelled = await orderReaches(suite.shop, customer, order.id, 'CANCELLED');
    expect(cancelled.failureReason).toBe('CANCELLED_BY_CUSTOMER');
    const pay = await payAtProvider(suite.provider, order);
    expect(pay).toMatchObject({ status: 409, body: { code: 'PAYMENT_NOT_PAYABLE' } });
  }, 60_000);

  it('pays an order whose payment service restarted while it awaited payment (the barrier keeps the reply to come)', async () => {
    const order = await awaitingPayment();
    const payment = suite.platform.service('payment');
    await payment.stop();
    await payment.start().waitReady();
    await payAtProvider(suite.provider, order);
    await orderReaches(suite.shop, customer, order.id, 'PAID');
  }, 90_000);

  it('still pays from the wallet by default', async () => {
    const funded = await suite.shop.customerWithWallet(10_000);
    const order = await suite.shop.checkout(funded, { items: [{ sku: tea, quantity: 1 }] });
    expect(order.body).toMatchObject({ status: 'PAID', paymentMethod: 'wallet' });
    expect(order.body).not.toHaveProperty('payment');
    expect(await suite.shop.wallet(funded)).toBe(7_500);
    const payment = await suite.shop.call('GET', `/orders/${order.body.id}/payment`, { token: funded.token });
    expect(payment).toMatchObject({ status: 404, body: { code: 'PAYMENT_NOT_FOUND' } });
  }, 60_000);
});

import { eventually } from '../support/infrastructure';
import type { Customer } from '../support/storefront';
import { checkoutAtProvider, notificationsOf, orderReaches, payAtProvider, payLink } from './provider-checkout';
import { providerSuite } from './provider-platform';

/** A window short enough to pass within a test; the saga's deadline of collecting the payment. */
const WINDOW_MS = 3_000;

describe('the payment window of orders paid at the provider', () => {
  const suite = providerSuite({ paymentWindowMs: WINDOW_MS });
  let tea: string;
  let customer: Customer;

  beforeAll(async () => {
    tea = await suite.shop.productWithStock(10, 3_000);
    customer = await suite.shop.customerWithWallet(0);
  }, 60_000);
  afterEach(() => suite.provider.setFaults({}));

  it('cancels an unpaid order with PAYMENT_EXPIRED, gives back its stock and coupon, and closes its payment', async () => {
    const coupon = await suite.shop.coupon({ value: 300 });
    const before = (await suite.shop.product(tea)).available;
    const placed = await checkoutAtProvider(suite.shop, customer, {
      items: [{ sku: tea, quantity: 3 }],
      couponCode: coupon,
    });
    expect(placed.body.status).toBe('AWAITING_PAYMENT');
    const expired = await orderReaches(suite.shop, customer, placed.body.id, 'CANCELLED');
    expect(expired.failureReason).toBe('PAYMENT_EXPIRED');
    expect((await suite.shop.product(tea)).available).toBe(before);
    expect((await suite.shop.stats()).coupons.find((c) => c.code === coupon)).toMatchObject({ locked: 0, redeemed: 0 });
    const payment = await suite.shop.call('GET', `/orders/${placed.body.id}/payment`, { token: customer.token });
    expect(payment.body).toMatchObject({ status: 'CLOSED' });
    expect((await payAtProvider(suite.provider, placed.body)).status).toBe(409);
  }, 60_000);

  it('refunds a payment whose notification arrives after the expiry; the order stays CANCELLED', async () => {
    await suite.provider.setFaults({ delayMs: WINDOW_MS * 3 });
    const placed = await checkoutAtProvider(suite.shop, customer, { items: [{ sku: tea, quantity: 1 }] });
    expect((await payAtProvider(suite.provider, placed.body)).status).toBe(200);
    const expired = await orderReaches(suite.shop, customer, placed.body.id, 'CANCELLED');
    expect(expired.failureReason).toBe('PAYMENT_EXPIRED');
    const refunded = await suite.shop.call('GET', `/orders/${placed.body.id}/payment`, { token: customer.token });
    expect(refunded.body).toMatchObject({ status: 'REFUNDED' });
    await eventually(
      async () => ((await notificationsOf(suite.provider, placed.body)).every((n) => n.deliveredAt) ? true : undefined),
      { timeoutMs: 30_000, what: 'the late notifications delivered' },
    );
    const after = await suite.shop.call('GET', `/orders/${placed.body.id}`, { token: customer.token });
    expect(after.body).toMatchObject({ status: 'CANCELLED', failureReason: 'PAYMENT_EXPIRED' });
  }, 60_000);

  it('cancels an expired order whose payment an operator refunded at the provider meanwhile, without operator help here', async () => {
    // Paid, then refunded in full on the provider's side; the platform hears of neither.
    await suite.provider.setFaults({ drop: 1 });
    const placed = await checkoutAtProvider(suite.shop, customer, { items: [{ sku: tea, quantity: 1 }] });
    expect((await payAtProvider(suite.provider, placed.body)).status).toBe(200);
    const { paymentId } = payLink(placed.body);
    const operatorRefund = await suite.provider.call('POST', `/v1/payments/${paymentId}/refunds`, {
      refundId: `operator-${placed.body.id}`,
    });
    expect(operatorRefund.status).toBe(201);

    const expired = await orderReaches(suite.shop, customer, placed.body.id, 'CANCELLED');
    expect(expired.failureReason).toBe('PAYMENT_EXPIRED');
    const payment = await suite.shop.call('GET', `/orders/${placed.body.id}/payment`, { token: customer.token });
    expect(payment.body).toMatchObject({ status: 'REFUNDED' });
  }, 60_000);

  it('expires an order whose window passed while the order service was down (the deadline is in the saga table)', async () => {
    const placed = await checkoutAtProvider(suite.shop, customer, { items: [{ sku: tea, quantity: 1 }] });
    expect(placed.body.status).toBe('AWAITING_PAYMENT');
    const order = suite.platform.service('order');
    await order.stop();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    await order.start().waitReady();
    const expired = await orderReaches(suite.shop, customer, placed.body.id, 'CANCELLED');
    expect(expired.failureReason).toBe('PAYMENT_EXPIRED');
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import { eventually } from '../support/infrastructure';
import { suitePlatform } from '../support/suite-platform';

describe('cancelling a paid order', () => {
  const suite = suitePlatform();

  it('refunds the money, restocks the items and gives the coupon back, then refuses a second cancel', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const sku = await suite.shop.productWithStock(10, 4_000);
    const code = await suite.shop.coupon({ maxRedemptions: 1, perCustomerLimit: 1, value: 500 });
    const paid = await suite.shop.checkout(customer, { items: [{ sku, quantity: 3 }], couponCode: code });
    expect(paid.body).toMatchObject({ status: 'PAID', totalCents: 11_500 });
    expect(await suite.shop.wallet(customer)).toBe(38_500);
    expect((await suite.shop.product(sku)).available).toBe(7);

    const cancel = await suite.shop.call('POST', `/orders/${paid.body.id}/cancel`, {
      token: customer.token,
      headers: { prefer: 'wait=10' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id: paid.body.id, status: 'REFUNDED' });
    expect(await suite.shop.wallet(customer)).toBe(50_000);
    expect((await suite.shop.product(sku)).available).toBe(10);
    const stock = (await suite.shop.stats()).products.find((p) => p.sku === sku)!;
    expect(stock).toMatchObject({ stockOnHand: 10, sold: 0, reserved: 0 });

    const reused = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }], couponCode: code });
    expect(reused.body).toMatchObject({ status: 'PAID', discountCents: 500 });

    const again = await suite.shop.call('POST', `/orders/${paid.body.id}/cancel`, { token: customer.token });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });
    const saga = await suite.shop.admin<{ items: { type: string; status: string }[] }>(
      'GET',
      '/admin/sagas?type=cancelOrder',
    );
    expect(saga.body.items).toEqual([expect.objectContaining({ type: 'cancelOrder', status: 'COMPLETED' })]);
  });

  it('is paid once charged, and a cancel waits for the stock and the coupon to settle before it refunds', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const sku = await suite.shop.productWithStock(5, 4_000);
    const code = await suite.shop.coupon({ maxRedemptions: 1, perCustomerLimit: 1, value: 500 });
    const [payment, coupon] = [suite.platform.service('payment'), suite.platform.service('coupon')];
    // The charge waits for the payment service; once the coupon is locked the coupon service
    // stops too, so that the saga is held after the pivot, at the coupon's redemption.
    payment.signal('SIGSTOP');
    let couponStopped = false;
    try {
      const pending = await suite.shop.checkout(
        customer,
        { items: [{ sku, quantity: 2 }], couponCode: code },
        { wait: 0 },
      );
      const orderId = pending.body.id;
      const saga = () => suite.shop.admin<{ currentStep: string; status: string }>('GET', `/admin/sagas/${orderId}`);
      await until(async () => (await saga()).body.currentStep === 'chargeWallet');
      coupon.signal('SIGSTOP');
      couponStopped = true;
      payment.signal('SIGCONT');

      const order = () => suite.shop.call<{ status: string }>('GET', `/orders/${orderId}`, { token: customer.token });
      await until(async () => (await order()).body.status === 'PAID');
      await until(async () => (await saga()).body.currentStep === 'redeemCoupon');
      expect((await saga()).body.status).toBe('RUNNING');
      expect(await suite.shop.wallet(customer)).toBe(50_000 - 7_500);

      const started = Date.now();
      const early = await suite.shop.call('POST', `/orders/${orderId}/cancel`, { token: customer.token });
      expect({ status: early.status, code: (early.body as { code?: string }).code }).toEqual({
        status: 409,
        code: 'ORDER_NOT_CANCELLABLE',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_000);
      expect((await order()).body.status).toBe('PAID');
      expect(await suite.shop.wallet(customer)).toBe(50_000 - 7_500);

      coupon.signal('SIGCONT');
      couponStopped = false;
      await until(async () => (await saga()).body.status === 'COMPLETED');
      const cancel = await suite.shop.call('POST', `/orders/${orderId}/cancel`, {
        token: customer.token,
        headers: { prefer: 'wait=10' },
      });
      expect(cancel.body).toMatchObject({ id: orderId, status: 'REFUNDED' });
      expect(await suite.shop.wallet(customer)).toBe(50_000);
      const stock = (await suite.shop.stats()).products.find((p) => p.sku === sku)!;
      expect(stock).toMatchObject({ stockOnHand: 5, sold: 0, reserved: 0 });
      const reused = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }], couponCode: code });
      expect(reused.body).toMatchObject({ status: 'PAID', discountCents: 500 });
    } finally {
      payment.signal('SIGCONT');
      if (couponStopped) coupon.signal('SIGCONT');
    }
  }, 60_000);

  it('refuses to cancel a cancelled order with 409', async () => {
    const customer = await suite.shop.customerWithWallet(0);
    const sku = await suite.shop.productWithStock(10, 4_000);
    const refused = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
    expect(refused.body.status).toBe('CANCELLED');
    const cancel = await suite.shop.call('POST', `/orders/${refused.body.id}/cancel`, { token: customer.token });
    expect(cancel.status).toBe(409);
  });

  it('has /admin/stats name a paid order whose charge went missing, and the charge that names no order', async () => {
    const customer = await suite.shop.customerWithWallet(50_000);
    const sku = await suite.shop.productWithStock(10, 4_000);
    const paid = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
    expect(paid.body.status).toBe('PAID');
    const stray = randomUUID();
    const moveCharge = (from: string, to: string) =>
      suite.platform.query('payment', `UPDATE postings SET reference = $2 WHERE kind = 'CHARGE' AND reference = $1`, [
        from,
        to,
      ]);

    await moveCharge(paid.body.id, stray);
    try {
      const { money } = await suite.shop.stats();
      expect(money.ordersWithWrongNetCharge.sort()).toEqual([paid.body.id, stray].sort());
      expect(money.wrongNetChargeCount).toBe(2);
    } finally {
      await moveCharge(stray, paid.body.id);
    }
    expect((await suite.shop.stats()).money).toMatchObject({ wrongNetChargeCount: 0, ordersWithWrongNetCharge: [] });
  });
});

/** Waits (up to 20 s) until `condition` holds. */
function until(condition: () => Promise<boolean>): Promise<true> {
  return eventually(async () => ((await condition()) ? true : undefined), { timeoutMs: 20_000 });
}

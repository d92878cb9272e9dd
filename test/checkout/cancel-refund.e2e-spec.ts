import { randomUUID } from 'node:crypto';
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

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { removeRedisKeys } from '../support/harness';
import { SHARED } from '../support/infrastructure';
import type { OrderBody } from '../support/storefront';
import { suitePlatform } from '../support/suite-platform';
import { bound, GateSale } from './gate-sale';

/**
 * The gate's promises settled by the order service's announcements alone: the periodic
 * reconciliation is off here (a round every ten minutes), so a unit that is not given back
 * when its order ends stays missing from the count, and these cases fail.
 */
describe('the flash-sale gate settles each promise when its order ends', () => {
  const suite = suitePlatform({ sharedEnv: { GATE_RECONCILE_MS: '600000' } });
  const redis = new Redis(SHARED.redis, { maxRetriesPerRequest: 1 });
  const sale = new GateSale(suite, () => redis, 5_000);
  const { atRest, buy, sold, placements } = bound(sale);

  beforeAll(() => sale.fundCustomers(20), 60_000);
  afterAll(() => redis.disconnect());

  it('asks the order service to place exactly the attempts it promised stock to', async () => {
    const sku = await sale.onSale(10);
    const before = await placements();
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => buy(sku, i)));
    expect(await sale.outcomes(answers)).toEqual({ PAID: 10, 'CANCELLED OUT_OF_STOCK': 50 });
    expect((await placements()) - before).toBe(10);
    expect(await atRest(sku)).toBe(0);
  }, 60_000);

  it('gives the units back when the payment is refused and the checkout compensated', async () => {
    const sku = await sale.onSale(2);
    const broke = await suite.shop.customerWithWallet(100);
    const refused = await suite.shop.checkout(broke, { items: [{ sku, quantity: 2 }] });
    expect(refused.body).toMatchObject({ status: 'CANCELLED', failureReason: 'INSUFFICIENT_FUNDS' });
    expect(await atRest(sku)).toBe(2);
    await sale.expectSoldOut(sku, 2);
  }, 60_000);

  it('gives the units back when the customer cancels before payment', async () => {
    const sku = await sale.onSale(1);
    const pending = await suite.shop.checkout(sale.customers[0], { items: [{ sku, quantity: 1 }] }, { wait: 0 });
    const cancelIt = () =>
      suite.shop.call<OrderBody>('POST', `/orders/${pending.body.id}/cancel`, { token: sale.customers[0].token });
    let cancel = await cancelIt();
    // Between the payment and the end of its checkout an order cannot be cancelled (409
    // ORDER_NOT_CANCELLABLE): the customer asks again once it is paid.
    for (const deadline = Date.now() + 20_000; cancel.status === 409 && Date.now() < deadline;) {
      expect(cancel.body).toMatchObject({ code: 'ORDER_NOT_CANCELLABLE' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      cancel = await cancelIt();
    }
    expect(cancel.status).toBe(200);
    if (cancel.body.status === 'CANCELLED') {
      expect(await atRest(sku)).toBe(1);
      await sale.expectSoldOut(sku, 1);
    } else {
      // The payment won the race: the order was paid, then refunded and restocked.
      expect(cancel.body.status).toBe('REFUNDED');
      expect(await atRest(sku)).toBe(1);
    }
  }, 60_000);

  it('keeps a paid order’s units and restocks them once when it is refunded', async () => {
    const sku = await sale.onSale(1);
    const paid = await buy(sku, 1);
    expect(paid.body.status).toBe('PAID');
    expect(await atRest(sku)).toBe(0);
    const refund = await suite.shop.call<OrderBody>('POST', `/orders/${paid.body.id}/cancel`, {
      token: sale.customers[1].token,
    });
    expect(refund.body.status).toBe('REFUNDED');
    expect(await atRest(sku)).toBe(1);
    await sale.expectSoldOut(sku, 1);
    expect(await sold(sku)).toBe(1);
  }, 60_000);

  it('answers a key that already has an order with that order, when Redis forgot the key and the gate now refuses', async () => {
    const sku = await sale.onSale(1);
    const key = randomUUID();
    const paid = await buy(sku, 5, key);
    expect(paid.body.status).toBe('PAID');
    expect(await atRest(sku)).toBe(0);
    await removeRedisKeys(SHARED.redis, `${suite.platform.redisPrefix}idem:`);

    const retry = await buy(sku, 5, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ id: paid.body.id, status: 'PAID' });
    const orders = await suite.platform.query('order', 'SELECT id FROM orders WHERE idempotency_key = $1', [key]);
    expect(orders).toEqual([{ id: paid.body.id }]);
  }, 60_000);
});

import { randomUUID } from 'node:crypto';
import type { ServiceCrashPoint } from '@zhongtai/platform';
import { eventually } from '../support/infrastructure';
import { Storefront } from '../support/storefront';
import type { ApiResponse, Customer, OrderBody } from '../support/storefront';
import { suitePlatform } from '../support/suite-platform';

/**
 * A gateway killed with a checkout in flight leaves its claim of the Idempotency-Key in Redis.
 * The client's retry with the same key learns the outcome within seconds, and the key still
 * makes one order and one charge.
 */
describe('a gateway that dies with a checkout in flight', () => {
  const suite = suitePlatform();

  /** Runs the gateway with `crashAt` armed until the first checkout kills it, then starts it again, unarmed. */
  async function checkoutThatKillsTheGateway(
    point: ServiceCrashPoint,
    customer: Customer,
    sku: string,
    key: string,
  ): Promise<Storefront> {
    const gateway = suite.platform.service('gateway');
    await gateway.stop();
    gateway.start({ crashAt: point });
    await gateway.waitReady();
    const armed = new Storefront(gateway.url);
    const lost = await armed.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key }).then(
      (response) => `answered ${response.status}`,
      () => 'no answer',
    );
    expect(lost).toBe('no answer');
    expect(await gateway.exitWithin(10_000)).toMatchObject({ cause: 'crash-point' });
    gateway.start();
    await gateway.waitReady();
    return new Storefront(gateway.url);
  }

  async function ordersWithKey(customer: Customer, key: string): Promise<{ status: string }[]> {
    return suite.platform.query('order', 'SELECT status FROM orders WHERE customer_id = $1 AND idempotency_key = $2', [
      customer.id,
      key,
    ]);
  }

  it('answers the retry from the order database at once when the order was placed before the crash', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const sku = await suite.shop.productWithStock(10, 1_000);
    const key = randomUUID();
    const shop = await checkoutThatKillsTheGateway('checkout.after-placement', customer, sku, key);

    const retry = await shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    expect(retry.status).not.toBe(409);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const paid = await eventually(
      async () => {
        const order = await shop.call<OrderBody>('GET', `/orders/${retry.body.id}`, { token: customer.token });
        return order.body.status === 'PAID' ? order.body : undefined;
      },
      { what: 'the order placed before the crash to be PAID' },
    );
    expect(paid.totalCents).toBe(1_000);
    expect(await ordersWithKey(customer, key)).toEqual([{ status: 'PAID' }]);
    expect(await shop.wallet(customer)).toBe(9_000);
  }, 90_000);

  it('lets the retry place the order once the dead gateway’s claim lapses, within seconds', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const sku = await suite.shop.productWithStock(10, 1_000);
    const key = randomUUID();
    const shop = await checkoutThatKillsTheGateway('checkout.after-claim', customer, sku, key);
    expect(await ordersWithKey(customer, key)).toEqual([]);

    const answer = await eventually<ApiResponse<OrderBody>>(
      async () => {
        const response = await shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
        if (response.status !== 409) return response;
        expect(response.body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
        return undefined;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'a retry that is not answered 409 IDEMPOTENCY_IN_PROGRESS' },
    );
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe('PAID');
    expect(await ordersWithKey(customer, key)).toEqual([{ status: 'PAID' }]);
    expect(await shop.wallet(customer)).toBe(9_000);
  }, 90_000);
});

import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { SHARED } from '../support/infrastructure';
import { quiesce } from '../support/invariants';
import { handledRequests } from '../support/service-metrics';
import { suitePlatform } from '../support/suite-platform';

describe('Idempotency-Key on checkout', () => {
  const suite = suitePlatform();
  let sku: string;

  beforeAll(async () => {
    sku = await suite.shop.productWithStock(1_000, 1_000);
  }, 60_000);

  async function ordersOf(customerId: string): Promise<number> {
    const rows = await suite.platform.query<{ n: string }>(
      'order',
      'SELECT count(*) AS n FROM orders WHERE customer_id = $1',
      [customerId],
    );
    return Number(rows[0].n);
  }

  async function chargesOf(customerId: string): Promise<number> {
    const rows = await suite.platform.query<{ n: string }>(
      'payment',
      `SELECT count(*) AS n FROM postings WHERE kind = 'CHARGE' AND customer_id = $1`,
      [customerId],
    );
    return Number(rows[0].n);
  }

  it('replays the same order, in its current state, with Idempotent-Replayed: true', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    const first = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    const again = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, status: 'PAID' });
    expect(await ordersOf(customer.id)).toBe(1);
    expect(await suite.shop.wallet(customer)).toBe(9_000);
  });

  /** Placements the order service has handled, from its own metrics. */
  const placements = () => handledRequests(suite.platform.service('order'), 'order.checkout.place');

  it('answers a replay from the gateway, without asking the order service to place it again', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    const before = await placements();
    await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    expect(await placements()).toBe(before + 1);
    const again = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await placements()).toBe(before + 1);
  });

  it('treats a body with its keys in another order as the same request', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    const first = await suite.shop.checkout(
      customer,
      { items: [{ sku, quantity: 1 }], paymentMethod: 'wallet' },
      { key },
    );
    const again = await suite.shop.checkout(
      customer,
      { paymentMethod: 'wallet', items: [{ quantity: 1, sku }] },
      { key },
    );
    expect(again.body.id).toBe(first.body.id);
  });

  it('refuses the same key with a different body with 422 IDEMPOTENCY_KEY_REUSED', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    const other = await suite.shop.checkout(customer, { items: [{ sku, quantity: 2 }] }, { key });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(await ordersOf(customer.id)).toBe(1);
  });

  it('makes exactly one order and one charge from 20 concurrent requests with one key', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => [201, 202, 409].includes(s))).toBe(true);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'IDEMPOTENCY_IN_PROGRESS')).toBe(
      true,
    );
    const ids = new Set(responses.filter((r) => r.status !== 409).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    await quiesce(suite.platform);
    expect(await ordersOf(customer.id)).toBe(1);
    expect(await chargesOf(customer.id)).toBe(1);
    expect(await suite.shop.wallet(customer)).toBe(9_000);
  });

  it('keeps keys per customer: the same key from two customers makes two orders', async () => {
    const a = await suite.shop.customerWithWallet(10_000);
    const b = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    const first = await suite.shop.checkout(a, { items: [{ sku, quantity: 1 }] }, { key });
    const second = await suite.shop.checkout(b, { items: [{ sku, quantity: 1 }] }, { key });
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.status).toBe('PAID');
  });

  it('still makes one order per key when Redis forgets every key mid-test', async () => {
    const customer = await suite.shop.customerWithWallet(10_000);
    const key = randomUUID();
    const first = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
    const redis = new Redis(SHARED.redis);
    try {
      const keys = await redis.keys(`${suite.platform.redisPrefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const replays = await Promise.all(
      Array.from({ length: 5 }, () => suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key })),
    );
    for (const replay of replays) {
      if (replay.status === 409) continue;
      expect(replay.body.id).toBe(first.body.id);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
    }
    const changed = await suite.shop.checkout(customer, { items: [{ sku, quantity: 3 }] }, { key });
    expect(changed.status).toBe(422);
    expect(await ordersOf(customer.id)).toBe(1);
    expect(await chargesOf(customer.id)).toBe(1);
  });
});

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { privateRedis } from '../../chaos/servers/nats-redis';
import type { ServerProcess } from '../support/harness';
import { eventually } from '../support/infrastructure';
import { handledRequests } from '../support/service-metrics';
import type { OrderBody } from '../support/storefront';
import { suitePlatform } from '../support/suite-platform';
import { TcpProxy } from '../support/tcp-proxy';
import { bound, GateSale } from './gate-sale';

const RECONCILE_MS = 500;

/**
 * The gate on a Redis of the suite's own, behind a proxy, so that the suite can flush it and
 * kill it without touching the shared one. PostgreSQL decides what is sold; the gate may only
 * refuse early: every case ends with the gate's count equal to the stock that PostgreSQL has
 * available, and every unit that PostgreSQL had free bought by the next attempts.
 */
describe('the flash-sale gate: refusals at the edge, never a unit oversold', () => {
  const dir = mkdtempSync(join(tmpdir(), 'zt-gate-'));
  const sharedEnv: Record<string, string> = { GATE_RECONCILE_MS: String(RECONCILE_MS) };
  let redisServer: ServerProcess;
  let proxy: TcpProxy;
  let redis: Redis;

  beforeAll(async () => {
    redisServer = privateRedis(dir, dir);
    await redisServer.start();
    proxy = new TcpProxy('127.0.0.1', () => redisServer.port);
    await proxy.start();
    sharedEnv.REDIS_URL = `redis://127.0.0.1:${proxy.port}`;
    redis = new Redis(sharedEnv.REDIS_URL, { maxRetriesPerRequest: 1 });
  });
  const suite = suitePlatform({ sharedEnv });
  afterAll(async () => {
    redis.disconnect();
    await proxy.stop();
    await redisServer.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  const sale = new GateSale(suite, () => redis, 10 * RECONCILE_MS + 5_000);
  const { atRest, buy, sold, placements } = bound(sale);

  beforeAll(() => sale.fundCustomers(40), 120_000);

  it('refuses a sold-out checkout at once, without a placement, a quote or a saga, and replays the refusal', async () => {
    const sku = await sale.onSale(1, 1_500);
    expect((await buy(sku, 1)).body.status).toBe('PAID');
    expect(await atRest(sku)).toBe(0);

    const [placed, quoted] = [
      await placements(),
      await handledRequests(suite.platform.service('inventory'), 'inventory.products.quote'),
    ];
    const key = randomUUID();
    const refused = await buy(sku, 2, key);
    expect(refused.status).toBe(201);
    expect(refused.body).toMatchObject({
      status: 'CANCELLED',
      failureReason: 'OUT_OF_STOCK',
      items: [{ sku, quantity: 1, unitPriceCents: 1_500, lineTotalCents: 1_500 }],
      totalCents: 1_500,
    });
    const replay = await buy(sku, 2, key);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(refused.body);
    expect(await placements()).toBe(placed);
    expect(await handledRequests(suite.platform.service('inventory'), 'inventory.products.quote')).toBe(quoted);

    const read = await suite.shop.call<OrderBody>('GET', `/orders/${refused.body.id}`, {
      token: sale.customers[2].token,
    });
    expect(read.body).toMatchObject({ id: refused.body.id, status: 'CANCELLED', failureReason: 'OUT_OF_STOCK' });
    expect(await sale.outcomes([refused])).toEqual({ 'CANCELLED OUT_OF_STOCK': 1 });
    expect((await suite.shop.admin('GET', `/admin/sagas/${refused.body.id}`)).status).toBe(404);
  }, 60_000);

  it('sells exactly 20 units to 150 racing attempts, most of them refused before the order service', async () => {
    const sku = await sale.onSale(20);
    const before = await placements();
    const answers = await Promise.all(Array.from({ length: 150 }, (_, i) => buy(sku, i)));
    expect(await sale.outcomes(answers)).toEqual({ PAID: 20, 'CANCELLED OUT_OF_STOCK': 130 });
    // The reconciliation may briefly count a unit more than is free, never less: a few extra placements, refused by PostgreSQL.
    const placed = (await placements()) - before;
    expect(placed).toBeGreaterThanOrEqual(20);
    expect(placed).toBeLessThan(40);
    expect(await sold(sku)).toBe(20);
    expect(await atRest(sku)).toBe(0);
  }, 90_000);

  it('gives back the units of orders whose payment is refused, for the next attempts to buy', async () => {
    const sku = await sale.onSale(5);
    const broke = await Promise.all(Array.from({ length: 5 }, () => suite.shop.customerWithWallet(0)));
    const answers = await Promise.all([
      ...broke.map((customer) => suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] })),
      ...Array.from({ length: 3 }, (_, i) => buy(sku, i)),
    ]);
    const outcomes = await sale.outcomes(answers);
    expect(outcomes.PAID ?? 0).toBeLessThanOrEqual(3);
    await sale.expectSoldOut(sku, await atRest(sku));
    expect(await sold(sku)).toBe(5);
  }, 90_000);

  it('gives back the units of paid orders cancelled and refunded during a sale', async () => {
    const sku = await sale.onSale(3);
    const paid = await Promise.all([buy(sku, 1), buy(sku, 2), buy(sku, 3)]);
    expect(paid.map((p) => p.body.status)).toEqual(['PAID', 'PAID', 'PAID']);
    const refunds = await Promise.all(
      paid
        .slice(0, 2)
        .map((p, i) =>
          suite.shop.call<OrderBody>('POST', `/orders/${p.body.id}/cancel`, { token: sale.customers[1 + i].token }),
        ),
    );
    expect(refunds.map((r) => r.body.status)).toEqual(['REFUNDED', 'REFUNDED']);
    expect(await atRest(sku)).toBe(2);
    await sale.expectSoldOut(sku, 2);
  }, 90_000);

  it('follows an operator’s stock adjustment made during a sale', async () => {
    const sku = await sale.onSale(10);
    const [answers, adjusted] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, (_, i) => buy(sku, i))),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() =>
        suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta: 10, reference: `restock-${sku}` }),
      ),
    ]);
    expect(adjusted.status).toBe(200);
    const outcomes = await sale.outcomes(answers);
    expect(outcomes.PAID).toBeGreaterThanOrEqual(10);
    await sale.expectSoldOut(sku, await atRest(sku));
    expect(await sold(sku)).toBe(20);
  }, 90_000);

  it('corrects a count that went wrong on its own, within a few reconciliation rounds', async () => {
    const sku = await sale.onSale(5);
    await redis.hset(sale.countKey(sku), 'units', 0);
    expect(await atRest(sku)).toBe(5);
    await redis.hset(sale.countKey(sku), 'units', 500);
    expect(await atRest(sku)).toBe(5);
    await sale.expectSoldOut(sku, 5);
  }, 60_000);

  it('never oversells when Redis is flushed in the middle of a sale, and rebuilds the count', async () => {
    const sku = await sale.onSale(30);
    let answered = 0;
    const flushed = eventually(async () => (answered >= 40 ? redis.flushall() : undefined), {
      what: '40 answers before the flush',
      timeoutMs: 30_000,
      intervalMs: 5,
    });
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => buy(sku, i).finally(() => answered++)));
    await flushed;
    const outcomes = await sale.outcomes(answers);
    expect(outcomes.PAID).toBe(30);
    expect(await sold(sku)).toBe(30);
    expect(await atRest(sku)).toBe(0);
  }, 120_000);

  it('lets attempts through to PostgreSQL while Redis is killed in the middle of a sale, and rebuilds the count when it is back', async () => {
    const sku = await sale.onSale(30);
    let answered = 0;
    let killed!: () => void;
    const whileAway = new Promise<void>((resolve) => (killed = resolve));
    const outage = eventually(async () => (answered >= 40 ? true : undefined), {
      what: '40 answers before the kill',
      timeoutMs: 30_000,
      intervalMs: 5,
    }).then(async () => {
      await redisServer.stop('SIGKILL');
      killed();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await redisServer.start();
    });
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        // Half the attempts are sent once Redis is dead, so that they meet the outage.
        if (i % 2) await whileAway;
        return buy(sku, i).finally(() => answered++);
      }),
    );
    await outage;
    const outcomes = await sale.outcomes(answers);
    expect(outcomes.PAID).toBe(30);
    expect(await sold(sku)).toBe(30);
    expect(await atRest(sku)).toBe(0);
  }, 120_000);
});

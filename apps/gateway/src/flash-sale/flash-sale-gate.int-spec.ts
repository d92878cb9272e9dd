import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MetricsService } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import { removeRedisKeys } from '../../../../test/support/harness/stack';
import { SHARED, uniqueName } from '../../../../test/support/infrastructure';
import type { GatewayConfig } from '../gateway.config';
import { FlashSaleGate } from './flash-sale-gate';

describe('the flash-sale gate’s scripts, on a real Redis', () => {
  const prefix = `${uniqueName('gate')}:`;
  const redis = new Redis(SHARED.redis, { maxRetriesPerRequest: 2 });
  const metrics = new MetricsService();
  const gate = new FlashSaleGate(
    redis,
    { redisPrefix: prefix } as ServiceConfig,
    { flashSaleGate: true, gatePromiseTtlSeconds: 60 } as GatewayConfig,
    metrics,
  );
  const units = async (sku: string) => Number(await redis.hget(gate.skuKey(sku), 'units'));
  const product = (sku: string, available: number) => ({ sku, name: `Product ${sku}`, priceCents: 990, available });
  const stocked = async (sku: string, available: number) =>
    expect(await gate.rebuildCount(product(sku, available), '', [])).toBe(available);

  afterAll(async () => {
    await removeRedisKeys(SHARED.redis, prefix);
    redis.disconnect();
  });

  it('lets an attempt through, promising nothing, while it holds no count for one of its skus', async () => {
    await stocked('known-1', 5);
    const decision = await gate.promiseStock(randomUUID(), [
      { sku: 'known-1', quantity: 1 },
      { sku: 'never-counted', quantity: 1 },
    ]);
    expect(decision).toEqual({ kind: 'unknown', skus: ['never-counted'] });
    expect(await units('known-1')).toBe(5);
  });

  it('promises exactly the units it counts to 100 racing attempts, and refuses the rest with the catalogue', async () => {
    await stocked('race-1', 10);
    const decisions = await Promise.all(
      Array.from({ length: 100 }, () => gate.promiseStock(randomUUID(), [{ sku: 'race-1', quantity: 1 }])),
    );
    expect(decisions.filter((d) => d.kind === 'promised')).toHaveLength(10);
    const refusals = decisions.filter((d) => d.kind === 'refused');
    expect(refusals).toHaveLength(90);
    expect(refusals[0]).toEqual({ kind: 'refused', products: [{ name: 'Product race-1', priceCents: 990 }] });
    expect(await units('race-1')).toBe(0);
  });

  it('promises all lines of an order or none', async () => {
    await stocked('pair-a', 3);
    await stocked('pair-b', 1);
    const refused = await gate.promiseStock(randomUUID(), [
      { sku: 'pair-a', quantity: 2 },
      { sku: 'pair-b', quantity: 2 },
    ]);
    expect(refused.kind).toBe('refused');
    expect([await units('pair-a'), await units('pair-b')]).toEqual([3, 1]);
  });

  it('gives a cancelled order’s units back once, however often it hears of it', async () => {
    await stocked('back-1', 4);
    const orderId = randomUUID();
    expect((await gate.promiseStock(orderId, [{ sku: 'back-1', quantity: 3 }])).kind).toBe('promised');
    expect(await units('back-1')).toBe(1);
    await Promise.all([gate.giveBack(orderId), gate.giveBack(orderId), gate.giveBack(orderId)]);
    expect(await units('back-1')).toBe(4);
  });

  it('keeps a paid order’s units, and restocks them once when it is refunded', async () => {
    await stocked('paid-1', 2);
    const orderId = randomUUID();
    await gate.promiseStock(orderId, [{ sku: 'paid-1', quantity: 2 }]);
    await gate.keep(orderId);
    await gate.giveBack(orderId);
    expect(await units('paid-1')).toBe(0);
    await gate.restockRefunded(orderId, [{ sku: 'paid-1', quantity: 2 }]);
    await gate.restockRefunded(orderId, [{ sku: 'paid-1', quantity: 2 }]);
    expect(await units('paid-1')).toBe(2);
  });

  it('rebuilds a count as available stock less the promises whose orders hold no reservation yet', async () => {
    await stocked('rebuild-1', 10);
    const reserved = randomUUID();
    const inFlight = randomUUID();
    await gate.promiseStock(reserved, [{ sku: 'rebuild-1', quantity: 3 }]);
    await gate.promiseStock(inFlight, [{ sku: 'rebuild-1', quantity: 2 }]);
    // PostgreSQL: the first order's reservation took 3 of 10; the second has not reached inventory.
    expect(await gate.rebuildCount(product('rebuild-1', 7), '', [reserved])).toBe(5);
    // The reserved order is cancelled: its release is in PostgreSQL, its give-back in the gate.
    await gate.giveBack(reserved);
    expect(await units('rebuild-1')).toBe(8);
  });

  it('leaves a count alone when a give-back came between the snapshot and the rebuild', async () => {
    await stocked('raced-1', 6);
    const orderId = randomUUID();
    await gate.promiseStock(orderId, [{ sku: 'raced-1', quantity: 2 }]);
    const seen = (await redis.hget(gate.skuKey('raced-1'), 'v')) ?? '';
    await gate.giveBack(orderId);
    expect(await gate.rebuildCount(product('raced-1', 4), seen, [])).toBeUndefined();
    expect(await units('raced-1')).toBe(6);
  });

  it('forgets lapsed promises when it rebuilds', async () => {
    await stocked('lapsed-1', 5);
    const orderId = randomUUID();
    await gate.promiseStock(orderId, [{ sku: 'lapsed-1', quantity: 2 }]);
    await redis.del(`${gate.prefix}promise:${orderId}`);
    expect(await gate.rebuildCount(product('lapsed-1', 5), '', [])).toBe(5);
    expect(await redis.zcard(gate.promisedKey('lapsed-1'))).toBe(0);
  });

  it('is open, promising and refusing nothing, when Redis cannot be reached', async () => {
    const away = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const cut = new FlashSaleGate(
      away,
      { redisPrefix: prefix } as ServiceConfig,
      { flashSaleGate: true, gatePromiseTtlSeconds: 60 } as GatewayConfig,
      new MetricsService(),
    );
    expect(await cut.promiseStock(randomUUID(), [{ sku: 'race-1', quantity: 1 }])).toEqual({ kind: 'open' });
    away.disconnect();
  });

  it('reports its decisions and, per sku, the units it can still promise, to Prometheus', async () => {
    await stocked('gauged-1', 3);
    await gate.promiseStock(randomUUID(), [{ sku: 'gauged-1', quantity: 2 }]);
    await gate.promiseStock(randomUUID(), [{ sku: 'gauged-1', quantity: 2 }]);
    const scraped = await metrics.registry.metrics();
    expect(scraped).toMatch(/^flash_sale_gate_promisable_units\{sku="gauged-1"\} 1$/m);
    expect(scraped).toMatch(/^flash_sale_gate_decisions_total\{decision="refused"\} [1-9]/m);
    expect(scraped).toMatch(/^flash_sale_gate_decisions_total\{decision="promised"\} [1-9]/m);
  });
});

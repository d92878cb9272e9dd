import { randomUUID } from 'node:crypto';
import { InventoryTestKit } from '../testing/inventory-test-kit';

describe('reservations under concurrency', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_concurrency');
  });

  afterAll(() => kit.stop());

  it('never oversells: of 200 concurrent orders for 37 units, exactly 37 are reserved', async () => {
    const tea = await kit.productWithStock(37);

    const results = await Promise.all(
      Array.from({ length: 200 }, () => kit.reserve(randomUUID(), [{ sku: tea, quantity: 1 }])),
    );

    expect(results.filter((result) => result.ok)).toHaveLength(37);
    const refusals = results.filter((result) => !result.ok);
    expect(refusals).toHaveLength(163);
    expect(refusals.every((result) => !result.ok && result.reason === 'OUT_OF_STOCK')).toBe(true);
    expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 37, reserved: 37, available: 0 });
    expect((await kit.report.stats()).reservations.RESERVED).toBe(37);
  });

  it('neither deadlocks nor drifts when orders naming the same skus in any order reserve, sell and release at once', async () => {
    const skus = await Promise.all([kit.productWithStock(30), kit.productWithStock(30), kit.productWithStock(30)]);
    const orders = Array.from({ length: 60 }, (_, i) => ({
      orderId: randomUUID(),
      lines: (i % 2 === 0 ? [...skus] : [...skus].reverse()).map((sku) => ({ sku, quantity: 1 })),
      outcome: i % 3 === 0 ? 'sell' : 'release',
    }));

    const outcomes = await Promise.all(
      orders.map(async ({ orderId, lines, outcome }) => {
        const reserved = await kit.reserve(orderId, lines);
        if (!reserved.ok) return 'refused';
        await (outcome === 'sell' ? kit.confirm(orderId) : kit.release(orderId));
        return outcome;
      }),
    );

    const sold = outcomes.filter((outcome) => outcome === 'sell').length;
    expect(sold).toBeGreaterThan(0);
    for (const sku of skus) {
      expect(await kit.stockOf(sku)).toEqual({ sku, stockOnHand: 30 - sold, reserved: 0, sold, available: 30 - sold });
    }
  });
});

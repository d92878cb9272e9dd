import { randomUUID } from 'node:crypto';
import { InventoryTestKit } from '../testing/inventory-test-kit';

describe('stock report', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_report');
  });

  afterAll(() => kit.stop());

  it('shows zero reservations of every status before any order', async () => {
    expect(await kit.report.stats()).toEqual({
      products: [],
      reservations: { RESERVED: 0, COMMITTED: 0, RELEASED: 0 },
    });
  });

  it('shows the counters of every sku and how many reservations are in each status', async () => {
    const tea = await kit.productWithStock(10);
    const [held, sold, released] = [randomUUID(), randomUUID(), randomUUID()];
    for (const orderId of [held, sold, released]) await kit.reserve(orderId, [{ sku: tea, quantity: 2 }]);
    await kit.confirm(sold);
    await kit.release(released);

    expect(await kit.report.stats()).toEqual({
      products: [{ sku: tea, stockOnHand: 8, reserved: 2, sold: 2, available: 6 }],
      reservations: { RESERVED: 1, COMMITTED: 1, RELEASED: 1 },
    });
  });
});

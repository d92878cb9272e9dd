import { randomUUID } from 'node:crypto';
import { InventoryTestKit } from '../testing/inventory-test-kit';

/** The last line of defence: whatever the code does, the database keeps the stock consistent. */
describe('stock constraints of the database', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_constraints');
  });

  afterAll(() => kit.stop());

  it.each([
    ['more reserved than on hand', 'reserved = stock_on_hand + 1', 'reserved_within_stock'],
    ['negative reserved', 'reserved = -1', 'products_reserved_check'],
    ['negative stock on hand', 'stock_on_hand = -1', 'products_stock_on_hand_check'],
    ['negative sold', 'sold = -1', 'products_sold_check'],
  ])('rejects %s', async (_what, assignment, constraint) => {
    const tea = await kit.productWithStock(5);

    await expect(kit.dataSource.query(`UPDATE products SET ${assignment} WHERE sku = $1`, [tea])).rejects.toThrow(
      constraint,
    );
  });

  it('rejects a second reservation for one order', async () => {
    const tea = await kit.productWithStock(5);
    const orderId = randomUUID();
    await kit.reserve(orderId, [{ sku: tea, quantity: 1 }]);

    await expect(
      kit.dataSource.query(`INSERT INTO reservations (id, order_id, status, lines) VALUES ($1, $2, 'RESERVED', '[]')`, [
        randomUUID(),
        orderId,
      ]),
    ).rejects.toThrow('reservations_order_id_key');
  });

  it('rejects a reservation in an unknown status and a stock adjustment of zero', async () => {
    await expect(
      kit.dataSource.query(`INSERT INTO reservations (id, order_id, status, lines) VALUES ($1, $2, 'LOST', '[]')`, [
        randomUUID(),
        randomUUID(),
      ]),
    ).rejects.toThrow('reservations_status_check');
    const tea = await kit.productWithStock(5);
    await expect(
      kit.dataSource.query(`INSERT INTO stock_adjustments (reference, sku, delta) VALUES ('zero', $1, 0)`, [tea]),
    ).rejects.toThrow('stock_adjustments_delta_check');
  });
});

import { randomUUID } from 'node:crypto';
import { InventoryTestKit } from '../testing/inventory-test-kit';
import { movementStatement, requireMoved, StockMovement } from './stock-movements';

/**
 * Each movement's own condition, on its own: the callers' checks in front of it and the CHECK
 * constraints behind it would both hide a movement that applied where the counters do not allow
 * it, so these run a movement's statement directly, where only its condition can refuse (with its own
 * message, not a constraint violation), and the counters stay as they were.
 */
describe('stock movements refuse what the counters do not allow', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_movements');
  });

  afterAll(() => kit.stop());

  const move = (movement: StockMovement, sku: string, quantity: number) =>
    kit.dataSource.transaction(async (manager) => {
      const [result]: { lines: number; moved: number }[] = await manager.query(
        movementStatement(movement, 'line AS (SELECT $1::text AS sku, $2::integer AS quantity)'),
        [sku, quantity],
      );
      requireMoved(movement, result, `${quantity} of ${sku}`);
    });

  it.each<[StockMovement, string, (sku: string) => Promise<void>]>([
    ['hold', 'more than on hand and not reserved', async () => undefined],
    ['release', 'more than reserved', (sku) => move('hold', sku, 2)],
    ['sell', 'more than reserved', (sku) => move('hold', sku, 2)],
    ['restock', 'more than sold', (sku) => move('hold', sku, 2).then(() => move('sell', sku, 2))],
  ])('%s of %s', async (movement, _what, before) => {
    const sku = await kit.productWithStock(5);
    await before(sku);
    const counters = await kit.stockOf(sku);
    const quantity = movement === 'hold' ? counters.available + 1 : 3;

    await expect(move(movement, sku, quantity)).rejects.toThrow(
      `cannot ${movement} ${quantity} of ${sku}: stock disagrees with reservations`,
    );
    expect(await kit.stockOf(sku)).toEqual(counters);
  });

  it('applies a movement the counters allow', async () => {
    const sku = await kit.productWithStock(5);
    await move('hold', sku, 2);
    await move('sell', sku, 1);
    await move('release', sku, 1);
    await move('restock', sku, 1);
    expect(await kit.stockOf(sku)).toEqual({ sku, stockOnHand: 5, reserved: 0, sold: 0, available: 5 });
  });

  it('moves neither a reservation nor its stock when the counters disagree with it', async () => {
    const sku = await kit.productWithStock(5);
    const orderId = randomUUID();
    await kit.reserve(orderId, [{ sku, quantity: 2 }]);
    // A hand edit: the counters no longer hold what the reservation says it holds.
    await kit.dataSource.query('UPDATE products SET reserved = 1 WHERE sku = $1', [sku]);
    const counters = await kit.stockOf(sku);

    await expect(kit.confirm(orderId)).rejects.toThrow(
      `cannot sell the reservation of order ${orderId}: stock disagrees with reservations`,
    );
    expect(await kit.stockOf(sku)).toEqual(counters);
    expect((await kit.reservationOf(orderId))?.status).toBe('RESERVED');
  });
});

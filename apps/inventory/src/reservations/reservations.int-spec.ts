import { randomUUID } from 'node:crypto';
import { InventoryTestKit } from '../testing/inventory-test-kit';

describe('reservations', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_reservations');
  });

  afterAll(() => kit.stop());

  describe('reserve', () => {
    it('holds the stock of every line and records the reservation', async () => {
      const tea = await kit.productWithStock(10);
      const cup = await kit.productWithStock(4);
      const orderId = randomUUID();

      const result = await kit.reserve(orderId, [
        { sku: tea, quantity: 3 },
        { sku: cup, quantity: 4 },
      ]);

      expect(result).toEqual({ ok: true, output: { reservationId: expect.any(String) } });
      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, reserved: 3, sold: 0, available: 7 });
      expect(await kit.stockOf(cup)).toMatchObject({ stockOnHand: 4, reserved: 4, available: 0 });
      const reservation = await kit.reservationOf(orderId);
      expect(reservation).toMatchObject({ id: result.ok && result.output.reservationId, status: 'RESERVED' });
      expect(reservation?.lines).toEqual(
        [
          { sku: tea, quantity: 3 },
          { sku: cup, quantity: 4 },
        ].sort((a, b) => (a.sku < b.sku ? -1 : 1)),
      );
    });

    it('answers a repeated reserve of the same order with the same reservation and holds nothing more', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();

      const first = await kit.reserve(orderId, [{ sku: tea, quantity: 2 }]);
      const again = await kit.reserve(orderId, [{ sku: tea, quantity: 2 }]);

      expect(again).toEqual(first);
      expect((await kit.stockOf(tea)).reserved).toBe(2);
    });

    it('refuses UNKNOWN_SKU when any sku does not exist, and holds nothing', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();

      const result = await kit.reserve(orderId, [
        { sku: tea, quantity: 1 },
        { sku: 'no-such-sku', quantity: 1 },
      ]);

      expect(result).toMatchObject({ ok: false, reason: 'UNKNOWN_SKU' });
      expect((await kit.stockOf(tea)).reserved).toBe(0);
      expect(await kit.reservationOf(orderId)).toBeNull();
    });

    it('refuses OUT_OF_STOCK when a line cannot be held, and holds nothing', async () => {
      const tea = await kit.productWithStock(2);
      const orderId = randomUUID();

      const result = await kit.reserve(orderId, [{ sku: tea, quantity: 3 }]);

      expect(result).toMatchObject({ ok: false, reason: 'OUT_OF_STOCK' });
      expect(await kit.stockOf(tea)).toMatchObject({ reserved: 0, available: 2 });
      expect(await kit.reservationOf(orderId)).toBeNull();
    });

    it('leaves the first line untouched when the second line is short', async () => {
      const prefix = randomUUID().slice(0, 8);
      const plenty = await kit.productWithStock(100, `${prefix}-a-plenty`);
      const short = await kit.productWithStock(1, `${prefix}-b-short`);

      const result = await kit.reserve(randomUUID(), [
        { sku: plenty, quantity: 5 },
        { sku: short, quantity: 2 },
      ]);

      expect(result).toMatchObject({ ok: false, reason: 'OUT_OF_STOCK' });
      expect((await kit.stockOf(plenty)).reserved).toBe(0);
      expect((await kit.stockOf(short)).reserved).toBe(0);
    });

    it('counts a sku given on two lines once, with both quantities', async () => {
      const tea = await kit.productWithStock(3);

      const result = await kit.reserve(randomUUID(), [
        { sku: tea, quantity: 2 },
        { sku: tea, quantity: 2 },
      ]);

      expect(result).toMatchObject({ ok: false, reason: 'OUT_OF_STOCK' });
      expect((await kit.stockOf(tea)).reserved).toBe(0);
    });

    it('refuses to reserve again for an order whose reservation was released', async () => {
      const tea = await kit.productWithStock(5);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 1 }]);
      await kit.release(orderId);

      await expect(kit.reserve(orderId, [{ sku: tea, quantity: 1 }])).rejects.toThrow('already released');
      expect((await kit.stockOf(tea)).reserved).toBe(0);
    });
  });

  describe('release', () => {
    it('gives the held stock back and marks the reservation RELEASED', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);

      expect(await kit.release(orderId)).toEqual({ ok: true, output: undefined });

      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, reserved: 0, available: 10 });
      expect((await kit.reservationOf(orderId))?.status).toBe('RELEASED');
    });

    it('gives stock back once when released twice', async () => {
      const tea = await kit.productWithStock(10);
      const other = randomUUID();
      await kit.reserve(other, [{ sku: tea, quantity: 3 }]);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);

      await kit.release(orderId);
      expect(await kit.release(orderId)).toMatchObject({ ok: true });

      expect((await kit.stockOf(tea)).reserved).toBe(3);
    });

    it('succeeds without effect for an order that never reserved', async () => {
      expect(await kit.release(randomUUID())).toMatchObject({ ok: true });
    });

    it('leaves sold stock alone', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);
      await kit.confirm(orderId);

      expect(await kit.release(orderId)).toMatchObject({ ok: true });

      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 6, reserved: 0, sold: 4 });
      expect((await kit.reservationOf(orderId))?.status).toBe('COMMITTED');
    });
  });

  describe('confirm', () => {
    it('sells the held stock: on hand and reserved go down, sold goes up', async () => {
      const tea = await kit.productWithStock(10);
      const cup = await kit.productWithStock(5);
      const orderId = randomUUID();
      await kit.reserve(orderId, [
        { sku: tea, quantity: 4 },
        { sku: cup, quantity: 1 },
      ]);

      expect(await kit.confirm(orderId)).toEqual({ ok: true, output: undefined });

      expect(await kit.stockOf(tea)).toEqual({ sku: tea, stockOnHand: 6, reserved: 0, sold: 4, available: 6 });
      expect(await kit.stockOf(cup)).toEqual({ sku: cup, stockOnHand: 4, reserved: 0, sold: 1, available: 4 });
      expect((await kit.reservationOf(orderId))?.status).toBe('COMMITTED');
    });

    it('sells once when confirmed twice', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);

      await kit.confirm(orderId);
      expect(await kit.confirm(orderId)).toMatchObject({ ok: true });

      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 6, reserved: 0, sold: 4 });
    });

    it('throws, to be retried and then parked, when the order holds no stock', async () => {
      await expect(kit.confirm(randomUUID())).rejects.toThrow('no held stock to sell (reservation missing)');

      const tea = await kit.productWithStock(10);
      const released = randomUUID();
      await kit.reserve(released, [{ sku: tea, quantity: 1 }]);
      await kit.release(released);
      await expect(kit.confirm(released)).rejects.toThrow('reservation RELEASED');
      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, reserved: 0, sold: 0 });
    });

    it('sells no line when the counters of one disagree with the reservation', async () => {
      const tea = await kit.productWithStock(10);
      const cup = await kit.productWithStock(5);
      const orderId = randomUUID();
      await kit.reserve(orderId, [
        { sku: tea, quantity: 4 },
        { sku: cup, quantity: 2 },
      ]);
      // A hand edit (or a bug) that took the cup's hold away.
      await kit.dataSource.query('UPDATE products SET reserved = 0 WHERE sku = $1', [cup]);

      await expect(kit.confirm(orderId)).rejects.toThrow(`cannot sell`);

      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, reserved: 4, sold: 0 });
      expect(await kit.stockOf(cup)).toMatchObject({ stockOnHand: 5, reserved: 0, sold: 0 });
      expect((await kit.reservationOf(orderId))?.status).toBe('RESERVED');
    });
  });

  describe('restock', () => {
    it('puts sold stock back on hand and marks the reservation RELEASED', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);
      await kit.confirm(orderId);

      expect(await kit.restock(orderId)).toEqual({ ok: true, output: undefined });

      expect(await kit.stockOf(tea)).toEqual({ sku: tea, stockOnHand: 10, reserved: 0, sold: 0, available: 10 });
      expect((await kit.reservationOf(orderId))?.status).toBe('RELEASED');
    });

    it('restocks once when asked twice', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);
      await kit.confirm(orderId);

      await kit.restock(orderId);
      expect(await kit.restock(orderId)).toMatchObject({ ok: true });

      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, sold: 0 });
    });

    it('leaves a reservation that was never sold as it is', async () => {
      const tea = await kit.productWithStock(10);
      const orderId = randomUUID();
      await kit.reserve(orderId, [{ sku: tea, quantity: 4 }]);

      expect(await kit.restock(orderId)).toMatchObject({ ok: true });
      expect(await kit.restock(randomUUID())).toMatchObject({ ok: true });

      expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, reserved: 4, sold: 0 });
      expect((await kit.reservationOf(orderId))?.status).toBe('RESERVED');
    });
  });
});

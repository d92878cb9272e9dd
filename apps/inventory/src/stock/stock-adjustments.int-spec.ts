import { randomUUID } from 'node:crypto';
import { InventoryTestKit, problemOf } from '../testing/inventory-test-kit';

describe('stock adjustments', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_adjustments');
  });

  afterAll(() => kit.stop());

  it('adds and removes stock on hand and answers with the stock', async () => {
    const tea = await kit.productWithStock(10);

    expect(await kit.adjustments.adjustStock({ sku: tea, delta: 5, reference: randomUUID() })).toEqual({
      sku: tea,
      stockOnHand: 15,
      reserved: 0,
      sold: 0,
      available: 15,
    });
    expect(await kit.adjustments.adjustStock({ sku: tea, delta: -15, reference: randomUUID() })).toMatchObject({
      stockOnHand: 0,
      available: 0,
    });
  });

  it('applies an adjustment once however often its reference is sent', async () => {
    const tea = await kit.productWithStock(10);
    const adjustment = { sku: tea, delta: 7, reference: randomUUID() };

    const first = await kit.adjustments.adjustStock(adjustment);
    const again = await kit.adjustments.adjustStock(adjustment);
    const concurrent = await Promise.all(Array.from({ length: 20 }, () => kit.adjustments.adjustStock(adjustment)));

    expect(first.stockOnHand).toBe(17);
    expect(again).toEqual(first);
    expect(concurrent.every((view) => view.stockOnHand === 17)).toBe(true);
    expect((await kit.stockOf(tea)).stockOnHand).toBe(17);
  });

  it('applies concurrent adjustments with distinct references each once', async () => {
    const tea = await kit.productWithStock(0);

    await Promise.all(
      Array.from({ length: 50 }, () => kit.adjustments.adjustStock({ sku: tea, delta: 2, reference: randomUUID() })),
    );

    expect((await kit.stockOf(tea)).stockOnHand).toBe(100);
  });

  it('refuses REFERENCE_REUSED when a reference comes back with another sku or delta', async () => {
    const tea = await kit.productWithStock(10);
    const cup = await kit.productWithStock(10);
    const reference = randomUUID();
    await kit.adjustments.adjustStock({ sku: tea, delta: 3, reference });

    for (const reuse of [
      { sku: tea, delta: 4, reference },
      { sku: cup, delta: 3, reference },
      { sku: 'no-such-sku', delta: 3, reference },
    ]) {
      expect(await problemOf(kit.adjustments.adjustStock(reuse))).toMatchObject({
        status: 409,
        code: 'REFERENCE_REUSED',
      });
    }
    expect((await kit.stockOf(tea)).stockOnHand).toBe(13);
    expect((await kit.stockOf(cup)).stockOnHand).toBe(10);
  });

  it('refuses NOT_FOUND for an unknown sku', async () => {
    expect(
      await problemOf(kit.adjustments.adjustStock({ sku: 'no-such-sku', delta: 1, reference: randomUUID() })),
    ).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('never takes stock on hand below what reservations hold, and frees the reference of a refused change', async () => {
    const tea = await kit.productWithStock(10);
    await kit.reserve(randomUUID(), [{ sku: tea, quantity: 6 }]);
    const reference = randomUUID();

    expect(await problemOf(kit.adjustments.adjustStock({ sku: tea, delta: -5, reference }))).toMatchObject({
      status: 409,
      code: 'STOCK_BELOW_RESERVED',
    });
    expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 10, reserved: 6 });

    expect(await kit.adjustments.adjustStock({ sku: tea, delta: -4, reference })).toMatchObject({
      stockOnHand: 6,
      reserved: 6,
      available: 0,
    });
  });

  it('never takes stock below reservations when write-offs race reservations', async () => {
    const tea = await kit.productWithStock(50);

    const [reservations, writeOffs] = await Promise.all([
      Promise.all(Array.from({ length: 50 }, () => kit.reserve(randomUUID(), [{ sku: tea, quantity: 1 }]))),
      Promise.allSettled(
        Array.from({ length: 50 }, () => kit.adjustments.adjustStock({ sku: tea, delta: -1, reference: randomUUID() })),
      ),
    ]);

    const reserved = reservations.filter((result) => result.ok).length;
    const writtenOff = writeOffs.filter((result) => result.status === 'fulfilled').length;
    expect(reserved + writtenOff).toBe(50);
    expect(await kit.stockOf(tea)).toMatchObject({ stockOnHand: 50 - writtenOff, reserved, available: 0 });
  });

  it('refuses STOCK_LIMIT_EXCEEDED rather than overflow stock on hand', async () => {
    const tea = await kit.productWithStock(10_000_000);
    await kit.dataSource.query('UPDATE products SET stock_on_hand = 2147483000 WHERE sku = $1', [tea]);

    expect(
      await problemOf(kit.adjustments.adjustStock({ sku: tea, delta: 1000, reference: randomUUID() })),
    ).toMatchObject({ status: 409, code: 'STOCK_LIMIT_EXCEEDED' });
  });
});

import { randomUUID } from 'node:crypto';
import { InventoryTestKit, problemOf } from '../testing/inventory-test-kit';

describe('catalogue', () => {
  let kit: InventoryTestKit;

  beforeAll(async () => {
    kit = await InventoryTestKit.start('inv_catalogue');
  });

  afterAll(() => kit.stop());

  it('creates a product with its stock available', async () => {
    expect(
      await kit.catalogue.createProduct({ sku: 'green-tea', name: 'Green tea', priceCents: 3800, stock: 12 }),
    ).toEqual({ sku: 'green-tea', name: 'Green tea', priceCents: 3800, currency: 'CNY', available: 12 });
    expect(await kit.stockOf('green-tea')).toEqual({
      sku: 'green-tea',
      stockOnHand: 12,
      reserved: 0,
      sold: 0,
      available: 12,
    });
  });

  it('refuses SKU_EXISTS for a sku that exists, and keeps the first product', async () => {
    await kit.catalogue.createProduct({ sku: 'oolong', name: 'Oolong', priceCents: 5000, stock: 3 });

    expect(
      await problemOf(kit.catalogue.createProduct({ sku: 'oolong', name: 'Fake', priceCents: 1, stock: 99 })),
    ).toMatchObject({ status: 409, code: 'SKU_EXISTS' });
    expect(await kit.catalogue.findProduct('oolong')).toMatchObject({ name: 'Oolong', priceCents: 5000, available: 3 });
  });

  it('lets exactly one of concurrent creations of a sku win', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        kit.catalogue.createProduct({ sku: 'pu-erh', name: `Pu-erh ${i}`, priceCents: 100, stock: i }),
      ),
    );

    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    const refusals = attempts.filter((attempt) => attempt.status === 'rejected');
    expect(refusals).toHaveLength(19);
    for (const refusal of refusals) {
      expect(await problemOf(Promise.reject(refusal.reason))).toMatchObject({ code: 'SKU_EXISTS' });
    }
  });

  it('quotes names, prices and the stock no reservation holds, of the known skus only', async () => {
    await kit.catalogue.createProduct({ sku: 'q-1', name: 'First', priceCents: 100, stock: 0 });
    await kit.catalogue.createProduct({ sku: 'q-2', name: 'Second', priceCents: 250, stock: 5 });
    expect(await kit.reserve(randomUUID(), [{ sku: 'q-2', quantity: 2 }])).toMatchObject({ ok: true });

    expect(await kit.catalogue.quote(['q-2', 'unknown', 'q-1'])).toEqual({
      products: [
        { sku: 'q-1', name: 'First', priceCents: 100, available: 0 },
        { sku: 'q-2', name: 'Second', priceCents: 250, available: 3 },
      ],
    });
    expect(await kit.catalogue.quote([])).toEqual({ products: [] });
  });
});

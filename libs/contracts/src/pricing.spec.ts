import { discountOf, priceLines, stockRefusal } from './pricing';

const catalogue = new Map([
  ['TEA', { name: 'Tea', priceCents: 1_250, available: 3 }],
  ['CUP', { name: 'Cup', priceCents: 400, available: 0 }],
]);

describe('pricing', () => {
  it('prices each line from the catalogue, an unknown sku at 0 under its own sku', () => {
    const priced = priceLines(
      [
        { sku: 'TEA', quantity: 2 },
        { sku: 'GONE', quantity: 1 },
      ],
      catalogue,
    );
    expect(priced).toEqual({
      items: [
        { sku: 'TEA', name: 'Tea', quantity: 2, unitPriceCents: 1_250, lineTotalCents: 2_500 },
        { sku: 'GONE', name: 'GONE', quantity: 1, unitPriceCents: 0, lineTotalCents: 0 },
      ],
      subtotalCents: 2_500,
    });
  });

  it('discounts at most the subtotal, and nothing for a refused coupon', () => {
    expect(discountOf({ ok: true, discountCents: 500 }, 2_500)).toBe(500);
    expect(discountOf({ ok: true, discountCents: 5_000 }, 2_500)).toBe(2_500);
    expect(discountOf({ ok: false, reason: 'COUPON_EXPIRED' }, 2_500)).toBe(0);
  });

  it('refuses an unknown sku before a short one, and nothing when every line is covered', () => {
    expect(stockRefusal([{ sku: 'TEA', quantity: 3 }], catalogue)).toBeNull();
    expect(stockRefusal([{ sku: 'TEA', quantity: 4 }], catalogue)).toBe('OUT_OF_STOCK');
    expect(
      stockRefusal(
        [
          { sku: 'CUP', quantity: 1 },
          { sku: 'GONE', quantity: 1 },
        ],
        catalogue,
      ),
    ).toBe('UNKNOWN_SKU');
  });
});

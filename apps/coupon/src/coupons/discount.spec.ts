import { discountFor } from './discount';

describe('discountFor', () => {
  describe('a FIXED coupon', () => {
    it('takes its value off a larger subtotal', () => {
      expect(discountFor({ kind: 'FIXED', value: 500 }, 12_000)).toBe(500);
    });

    it('takes exactly its value off an equal subtotal', () => {
      expect(discountFor({ kind: 'FIXED', value: 500 }, 500)).toBe(500);
    });

    it('is capped at the subtotal, so an order never costs less than nothing', () => {
      expect(discountFor({ kind: 'FIXED', value: 5_000 }, 1_299)).toBe(1_299);
      expect(discountFor({ kind: 'FIXED', value: 5_000 }, 0)).toBe(0);
    });
  });

  describe('a PERCENT coupon', () => {
    it('takes its share of the subtotal', () => {
      expect(discountFor({ kind: 'PERCENT', value: 15 }, 20_000)).toBe(3_000);
    });

    it('rounds a fraction of a fen down', () => {
      expect(discountFor({ kind: 'PERCENT', value: 15 }, 999)).toBe(149); // 149.85
      expect(discountFor({ kind: 'PERCENT', value: 33 }, 1)).toBe(0); // 0.33
      expect(discountFor({ kind: 'PERCENT', value: 99 }, 101)).toBe(99); // 99.99
    });

    it('takes the whole subtotal at 100 per cent and one hundredth of it at 1 per cent', () => {
      expect(discountFor({ kind: 'PERCENT', value: 100 }, 12_345)).toBe(12_345);
      expect(discountFor({ kind: 'PERCENT', value: 1 }, 12_345)).toBe(123);
    });

    it('stays exact on large subtotals', () => {
      expect(discountFor({ kind: 'PERCENT', value: 7 }, 9_999_999_999_999)).toBe(699_999_999_999);
    });

    it('never exceeds the subtotal nor goes negative', () => {
      for (let subtotal = 0; subtotal <= 1_000; subtotal += 7) {
        for (const value of [1, 13, 50, 99, 100]) {
          const discount = discountFor({ kind: 'PERCENT', value }, subtotal);
          expect(Number.isInteger(discount)).toBe(true);
          expect(discount).toBeGreaterThanOrEqual(0);
          expect(discount).toBeLessThanOrEqual(subtotal);
          expect(discount * 100).toBeLessThanOrEqual(subtotal * value);
          expect((discount + 1) * 100).toBeGreaterThan(subtotal * value);
        }
      }
    });
  });
});

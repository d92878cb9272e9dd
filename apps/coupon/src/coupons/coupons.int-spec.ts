import { HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CouponTestKit } from '../testing/coupon-test-kit';

function problemOf(error: unknown) {
  expect(error).toBeInstanceOf(HttpException);
  return (error as HttpException).getResponse();
}

describe('coupons', () => {
  let bed: CouponTestKit;

  beforeAll(async () => {
    bed = await CouponTestKit.create('coupon_coupons');
  }, 30_000);

  afterAll(() => bed?.stop(), 30_000);

  describe('creating a coupon', () => {
    const terms = {
      kind: 'PERCENT' as const,
      value: 20,
      minSubtotalCents: 1_000,
      maxRedemptions: 50,
      perCustomerLimit: 1,
      validFrom: '2026-03-01T00:00:00+08:00',
      validUntil: '2026-04-01T00:00:00+08:00',
    };

    it('stores it with nothing held and answers with its terms, times in UTC', async () => {
      const coupon = await bed.coupons.createCoupon({ code: 'SPRING-20', ...terms });
      expect(coupon).toEqual({
        code: 'SPRING-20',
        ...terms,
        validFrom: '2026-02-28T16:00:00.000Z',
        validUntil: '2026-03-31T16:00:00.000Z',
      });
      expect(await bed.held('SPRING-20')).toBe(0);
    });

    it('refuses a code that exists with 409 COUPON_EXISTS', async () => {
      await bed.coupons.createCoupon({ code: 'TWICE', ...terms });
      const error = await bed.coupons.createCoupon({ code: 'TWICE', ...terms, value: 5 }).catch((e: unknown) => e);
      expect(problemOf(error)).toMatchObject({ status: 409, code: 'COUPON_EXISTS' });
    });

    it('refuses a PERCENT value above 100 with 400 VALIDATION_FAILED on value', async () => {
      const error = await bed.coupons.createCoupon({ code: 'TOO-MUCH', ...terms, value: 101 }).catch((e: unknown) => e);
      expect(problemOf(error)).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'value', messages: [expect.any(String)] }],
      });
      expect(await bed.dataSource.query('SELECT 1 FROM coupons WHERE code = $1', ['TOO-MUCH'])).toEqual([]);
    });

    it('refuses a window that ends before it starts with 400 VALIDATION_FAILED on validUntil', async () => {
      const reversed = { ...terms, validFrom: terms.validUntil, validUntil: terms.validFrom };
      const error = await bed.coupons.createCoupon({ code: 'BACKWARDS', ...reversed }).catch((e: unknown) => e);
      expect(problemOf(error)).toMatchObject({
        status: 400,
        code: 'VALIDATION_FAILED',
        errors: [{ field: 'validUntil', messages: [expect.any(String)] }],
      });
    });
  });

  describe('quoting a coupon', () => {
    it('gives the discount for the subtotal without holding anything', async () => {
      const coupon = await bed.givenCoupon({ kind: 'PERCENT', value: 15, maxRedemptions: 1 });
      const request = { code: coupon.code, customerId: randomUUID(), subtotalCents: 999 };

      expect(await bed.coupons.quoteCoupon(request)).toEqual({ ok: true, discountCents: 149 });
      expect(await bed.coupons.quoteCoupon(request)).toEqual({ ok: true, discountCents: 149 });
      expect(await bed.held(coupon.code)).toBe(0);
    });

    it('gives the reason a lock would be refused', async () => {
      const customerId = randomUUID();
      const quote = (code: string, subtotalCents = 10_000) =>
        bed.coupons.quoteCoupon({ code, customerId, subtotalCents });

      expect(await quote('UNKNOWN')).toEqual({ ok: false, reason: 'COUPON_INVALID' });
      const expired = await bed.givenCoupon({ validFrom: '2020-01-01T00:00:00Z', validUntil: '2020-02-01T00:00:00Z' });
      expect(await quote(expired.code)).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
      const minimum = await bed.givenCoupon({ minSubtotalCents: 20_000 });
      expect(await quote(minimum.code)).toEqual({ ok: false, reason: 'COUPON_MIN_SUBTOTAL' });
      const used = await bed.givenCoupon({ maxRedemptions: 1 });
      await bed.lock(used);
      expect(await quote(used.code)).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });
    });

    it("counts the customer's own held redemptions against their limit, not other customers'", async () => {
      const coupon = await bed.givenCoupon({ perCustomerLimit: 1 });
      const customerId = randomUUID();
      await bed.lock(coupon, { customerId });

      expect(await bed.coupons.quoteCoupon({ code: coupon.code, customerId, subtotalCents: 10_000 })).toEqual({
        ok: false,
        reason: 'COUPON_EXHAUSTED',
      });
      expect(
        await bed.coupons.quoteCoupon({ code: coupon.code, customerId: randomUUID(), subtotalCents: 10_000 }),
      ).toEqual({ ok: true, discountCents: 1_000 });
    });
  });
});

import { randomUUID } from 'node:crypto';
import type { CreateCouponRequest } from '@zhongtai/contracts';
import { CouponTestKit } from '../testing/coupon-test-kit';

describe('a redemption after its lock', () => {
  let bed: CouponTestKit;
  let coupon: CreateCouponRequest;

  beforeAll(async () => {
    bed = await CouponTestKit.create('coupon_lifecycle');
  }, 30_000);

  afterAll(() => bed?.stop(), 30_000);

  beforeEach(async () => {
    coupon = await bed.givenCoupon({ maxRedemptions: 5 });
  });

  async function lockedOrder(customerId = randomUUID()): Promise<string> {
    const orderId = randomUUID();
    expect(await bed.lock(coupon, { orderId, customerId })).toMatchObject({ ok: true });
    return orderId;
  }

  async function redeemedOrder(customerId = randomUUID()): Promise<string> {
    const orderId = await lockedOrder(customerId);
    expect(await bed.redeem(orderId)).toEqual({ ok: true });
    return orderId;
  }

  describe('release (compensation of lock)', () => {
    it('releases a locked redemption and takes it off the held count', async () => {
      const orderId = await lockedOrder();
      expect(await bed.release(orderId)).toEqual({ ok: true });
      expect(await bed.redemptionStatus(orderId)).toBe('RELEASED');
      expect(await bed.held(coupon.code)).toBe(0);
    });

    it('succeeds without effect when repeated, also ten times at once', async () => {
      const orderId = await lockedOrder();
      await lockedOrder();
      const results = await Promise.all(Array.from({ length: 10 }, () => bed.release(orderId)));
      expect(results.every((result) => result.ok)).toBe(true);
      expect(await bed.release(orderId)).toEqual({ ok: true });
      expect(await bed.held(coupon.code)).toBe(1);
    });

    it('succeeds without effect for an order that locked nothing', async () => {
      expect(await bed.release(randomUUID())).toEqual({ ok: true });
    });

    it('leaves a redeemed redemption redeemed', async () => {
      const orderId = await redeemedOrder();
      expect(await bed.release(orderId)).toEqual({ ok: true });
      expect(await bed.redemptionStatus(orderId)).toBe('REDEEMED');
      expect(await bed.held(coupon.code)).toBe(1);
    });
  });

  describe('redeem (after payment)', () => {
    it('redeems a locked redemption, which keeps counting against the coupon', async () => {
      const orderId = await lockedOrder();
      expect(await bed.redeem(orderId)).toEqual({ ok: true });
      expect(await bed.redemptionStatus(orderId)).toBe('REDEEMED');
      expect(await bed.held(coupon.code)).toBe(1);
    });

    it('succeeds again for a redemption already redeemed', async () => {
      const orderId = await redeemedOrder();
      expect(await bed.redeem(orderId)).toEqual({ ok: true });
      expect(await bed.held(coupon.code)).toBe(1);
    });

    it('throws for an order with no redemption, so the saga is retried and parked rather than passed', async () => {
      await expect(bed.redeem(randomUUID())).rejects.toThrow(/no locked coupon redemption/);
    });

    it('throws for a released redemption rather than redeem a coupon given back', async () => {
      const orderId = await lockedOrder();
      await bed.release(orderId);
      await expect(bed.redeem(orderId)).rejects.toThrow(/RELEASED/);
      expect(await bed.held(coupon.code)).toBe(0);
    });
  });

  describe('restore (cancel saga)', () => {
    it('gives a redeemed coupon back: released, off the held count, usable by the customer again', async () => {
      const single = await bed.givenCoupon({ maxRedemptions: 1 });
      const customerId = randomUUID();
      const orderId = randomUUID();
      await bed.lock(single, { orderId, customerId });
      await bed.redeem(orderId);
      expect(await bed.lock(single, { customerId })).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });

      expect(await bed.restore(orderId)).toEqual({ ok: true });

      expect(await bed.redemptionStatus(orderId)).toBe('RELEASED');
      expect(await bed.held(single.code)).toBe(0);
      expect(await bed.lock(single, { customerId })).toMatchObject({ ok: true });
    });

    it('succeeds without effect when repeated', async () => {
      const orderId = await redeemedOrder();
      await bed.restore(orderId);
      expect(await bed.restore(orderId)).toEqual({ ok: true });
      expect(await bed.held(coupon.code)).toBe(0);
    });

    it('leaves a redemption that is only locked as it is', async () => {
      const orderId = await lockedOrder();
      expect(await bed.restore(orderId)).toEqual({ ok: true });
      expect(await bed.redemptionStatus(orderId)).toBe('LOCKED');
      expect(await bed.held(coupon.code)).toBe(1);
    });

    it('succeeds without effect for an order that has no redemption', async () => {
      expect(await bed.restore(randomUUID())).toEqual({ ok: true });
    });
  });

  it('shows locked and redeemed counts and the most one customer holds in the stats', async () => {
    const customerId = randomUUID();
    await bed.dataSource.query('UPDATE coupons SET per_customer_limit = 3 WHERE code = $1', [coupon.code]);
    await redeemedOrder(customerId);
    await lockedOrder(customerId);
    await bed.release(await lockedOrder(customerId));
    await lockedOrder();

    const stats = await bed.stats.couponStats();

    expect(stats.coupons.find((entry) => entry.code === coupon.code)).toEqual({
      code: coupon.code,
      maxRedemptions: 5,
      perCustomerLimit: 3,
      locked: 2,
      redeemed: 1,
    });
    expect(stats.maxHeldByOneCustomer[coupon.code]).toBe(2);
  });
});

import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Coupon } from '../coupons/coupon.entity';
import { discountFor } from '../coupons/discount';
import { CouponTestKit } from '../testing/coupon-test-kit';
import { CouponLockHandler } from './coupon-lock.handler';

const DAY_MS = 24 * 60 * 60 * 1000;
const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS).toISOString();

describe('locking a coupon for an order', () => {
  let bed: CouponTestKit;

  beforeAll(async () => {
    bed = await CouponTestKit.create('coupon_lock');
  }, 30_000);

  afterAll(() => bed?.stop(), 30_000);

  it('holds one redemption at the priced discount and counts it against the coupon', async () => {
    const coupon = await bed.givenCoupon({ kind: 'PERCENT', value: 15 });
    const orderId = randomUUID();

    const result = await bed.lock(coupon, { orderId, subtotalCents: 999 });

    expect(result).toEqual({ ok: true, output: { discountCents: 149 } });
    expect(await bed.held(coupon.code)).toBe(1);
    const [row] = await bed.dataSource.query(
      'SELECT status, discount_cents, coupon_code FROM coupon_redemptions WHERE order_id = $1',
      [orderId],
    );
    expect(row).toEqual({ status: 'LOCKED', discount_cents: 149, coupon_code: coupon.code });
  });

  it('answers a second lock of the same order with the same lock, holding nothing more', async () => {
    const coupon = await bed.givenCoupon();
    const orderId = randomUUID();
    const customerId = randomUUID();

    await bed.lock(coupon, { orderId, customerId });
    const again = await bed.lock(coupon, { orderId, customerId });

    expect(again).toEqual({ ok: true, output: { discountCents: 1_000 } });
    expect(await bed.held(coupon.code)).toBe(1);
  });

  describe('refuses, holding nothing,', () => {
    it('an unknown code as COUPON_INVALID', async () => {
      const result = await bed.lock({ ...(await bed.givenCoupon()), code: 'NO-SUCH-CODE' });
      expect(result).toEqual({ ok: false, reason: 'COUPON_INVALID' });
    });

    it('a coupon past its window as COUPON_EXPIRED', async () => {
      const coupon = await bed.givenCoupon({ validFrom: daysFromNow(-10), validUntil: daysFromNow(-1) });
      expect(await bed.lock(coupon)).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
      expect(await bed.held(coupon.code)).toBe(0);
    });

    it('a coupon whose window has not begun as COUPON_EXPIRED', async () => {
      const coupon = await bed.givenCoupon({ validFrom: daysFromNow(1), validUntil: daysFromNow(10) });
      expect(await bed.lock(coupon)).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
      expect(await bed.held(coupon.code)).toBe(0);
    });

    it('a subtotal below the minimum as COUPON_MIN_SUBTOTAL', async () => {
      const coupon = await bed.givenCoupon({ minSubtotalCents: 5_000 });
      expect(await bed.lock(coupon, { subtotalCents: 4_999 })).toEqual({
        ok: false,
        reason: 'COUPON_MIN_SUBTOTAL',
      });
      expect(await bed.held(coupon.code)).toBe(0);
    });

    it('a coupon whose every redemption is held as COUPON_EXHAUSTED', async () => {
      const coupon = await bed.givenCoupon({ maxRedemptions: 2 });
      await bed.lock(coupon);
      await bed.lock(coupon);
      expect(await bed.lock(coupon)).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });
      expect(await bed.held(coupon.code)).toBe(2);
    });

    it('a customer at their limit as COUPON_EXHAUSTED, counting redeemed and locked redemptions', async () => {
      const coupon = await bed.givenCoupon({ perCustomerLimit: 2 });
      const customerId = randomUUID();
      const first = randomUUID();
      await bed.lock(coupon, { customerId, orderId: first });
      await bed.redeem(first);
      await bed.lock(coupon, { customerId });

      expect(await bed.lock(coupon, { customerId })).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });
      expect(await bed.lock(coupon)).toEqual({ ok: true, output: { discountCents: 1_000 } });
      expect(await bed.held(coupon.code)).toBe(3);
    });

    it('a discount other than the one the order was priced with as COUPON_INVALID', async () => {
      const coupon = await bed.givenCoupon({ kind: 'PERCENT', value: 10 });
      const orderId = randomUUID();
      const result = await bed.lock(coupon, { orderId, subtotalCents: 10_000, discountCents: 2_000 });
      expect(result).toMatchObject({ ok: false, reason: 'COUPON_INVALID' });
      expect(await bed.held(coupon.code)).toBe(0);
      expect(await bed.redemptionStatus(orderId)).toBeUndefined();
    });
  });

  describe('a second lock of an order that already has a redemption', () => {
    it('refuses COUPON_INVALID for another coupon, holding nothing of it', async () => {
      const first = await bed.givenCoupon();
      const other = await bed.givenCoupon();
      const orderId = randomUUID();
      const customerId = randomUUID();
      await bed.lock(first, { orderId, customerId });

      expect(await bed.lock(other, { orderId, customerId })).toMatchObject({ ok: false, reason: 'COUPON_INVALID' });
      expect(await bed.held(other.code)).toBe(0);
      expect(await bed.held(first.code)).toBe(1);
    });

    it('refuses COUPON_INVALID for the same coupon once the redemption was released, holding it no more', async () => {
      const coupon = await bed.givenCoupon();
      const orderId = randomUUID();
      const customerId = randomUUID();
      await bed.lock(coupon, { orderId, customerId });
      await bed.release(orderId);

      expect(await bed.lock(coupon, { orderId, customerId })).toMatchObject({ ok: false, reason: 'COUPON_INVALID' });
      expect(await bed.held(coupon.code)).toBe(0);
      expect(await bed.redemptionStatus(orderId)).toBe('RELEASED');
    });
  });

  it('makes the coupon usable again once a lock is released', async () => {
    const coupon = await bed.givenCoupon({ maxRedemptions: 1 });
    const first = randomUUID();
    await bed.lock(coupon, { orderId: first });
    expect(await bed.lock(coupon)).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });

    await bed.release(first);

    expect(await bed.lock(coupon)).toEqual({ ok: true, output: { discountCents: 1_000 } });
    expect(await bed.held(coupon.code)).toBe(1);
  });

  describe('under concurrency', () => {
    it('gives a single-use coupon to exactly one of 20 simultaneous orders', async () => {
      const coupon = await bed.givenCoupon({ maxRedemptions: 1 });

      const results = await Promise.all(Array.from({ length: 20 }, () => bed.lock(coupon)));

      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(results.filter((result) => !result.ok && result.reason === 'COUPON_EXHAUSTED')).toHaveLength(19);
      expect(await bed.held(coupon.code)).toBe(1);
      expect(await bed.redemptionCounts(coupon.code)).toEqual({ LOCKED: 1 });
    });

    it('lets one customer hold exactly their limit of 2 out of 10 simultaneous orders', async () => {
      const coupon = await bed.givenCoupon({ maxRedemptions: 10_000, perCustomerLimit: 2 });
      const customerId = randomUUID();

      const results = await Promise.all(Array.from({ length: 10 }, () => bed.lock(coupon, { customerId })));

      expect(results.filter((result) => result.ok)).toHaveLength(2);
      expect(await bed.held(coupon.code)).toBe(2);
      expect(await bed.redemptionCounts(coupon.code)).toEqual({ LOCKED: 2 });
    });

    it('holds both caps at once over 50 simultaneous orders of 10 customers', async () => {
      const coupon = await bed.givenCoupon({ maxRedemptions: 15, perCustomerLimit: 2 });
      const customers = Array.from({ length: 10 }, () => randomUUID());

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => bed.lock(coupon, { customerId: customers[i % customers.length] })),
      );

      expect(results.filter((result) => result.ok)).toHaveLength(15);
      expect(await bed.held(coupon.code)).toBe(15);
      const stats = await bed.stats.couponStats();
      expect(stats.maxHeldByOneCustomer[coupon.code]).toBe(2);
    });
  });

  /**
   * The conditional update of `held` on its own: under the coupon's row lock the eligibility
   * check in front of it has already refused an exhausted coupon, and the CHECK constraint
   * behind it would turn an overrun into an error, so each of those hides the update's own
   * condition. Here the eligibility check is shown the coupon with nothing held (as a stale
   * read would show it), so only the update can refuse.
   */
  describe("the update's own condition", () => {
    /** The manager the handler runs with, reading every coupon as if none of its redemptions were held. */
    function readingNothingHeld(manager: EntityManager): EntityManager {
      const findOne = (async (entity: unknown, options: unknown) => {
        const found: unknown = await manager.findOne(entity as typeof Coupon, options as never);
        return found instanceof Coupon ? Object.assign(found, { held: 0 }) : found;
      }) as EntityManager['findOne'];
      return Object.assign(Object.create(manager) as EntityManager, { findOne });
    }

    it('refuses COUPON_EXHAUSTED and writes nothing when every redemption is held', async () => {
      const coupon = await bed.givenCoupon({ maxRedemptions: 1 });
      await bed.lock(coupon);
      const orderId = randomUUID();
      const subtotalCents = 10_000;
      const payload = {
        orderId,
        customerId: randomUUID(),
        code: coupon.code,
        subtotalCents,
        discountCents: discountFor(coupon, subtotalCents),
      };

      const result = await bed.dataSource.transaction((manager) =>
        new CouponLockHandler().lock(payload, {
          manager: readingNothingHeld(manager),
          sagaId: randomUUID(),
          step: 0,
          attempt: 1,
        }),
      );

      expect(result).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });
      expect(await bed.held(coupon.code)).toBe(1);
      expect(await bed.redemptionStatus(orderId)).toBeUndefined();
    });
  });

  describe('the database itself', () => {
    it('refuses to hold more redemptions than the coupon has', async () => {
      const coupon = await bed.givenCoupon({ maxRedemptions: 3 });
      await expect(
        bed.dataSource.query('UPDATE coupons SET held = max_redemptions + 1 WHERE code = $1', [coupon.code]),
      ).rejects.toMatchObject({ driverError: { code: '23514', constraint: 'coupons_held_within_cap' } });
      await expect(
        bed.dataSource.query('UPDATE coupons SET held = -1 WHERE code = $1', [coupon.code]),
      ).rejects.toMatchObject({ driverError: { code: '23514' } });
      await bed.dataSource.query('UPDATE coupons SET held = max_redemptions WHERE code = $1', [coupon.code]);
      expect(await bed.held(coupon.code)).toBe(3);
    });

    it('keeps one redemption per order', async () => {
      const coupon = await bed.givenCoupon();
      const orderId = randomUUID();
      await bed.lock(coupon, { orderId });
      await expect(
        bed.dataSource.query(
          `INSERT INTO coupon_redemptions (id, coupon_code, customer_id, order_id, status, discount_cents)
           VALUES ($1, $2, $3, $4, 'LOCKED', 0)`,
          [randomUUID(), coupon.code, randomUUID(), orderId],
        ),
      ).rejects.toMatchObject({ driverError: { code: '23505' } });
    });
  });
});

import { defineCommand } from '@zhongtai/saga';
import type { CouponRefusal } from './failure-reasons';

export type CouponKind = 'FIXED' | 'PERCENT';

/** Saga commands the coupon service carries out, keyed by order: at most one redemption per order. */
export const CouponCommands = {
  /**
   * Locks one redemption for the order (a semantic lock that counts against both caps) at
   * the discount the order was priced with; refuses if the coupon no longer gives it.
   */
  lock: defineCommand<
    { orderId: string; customerId: string; code: string; subtotalCents: number; discountCents: number },
    { discountCents: number },
    CouponRefusal
  >('coupon', 'lock'),
  /** Compensation of lock: the redemption is released and counts no more. */
  release: defineCommand<{ orderId: string }>('coupon', 'release'),
  /** After payment: the locked redemption is redeemed. */
  redeem: defineCommand<{ orderId: string }>('coupon', 'redeem'),
  /** Cancel saga: the redeemed coupon is given back (usable again). */
  restore: defineCommand<{ orderId: string }>('coupon', 'restore'),
};

export const CouponRpc = {
  /** The discount a coupon would give a subtotal now, or why it would not. */
  quote: 'coupon.coupons.quote',
  createCoupon: 'coupon.coupons.create',
  stats: 'coupon.stats',
} as const;

export interface CouponQuoteRequest {
  code: string;
  customerId: string;
  subtotalCents: number;
}

export type CouponQuoteResponse = { ok: true; discountCents: number } | { ok: false; reason: CouponRefusal };

export interface CreateCouponRequest {
  code: string;
  kind: CouponKind;
  value: number;
  minSubtotalCents: number;
  maxRedemptions: number;
  perCustomerLimit: number;
  validFrom: string;
  validUntil: string;
}

export interface CouponStats {
  coupons: { code: string; maxRedemptions: number; perCustomerLimit: number; locked: number; redeemed: number }[];
  /** The largest number of held (locked or redeemed) redemptions of one coupon by one customer, per coupon. */
  maxHeldByOneCustomer: Record<string, number>;
}

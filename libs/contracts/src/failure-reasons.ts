/** Why a checkout ended CANCELLED: the stable `failureReason` codes of docs/api.md. */
export const FAILURE_REASONS = [
  'OUT_OF_STOCK',
  'UNKNOWN_SKU',
  'COUPON_INVALID',
  'COUPON_EXPIRED',
  'COUPON_EXHAUSTED',
  'COUPON_MIN_SUBTOTAL',
  'INSUFFICIENT_FUNDS',
  'PAYMENT_DECLINED',
  'TIMEOUT',
  /** An order paid at the provider whose payment window passed unpaid. */
  'PAYMENT_EXPIRED',
  /** The provider declined the payment of an order paid there. */
  'PAYMENT_FAILED',
  /** The customer cancelled the order before it was paid. */
  'CANCELLED_BY_CUSTOMER',
] as const;

export type FailureReason = (typeof FAILURE_REASONS)[number];

export type CouponRefusal = 'COUPON_INVALID' | 'COUPON_EXPIRED' | 'COUPON_EXHAUSTED' | 'COUPON_MIN_SUBTOTAL';

import type { CouponKind } from '@zhongtai/contracts';

/** What decides the size of a coupon's discount. */
export interface DiscountTerms {
  kind: CouponKind;
  /** FIXED: fen off the subtotal; PERCENT: 1 to 100 per cent of it. */
  value: number;
}

/**
 * The discount, in fen, a coupon gives a subtotal. A FIXED amount is capped at the subtotal,
 * so no order ever costs less than nothing; a PERCENT share is rounded down to whole fen, so
 * the discount is an integer and rounding never favours the coupon over the merchant.
 */
export function discountFor(terms: DiscountTerms, subtotalCents: number): number {
  if (terms.kind === 'FIXED') return Math.min(terms.value, subtotalCents);
  return Math.floor((subtotalCents * terms.value) / 100);
}

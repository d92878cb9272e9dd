import type { CouponQuoteResponse } from '@zhongtai/contracts';
import { DiscountTerms, discountFor } from './discount';

/** A coupon as the redemption rules see it, with how many redemptions it holds right now. */
export interface CouponTerms extends DiscountTerms {
  minSubtotalCents: number;
  maxRedemptions: number;
  perCustomerLimit: number;
  validFrom: Date;
  validUntil: Date;
  /** LOCKED and REDEEMED redemptions of the coupon, by every customer. */
  held: number;
}

/** One customer's attempt to use a coupon on one subtotal, at one moment. */
export interface RedemptionClaim {
  subtotalCents: number;
  /** The customer's LOCKED and REDEEMED redemptions of this coupon. */
  heldByCustomer: number;
  now: Date;
}

/** The discount a coupon gives the claim, or why it gives none. */
export type Eligibility = CouponQuoteResponse;

/**
 * The redemption rules, checked in this order so that the reason names the first thing wrong:
 * unknown code, outside the validity window, subtotal too small, a cap reached.
 *
 * The window is half-open, [validFrom, validUntil). A coupon that has not started yet is
 * refused as COUPON_EXPIRED too: the failure reasons have no "not yet valid" code, and for the
 * customer both mean "not usable now", unlike COUPON_INVALID, which says the code is wrong.
 */
export function judgeEligibility(coupon: CouponTerms | null, claim: RedemptionClaim): Eligibility {
  if (!coupon) return { ok: false, reason: 'COUPON_INVALID' };
  if (claim.now < coupon.validFrom || claim.now >= coupon.validUntil) return { ok: false, reason: 'COUPON_EXPIRED' };
  if (claim.subtotalCents < coupon.minSubtotalCents) return { ok: false, reason: 'COUPON_MIN_SUBTOTAL' };
  if (coupon.held >= coupon.maxRedemptions || claim.heldByCustomer >= coupon.perCustomerLimit) {
    return { ok: false, reason: 'COUPON_EXHAUSTED' };
  }
  return { ok: true, discountCents: discountFor(coupon, claim.subtotalCents) };
}

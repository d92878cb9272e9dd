import { CouponTerms, judgeEligibility, RedemptionClaim } from './coupon-eligibility';

const NOW = new Date('2026-03-01T12:00:00Z');

function coupon(overrides: Partial<CouponTerms> = {}): CouponTerms {
  return {
    kind: 'FIXED',
    value: 1_000,
    minSubtotalCents: 5_000,
    maxRedemptions: 10,
    perCustomerLimit: 2,
    validFrom: new Date('2026-01-01T00:00:00Z'),
    validUntil: new Date('2026-12-31T00:00:00Z'),
    held: 0,
    ...overrides,
  };
}

function claim(overrides: Partial<RedemptionClaim> = {}): RedemptionClaim {
  return { subtotalCents: 8_000, heldByCustomer: 0, now: NOW, ...overrides };
}

describe('judgeEligibility', () => {
  it('gives the discount when every rule holds', () => {
    expect(judgeEligibility(coupon(), claim())).toEqual({ ok: true, discountCents: 1_000 });
    expect(judgeEligibility(coupon({ kind: 'PERCENT', value: 25 }), claim())).toEqual({
      ok: true,
      discountCents: 2_000,
    });
  });

  it('refuses an unknown code as COUPON_INVALID', () => {
    expect(judgeEligibility(null, claim())).toEqual({ ok: false, reason: 'COUPON_INVALID' });
  });

  it('refuses a coupon past its window as COUPON_EXPIRED, the end itself excluded', () => {
    const validUntil = new Date('2026-02-01T00:00:00Z');
    expect(judgeEligibility(coupon({ validUntil }), claim())).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
    expect(judgeEligibility(coupon({ validUntil: NOW }), claim())).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
  });

  it('refuses a coupon whose window has not begun as COUPON_EXPIRED, and accepts it from its first instant', () => {
    const validFrom = new Date(NOW.getTime() + 1);
    expect(judgeEligibility(coupon({ validFrom }), claim())).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
    expect(judgeEligibility(coupon({ validFrom: NOW }), claim()).ok).toBe(true);
  });

  it('refuses a subtotal below the minimum as COUPON_MIN_SUBTOTAL, and accepts the minimum itself', () => {
    expect(judgeEligibility(coupon(), claim({ subtotalCents: 4_999 }))).toEqual({
      ok: false,
      reason: 'COUPON_MIN_SUBTOTAL',
    });
    expect(judgeEligibility(coupon(), claim({ subtotalCents: 5_000 })).ok).toBe(true);
  });

  it('refuses as COUPON_EXHAUSTED once every redemption is held, and accepts the last one', () => {
    expect(judgeEligibility(coupon({ held: 10 }), claim())).toEqual({ ok: false, reason: 'COUPON_EXHAUSTED' });
    expect(judgeEligibility(coupon({ held: 9 }), claim()).ok).toBe(true);
  });

  it('refuses as COUPON_EXHAUSTED once the customer holds their limit, and accepts up to it', () => {
    expect(judgeEligibility(coupon(), claim({ heldByCustomer: 2 }))).toEqual({
      ok: false,
      reason: 'COUPON_EXHAUSTED',
    });
    expect(judgeEligibility(coupon(), claim({ heldByCustomer: 1 })).ok).toBe(true);
  });

  it('names the first broken rule: window, then minimum, then caps', () => {
    const everythingWrong = coupon({ validUntil: new Date('2026-02-01T00:00:00Z'), held: 10 });
    const tooSmall = claim({ subtotalCents: 1, heldByCustomer: 5 });
    expect(judgeEligibility(everythingWrong, tooSmall)).toEqual({ ok: false, reason: 'COUPON_EXPIRED' });
    expect(judgeEligibility(coupon({ held: 10 }), tooSmall)).toEqual({ ok: false, reason: 'COUPON_MIN_SUBTOTAL' });
  });
});

import type { CreateCouponRequest } from '@zhongtai/contracts';
import { checkTerms } from './coupon-terms';

function request(overrides: Partial<CreateCouponRequest> = {}): CreateCouponRequest {
  return {
    code: 'SPRING',
    kind: 'PERCENT',
    value: 20,
    minSubtotalCents: 0,
    maxRedemptions: 100,
    perCustomerLimit: 1,
    validFrom: '2026-03-01T00:00:00Z',
    validUntil: '2026-04-01T00:00:00+08:00',
    ...overrides,
  };
}

describe('checkTerms', () => {
  it('accepts consistent terms and parses the window, offsets included', () => {
    expect(checkTerms(request())).toEqual({
      ok: true,
      window: { validFrom: new Date('2026-03-01T00:00:00Z'), validUntil: new Date('2026-03-31T16:00:00Z') },
    });
  });

  it('accepts 100 per cent and a FIXED value above 100', () => {
    expect(checkTerms(request({ value: 100 })).ok).toBe(true);
    expect(checkTerms(request({ kind: 'FIXED', value: 50_000 })).ok).toBe(true);
  });

  it('rejects a PERCENT value above 100 on the value field', () => {
    expect(checkTerms(request({ value: 101 }))).toEqual({
      ok: false,
      errors: [{ field: 'value', messages: [expect.stringContaining('1 to 100')] }],
    });
  });

  it('rejects an empty or reversed window on validUntil', () => {
    for (const validUntil of ['2026-03-01T00:00:00Z', '2026-02-28T00:00:00Z']) {
      expect(checkTerms(request({ validUntil }))).toEqual({
        ok: false,
        errors: [{ field: 'validUntil', messages: ['validUntil must be later than validFrom'] }],
      });
    }
  });

  it('rejects an ISO 8601 form that names no instant', () => {
    const result = checkTerms(request({ validFrom: '2026-W10' }));
    expect(result).toEqual({ ok: false, errors: [{ field: 'validFrom', messages: [expect.any(String)] }] });
  });
});

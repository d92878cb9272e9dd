import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CreateCouponDto } from './create-coupon.dto';
import { QuoteCouponDto } from './quote-coupon.dto';

/** The field names the service's ValidationPipe (whitelist, forbidNonWhitelisted) would reject. */
async function rejectedFields(type: new () => object, body: Record<string, unknown>): Promise<string[]> {
  const errors = await validate(plainToInstance(type, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((error) => error.property).sort();
}

const coupon = {
  code: 'Spring_2026-A',
  kind: 'FIXED',
  value: 100_000_000,
  minSubtotalCents: 0,
  maxRedemptions: 10_000_000,
  perCustomerLimit: 1,
  validFrom: '2026-03-01',
  validUntil: '2026-04-01T00:00:00.000Z',
};

describe('CreateCouponDto', () => {
  it('accepts every field at its bounds', async () => {
    expect(await rejectedFields(CreateCouponDto, coupon)).toEqual([]);
    expect(await rejectedFields(CreateCouponDto, { ...coupon, kind: 'PERCENT', value: 1, maxRedemptions: 1 })).toEqual(
      [],
    );
  });

  it('rejects codes outside 1 to 64 letters, digits, _ and -', async () => {
    for (const code of ['', 'x'.repeat(65), 'SPRING 20', 'SPRÏNG', 'a.b', 42]) {
      expect(await rejectedFields(CreateCouponDto, { ...coupon, code })).toEqual(['code']);
    }
  });

  it('rejects an unknown kind, and values that are not positive integers within bounds', async () => {
    expect(await rejectedFields(CreateCouponDto, { ...coupon, kind: 'BOGO' })).toEqual(['kind']);
    for (const value of [0, -5, 1.5, '10', 100_000_001]) {
      expect(await rejectedFields(CreateCouponDto, { ...coupon, value })).toEqual(['value']);
    }
  });

  it('rejects a negative minimum and caps outside their ranges', async () => {
    expect(await rejectedFields(CreateCouponDto, { ...coupon, minSubtotalCents: -1 })).toEqual(['minSubtotalCents']);
    expect(await rejectedFields(CreateCouponDto, { ...coupon, maxRedemptions: 0 })).toEqual(['maxRedemptions']);
    expect(await rejectedFields(CreateCouponDto, { ...coupon, maxRedemptions: 10_000_001 })).toEqual([
      'maxRedemptions',
    ]);
    expect(await rejectedFields(CreateCouponDto, { ...coupon, perCustomerLimit: 0 })).toEqual(['perCustomerLimit']);
  });

  it('rejects dates that are not ISO 8601 or do not exist', async () => {
    expect(
      await rejectedFields(CreateCouponDto, { ...coupon, validFrom: '01/03/2026', validUntil: '2026-02-30' }),
    ).toEqual(['validFrom', 'validUntil']);
  });

  it('rejects missing and unknown fields', async () => {
    const { perCustomerLimit: _omitted, ...missing } = coupon;
    expect(await rejectedFields(CreateCouponDto, missing)).toEqual(['perCustomerLimit']);
    expect(await rejectedFields(CreateCouponDto, { ...coupon, held: 0 })).toEqual(['held']);
  });
});

describe('QuoteCouponDto', () => {
  const quote = { code: 'ANY CODE AT ALL', customerId: '0b5b7c1e-8a8e-4f4e-9d55-3d1c2f0e7a61', subtotalCents: 0 };

  it('accepts any code, since an impossible code is simply unknown', async () => {
    expect(await rejectedFields(QuoteCouponDto, quote)).toEqual([]);
  });

  it('rejects a customer id that is not a UUID and a subtotal that is not a non-negative integer', async () => {
    expect(await rejectedFields(QuoteCouponDto, { ...quote, customerId: 'alice' })).toEqual(['customerId']);
    for (const subtotalCents of [-1, 0.5, '100']) {
      expect(await rejectedFields(QuoteCouponDto, { ...quote, subtotalCents })).toEqual(['subtotalCents']);
    }
  });
});

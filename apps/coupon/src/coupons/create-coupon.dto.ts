import { IsIn, IsInt, IsISO8601, IsString, Matches, Max, Min } from 'class-validator';
import type { CouponKind, CreateCouponRequest } from '@zhongtai/contracts';

const COUPON_KINDS: CouponKind[] = ['FIXED', 'PERCENT'];
/** The largest value a PostgreSQL integer column holds. */
const INT4_MAX = 2_147_483_647;

/**
 * An operator's new coupon, field by field. The rules across fields (a PERCENT value of at
 * most 100, validFrom before validUntil) are in coupon-terms.ts.
 */
export class CreateCouponDto implements CreateCouponRequest {
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'code is 1 to 64 letters, digits, _ or -' })
  code!: string;

  @IsIn(COUPON_KINDS)
  kind!: CouponKind;

  @IsInt()
  @Min(1)
  @Max(100_000_000)
  value!: number;

  @IsInt()
  @Min(0)
  @Max(INT4_MAX)
  minSubtotalCents!: number;

  @IsInt()
  @Min(1)
  @Max(10_000_000)
  maxRedemptions!: number;

  @IsInt()
  @Min(1)
  @Max(INT4_MAX)
  perCustomerLimit!: number;

  @IsISO8601({ strict: true })
  validFrom!: string;

  @IsISO8601({ strict: true })
  validUntil!: string;
}

import { IsInt, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { CouponQuoteRequest } from '@zhongtai/contracts';

/**
 * The order service asking what a code is worth on a subtotal. The code is not held to the
 * coupon code pattern: a code that cannot exist is an unknown code, COUPON_INVALID, which is
 * the customer's business failure, not a malformed request.
 */
export class QuoteCouponDto implements CouponQuoteRequest {
  @IsString()
  @MaxLength(1000)
  code!: string;

  @IsUUID()
  customerId!: string;

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  subtotalCents!: number;
}

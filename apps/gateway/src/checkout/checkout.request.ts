import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { PAYMENT_METHODS } from '@zhongtai/contracts';
import type { PaymentMethod } from '@zhongtai/contracts';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
export const COUPON_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export class CheckoutLine {
  @ApiProperty({ example: 'TEA-LONGJING', pattern: SKU_PATTERN.source })
  @IsString()
  @Matches(SKU_PATTERN, { message: 'sku must be 1 to 64 of A-Z a-z 0-9 . _ -' })
  sku!: string;

  @ApiProperty({ example: 2, minimum: 1, maximum: 999 })
  @IsInt()
  @Min(1)
  @Max(999)
  quantity!: number;
}

/** What a storefront may send: lines and a coupon code. Never a price, a total or a customer. */
export class CheckoutRequest {
  @ApiProperty({ type: [CheckoutLine], minItems: 1, maxItems: 50, description: 'Each sku at most once' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique((line: CheckoutLine) => line?.sku, { message: 'each sku may appear only once' })
  @ValidateNested({ each: true })
  @Type(() => CheckoutLine)
  items!: CheckoutLine[];

  @ApiPropertyOptional({ example: 'WELCOME10', pattern: COUPON_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(COUPON_PATTERN, { message: 'couponCode must be 1 to 64 of A-Z a-z 0-9 _ -' })
  couponCode?: string;

  @ApiPropertyOptional({
    enum: PAYMENT_METHODS,
    default: 'wallet',
    description: 'wallet: charged in the checkout; provider: paid by the customer at the provider (the pay URL)',
  })
  @IsOptional()
  @IsIn(PAYMENT_METHODS)
  paymentMethod?: PaymentMethod;
}

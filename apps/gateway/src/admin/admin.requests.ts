import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  NotEquals,
} from 'class-validator';
import { COUPON_PATTERN, SKU_PATTERN } from '../checkout/checkout.request';
import { PageQuery } from '../http/list-query';

const REFERENCE = { minLength: 1, maxLength: 200, example: 'topup-2026-11-25-001' };

export class CreateCustomerRequest {
  @ApiProperty({ example: 'mei@zhongtai.local' }) @IsEmail({ require_tld: false }) @MaxLength(254) email!: string;
  @ApiProperty({ minLength: 8, maxLength: 200 }) @IsString() @Length(8, 200) password!: string;
  @ApiProperty({ example: 'Li Mei' }) @IsString() @Length(1, 200) name!: string;
}

export class CreditWalletRequest {
  @ApiProperty({ minimum: 1, maximum: 100_000_000 }) @IsInt() @Min(1) @Max(100_000_000) amountCents!: number;
  @ApiProperty(REFERENCE) @IsString() @Length(1, 200) reference!: string;
}

export class CreateProductRequest {
  @ApiProperty({ example: 'TEA-LONGJING', pattern: SKU_PATTERN.source }) @IsString() @Matches(SKU_PATTERN) sku!: string;
  @ApiProperty({ example: 'Longjing green tea, 250 g' }) @IsString() @Length(1, 200) name!: string;
  @ApiProperty({ minimum: 0, maximum: 100_000_000 }) @IsInt() @Min(0) @Max(100_000_000) priceCents!: number;
  @ApiProperty({ minimum: 0, maximum: 10_000_000 }) @IsInt() @Min(0) @Max(10_000_000) stock!: number;
}

export class AdjustStockRequest {
  @ApiProperty({ description: 'Units to add (positive) or remove (negative); never below what is reserved' })
  @IsInt()
  @NotEquals(0)
  @Min(-10_000_000)
  @Max(10_000_000)
  delta!: number;

  @ApiProperty(REFERENCE) @IsString() @Length(1, 200) reference!: string;
}

export class CreateCouponRequest {
  @ApiProperty({ example: 'WELCOME10', pattern: COUPON_PATTERN.source })
  @IsString()
  @Matches(COUPON_PATTERN)
  code!: string;
  @ApiProperty({ enum: ['FIXED', 'PERCENT'] }) @IsIn(['FIXED', 'PERCENT']) kind!: 'FIXED' | 'PERCENT';
  @ApiProperty({ description: 'FIXED: fen; PERCENT: 1 to 100' }) @IsInt() @Min(1) @Max(100_000_000) value!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(2_000_000_000) minSubtotalCents!: number;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(10_000_000) maxRedemptions!: number;
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(10_000_000) perCustomerLimit!: number;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) validFrom!: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) validUntil!: string;
}

export class SagaListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'PARKED'] })
  @IsOptional()
  @IsIn(['RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED', 'PARKED'])
  status?: string;

  @ApiPropertyOptional({ example: 'checkout' }) @IsOptional() @IsString() @Length(1, 64) type?: string;
}

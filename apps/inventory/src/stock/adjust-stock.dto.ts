import type { AdjustStockRequest } from '@zhongtai/contracts';
import { IsInt, IsString, Length, Max, Min, NotEquals } from 'class-validator';

export const MAX_STOCK_DELTA = 10_000_000;

/** An operator's stock change: goods received (positive) or written off (negative). */
export class AdjustStockDto implements AdjustStockRequest {
  @IsString()
  @Length(1, 64)
  sku!: string;

  @IsInt()
  @NotEquals(0)
  @Min(-MAX_STOCK_DELTA)
  @Max(MAX_STOCK_DELTA)
  delta!: number;

  /** The operator's idempotency key for this change: the same reference applies once. */
  @IsString()
  @Length(1, 200)
  reference!: string;
}

import { HttpStatus, Injectable } from '@nestjs/common';
import type { StockAdjustmentPage, StockAdjustmentsRequest } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { decodeCursor, encodeCursor } from '@zhongtai/saga';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { DataSource } from 'typeorm';

export class StockAdjustmentsDto implements StockAdjustmentsRequest {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit!: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;
}

/** A cursor of the adjustments, keyed by reference (any text the table allows), or undefined if made up. */
export function decodeAdjustmentCursor(cursor: string) {
  return decodeCursor(cursor, (reference) => reference.length >= 1 && reference.length <= 200);
}

type Row = {
  reference: string;
  sku: string;
  delta: number;
  stock_on_hand_after: number | null;
  created_at: Date;
  cursor_at: string;
};

/** The operators' stock adjustments, newest first, one index range of stock_adjustments_newest per page. */
@Injectable()
export class StockAdjustmentHistory {
  constructor(private readonly dataSource: DataSource) {}

  async list({ limit, cursor }: StockAdjustmentsRequest): Promise<StockAdjustmentPage> {
    const after = cursor === undefined ? undefined : decodeAdjustmentCursor(cursor);
    if (cursor !== undefined && !after) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The cursor is not valid');
    }
    const rows: Row[] = await this.dataSource.query(
      `SELECT reference, sku, delta, stock_on_hand_after, created_at, created_at::text AS cursor_at
       FROM stock_adjustments
       ${after ? 'WHERE (created_at, reference) < ($2::timestamptz, $3)' : ''}
       ORDER BY created_at DESC, reference DESC LIMIT $1`,
      after ? [limit + 1, after.createdAt, after.id] : [limit + 1],
    );
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return {
      items: rows.slice(0, limit).map((row) => ({
        reference: row.reference,
        sku: row.sku,
        delta: row.delta,
        stockOnHandAfter: row.stock_on_hand_after,
        createdAt: new Date(row.created_at).toISOString(),
      })),
      nextCursor: last ? encodeCursor(last.cursor_at, last.reference) : null,
    };
  }
}

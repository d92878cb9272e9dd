import { HttpStatus, Injectable } from '@nestjs/common';
import type { StockAdjustmentPage, StockAdjustmentsRequest } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
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

/**
 * Cursors for newest-first keyset paging over (created_at, reference), base64url of PostgreSQL's
 * own text of created_at (microseconds kept) and the reference, which may hold any character:
 * the timestamp, which has no `|`, ends at the first one.
 */
export function encodeAdjustmentCursor(createdAt: string, reference: string): string {
  return Buffer.from(`${createdAt}|${reference}`).toString('base64url');
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/** A real calendar moment (no 13th month, no 25th hour), as PostgreSQL would accept it. */
function isRealMoment(text: string): boolean {
  const parts = TIMESTAMP.exec(text);
  if (!parts) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/** The cursor's parts, or undefined for anything a client made up. */
export function decodeAdjustmentCursor(cursor: string): { createdAt: string; reference: string } | undefined {
  const text = Buffer.from(cursor, 'base64url').toString();
  const bar = text.indexOf('|');
  if (bar < 0) return undefined;
  const createdAt = text.slice(0, bar);
  const reference = text.slice(bar + 1);
  if (!isRealMoment(createdAt) || reference.length < 1 || reference.length > 200) return undefined;
  return { createdAt, reference };
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
      after ? [limit + 1, after.createdAt, after.reference] : [limit + 1],
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
      nextCursor: last ? encodeAdjustmentCursor(last.cursor_at, last.reference) : null,
    };
  }
}

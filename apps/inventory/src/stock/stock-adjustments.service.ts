import { HttpStatus, Injectable } from '@nestjs/common';
import type { AdjustStockRequest, StockView } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Product } from '../catalogue/product.entity';
import { StockAdjustment } from './stock-adjustment.entity';
import { StockCounters, toStockView } from './stock-view';

const FOREIGN_KEY_VIOLATION = '23503';
/** stock_on_hand is a PostgreSQL integer. */
const MAX_STOCK_ON_HAND = 2_147_483_647;

/** Operators' changes of stock on hand, each applied once per reference. */
@Injectable()
export class StockAdjustmentsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records the adjustment and changes the stock in one transaction. The reference's primary
   * key makes a retry (even a concurrent one) find the first attempt instead of applying twice;
   * the conditional update keeps stock on hand from falling below what reservations hold.
   */
  adjustStock(request: AdjustStockRequest): Promise<StockView> {
    return this.dataSource.transaction(async (manager) => {
      if (!(await this.recordAdjustment(manager, request))) return this.repeatedAdjustment(manager, request);
      // The stock moves and the adjustment keeps the stock it left, in one statement.
      const rows: StockCounters[] = await manager.query(
        `WITH moved AS (
           UPDATE products SET stock_on_hand = stock_on_hand + $2, updated_at = now()
           WHERE sku = $1 AND stock_on_hand::bigint + $2 BETWEEN reserved AND ${MAX_STOCK_ON_HAND}
           RETURNING sku, stock_on_hand AS "stockOnHand", reserved, sold),
         noted AS (
           UPDATE stock_adjustments SET stock_on_hand_after = moved."stockOnHand" FROM moved WHERE reference = $3)
         SELECT * FROM moved`,
        [request.sku, request.delta, request.reference],
      );
      if (rows[0]) return toStockView(rows[0]);
      throw await this.refusal(manager, request);
    });
  }

  /** False when the reference was recorded before (by this or a concurrent request). */
  private async recordAdjustment(manager: EntityManager, { sku, delta, reference }: AdjustStockRequest) {
    try {
      const rows: unknown[] = await manager.query(
        `INSERT INTO stock_adjustments (reference, sku, delta) VALUES ($1, $2, $3)
         ON CONFLICT (reference) DO NOTHING RETURNING reference`,
        [reference, sku, delta],
      );
      return rows.length === 1;
    } catch (error) {
      if (
        error instanceof QueryFailedError &&
        (error.driverError as { code?: string }).code === FOREIGN_KEY_VIOLATION
      ) {
        throw new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No product with sku ${sku}`);
      }
      throw error;
    }
  }

  private async repeatedAdjustment(manager: EntityManager, request: AdjustStockRequest): Promise<StockView> {
    const earlier = await manager.findOneByOrFail(StockAdjustment, { reference: request.reference });
    if (earlier.sku !== request.sku || earlier.delta !== request.delta) {
      throw new ProblemException(
        HttpStatus.CONFLICT,
        'REFERENCE_REUSED',
        `Reference ${request.reference} was used for another stock adjustment`,
      );
    }
    return toStockView(await manager.findOneByOrFail(Product, { sku: request.sku }));
  }

  private async refusal(manager: EntityManager, { sku, delta }: AdjustStockRequest): Promise<ProblemException> {
    const product = await manager.findOneByOrFail(Product, { sku });
    if (product.stockOnHand + delta < product.reserved) {
      return new ProblemException(
        HttpStatus.CONFLICT,
        'STOCK_BELOW_RESERVED',
        `Stock of ${sku} cannot fall below the ${product.reserved} units reservations hold`,
      );
    }
    return new ProblemException(
      HttpStatus.CONFLICT,
      'STOCK_LIMIT_EXCEEDED',
      `Stock of ${sku} cannot exceed ${MAX_STOCK_ON_HAND} units`,
    );
  }
}

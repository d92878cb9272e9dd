import { Injectable } from '@nestjs/common';
import type { PromisableStock, PromisableStockRequest } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';

/**
 * The truth that the gateway's flash-sale gate is rebuilt from. One statement reads both
 * parts in one snapshot, so that an order counted as reserved is also counted in `available`.
 */
@Injectable()
export class PromisableStockService {
  constructor(private readonly dataSource: DataSource) {}

  async promisableStock({ skus, orderIds }: PromisableStockRequest): Promise<PromisableStock> {
    const [row]: { products: PromisableStock['products']; reserved: string[] }[] = await this.dataSource.query(
      `SELECT
         (SELECT coalesce(json_agg(json_build_object('sku', sku, 'name', name, 'priceCents', price_cents,
                   'available', stock_on_hand - reserved) ORDER BY sku), '[]')
            FROM products WHERE sku = ANY($1::text[])) AS products,
         (SELECT coalesce(json_agg(order_id), '[]') FROM reservations WHERE order_id = ANY($2::uuid[])) AS reserved`,
      [skus, orderIds],
    );
    return { products: row.products, reservedOrderIds: row.reserved };
  }
}

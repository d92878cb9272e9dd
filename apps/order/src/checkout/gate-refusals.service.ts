import { Injectable } from '@nestjs/common';
import type { GateRefusal } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';

/**
 * Keeps the checkouts that the gateway's flash-sale gate refused as the CANCELLED orders they
 * were answered with, many in one statement: a refused attempt costs the database a row, not
 * a transaction. An order already placed with the same key stands, and the refusal is dropped.
 */
@Injectable()
export class GateRefusalsService {
  constructor(private readonly dataSource: DataSource) {}

  /** The ids of the refusals written; a refusal whose key already has an order is not. */
  async recordRefusals(refusals: GateRefusal[]): Promise<string[]> {
    if (refusals.length === 0) return [];
    const column = <T>(pick: (refusal: GateRefusal) => T) => refusals.map(pick);
    const recorded: { id: string }[] = await this.dataSource.query(
      `INSERT INTO orders (id, customer_id, idempotency_key, request_hash, status, items, subtotal_cents,
         discount_cents, total_cents, coupon_code, failure_reason, created_at, updated_at)
       SELECT id, customer_id, idempotency_key, request_hash, 'CANCELLED', items, subtotal_cents,
         0, subtotal_cents, coupon_code, 'OUT_OF_STOCK', created_at, created_at
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::text[], $8::timestamptz[])
         AS r(id, customer_id, idempotency_key, request_hash, items, subtotal_cents, coupon_code, created_at)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        column((r) => r.orderId),
        column((r) => r.customerId),
        column((r) => r.idempotencyKey),
        column((r) => r.requestHash),
        column((r) => JSON.stringify(r.items)),
        column((r) => r.subtotalCents),
        column((r) => r.couponCode),
        column((r) => r.createdAt),
      ],
    );
    return recorded.map((row) => row.id);
  }
}

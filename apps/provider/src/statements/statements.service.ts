import { Injectable } from '@nestjs/common';
import type { ProviderStatement } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';
import { REFUND_COLUMNS, refundView } from '../payments/refunds.service';

/** One UTC day of the provider's books: the payments that succeeded and the refunds made that day. */
@Injectable()
export class StatementsService {
  constructor(private readonly dataSource: DataSource) {}

  async statementOf(date: string): Promise<ProviderStatement> {
    const day = [`${date}T00:00:00Z`];
    const successes = (await this.dataSource.query(
      `SELECT id, merchant_order_id, amount_cents, succeeded_at FROM provider_payments
       WHERE succeeded_at >= $1::timestamptz AND succeeded_at < $1::timestamptz + interval '1 day'
       ORDER BY succeeded_at, id`,
      day,
    )) as { id: string; merchant_order_id: string; amount_cents: string; succeeded_at: Date }[];
    const refunds = (await this.dataSource.query(
      `SELECT ${REFUND_COLUMNS} FROM provider_refunds r JOIN provider_payments p ON p.id = r.payment_id
       WHERE r.created_at >= $1::timestamptz AND r.created_at < $1::timestamptz + interval '1 day'
       ORDER BY r.created_at, r.id`,
      day,
    )) as Parameters<typeof refundView>[0][];
    return {
      date,
      successes: successes.map((row) => ({
        paymentId: row.id,
        merchantOrderId: row.merchant_order_id,
        amountCents: Number(row.amount_cents),
        succeededAt: row.succeeded_at.toISOString(),
      })),
      refunds: refunds.map(refundView),
    };
  }
}

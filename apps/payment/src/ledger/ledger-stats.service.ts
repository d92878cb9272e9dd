import { Injectable } from '@nestjs/common';
import type { NetChargesPage, NetChargesRequest, PaymentStats } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';

/** The ledger's totals for operators and for the invariant checks of the tests. */
@Injectable()
export class LedgerStatsService {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement, so one snapshot: the totals agree with each other even while money moves. */
  async ledgerStats(): Promise<PaymentStats> {
    const [totals]: { wallets: string; merchant: string; credited: string; ledger_sum: string }[] = await this
      .dataSource.query(`
        SELECT coalesce(sum(balance_cents) FILTER (WHERE kind = 'WALLET'), 0) AS wallets,
               coalesce(sum(balance_cents) FILTER (WHERE kind = 'MERCHANT'), 0) AS merchant,
               coalesce(sum(-balance_cents) FILTER (WHERE kind = 'FUNDING'), 0) AS credited,
               (SELECT coalesce(sum(amount_cents), 0) FROM ledger_entries) AS ledger_sum
        FROM accounts`);
    return {
      walletsCents: Number(totals.wallets),
      merchantCents: Number(totals.merchant),
      creditedCents: Number(totals.credited),
      ledgerSumCents: Number(totals.ledger_sum),
    };
  }

  /** Bounds compare as text in byte order, the order in which the order service pages its orders. */
  async netCharges(range: NetChargesRequest): Promise<NetChargesPage> {
    const orders: { order_id: string; net: string }[] = await this.dataSource.query(
      `SELECT reference AS order_id, sum(CASE kind WHEN 'CHARGE' THEN amount_cents ELSE -amount_cents END) AS net
       FROM postings
       WHERE kind IN ('CHARGE', 'REFUND')
         AND ($1::text IS NULL OR reference COLLATE "C" > $1) AND ($2::text IS NULL OR reference COLLATE "C" <= $2)
       GROUP BY reference`,
      [range.after, range.upTo],
    );
    return { netChargedByOrder: Object.fromEntries(orders.map((order) => [order.order_id, Number(order.net)])) };
  }
}

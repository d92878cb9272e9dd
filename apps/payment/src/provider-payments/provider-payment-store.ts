import type { OrderPaymentStatus, OrderPaymentView } from '@zhongtai/contracts';
import type { EntityManager } from 'typeorm';

/** A row of provider_payments: an order's payment at the provider as this service knows it. */
export interface ProviderPaymentRow {
  order_id: string;
  customer_id: string;
  amount_cents: string;
  provider_payment_id: string;
  pay_url: string;
  expires_at: Date;
  status: OrderPaymentStatus;
  saga_id: string | null;
  collect_step: number | null;
  paid_at: Date | null;
}

const COLUMNS = `order_id, customer_id, amount_cents, provider_payment_id, pay_url, expires_at, status, saga_id,
  collect_step, paid_at`;

export const providerPayments = {
  async record(
    manager: EntityManager,
    payment: {
      orderId: string;
      customerId: string;
      amountCents: number;
      providerPaymentId: string;
      payUrl: string;
      expiresAt: string;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO provider_payments (order_id, customer_id, amount_cents, provider_payment_id, pay_url, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (order_id) DO NOTHING`,
      [
        payment.orderId,
        payment.customerId,
        payment.amountCents,
        payment.providerPaymentId,
        payment.payUrl,
        payment.expiresAt,
      ],
    );
  },

  /** The order's payment, locked for the rest of the transaction: its outcome is decided once. */
  async lock(manager: EntityManager, orderId: string): Promise<ProviderPaymentRow | undefined> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM provider_payments WHERE order_id = $1 FOR UPDATE`, [
      orderId,
    ])) as ProviderPaymentRow[];
    return rows[0];
  },

  async find(manager: EntityManager, orderId: string): Promise<ProviderPaymentRow | undefined> {
    const rows = (await manager.query(`SELECT ${COLUMNS} FROM provider_payments WHERE order_id = $1`, [
      orderId,
    ])) as ProviderPaymentRow[];
    return rows[0];
  },

  /** Remembers which saga step waits for the outcome, so that a notification can answer it. */
  async awaitOutcome(manager: EntityManager, orderId: string, sagaId: string, step: number): Promise<void> {
    await manager.query('UPDATE provider_payments SET saga_id = $2, collect_step = $3 WHERE order_id = $1', [
      orderId,
      sagaId,
      step,
    ]);
  },

  async move(manager: EntityManager, orderId: string, status: OrderPaymentStatus): Promise<void> {
    await manager.query(
      `UPDATE provider_payments SET status = $2, settled_at = now(),
         paid_at = CASE WHEN $2 IN ('PAID', 'REFUNDED') THEN coalesce(paid_at, now()) ELSE paid_at END
       WHERE order_id = $1`,
      [orderId, status],
    );
  },

  /** Makes an awaiting payment the first the next back-check round asks the provider about. */
  async checkSoon(manager: EntityManager, orderId: string): Promise<void> {
    await manager.query(`UPDATE provider_payments SET checked_at = '-infinity' WHERE order_id = $1`, [orderId]);
  },

  /**
   * Up to `limit` payments still awaiting an outcome that no one asked the provider about for
   * `afterMs`, claimed for this replica by moving their check time (skipping those another holds),
   * the longest unchecked first (RETURNING alone keeps no order).
   */
  async claimUnsettled(manager: EntityManager, afterMs: number, limit: number): Promise<string[]> {
    const rows = (await manager.query(
      `WITH due AS (SELECT order_id, checked_at FROM provider_payments
                    WHERE status = 'AWAITING_PAYMENT' AND checked_at <= now() - make_interval(secs => $1 / 1000.0)
                    ORDER BY checked_at LIMIT $2 FOR UPDATE SKIP LOCKED),
            claimed AS (UPDATE provider_payments p SET checked_at = now() FROM due WHERE p.order_id = due.order_id
                        RETURNING p.order_id, due.checked_at AS unchecked_since)
       SELECT order_id FROM claimed ORDER BY unchecked_since, order_id`,
      [afterMs, limit],
    )) as { order_id: string }[];
    return rows.map((row) => row.order_id);
  },
};

export function orderPaymentView(row: ProviderPaymentRow): OrderPaymentView {
  return {
    orderId: row.order_id,
    status: row.status,
    amountCents: Number(row.amount_cents),
    providerPaymentId: row.provider_payment_id,
    payUrl: row.pay_url,
    expiresAt: row.expires_at.toISOString(),
    paidAt: row.paid_at?.toISOString() ?? null,
  };
}

import { HttpStatus, Injectable } from '@nestjs/common';
import type { CreateProviderRefund, ProviderRefundView } from '@zhongtai/contracts';
import { DataSource } from 'typeorm';
import { accepted, Outcome, refusal } from '../http/refusal';
import { oweNotification } from '../notifications/owe-notification';
import { PAYMENT_COLUMNS, PaymentRow } from './payment-row';

interface RefundRow {
  id: string;
  payment_id: string;
  merchant_order_id: string;
  amount_cents: string;
  created_at: Date;
}

export function refundView(row: RefundRow): ProviderRefundView {
  return {
    refundId: row.id,
    paymentId: row.payment_id,
    merchantOrderId: row.merchant_order_id,
    amountCents: Number(row.amount_cents),
    refundedAt: row.created_at.toISOString(),
  };
}

export const REFUND_COLUMNS = 'r.id, r.payment_id, p.merchant_order_id, r.amount_cents, r.created_at';

/** Money back to the customer, once per refund id, never more than was paid. */
@Injectable()
export class RefundsService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The same refund id again answers the refund it made; a refund of a payment that did not
   * succeed, or beyond what is left of it, is refused. The whole remainder when no amount is given.
   */
  async refundPayment(
    paymentId: string,
    request: CreateProviderRefund,
  ): Promise<Outcome<ProviderRefundView & { created: boolean }>> {
    return this.dataSource.transaction(async (manager) => {
      const [payment] = (await manager.query(
        `SELECT ${PAYMENT_COLUMNS} FROM provider_payments WHERE id = $1 FOR UPDATE`,
        [paymentId],
      )) as PaymentRow[];
      if (!payment) return refusal(HttpStatus.NOT_FOUND, 'PAYMENT_NOT_FOUND', `no payment ${paymentId}`);
      const [earlier] = (await manager.query(
        `SELECT ${REFUND_COLUMNS} FROM provider_refunds r JOIN provider_payments p ON p.id = r.payment_id WHERE r.id = $1`,
        [request.refundId],
      )) as RefundRow[];
      if (earlier) {
        if (earlier.payment_id !== paymentId) {
          return refusal(HttpStatus.CONFLICT, 'REFUND_ID_CONFLICT', `refund ${request.refundId} is of another payment`);
        }
        return accepted({ ...refundView(earlier), created: false });
      }
      if (payment.status !== 'SUCCEEDED') {
        return refusal(HttpStatus.CONFLICT, 'PAYMENT_NOT_REFUNDABLE', `the payment is ${payment.status}`);
      }
      const left = Number(payment.amount_cents) - Number(payment.refunded_cents);
      const amountCents = request.amountCents ?? left;
      if (amountCents > left) {
        return refusal(HttpStatus.CONFLICT, 'REFUND_EXCEEDS_PAYMENT', `only ${left} cents of the payment are left`);
      }
      const [row] = (await manager.query(
        `INSERT INTO provider_refunds (id, payment_id, amount_cents) VALUES ($1, $2, $3)
         RETURNING id, payment_id, $4::text AS merchant_order_id, amount_cents, created_at`,
        [request.refundId, paymentId, amountCents, payment.merchant_order_id],
      )) as RefundRow[];
      await manager.query(
        `UPDATE provider_payments SET refunded_cents = refunded_cents + $2,
           status = CASE WHEN refunded_cents + $2 = amount_cents THEN 'REFUNDED' ELSE status END
         WHERE id = $1`,
        [paymentId, amountCents],
      );
      await oweNotification(manager, payment, 'REFUNDED', amountCents);
      return accepted({ ...refundView(row), created: true });
    });
  }
}

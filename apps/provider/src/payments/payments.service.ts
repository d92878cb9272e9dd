import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { CreatedProviderPayment, CreateProviderPayment, ProviderPaymentView } from '@zhongtai/contracts';
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { accepted, Outcome, refusal } from '../http/refusal';
import { oweNotification } from '../notifications/owe-notification';
import type { ProviderConfig } from '../provider.config';
import { PROVIDER_CONFIG } from '../provider.tokens';
import { PAYMENT_COLUMNS, PaymentRow, paymentView } from './payment-row';

/** The longest a payment may stay payable, as real providers cap their windows. */
const MAX_WINDOW_MS = 7 * 24 * 3600_000;

/** A payment's life at the provider: PENDING until paid (SUCCEEDED), declined (FAILED) or closed. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PROVIDER_CONFIG) private readonly config: ProviderConfig,
  ) {}

  /**
   * One payment per merchant order: the same request again answers the payment it created;
   * the same order with another amount or currency is refused, never a second payment.
   */
  async createPayment(request: CreateProviderPayment): Promise<Outcome<CreatedProviderPayment & { created: boolean }>> {
    const expiresAt = new Date(request.expiresAt);
    const window = expiresAt.getTime() - Date.now();
    if (window <= 0 || window > MAX_WINDOW_MS) {
      return refusal(HttpStatus.BAD_REQUEST, 'INVALID_EXPIRY', 'expiresAt must lie in the next seven days');
    }
    const inserted = (await this.dataSource.query(
      `INSERT INTO provider_payments (id, merchant_order_id, amount_cents, currency, notify_url, pay_token, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (merchant_order_id) DO NOTHING RETURNING ${PAYMENT_COLUMNS}`,
      [
        randomUUID(),
        request.merchantOrderId,
        request.amountCents,
        request.currency,
        request.notifyUrl,
        randomBytes(24).toString('base64url'),
        expiresAt,
      ],
    )) as PaymentRow[];
    const row = inserted[0] ?? (await this.rowWhere('merchant_order_id = $1', request.merchantOrderId));
    if (!row) throw new Error(`payment of merchant order ${request.merchantOrderId} neither inserted nor found`);
    if (Number(row.amount_cents) !== request.amountCents || row.currency !== request.currency) {
      return refusal(
        HttpStatus.CONFLICT,
        'MERCHANT_ORDER_CONFLICT',
        `merchant order ${request.merchantOrderId} already has a payment of another amount or currency`,
      );
    }
    return accepted({ ...paymentView(this.config.publicUrl, row), payToken: row.pay_token, created: !!inserted[0] });
  }

  async findPayment(paymentId: string): Promise<Outcome<ProviderPaymentView>> {
    return this.viewOrNotFound(await this.rowWhere('id = $1', paymentId), `payment ${paymentId}`);
  }

  /** The merchant's back-check; a lookup a test made fail (the query faults) answers 503. */
  async findPaymentOfOrder(merchantOrderId: string): Promise<Outcome<ProviderPaymentView>> {
    const [failing] = (await this.dataSource.query('SELECT 1 FROM provider_query_faults WHERE merchant_order_id = $1', [
      merchantOrderId,
    ])) as unknown[];
    if (failing) {
      return refusal(HttpStatus.SERVICE_UNAVAILABLE, 'PROVIDER_UNAVAILABLE', 'the payment cannot be looked up now');
    }
    const row = await this.rowWhere('merchant_order_id = $1', merchantOrderId);
    return this.viewOrNotFound(row, `a payment of merchant order ${merchantOrderId}`);
  }

  /**
   * The customer pays (or is declined) once; paying a paid payment again answers it unchanged.
   * A payment found past its expiry is closed by the attempt, which is refused.
   */
  async payPayment(paymentId: string, payToken: string, succeed: boolean): Promise<Outcome<ProviderPaymentView>> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockedRow(manager, paymentId);
      if (!row || !sameToken(row.pay_token, payToken)) {
        return refusal(HttpStatus.FORBIDDEN, 'INVALID_PAY_TOKEN', 'no payment has this id and pay token');
      }
      if (row.status === 'SUCCEEDED' && succeed) return accepted(paymentView(this.config.publicUrl, row));
      if (row.status !== 'PENDING') {
        return refusal(HttpStatus.CONFLICT, 'PAYMENT_NOT_PAYABLE', `the payment is ${row.status}`);
      }
      if (row.expires_at.getTime() <= Date.now()) {
        await manager.query(`UPDATE provider_payments SET status = 'CLOSED', closed_at = now() WHERE id = $1`, [
          row.id,
        ]);
        return refusal(
          HttpStatus.CONFLICT,
          'PAYMENT_EXPIRED',
          `the payment expired at ${row.expires_at.toISOString()}`,
        );
      }
      const [paid] = (await manager.query(
        `UPDATE provider_payments SET status = $2, succeeded_at = CASE WHEN $2 = 'SUCCEEDED' THEN now() END
         WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
        [row.id, succeed ? 'SUCCEEDED' : 'FAILED'],
      )) as [PaymentRow[], number];
      const updated = paid[0];
      await oweNotification(
        manager,
        updated,
        updated.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED',
        Number(updated.amount_cents),
      );
      return accepted(paymentView(this.config.publicUrl, updated));
    });
  }

  /**
   * The merchant gives up on a payment: a pending one can no longer be paid. Closing a closed or
   * declined one changes nothing; a paid one is refused (409), since only a refund undoes it.
   */
  async closePayment(paymentId: string): Promise<Outcome<ProviderPaymentView>> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.lockedRow(manager, paymentId);
      if (!row) return refusal(HttpStatus.NOT_FOUND, 'PAYMENT_NOT_FOUND', `no payment ${paymentId}`);
      if (row.status === 'SUCCEEDED' || row.status === 'REFUNDED') {
        return refusal(HttpStatus.CONFLICT, 'PAYMENT_ALREADY_PAID', 'the payment succeeded: refund it instead');
      }
      if (row.status !== 'PENDING') return accepted(paymentView(this.config.publicUrl, row));
      const [closed] = (await manager.query(
        `UPDATE provider_payments SET status = 'CLOSED', closed_at = now() WHERE id = $1 RETURNING ${PAYMENT_COLUMNS}`,
        [row.id],
      )) as [PaymentRow[], number];
      return accepted(paymentView(this.config.publicUrl, closed[0]));
    });
  }

  private async rowWhere(condition: string, value: string): Promise<PaymentRow | undefined> {
    const rows = (await this.dataSource.query(`SELECT ${PAYMENT_COLUMNS} FROM provider_payments WHERE ${condition}`, [
      value,
    ])) as PaymentRow[];
    return rows[0];
  }

  private async lockedRow(manager: EntityManager, paymentId: string): Promise<PaymentRow | undefined> {
    const rows = (await manager.query(`SELECT ${PAYMENT_COLUMNS} FROM provider_payments WHERE id = $1 FOR UPDATE`, [
      paymentId,
    ])) as PaymentRow[];
    return rows[0];
  }

  private viewOrNotFound(row: PaymentRow | undefined, what: string): Outcome<ProviderPaymentView> {
    if (!row) return refusal(HttpStatus.NOT_FOUND, 'PAYMENT_NOT_FOUND', `no ${what}`);
    return accepted(paymentView(this.config.publicUrl, row));
  }
}

function sameToken(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

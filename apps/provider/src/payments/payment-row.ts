import type { ProviderPaymentStatus, ProviderPaymentView } from '@zhongtai/contracts';

/** A row of provider_payments as PostgreSQL returns it (bigint as text). */
export interface PaymentRow {
  id: string;
  merchant_order_id: string;
  amount_cents: string;
  currency: string;
  notify_url: string;
  pay_token: string;
  status: ProviderPaymentStatus;
  refunded_cents: string;
  expires_at: Date;
  created_at: Date;
  succeeded_at: Date | null;
  closed_at: Date | null;
}

export const PAYMENT_COLUMNS = `id, merchant_order_id, amount_cents, currency, notify_url, pay_token, status,
  refunded_cents, expires_at, created_at, succeeded_at, closed_at`;

/** Where the customer pays: the pay page, carrying the token that alone lets them. */
export function payUrl(publicUrl: string, row: PaymentRow): string {
  return `${publicUrl}/pay/${row.id}?token=${row.pay_token}`;
}

export function paymentView(publicUrl: string, row: PaymentRow): ProviderPaymentView {
  return {
    paymentId: row.id,
    merchantOrderId: row.merchant_order_id,
    status: row.status,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    refundedCents: Number(row.refunded_cents),
    payUrl: payUrl(publicUrl, row),
    expiresAt: row.expires_at.toISOString(),
    createdAt: row.created_at.toISOString(),
    succeededAt: row.succeeded_at?.toISOString() ?? null,
    closedAt: row.closed_at?.toISOString() ?? null,
  };
}

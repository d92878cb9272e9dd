import { randomUUID } from 'node:crypto';
import type { ProviderNotification } from '@zhongtai/contracts';
import type { EntityManager } from 'typeorm';
import type { PaymentRow } from '../payments/payment-row';

/**
 * Records, in the transaction that changed the payment, the notification the merchant is owed:
 * the sender delivers it later, again and again until acknowledged, so a crash between the
 * change and the delivery loses nothing. The body is stored as sent, so every retry is signed
 * over the same bytes. The faults' delay holds it back from the start.
 */
export async function oweNotification(
  manager: EntityManager,
  payment: PaymentRow,
  status: ProviderNotification['status'],
  amountCents: number,
): Promise<void> {
  const notification: ProviderNotification = {
    notificationId: randomUUID(),
    paymentId: payment.id,
    merchantOrderId: payment.merchant_order_id,
    status,
    amountCents,
    occurredAt: new Date().toISOString(),
  };
  await manager.query(
    `INSERT INTO provider_notifications (id, payment_id, notify_url, body, next_attempt_at)
     SELECT $1, $2, $3, $4, now() + make_interval(secs => delay_ms / 1000.0) FROM provider_notification_faults`,
    [notification.notificationId, payment.id, payment.notify_url, JSON.stringify(notification)],
  );
}

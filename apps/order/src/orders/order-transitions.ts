import type { FailureReason, OrderPaymentLink, OrderStatus, OrderView } from '@zhongtai/contracts';
import { AfterCommit } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import { canMove, IllegalOrderTransition } from './order-state';

/**
 * The orders whose status a transaction changed, as they are after the change, announced once it
 * has committed (OrderStatusPublisher): the announcement needs no second read of the order.
 */
export const statusChanges = new AfterCommit<OrderView>('order status changes');

/** The order's columns under the view's names (dates made ISO strings, the payment link nested, below). */
const VIEW_COLUMNS = `id, customer_id AS "customerId", status, items, subtotal_cents AS "subtotalCents",
  discount_cents AS "discountCents", total_cents AS "totalCents", currency, coupon_code AS "couponCode",
  payment_method AS "paymentMethod", failure_reason AS "failureReason", created_at AS "createdAt",
  updated_at AS "updatedAt", pay_url AS "payUrl", payment_expires_at AS "paymentExpiresAt"`;

type ViewRow = Omit<OrderView, 'createdAt' | 'updatedAt' | 'payment'> &
  Record<'createdAt' | 'updatedAt', Date> & { payUrl: string | null; paymentExpiresAt: Date | null };

/**
 * Moves an order from one status (or any of several) to the next in the caller's transaction.
 * Moving to the status it already has is a no-op, so that a re-applied saga end changes nothing.
 */
export async function moveOrder(
  manager: EntityManager,
  orderId: string,
  from: OrderStatus | readonly OrderStatus[],
  to: OrderStatus,
  failureReason: FailureReason | null = null,
): Promise<void> {
  const origins = typeof from === 'string' ? [from] : from;
  for (const origin of origins) if (!canMove(origin, to)) throw new IllegalOrderTransition(orderId, origin, to);
  const [rows, moved]: [ViewRow[], number] = await manager.query(
    `UPDATE orders SET status = $3, failure_reason = coalesce($4, failure_reason), updated_at = now()
       WHERE id = $1 AND status = ANY($2) RETURNING ${VIEW_COLUMNS}`,
    [orderId, origins, to, failureReason],
  );
  await announceMoved(manager, orderId, rows, moved, to);
}

/** PENDING to AWAITING_PAYMENT: the order's payment is open at the provider, and this is where it is paid. */
export async function awaitPayment(manager: EntityManager, orderId: string, payment: OrderPaymentLink): Promise<void> {
  const [rows, moved]: [ViewRow[], number] = await manager.query(
    `UPDATE orders SET status = 'AWAITING_PAYMENT', pay_url = $2, payment_expires_at = $3, updated_at = now()
       WHERE id = $1 AND status = 'PENDING' RETURNING ${VIEW_COLUMNS}`,
    [orderId, payment.payUrl, payment.expiresAt],
  );
  await announceMoved(manager, orderId, rows, moved, 'AWAITING_PAYMENT');
}

async function announceMoved(
  manager: EntityManager,
  orderId: string,
  rows: ViewRow[],
  moved: number,
  to: OrderStatus,
): Promise<void> {
  if (moved === 0) {
    const rows: { status: OrderStatus }[] = await manager.query('SELECT status FROM orders WHERE id = $1', [orderId]);
    if (rows[0]?.status === to) return;
    throw new IllegalOrderTransition(orderId, rows[0]?.status ?? 'missing', to);
  }
  if (!manager.queryRunner?.isTransactionActive) return;
  const { payUrl, paymentExpiresAt, ...order } = rows[0];
  statusChanges.add(manager, {
    ...order,
    ...(payUrl && paymentExpiresAt ? { payment: { payUrl, expiresAt: paymentExpiresAt.toISOString() } } : {}),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  });
}

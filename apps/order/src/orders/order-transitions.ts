import type { FailureReason, OrderStatus, OrderView } from '@zhongtai/contracts';
import { AfterCommit } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import { canMove, IllegalOrderTransition } from './order-state';

/**
 * The orders whose status a transaction changed, as they are after the change, announced once it
 * has committed (OrderStatusPublisher): the announcement needs no second read of the order.
 */
export const statusChanges = new AfterCommit<OrderView>('order status changes');

/** The order's columns under the view's names (dates made ISO strings below). */
const VIEW_COLUMNS = `id, customer_id AS "customerId", status, items, subtotal_cents AS "subtotalCents",
  discount_cents AS "discountCents", total_cents AS "totalCents", currency, coupon_code AS "couponCode",
  payment_method AS "paymentMethod", failure_reason AS "failureReason", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

/**
 * Moves an order from one status to the next in the caller's transaction. Moving to the
 * status it already has is a no-op, so that a re-applied saga end changes nothing.
 */
export async function moveOrder(
  manager: EntityManager,
  orderId: string,
  from: OrderStatus,
  to: OrderStatus,
  failureReason: FailureReason | null = null,
): Promise<void> {
  if (!canMove(from, to)) throw new IllegalOrderTransition(orderId, from, to);
  const [rows, moved]: [
    (Omit<OrderView, 'createdAt' | 'updatedAt'> & Record<'createdAt' | 'updatedAt', Date>)[],
    number,
  ] = await manager.query(
    `UPDATE orders SET status = $3, failure_reason = coalesce($4, failure_reason), updated_at = now()
       WHERE id = $1 AND status = $2 RETURNING ${VIEW_COLUMNS}`,
    [orderId, from, to, failureReason],
  );
  if (moved === 0) {
    const rows: { status: OrderStatus }[] = await manager.query('SELECT status FROM orders WHERE id = $1', [orderId]);
    if (rows[0]?.status === to) return;
    throw new IllegalOrderTransition(orderId, rows[0]?.status ?? 'missing', to);
  }
  if (manager.queryRunner?.isTransactionActive) {
    const [order] = rows;
    statusChanges.add(manager, {
      ...order,
      createdAt: order.createdAt.toISOString(),
      updatedAt: order.updatedAt.toISOString(),
    });
  }
}

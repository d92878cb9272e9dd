import type { FailureReason, OrderStatus } from '@zhongtai/contracts';
import { AfterCommit } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import { canMove, IllegalOrderTransition } from './order-state';

/** The status changes a transaction made, announced once it has committed (OrderStatusPublisher). */
export const statusChanges = new AfterCommit<{ orderId: string; status: OrderStatus }>('order status changes');

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
  const [, moved]: [unknown, number] = await manager.query(
    `UPDATE orders SET status = $3, failure_reason = coalesce($4, failure_reason), updated_at = now()
     WHERE id = $1 AND status = $2`,
    [orderId, from, to, failureReason],
  );
  if (moved === 0) {
    const rows: { status: OrderStatus }[] = await manager.query('SELECT status FROM orders WHERE id = $1', [orderId]);
    if (rows[0]?.status === to) return;
    throw new IllegalOrderTransition(orderId, rows[0]?.status ?? 'missing', to);
  }
  if (manager.queryRunner?.isTransactionActive) statusChanges.add(manager, { orderId, status: to });
}

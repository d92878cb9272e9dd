import type { FailureReason, OrderStatus } from '@zhongtai/contracts';
import type { EntityManager } from 'typeorm';
import { canMove, IllegalOrderTransition } from './order-state';

/** Where a transaction's status changes wait until it commits (see OrderStatusPublisher). */
export const STATUS_CHANGES = 'orderStatusChanges';

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
  const runner = manager.queryRunner;
  if (runner)
    ((runner.data[STATUS_CHANGES] ??= []) as { orderId: string; status: OrderStatus }[]).push({ orderId, status: to });
}

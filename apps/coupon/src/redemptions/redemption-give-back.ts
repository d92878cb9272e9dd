import type { EntityManager } from 'typeorm';
import type { RedemptionStatus } from './redemption.entity';

/**
 * Releases the order's redemption if it is in `from`, and takes it off the coupon's held count;
 * anything else is left as it is, so the release and restore commands are safe to repeat.
 */
export async function giveBackRedemption(
  manager: EntityManager,
  orderId: string,
  from: RedemptionStatus,
): Promise<void> {
  const [released]: [{ coupon_code: string }[], number] = await manager.query(
    `UPDATE coupon_redemptions SET status = 'RELEASED', updated_at = now()
     WHERE order_id = $1 AND status = $2 RETURNING coupon_code`,
    [orderId, from],
  );
  if (released.length === 0) return;
  await manager.query('UPDATE coupons SET held = held - 1 WHERE code = $1', [released[0].coupon_code]);
}

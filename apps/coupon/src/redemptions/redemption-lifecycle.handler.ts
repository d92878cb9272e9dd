import { Injectable } from '@nestjs/common';
import { CouponCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import { CouponRedemption } from './redemption.entity';
import type { RedemptionStatus } from './redemption.entity';

type OrderRef = PayloadOf<typeof CouponCommands.release>;

/** What happens to a locked redemption afterwards, each step keyed by the order and safe to repeat. */
@Injectable()
export class RedemptionLifecycleHandler {
  /** Compensation of lock: a LOCKED redemption is released; anything else is left as it is. */
  @SagaCommandHandler(CouponCommands.release)
  async releaseLock({ orderId }: OrderRef, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    await giveBack(manager, orderId, 'LOCKED');
    return success();
  }

  /** After payment: the LOCKED redemption becomes REDEEMED; it keeps counting, so held is unchanged. */
  @SagaCommandHandler(CouponCommands.redeem)
  async redeemCoupon({ orderId }: OrderRef, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    const [redeemed]: [unknown[], number] = await manager.query(
      `UPDATE coupon_redemptions SET status = 'REDEEMED', updated_at = now()
       WHERE order_id = $1 AND status = 'LOCKED' RETURNING id`,
      [orderId],
    );
    if (redeemed.length === 1) return success();
    const redemption = await manager.findOneBy(CouponRedemption, { orderId });
    if (redemption?.status === 'REDEEMED') return success();
    // Redeem comes after the pivot, and only for an order whose lock succeeded, so a missing or
    // released redemption means the books disagree. It must not pass as redeemed: throwing makes
    // the orchestrator retry and then park the saga, visible to an operator.
    throw new Error(`order ${orderId} has no locked coupon redemption to redeem (${redemption?.status ?? 'none'})`);
  }

  /** Cancel saga: a REDEEMED redemption is released, so the coupon can be used again; anything else is left. */
  @SagaCommandHandler(CouponCommands.restore)
  async restoreCoupon({ orderId }: OrderRef, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    await giveBack(manager, orderId, 'REDEEMED');
    return success();
  }
}

/** Releases the order's redemption if it is in `from`, and takes it off the coupon's held count. */
async function giveBack(manager: EntityManager, orderId: string, from: RedemptionStatus): Promise<void> {
  const [released]: [{ coupon_code: string }[], number] = await manager.query(
    `UPDATE coupon_redemptions SET status = 'RELEASED', updated_at = now()
     WHERE order_id = $1 AND status = $2 RETURNING coupon_code`,
    [orderId, from],
  );
  if (released.length === 0) return;
  await manager.query('UPDATE coupons SET held = held - 1 WHERE code = $1', [released[0].coupon_code]);
}

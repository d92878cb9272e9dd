import { Injectable } from '@nestjs/common';
import { CouponCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { CouponRedemption } from './redemption.entity';

type Redeem = typeof CouponCommands.redeem;

/** After payment: the locked redemption is redeemed. */
@Injectable()
export class CouponRedeemHandler {
  /** The LOCKED redemption becomes REDEEMED; it keeps counting, so held is unchanged. */
  @SagaCommandHandler(CouponCommands.redeem)
  async redeem({ orderId }: PayloadOf<Redeem>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
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
}

import { Injectable } from '@nestjs/common';
import { CouponCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { giveBackRedemption } from './redemption-give-back';

type Restore = typeof CouponCommands.restore;

/** Cancel saga: the coupon of a refunded order is given back, usable again. */
@Injectable()
export class CouponRestoreHandler {
  /** Only a REDEEMED redemption is released; anything else is left as it is, so repeats are safe. */
  @SagaCommandHandler(CouponCommands.restore)
  async restore({ orderId }: PayloadOf<Restore>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    await giveBackRedemption(manager, orderId, 'REDEEMED');
    return success();
  }
}

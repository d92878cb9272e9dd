import { Injectable } from '@nestjs/common';
import { CouponCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { giveBackRedemption } from './redemption-give-back';

type Release = typeof CouponCommands.release;

/** Compensation of lock: the locked redemption is released and counts no more. */
@Injectable()
export class CouponReleaseHandler {
  /** Only a LOCKED redemption is released; anything else is left as it is, so repeats are safe. */
  @SagaCommandHandler(CouponCommands.release)
  async release({ orderId }: PayloadOf<Release>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    await giveBackRedemption(manager, orderId, 'LOCKED');
    return success();
  }
}

import { Injectable } from '@nestjs/common';
import { InventoryCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { moveReservation } from './reservation-store';

type Release = typeof InventoryCommands.release;

/** Compensation of reserve: the held stock becomes available again. */
@Injectable()
export class InventoryReleaseHandler {
  /**
   * Only a reservation that still holds stock is released. There is nothing to give back when
   * the reserve was refused, already released, or the stock was sold, so those succeed as they are.
   */
  @SagaCommandHandler(InventoryCommands.release)
  async release({ orderId }: PayloadOf<Release>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    await moveReservation(manager, orderId, 'RESERVED', 'RELEASED', 'release');
    return success();
  }
}

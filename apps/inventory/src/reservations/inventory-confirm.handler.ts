import { Injectable } from '@nestjs/common';
import { InventoryCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { findReservation, moveReservation } from './reservation-store';

type Confirm = typeof InventoryCommands.confirm;

/** Checkout, after payment: the held stock is sold and leaves stock on hand. */
@Injectable()
export class InventoryConfirmHandler {
  /**
   * Confirm follows a successful reserve of the same saga, so its reservation is there and
   * held, or already sold (a repeat: nothing more to do). A missing or released reservation
   * cannot happen without a bug or a hand edit. Reporting success would let the saga count
   * as sold stock that nobody holds; throwing keeps this retriable step failing until the
   * orchestrator parks the saga, where an operator sees it.
   */
  @SagaCommandHandler(InventoryCommands.confirm)
  async confirm({ orderId }: PayloadOf<Confirm>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    if (await moveReservation(manager, orderId, 'RESERVED', 'COMMITTED', 'sell')) return success();
    const reservation = await findReservation(manager, orderId);
    if (reservation?.status === 'COMMITTED') return success();
    throw new Error(`order ${orderId} has no held stock to sell (reservation ${reservation?.status ?? 'missing'})`);
  }
}

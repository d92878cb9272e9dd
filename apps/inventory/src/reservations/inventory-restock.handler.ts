import { Injectable } from '@nestjs/common';
import { InventoryCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { moveReservation } from './reservation-store';

type Restock = typeof InventoryCommands.restock;

/** Cancel saga: the stock a refunded order bought goes back on the shelf. */
@Injectable()
export class InventoryRestockHandler {
  /** Only sold stock returns; a reservation that was never sold (or already returned) is left as it is. */
  @SagaCommandHandler(InventoryCommands.restock)
  async restock({ orderId }: PayloadOf<Restock>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    await moveReservation(manager, orderId, 'COMMITTED', 'RELEASED', 'restock');
    return success();
  }
}

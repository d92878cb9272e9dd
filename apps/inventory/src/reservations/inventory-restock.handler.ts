import { Injectable } from '@nestjs/common';
import { InventoryCommands } from '@zhongtai/contracts';
import { SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, StepResult } from '@zhongtai/saga';
import { moveReservation } from './reservation-store';
import { moveStock } from './stock-movements';

type Restock = typeof InventoryCommands.restock;

/** Cancel saga: the stock a refunded order bought goes back on the shelf. */
@Injectable()
export class InventoryRestockHandler {
  /** Only sold stock returns; a reservation that was never sold (or already returned) is left as it is. */
  @SagaCommandHandler(InventoryCommands.restock)
  async restock({ orderId }: PayloadOf<Restock>, { manager }: ParticipantContext): Promise<StepResult<void, never>> {
    const lines = await moveReservation(manager, orderId, 'COMMITTED', 'RELEASED');
    if (lines) await moveStock(manager, 'restock', lines);
    return success();
  }
}

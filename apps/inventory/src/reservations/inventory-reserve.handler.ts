import { Injectable } from '@nestjs/common';
import { InventoryCommands } from '@zhongtai/contracts';
import type { OrderLine } from '@zhongtai/contracts';
import { failure, SagaCommandHandler, success } from '@zhongtai/saga';
import type { ParticipantContext, PayloadOf, ReasonOf, StepResult } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';
import type { Reservation } from './reservation.entity';
import { reservationLines } from './reservation-lines';
import { findReservation, findReservationOrFail, holdReservation } from './reservation-store';
import { lockAvailableStock } from './stock-movements';

type Reserve = typeof InventoryCommands.reserve;
type ReserveResult = StepResult<{ reservationId: string }, ReasonOf<Reserve>>;

/** Checkout, step 2: holds the stock of every line of an order, or of none. */
@Injectable()
export class InventoryReserveHandler {
  /**
   * The products are locked (in sku order) and checked before anything is written, so a
   * refusal leaves no trace even without the barrier's savepoint, and no two reservations can
   * both take the last unit: the second waits for the lock and then sees what the first took.
   * An order's reservation is looked for only when it may exist (the insert found one, or the
   * stock is refused: an order that holds its stock keeps it), not before every reservation.
   */
  @SagaCommandHandler(InventoryCommands.reserve)
  async reserve({ orderId, lines }: PayloadOf<Reserve>, { manager }: ParticipantContext): Promise<ReserveResult> {
    const wanted = reservationLines(lines);
    const refusal = await this.refusal(manager, wanted);
    if (refusal) {
      const existing = await findReservation(manager, orderId);
      return existing ? this.alreadyReserved(existing) : refusal;
    }
    const reservationId = await holdReservation(manager, orderId, wanted);
    if (!reservationId) return this.alreadyReserved(await findReservationOrFail(manager, orderId));
    return success({ reservationId });
  }

  private async refusal(manager: EntityManager, wanted: OrderLine[]): Promise<ReserveResult | undefined> {
    const skus = wanted.map((line) => line.sku);
    const available = await lockAvailableStock(manager, skus);
    const unknown = wanted.filter((line) => !available.has(line.sku)).map((line) => line.sku);
    if (unknown.length > 0) return failure('UNKNOWN_SKU', `unknown skus: ${unknown.join(', ')}`);
    const short = wanted.filter((line) => available.get(line.sku)! < line.quantity).map((line) => line.sku);
    if (short.length > 0) return failure('OUT_OF_STOCK', `not enough stock of: ${short.join(', ')}`);
    return undefined;
  }

  /**
   * One reservation per order. Another saga's reserve for an order that already holds (or has
   * sold) its stock gets the same reservation. A released reservation is not taken again: the
   * order was given up, and reserving anew would be a bug upstream, so it throws and the
   * orchestrator's retries end in compensation or a parked saga, visible to operators.
   */
  private alreadyReserved({ id, orderId, status }: Reservation): ReserveResult {
    if (status === 'RELEASED') throw new Error(`order ${orderId} already released its reservation`);
    return success({ reservationId: id });
  }
}

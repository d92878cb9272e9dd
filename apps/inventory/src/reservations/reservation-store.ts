import type { OrderLine } from '@zhongtai/contracts';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Reservation, ReservationStatus } from './reservation.entity';
import { movementStatement, requireMoved, StockMovement } from './stock-movements';

export function findReservation(manager: EntityManager, orderId: string): Promise<Reservation | null> {
  return manager.findOneBy(Reservation, { orderId });
}

export function findReservationOrFail(manager: EntityManager, orderId: string): Promise<Reservation> {
  return manager.findOneByOrFail(Reservation, { orderId });
}

/**
 * Records what an order holds and holds that stock, in one statement; returns the
 * reservation's id, or undefined if the order has a reservation already (then nothing moves).
 */
export async function holdReservation(
  manager: EntityManager,
  orderId: string,
  lines: OrderLine[],
): Promise<string | undefined> {
  const reservation = `reservation AS (
       INSERT INTO reservations (id, order_id, status, lines) VALUES ($1, $2, 'RESERVED', $3)
       ON CONFLICT (order_id) DO NOTHING RETURNING id, lines),
     ${LINES_OF_RESERVATION}`;
  const [result]: { lines: number; moved: number; id: string | null }[] = await manager.query(
    movementStatement('hold', reservation, ', (SELECT id FROM reservation) AS id'),
    [randomUUID(), orderId, JSON.stringify(lines)],
  );
  requireMoved('hold', result, `the reservation of order ${orderId}`);
  return result.id ?? undefined;
}

const LINES_OF_RESERVATION = `line AS (
       SELECT l.sku, l.quantity FROM reservation, jsonb_to_recordset(reservation.lines) AS l (sku text, quantity integer))`;

/**
 * Moves an order's reservation from one status to another and its stock by `movement`, in one
 * statement; false when there is no reservation in `from` (never made, or already moved on),
 * and then nothing moves. The row lock taken on the reservation serialises every step on one
 * order, so each transition happens once.
 */
export async function moveReservation(
  manager: EntityManager,
  orderId: string,
  from: ReservationStatus,
  to: ReservationStatus,
  movement: StockMovement,
): Promise<boolean> {
  const lines = `reservation AS (
       UPDATE reservations SET status = $3, updated_at = now() WHERE order_id = $1 AND status = $2 RETURNING lines),
     ${LINES_OF_RESERVATION}`;
  const [result]: { lines: number; moved: number }[] = await manager.query(movementStatement(movement, lines), [
    orderId,
    from,
    to,
  ]);
  requireMoved(movement, result, `the reservation of order ${orderId}`);
  return result.lines > 0;
}

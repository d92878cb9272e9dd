import type { OrderLine } from '@zhongtai/contracts';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Reservation, ReservationStatus } from './reservation.entity';

export function findReservation(manager: EntityManager, orderId: string): Promise<Reservation | null> {
  return manager.findOneBy(Reservation, { orderId });
}

export function findReservationOrFail(manager: EntityManager, orderId: string): Promise<Reservation> {
  return manager.findOneByOrFail(Reservation, { orderId });
}

/** Records what an order holds; returns the reservation's id, or undefined if the order has one already. */
export async function recordReservation(
  manager: EntityManager,
  orderId: string,
  lines: OrderLine[],
): Promise<string | undefined> {
  const rows: { id: string }[] = await manager.query(
    `INSERT INTO reservations (id, order_id, status, lines) VALUES ($1, $2, 'RESERVED', $3)
     ON CONFLICT (order_id) DO NOTHING RETURNING id`,
    [randomUUID(), orderId, JSON.stringify(lines)],
  );
  return rows[0]?.id;
}

/**
 * Moves an order's reservation from one status to another and returns its lines, or null when
 * there is no reservation in `from` (never made, or already moved on). The row lock taken here
 * serialises every step on one order, so each transition happens once.
 */
export async function moveReservation(
  manager: EntityManager,
  orderId: string,
  from: ReservationStatus,
  to: ReservationStatus,
): Promise<OrderLine[] | null> {
  const [rows]: [{ lines: OrderLine[] }[], number] = await manager.query(
    `UPDATE reservations SET status = $3, updated_at = now()
     WHERE order_id = $1 AND status = $2 RETURNING lines`,
    [orderId, from, to],
  );
  return rows[0]?.lines ?? null;
}

import type { OrderLine } from '@zhongtai/contracts';
import type { EntityManager } from 'typeorm';

/**
 * The products of some skus, locked until the transaction ends, with the stock nobody holds.
 * Locked in sku order (byte order, like `reservationLines`) so that concurrent reservations
 * queue behind each other instead of deadlocking. A sku missing from the map is unknown.
 */
export async function lockAvailableStock(manager: EntityManager, skus: string[]): Promise<Map<string, number>> {
  const rows: { sku: string; available: number }[] = await manager.query(
    `SELECT sku, stock_on_hand - reserved AS available FROM products
     WHERE sku = ANY($1::text[]) ORDER BY sku COLLATE "C" FOR UPDATE`,
    [skus],
  );
  return new Map(rows.map((row) => [row.sku, row.available]));
}

/**
 * How each step of a reservation's life moves a product's counters. Every movement is a
 * conditional update: it applies only where the counters allow it, and the CHECK constraints
 * of `products` stand behind it.
 */
const MOVEMENTS = {
  hold: { set: 'reserved = reserved + $2', allowed: 'stock_on_hand - reserved >= $2' },
  release: { set: 'reserved = reserved - $2', allowed: 'reserved >= $2' },
  sell: {
    set: 'stock_on_hand = stock_on_hand - $2, reserved = reserved - $2, sold = sold + $2',
    allowed: 'reserved >= $2',
  },
  restock: { set: 'stock_on_hand = stock_on_hand + $2, sold = sold - $2', allowed: 'sold >= $2' },
} as const;

export type StockMovement = keyof typeof MOVEMENTS;

/**
 * Applies a movement to every line, in the lines' (sku) order. Callers have already decided
 * that the movement is allowed, so a line it cannot apply to means the counters disagree with
 * the reservations: that is a bug, and it throws (rolling the whole transaction back).
 */
export async function moveStock(manager: EntityManager, movement: StockMovement, lines: OrderLine[]): Promise<void> {
  const { set, allowed } = MOVEMENTS[movement];
  for (const { sku, quantity } of lines) {
    const [, affected]: [unknown[], number] = await manager.query(
      `UPDATE products SET ${set}, updated_at = now() WHERE sku = $1 AND ${allowed}`,
      [sku, quantity],
    );
    if (affected !== 1) throw new Error(`cannot ${movement} ${quantity} of ${sku}: stock disagrees with reservations`);
  }
}

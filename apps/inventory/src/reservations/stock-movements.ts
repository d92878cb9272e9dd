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
 * How each step of a reservation's life moves a product's counters, by `line.quantity`. Every
 * movement is a conditional update: it applies only where the counters allow it, and the CHECK
 * constraints of `products` stand behind it.
 */
const MOVEMENTS = {
  hold: { set: 'reserved = reserved + line.quantity', allowed: 'stock_on_hand - reserved >= line.quantity' },
  release: { set: 'reserved = reserved - line.quantity', allowed: 'reserved >= line.quantity' },
  sell: {
    set: `stock_on_hand = stock_on_hand - line.quantity, reserved = reserved - line.quantity,
      sold = sold + line.quantity`,
    allowed: 'reserved >= line.quantity',
  },
  restock: {
    set: 'stock_on_hand = stock_on_hand + line.quantity, sold = sold - line.quantity',
    allowed: 'sold >= line.quantity',
  },
} as const;

export type StockMovement = keyof typeof MOVEMENTS;

/**
 * The statement of a movement, after CTEs that give its lines (`line`: sku, quantity): the
 * products are locked first, in sku order as `lockAvailableStock` locks them, so that
 * concurrent movements of orders naming the same skus queue instead of deadlocking. It returns
 * how many lines there were and how many products moved (and `select`, columns of the lines' CTEs).
 */
export function movementStatement(movement: StockMovement, lines: string, select = ''): string {
  const { set, allowed } = MOVEMENTS[movement];
  return `WITH ${lines},
     locked AS MATERIALIZED (
       SELECT sku FROM products WHERE sku IN (SELECT sku FROM line) ORDER BY sku COLLATE "C" FOR UPDATE),
     moved AS (
       UPDATE products SET ${set}, updated_at = now()
       FROM locked JOIN line USING (sku)
       WHERE products.sku = line.sku AND ${allowed} RETURNING products.sku)
     SELECT (SELECT count(*) FROM line)::integer AS lines, (SELECT count(*) FROM moved)::integer AS moved${select}`;
}

/**
 * Callers have already decided that the movement is allowed, so a line it cannot apply to
 * means the counters disagree with the reservations: that is a bug, and it throws (rolling the
 * whole transaction back).
 */
export function requireMoved(movement: StockMovement, result: { lines: number; moved: number }, what: string): void {
  if (result.moved !== result.lines) throw new Error(`cannot ${movement} ${what}: stock disagrees with reservations`);
}

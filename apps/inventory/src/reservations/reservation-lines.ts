import type { OrderLine } from '@zhongtai/contracts';

/**
 * The lines of an order as a reservation holds them: one line per sku (repeated skus add up)
 * and sorted by sku, because every transaction that touches several products locks them in
 * that order, and transactions that lock in the same order cannot deadlock.
 *
 * A quantity that is not a positive integer is a bug upstream (the gateway validates orders),
 * not a business outcome, so it throws.
 */
export function reservationLines(lines: readonly OrderLine[]): OrderLine[] {
  const quantities = new Map<string, number>();
  for (const { sku, quantity } of lines) {
    if (typeof sku !== 'string' || !Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new Error(`invalid order line ${JSON.stringify({ sku, quantity })}`);
    }
    quantities.set(sku, (quantities.get(sku) ?? 0) + quantity);
  }
  return [...quantities].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, quantity]) => ({ sku, quantity }));
}

import type { CouponQuoteResponse } from './coupon';
import type { FailureReason } from './failure-reasons';
import type { OrderLine } from './inventory';

export interface PricedLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

/**
 * The one way lines are priced, by the checkout when it places an order and by the gateway's
 * quote before it: from the catalogue as it is now, an unknown sku at 0 (the order is then
 * refused for its stock), the client never sending a price.
 */
export function priceLines(
  lines: OrderLine[],
  catalogue: Map<string, { name: string; priceCents: number }>,
): { items: PricedLine[]; subtotalCents: number } {
  const items = lines.map(({ sku, quantity }) => {
    const product = catalogue.get(sku);
    const unitPriceCents = product?.priceCents ?? 0;
    return { sku, name: product?.name ?? sku, quantity, unitPriceCents, lineTotalCents: unitPriceCents * quantity };
  });
  return { items, subtotalCents: items.reduce((sum, item) => sum + item.lineTotalCents, 0) };
}

/** A coupon's discount on `subtotalCents`: never more than the subtotal, nothing if refused. */
export function discountOf(coupon: CouponQuoteResponse, subtotalCents: number): number {
  return coupon.ok ? Math.min(coupon.discountCents, subtotalCents) : 0;
}

/**
 * Why an order of `lines` is refused for its stock as the catalogue stands now, or null. Only
 * the reservation decides that stock is there: a quote that saw enough proves nothing, one that
 * saw too little is a refusal.
 */
export function stockRefusal(
  lines: OrderLine[],
  catalogue: Map<string, { available: number }>,
): Extract<FailureReason, 'UNKNOWN_SKU' | 'OUT_OF_STOCK'> | null {
  if (lines.some((line) => !catalogue.has(line.sku))) return 'UNKNOWN_SKU';
  if (lines.some((line) => catalogue.get(line.sku)!.available < line.quantity)) return 'OUT_OF_STOCK';
  return null;
}

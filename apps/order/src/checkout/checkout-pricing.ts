import { Injectable } from '@nestjs/common';
import { CatalogueRpc, CouponRpc, discountOf, priceLines, stockRefusal } from '@zhongtai/contracts';
import type { CouponQuoteResponse, OrderLine, PlaceOrderRequest, QuoteResponse } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import type { OrderItem } from '../orders/order.entity';

export interface PricedOrder {
  items: OrderItem[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  /** Why the order cannot succeed as the catalogue stands now (`stockRefusal`), or null. */
  stockRefusal: ReturnType<typeof stockRefusal>;
}

/**
 * Prices an order from the catalogue and the coupon as they are now; the client never sends
 * a price. An unknown sku is priced at 0 and a refused coupon gives no discount: the order is
 * refused at once for its stock, or by the saga's reservation or coupon lock, and ends CANCELLED.
 * When the gateway's flash-sale gate promised the stock, it sends the products as it knows
 * them (names and prices never change once a product exists), and no quote is needed.
 */
@Injectable()
export class CheckoutPricing {
  constructor(
    @InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient,
    @InjectRpcClient('coupon') private readonly coupons: ServiceRpcClient,
  ) {}

  async priceOrder({
    customerId,
    items: lines,
    couponCode,
    catalogue: promised,
  }: PlaceOrderRequest): Promise<PricedOrder> {
    const quoted = promised ? undefined : await this.quote(lines);
    const catalogue: Map<string, { name: string; priceCents: number }> =
      quoted ?? new Map(lines.map((line, i) => [line.sku, promised![i]]));
    const { items, subtotalCents } = priceLines(lines, catalogue);
    let discountCents = 0;
    if (couponCode !== null) {
      const coupon = await this.coupons.request<CouponQuoteResponse>(CouponRpc.quote, {
        code: couponCode,
        customerId,
        subtotalCents,
      });
      discountCents = discountOf(coupon, subtotalCents);
    }
    const totalCents = subtotalCents - discountCents;
    // Stock the gate promised is not refused here: the reservation decides, as for any order.
    const refusal = quoted ? stockRefusal(lines, quoted) : null;
    return { items, subtotalCents, discountCents, totalCents, stockRefusal: refusal };
  }

  private async quote(lines: OrderLine[]): Promise<Map<string, QuoteResponse['products'][number]>> {
    const quote = await this.inventory.request<QuoteResponse>(CatalogueRpc.quote, { skus: lines.map((l) => l.sku) });
    return new Map(quote.products.map((p) => [p.sku, p]));
  }
}

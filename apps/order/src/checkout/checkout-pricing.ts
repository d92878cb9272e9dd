import { Injectable } from '@nestjs/common';
import { CouponRpc, InventoryRpc } from '@zhongtai/contracts';
import type { CouponQuoteResponse, OrderLine, QuoteResponse } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import type { OrderItem } from '../orders/order.entity';

export interface PricedOrder {
  items: OrderItem[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
}

/**
 * Prices an order from the catalogue and the coupon as they are now; the client never sends
 * a price. An unknown sku is priced at 0 and a refused coupon gives no discount: the saga's
 * reservation or coupon lock then refuses with the reason, and the order ends CANCELLED.
 */
@Injectable()
export class CheckoutPricing {
  constructor(
    @InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient,
    @InjectRpcClient('coupon') private readonly coupons: ServiceRpcClient,
  ) {}

  async priceOrder(customerId: string, lines: OrderLine[], couponCode: string | null): Promise<PricedOrder> {
    const quote = await this.inventory.request<QuoteResponse>(InventoryRpc.quote, { skus: lines.map((l) => l.sku) });
    const catalogue = new Map(quote.products.map((p) => [p.sku, p]));
    const items = lines.map(({ sku, quantity }) => {
      const product = catalogue.get(sku);
      const unitPriceCents = product?.priceCents ?? 0;
      return { sku, name: product?.name ?? sku, quantity, unitPriceCents, lineTotalCents: unitPriceCents * quantity };
    });
    const subtotalCents = items.reduce((sum, item) => sum + item.lineTotalCents, 0);
    let discountCents = 0;
    if (couponCode !== null) {
      const coupon = await this.coupons.request<CouponQuoteResponse>(CouponRpc.quote, {
        code: couponCode,
        customerId,
        subtotalCents,
      });
      if (coupon.ok) discountCents = Math.min(coupon.discountCents, subtotalCents);
    }
    return { items, subtotalCents, discountCents, totalCents: subtotalCents - discountCents };
  }
}

import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags, PickType } from '@nestjs/swagger';
import { CatalogueRpc, CouponRpc, CURRENCY, discountOf, priceLines, stockRefusal } from '@zhongtai/contracts';
import type { CouponQuoteResponse, QuoteResponse } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { CheckoutRequest } from './checkout.request';

/** The lines and the coupon of a checkout, priced before it is placed. */
export class QuoteRequest extends PickType(CheckoutRequest, ['items', 'couponCode'] as const) {}

class QuoteLineResponse {
  @ApiProperty() sku!: string;
  @ApiProperty() name!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty({ description: '0 for an unknown sku' }) unitPriceCents!: number;
  @ApiProperty() lineTotalCents!: number;
  @ApiProperty({ description: 'Units that no reservation holds now (0 for an unknown sku): a hint' })
  available!: number;
}

class QuoteCouponResponse {
  @ApiProperty() code!: string;
  @ApiProperty({ description: 'Whether the coupon would apply to this subtotal now' }) ok!: boolean;
  @ApiPropertyOptional({
    enum: ['COUPON_INVALID', 'COUPON_EXPIRED', 'COUPON_EXHAUSTED', 'COUPON_MIN_SUBTOTAL'],
    description: 'Why it would not',
  })
  reason?: string;
}

export class QuoteResponseBody {
  @ApiProperty({ type: [QuoteLineResponse] }) items!: QuoteLineResponse[];
  @ApiProperty() subtotalCents!: number;
  @ApiProperty() discountCents!: number;
  @ApiProperty() totalCents!: number;
  @ApiProperty({ enum: [CURRENCY] }) currency!: typeof CURRENCY;
  @ApiProperty({ type: QuoteCouponResponse, nullable: true }) coupon!: QuoteCouponResponse | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['UNKNOWN_SKU', 'OUT_OF_STOCK'],
    description: 'Why a checkout of these lines would be refused now for its stock, or null',
  })
  stockRefusal!: 'UNKNOWN_SKU' | 'OUT_OF_STOCK' | null;
}

/**
 * A price quote: what a checkout of these lines would cost the caller now, the coupon's
 * discount or why it does not apply. Nothing is reserved or locked; the checkout prices the
 * order again when it is placed, the same way.
 */
@ApiTags('checkout')
@ApiBearerAuth()
@Controller('checkout/quote')
export class QuoteController {
  constructor(
    @InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient,
    @InjectRpcClient('coupon') private readonly coupons: ServiceRpcClient,
  ) {}

  @Post()
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: QuoteResponseBody })
  @ApiProblemResponses(400, 401, 403, 429, 502, 504)
  async quote(@CurrentPrincipal() principal: Principal, @Body() body: QuoteRequest): Promise<QuoteResponseBody> {
    const quoted = await this.inventory.request<QuoteResponse>(CatalogueRpc.quote, {
      skus: body.items.map((line) => line.sku),
    });
    const catalogue = new Map(quoted.products.map((p) => [p.sku, p]));
    const priced = priceLines(body.items, catalogue);
    const items = priced.items.map((item) => ({ ...item, available: catalogue.get(item.sku)?.available ?? 0 }));
    const { subtotalCents } = priced;
    let discountCents = 0;
    let coupon: QuoteCouponResponse | null = null;
    if (body.couponCode !== undefined) {
      const answer = await this.coupons.request<CouponQuoteResponse>(CouponRpc.quote, {
        code: body.couponCode,
        customerId: principal.subject,
        subtotalCents,
      });
      discountCents = discountOf(answer, subtotalCents);
      coupon = answer.ok
        ? { code: body.couponCode, ok: true }
        : { code: body.couponCode, ok: false, reason: answer.reason };
    }
    return {
      items,
      subtotalCents,
      discountCents,
      totalCents: subtotalCents - discountCents,
      currency: CURRENCY,
      coupon,
      stockRefusal: stockRefusal(body.items, catalogue),
    };
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FAILURE_REASONS } from '@zhongtai/contracts';
import { PAYMENT_METHODS } from '@zhongtai/contracts';
import type { FailureReason, OrderPaymentLink, OrderStatus, OrderView, PaymentMethod } from '@zhongtai/contracts';

class OrderPaymentLinkResponse implements OrderPaymentLink {
  @ApiProperty({ description: "The provider's pay page for this order" }) payUrl!: string;
  @ApiProperty({ format: 'date-time', description: 'The provider takes no payment after this' }) expiresAt!: string;
}

class OrderItemResponse {
  @ApiProperty({ example: 'TEA-LONGJING' }) sku!: string;
  @ApiProperty({ example: 'Longjing green tea, 250 g' }) name!: string;
  @ApiProperty({ example: 2 }) quantity!: number;
  @ApiProperty({ example: 12800, description: 'Catalogue price at checkout, fen' }) unitPriceCents!: number;
  @ApiProperty({ example: 25600 }) lineTotalCents!: number;
}

export class OrderResponse implements OrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ enum: ['PENDING', 'AWAITING_PAYMENT', 'PAID', 'CANCELLED', 'CANCELLING', 'REFUNDED'] })
  status!: OrderStatus;
  @ApiProperty({ type: [OrderItemResponse] }) items!: OrderItemResponse[];
  @ApiProperty({ example: 25600 }) subtotalCents!: number;
  @ApiProperty({ example: 2560 }) discountCents!: number;
  @ApiProperty({ example: 23040 }) totalCents!: number;
  @ApiProperty({ enum: ['CNY'] }) currency!: 'CNY';
  @ApiProperty({ type: String, nullable: true, example: 'WELCOME10' }) couponCode!: string | null;
  @ApiProperty({ enum: PAYMENT_METHODS }) paymentMethod!: PaymentMethod;
  @ApiPropertyOptional({
    type: OrderPaymentLinkResponse,
    description: 'Where to pay an order paid at the provider, once it awaits payment',
  })
  payment?: OrderPaymentLinkResponse;
  @ApiProperty({
    enum: FAILURE_REASONS,
    nullable: true,
    description: 'Why a checkout ended CANCELLED; CANCELLED_BY_CUSTOMER is an addition to the contract',
  })
  failureReason!: FailureReason | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class OrderPageResponse {
  @ApiProperty({ type: [OrderResponse] }) items!: OrderResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last' })
  nextCursor!: string | null;
}

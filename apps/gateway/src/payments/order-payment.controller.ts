import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { OrderRpc, PaymentRpc } from '@zhongtai/contracts';
import type { OrderPaymentStatus, OrderPaymentView, OrderView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { orderIdOr404 } from '../orders/orders.controller';

export class OrderPaymentResponse implements OrderPaymentView {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ enum: ['AWAITING_PAYMENT', 'PAID', 'FAILED', 'CLOSED', 'REFUNDED'] }) status!: OrderPaymentStatus;
  @ApiProperty({ example: 23040 }) amountCents!: number;
  @ApiProperty({ format: 'uuid', description: "The payment's id at the provider" }) providerPaymentId!: string;
  @ApiProperty({ description: 'Where the customer pays, until expiresAt' }) payUrl!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) paidAt!: string | null;
}

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrderPaymentController {
  constructor(
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
    @InjectRpcClient('payment') private readonly payments: ServiceRpcClient,
  ) {}

  /** The payment of an order paid at the provider: its state there and the pay URL. 404 PAYMENT_NOT_FOUND for a wallet order. */
  @Get(':id/payment')
  @ApiOkResponse({ type: OrderPaymentResponse })
  @ApiProblemResponses(401, 403, 404, 429)
  async findOrderPayment(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<OrderPaymentView> {
    // The order must be the caller's: the payment service knows no customers' orders.
    const order = await this.orders.request<OrderView>(OrderRpc.getOrder, {
      orderId: orderIdOr404(id),
      customerId: principal.subject,
    });
    return this.payments.request<OrderPaymentView>(PaymentRpc.orderPayment, { orderId: order.id });
  }
}

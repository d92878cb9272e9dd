import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type { CancelOrderRequest, OrderView } from '@zhongtai/contracts';
import { OrderCancellationService } from './order-cancellation.service';

/** Where cancellation enters the order service: a customer's or an operator's request. */
@Controller()
export class CancellationRpcController {
  constructor(private readonly cancellation: OrderCancellationService) {}

  @MessagePattern(OrderRpc.cancelOrder)
  cancelOrder(@Payload() request: CancelOrderRequest): Promise<OrderView> {
    return this.cancellation.cancelOrder(request.orderId, request.customerId);
  }
}

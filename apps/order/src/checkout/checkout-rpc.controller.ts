import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type { PlaceOrderRequest, PlaceOrderResponse } from '@zhongtai/contracts';
import { OrderPlacementService } from './order-placement.service';

/** Where checkout enters the order service: the gateway's placement request. */
@Controller()
export class CheckoutRpcController {
  constructor(private readonly placement: OrderPlacementService) {}

  @MessagePattern(OrderRpc.placeOrder)
  placeOrder(@Payload() request: PlaceOrderRequest): Promise<PlaceOrderResponse> {
    return this.placement.placeOrder(request);
  }
}

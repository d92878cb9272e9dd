import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type {
  CancelOrderRequest,
  GetOrderRequest,
  ListOrdersRequest,
  OrderPage,
  OrderView,
  PlaceOrderRequest,
  PlaceOrderResponse,
} from '@zhongtai/contracts';
import { CheckoutService } from '../checkout/checkout.service';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersController {
  constructor(
    private readonly checkout: CheckoutService,
    private readonly orders: OrdersService,
  ) {}

  @MessagePattern(OrderRpc.placeOrder)
  placeOrder(@Payload() request: PlaceOrderRequest): Promise<PlaceOrderResponse> {
    return this.checkout.placeOrder(request);
  }

  @MessagePattern(OrderRpc.getOrder)
  findOrder(@Payload() request: GetOrderRequest): Promise<OrderView> {
    return this.orders.findOrder(request.orderId, request.customerId);
  }

  @MessagePattern(OrderRpc.listOrders)
  listOrders(@Payload() request: ListOrdersRequest): Promise<OrderPage> {
    return this.orders.listOrders(request.customerId, request.limit, request.cursor);
  }

  @MessagePattern(OrderRpc.cancelOrder)
  cancelOrder(@Payload() request: CancelOrderRequest): Promise<OrderView> {
    return this.orders.cancelOrder(request.orderId, request.customerId);
  }
}

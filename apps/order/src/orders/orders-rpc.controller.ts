import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type { GetOrderRequest, ListOrdersRequest, OrderPage, OrderView } from '@zhongtai/contracts';
import { OrdersService } from './orders.service';

/** Reading orders over RPC: one order, or a customer's orders a page at a time. */
@Controller()
export class OrdersRpcController {
  constructor(private readonly orders: OrdersService) {}

  @MessagePattern(OrderRpc.getOrder)
  findOrder(@Payload() request: GetOrderRequest): Promise<OrderView> {
    return this.orders.findOrder(request.orderId, request.customerId);
  }

  @MessagePattern(OrderRpc.listOrders)
  listOrders(@Payload() request: ListOrdersRequest): Promise<OrderPage> {
    return this.orders.listOrders(request.customerId, request.limit, request.cursor);
  }
}

import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { OrderRpc } from '@zhongtai/contracts';
import type {
  FindOrderByKeyRequest,
  GetOrderRequest,
  ListOrdersRequest,
  OrderByKey,
  OrderPage,
  OrderView,
} from '@zhongtai/contracts';
import { OrdersService } from './orders.service';

/** Reading orders over RPC: one order, or a customer's orders a page at a time. */
@Controller()
export class OrdersRpcController {
  constructor(private readonly orders: OrdersService) {}

  @MessagePattern(OrderRpc.getOrder)
  findOrder(@Payload() request: GetOrderRequest): Promise<OrderView> {
    return this.orders.findOrder(request.orderId, request.customerId);
  }

  /** For a gateway that finds a key claimed by a request that may have died with its gateway. */
  @MessagePattern(OrderRpc.findOrderByKey)
  findOrderByKey(@Payload() request: FindOrderByKeyRequest): Promise<OrderByKey> {
    return this.orders.findOrderByKey(request.customerId, request.idempotencyKey);
  }

  @MessagePattern(OrderRpc.listOrders)
  listOrders(@Payload() request: ListOrdersRequest): Promise<OrderPage> {
    return this.orders.listOrders(request.customerId, request.limit, request.cursor);
  }
}

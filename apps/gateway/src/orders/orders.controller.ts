import { Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrderRpc } from '@zhongtai/contracts';
import type { OrderPage, OrderView } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import { CurrentPrincipal } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { ApiProblemResponses } from '../http/api-problem-responses';
import { isUuid, PageQuery } from '../http/list-query';
import { OrderPageResponse, OrderResponse } from './order.response';
import { OrderWaiter, preferredWait } from './order-waiter';

const CANCEL_FINAL = ['CANCELLED', 'REFUNDED'] as const;

@ApiTags('orders')
@ApiBearerAuth()
@Controller('orders')
export class OrdersController {
  constructor(
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
    private readonly waiter: OrderWaiter,
  ) {}

  @Get()
  @ApiOkResponse({ type: OrderPageResponse, description: 'The caller’s orders, newest first' })
  @ApiProblemResponses(400, 401, 403, 429)
  listOrders(@CurrentPrincipal() principal: Principal, @Query() page: PageQuery): Promise<OrderPage> {
    return this.orders.request<OrderPage>(OrderRpc.listOrders, { customerId: principal.subject, ...page });
  }

  @Get(':id')
  @ApiOkResponse({ type: OrderResponse })
  @ApiProblemResponses(401, 403, 404, 429)
  findOrder(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<OrderView> {
    return this.orders.request<OrderView>(OrderRpc.getOrder, {
      orderId: orderIdOr404(id),
      customerId: principal.subject,
    });
  }

  /** Before payment the checkout is compensated; after it the order is refunded, restocked and the coupon returned. */
  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiHeader({ name: 'Prefer', required: false, description: 'wait=N: seconds to wait for CANCELLED or REFUNDED' })
  @ApiOkResponse({
    type: OrderResponse,
    description: 'The order, CANCELLED or REFUNDED if that happened within the wait',
  })
  @ApiProblemResponses(401, 403, 404, 409, 429)
  async cancelOrder(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Headers('prefer') prefer: string | undefined,
  ): Promise<OrderView> {
    const order = await this.orders.request<OrderView>(OrderRpc.cancelOrder, {
      orderId: orderIdOr404(id),
      customerId: principal.subject,
    });
    return this.waiter.waitFor(order.id, CANCEL_FINAL, preferredWait(prefer), order);
  }
}

/** Order ids are UUIDs; anything else names no order. */
export function orderIdOr404(id: string): string {
  if (!isUuid(id)) throw new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No order ${id.slice(0, 64)}`);
  return id;
}

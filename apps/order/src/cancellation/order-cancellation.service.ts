import { HttpStatus, Injectable } from '@nestjs/common';
import type { OrderView } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { SagaOrchestrator } from '@zhongtai/saga';
import { DataSource } from 'typeorm';
import { Order } from '../orders/order.entity';
import { moveOrder } from '../orders/order-transitions';
import { orderNotFound, OrdersService } from '../orders/orders.service';
import { cancelOrderSaga } from './cancel-order.saga';

@Injectable()
export class OrderCancellationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
    private readonly orchestrator: SagaOrchestrator,
  ) {}

  /**
   * Cancels an order. Before payment the checkout saga is aborted and compensates what it
   * did; once paid, the cancel saga refunds, restocks and gives the coupon back. 409 when
   * the order's state allows neither.
   */
  async cancelOrder(orderId: string, customerId?: string): Promise<OrderView> {
    await this.dataSource.transaction(async (manager) => {
      const order = await manager.findOne(Order, {
        where: customerId ? { id: orderId, customerId } : { id: orderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!order) throw orderNotFound(orderId);
      if (order.status === 'PENDING' || order.status === 'AWAITING_PAYMENT') {
        if (await this.orchestrator.abort(manager, orderId, 'CANCELLED_BY_CUSTOMER')) return;
        throw notCancellable(order.status, 'its payment is being completed or it is already being cancelled');
      }
      if (order.status !== 'PAID') throw notCancellable(order.status, 'it is not paid');
      await moveOrder(manager, orderId, 'PAID', 'CANCELLING');
      await this.orchestrator.start(manager, cancelOrderSaga, { orderId, couponCode: order.couponCode });
    });
    return this.orders.findOrder(orderId);
  }
}

function notCancellable(status: string, why: string): ProblemException {
  return new ProblemException(HttpStatus.CONFLICT, 'ORDER_NOT_CANCELLABLE', `The order is ${status}: ${why}`);
}

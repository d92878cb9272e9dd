import { HttpStatus, Injectable } from '@nestjs/common';
import type { OrderView } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { SagaOrchestrator } from '@zhongtai/saga';
import { DataSource } from 'typeorm';
import { Order } from '../orders/order.entity';
import { moveOrder } from '../orders/order-transitions';
import { orderNotFound, OrdersService } from '../orders/orders.service';
import { cancelOrderSaga } from './cancel-order.saga';

/**
 * How long a cancel waits for the checkout saga of an order just paid to finish (one or two
 * steps, well inside the gateway's request timeout), and how often it looks.
 */
const SETTLING_WAIT_MS = 2_000;
const SETTLING_POLL_MS = 20;

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
    const deadline = Date.now() + SETTLING_WAIT_MS;
    while (!(await this.cancelOnce(orderId, customerId, Date.now() >= deadline))) {
      await new Promise((resolve) => setTimeout(resolve, SETTLING_POLL_MS));
    }
    return this.orders.findOrder(orderId);
  }

  /** False while the order is paid and its checkout saga still runs, unless this is the last try. */
  private cancelOnce(orderId: string, customerId: string | undefined, lastTry: boolean): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const order = await manager.findOne(Order, {
        where: customerId ? { id: orderId, customerId } : { id: orderId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!order) throw orderNotFound(orderId);
      if (order.status === 'PENDING' || order.status === 'AWAITING_PAYMENT') {
        if (await this.orchestrator.abort(manager, orderId, 'CANCELLED_BY_CUSTOMER')) return true;
        throw notCancellable(order.status, 'its payment is being completed or it is already being cancelled');
      }
      if (order.status !== 'PAID') throw notCancellable(order.status, 'it is not paid');
      // An order is paid at the checkout's pivot; the saga then confirms the stock and redeems
      // the coupon, and the refund's restock and coupon return must not overtake them.
      if (!(await this.orchestrator.hasEnded(manager, orderId))) {
        if (lastTry) throw notCancellable(order.status, 'its payment is being completed');
        return false;
      }
      await moveOrder(manager, orderId, 'PAID', 'CANCELLING');
      await this.orchestrator.start(manager, cancelOrderSaga, { orderId, couponCode: order.couponCode });
      return true;
    });
  }
}

function notCancellable(status: string, why: string): ProblemException {
  return new ProblemException(HttpStatus.CONFLICT, 'ORDER_NOT_CANCELLABLE', `The order is ${status}: ${why}`);
}

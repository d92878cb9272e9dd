import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OrderPage, OrderView } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { decodeCursor, encodeCursor, SagaOrchestrator } from '@zhongtai/saga';
import { DataSource, Repository } from 'typeorm';
import { cancelOrderSaga } from '../cancellation/cancel-order.saga';
import { Order } from './order.entity';
import { moveOrder } from './order-transitions';
import { toOrderView } from './order.view';

@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly orchestrator: SagaOrchestrator,
  ) {}

  /** An order; another customer's order is not found, not forbidden. */
  async findOrder(orderId: string, customerId?: string): Promise<OrderView> {
    const order = await this.orders.findOneBy(customerId ? { id: orderId, customerId } : { id: orderId });
    if (!order) throw notFound(orderId);
    return toOrderView(order);
  }

  async listOrders(customerId: string, limit: number, cursor?: string): Promise<OrderPage> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !after) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The cursor is not valid');
    }
    const query = this.orders
      .createQueryBuilder('o')
      .where('o.customer_id = :customerId', { customerId })
      .orderBy('o.created_at', 'DESC')
      .addOrderBy('o.id', 'DESC')
      .addSelect('o.created_at::text', 'cursor_created_at')
      .limit(limit + 1);
    if (after) query.andWhere('(o.created_at, o.id) < (:createdAt::timestamptz, :id::uuid)', after);
    const { entities, raw } = await query.getRawAndEntities<{ cursor_created_at: string }>();
    const items = entities.slice(0, limit).map(toOrderView);
    const last = entities.length > limit ? limit - 1 : -1;
    return { items, nextCursor: last >= 0 ? encodeCursor(raw[last].cursor_created_at, entities[last].id) : null };
  }

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
      if (!order) throw notFound(orderId);
      if (order.status === 'PENDING') {
        if (await this.orchestrator.abort(manager, orderId, 'CANCELLED_BY_CUSTOMER')) return;
        throw notCancellable(order.status, 'its payment is being completed or it is already being cancelled');
      }
      if (order.status !== 'PAID') throw notCancellable(order.status, 'it is not paid');
      await moveOrder(manager, orderId, 'PAID', 'CANCELLING');
      await this.orchestrator.start(manager, cancelOrderSaga, { orderId, couponCode: order.couponCode });
    });
    return this.findOrder(orderId);
  }
}

function notFound(orderId: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No order ${orderId}`);
}

function notCancellable(status: string, why: string): ProblemException {
  return new ProblemException(HttpStatus.CONFLICT, 'ORDER_NOT_CANCELLABLE', `The order is ${status}: ${why}`);
}

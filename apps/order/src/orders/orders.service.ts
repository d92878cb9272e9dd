import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { OrderByKey, OrderPage, OrderView } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { decodeCursor, encodeCursor } from '@zhongtai/saga';
import { Repository } from 'typeorm';
import { Order } from './order.entity';
import { toOrderView } from './order.view';

@Injectable()
export class OrdersService {
  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>) {}

  /** An order; another customer's order is not found, not forbidden. */
  async findOrder(orderId: string, customerId?: string): Promise<OrderView> {
    const order = await this.orders.findOneBy(customerId ? { id: orderId, customerId } : { id: orderId });
    if (!order) throw orderNotFound(orderId);
    return toOrderView(order);
  }

  async findOrderByKey(customerId: string, idempotencyKey: string): Promise<OrderByKey> {
    const order = await this.orders.findOneBy({ customerId, idempotencyKey });
    return order ? { order: toOrderView(order), requestHash: order.requestHash } : null;
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
}

export function orderNotFound(orderId: string): ProblemException {
  return new ProblemException(HttpStatus.NOT_FOUND, 'NOT_FOUND', `No order ${orderId}`);
}

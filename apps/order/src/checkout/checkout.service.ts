import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PlaceOrderRequest, PlaceOrderResponse } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { SagaOrchestrator } from '@zhongtai/saga';
import { DataSource, Repository } from 'typeorm';
import { Order } from '../orders/order.entity';
import { toOrderView } from '../orders/order.view';
import { CheckoutPricing } from './checkout-pricing';
import { checkoutSaga } from './checkout.saga';

/** The largest total an order may have: order amounts are 32-bit integers of fen. */
const MAX_ORDER_TOTAL_CENTS = 2_000_000_000;

@Injectable()
export class CheckoutService {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly pricing: CheckoutPricing,
    private readonly orchestrator: SagaOrchestrator,
  ) {}

  /**
   * Places an order and starts its checkout saga in one local transaction. The unique
   * (customer, idempotency key) makes a second order for one key impossible, whatever the
   * gateway's Redis remembers: a repeated key gets the order it placed.
   */
  async placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResponse> {
    const earlier = await this.orders.findOneBy({
      customerId: request.customerId,
      idempotencyKey: request.idempotencyKey,
    });
    if (earlier) return this.replay(earlier, request.requestHash);

    const priced = await this.pricing.priceOrder(request.customerId, request.items, request.couponCode);
    if (priced.subtotalCents > MAX_ORDER_TOTAL_CENTS) {
      throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, 'ORDER_TOO_LARGE', 'The order total is too large');
    }
    const orderId = randomUUID();
    const placed = await this.dataSource.transaction(async (manager) => {
      const inserted: { currency: 'CNY'; created_at: Date; updated_at: Date }[] = await manager.query(
        `INSERT INTO orders (id, customer_id, idempotency_key, request_hash, status, items, subtotal_cents,
           discount_cents, total_cents, coupon_code, payment_method)
         VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10)
         ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING currency, created_at, updated_at`,
        [
          orderId,
          request.customerId,
          request.idempotencyKey,
          request.requestHash,
          JSON.stringify(priced.items),
          priced.subtotalCents,
          priced.discountCents,
          priced.totalCents,
          request.couponCode,
          request.paymentMethod,
        ],
      );
      if (inserted.length === 0) return undefined;
      const { subtotalCents, discountCents, totalCents } = priced;
      const { customerId, items: lines, couponCode } = request;
      const data = { orderId, customerId, lines, couponCode, subtotalCents, discountCents, totalCents };
      await this.orchestrator.start(manager, checkoutSaga, data, { sagaId: orderId });
      const { currency, created_at: createdAt, updated_at: updatedAt } = inserted[0];
      return this.orders.create({
        ...request,
        id: orderId,
        status: 'PENDING',
        items: priced.items,
        subtotalCents,
        discountCents,
        totalCents,
        currency,
        failureReason: null,
        createdAt,
        updatedAt,
      });
    });
    if (!placed) {
      const raced = await this.orders.findOneByOrFail({
        customerId: request.customerId,
        idempotencyKey: request.idempotencyKey,
      });
      return this.replay(raced, request.requestHash);
    }
    return { order: toOrderView(placed), replayed: false };
  }

  private replay(order: Order, requestHash: string): PlaceOrderResponse {
    if (order.requestHash !== requestHash) {
      throw new ProblemException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request body',
      );
    }
    return { order: toOrderView(order), replayed: true };
  }
}

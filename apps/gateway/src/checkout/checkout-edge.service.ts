import { HttpStatus, Injectable } from '@nestjs/common';
import { OrderRpc } from '@zhongtai/contracts';
import type { OrderView, PlaceOrderResponse } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, ServiceRpcClient } from '@zhongtai/platform';
import { OrderWaiter } from '../orders/order-waiter';
import type { CheckoutRequest } from './checkout.request';
import { IdempotencyService } from './idempotency.service';
import { requestHash } from './request-hash';

const CHECKOUT_FINAL = ['PAID', 'CANCELLED'] as const;

/**
 * Checkout at the edge: the Idempotency-Key is claimed in Redis (replays and concurrent
 * duplicates answered here), the order service places the order (and enforces one order per
 * key), then the request waits for the saga's outcome as long as the client prefers.
 */
@Injectable()
export class CheckoutEdgeService {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly waiter: OrderWaiter,
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
  ) {}

  async placeOrder(
    customerId: string,
    key: string,
    body: CheckoutRequest,
    waitSeconds: number,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    const hash = requestHash(body);
    const claim = await this.idempotency.claim(customerId, key, hash);
    if (claim !== 'claimed' && claim !== undefined) {
      if (claim.requestHash !== hash) throw keyReused();
      if (claim.state === 'in-flight') {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this key is being accepted',
        );
      }
      return { order: await this.waiter.waitFor(claim.orderId, CHECKOUT_FINAL, 0), replayed: true };
    }

    let placed: PlaceOrderResponse;
    try {
      placed = await this.orders.request<PlaceOrderResponse>(OrderRpc.placeOrder, {
        customerId,
        idempotencyKey: key,
        requestHash: hash,
        items: body.items.map(({ sku, quantity }) => ({ sku, quantity })),
        couponCode: body.couponCode ?? null,
        paymentMethod: body.paymentMethod ?? 'wallet',
      });
    } catch (error) {
      if (claim === 'claimed') await this.idempotency.release(customerId, key);
      throw error;
    }
    await this.idempotency.complete(customerId, key, hash, placed.order.id);
    const wait = placed.replayed ? 0 : waitSeconds;
    const order = await this.waiter.waitFor(placed.order.id, CHECKOUT_FINAL, wait, placed.order);
    return { order, replayed: placed.replayed };
  }
}

function keyReused(): ProblemException {
  return new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used with a different request body',
  );
}

import { HttpStatus, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { OrderRpc } from '@zhongtai/contracts';
import type { OrderByKey, OrderLine, OrderView, PlaceOrderResponse } from '@zhongtai/contracts';
import { InjectRpcClient, ProblemException, serviceCrashPoint, ServiceRpcClient } from '@zhongtai/platform';
import { FlashSaleGate } from '../flash-sale/flash-sale-gate';
import type { GateProduct } from '../flash-sale/flash-sale-gate';
import { GateReconciler } from '../flash-sale/gate-reconciler';
import { RefusalRecorder, refusedOrder } from '../flash-sale/refusal-recorder';
import { OrderWaiter } from '../orders/order-waiter';
import type { CheckoutRequest } from './checkout.request';
import { IdempotencyService } from './idempotency.service';
import type { Claim, KeyRecord } from './idempotency.service';
import { requestHash } from './request-hash';

/** Where a checkout's answer may stop waiting: an outcome, or the customer's turn to pay at the provider. */
const CHECKOUT_FINAL = ['PAID', 'CANCELLED', 'AWAITING_PAYMENT'] as const;

/**
 * Checkout at the edge: the Idempotency-Key is claimed in Redis (replays and concurrent
 * duplicates answered here), the flash-sale gate promises the stock or refuses at once, the
 * order service places the order (and enforces one order per key), then the request waits
 * for the saga's outcome as long as the client prefers.
 */
@Injectable()
export class CheckoutEdgeService {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly waiter: OrderWaiter,
    private readonly gate: FlashSaleGate,
    private readonly reconciler: GateReconciler,
    private readonly refusals: RefusalRecorder,
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
    if (claim !== undefined && !('kind' in claim)) return this.answerEarlier(customerId, key, hash, claim);
    try {
      return await this.accept(customerId, key, hash, body, waitSeconds, claim);
    } finally {
      claim?.end();
    }
  }

  /**
   * The answer to a key that an earlier request used. A claim still in flight may be a crashed
   * gateway's: if its order was placed, the order database says so and the retry gets it;
   * if not, the claim lapses within seconds once nobody renews it.
   */
  private async answerEarlier(
    customerId: string,
    key: string,
    hash: string,
    record: KeyRecord,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    if (record.requestHash !== hash) throw keyReused();
    if (record.state === 'in-flight') {
      const placed = await this.orders.request<OrderByKey>(OrderRpc.findOrderByKey, {
        customerId,
        idempotencyKey: key,
      });
      if (!placed) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'IDEMPOTENCY_IN_PROGRESS',
          'A request with this key is being accepted',
        );
      }
      if (placed.requestHash !== hash) throw keyReused();
      return { order: await this.waiter.waitFor(placed.order.id, CHECKOUT_FINAL, 0, placed.order), replayed: true };
    }
    if (record.refusal) return { order: record.refusal, replayed: true };
    return { order: await this.waiter.waitFor(record.orderId, CHECKOUT_FINAL, 0), replayed: true };
  }

  private async accept(
    customerId: string,
    key: string,
    hash: string,
    body: CheckoutRequest,
    waitSeconds: number,
    claim: Claim | undefined,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    serviceCrashPoint('checkout.after-claim');
    const lines: OrderLine[] = body.items.map(({ sku, quantity }) => ({ sku, quantity }));
    const couponCode = body.couponCode ?? null;
    const orderId = randomUUID();
    let decision = await this.gate.promiseStock(orderId, lines);
    if (decision.kind === 'unknown') {
      await this.reconciler.rebuilt(decision.skus);
      decision = await this.gate.promiseStock(orderId, lines);
    }
    if (decision.kind === 'refused')
      return this.refuse(customerId, key, hash, claim, orderId, lines, decision.products, couponCode);
    const promised = decision.kind === 'promised';

    let placed: PlaceOrderResponse;
    try {
      placed = await this.orders.request<PlaceOrderResponse>(OrderRpc.placeOrder, {
        customerId,
        idempotencyKey: key,
        requestHash: hash,
        items: lines,
        couponCode,
        paymentMethod: body.paymentMethod ?? 'wallet',
        orderId,
        catalogue: decision.kind === 'promised' ? decision.products : undefined,
      });
    } catch (error) {
      // Had the order been placed after all, its reservation takes the stock in PostgreSQL,
      // and the count is one too high until the next reconciliation: an early refusal is missed, no unit oversold.
      if (promised) await this.gate.giveBack(orderId);
      if (claim) await this.idempotency.release(customerId, key, claim);
      throw error;
    }
    serviceCrashPoint('checkout.after-placement');
    // A replayed key placed nothing new; an order refused for its stock when placed holds nothing.
    if (promised && (placed.order.id !== orderId || placed.order.status === 'CANCELLED')) {
      await this.gate.giveBack(orderId);
    }
    await this.idempotency.complete(customerId, key, hash, placed.order.id);
    const wait = placed.replayed ? 0 : waitSeconds;
    const order = await this.waiter.waitFor(placed.order.id, CHECKOUT_FINAL, wait, placed.order);
    return { order, replayed: placed.replayed };
  }

  /**
   * Answers the gate's refusal once it is the key's order in the order database. A key that
   * already had an order (placed by an earlier attempt that this gateway's Redis no longer
   * remembers) is answered with that order instead, as a replay.
   */
  private async refuse(
    customerId: string,
    key: string,
    hash: string,
    claim: Claim | undefined,
    orderId: string,
    lines: OrderLine[],
    products: GateProduct[],
    couponCode: string | null,
  ): Promise<{ order: OrderView; replayed: boolean }> {
    const order = refusedOrder(orderId, customerId, lines, products, couponCode);
    let recorded: boolean;
    try {
      recorded = await this.refusals.recordRefusal(order, key, hash);
    } catch (error) {
      if (claim) await this.idempotency.release(customerId, key, claim);
      throw error;
    }
    if (recorded) {
      await this.idempotency.complete(customerId, key, hash, orderId, order);
      return { order, replayed: false };
    }
    const earlier = await this.orders.request<OrderByKey>(OrderRpc.findOrderByKey, { customerId, idempotencyKey: key });
    if (!earlier) throw new Error(`refusal ${orderId} not recorded, and no order has its key`);
    if (earlier.requestHash !== hash) throw keyReused();
    await this.idempotency.complete(customerId, key, hash, earlier.order.id);
    return { order: await this.waiter.waitFor(earlier.order.id, CHECKOUT_FINAL, 0, earlier.order), replayed: true };
  }
}

function keyReused(): ProblemException {
  return new ProblemException(
    HttpStatus.UNPROCESSABLE_ENTITY,
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used with a different request body',
  );
}

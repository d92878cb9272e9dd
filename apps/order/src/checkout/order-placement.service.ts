import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { PlaceOrderRequest, PlaceOrderResponse } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { GroupCommit, outcomeOf, SagaOrchestrator } from '@zhongtai/saga';
import type { GroupOutcome } from '@zhongtai/saga';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { Order } from '../orders/order.entity';
import { toOrderView } from '../orders/order.view';
import { CheckoutPricing, PricedOrder } from './checkout-pricing';
import { checkoutSaga } from './checkout.saga';
import { CHECKOUT_AT_PROVIDER } from './checkout-settings';
import type { CheckoutAtProvider } from './checkout-settings';

/** The largest total an order may have: order amounts are 32-bit integers of fen. */
const MAX_ORDER_TOTAL_CENTS = 2_000_000_000;

/** An order priced and waiting to be placed with its saga. */
interface Placement {
  orderId: string;
  request: PlaceOrderRequest;
  priced: PricedOrder;
}

/**
 * Placements share transactions under load (group commit): two in flight, up to 32 orders
 * each. Every placement writes rows of its own (its order, its saga); two with one idempotency
 * key in one group behave as in two transactions: the second inserts nothing and replays.
 */
const PLACEMENT_GROUPS_IN_FLIGHT = 2;
const ORDERS_PER_PLACEMENT_GROUP = 32;

@Injectable()
export class OrderPlacementService {
  private readonly placements = new GroupCommit<Placement, Order | undefined>(
    (placement) => placement.orderId,
    (group) => this.placeTogether(group),
    PLACEMENT_GROUPS_IN_FLIGHT,
    ORDERS_PER_PLACEMENT_GROUP,
  );

  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly pricing: CheckoutPricing,
    private readonly orchestrator: SagaOrchestrator,
    @Inject(CHECKOUT_AT_PROVIDER) private readonly atProvider: CheckoutAtProvider,
  ) {}

  /**
   * Places an order and starts its checkout saga in one local transaction (shared with other
   * orders placed at the same moment), or, when the catalogue already shows the stock is not
   * there, places it CANCELLED. The unique
   * (customer, idempotency key) makes a second order for one key impossible, whatever the
   * gateway's Redis remembers: a repeated key gets the order it placed (with the same body;
   * another body is refused).
   */
  async placeOrder(request: PlaceOrderRequest): Promise<PlaceOrderResponse> {
    // No lookup of the key first: the gateway answers replays from Redis, so a replay that
    // reaches this far is rare, and the insert below finds it for the cost of a quote.
    const priced = await this.pricing.priceOrder(request);
    if (priced.subtotalCents > MAX_ORDER_TOTAL_CENTS) {
      throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, 'ORDER_TOO_LARGE', 'The order total is too large');
    }
    const orderId = request.orderId ?? randomUUID();
    const placed = priced.stockRefusal
      ? await this.insertOrder(this.dataSource.manager, orderId, request, priced)
      : await this.placements.submit({ orderId, request, priced });
    if (!placed) {
      const raced = await this.orders.findOneByOrFail({
        customerId: request.customerId,
        idempotencyKey: request.idempotencyKey,
      });
      return this.replay(raced, request.requestHash);
    }
    return { order: toOrderView(placed), replayed: false };
  }

  /**
   * Places the orders that wait together in one transaction, each with its saga; if that
   * fails, each is placed in a transaction of its own, so that one bad order fails alone.
   */
  private async placeTogether(placements: Placement[]): Promise<GroupOutcome<Order | undefined>[]> {
    const placeAll = (group: Placement[]) =>
      this.dataSource.transaction(async (manager) => {
        const orders: (Order | undefined)[] = [];
        for (const placement of group) orders.push(await this.placeIn(manager, placement));
        return orders;
      });
    if (placements.length > 1) {
      const orders = await placeAll(placements).catch(() => undefined);
      if (orders) return orders.map((value) => ({ ok: true, value }));
    }
    const outcomes: GroupOutcome<Order | undefined>[] = [];
    for (const placement of placements) outcomes.push(await outcomeOf(async () => (await placeAll([placement]))[0]));
    return outcomes;
  }

  /** The order, PENDING, and its checkout saga, in the caller's transaction; undefined if the key was used. */
  private async placeIn(manager: EntityManager, { orderId, request, priced }: Placement): Promise<Order | undefined> {
    const order = await this.insertOrder(manager, orderId, request, priced);
    if (!order) return undefined;
    const { subtotalCents, discountCents, totalCents } = priced;
    const { customerId, items: lines, couponCode } = request;
    const data = { orderId, customerId, lines, couponCode, subtotalCents, discountCents, totalCents };
    // An order a coupon made free has nothing to pay at the provider: the wallet saga charges it nothing.
    if (request.paymentMethod === 'provider' && totalCents > 0) {
      const paymentExpiresAt = new Date(Date.now() + this.atProvider.paymentWindowMs).toISOString();
      await this.orchestrator.start(manager, this.atProvider.saga, { ...data, paymentExpiresAt }, { sagaId: orderId });
    } else {
      await this.orchestrator.start(manager, checkoutSaga, data, { sagaId: orderId });
    }
    return order;
  }

  /**
   * Inserts the order, PENDING, or CANCELLED at once when its stock refusal is known: then no
   * saga starts, for nothing was held that would have to be given back. Undefined if the
   * customer already placed an order with this idempotency key.
   */
  private async insertOrder(
    manager: EntityManager,
    orderId: string,
    request: PlaceOrderRequest,
    priced: PricedOrder,
  ): Promise<Order | undefined> {
    const status = priced.stockRefusal ? 'CANCELLED' : 'PENDING';
    const inserted: { currency: 'CNY'; created_at: Date; updated_at: Date }[] = await manager.query(
      `INSERT INTO orders (id, customer_id, idempotency_key, request_hash, status, items, subtotal_cents,
         discount_cents, total_cents, coupon_code, payment_method, failure_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING currency, created_at, updated_at`,
      [
        orderId,
        request.customerId,
        request.idempotencyKey,
        request.requestHash,
        status,
        JSON.stringify(priced.items),
        priced.subtotalCents,
        priced.discountCents,
        priced.totalCents,
        request.couponCode,
        request.paymentMethod,
        priced.stockRefusal,
      ],
    );
    if (inserted.length === 0) return undefined;
    const { currency, created_at: createdAt, updated_at: updatedAt } = inserted[0];
    const { items, subtotalCents, discountCents, totalCents, stockRefusal: failureReason } = priced;
    return this.orders.create({
      ...request,
      id: orderId,
      status,
      items,
      subtotalCents,
      discountCents,
      totalCents,
      currency,
      failureReason,
      createdAt,
      updatedAt,
    });
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

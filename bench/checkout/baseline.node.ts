/**
 * The checkout benchmark's no-durability baseline: one process per service
 * (BENCH_ROLE=order | inventory | coupon | payment), spawned by checkout.bench.ts, on the same
 * databases and schemas as the real services. The real gateway runs in front of them (on the
 * baseline's own NATS prefix), so HTTP, auth, rate limits, idempotency keys and the order
 * RPCs are the same code in both modes.
 *
 * What differs is only the durability: the order process answers `order.checkout.place` by
 * running the checkout's steps itself, one after the other, as plain NATS core request/reply
 * calls to the other processes. Each participant runs the services' own handler methods
 * (InventoryReserveHandler, CouponLockHandler, PaymentChargeHandler, ...) in a plain local
 * transaction: no saga instance, timeline, barrier, outbox or JetStream. Nothing is durable
 * between the steps: a crash midway would leave stock held or money taken with nothing to
 * finish or undo it. The internal calls use plain JSON over core NATS (not Nest's RPC client,
 * which the real services use for their two price quotes), which makes the baseline slightly
 * cheaper there.
 *
 * The order process speaks Nest's NATS wire format ({ pattern, data, id } in,
 * { id, response | err, isDisposed } out) on the two subjects the gateway calls during a
 * checkout: `order.checkout.place` and `order.orders.get`.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { Msg, NatsConnection } from '@nats-io/transport-node';
import type {
  CouponQuoteResponse,
  FailureReason,
  OrderLine,
  OrderStatus,
  PlaceOrderRequest,
  PlaceOrderResponse,
  QuoteResponse,
} from '@zhongtai/contracts';
import { dataSourceOptions, PreparingClient } from '@zhongtai/platform';
import type { ParticipantContext, StepResult } from '@zhongtai/saga';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { CouponsService } from '../../apps/coupon/src/coupons/coupons.service';
import { CouponLockHandler } from '../../apps/coupon/src/redemptions/coupon-lock.handler';
import { CouponRedeemHandler } from '../../apps/coupon/src/redemptions/coupon-redeem.handler';
import { CouponReleaseHandler } from '../../apps/coupon/src/redemptions/coupon-release.handler';
import { CatalogueService } from '../../apps/inventory/src/catalogue/catalogue.service';
import { Product } from '../../apps/inventory/src/catalogue/product.entity';
import { InventoryConfirmHandler } from '../../apps/inventory/src/reservations/inventory-confirm.handler';
import { InventoryReleaseHandler } from '../../apps/inventory/src/reservations/inventory-release.handler';
import { InventoryReserveHandler } from '../../apps/inventory/src/reservations/inventory-reserve.handler';
import { Order } from '../../apps/order/src/orders/order.entity';
import { moveOrder } from '../../apps/order/src/orders/order-transitions';
import { toOrderView } from '../../apps/order/src/orders/order.view';
import { PaymentChargeHandler } from '../../apps/payment/src/charges/payment-charge.handler';
import { DATABASES } from '../../scripts/lib/services';
import { runBenchmark } from '../lib/run-bench';

Logger.overrideLogger(['error', 'warn']);

type Role = 'order' | 'inventory' | 'coupon' | 'payment';

const encoder = new TextEncoder();
const MAX_ORDER_TOTAL_CENTS = 2_000_000_000;
const CALL_TIMEOUT_MS = 30_000;

/** Subjects of the baseline's internal calls (plain JSON over core NATS). */
function subject(prefix: string, call: string): string {
  return `${prefix}.baseline.${call}`;
}

class RpcProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

async function main(): Promise<void> {
  const role = process.env.BENCH_ROLE as Role;
  const prefix = process.env.BENCH_PREFIX!;
  // Connections as the services have them (databaseModule): statements prepared.
  const options = dataSourceOptions(
    process.env.BENCH_DATABASE_URL!,
    DATABASES[role]!,
    Number(process.env.BENCH_POOL ?? 10),
  );
  const dataSource = await new DataSource({
    ...options,
    extra: { ...options.extra, Client: PreparingClient },
  }).initialize();
  const nats = await connect({
    servers: process.env.BENCH_NATS_URL!,
    name: `bench-baseline-${role}`,
    noAsyncTraces: true,
  });
  const serve = <P>(call: string, work: (payload: P) => Promise<unknown>) =>
    nats.subscribe(subject(prefix, call), {
      queue: `baseline-${role}`,
      callback: (_error, msg: Msg) => {
        let payload: P;
        try {
          payload = msg.json<P>();
        } catch (error) {
          msg.respond(encoder.encode(JSON.stringify({ error: String(error) })));
          return;
        }
        work(payload).then(
          (result) => msg.respond(encoder.encode(JSON.stringify({ result }))),
          (error: unknown) => msg.respond(encoder.encode(JSON.stringify({ error: String(error) }))),
        );
      },
    });
  /** A participant's handler in a plain local transaction: the step without barrier or outbox. */
  const step = <P extends { orderId: string }, R>(
    call: string,
    handler: (payload: P, context: ParticipantContext) => Promise<R>,
  ) =>
    serve<P>(call, (payload) =>
      dataSource.transaction((manager) => handler(payload, { manager, sagaId: payload.orderId, step: 0, attempt: 1 })),
    );

  if (role === 'inventory') {
    const catalogue = new CatalogueService(dataSource.getRepository(Product));
    const reserve = new InventoryReserveHandler();
    const release = new InventoryReleaseHandler();
    const sell = new InventoryConfirmHandler();
    serve<{ skus: string[] }>('inventory.quote', ({ skus }) => catalogue.quote(skus));
    step('inventory.reserve', (p: { orderId: string; lines: OrderLine[] }, c) => reserve.reserve(p, c));
    step('inventory.release', (p: { orderId: string }, c) => release.release(p, c));
    step('inventory.confirm', (p: { orderId: string }, c) => sell.confirm(p, c));
  }
  if (role === 'coupon') {
    const coupons = new CouponsService(dataSource);
    const lock = new CouponLockHandler();
    const release = new CouponReleaseHandler();
    const redeem = new CouponRedeemHandler();
    serve('coupon.quote', (p: { code: string; customerId: string; subtotalCents: number }) => coupons.quoteCoupon(p));
    step(
      'coupon.lock',
      (p: { orderId: string; customerId: string; code: string; subtotalCents: number; discountCents: number }, c) =>
        lock.lock(p, c),
    );
    step('coupon.release', (p: { orderId: string }, c) => release.release(p, c));
    step('coupon.redeem', (p: { orderId: string }, c) => redeem.redeem(p, c));
  }
  if (role === 'payment') {
    const charge = new PaymentChargeHandler();
    step('payment.charge', (p: { orderId: string; customerId: string; amountCents: number }, c) => charge.charge(p, c));
  }
  if (role === 'order') serveOrders(nats, prefix, dataSource);

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await nats.drain();
      await dataSource.destroy();
    } finally {
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  process.on('disconnect', () => void stop(1));
  process.send?.({ type: 'ready', pid: process.pid });
}

async function call<T>(nats: NatsConnection, prefix: string, name: string, payload: unknown): Promise<T> {
  const reply = await nats.request(subject(prefix, name), encoder.encode(JSON.stringify(payload)), {
    timeout: CALL_TIMEOUT_MS,
  });
  const body = reply.json<{ result?: T; error?: string }>();
  if (body.error !== undefined) throw new Error(`${name}: ${body.error}`);
  return body.result as T;
}

/** The order process: Nest-compatible `order.checkout.place` and `order.orders.get`. */
function serveOrders(nats: NatsConnection, prefix: string, dataSource: DataSource): void {
  const orders = dataSource.getRepository(Order);
  const nest = <P>(pattern: string, work: (data: P) => Promise<unknown>) =>
    nats.subscribe(`${prefix}.${pattern}`, {
      queue: 'order',
      callback: (_error, msg: Msg) => {
        const packet = msg.json<{ id?: string; data: P }>();
        const respond = (body: Record<string, unknown>) =>
          msg.respond(encoder.encode(JSON.stringify({ ...body, id: packet.id, isDisposed: true })));
        work(packet.data).then(
          (response) => respond({ response }),
          (error: unknown) =>
            respond({
              err:
                error instanceof RpcProblem
                  ? { status: error.status, code: error.code, detail: error.detail }
                  : { status: 500, code: 'INTERNAL', detail: 'The request could not be completed' },
            }),
        );
      },
    });

  nest('order.orders.get', async ({ orderId, customerId }: { orderId: string; customerId?: string }) => {
    const order = await orders.findOneBy(customerId ? { id: orderId, customerId } : { id: orderId });
    if (!order) throw new RpcProblem(404, 'NOT_FOUND', `No order ${orderId}`);
    return toOrderView(order);
  });

  const replay = (order: Order, requestHash: string): PlaceOrderResponse => {
    if (order.requestHash !== requestHash) {
      throw new RpcProblem(
        422,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with a different request body',
      );
    }
    return { order: toOrderView(order), replayed: true };
  };

  nest('order.checkout.place', async (request: PlaceOrderRequest): Promise<PlaceOrderResponse> => {
    const earlier = await orders.findOneBy({ customerId: request.customerId, idempotencyKey: request.idempotencyKey });
    if (earlier) return replay(earlier, request.requestHash);

    // Pricing, as CheckoutPricing does it: the catalogue's prices, then the coupon's discount.
    const quote = await call<QuoteResponse>(nats, prefix, 'inventory.quote', {
      skus: request.items.map((l) => l.sku),
    });
    const catalogue = new Map(quote.products.map((p) => [p.sku, p]));
    const items = request.items.map(({ sku, quantity }) => {
      const product = catalogue.get(sku);
      const unitPriceCents = product?.priceCents ?? 0;
      return { sku, name: product?.name ?? sku, quantity, unitPriceCents, lineTotalCents: unitPriceCents * quantity };
    });
    const subtotalCents = items.reduce((sum, item) => sum + item.lineTotalCents, 0);
    let discountCents = 0;
    if (request.couponCode !== null) {
      const coupon = await call<CouponQuoteResponse>(nats, prefix, 'coupon.quote', {
        code: request.couponCode,
        customerId: request.customerId,
        subtotalCents,
      });
      if (coupon.ok) discountCents = Math.min(coupon.discountCents, subtotalCents);
    }
    const totalCents = subtotalCents - discountCents;
    if (subtotalCents > MAX_ORDER_TOTAL_CENTS) {
      throw new RpcProblem(422, 'ORDER_TOO_LARGE', 'The order total is too large');
    }

    // The order row, alone in its transaction (no saga instance, no outbox).
    const orderId = randomUUID();
    const placed = await dataSource.transaction(async (manager: EntityManager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO orders (id, customer_id, idempotency_key, request_hash, status, items, subtotal_cents,
           discount_cents, total_cents, coupon_code, payment_method)
         VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10)
         ON CONFLICT (customer_id, idempotency_key) DO NOTHING RETURNING id`,
        [
          orderId,
          request.customerId,
          request.idempotencyKey,
          request.requestHash,
          JSON.stringify(items),
          subtotalCents,
          discountCents,
          totalCents,
          request.couponCode,
          request.paymentMethod,
        ],
      );
      return inserted.length > 0;
    });
    if (!placed) {
      const raced = await orders.findOneByOrFail({
        customerId: request.customerId,
        idempotencyKey: request.idempotencyKey,
      });
      return replay(raced, request.requestHash);
    }

    // The checkout saga's steps, called in turn and undone in reverse on a refusal.
    const { customerId, couponCode } = request;
    const undo: string[] = [];
    let failure: FailureReason | undefined;
    const run = async (name: string, payload: unknown, compensation?: string): Promise<boolean> => {
      const result = await call<StepResult<unknown>>(nats, prefix, name, payload);
      if (!result.ok) {
        failure = result.reason as FailureReason;
        return false;
      }
      if (compensation) undo.unshift(compensation);
      return true;
    };
    const ok =
      (await run('inventory.reserve', { orderId, lines: request.items }, 'inventory.release')) &&
      (couponCode === null ||
        (await run(
          'coupon.lock',
          { orderId, customerId, code: couponCode, subtotalCents, discountCents },
          'coupon.release',
        ))) &&
      (await run('payment.charge', { orderId, customerId, amountCents: totalCents }));
    let final: OrderStatus = 'PAID';
    if (ok) {
      await call(nats, prefix, 'inventory.confirm', { orderId });
      if (couponCode !== null) await call(nats, prefix, 'coupon.redeem', { orderId });
    } else {
      for (const compensation of undo) await call(nats, prefix, compensation, { orderId });
      final = 'CANCELLED';
    }
    await dataSource.transaction((manager) => moveOrder(manager, orderId, 'PENDING', final, failure ?? null));
    return { order: toOrderView(await orders.findOneByOrFail({ id: orderId })), replayed: false };
  });
}

runBenchmark(`baseline ${process.env.BENCH_ROLE}`, main, { exitAtOnce: true });

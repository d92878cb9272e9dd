import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { OrderRpc } from '@zhongtai/contracts';
import type { GateRefusal, OrderLine, OrderView, RecordRefusalsRequest } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';

/** A batch is sent when it is this old or this large. */
const BATCH_MS = 20;
const BATCH_MAX = 500;
const SEND_ATTEMPTS = 5;
/** How long a stopping gateway waits for the records still on their way. */
const SHUTDOWN_WAIT_MS = 3_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The CANCELLED order that a refused attempt is answered with, priced as the gate knows the catalogue. */
export function refusedOrder(
  orderId: string,
  customerId: string,
  lines: OrderLine[],
  products: { name: string; priceCents: number }[],
  couponCode: string | null,
): OrderView {
  const items = lines.map(({ sku, quantity }, i) => {
    const { name, priceCents: unitPriceCents } = products[i];
    return { sku, name, quantity, unitPriceCents, lineTotalCents: unitPriceCents * quantity };
  });
  const subtotalCents = items.reduce((sum, item) => sum + item.lineTotalCents, 0);
  const now = new Date().toISOString();
  return {
    id: orderId,
    customerId,
    status: 'CANCELLED',
    items,
    subtotalCents,
    discountCents: 0,
    totalCents: subtotalCents,
    currency: 'CNY',
    couponCode,
    paymentMethod: 'wallet',
    failureReason: 'OUT_OF_STOCK',
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * Hands the gate's refusals to the order service in batches, so that each refused attempt is
 * still an order that `GET /orders/:id` finds, without a NATS or PostgreSQL round trip of its
 * own. What is waiting when the gateway stops is sent first; a gateway that crashes loses at
 * most one batch window of records (the answers and their replays are in Redis).
 */
@Injectable()
export class RefusalRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RefusalRecorder.name);
  private batch: GateRefusal[] = [];
  /** Refusals answered and not yet in the order database, by order id. */
  private readonly unsent = new Map<string, OrderView>();
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(@InjectRpcClient('order') private readonly orders: ServiceRpcClient) {}

  recordRefusal(order: OrderView, idempotencyKey: string, requestHash: string): void {
    const { id: orderId, customerId, items, subtotalCents, couponCode, createdAt } = order;
    this.batch.push({ orderId, customerId, idempotencyKey, requestHash, items, subtotalCents, couponCode, createdAt });
    this.unsent.set(orderId, order);
    if (this.batch.length >= BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** The refused order as answered, while its record is on its way. */
  unrecorded(orderId: string, customerId: string): OrderView | undefined {
    const order = this.unsent.get(orderId);
    return order?.customerId === customerId ? order : undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.flush();
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
    await Promise.race([this.sending, waited]);
    clearTimeout(timer);
    if (this.unsent.size > 0)
      this.logger.error({ refusals: this.unsent.size }, 'refused orders not recorded at shutdown');
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const refusals = this.batch;
    this.batch = [];
    this.sending = this.sending.then(async () => {
      await this.send(refusals);
      for (const refusal of refusals) this.unsent.delete(refusal.orderId);
    });
  }

  private async send(refusals: GateRefusal[]): Promise<void> {
    const request: RecordRefusalsRequest = { refusals };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.orders.request(OrderRpc.recordRefusals, request);
        return;
      } catch (error) {
        if (attempt === SEND_ATTEMPTS) {
          this.logger.error({ refusals: refusals.length, error: String(error) }, 'refused orders not recorded');
          return;
        }
        await sleep(200 * attempt);
      }
    }
  }
}

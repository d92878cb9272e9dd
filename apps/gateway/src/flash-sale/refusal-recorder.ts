import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { OrderRpc } from '@zhongtai/contracts';
import type { GateRefusal, OrderLine, OrderView, RecordRefusalsRequest } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';

/** A batch is sent when it is this old or this large. */
const BATCH_MS = 20;
const BATCH_MAX = 500;
const SEND_ATTEMPTS = 5;

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
  private readonly unsent = new Map<string, GateRefusal>();
  private timer?: NodeJS.Timeout;
  private sending: Promise<void> = Promise.resolve();

  constructor(@InjectRpcClient('order') private readonly orders: ServiceRpcClient) {}

  recordRefusal(refusal: GateRefusal): void {
    this.batch.push(refusal);
    this.unsent.set(refusal.order.id, refusal);
    if (this.batch.length >= BATCH_MAX) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** The refused order as answered, while its record is on its way. */
  unrecorded(orderId: string, customerId: string): OrderView | undefined {
    const refusal = this.unsent.get(orderId);
    return refusal?.order.customerId === customerId ? refusal.order : undefined;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.flush();
    await this.sending;
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const refusals = this.batch;
    this.batch = [];
    this.sending = this.sending.then(async () => {
      await this.send(refusals);
      for (const refusal of refusals) this.unsent.delete(refusal.order.id);
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

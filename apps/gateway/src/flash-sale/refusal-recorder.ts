import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { OrderRpc } from '@zhongtai/contracts';
import type { GateRefusal, OrderLine, OrderView, RecordedRefusals, RecordRefusalsRequest } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { waitAtMost } from './wait-at-most';

/** A batch is sent when it is this old or this large. */
const BATCH_MS = 10;
const BATCH_MAX = 500;
const SEND_ATTEMPTS = 3;
/** How long a stopping gateway waits for the batches still on their way. */
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
 * Writes the gate's refusals to the order database in batches, one statement per batch, and
 * tells each waiting attempt whether its refusal is now the order of its Idempotency-Key. An
 * attempt is answered only once its refusal is there: a key that already had an order (placed
 * by an earlier attempt whose gateway died, or before Redis lost the key's record) keeps that
 * order, and every refused answer can be read back with `GET /orders/:id`.
 */
@Injectable()
export class RefusalRecorder implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RefusalRecorder.name);
  private batch: { refusal: GateRefusal; settle: (recorded: boolean | Error) => void }[] = [];
  private timer?: NodeJS.Timeout;
  private readonly sending = new Set<Promise<void>>();

  constructor(@InjectRpcClient('order') private readonly orders: ServiceRpcClient) {}

  /** True once the refusal is the key's order; false if the key already had another. Rejects if it cannot be written. */
  recordRefusal(order: OrderView, idempotencyKey: string, requestHash: string): Promise<boolean> {
    const { id: orderId, customerId, items, subtotalCents, couponCode, createdAt } = order;
    const refusal = { orderId, customerId, idempotencyKey, requestHash, items, subtotalCents, couponCode, createdAt };
    return new Promise<boolean>((resolve, reject) => {
      this.batch.push({
        refusal,
        settle: (recorded) => (recorded instanceof Error ? reject(recorded) : resolve(recorded)),
      });
      if (this.batch.length >= BATCH_MAX) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.flush();
    await waitAtMost(Promise.all(this.sending), SHUTDOWN_WAIT_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0) return;
    const waiting = this.batch;
    this.batch = [];
    const sent = this.send(waiting.map((w) => w.refusal)).then(
      (recorded) => {
        for (const { refusal, settle } of waiting) settle(recorded.has(refusal.orderId));
      },
      (error: Error) => {
        for (const { settle } of waiting) settle(error);
      },
    );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
  }

  private async send(refusals: GateRefusal[]): Promise<Set<string>> {
    const request: RecordRefusalsRequest = { refusals };
    for (let attempt = 1; ; attempt++) {
      try {
        const { recorded } = await this.orders.request<RecordedRefusals>(OrderRpc.recordRefusals, request);
        return new Set(recorded);
      } catch (error) {
        if (attempt === SEND_ATTEMPTS) {
          this.logger.error({ refusals: refusals.length, error: String(error) }, 'refused orders not recorded');
          throw error;
        }
        await sleep(100 * attempt);
      }
    }
  }
}

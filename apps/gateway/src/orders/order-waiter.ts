import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { OrderRpc, orderStatusSubject } from '@zhongtai/contracts';
import type { OrderStatus, OrderView } from '@zhongtai/contracts';
import { InjectRpcClient, NATS_CONNECTION, SERVICE_CONFIG, ServiceRpcClient } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';

/**
 * Answers `Prefer: wait=N`: listens for the order service's status announcements instead of
 * polling PostgreSQL. It subscribes first and reads the order second, so that a change made in
 * between is never missed.
 */
@Injectable()
export class OrderWaiter {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
  ) {}

  /** The order once it reaches one of `until`, or as it is when `seconds` have passed. */
  async waitFor(orderId: string, until: readonly OrderStatus[], seconds: number): Promise<OrderView> {
    const subscription = this.nats.subscribe(orderStatusSubject(this.config.natsPrefix, orderId));
    const timer = setTimeout(() => subscription.unsubscribe(), seconds * 1000);
    try {
      let order = await this.fetch(orderId);
      if (until.includes(order.status) || seconds === 0) return order;
      for await (const message of subscription) {
        const { status } = message.json<{ status: OrderStatus }>();
        if (until.includes(status)) {
          order = await this.fetch(orderId);
          if (until.includes(order.status)) return order;
        }
      }
      return await this.fetch(orderId);
    } finally {
      clearTimeout(timer);
      subscription.unsubscribe();
    }
  }

  private fetch(orderId: string): Promise<OrderView> {
    return this.orders.request<OrderView>(OrderRpc.getOrder, { orderId });
  }
}

/** `Prefer: wait=N` (RFC 7240): seconds to wait, default 5, at most 30; anything else is ignored. */
export function preferredWait(header: string | undefined, fallback = 5, max = 30): number {
  const match = header && /(?:^|[;,\s])wait\s*=\s*(\d{1,4})(?:$|[;,\s])/i.exec(header);
  return match ? Math.min(Number(match[1]), max) : fallback;
}

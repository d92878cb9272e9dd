import { Injectable } from '@nestjs/common';
import { OrderRpc } from '@zhongtai/contracts';
import type { OrderStatus, OrderView } from '@zhongtai/contracts';
import { InjectRpcClient, ServiceRpcClient } from '@zhongtai/platform';
import { OrderAnnouncements } from './order-announcements';

/** How long an announced order is remembered, for a request that starts waiting just after it. */
const RECENT_MS = 60_000;
const RECENT_MAX = 50_000;

type Waiter = { until: readonly OrderStatus[]; resolve: (order: OrderView) => void };

/**
 * Answers `Prefer: wait=N` from the order service's status announcements, which carry the
 * whole order: no polling of PostgreSQL, and no request to the order service once an order
 * has been placed. Announcements that arrive before a request starts waiting are kept for a
 * minute, so that none is missed.
 */
@Injectable()
export class OrderWaiter {
  private readonly recent = new Map<string, { order: OrderView; at: number }>();
  private readonly waiters = new Map<string, Set<Waiter>>();

  constructor(
    announcements: OrderAnnouncements,
    @InjectRpcClient('order') private readonly orders: ServiceRpcClient,
  ) {
    announcements.listen((order) => this.announced(order));
  }

  /**
   * The order once it reaches one of `until`, or as last known when `seconds` have passed.
   * `known` is the order as the caller already has it, if it has it.
   */
  async waitFor(
    orderId: string,
    until: readonly OrderStatus[],
    seconds: number,
    known?: OrderView,
  ): Promise<OrderView> {
    const latest = this.latest(orderId, known);
    if (latest && (until.includes(latest.status) || seconds === 0)) return latest;
    if (seconds === 0) return this.fetch(orderId);
    const reached = await new Promise<OrderView | undefined>((resolve) => {
      const waiter: Waiter = { until, resolve };
      const timer = setTimeout(() => {
        this.waiters.get(orderId)?.delete(waiter);
        resolve(undefined);
      }, seconds * 1000);
      waiter.resolve = (order) => {
        clearTimeout(timer);
        resolve(order);
      };
      this.waiters.set(orderId, (this.waiters.get(orderId) ?? new Set()).add(waiter));
    });
    if (this.waiters.get(orderId)?.size === 0) this.waiters.delete(orderId);
    return reached ?? this.latest(orderId, known) ?? this.fetch(orderId);
  }

  private announced(order: OrderView): void {
    const now = Date.now();
    this.recent.delete(order.id);
    this.recent.set(order.id, { order, at: now });
    for (const [id, entry] of this.recent) {
      if (now - entry.at < RECENT_MS && this.recent.size <= RECENT_MAX) break;
      this.recent.delete(id);
    }
    const waiting = this.waiters.get(order.id);
    for (const waiter of waiting ?? []) {
      if (!waiter.until.includes(order.status)) continue;
      waiting!.delete(waiter);
      waiter.resolve(order);
    }
  }

  /** The newer of what was announced and what the caller knows. */
  private latest(orderId: string, known?: OrderView): OrderView | undefined {
    const announced = this.recent.get(orderId)?.order;
    if (!announced) return known;
    if (!known) return announced;
    return announced.updatedAt >= known.updatedAt ? announced : known;
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

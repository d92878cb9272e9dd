import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OrderLine } from '@zhongtai/contracts';
import { MetricsService, REDIS, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import type { Redis } from 'ioredis';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { GateMetrics } from './gate-metrics';
import { PROMISE_STOCK, REBUILD_COUNT, RESTOCK_REFUNDED, SETTLE_PROMISE } from './gate-scripts';

/** A line's product as the gate knows the catalogue: products never change their name or price. */
export interface GateProduct {
  name: string;
  priceCents: number;
}

/** What the gate says of an attempt. */
export type GateDecision =
  /** `products`, line by line: the order is priced from them. */
  | { kind: 'promised'; products: GateProduct[] }
  /** `products`, line by line: the refusal's answer is priced from them. */
  | { kind: 'refused'; products: GateProduct[] }
  /** The gate holds no count for these skus yet: the attempt goes through, and they are rebuilt. */
  | { kind: 'unknown'; skus: string[] }
  /** Redis is away or the gate is off: PostgreSQL decides alone. */
  | { kind: 'open' };

/** How long a refunded order's restock is remembered, against a repeated announcement. */
const RESTOCKED_TTL_SECONDS = 86_400;

type Script = (...args: (string | number)[]) => Promise<unknown>;

/**
 * The flash-sale gate: a count per sku of the units that can still be promised, in Redis,
 * consulted before an order is placed. It can only refuse early: a promised attempt still has
 * to reserve its stock in PostgreSQL, which decides. The gateway owns it because it is the
 * first process an attempt reaches and already holds the Redis connection, so a refusal costs
 * one Redis round trip and no NATS or PostgreSQL one; every gateway replica shares the counts.
 */
@Injectable()
export class FlashSaleGate {
  private readonly logger = new Logger(FlashSaleGate.name);
  /** Every key of the gate starts with this. */
  readonly prefix: string;
  private readonly scripts: Record<'promise' | 'settle' | 'restock' | 'rebuild', Script>;
  private readonly metrics: GateMetrics;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) service: ServiceConfig,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    metrics: MetricsService,
  ) {
    this.prefix = `${service.redisPrefix}gate:`;
    this.metrics = new GateMetrics(metrics.registry, redis, { skus: this.skusKey, sku: (sku) => this.skuKey(sku) });
    const define = (name: string, lua: string): Script => {
      if (!(name in redis)) redis.defineCommand(name, { lua });
      const command = (redis as unknown as Record<string, Script>)[name];
      return (...args) => command.call(redis, ...args);
    };
    this.scripts = {
      promise: define('gatePromiseStock', PROMISE_STOCK),
      settle: define('gateSettlePromise', SETTLE_PROMISE),
      restock: define('gateRestockRefunded', RESTOCK_REFUNDED),
      rebuild: define('gateRebuildCount', REBUILD_COUNT),
    };
  }

  get enabled(): boolean {
    return this.config.flashSaleGate;
  }

  skuKey(sku: string): string {
    return `${this.prefix}sku:${sku}`;
  }

  promisedKey(sku: string): string {
    return `${this.prefix}promised:${sku}`;
  }

  get skusKey(): string {
    return `${this.prefix}skus`;
  }

  /** Promises every line to `orderId`, all or nothing. */
  async promiseStock(orderId: string, lines: OrderLine[]): Promise<GateDecision> {
    const decision = await this.decide(orderId, lines);
    this.metrics.decisions.inc({ decision: decision.kind });
    return decision;
  }

  private async decide(orderId: string, lines: OrderLine[]): Promise<GateDecision> {
    if (!this.enabled) return { kind: 'open' };
    const ttlMs = this.config.gatePromiseTtlSeconds * 1000;
    const keys = [this.promiseKey(orderId), ...lines.flatMap((l) => [this.skuKey(l.sku), this.promisedKey(l.sku)])];
    const args = [orderId, ttlMs, Date.now() + ttlMs, ...lines.flatMap((l) => [l.sku, l.quantity])];
    let answer: string[];
    try {
      answer = (await this.scripts.promise(keys.length, ...keys, ...args)) as string[];
    } catch (error) {
      this.logger.warn(`flash-sale gate unavailable, PostgreSQL decides: ${String(error)}`);
      return { kind: 'open' };
    }
    const [kind, ...rest] = answer;
    if (kind === 'unknown') return { kind, skus: rest };
    const products = lines.map((_, i) => ({ name: rest[2 * i], priceCents: Number(rest[2 * i + 1]) }));
    return { kind: kind === 'refused' ? 'refused' : 'promised', products };
  }

  /** The order was cancelled, compensated or never placed: its promised units can be promised again. */
  giveBack(orderId: string): Promise<void> {
    return this.settle(orderId, '1');
  }

  /** The order was paid: its units stay promised for good (PostgreSQL's stock on hand went down). */
  keep(orderId: string): Promise<void> {
    return this.settle(orderId, '0');
  }

  /** A paid order was refunded and its units restocked: they come back, once per order. */
  async restockRefunded(orderId: string, lines: OrderLine[]): Promise<void> {
    if (!this.enabled) return;
    const keys = [`${this.prefix}restocked:${orderId}`, this.promiseKey(orderId)];
    const args = [this.prefix, orderId, RESTOCKED_TTL_SECONDS, ...lines.flatMap((l) => [l.sku, l.quantity])];
    await this.scripts.restock(keys.length, ...keys, ...args).catch((error: unknown) => this.unsettled(orderId, error));
  }

  /**
   * Sets a sku's count from a snapshot of the inventory database, unless a give-back came
   * after `seenVersion` was read. Returns the count, or undefined when it must be retried.
   */
  async rebuildCount(
    product: { sku: string; name: string; priceCents: number; available: number },
    seenVersion: string,
    reservedOrderIds: string[],
  ): Promise<number | undefined> {
    const keys = [this.skuKey(product.sku), this.promisedKey(product.sku), this.skusKey];
    const args = [
      this.prefix,
      product.sku,
      seenVersion,
      product.available,
      product.name,
      product.priceCents,
      Date.now(),
    ];
    const units = Number(await this.scripts.rebuild(keys.length, ...keys, ...args, ...reservedOrderIds));
    return units < 0 ? undefined : units;
  }

  private async settle(orderId: string, giveBack: '0' | '1'): Promise<void> {
    if (!this.enabled) return;
    await this.scripts
      .settle(1, this.promiseKey(orderId), this.prefix, orderId, giveBack)
      .catch((error: unknown) => this.unsettled(orderId, error));
  }

  private unsettled(orderId: string, error: unknown): void {
    this.logger.warn(`promise of ${orderId} not settled; the next reconciliation corrects the count: ${String(error)}`);
  }

  private promiseKey(orderId: string): string {
    return `${this.prefix}promise:${orderId}`;
  }
}

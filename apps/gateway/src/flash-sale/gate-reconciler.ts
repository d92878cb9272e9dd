import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InventoryRpc } from '@zhongtai/contracts';
import type { PromisableStock, PromisableStockRequest } from '@zhongtai/contracts';
import { InjectRpcClient, REDIS, ServiceRpcClient } from '@zhongtai/platform';
import type { Redis } from 'ioredis';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import { FlashSaleGate } from './flash-sale-gate';
import { waitAtMost } from './wait-at-most';

/** Skus per snapshot request, and order ids: a request must fit one NATS message. */
const SKUS_PER_SNAPSHOT = 200;
const ORDERS_PER_SNAPSHOT = 10_000;
/** A sku the catalogue does not know is not asked for again sooner than this. */
const UNKNOWN_SKU_BACKOFF_MS = 1_000;
/** How long an attempt waits for a missing count to be rebuilt before it goes through without one. */
const REBUILD_WAIT_MS = 1_000;
/** Rebuilds of one round that a give-back raced are tried again this many times. */
const RACED_REBUILD_RETRIES = 2;

/**
 * Keeps the gate's counts equal to PostgreSQL's available stock less what is promised and not
 * yet reserved. It rebuilds a count at once when the gate finds none (Redis flushed or
 * restarted, a new product), and reconciles every count on its own every
 * `GATE_RECONCILE_MS`, one gateway replica at a time, which corrects what a lost
 * announcement or an operator's stock adjustment left behind.
 */
@Injectable()
export class GateReconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(GateReconciler.name);
  private readonly wanted = new Set<string>();
  /** The skus this gateway has counted: after Redis lost its keys, they are rebuilt without waiting for an attempt. */
  private readonly counted = new Set<string>();
  private readonly notInCatalogue = new Map<string, number>();
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly gate: FlashSaleGate,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @InjectRpcClient('inventory') private readonly inventory: ServiceRpcClient,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.gate.enabled) return;
    this.timer = setInterval(() => void this.reconcileAllIfFirst(), this.config.gateReconcileMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Rebuilds these skus' counts; calls made meanwhile join the same round, which ends when all are done. */
  reconcileSoon(skus: string[]): Promise<void> {
    if (!this.gate.enabled) return Promise.resolve();
    const now = Date.now();
    for (const sku of skus) if ((this.notInCatalogue.get(sku) ?? 0) <= now) this.wanted.add(sku);
    if (this.wanted.size > 0 && !this.running) this.running = this.drain();
    return this.running ?? Promise.resolve();
  }

  /**
   * Rebuilds these skus' missing counts and waits for them, a second at most: after Redis lost
   * its keys, the attempts that find no count wait for one round trip to the inventory
   * database together instead of all going through unweighed.
   */
  rebuilt(skus: string[]): Promise<void> {
    return waitAtMost(this.reconcileSoon(skus), REBUILD_WAIT_MS);
  }

  /** Reconciles every count the gate keeps, now. */
  async reconcileAll(): Promise<void> {
    const skus = await this.redis.smembers(this.gate.skusKey);
    await this.reconcileSoon([...new Set([...skus, ...this.counted])]);
  }

  private async reconcileAllIfFirst(): Promise<void> {
    try {
      const lock = await this.redis.set(`${this.gate.prefix}reconciling`, '1', 'PX', this.config.gateReconcileMs, 'NX');
      if (lock === 'OK') await this.reconcileAll();
    } catch (error) {
      this.logger.warn(`flash-sale gate not reconciled: ${String(error)}`);
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.wanted.size > 0) {
        const skus = [...this.wanted].slice(0, SKUS_PER_SNAPSHOT);
        for (const sku of skus) this.wanted.delete(sku);
        await this.reconcile(skus).catch((error: unknown) =>
          this.logger.warn(`flash-sale gate counts of ${skus.length} skus not rebuilt: ${String(error)}`),
        );
      }
    } finally {
      this.running = undefined;
    }
  }

  private async reconcile(skus: string[], retries = RACED_REBUILD_RETRIES): Promise<void> {
    const read = this.redis.pipeline();
    for (const sku of skus) read.hget(this.gate.skuKey(sku), 'v').zrange(this.gate.promisedKey(sku), '0', '-1');
    const replies = (await read.exec()) ?? [];
    const versions = skus.map((_, i) => (replies[2 * i]?.[1] as string | null) ?? '');
    const promised = [...new Set(skus.flatMap((_, i) => (replies[2 * i + 1]?.[1] as string[] | null) ?? []))];
    if (promised.length > ORDERS_PER_SNAPSHOT) {
      this.logger.warn(`${promised.length} live promises: the newest ${ORDERS_PER_SNAPSHOT} are weighed`);
    }
    const request: PromisableStockRequest = { skus, orderIds: promised.slice(-ORDERS_PER_SNAPSHOT) };
    const snapshot = await this.inventory.request<PromisableStock>(InventoryRpc.promisableStock, request);
    const known = new Set(snapshot.products.map((p) => p.sku));
    const raced: string[] = [];
    for (const [i, sku] of skus.entries()) {
      const product = snapshot.products.find((p) => p.sku === sku);
      if (!product) continue;
      this.counted.add(sku);
      const units = await this.gate.rebuildCount(product, versions[i], snapshot.reservedOrderIds);
      if (units === undefined) raced.push(sku);
    }
    // Beyond the retries, a count that give-backs keep racing is left as it is until the next round.
    if (raced.length > 0 && retries > 0) await this.reconcile(raced, retries - 1);
    const unknown = skus.filter((sku) => !known.has(sku));
    if (unknown.length > 0) {
      for (const sku of unknown) {
        this.notInCatalogue.set(sku, Date.now() + UNKNOWN_SKU_BACKOFF_MS);
        this.counted.delete(sku);
      }
      await this.redis.srem(this.gate.skusKey, ...unknown);
      await this.redis.del(...unknown.map((sku) => this.gate.skuKey(sku)));
    }
  }
}

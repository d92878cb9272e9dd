import type { Redis } from 'ioredis';
import { Counter, Gauge, Registry } from 'prom-client';

/** Skus whose promisable units one scrape reads; a flash sale has a handful, a catalogue is not a sale. */
const MAX_SKUS_SCRAPED = 200;

export type GateDecisionKind = 'promised' | 'refused' | 'unknown' | 'open';

/**
 * The gate as Prometheus sees it: what it decided of each attempt, and per sku the units it
 * can still promise, read from Redis at scrape time (the counts are shared by every gateway
 * replica, so each reports the same value: aggregate with max, not sum).
 */
export class GateMetrics {
  readonly decisions: Counter<'decision'>;

  constructor(registry: Registry, redis: Redis, keys: { skus: string; sku: (sku: string) => string }) {
    this.decisions = new Counter({
      name: 'flash_sale_gate_decisions_total',
      help: 'Checkout attempts by what the flash-sale gate said: promised, refused, unknown (count rebuilt) or open (gate off or Redis away)',
      labelNames: ['decision'],
      registers: [registry],
    });
    new Gauge({
      name: 'flash_sale_gate_promisable_units',
      help: 'Units of a sku the flash-sale gate can still promise (its count in Redis)',
      labelNames: ['sku'],
      registers: [registry],
      async collect() {
        this.reset();
        const skus = (await redis.smembers(keys.skus).catch(() => [])).slice(0, MAX_SKUS_SCRAPED);
        if (skus.length === 0) return;
        const pipeline = redis.pipeline();
        for (const sku of skus) pipeline.hget(keys.sku(sku), 'units');
        const answers = (await pipeline.exec().catch(() => null)) ?? [];
        skus.forEach((sku, i) => {
          const [error, units] = answers[i] ?? [];
          if (!error && units !== null && units !== undefined) this.set({ sku }, Number(units));
        });
      },
    });
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { REDIS, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import type { OrderView } from '@zhongtai/contracts';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';

/** What Redis remembers of an Idempotency-Key. */
export type KeyRecord =
  | { state: 'in-flight'; requestHash: string }
  /** `refusal`: the flash-sale gate refused the attempt, and its replays get the same answer from here. */
  | { state: 'done'; requestHash: string; orderId: string; refusal?: OrderView };

/** How long a request may hold its key while it is being accepted (a crashed gateway's claim expires). */
const IN_FLIGHT_SECONDS = 60;

/**
 * The fast layer of idempotency, per customer: answers replays and concurrent duplicates
 * without touching the order service. It is only a cache: the order database's unique
 * (customer, key) decides, so losing Redis can never create a second order.
 */
@Injectable()
export class IdempotencyService {
  private readonly logger = new Logger(IdempotencyService.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly service: ServiceConfig,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** Claims the key for this request; returns what an earlier request left, if any. Undefined when Redis is away. */
  async claim(customerId: string, key: string, requestHash: string): Promise<'claimed' | KeyRecord | undefined> {
    const redisKey = this.redisKey(customerId, key);
    try {
      const record: KeyRecord = { state: 'in-flight', requestHash };
      const set = await this.redis.set(redisKey, JSON.stringify(record), 'EX', IN_FLIGHT_SECONDS, 'NX');
      if (set === 'OK') return 'claimed';
      const existing = await this.redis.get(redisKey);
      return existing ? (JSON.parse(existing) as KeyRecord) : this.claim(customerId, key, requestHash);
    } catch (error) {
      this.logger.warn(`idempotency cache unavailable, the order database decides: ${String(error)}`);
      return undefined;
    }
  }

  async complete(
    customerId: string,
    key: string,
    requestHash: string,
    orderId: string,
    refusal?: OrderView,
  ): Promise<void> {
    const record: KeyRecord = { state: 'done', requestHash, orderId, refusal };
    await this.redis
      .set(this.redisKey(customerId, key), JSON.stringify(record), 'EX', this.config.idempotencyTtlSeconds)
      .catch((error: unknown) => this.logger.warn(`idempotency key not remembered: ${String(error)}`));
  }

  /** Lets the client retry with the same key after a failure that placed no order. */
  async release(customerId: string, key: string): Promise<void> {
    await this.redis.del(this.redisKey(customerId, key)).catch(() => undefined);
  }

  private redisKey(customerId: string, key: string): string {
    const digest = createHash('sha256').update(key).digest('base64url');
    return `${this.service.redisPrefix}idem:${customerId}:${digest}`;
  }
}

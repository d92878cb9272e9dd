import { Inject, Injectable, Logger } from '@nestjs/common';
import { REDIS, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import type { OrderView } from '@zhongtai/contracts';
import type { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';

/** This request's hold on a key: `end` stops renewing it. */
export interface Claim {
  kind: 'claimed';
  holder: string;
  end: () => void;
}

/** What Redis remembers of an Idempotency-Key. */
export type KeyRecord =
  /** `holder`: the request that claimed the key, which keeps the claim alive while it runs. */
  | { state: 'in-flight'; requestHash: string; holder: string }
  /** `refusal`: the flash-sale gate refused the attempt, and its replays get the same answer from here. */
  | { state: 'done'; requestHash: string; orderId: string; refusal?: OrderView };

/**
 * A claim lives this long unless the request holding it renews it, as it does while it runs:
 * a crashed gateway's claim is gone within seconds.
 */
const CLAIM_MS = 5_000;
const CLAIM_RENEWAL_MS = 1_500;

/** Removes a claim only while it is still the holder's. */
const RELEASE_CLAIM = `
local record = redis.call('GET', KEYS[1])
if record and cjson.decode(record).holder == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Renews a claim only while it is still the holder's. */
const RENEW_CLAIM = `
local record = redis.call('GET', KEYS[1])
if record and cjson.decode(record).holder == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

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

  /**
   * Claims the key for this request; returns what an earlier request left, if any. Undefined
   * when Redis is away. A claim is held by renewing it until `release` or `complete`.
   */
  async claim(customerId: string, key: string, requestHash: string): Promise<Claim | KeyRecord | undefined> {
    const redisKey = this.redisKey(customerId, key);
    try {
      const record: KeyRecord = { state: 'in-flight', requestHash, holder: randomUUID() };
      const set = await this.redis.set(redisKey, JSON.stringify(record), 'PX', CLAIM_MS, 'NX');
      if (set === 'OK') return this.hold(redisKey, record.holder);
      const existing = await this.redis.get(redisKey);
      return existing ? (JSON.parse(existing) as KeyRecord) : this.claim(customerId, key, requestHash);
    } catch (error) {
      this.logger.warn(`idempotency cache unavailable, the order database decides: ${String(error)}`);
      return undefined;
    }
  }

  private hold(redisKey: string, holder: string): Claim {
    const renewal = setInterval(() => {
      this.redis.eval(RENEW_CLAIM, 1, redisKey, holder, CLAIM_MS).catch(() => undefined);
    }, CLAIM_RENEWAL_MS);
    renewal.unref();
    return { kind: 'claimed', holder, end: () => clearInterval(renewal) };
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
  async release(customerId: string, key: string, claim: Claim): Promise<void> {
    claim.end();
    await this.redis.eval(RELEASE_CLAIM, 1, this.redisKey(customerId, key), claim.holder).catch(() => undefined);
  }

  private redisKey(customerId: string, key: string): string {
    const digest = createHash('sha256').update(key).digest('base64url');
    return `${this.service.redisPrefix}idem:${customerId}:${digest}`;
  }
}

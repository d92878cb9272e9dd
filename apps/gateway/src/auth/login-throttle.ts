import { HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { ProblemException, REDIS, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import type { Response } from 'express';
import type { Redis } from 'ioredis';
import { createHash } from 'node:crypto';
import { GATEWAY_CONFIG, LOGIN_THROTTLE_WINDOW_SECONDS } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';

/**
 * Refuses an attempt if the account is throttled; otherwise counts it as a failure until it
 * succeeds, in one step, so that concurrent guesses cannot pass the limit together. The window
 * starts at the first counted failure. Returns {1, count} or {0, pttl}.
 */
const ATTEMPT = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count >= tonumber(ARGV[1]) then return {0, redis.call('PTTL', KEYS[1])} end
count = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return {1, count}
`;

/** What `attempt` found: go on (and then `succeeded`, `failed` or `abandoned`), or refused. */
export interface LoginAttempt {
  succeeded(): Promise<void>;
  /** Wrong credentials: the attempt stays counted. */
  failed(): void;
  /** The check could not be made (a service failed): the attempt is not held against the account. */
  abandoned(): Promise<void>;
}

/**
 * Per-account login throttle: after LOGIN_FAILURES_PER_ACCOUNT failed logins for one email
 * within 15 minutes, every further attempt for it, right password or wrong, is 429
 * LOGIN_THROTTLED with Retry-After until the window ends, and no password hash is computed.
 * A successful login clears the count. Counted in Redis under REDIS_PREFIX, the email hashed;
 * if Redis is unreachable logins are not throttled (as rate limits).
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly service: ServiceConfig,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** The Redis key of an email's count (emails are case-insensitive). */
  key(email: string): string {
    const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    return `${this.service.redisPrefix}login:${digest}`;
  }

  async attempt(email: string, response: Response): Promise<LoginAttempt> {
    const key = this.key(email);
    let result: [number, number];
    try {
      result = (await this.redis.eval(
        ATTEMPT,
        1,
        key,
        this.config.loginFailuresPerAccount,
        LOGIN_THROTTLE_WINDOW_SECONDS,
      )) as [number, number];
    } catch (error) {
      this.logger.warn(`login throttle not checked (Redis): ${String(error)}`);
      return { succeeded: async () => undefined, failed: () => undefined, abandoned: async () => undefined };
    }
    const [allowed, value] = result;
    if (allowed !== 1) {
      const retryAfter = Math.max(1, Math.ceil((value > 0 ? value : LOGIN_THROTTLE_WINDOW_SECONDS * 1000) / 1000));
      response.setHeader('Retry-After', String(retryAfter));
      throw new ProblemException(
        HttpStatus.TOO_MANY_REQUESTS,
        'LOGIN_THROTTLED',
        `Too many failed logins for this account; retry in ${retryAfter} s`,
      );
    }
    const forget = (what: Promise<unknown>): Promise<void> =>
      what.then(
        () => undefined,
        (error: unknown) => this.logger.warn(`login throttle not updated (Redis): ${String(error)}`),
      );
    return {
      succeeded: () => forget(this.redis.del(key)),
      failed: () => undefined,
      abandoned: () => forget(this.redis.decr(key)),
    };
  }
}

import { CanActivate, ExecutionContext, HttpStatus, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { INFRASTRUCTURE_ROUTE, ProblemException, REDIS, SERVICE_CONFIG } from '@zhongtai/platform';
import type { ServiceConfig } from '@zhongtai/platform';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import { GATEWAY_CONFIG } from '../gateway.config';
import type { GatewayConfig } from '../gateway.config';
import type { Principal } from '../auth/principal';

const WINDOW_SECONDS = 60;

/**
 * KEYS: the window's counter. ARGV: its lifetime in seconds. One script rather than MULTI,
 * INCR, EXPIRE, EXEC: ioredis writes a MULTI on its own, while a script joins the commands of
 * every other request in the same tick in one write (auto-pipelining), which under a flash
 * sale made the count the gateway's costliest step.
 */
const COUNT_REQUEST = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count`;

type CountRequest = (key: string, ttlSeconds: number) => Promise<number>;

/**
 * Fixed one-minute windows on Redis: 429 with Retry-After past the limit. If Redis is
 * unreachable requests pass: a rate limit protects capacity, and refusing every request would
 * be the outage it exists to prevent.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly countRequest: CountRequest;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly service: ServiceConfig,
    private readonly reflector: Reflector,
  ) {
    if (!('rateLimitCount' in redis)) redis.defineCommand('rateLimitCount', { numberOfKeys: 1, lua: COUNT_REQUEST });
    const command = (redis as unknown as Record<string, CountRequest>).rateLimitCount;
    this.countRequest = (key, ttlSeconds) => command.call(redis, key, ttlSeconds);
  }

  /** Whether the route is a health or metrics route, which no limit counts. */
  exempt(context: ExecutionContext): boolean {
    return (
      this.reflector.getAllAndOverride<boolean>(INFRASTRUCTURE_ROUTE, [context.getHandler(), context.getClass()]) ===
      true
    );
  }

  /** Counts one request against `who` (`a:<address>`, `c:<customer>`); throws 429 past `limit`. */
  async count(context: ExecutionContext, who: string, limit: number): Promise<void> {
    const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
    const key = `${this.service.redisPrefix}rl:${who}:${window}`;
    try {
      if ((await this.countRequest(key, WINDOW_SECONDS + 1)) <= limit) return;
    } catch (error) {
      this.logger.warn(`rate limit not checked (Redis): ${String(error)}`);
      return;
    }
    const retryAfter = Math.max(1, (window + 1) * WINDOW_SECONDS - Math.floor(Date.now() / 1000));
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(retryAfter));
    throw new ProblemException(
      HttpStatus.TOO_MANY_REQUESTS,
      'RATE_LIMITED',
      `Too many requests; retry in ${retryAfter} s`,
    );
  }
}

/**
 * Per client address, before authentication, so that requests with bad or no tokens count
 * too. The address is `request.ip`: the socket's peer, or, when that peer is one of
 * TRUSTED_PROXIES, the nearest untrusted address of X-Forwarded-For.
 */
@Injectable()
export class AddressRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.limiter.exempt(context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    await this.limiter.count(context, `a:${request.ip ?? 'unknown'}`, this.config.rateLimitPerAddress);
    return true;
  }
}

/** Per customer, after authentication (it needs the verified token). */
@Injectable()
export class CustomerRateLimitGuard implements CanActivate {
  constructor(
    private readonly limiter: RateLimiter,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.limiter.exempt(context)) return true;
    const principal = context.switchToHttp().getRequest<Request & { principal?: Principal }>().principal;
    if (principal?.role === 'customer') {
      await this.limiter.count(context, `c:${principal.subject}`, this.config.rateLimitPerCustomer);
    }
    return true;
  }
}

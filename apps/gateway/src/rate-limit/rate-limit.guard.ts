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
 * Fixed one-minute windows on Redis, per client address and per customer: 429 with
 * Retry-After past the limit. If Redis is unreachable requests pass: a rate limit protects
 * capacity, and refusing every request would be the outage it exists to prevent.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(SERVICE_CONFIG) private readonly service: ServiceConfig,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(INFRASTRUCTURE_ROUTE, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
    const limits: [string, number][] = [[`a:${request.ip ?? 'unknown'}`, this.config.rateLimitPerAddress]];
    if (request.principal?.role === 'customer')
      limits.push([`c:${request.principal.subject}`, this.config.rateLimitPerCustomer]);
    try {
      const pipeline = this.redis.multi();
      for (const [who] of limits) {
        const key = `${this.service.redisPrefix}rl:${who}:${window}`;
        pipeline.incr(key).expire(key, WINDOW_SECONDS + 1);
      }
      const results = (await pipeline.exec()) ?? [];
      const exceeded = limits.some(([, limit], i) => Number(results[i * 2]?.[1]) > limit);
      if (!exceeded) return true;
    } catch (error) {
      this.logger.warn(`rate limit not checked (Redis): ${String(error)}`);
      return true;
    }
    const retryAfter = (window + 1) * WINDOW_SECONDS - Math.floor(Date.now() / 1000);
    context
      .switchToHttp()
      .getResponse<Response>()
      .setHeader('Retry-After', String(Math.max(1, retryAfter)));
    throw new ProblemException(
      HttpStatus.TOO_MANY_REQUESTS,
      'RATE_LIMITED',
      `Too many requests; retry in ${retryAfter} s`,
    );
  }
}

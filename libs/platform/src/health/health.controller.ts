import { Controller, Get, HttpStatus, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorFunction,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import type { ServiceConfig } from '../config/service-config';
import { InfrastructureRoute } from '../http/infrastructure-route';
import { ProblemException } from '../http/problem';
import { NATS_CONNECTION, REDIS, SERVICE_CONFIG } from '../tokens';

const CHECK_TIMEOUT_MS = 1000;

/**
 * Liveness says the process runs; readiness says it can do work now, checking every server
 * this service depends on and naming the one that fails (503).
 */
@ApiTags('health')
@InfrastructureRoute()
@Controller('health')
export class HealthController {
  private readonly readinessChecks: HealthIndicatorFunction[] = [];

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    database: TypeOrmHealthIndicator,
    @Optional() @Inject(REDIS) redis?: Redis,
  ) {
    if (config.databaseUrl) {
      this.readinessChecks.push(() => database.pingCheck('postgres').withTimeout(CHECK_TIMEOUT_MS));
    }
    this.readinessChecks.push(() =>
      this.indicators
        .check('nats')
        .attempt(async () => ({ rttMs: await nats.rtt() }))
        .withTimeout(CHECK_TIMEOUT_MS),
    );
    if (redis) {
      this.readinessChecks.push(() =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            await redis.ping();
          })
          .withTimeout(CHECK_TIMEOUT_MS),
      );
    }
  }

  /** The pid lets a harness check that the process answering on a port is the one it started. */
  @Get('live')
  live(): { status: 'ok'; pid: number } {
    return { status: 'ok', pid: process.pid };
  }

  @Get('ready')
  @HealthCheck()
  async ready() {
    try {
      return await this.health.check(this.readinessChecks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown>; details?: Record<string, unknown> };
      const failing = Object.keys(result.error ?? {});
      throw new ProblemException(
        HttpStatus.SERVICE_UNAVAILABLE,
        'NOT_READY',
        `Not ready: ${failing.join(', ')} failing`,
        undefined,
        { failing, details: result.details },
      );
    }
  }
}

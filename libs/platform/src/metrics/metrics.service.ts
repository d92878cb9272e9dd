import { Injectable, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { HealthController } from '../health/health.controller';
import { registerDatabasePoolMetrics } from './database-pool-metrics';
import { registerReadinessMetric } from './readiness-metrics';

const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * One Prometheus registry per process: the process defaults plus request and handler
 * latency, readiness and, in a service with a database, its connection pool. Other modules
 * (libs/saga) register their own metrics on `registry`.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly rpcHandlerDuration = new Histogram({
    name: 'rpc_handler_duration_seconds',
    help: 'NATS request handler latency by subject and outcome',
    labelNames: ['subject', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  constructor(@Optional() private readonly moduleRef?: ModuleRef) {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Once every provider exists: the readiness gauge, and the pool gauges if there is a database. */
  onApplicationBootstrap(): void {
    if (!this.moduleRef) return;
    const health = this.find(HealthController);
    if (health) registerReadinessMetric(this.registry, () => health.ready());
    const dataSource = this.find(DataSource);
    if (dataSource) registerDatabasePoolMetrics(this.registry, dataSource);
  }

  private find<T>(type: new (...args: never[]) => T): T | undefined {
    try {
      return this.moduleRef?.get(type, { strict: false });
    } catch {
      return undefined; // not part of this service (the gateway has no database)
    }
  }

  /** Express middleware: times every request, errors and unknown routes included. */
  readonly httpMiddleware = (req: Request, res: Response, next: NextFunction): void => {
    const stop = this.httpRequestDuration.startTimer();
    res.once('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      stop({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

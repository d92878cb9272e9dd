import { DynamicModule, INestApplication, Logger as NestLogger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ConfigError } from './config/env';
import { loadServiceConfig, ServiceConfig, ServiceName } from './config/service-config';
import { correlationMiddleware } from './correlation/correlation.middleware';
import { RpcCorrelationInterceptor } from './correlation/rpc-correlation.interceptor';
import { DatabaseDefinition } from './database/database';
import { applyHttpEdge, createInternalServer, HttpEdgeOptions, splitListeners } from './http/edge';
import { ProblemDetailsFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation';
import { listenForClients } from './harness/harness-link';
import { MetricsService } from './metrics/metrics.service';
import { RpcMetricsInterceptor } from './metrics/rpc-metrics.interceptor';
import { createRpcServer } from './nats/service-rpc';
import { createOpenApiDocument, OpenApiDescription } from './openapi';
import { PlatformModule } from './platform.module';
import { RpcTraceInterceptor } from './tracing/rpc-tracing';
import { startTracing, Tracing } from './tracing/tracing';
import { loadTracingConfig } from './tracing/tracing-config';

/** Everything that makes one process of Zhongtai what it is. */
export interface ServiceDefinition {
  service: ServiceName;
  /** The service's own feature module; it receives the validated configuration. */
  module: (config: ServiceConfig) => Type | DynamicModule;
  database?: DatabaseDefinition;
  redis?: boolean;
  /** Serves the OpenAPI document and UI at /docs (the gateway). */
  openApi?: OpenApiDescription;
  /**
   * A second, internal listener on `<SERVICE>_INTERNAL_PORT` that alone serves `/metrics` and
   * `/docs` (health is on both); without it, everything is on the service's one port.
   */
  internalPort?: boolean;
  /** Security headers, CORS, trusted proxies and the body limit of a service that faces clients. */
  edge?: (app: INestApplication) => HttpEdgeOptions;
}

@Module({})
class ServiceRootModule {}

/**
 * Boots a service: validated configuration, logs, health, metrics, NATS request/reply and the
 * HTTP listener, then waits for SIGTERM or SIGINT to shut down gracefully.
 */
export async function runService(definition: ServiceDefinition): Promise<INestApplication> {
  const { config, tracing, featureModule } = loadConfigOrExit(definition);
  const app = await NestFactory.create<NestExpressApplication>(
    { module: ServiceRootModule, imports: [PlatformModule.forService(config, definition.database), featureModule] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.use(correlationMiddleware);
  app.use(app.get(MetricsService).httpMiddleware);
  const internal = config.internalHttpPort !== undefined ? createInternalServer(app) : undefined;
  if (internal) splitListeners(app);
  if (definition.edge) applyHttpEdge(app, definition.edge(app));
  // One pipe, one filter and the RPC interceptors, shared by HTTP and NATS request/reply.
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalInterceptors(
    new RpcTraceInterceptor(),
    app.get(RpcCorrelationInterceptor),
    app.get(RpcMetricsInterceptor),
  );
  app.connectMicroservice({ strategy: createRpcServer(config) }, { inheritAppConfig: true });

  const { openApi } = definition;
  if (openApi) SwaggerModule.setup('docs', app, () => createOpenApiDocument(app, openApi));

  await app.startAllMicroservices();
  const bound = await listenForClients(
    app,
    config.httpPort,
    internal && config.internalHttpPort !== undefined ? { server: internal, port: config.internalHttpPort } : undefined,
  );
  stopGracefullyOnSignals(app, config, tracing, internal);
  const internalNote = bound.internalPort !== undefined ? ` (metrics and /docs on port ${bound.internalPort})` : '';
  new NestLogger('Bootstrap').log(`${config.service} ready on port ${bound.port}${internalNote}`);
  return app;
}

/**
 * The service's own settings are read by its module factory, so their errors stop boot the
 * same way. Tracing starts before that factory runs and before Nest creates anything, so that
 * the instrumentations patch Express, pg and ioredis before the first router or client exists.
 */
function loadConfigOrExit(definition: ServiceDefinition): {
  config: ServiceConfig;
  tracing: Tracing;
  featureModule: Type | DynamicModule;
} {
  try {
    const config = loadServiceConfig(definition.service, {
      database: definition.database !== undefined,
      redis: definition.redis ?? false,
      internalPort: definition.internalPort ?? false,
    });
    const tracing = startTracing(definition.service, loadTracingConfig());
    return { config, tracing, featureModule: definition.module(config) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${definition.service}: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * Stops taking work, lets in-flight work finish (Nest's shutdown hooks, bounded by
 * SHUTDOWN_TIMEOUT_MS), closes connections and exits 0; exits 1 if that takes too long.
 */
function stopGracefullyOnSignals(
  app: INestApplication,
  config: ServiceConfig,
  tracing: Tracing,
  internal?: Server,
): void {
  const logger = new NestLogger('Shutdown');
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms: exiting`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    // Scrapers need no drain: the internal listener stops at once.
    internal?.close();
    internal?.closeAllConnections();
    app
      .close()
      // The spans of the last requests leave with the process; a collector that is away loses
      // them, and that is no failure of the shutdown.
      .then(() => tracing.shutdown().catch((error: unknown) => logger.warn(`spans not exported: ${String(error)}`)))
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

import { DynamicModule, INestApplication, Logger as NestLogger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ConfigError } from './config/env';
import { loadServiceConfig, ServiceConfig, ServiceName } from './config/service-config';
import { correlationMiddleware } from './correlation/correlation.middleware';
import { RpcCorrelationInterceptor } from './correlation/rpc-correlation.interceptor';
import { DatabaseDefinition } from './database/database';
import { ProblemDetailsFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation';
import { listenForClients } from './harness/harness-link';
import { MetricsService } from './metrics/metrics.service';
import { RpcMetricsInterceptor } from './metrics/rpc-metrics.interceptor';
import { createRpcServer } from './nats/service-rpc';
import { createOpenApiDocument, OpenApiDescription } from './openapi';
import { PlatformModule } from './platform.module';

/** Everything that makes one process of Zhongtai what it is. */
export interface ServiceDefinition {
  service: ServiceName;
  /** The service's own feature module; it receives the validated configuration. */
  module: (config: ServiceConfig) => Type | DynamicModule;
  database?: DatabaseDefinition;
  redis?: boolean;
  /** Serves the OpenAPI document and UI at /docs (the gateway). */
  openApi?: OpenApiDescription;
}

@Module({})
class ServiceRootModule {}

/**
 * Boots a service: validated configuration, logs, health, metrics, NATS request/reply and the
 * HTTP listener, then waits for SIGTERM or SIGINT to shut down gracefully.
 */
export async function runService(definition: ServiceDefinition): Promise<INestApplication> {
  const { config, featureModule } = loadConfigOrExit(definition);
  const app = await NestFactory.create(
    { module: ServiceRootModule, imports: [PlatformModule.forService(config, definition.database), featureModule] },
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.use(correlationMiddleware);
  app.use(app.get(MetricsService).httpMiddleware);
  // One pipe, one filter and the RPC interceptors, shared by HTTP and NATS request/reply.
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalInterceptors(app.get(RpcCorrelationInterceptor), app.get(RpcMetricsInterceptor));
  app.connectMicroservice({ strategy: createRpcServer(config) }, { inheritAppConfig: true });

  const { openApi } = definition;
  if (openApi) SwaggerModule.setup('docs', app, () => createOpenApiDocument(app, openApi));

  await app.startAllMicroservices();
  const port = await listenForClients(app, config.httpPort);
  stopGracefullyOnSignals(app, config);
  new NestLogger('Bootstrap').log(`${config.service} ready on port ${port}`);
  return app;
}

/** The service's own settings are read by its module factory, so their errors stop boot the same way. */
function loadConfigOrExit(definition: ServiceDefinition): {
  config: ServiceConfig;
  featureModule: Type | DynamicModule;
} {
  try {
    const config = loadServiceConfig(definition.service, {
      database: definition.database !== undefined,
      redis: definition.redis ?? false,
    });
    return { config, featureModule: definition.module(config) };
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
function stopGracefullyOnSignals(app: INestApplication, config: ServiceConfig): void {
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
    app
      .close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        logger.error(`shutdown failed: ${String(error)}`);
        process.exit(1);
      });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

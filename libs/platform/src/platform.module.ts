import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { ServiceConfig } from './config/service-config';
import { RpcCorrelationInterceptor } from './correlation/rpc-correlation.interceptor';
import { DatabaseDefinition, databaseModule } from './database/database';
import { HealthController } from './health/health.controller';
import { loggingModule } from './logging/logging';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { RpcMetricsInterceptor } from './metrics/rpc-metrics.interceptor';
import { NatsConnectionCloser, natsConnectionProvider } from './nats/nats-connection.provider';
import { NATS_CONNECTION, REDIS, SERVICE_CONFIG } from './tokens';

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function redisProviders(config: ServiceConfig): Provider[] {
  if (!config.redisUrl) return [];
  const url = config.redisUrl;
  return [
    {
      provide: REDIS,
      // Auto-pipelining sends the commands that concurrent requests issue in one tick as one
      // write: under a flash sale, socket writes were the gateway's largest cost.
      useFactory: () =>
        new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: false, enableAutoPipelining: true }),
    },
    RedisCloser,
  ];
}

/**
 * The cross-cutting defaults every Zhongtai process shares: configuration, structured logs,
 * health, metrics, the database and the connections to NATS and Redis.
 */
@Global()
@Module({})
export class PlatformModule {
  static forService(config: ServiceConfig, database?: DatabaseDefinition): DynamicModule {
    const infrastructure: Provider[] = [
      { provide: SERVICE_CONFIG, useValue: config },
      natsConnectionProvider,
      NatsConnectionCloser,
      ...redisProviders(config),
    ];
    return {
      module: PlatformModule,
      imports: [
        loggingModule(config),
        TerminusModule.forRoot({ logger: false }),
        ...(database && config.databaseUrl
          ? [databaseModule(config.databaseUrl, database, config.databasePoolSize)]
          : []),
      ],
      controllers: [HealthController, MetricsController],
      providers: [...infrastructure, MetricsService, RpcCorrelationInterceptor, RpcMetricsInterceptor],
      exports: [SERVICE_CONFIG, NATS_CONNECTION, MetricsService, ...(config.redisUrl ? [REDIS] : [])],
    };
  }
}

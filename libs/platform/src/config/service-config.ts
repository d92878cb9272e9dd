import { EnvReader } from './env';

export const SERVICE_NAMES = ['gateway', 'order', 'inventory', 'coupon', 'payment'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** What one process needs to reach its infrastructure; read once, at boot, from the environment. */
export interface ServiceConfig {
  service: ServiceName;
  httpPort: number;
  /**
   * The port of the internal listener (`/metrics`, `/docs`), for the services that have one
   * (the gateway): reachable by scrapers and operators, never published to clients.
   */
  internalHttpPort?: number;
  natsUrl: string;
  /** Isolates every NATS subject and JetStream stream of one deployment (or one test run). */
  natsPrefix: string;
  databaseUrl?: string;
  /** Connections this process may hold; all services together must stay under max_connections. */
  databasePoolSize: number;
  /** Replicas of the saga streams: 1 on one NATS server, 3 on a three-node JetStream cluster. */
  sagaStreamReplicas: number;
  redisUrl?: string;
  /** Prefix of every Redis key this deployment writes. */
  redisPrefix: string;
  logLevel: (typeof LOG_LEVELS)[number];
  shutdownTimeoutMs: number;
}

export interface ServiceNeeds {
  database: boolean;
  redis: boolean;
  /** An internal listener on `<SERVICE>_INTERNAL_PORT` for metrics and the OpenAPI document. */
  internalPort?: boolean;
}

/** The default of `<SERVICE>_INTERNAL_PORT` (the port Prometheus exporters customarily use). */
export const DEFAULT_INTERNAL_PORT = 9464;

/** The development default port of each service; GATEWAY_PORT is the one clients know. */
export const DEFAULT_PORTS: Record<ServiceName, number> = {
  gateway: 3000,
  order: 3001,
  inventory: 3002,
  coupon: 3003,
  payment: 3004,
};

export function envPrefix(service: ServiceName): string {
  return service.toUpperCase();
}

/**
 * Reads a service's configuration from the environment. There are no silent defaults for
 * addresses of infrastructure: a missing URL stops the process with the variable's name.
 */
export function loadServiceConfig(
  service: ServiceName,
  needs: ServiceNeeds,
  source: Record<string, string | undefined> = process.env,
): ServiceConfig {
  const env = new EnvReader(source);
  const prefix = envPrefix(service);
  const config: ServiceConfig = {
    service,
    httpPort: env.port(`${prefix}_PORT`),
    internalHttpPort: needs.internalPort ? env.port(`${prefix}_INTERNAL_PORT`, DEFAULT_INTERNAL_PORT) : undefined,
    natsUrl: env.url('NATS_URL', ['nats:', 'tls:']),
    natsPrefix: env.string('NATS_PREFIX', {
      default: 'zt',
      pattern: /^[A-Za-z0-9_-]{1,32}$/,
      describe: '1 to 32 letters, digits, - or _',
    }),
    databaseUrl: needs.database ? env.url(`${prefix}_DATABASE_URL`, ['postgres:', 'postgresql:']) : undefined,
    databasePoolSize: env.int('DATABASE_POOL_SIZE', { min: 1, max: 200, default: 10 }),
    sagaStreamReplicas: env.int('SAGA_STREAM_REPLICAS', { min: 1, max: 5, default: 1 }),
    redisUrl: needs.redis ? env.url('REDIS_URL', ['redis:', 'rediss:']) : undefined,
    redisPrefix: needs.redis
      ? env.string('REDIS_PREFIX', {
          default: 'zt:',
          pattern: /^[A-Za-z0-9_:-]{1,64}$/,
          describe: 'letters, digits, _, - or :',
        })
      : '',
    logLevel: env.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', { min: 100, max: 120_000, default: 10_000 }),
  };
  if (config.internalHttpPort !== undefined && config.internalHttpPort === config.httpPort) {
    env.reject(`${prefix}_INTERNAL_PORT`, `is invalid: it must differ from ${prefix}_PORT`);
  }
  env.done();
  return config;
}

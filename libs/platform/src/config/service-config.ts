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
  /**
   * The service connects to NATS as the user named after it, with this password
   * (`<SERVICE>_NATS_PASSWORD`); deploy/nats/authorization.conf gives each user its subjects.
   */
  natsPassword: string;
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

/**
 * The development values of .env.example: a process with NODE_ENV=production refuses to
 * start with them (service-config.spec.ts checks that they still are the file's).
 */
export const DEVELOPMENT_NATS_PASSWORDS: Record<ServiceName, string> = {
  gateway: 'gateway-nats-development-only',
  order: 'order-nats-development-only',
  inventory: 'inventory-nats-development-only',
  coupon: 'coupon-nats-development-only',
  payment: 'payment-nats-development-only',
};

/**
 * nats-server reads the same variable through its configuration's lexer, which would take a
 * value such as `1e5` or `true` for a number or a boolean: a password starts with a letter.
 */
const NATS_PASSWORD = /^[A-Za-z][A-Za-z0-9_-]{15,127}$/;

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
    natsPassword: env.string(`${prefix}_NATS_PASSWORD`, {
      pattern: NATS_PASSWORD,
      describe: '16 to 128 letters, digits, - or _, starting with a letter',
    }),
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
  if (source.NODE_ENV === 'production' && config.natsPassword === DEVELOPMENT_NATS_PASSWORDS[service]) {
    env.reject(
      `${prefix}_NATS_PASSWORD`,
      'is the development value of .env.example: set a value of your own when NODE_ENV is production',
    );
  }
  if (config.internalHttpPort !== undefined && config.internalHttpPort === config.httpPort) {
    env.reject(`${prefix}_INTERNAL_PORT`, `is invalid: it must differ from ${prefix}_PORT`);
  }
  env.done();
  return config;
}

import { Client } from 'pg';
import { connect } from '@nats-io/transport-node';
import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import { DATABASES } from '../../scripts/lib/services';
import { exampleDefaults, removeRedisKeys, removeStreams, startServices } from './harness/stack';
import { natsAdmin } from './harness/nats-users';
import { ServiceProcess } from './harness/service-process';
import { createTestDatabase, SHARED, TestDatabase, uniqueName } from './infrastructure';
import { platformNats } from './platform-nats';

export { exampleDefaults };

export interface PlatformOptions {
  services?: ServiceName[];
  /** Per-service overrides of the environment (for example a database URL through a proxy). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** Overrides of the environment of every service. */
  sharedEnv?: Record<string, string>;
  logLevel?: string;
}

/**
 * Zhongtai as separate processes on the shared servers (NATS: the e2e run's own, with the
 * platform's authorization), isolated by fresh databases, a NATS
 * prefix and a Redis key prefix of its own; `stop()` ends the processes and removes all of it.
 */
export class TestPlatform {
  readonly processes = new Map<ServiceName, ServiceProcess>();
  readonly databases = new Map<ServiceName, TestDatabase>();
  readonly natsPrefix = uniqueName('nats').replace(/_/g, '-');
  readonly redisPrefix = `${uniqueName('redis')}:`;
  readonly env: Record<string, string> = {};

  static async start(options: PlatformOptions = {}): Promise<TestPlatform> {
    const platform = new TestPlatform();
    try {
      await platform.boot(options);
    } catch (error) {
      await platform.stop();
      throw error;
    }
    return platform;
  }

  service(name: ServiceName): ServiceProcess {
    const process = this.processes.get(name);
    if (!process) throw new Error(`${name} is not part of this platform`);
    return process;
  }

  get gatewayUrl(): string {
    return this.service('gateway').url;
  }

  /** A client of one service's database, for checks made directly in the data. */
  async query<T extends Record<string, unknown>>(
    service: ServiceName,
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.databases.get(service)!.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.values()].map((p) => p.stop()));
    await Promise.all([...this.databases.values()].map((db) => db.drop()));
    await this.removeNatsStreams();
    await removeRedisKeys(SHARED.redis, this.redisPrefix);
  }

  private async boot(options: PlatformOptions): Promise<void> {
    const services = options.services ?? [...SERVICE_NAMES];
    Object.assign(this.env, exampleDefaults(), {
      NODE_ENV: 'test',
      LOG_LEVEL: options.logLevel ?? 'info',
      NATS_URL: platformNats(),
      NATS_PREFIX: this.natsPrefix,
      REDIS_URL: SHARED.redis,
      REDIS_PREFIX: this.redisPrefix,
      SHUTDOWN_TIMEOUT_MS: '10000',
      // Tests send many requests from one address; the rate-limit test sets its own limits.
      RATE_LIMIT_PER_ADDRESS: '1000000',
      RATE_LIMIT_PER_CUSTOMER: '1000000',
      // Suites run side by side on a server with 100 connections.
      DATABASE_POOL_SIZE: '4',
      ...options.sharedEnv,
    });
    for (const service of services) {
      const definition = DATABASES[service];
      if (definition) {
        const database = await createTestDatabase(service, definition);
        this.databases.set(service, database);
        this.env[`${service.toUpperCase()}_DATABASE_URL`] = database.url;
      }
    }
    await startServices(services, (service, port) => {
      const process = new ServiceProcess(service, { port, env: { ...this.env, ...options.env?.[service] } });
      this.processes.set(service, process);
      return process;
    });
  }

  private async removeNatsStreams(): Promise<void> {
    const nc = await connect({ servers: platformNats(), ...natsAdmin() });
    try {
      await removeStreams(nc, this.natsPrefix);
    } finally {
      await nc.close();
    }
  }
}

import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import { ensureDatabase, migrate } from '../../scripts/lib/databases';
import { DATABASES } from '../../scripts/lib/services';
import { exampleDefaults, FileOutput, ServerProcess, ServiceProcess, startServices } from '../../test/support/harness';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { FaultyProxy } from '../faults/faulty-proxy';
import { registerCleanup, startReaper, trackPid } from './last-resort';
import { privateNats, privateRedis } from './nats-redis';
import { PrivatePostgres } from './postgres';

export interface ClusterOptions {
  /** Labels the NATS prefix and the temporary directory. */
  label: string;
  postgresFsync: boolean;
  /** Where the logs of every process go (kept after the run). */
  logDir: string;
  clock: () => number;
}

export const databaseName = (service: ServiceName) => `zhongtai_${service}`;

/**
 * Zhongtai on servers of its own: PostgreSQL, NATS (JetStream) and Redis on private ports and
 * directories, the five services as supervised processes, and a faulty proxy in front of
 * PostgreSQL and of NATS through which every service connects. Never the shared servers.
 * A server or service that restarts may find its port taken by another program and move;
 * whoever holds an address holds one that never moves: the services reach PostgreSQL, NATS
 * and Redis through relays, and clients reach the gateway through `gatewayFront`.
 */
export class ChaosCluster {
  readonly services = new Map<ServiceName, ServiceProcess<FileOutput>>();
  readonly env: Record<string, string> = {};
  readonly runDir: string;
  postgres!: PrivatePostgres;
  nats!: ServerProcess;
  redis!: ServerProcess;
  pgProxy!: FaultyProxy;
  natsProxy!: FaultyProxy;
  private readonly redisFront = new TcpProxy('127.0.0.1', () => this.redis.port);
  private readonly gatewayFront = new TcpProxy('127.0.0.1', () => this.service('gateway').port);

  private constructor(private readonly options: ClusterOptions) {
    this.runDir = mkdtempSync(join(tmpdir(), `zt-chaos-${options.label}-`));
    // PostgreSQL runs as the postgres user, which must reach its directory inside this one.
    chmodSync(this.runDir, 0o755);
    registerCleanup('run directory', () => rmSync(this.runDir, { recursive: true, force: true }));
  }

  static async start(options: ClusterOptions): Promise<ChaosCluster> {
    const cluster = new ChaosCluster(options);
    await cluster.boot();
    return cluster;
  }

  service(name: ServiceName): ServiceProcess<FileOutput> {
    return this.services.get(name)!;
  }

  /** The gateway's address for the whole run, wherever the gateway process listens. */
  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.gatewayFront.port}`;
  }

  /** Same shape as TestPlatform.query: a query in one service's database, straight to the server. */
  query<T extends Record<string, unknown>>(service: ServiceName, sql: string, params: unknown[] = []): Promise<T[]> {
    return this.postgres.query<T>(databaseName(service), sql, params);
  }

  /** Brings back whatever is down, paused or slowed, and waits until every service is ready. */
  async heal(readyTimeoutMs = 90_000): Promise<void> {
    this.pgProxy.heal();
    this.natsProxy.heal();
    if (!this.postgres.running) await this.postgres.start();
    if (!this.nats.running) await this.nats.start();
    if (!this.redis.running) await this.redis.start();
    for (const service of this.services.values()) {
      if (service.running) service.signal('SIGCONT');
      else service.start();
    }
    await this.waitAllReady(readyTimeoutMs);
  }

  async waitAllReady(timeoutMs = 90_000): Promise<void> {
    await Promise.all([...this.services.values()].map((s) => s.waitReady(timeoutMs)));
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.services.values()].map((s) => s.stop(10_000)));
    await Promise.allSettled([
      this.pgProxy?.stop(),
      this.natsProxy?.stop(),
      this.redisFront.stop(),
      this.gatewayFront.stop(),
    ]);
    await Promise.allSettled([this.nats?.stop('SIGTERM', 5_000), this.redis?.stop('SIGTERM', 5_000)]);
    if (this.postgres) {
      await this.postgres.stopFast().catch(() => undefined);
      try {
        copyFileSync(join(this.postgres.dir, 'server.log'), join(this.options.logDir, 'postgres.log'));
      } catch {
        // no log: the server never started
      }
    }
    rmSync(this.runDir, { recursive: true, force: true });
  }

  private async boot(): Promise<void> {
    const { logDir, label } = this.options;
    this.postgres = new PrivatePostgres(this.runDir, this.options.postgresFsync);
    startReaper(this.runDir, this.postgres.immediateStopCommand);
    await this.postgres.init();
    await this.postgres.start();
    for (const [service, definition] of Object.entries(DATABASES)) {
      const url = `${this.postgres.url}/${databaseName(service as ServiceName)}`;
      await ensureDatabase(url);
      await migrate(url, definition);
    }
    this.nats = privateNats(this.runDir, logDir);
    this.redis = privateRedis(this.runDir, logDir);
    await Promise.all([this.nats.start(), this.redis.start()]);
    this.pgProxy = new FaultyProxy('postgres', () => this.postgres.port);
    this.natsProxy = new FaultyProxy('nats', () => this.nats.port);
    await Promise.all([
      this.pgProxy.start(),
      this.natsProxy.start(),
      this.redisFront.start(),
      this.gatewayFront.start(),
    ]);

    Object.assign(this.env, exampleDefaults(), {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      NATS_URL: `nats://127.0.0.1:${this.natsProxy.port}`,
      NATS_PREFIX: `chaos-${label}`.slice(0, 32),
      REDIS_URL: `redis://127.0.0.1:${this.redisFront.port}`,
      REDIS_PREFIX: 'chaos:',
      SHUTDOWN_TIMEOUT_MS: '5000',
      DATABASE_POOL_SIZE: '5',
      RATE_LIMIT_PER_ADDRESS: '1000000',
      RATE_LIMIT_PER_CUSTOMER: '1000000',
      // A soak outlives the default 15 minutes of a token.
      JWT_TTL_SECONDS: '86400',
    });
    for (const service of SERVICE_NAMES) {
      if (DATABASES[service]) {
        this.env[`${service.toUpperCase()}_DATABASE_URL`] =
          `postgres://postgres@127.0.0.1:${this.pgProxy.port}/${databaseName(service)}`;
      }
    }
    await startServices(
      SERVICE_NAMES,
      (service, port) => {
        const process = new ServiceProcess(service, {
          port,
          env: this.env,
          output: new FileOutput(join(logDir, `${service}.log`)),
          supervise: { clock: this.options.clock },
          track: (pid) => trackPid(service, pid),
        });
        registerCleanup(service, () => process.killNow());
        this.services.set(service, process);
        return process;
      },
      { readyTimeoutMs: 120_000 },
    );
  }
}

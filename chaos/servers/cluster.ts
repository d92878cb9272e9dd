import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
// The simulator's migrations, run by the harness as scripts/migrate.ts runs them (no app imports another).
// eslint-disable-next-line no-restricted-imports
import { providerDatabase } from '../../apps/provider/src/provider.database';
import { ensureDatabase, migrate } from '../../scripts/lib/databases';
import { DATABASES } from '../../scripts/lib/services';
import {
  exampleDefaults,
  FileOutput,
  LoadBalancer,
  NatsCluster,
  ownServiceReady,
  ServerProcess,
  ServiceProcess,
  startServices,
} from '../../test/support/harness';
import { freePort } from '../../test/support/infrastructure';
import { TcpProxy } from '../../test/support/tcp-proxy';
import { FaultyProxy } from '../faults/faulty-proxy';
import { sleep } from '../random';
import type { Topology } from '../tiers';
import { registerCleanup, startReaper, trackPid } from './last-resort';
import { privateNats, privateRedis, serverOfTheRun } from './nats-redis';
import { PrivatePostgres } from './postgres';
import { NO_NOTIFICATION_FAULTS, NotificationFaults, PROVIDER_DATABASE, providerSimulator } from './provider';

export interface ClusterOptions {
  /** Labels the NATS prefix and the temporary directory. */
  label: string;
  postgresFsync: boolean;
  /** Where the logs of every process go (kept after the run). */
  logDir: string;
  clock: () => number;
  /**
   * single (default): one nats-server, one process per service. cluster: three nats-server
   * nodes as one JetStream cluster (the saga streams with three replicas), two replicas of each
   * service, and a load balancer in front of the two gateways.
   */
  topology?: Topology;
  /** Where clients reach the gateway (the balancer, in the cluster topology); a free port by default. */
  gatewayPort?: number;
  /** Set last over the services' environment (npm run up -- --cluster: development, info logs). */
  env?: Record<string, string>;
}

/** How many replicas of each service, and NATS nodes, each topology runs. */
export const TOPOLOGY_SIZE: Record<Topology, { replicas: number; natsNodes: number }> = {
  single: { replicas: 1, natsNodes: 1 },
  cluster: { replicas: 2, natsNodes: 3 },
};

export const databaseName = (service: ServiceName) => `zhongtai_${service}`;

/**
 * ORDER_PAYMENT_WINDOW_MS of a run: short, so that orders left unpaid at the provider expire
 * within it (the production 15 minutes would outlast any run).
 */
export const PAYMENT_WINDOW_MS = 8_000;

/**
 * Zhongtai on servers of its own: PostgreSQL, NATS (JetStream) and Redis on private ports and
 * directories, the five services as supervised processes, and a faulty proxy in front of
 * PostgreSQL and of NATS through which every service connects. Never the shared servers.
 * A server or service that restarts may find its port taken by another program and move;
 * whoever holds an address holds one that never moves: the services reach PostgreSQL, NATS
 * and Redis through relays, and clients reach the gateway through `gatewayFront`.
 */
export class ChaosCluster {
  /** The first replica of each service (the only one in the single topology). */
  readonly services = new Map<ServiceName, ServiceProcess<FileOutput>>();
  /** Every replica of each service, by replica index (0 is the one in `services`). */
  readonly replicas = new Map<ServiceName, ServiceProcess<FileOutput>[]>();
  /** Processes a rolling restart replaced, kept for their exits. */
  readonly retired: ServiceProcess<FileOutput>[] = [];
  readonly env: Record<string, string> = {};
  readonly runDir: string;
  readonly topology: Topology;
  postgres!: PrivatePostgres;
  /** The NATS server (single), or the first node of the cluster. */
  nats!: ServerProcess;
  /** The three nodes, in the cluster topology. */
  natsCluster?: NatsCluster;
  redis!: ServerProcess;
  pgProxy!: FaultyProxy;
  /**
   * The payment provider simulator (apps/provider): an outside system, so it reaches
   * PostgreSQL (its own database) through a plain relay, not the platform's faulty proxy, and
   * the payment service and customers reach it through `providerFront`, whose port never moves.
   */
  provider!: ServerProcess;
  private readonly providerPgRelay = new TcpProxy('127.0.0.1', () => this.postgres.port);
  private readonly providerFront = new TcpProxy('127.0.0.1', () => this.provider.port);
  /** The proxy in front of `nats`; in the cluster topology, of its first node. */
  natsProxy!: FaultyProxy;
  /** One proxy per NATS node (just `natsProxy` in the single topology). */
  natsProxies: FaultyProxy[] = [];
  private readonly redisFront = new TcpProxy('127.0.0.1', () => this.redis.port);
  private readonly gatewayFront: TcpProxy | LoadBalancer;
  private readonly replicaEnv = new Map<string, Record<string, string>>();
  private processCount = 0;

  private constructor(private readonly options: ClusterOptions) {
    this.topology = options.topology ?? 'single';
    this.gatewayFront =
      this.topology === 'cluster'
        ? new LoadBalancer(() => this.replicas.get('gateway') ?? [])
        : new TcpProxy('127.0.0.1', () => this.service('gateway').port);
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

  /** Every service process that is part of the platform now, replicas included. */
  allServices(): ServiceProcess<FileOutput>[] {
    return [...this.replicas.values()].flat();
  }

  /** The exits of every process the run started, replaced ones included. */
  allExits() {
    return [...this.allServices(), ...this.retired].flatMap((s) => s.exits);
  }

  /** Connections the gateway load balancer handed to each gateway port (cluster topology). */
  get balancedConnections(): Record<string, number> {
    return this.gatewayFront instanceof LoadBalancer ? Object.fromEntries(this.gatewayFront.connections) : {};
  }

  /** Starts the NATS server that is down (single) or every node that is down (cluster). */
  async startNats(): Promise<void> {
    if (this.natsCluster) {
      await Promise.all(this.natsCluster.nodes.map((node) => node.start()));
    } else if (!this.nats.running) {
      await this.nats.start();
    }
  }

  /**
   * A rolling update's step for one replica, as a Deployment with maxSurge 1 and
   * maxUnavailable 0 does it: a new process is started and, once it is ready, the old one is
   * sent SIGTERM and drains. Resolves with how long the new one took to be ready.
   */
  async replaceReplica(service: ServiceName, index: number, readyTimeoutMs = 90_000): Promise<number> {
    const list = this.replicas.get(service)!;
    const old = list[index];
    const started = Date.now();
    // The old process stays in place (the balancer keeps it, heal sees it) until the new one is ready.
    const fresh = this.makeReplica(service, index, await freePort(), false).start();
    try {
      await fresh.waitReady(readyTimeoutMs);
    } catch (error) {
      await fresh.stop(5_000, 'fault');
      this.retired.push(fresh);
      throw error;
    }
    const readyMs = Date.now() - started;
    list[index] = fresh;
    if (index === 0) this.services.set(service, fresh);
    await old.stop(15_000, 'fault');
    this.retired.push(old);
    return readyMs;
  }
  /** The gateway's address for the whole run, wherever the gateway process listens. */
  get gatewayUrl(): string {
    return `http://127.0.0.1:${this.gatewayFront.port}`;
  }

  /** Where the payment service and customers reach the provider (the base of every pay URL). */
  get providerUrl(): string {
    return `http://127.0.0.1:${this.providerFront.port}`;
  }

  /** A query in the provider's own database. */
  providerQuery<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.postgres.query<T>(PROVIDER_DATABASE, sql, params);
  }

  /** Switches the simulator's notification faults (all off with NO_NOTIFICATION_FAULTS), as the merchant. */
  async setNotificationFaults(faults: NotificationFaults): Promise<void> {
    const response = await fetch(`${this.providerUrl}/v1/testing/notification-faults`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.env.PAYMENT_PROVIDER_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(faults),
      signal: AbortSignal.timeout(5_000),
    });
    if (response.status !== 200)
      throw new Error(`notification faults refused: ${response.status} ${await response.text()}`);
  }

  /** Same shape as TestPlatform.query: a query in one service's database, straight to the server. */
  query<T extends Record<string, unknown>>(service: ServiceName, sql: string, params: unknown[] = []): Promise<T[]> {
    return this.postgres.query<T>(databaseName(service), sql, params);
  }

  /** Brings back whatever is down, paused or slowed, and waits until every service is ready. */
  async heal(readyTimeoutMs = 90_000): Promise<void> {
    this.pgProxy.heal();
    for (const proxy of this.natsProxies) proxy.heal();
    this.natsCluster?.healRoutes();
    if (!this.postgres.running) await this.postgres.start();
    await this.startNats();
    if (!this.redis.running) await this.redis.start();
    for (const service of this.allServices()) {
      if (service.running) service.signal('SIGCONT');
      else service.start();
    }
    if (!this.provider.running) await this.provider.start();
    await this.waitAllReady(readyTimeoutMs);
    // A fault that failed half-way may have left the simulator's notification faults on.
    await this.setNotificationFaults(NO_NOTIFICATION_FAULTS);
  }

  async waitAllReady(timeoutMs = 90_000): Promise<void> {
    await Promise.all([...this.allServices().map((s) => s.waitReady(timeoutMs)), this.waitProviderReady(timeoutMs)]);
  }

  /** The simulator answers ready (its database reachable) on its own pid. */
  async waitProviderReady(timeoutMs = 90_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(100)) {
      if (this.provider.running && (await ownServiceReady(`http://127.0.0.1:${this.provider.port}`, this.provider.pid)))
        return;
    }
    throw new Error(`the provider simulator (pid ${this.provider.pid}) not ready within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.allServices(), ...this.retired].map((s) => s.stop(10_000)));
    await Promise.allSettled([
      this.pgProxy?.stop(),
      ...this.natsProxies.map((proxy) => proxy.stop()),
      this.redisFront.stop(),
      this.gatewayFront.stop(),
      this.providerFront.stop(),
      this.providerPgRelay.stop(),
    ]);
    await Promise.allSettled([
      this.provider?.stop('SIGTERM', 5_000),
      ...(this.natsCluster ? [this.natsCluster.stop(5_000)] : [this.nats?.stop('SIGTERM', 5_000)]),
      this.redis?.stop('SIGTERM', 5_000),
    ]);
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
    const providerDatabaseUrl = `${this.postgres.url}/${PROVIDER_DATABASE}`;
    await ensureDatabase(providerDatabaseUrl);
    await migrate(providerDatabaseUrl, providerDatabase);
    this.redis = privateRedis(this.runDir, logDir);
    if (this.topology === 'cluster') {
      // The node names carry the run directory's unique name, as the single server's does.
      const cluster = new NatsCluster({
        dir: this.runDir,
        name: `chaos-${basename(this.runDir)}`,
        size: TOPOLOGY_SIZE.cluster.natsNodes,
        make: (name, binary) => serverOfTheRun(name, binary, logDir),
        // Routes through proxies, so that nats-partition can cut one node off and heal it.
        routeProxies: true,
      });
      this.natsCluster = cluster;
      this.nats = cluster.nodes[0].process;
      await Promise.all([cluster.start(), this.redis.start()]);
      this.natsProxies = cluster.nodes.map((node, i) => new FaultyProxy(`nats-${i + 1}`, () => node.port));
    } else {
      this.nats = privateNats(this.runDir, logDir);
      await Promise.all([this.nats.start(), this.redis.start()]);
      this.natsProxies = [new FaultyProxy('nats', () => this.nats.port)];
    }
    this.natsProxy = this.natsProxies[0];
    this.pgProxy = new FaultyProxy('postgres', () => this.postgres.port);
    await Promise.all([
      this.pgProxy.start(),
      ...this.natsProxies.map((proxy) => proxy.start()),
      this.redisFront.start(),
      this.gatewayFront.start(this.options.gatewayPort ?? 0),
      this.providerFront.start(),
      this.providerPgRelay.start(),
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
      // The saga streams on every NATS node (libs/saga's topology.replicas, as the prod overlay sets it).
      SAGA_STREAM_REPLICAS: String(TOPOLOGY_SIZE[this.topology].natsNodes),
      // Checkouts paid at the provider: the simulator of the run, notifying the gateway's
      // webhook through the gateway's fixed address; a window short enough to expire within a
      // run, and a back-check that asks soon about a payment without news (a dropped notification).
      ORDER_PAYMENT_WINDOW_MS: String(PAYMENT_WINDOW_MS),
      PAYMENT_PROVIDER_URL: this.providerUrl,
      PAYMENT_PROVIDER_NOTIFY_URL: `${this.gatewayUrl}/payments/provider/notifications`,
      PAYMENT_BACK_CHECK_EVERY_MS: '1000',
      PAYMENT_BACK_CHECK_AFTER_MS: '3000',
      ...this.options.env,
    });
    this.provider = providerSimulator(
      {
        PROVIDER_DATABASE_URL: `postgres://postgres@127.0.0.1:${this.providerPgRelay.port}/${PROVIDER_DATABASE}`,
        PROVIDER_PUBLIC_URL: this.providerUrl,
        PROVIDER_MERCHANT_API_KEY: this.env.PAYMENT_PROVIDER_API_KEY,
        PROVIDER_NOTIFY_SECRET: this.env.PAYMENT_PROVIDER_NOTIFY_SECRET,
      },
      logDir,
    );
    await this.provider.start();
    for (const service of SERVICE_NAMES) {
      if (DATABASES[service]) {
        this.env[`${service.toUpperCase()}_DATABASE_URL`] =
          `postgres://postgres@127.0.0.1:${this.pgProxy.port}/${databaseName(service)}`;
      }
    }
    // Replica by replica (every service's first, then every second one): ten processes
    // starting at once on a small machine would each take longer than the lot in two waves.
    for (let index = 0; index < TOPOLOGY_SIZE[this.topology].replicas; index++) {
      await startServices(SERVICE_NAMES, (service, port) => this.makeReplica(service, index, port), {
        readyTimeoutMs: 120_000,
      });
    }
  }

  /**
   * A supervised process for replica `index` of `service` (not started), put in its place
   * unless `register` is false (a replacement, until it is ready). In the cluster
   * topology each replica reaches NATS through the proxy of its own node (spread so that the
   * two replicas of a service use different nodes); the NATS client learns the other nodes
   * from the cluster and moves to one of them when its own goes away.
   */
  private makeReplica(service: ServiceName, index: number, port: number, register = true): ServiceProcess<FileOutput> {
    const label = index === 0 ? service : `${service}-${index + 1}`;
    let env = this.replicaEnv.get(label);
    if (!env) {
      const node = (SERVICE_NAMES.indexOf(service) + index) % this.natsProxies.length;
      env = { ...this.env, NATS_URL: `nats://127.0.0.1:${this.natsProxies[node].port}` };
      this.replicaEnv.set(label, env);
    }
    const key = `${label}#${this.processCount++}`;
    const process = new ServiceProcess(service, {
      port,
      env,
      output: new FileOutput(join(this.options.logDir, `${label}.log`)),
      supervise: { clock: this.options.clock },
      // One key per process: a replacement runs beside the process it replaces for a while.
      track: (pid) => trackPid(key, pid),
    });
    registerCleanup(label, () => process.killNow());
    if (!register) return process;
    const list = this.replicas.get(service) ?? [];
    list[index] = process;
    this.replicas.set(service, list);
    if (index === 0) this.services.set(service, process);
    return process;
  }
}

/**
 * Zhongtai as a benchmark runs it: fresh databases with unique names (the services' own
 * migrations, or copies of another stack's: `templates`, `copyDatabases`), a unique NATS subject prefix and Redis key prefix, and the services as child
 * processes in production mode (compiled tree, NODE_ENV=production, LOG_LEVEL=warn, rate limits
 * out of the way). Everything it creates is removed by `cleanUp()`, which also runs on SIGINT
 * and SIGTERM: children stopped, streams `<prefix>_saga_commands` / `<prefix>_saga_replies`
 * deleted, Redis keys under the prefix deleted, databases dropped.
 *
 * It also reads what a benchmark reports besides latency: commits per database
 * (pg_stat_database) and CPU per process (cpu.ts), with PostgreSQL backends grouped by the
 * service whose database they serve.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { SERVICE_NAMES } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import { dropDatabase, ensureDatabase, migrate } from '../../scripts/lib/databases';
import { DATABASES } from '../../scripts/lib/services';
import {
  exampleDefaults,
  LogSummary,
  removeRedisKeys,
  removeStreams,
  ServiceProcess,
  startServices,
  SummaryOutput,
} from '../../test/support/harness';
import { Children } from './children';
import { cpuSnapshot, CpuSnapshot, cpuUsage } from './cpu';
import { machineFacts, MachineFacts } from './machine';
import { resultsDir } from './report';

export const ALL_SERVICES: ServiceName[] = ['order', 'inventory', 'coupon', 'payment', 'gateway'];
export const DATABASE_SERVICES = ['order', 'inventory', 'coupon', 'payment'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];

export interface Servers {
  postgres: string;
  nats: string;
  redis: string;
}

export function serversFromEnv(env = process.env): Servers {
  return {
    postgres: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
    nats: env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
    redis: env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}

export interface StackOptions {
  /** Short word in names (databases, prefixes): `checkout`, `flash`. */
  label: string;
  servers: Servers;
  /** DATABASE_POOL_SIZE of each service process. */
  poolSize: number;
  /** Extra environment of every service. */
  env?: Record<string, string>;
  /**
   * Databases to start from, by service (another stack's `copyDatabases`): each of this stack's
   * databases is made as a copy of its template (`CREATE DATABASE ... TEMPLATE`), already
   * migrated and holding the template's data, instead of empty and migrated.
   */
  templates?: Partial<Record<DatabaseService, string>>;
}

export interface ServerFacts extends MachineFacts {
  redis?: string;
  /** How busy the machine was (other users of the host) in the seconds before the stack started, %. */
  machineBusyBeforeRun?: number;
}

/** Group names of other users' processes (folded into `rest of machine`) and of our NATS server. */
const OTHERS_PG = 'other users: pg';
const OUR_NATS = 'nats-server (ours)';

const active = new Set<BenchStack>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const onSignal = (signal: NodeJS.Signals) => {
    process.stderr.write(`\n${signal}: cleaning up\n`);
    void Promise.allSettled([...active].map((stack) => stack.cleanUp())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const stack of active) stack.killNow();
  });
}

export class BenchStack {
  readonly id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  readonly natsPrefix: string;
  /** The operator account of the run's gateway. */
  readonly operator = { email: 'operator@zhongtai.local', password: `bench-${randomBytes(12).toString('hex')}` };
  readonly redisPrefix: string;
  /** Every prefix whose streams must go at the end (a second world may use its own). */
  private readonly prefixes = new Set<string>();
  /** Copies of the databases (`copyDatabases`), dropped at the end. */
  private readonly copies = new Set<string>();
  readonly databases = new Map<DatabaseService, { name: string; url: string }>();
  readonly services = new Map<string, ServiceProcess<SummaryOutput>>();
  /** Other processes of the run (baseline nodes), spawned with children.ts. */
  readonly children = new Children();
  readonly env: Record<string, string> = {};
  nats?: NatsConnection;
  private stats?: Client;
  private statsPid?: number;
  private cleaning?: Promise<string[]>;
  /** Set once cleaning up started: load generators stop at once. */
  aborting = false;

  constructor(readonly options: StackOptions) {
    const hex = this.id.split('_')[1];
    this.natsPrefix = `bench-${options.label}-${process.pid}-${hex}`.slice(0, 30);
    this.redisPrefix = `bench:${options.label}:${process.pid}:${hex}:`;
    this.prefixes.add(this.natsPrefix);
    active.add(this);
    installHandlers();
  }

  databaseName(service: DatabaseService): string {
    return `zt_bench_${this.options.label}_${service}_${this.id}`;
  }

  /** Another prefix for a second world on the same servers (its streams are deleted too). */
  extraPrefix(suffix: string): string {
    const prefix = `${this.natsPrefix}-${suffix}`.slice(0, 32);
    this.prefixes.add(prefix);
    return prefix;
  }

  /** Databases, migrations, the environment of the services, the stats connections. */
  async prepare(): Promise<void> {
    const { servers } = this.options;
    for (const service of DATABASE_SERVICES) {
      const name = this.databaseName(service);
      const url = `${servers.postgres}/${name}`;
      this.databases.set(service, { name, url });
      const template = this.options.templates?.[service];
      if (template) await adminQuery(servers.postgres, `CREATE DATABASE ${quoted(name)} TEMPLATE ${quoted(template)}`);
      else {
        await ensureDatabase(url);
        await migrate(url, DATABASES[service]!);
      }
    }
    Object.assign(this.env, exampleDefaults(), {
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      NATS_URL: servers.nats,
      NATS_PREFIX: this.natsPrefix,
      REDIS_URL: servers.redis,
      REDIS_PREFIX: this.redisPrefix,
      DATABASE_POOL_SIZE: String(this.options.poolSize),
      SHUTDOWN_TIMEOUT_MS: '10000',
      RATE_LIMIT_PER_CUSTOMER: '10000000',
      RATE_LIMIT_PER_ADDRESS: '10000000',
      // Tokens made during set-up must outlive the run.
      JWT_TTL_SECONDS: '86400',
      // Production mode refuses the development secrets of .env.example.
      JWT_SECRET: `bench-${randomBytes(24).toString('hex')}`,
      OPERATOR_PASSWORD: this.operator.password,
      ...Object.fromEntries(
        SERVICE_NAMES.map((service) => [
          `${service.toUpperCase()}_NATS_PASSWORD`,
          `bench-${randomBytes(12).toString('hex')}`,
        ]),
      ),
      ...this.options.env,
    });
    for (const service of DATABASE_SERVICES) {
      this.env[`${service.toUpperCase()}_DATABASE_URL`] = this.databases.get(service)!.url;
    }
    this.nats = await connect({ servers: servers.nats, name: `bench-${this.options.label}-loadgen` });
    this.stats = new Client({ connectionString: `${servers.postgres}/postgres` });
    await this.stats.connect();
    this.statsPid = (await this.stats.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  }

  /**
   * Starts services (in the order given, each ready before the next) with the stack's
   * environment plus `env`; `as` names the process when two worlds run the same service.
   */
  async startServices(services: ServiceName[], env: Record<string, string> = {}, as?: (s: ServiceName) => string) {
    await startServices(
      services,
      (service, port) => {
        const name = as ? as(service) : service;
        // Production mode: no source maps.
        const child = new ServiceProcess(service, {
          port,
          env: { ...this.env, ...env },
          output: new SummaryOutput(name),
          nodeArgs: this.nodeArgs(name),
          orphanGuard: true,
        });
        this.services.set(name, child);
        return child;
      },
      { oneByOne: true },
    );
  }

  /**
   * BENCH_NODE_ARGS (e.g. `--max-semi-space-size=32`): Node options of every service process.
   * BENCH_CPU_PROF=order,gateway: those processes run under `node --cpu-prof` (profiles in <results>/prof).
   */
  private nodeArgs(name: string): string[] {
    const common = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const wanted = (process.env.BENCH_CPU_PROF ?? '').split(',').map((s) => s.trim());
    if (!wanted.includes(name)) return common;
    const dir = path.join(resultsDir(), 'prof');
    mkdirSync(dir, { recursive: true });
    return [
      ...common,
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      '--cpu-prof-name',
      `${this.options.label}-${name}-${this.id}.cpuprofile`,
    ];
  }

  /**
   * Copies of the stack's databases as they are now, named `<database>_<suffix>`, for other
   * stacks to start from (`templates`); dropped at `cleanUp`. PostgreSQL copies a database only
   * while nobody is connected to it: the services must be stopped.
   */
  async copyDatabases(suffix: string): Promise<Record<DatabaseService, string>> {
    const copies = {} as Record<DatabaseService, string>;
    for (const service of DATABASE_SERVICES) {
      const name = `${this.databaseName(service)}_${suffix}`;
      this.copies.add(name);
      await adminQuery(
        this.options.servers.postgres,
        `CREATE DATABASE ${quoted(name)} TEMPLATE ${quoted(this.databaseName(service))}`,
      );
      copies[service] = name;
    }
    return copies;
  }

  async stopServices(names: string[]): Promise<void> {
    await Promise.all(names.map((name) => this.services.get(name)?.stop()));
  }

  service(name: string): ServiceProcess<SummaryOutput> {
    const child = this.services.get(name);
    if (!child) throw new Error(`no service ${name} in this stack`);
    return child;
  }

  /** A client of one service's database; the caller ends it. */
  async client(service: DatabaseService): Promise<Client> {
    const client = new Client({ connectionString: this.databases.get(service)!.url });
    await client.connect();
    return client;
  }

  async query<T extends Record<string, unknown>>(service: DatabaseService, sql: string, params: unknown[] = []) {
    const client = await this.client(service);
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Commits and rollbacks so far, per service database. */
  async transactions(): Promise<Record<DatabaseService, { commits: number; rollbacks: number }>> {
    const byName = new Map([...this.databases].map(([service, db]) => [db.name, service]));
    const { rows } = await this.stats!.query<{ datname: string; xact_commit: string; xact_rollback: string }>(
      'SELECT datname, xact_commit, xact_rollback FROM pg_stat_database WHERE datname = ANY($1)',
      [[...byName.keys()]],
    );
    const result = {} as Record<DatabaseService, { commits: number; rollbacks: number }>;
    for (const row of rows) {
      result[byName.get(row.datname)!] = { commits: Number(row.xact_commit), rollbacks: Number(row.xact_rollback) };
    }
    return result;
  }

  /**
   * CPU so far of every process of the run: the services and other children by name, this
   * process as `load generator`, PostgreSQL backends as `pg <service>` (by database), the
   * server's own processes (WAL writer, checkpointer...) as `pg other`, the nats-server and
   * redis-server this stack talks to. Other users' PostgreSQL backends and nats-servers are
   * read too, under `other users: ...`, so that `cpuCores` can put them where they belong: in
   * `rest of machine`.
   */
  async cpu(): Promise<CpuSnapshot> {
    const byName = new Map([...this.databases].map(([service, db]) => [db.name, `pg ${service}`]));
    const { rows } = await this.stats!.query<{ pid: number; datname: string | null }>(
      'SELECT pid, datname FROM pg_stat_activity WHERE datname IS NOT NULL',
    );
    const backends = new Map(
      rows.map((r) => [r.pid, byName.get(r.datname!) ?? (r.pid === this.statsPid ? 'load generator' : OTHERS_PG)]),
    );
    const groups: Record<string, number> = { 'load generator': process.pid };
    for (const [name, child] of this.services) if (child.running && child.pid) groups[name] = child.pid;
    Object.assign(groups, this.children.pids());
    const nats = serverPid('nats-server', this.options.servers.nats, 4222);
    if (nats) groups[OUR_NATS] = nats;
    const redis = serverPid('redis-server', this.options.servers.redis, 6379);
    if (redis) groups['redis-server'] = redis;
    return cpuSnapshot(groups, backends);
  }

  /**
   * Cores used per group between two snapshots (cpu.ts's cpuUsage), with other users'
   * PostgreSQL backends and nats-servers moved into `rest of machine`.
   */
  cpuCores(before: CpuSnapshot, after: CpuSnapshot, seconds: number): Record<string, number> {
    const usage = cpuUsage(before, after, seconds);
    const cores: Record<string, number> = {};
    let others = 0;
    for (const [group, value] of Object.entries(usage)) {
      if (group === OTHERS_PG || group === 'nats-server') others += value;
      else cores[group === OUR_NATS ? 'nats-server' : group] = value;
    }
    if ('rest of machine' in cores)
      cores['rest of machine'] = Math.round((cores['rest of machine'] + others) * 100) / 100;
    return cores;
  }

  /** How busy the machine is before the run starts (other users of a shared host), in %. */
  async machineBusy(seconds = 2): Promise<number> {
    const before = cpuSnapshot({});
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return cpuUsage(before, cpuSnapshot({}), seconds)['machine busy %'];
  }

  /** Machine facts plus the versions of PostgreSQL, nats-server and Redis in use. */
  async facts(): Promise<ServerFacts> {
    const facts: ServerFacts = machineFacts();
    facts.postgres = (
      await this.stats!.query<{ server_version: string }>('SHOW server_version')
    ).rows[0].server_version;
    facts.postgresSettings = {};
    for (const name of ['max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'commit_delay']) {
      facts.postgresSettings[name] = (await this.stats!.query(`SHOW ${name}`)).rows[0][name];
    }
    facts.natsServer = this.nats?.info?.version;
    const redis = new Redis(this.options.servers.redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      facts.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    } finally {
      redis.disconnect();
    }
    facts.machineBusyBeforeRun = await this.machineBusy(3);
    return facts;
  }

  logs(): Record<string, LogSummary> {
    const logs: Record<string, LogSummary> = {};
    for (const [name, child] of this.services) {
      if (Object.keys(child.output.summary.lines).length) logs[name] = child.output.summary;
    }
    return logs;
  }

  killNow(): void {
    for (const child of this.services.values()) child.killNow();
    this.children.killAllNow();
  }

  /** Idempotent; returns the problems met (also printed). */
  cleanUp(): Promise<string[]> {
    this.aborting = true;
    this.cleaning ??= (async () => {
      const problems: string[] = [];
      const attempt = async (what: string, work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (error) {
          problems.push(`${what}: ${String(error)}`);
        }
      };
      await attempt('stop services', () => Promise.all([...this.services.values()].map((s) => s.stop())));
      await attempt('stop children', () => this.children.stopAll());
      this.killNow();
      const nats = this.nats ?? (await connect({ servers: this.options.servers.nats }).catch(() => undefined));
      for (const prefix of this.prefixes) {
        if (nats) await attempt(`delete streams of ${prefix}`, () => removeStreams(nats, prefix));
      }
      if (nats) await attempt('close NATS', () => nats.close());
      await attempt('delete Redis keys', () => removeRedisKeys(this.options.servers.redis, this.redisPrefix));
      await attempt('close stats client', async () => this.stats?.end());
      for (const service of DATABASE_SERVICES) {
        await attempt(`drop ${service} database`, () =>
          dropDatabase(`${this.options.servers.postgres}/${this.databaseName(service)}`),
        );
      }
      for (const copy of this.copies) {
        await attempt(`drop ${copy}`, () => dropDatabase(`${this.options.servers.postgres}/${copy}`));
      }
      for (const problem of problems) process.stderr.write(`cleanup: ${problem}\n`);
      active.delete(this);
      return problems;
    })();
    return this.cleaning;
  }
}

/** One statement on the server's `postgres` database (CREATE DATABASE cannot run in the services' own). */
async function adminQuery(postgres: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: `${postgres}/postgres` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * The pid of the server process (nats-server, redis-server) that listens on the port of `url`:
 * its command line names the port (`-p 4222`, `--port 4222`, `127.0.0.1:6379`), or, for the
 * default port, names none. Undefined when it cannot tell (another host, another layout).
 */
export function serverPid(command: string, url: string, defaultPort: number): number | undefined {
  const port = Number(new URL(url).port || defaultPort);
  const candidates = pidsByCommand(command).map((pid) => {
    try {
      return { pid, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') };
    } catch {
      return { pid, args: '' };
    }
  });
  const named = candidates.find((c) => new RegExp(`(-p|--port)[= ]${port}\\b|:${port}\\b`).test(c.args));
  if (named) return named.pid;
  if (port !== defaultPort) return undefined;
  return candidates.find((c) => !/(-p|--port)[= ]\d+|:\d+\b/.test(c.args))?.pid;
}

/** Pids of processes whose command name (/proc/<pid>/comm) is `command` (Linux; none elsewhere). */
export function pidsByCommand(command: string): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === command;
        } catch {
          return false;
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * `npm run bench:peers` (and part of `npm run bench`): the two-step transfer saga with
 * compensation on three engines, one after the other, on the same PostgreSQL, at the same
 * closed-loop concurrencies:
 * - libs/saga: bench/saga's workload and nodes as they are (node.main.js: orchestrator
 *   `transfers`, participants `bank-a`, `bank-b`, barrier on), started by a core NATS request;
 * - DBOS Transact (bench/peers/engines/dbos.js): a workflow whose steps are
 *   @dbos-inc/knex-datasource transactions, each committing with its checkpoint;
 * - Restate (bench/peers/engines/restate.js behind restate-server.js): a service handler whose
 *   steps are `ctx.run`s, each with an idempotency record in its PostgreSQL transaction.
 * Every engine has its own databases (bank A, bank B, and its own state), the same accounts,
 * the same SQL per step, and the same share of closed accounts at bank B (their deposits are
 * refused, the withdrawal is compensated by a refund). After each engine: money conserved?
 * (sum of balances unchanged, the journal matches the balances, and per transfer exactly one
 * withdrawal and exactly one of deposit or refund.)
 *
 * The peer engines' packages are benchmark dependencies only, in bench/peers/package.json
 * (installed by bench/peers/install.sh); this file imports none of them: their code is plain
 * JavaScript in bench/peers/engines, run as child processes.
 *
 * Environment (all optional): BENCH_SECONDS=10, BENCH_WARMUP_SECONDS=3, BENCH_CONCURRENCY=1,16,64,
 * BENCH_ACCOUNTS=10000, BENCH_PEERS_ENGINES=libsaga,dbos,restate, BENCH_PEERS_CLOSED_PERCENT=2,
 * BENCH_POOL_ORCHESTRATOR=16, BENCH_POOL_PARTICIPANT=12 (libs/saga; DBOS's system database
 * and its banks get the same sizes, Restate's banks the participants' size),
 * BENCH_POSTGRES_URL, BENCH_NATS_URL; bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createSagaTestDatabase, deleteSagaStreams } from '@zhongtai/saga/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { QueryRunner } from 'typeorm';
import { CreateBank1764000009000 } from '../../test/saga/fixture/bank.migration';
import { Children } from '../lib/children';
import { cpuSnapshot, cpuUsage } from '../lib/cpu';
import type { CpuSnapshot } from '../lib/cpu';
import { closedLoop } from '../lib/load';
import type { Sample } from '../lib/load';
import { machineFacts } from '../lib/machine';
import { percent } from '../lib/report';
import { publishReport, runBenchmark } from '../lib/run-bench';
import type { PublishableReport } from '../lib/run-bench';
import { serversFromEnv } from '../lib/stack';
import type { ServerFacts } from '../lib/stack';
import { formatTable, percentile, round } from '../lib/stats';
import { benchSubjects } from '../saga/bench-saga';
import type { BenchTransfer } from '../saga/bench-saga';
import { envList } from '../lib/env-list';

Logger.overrideLogger(['error', 'warn']);

export type Engine = 'libsaga' | 'dbos' | 'restate';
const ENGINE_NAMES: Record<Engine, string> = { libsaga: 'libs/saga', dbos: 'DBOS Transact', restate: 'Restate' };
const PEERS: Engine[] = ['dbos', 'restate'];

export interface PeersConfig {
  seconds: number;
  warmupSeconds: number;
  concurrency: number[];
  engines: Engine[];
  accounts: number;
  closedPercent: number;
  poolOrchestrator: number;
  poolParticipant: number;
  postgres: string;
  nats: string;
}

export function peersConfigFromEnv(env = process.env): PeersConfig {
  return {
    seconds: Number(env.BENCH_SECONDS ?? 10),
    warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
    concurrency: envList(env.BENCH_CONCURRENCY, '1,16,64').map(Number),
    engines: envList(env.BENCH_PEERS_ENGINES, 'libsaga,dbos,restate') as Engine[],
    accounts: Number(env.BENCH_ACCOUNTS ?? 10_000),
    closedPercent: Number(env.BENCH_PEERS_CLOSED_PERCENT ?? 2),
    poolOrchestrator: Number(env.BENCH_POOL_ORCHESTRATOR ?? 16),
    poolParticipant: Number(env.BENCH_POOL_PARTICIPANT ?? 12),
    postgres: serversFromEnv(env).postgres,
    nats: serversFromEnv(env).nats,
  };
}

export interface PeersPoint {
  engine: Engine;
  concurrency: number;
  seconds: number;
  /** Sagas that ended (completed or compensated) inside the measured window. */
  sagas: number;
  errors: number;
  sagasPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** libs/saga's sagas/s divided by the best peer's at this concurrency (libs/saga rows only). */
  ratioToBestPeer?: number;
  bestPeer?: Engine;
  /** CPU ms per saga of the engine's processes and its databases' backends. */
  cpuMsPerSaga: number;
  cpuCores: Record<string, number>;
}

export interface MoneyCheck {
  engine: Engine;
  /** Transfers with a journal row. */
  transfers: number;
  completed: number;
  compensated: number;
  /** Rows of the engine's step records (barrier, transaction_completion, peer_step) in both banks. */
  stepRecords: number;
  /** Step executions the journal implies: a withdrawal and a deposit attempt per transfer, a refund per compensation. */
  stepsExpected: number;
  /** Sagas the engine still had unfinished when checked (libs/saga: saga_instance not ended). */
  unfinished: number;
  balancesBefore: string;
  balancesAfter: string;
  violations: number;
  examples: string[];
  conserved: boolean;
}

export interface PeersReport extends PublishableReport {
  config: PeersConfig;
  versions: Record<string, string>;
  points: PeersPoint[];
  checks: MoneyCheck[];
  failures: Record<string, string>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const INITIAL_BALANCE = 1_000_000_000_000n;

const REPOSITORY = path.resolve(__dirname, '../../..');
const PEERS_DIR = path.join(REPOSITORY, 'bench/peers');
const ENGINES_DIR = path.join(PEERS_DIR, 'engines');

/** Installs bench/peers/node_modules when missing or older than its lock (bench/peers/install.sh). */
export function ensurePeersInstalled(): void {
  execFileSync('bash', [path.join(PEERS_DIR, 'install.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

function peerVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of [
    '@dbos-inc/dbos-sdk',
    '@dbos-inc/knex-datasource',
    'knex',
    '@restatedev/restate-sdk',
    '@restatedev/restate-server',
    'pg',
  ]) {
    const file = path.join(PEERS_DIR, 'node_modules', name, 'package.json');
    versions[name] = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : '?';
  }
  return versions;
}

/** A port nobody listens on right now (the OS's choice); the caller binds it at once. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The pids whose parent is `pid` (Linux /proc). */
function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(name));
    } catch {
      // gone
    }
  }
  return found;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });

function postJson<T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, ...headers },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((response.statusCode ?? 500) >= 300) reject(new Error(`${url}: HTTP ${response.statusCode} ${text}`));
          else resolve(JSON.parse(text) as T);
        });
        response.on('error', reject);
      },
    );
    request.setTimeout(60_000, () => request.destroy(new Error(`${url}: no answer in 60 s`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/** One engine's world: databases, processes, and how to start one saga and wait for its end. */
interface EngineWorld {
  /** Starts one transfer and resolves when the engine reports it ended. */
  transfer(t: BenchTransfer): Promise<void>;
  bankA: string;
  bankB: string;
  /** The table, in each bank's database, where the engine records a step's outcome with its effect. */
  stepRecords: string;
  /** All of the engine's databases (for the CPU of their backends). */
  databases: string[];
  pids(): Record<string, number>;
  /** Sagas not ended yet (where the engine can tell). */
  unfinished(): Promise<number>;
  cleanUp(): Promise<void>;
}

class Peers {
  readonly id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  readonly children = new Children();
  private readonly created = new Set<string>();
  private readonly cleanups: (() => Promise<void>)[] = [];
  aborting = false;

  constructor(readonly config: PeersConfig) {}

  name(engine: Engine, role: string): string {
    return `zt_peers_${engine}_${role}_${this.id}`;
  }

  private async admin<T>(work: (client: Client) => Promise<T>, database = 'postgres'): Promise<T> {
    const client = new Client({ connectionString: `${this.config.postgres}/${database}` });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }

  /** Accounts a1..aN and b1..bN, every one with the same balance; closedPercent of bank B's closed. */
  private async seed(database: string, letter: 'a' | 'b'): Promise<void> {
    await this.admin(async (client) => {
      await client.query(
        `INSERT INTO accounts (id, balance_cents) SELECT $1 || i, $2::bigint FROM generate_series(1, $3) AS i`,
        [letter, INITIAL_BALANCE.toString(), this.config.accounts],
      );
      if (letter === 'b')
        await client.query(`UPDATE accounts SET closed = true WHERE (substr(id, 2)::int % 100) < $1`, [
          this.config.closedPercent,
        ]);
      await client.query('VACUUM ANALYZE');
    }, database);
  }

  /** A bank database with bench/saga's tables (and `extra` statements), seeded. */
  private async bankDatabase(name: string, letter: 'a' | 'b', extra: string[] = []): Promise<void> {
    await this.admin((client) => client.query(`CREATE DATABASE "${name}"`));
    this.created.add(name);
    await this.admin(async (client) => {
      await new CreateBank1764000009000().up({ query: (sql: string) => client.query(sql) } as unknown as QueryRunner);
      for (const sql of extra) await client.query(sql);
    }, name);
    await this.seed(name, letter);
  }

  async libsaga(): Promise<EngineWorld> {
    const { config } = this;
    const prefix = `bench-peers-${this.id.replace(/_/g, '-')}`;
    const subjects = benchSubjects(prefix);
    const roles = ['transfers', 'bank-a', 'bank-b'] as const;
    const names = Object.fromEntries(roles.map((r) => [r, this.name('libsaga', r.replace('-', ''))])) as Record<
      (typeof roles)[number],
      string
    >;
    for (const role of roles) {
      const database = await createSagaTestDatabase(config.postgres, names[role], [CreateBank1764000009000]);
      this.created.add(names[role]);
      await database.dataSource.destroy();
      if (role !== 'transfers') await this.seed(names[role], role === 'bank-a' ? 'a' : 'b');
    }
    const nats: NatsConnection = await connect({ servers: config.nats, name: 'bench-peers-loadgen' });
    this.cleanups.push(async () => {
      await deleteSagaStreams(nats, prefix);
      await nats.close();
    });
    const waiting = new Map<string, () => void>();
    nats.subscribe(subjects.completed, {
      callback: (_error, msg) => {
        const [sagaId] = decoder.decode(msg.data).split(' ');
        waiting.get(sagaId)?.();
        waiting.delete(sagaId);
      },
    });
    for (const role of roles) {
      await this.children.spawn({
        name: `libsaga ${role}`,
        script: path.join(__dirname, '../saga/node.main.js'),
        env: {
          BENCH_ROLE: role,
          BENCH_PREFIX: prefix,
          BENCH_DATABASE_URL: `${config.postgres}/${names[role]}`,
          BENCH_NATS_URL: config.nats,
          BENCH_POOL: String(role === 'transfers' ? config.poolOrchestrator : config.poolParticipant),
        },
      });
    }
    const children = this.children;
    return {
      bankA: names['bank-a'],
      bankB: names['bank-b'],
      stepRecords: 'saga_barrier',
      databases: Object.values(names),
      pids: () => Object.fromEntries(roles.map((r) => [r, children.pid(`libsaga ${r}`) ?? 0])),
      transfer: async (t) => {
        const ended = new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            waiting.delete(t.transferId);
            reject(new Error(`saga ${t.transferId} not ended after 60 s`));
          }, 60_000);
          waiting.set(t.transferId, () => {
            clearTimeout(timer);
            resolve();
          });
        });
        ended.catch(() => undefined);
        const reply = (
          await nats.request(subjects.start, encoder.encode(JSON.stringify(t)), { timeout: 30_000 })
        ).json<{ committedAt?: number; error?: string }>();
        if (reply.error !== undefined) {
          waiting.delete(t.transferId);
          throw new Error(`start failed: ${reply.error}`);
        }
        await ended;
      },
      unfinished: () =>
        this.admin(
          async (client) =>
            (
              await client.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM saga_instance WHERE status NOT IN ('COMPLETED', 'COMPENSATED')`,
              )
            ).rows[0].n,
          names.transfers,
        ),
      cleanUp: () => children.stopAll(),
    };
  }

  async dbos(): Promise<EngineWorld> {
    const { config } = this;
    const bankA = this.name('dbos', 'banka');
    const bankB = this.name('dbos', 'bankb');
    const system = this.name('dbos', 'system');
    await this.bankDatabase(bankA, 'a');
    await this.bankDatabase(bankB, 'b');
    // DBOS creates its system database at launch; dropped with the others.
    this.created.add(system);
    const port = await freePort();
    await this.children.spawn({
      name: 'dbos',
      script: path.join(ENGINES_DIR, 'dbos.js'),
      readyTimeoutMs: 60_000,
      env: {
        PEERS_PORT: String(port),
        PEERS_SYSTEM_DATABASE_URL: `${config.postgres}/${system}`,
        PEERS_BANK_A_URL: `${config.postgres}/${bankA}`,
        PEERS_BANK_B_URL: `${config.postgres}/${bankB}`,
        PEERS_POOL_SYSTEM: String(config.poolOrchestrator),
        PEERS_POOL_BANK: String(config.poolParticipant),
      },
    });
    const children = this.children;
    return {
      bankA,
      bankB,
      stepRecords: 'dbos.transaction_completion',
      databases: [bankA, bankB, system],
      pids: () => ({ dbos: children.pid('dbos') ?? 0 }),
      transfer: async (t) => {
        await postJson<{ outcome: string }>(`http://127.0.0.1:${port}/transfer`, t);
      },
      unfinished: () =>
        this.admin(
          async (client) =>
            (
              await client.query<{ n: number }>(
                `SELECT count(*)::int AS n FROM dbos.workflow_status WHERE status IN ('PENDING', 'ENQUEUED')`,
              )
            ).rows[0].n,
          system,
        ).catch(() => NaN),
      cleanUp: () => children.stopAll(),
    };
  }

  async restate(): Promise<EngineWorld> {
    const { config } = this;
    const stepTable = 'CREATE TABLE peer_step (key text PRIMARY KEY, outcome text NOT NULL)';
    const bankA = this.name('restate', 'banka');
    const bankB = this.name('restate', 'bankb');
    await this.bankDatabase(bankA, 'a', [stepTable]);
    await this.bankDatabase(bankB, 'b', [stepTable]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'zt-bench-peers-restate-'));
    this.cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const ports = { ingress: await freePort(), admin: await freePort(), node: await freePort(), endpoint: 0 };
    ports.endpoint = await freePort();
    log(
      `peers: restate-server in ${dir}, ingress ${ports.ingress}, admin ${ports.admin}, node ${ports.node}; endpoint ${ports.endpoint}`,
    );
    try {
      await this.children.spawn({
        name: 'restate-server',
        script: path.join(ENGINES_DIR, 'restate-server.js'),
        readyTimeoutMs: 90_000,
        env: {
          PEERS_RESTATE_DIR: dir,
          PEERS_INGRESS_PORT: String(ports.ingress),
          PEERS_ADMIN_PORT: String(ports.admin),
          PEERS_NODE_PORT: String(ports.node),
        },
      });
    } catch (error) {
      const serverLog = path.join(dir, 'server.log');
      if (existsSync(serverLog))
        log(`restate-server log (last lines):\n${readFileSync(serverLog, 'utf8').slice(-4000)}`);
      throw error;
    }
    await this.children.spawn({
      name: 'restate endpoint',
      script: path.join(ENGINES_DIR, 'restate.js'),
      env: {
        PEERS_PORT: String(ports.endpoint),
        PEERS_BANK_A_URL: `${config.postgres}/${bankA}`,
        PEERS_BANK_B_URL: `${config.postgres}/${bankB}`,
        PEERS_POOL_BANK: String(config.poolParticipant),
        RESTATE_LOGGING: 'WARN',
      },
    });
    const registration = await fetch(`http://127.0.0.1:${ports.admin}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ uri: `http://127.0.0.1:${ports.endpoint}/` }),
    });
    if (!registration.ok)
      throw new Error(`registering the endpoint: HTTP ${registration.status} ${await registration.text()}`);
    const children = this.children;
    const wrapper = children.pid('restate-server') ?? 0;
    const serverPid = childPids(wrapper)[0] ?? 0;
    return {
      bankA,
      bankB,
      stepRecords: 'peer_step',
      databases: [bankA, bankB],
      pids: () => ({
        'restate-server': serverPid,
        'restate endpoint': children.pid('restate endpoint') ?? 0,
      }),
      transfer: async (t) => {
        await postJson<{ outcome: string }>(`http://127.0.0.1:${ports.ingress}/Bank/transfer`, t, {
          'idempotency-key': t.transferId,
        });
      },
      unfinished: async () => {
        try {
          const response = await fetch(`http://127.0.0.1:${ports.admin}/query`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'application/json' },
            body: JSON.stringify({ query: "SELECT count(*) AS n FROM sys_invocation WHERE status != 'completed'" }),
          });
          const body = (await response.json()) as { rows?: { n: number }[] };
          return Number(body.rows?.[0]?.n ?? NaN);
        } catch {
          return NaN;
        }
      },
      // The endpoint and the server's wrapper (which stops the server: SIGTERM, then SIGKILL).
      cleanUp: () => children.stopAll(),
    };
  }

  /** CPU so far of the engine's processes and of its databases' backends (`pg`). */
  async cpu(world: EngineWorld): Promise<CpuSnapshot> {
    const rows = await this.admin(
      async (client) =>
        (
          await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)', [
            world.databases,
          ])
        ).rows,
    );
    return cpuSnapshot(
      { ...world.pids(), 'load generator': process.pid },
      new Map(rows.map((r) => [r.pid, 'pg (engine databases)'])),
    );
  }

  /** Waits for the engine to settle (nothing unfinished, journals still), then checks the money. */
  async check(engine: Engine, world: EngineWorld): Promise<MoneyCheck> {
    const journalSize = async () =>
      (await this.admin((c) => c.query<{ n: number }>('SELECT count(*)::int AS n FROM journal'), world.bankA)).rows[0]
        .n +
      (await this.admin((c) => c.query<{ n: number }>('SELECT count(*)::int AS n FROM journal'), world.bankB)).rows[0]
        .n;
    let unfinished = await world.unfinished();
    let size = await journalSize();
    for (let waited = 0; waited < 60_000; waited += 1000) {
      await sleep(1000);
      const [nowUnfinished, nowSize] = [await world.unfinished(), await journalSize()];
      const still = nowSize === size && !(nowUnfinished > 0);
      unfinished = nowUnfinished;
      size = nowSize;
      if (still) break;
    }
    const bank = async (database: string) =>
      this.admin(async (client) => {
        const sum = (await client.query<{ s: string }>('SELECT sum(balance_cents)::text AS s FROM accounts')).rows[0].s;
        const byKind = (
          await client.query<{ kind: string; s: string }>(
            'SELECT kind, sum(amount_cents)::text AS s FROM journal GROUP BY kind',
          )
        ).rows;
        const perTransfer = (
          await client.query<{ id: string; withdraw: number; refund: number; deposit: number }>(
            `SELECT transfer_id::text AS id, count(*) FILTER (WHERE kind = 'withdraw')::int AS withdraw,
               count(*) FILTER (WHERE kind = 'refund')::int AS refund, count(*) FILTER (WHERE kind = 'deposit')::int AS deposit
             FROM journal GROUP BY transfer_id`,
          )
        ).rows;
        const records = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${world.stepRecords}`))
          .rows[0].n;
        return {
          records,
          sum: BigInt(sum),
          kind: (k: string) => BigInt(byKind.find((r) => r.kind === k)?.s ?? '0'),
          perTransfer,
        };
      }, database);
    const a = await bank(world.bankA);
    const b = await bank(world.bankB);
    const initial = BigInt(this.config.accounts) * INITIAL_BALANCE;
    const examples: string[] = [];
    let violations = 0;
    const violation = (text: string) => {
      violations++;
      if (examples.length < 5) examples.push(text);
    };
    if (a.sum + b.sum !== 2n * initial) violation(`sum of balances ${a.sum + b.sum}, expected ${2n * initial}`);
    if (a.sum !== initial - a.kind('withdraw') + a.kind('refund'))
      violation(`bank A balances ${a.sum} do not match its journal`);
    if (b.sum !== initial + b.kind('deposit')) violation(`bank B balances ${b.sum} do not match its journal`);
    const deposits = new Map(b.perTransfer.map((r) => [r.id, r.deposit]));
    let completed = 0;
    let compensated = 0;
    for (const t of a.perTransfer) {
      const d = deposits.get(t.id) ?? 0;
      deposits.delete(t.id);
      if (t.withdraw === 1 && d === 1 && t.refund === 0) completed++;
      else if (t.withdraw === 1 && d === 0 && t.refund === 1) compensated++;
      else violation(`transfer ${t.id}: ${t.withdraw} withdraw, ${d} deposit, ${t.refund} refund`);
    }
    for (const [id, d] of deposits) violation(`transfer ${id}: ${d} deposit without a withdrawal`);
    return {
      engine,
      transfers: a.perTransfer.length,
      completed,
      compensated,
      stepRecords: a.records + b.records,
      stepsExpected: 2 * a.perTransfer.length + compensated,
      unfinished: Number.isFinite(unfinished) ? unfinished : -1,
      balancesBefore: (2n * initial).toString(),
      balancesAfter: (a.sum + b.sum).toString(),
      violations,
      examples,
      conserved: violations === 0 && unfinished === 0,
    };
  }

  async point(engine: Engine, world: EngineWorld, concurrency: number): Promise<PeersPoint> {
    const { config } = this;
    const account = (letter: string) => `${letter}${1 + Math.floor(Math.random() * config.accounts)}`;
    let failures = 0;
    let cpuBefore!: CpuSnapshot;
    let cpuAfter!: CpuSnapshot;
    const loop = await closedLoop({
      concurrency,
      warmupMs: config.warmupSeconds * 1000,
      measureMs: config.seconds * 1000,
      aborted: () => this.aborting,
      hooks: {
        start: async () => void (cpuBefore = await this.cpu(world)),
        end: async () => void (cpuAfter = await this.cpu(world)),
      },
      operation: async (): Promise<Sample> => {
        const transfer: BenchTransfer = {
          transferId: randomUUID(),
          from: account('a'),
          to: account('b'),
          amountCents: 1,
        };
        const started = performance.now();
        try {
          await world.transfer(transfer);
          return { ms: performance.now() - started, outcome: 'ended', ok: true };
        } catch (error) {
          if (failures++ === 0 && !this.aborting) log(`${engine} x${concurrency}: ${String(error)}`);
          return { ms: performance.now() - started, outcome: 'failed', ok: false };
        }
      },
    });
    const latencies = loop.samples.filter((sample) => sample.ok).map((sample) => sample.ms);
    const errors = loop.samples.length - latencies.length;
    const { seconds } = loop;
    const cpuCores = cpuUsage(cpuBefore, cpuAfter, seconds);
    const sagasPerSecond = latencies.length / seconds;
    const engineCores = Object.entries(cpuCores)
      .filter(([group]) => !['load generator', 'rest of machine', 'pg other', 'nats-server'].includes(group))
      .filter(([group]) => !group.includes('%'))
      .reduce((sum, [, cores]) => sum + cores, 0);
    return {
      engine,
      concurrency,
      seconds: round(seconds, 2),
      sagas: latencies.length,
      errors,
      sagasPerSecond: round(sagasPerSecond),
      p50Ms: round(percentile(latencies, 50), 2),
      p99Ms: round(percentile(latencies, 99), 2),
      maxMs: round(Math.max(...latencies), 2),
      cpuMsPerSaga: round((engineCores / sagasPerSecond) * 1000, 2),
      cpuCores,
    };
  }

  /** Drops what this run created (databases, processes, temporary directories), whatever happened. */
  async cleanUp(world?: EngineWorld): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        problems.push(`${what}: ${String(error)}`);
      }
    };
    if (world) await attempt('stop engine', () => world.cleanUp());
    await attempt('stop children', () => this.children.stopAll());
    this.children.killAllNow();
    for (const cleanup of this.cleanups.splice(0)) await attempt('clean up', cleanup);
    for (const name of [...this.created]) {
      await attempt(`drop ${name}`, () => this.admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));
      this.created.delete(name);
    }
    for (const problem of problems) log(`cleanup: ${problem}`);
  }
}

export async function runPeersBench(config: PeersConfig): Promise<PeersReport> {
  ensurePeersInstalled();
  const startedAt = new Date();
  const peers = new Peers(config);
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: cleaning up`);
    peers.aborting = true;
    void peers.cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onExit = () => peers.children.killAllNow();
  process.once('exit', onExit);

  const machine: ServerFacts = machineFacts();
  const stats = new Client({ connectionString: `${config.postgres}/postgres` });
  await stats.connect();
  try {
    machine.postgres = (await stats.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
    machine.postgresSettings = {};
    for (const name of ['max_connections', 'shared_buffers', 'synchronous_commit', 'fsync', 'commit_delay'])
      machine.postgresSettings[name] = (await stats.query(`SHOW ${name}`)).rows[0][name];
  } finally {
    await stats.end();
  }
  const before = cpuSnapshot({});
  await sleep(3000);
  machine.machineBusyBeforeRun = cpuUsage(before, cpuSnapshot({}), 3)['machine busy %'];
  const nats = await connect({ servers: config.nats });
  machine.natsServer = nats.info?.version;
  await nats.close();
  // Not used by this benchmark; named because every section's facts name it.
  const redis = new Redis(serversFromEnv().redis, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    machine.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  } catch {
    machine.redis = 'not reachable (not used)';
  } finally {
    redis.disconnect();
  }

  const report: PeersReport = {
    benchmark: 'peers',
    startedAt: startedAt.toISOString(),
    machine,
    logs: {},
    config,
    versions: peerVersions(),
    points: [],
    checks: [],
    failures: {},
  };
  try {
    for (const engine of config.engines) {
      if (peers.aborting) break;
      log(`\n=== ${ENGINE_NAMES[engine]} ===`);
      let world: EngineWorld | undefined;
      try {
        world = await peers[engine]();
        for (const concurrency of config.concurrency) {
          process.stderr.write(`peers: ${engine} x${concurrency} ...`);
          const point = await peers.point(engine, world, concurrency);
          report.points.push(point);
          process.stderr.write(
            ` ${point.sagasPerSecond} sagas/s, p50 ${point.p50Ms} ms, p99 ${point.p99Ms} ms, ${point.errors} errors\n`,
          );
          await sleep(500);
        }
        const check = await peers.check(engine, world);
        report.checks.push(check);
        log(
          `peers: ${engine}: ${check.transfers} transfers, ${check.completed} completed, ${check.compensated} compensated, ` +
            `${check.unfinished} unfinished, ${check.violations} violations: money ${check.conserved ? 'conserved' : 'NOT conserved'}` +
            (check.examples.length ? ` (${check.examples.join('; ')})` : ''),
        );
      } catch (error) {
        report.failures[engine] = error instanceof Error ? (error.stack ?? error.message) : String(error);
        log(`peers: ${engine} failed: ${report.failures[engine]}`);
      } finally {
        await peers.cleanUp(world);
      }
    }
  } finally {
    await peers.cleanUp();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
    agent.destroy();
  }
  for (const point of report.points.filter((p) => p.engine === 'libsaga')) {
    const best = report.points
      .filter((p) => PEERS.includes(p.engine) && p.concurrency === point.concurrency)
      .sort((x, y) => y.sagasPerSecond - x.sagasPerSecond)[0];
    if (best && best.sagasPerSecond > 0) {
      point.ratioToBestPeer = round(point.sagasPerSecond / best.sagasPerSecond, 3);
      point.bestPeer = best.engine;
    }
  }
  return report;
}

export function peersMarkdown(report: PeersReport): string {
  const { config, versions } = report;
  const lines = [
    '### Saga engines side by side (bench:peers: the two-step transfer with compensation on libs/saga, DBOS Transact, Restate)',
    '',
    `Closed loop, ${config.warmupSeconds} s warm-up then ${config.seconds} s measured per level, one engine after the other on the same PostgreSQL; ` +
      `${config.accounts} accounts per bank, ${config.closedPercent}% of bank B's closed (their deposits are refused and the withdrawal refunded). ` +
      'Latency from the load generator: start of the request to the moment the engine reports the saga ended (libs/saga: its completion announcement; DBOS and Restate: the HTTP answer). ' +
      'CPU ms per saga: the engine processes and the backends of its databases. ' +
      `Versions: libs/saga of this commit; @dbos-inc/dbos-sdk ${versions['@dbos-inc/dbos-sdk']} with @dbos-inc/knex-datasource ${versions['@dbos-inc/knex-datasource']} (knex ${versions.knex}); ` +
      `restate-server ${versions['@restatedev/restate-server']} with @restatedev/restate-sdk ${versions['@restatedev/restate-sdk']}.`,
    '',
    formatTable(
      [
        'engine',
        'concurrency',
        'sagas/s',
        'p50 ms',
        'p99 ms',
        'errors',
        'CPU ms/saga',
        'rest of machine',
        'libs/saga ÷ best peer',
      ],
      [...report.points]
        .sort(
          (x, y) =>
            x.concurrency - y.concurrency || config.engines.indexOf(x.engine) - config.engines.indexOf(y.engine),
        )
        .map((p) => [
          ENGINE_NAMES[p.engine],
          p.concurrency,
          p.sagasPerSecond,
          p.p50Ms,
          p.p99Ms,
          p.errors,
          p.cpuMsPerSaga,
          p.cpuCores['rest of machine'] ?? NaN,
          p.ratioToBestPeer === undefined ? '-' : `${percent(p.ratioToBestPeer)} (of ${ENGINE_NAMES[p.bestPeer!]})`,
        ]),
    ),
    '',
    'Money after each engine (all levels, warm-ups included):',
    '',
    formatTable(
      [
        'engine',
        'transfers',
        'completed',
        'compensated',
        'step records (expected)',
        'unfinished',
        'sum of balances before',
        'after',
        'violations',
        'money conserved',
      ],
      report.checks.map((c) => [
        ENGINE_NAMES[c.engine],
        c.transfers,
        c.completed,
        c.compensated,
        `${c.stepRecords} (${c.stepsExpected})`,
        c.unfinished,
        c.balancesBefore,
        c.balancesAfter,
        c.violations,
        c.conserved ? 'yes' : 'NO',
      ]),
    ),
    '',
    'Exactly once, per engine: libs/saga writes its barrier row (saga_barrier) in the participant transaction that applies the step; ' +
      "DBOS's knex data source writes dbos.transaction_completion (workflow id, step number, output) in the step's transaction; " +
      'Restate journals each `ctx.run` result, and the step writes an idempotency row peer_step (transfer id:step, outcome) in its PostgreSQL transaction, ' +
      'so that a step re-run after a commit whose result missed the journal finds it and applies nothing. ' +
      'Step records: rows of those tables in the two banks, against the step executions the journals imply (withdrawal + deposit attempt per transfer, + refund per compensation).',
    '',
    ...Object.entries(report.failures).map(
      ([engine, error]) => `**${ENGINE_NAMES[engine as Engine] ?? engine} failed**: \`${error.split('\n')[0]}\`\n`,
    ),
  ];
  return lines.join('\n');
}

runBenchmark(
  'peers bench',
  async () => {
    const report = await runPeersBench(peersConfigFromEnv());
    publishReport(report, peersMarkdown(report));
    if (Object.keys(report.failures).length || report.checks.some((c) => !c.conserved)) process.exitCode = 1;
  },
  { entry: module },
);

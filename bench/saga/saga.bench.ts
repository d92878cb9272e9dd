/**
 * The saga benchmark (`npm run bench:saga`), laid out like DTM's published benchmark:
 * global transactions per second, database transactions per second and latency of the
 * two-step transfer saga with the barrier on, against a baseline running the same two local
 * transactions over plain NATS request/reply. Closed loop at each concurrency, a warm-up,
 * then a fixed measured window. It reports; it asserts nothing.
 *
 * Processes: this one is the load generator; the orchestrator (`transfers`) and the two
 * participants (`bank-a`, `bank-b`) are child processes (node.main.ts), each with its own
 * database. Everything it creates (databases, streams, subject prefix) is unique to the run
 * and removed at the end, whatever happens.
 *
 * Environment (all optional):
 *   BENCH_SECONDS=10            measured seconds per level
 *   BENCH_WARMUP_SECONDS=3      warm-up seconds per level
 *   BENCH_CONCURRENCY=1,16,64   closed-loop workers per level
 *   BENCH_MODES=baseline,saga
 *   BENCH_ACCOUNTS=10000        accounts per bank (random pairs; few row-lock conflicts)
 *   BENCH_POOL_ORCHESTRATOR=16  PostgreSQL pool of the orchestrator process
 *   BENCH_POOL_PARTICIPANT=12   PostgreSQL pool of each participant process
 *   BENCH_CONSUMER_CONCURRENCY  messages handled at once per consumer (library default 64)
 *   BENCH_CPU_PROF=transfers,bank-a   children to run under `node --cpu-prof` (profiles in bench/results/prof)
 *   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432   BENCH_NATS_URL=nats://127.0.0.1:4222
 *   BENCH_RESULTS_DIR=bench/results
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { createSagaTestDatabase, deleteSagaStreams } from '@zhongtai/saga/testing';
import { Client } from 'pg';
import { CreateBank1764000009000 } from '../../test/saga/fixture/bank.migration';
import { Children } from '../lib/children';
import { cpuSnapshot, CpuSnapshot, cpuUsage } from '../lib/cpu';
import { machineFacts, MachineFacts } from '../lib/machine';
import { formatTable, percentile, round } from '../lib/stats';
import { benchSubjects, BenchTransfer, Movement } from './bench-saga';
import { runBenchmark } from '../lib/run-bench';

Logger.overrideLogger(['error', 'warn']);

const env = process.env;
const CONFIG = {
  seconds: Number(env.BENCH_SECONDS ?? 10),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 3),
  concurrency: (env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number),
  modes: (env.BENCH_MODES ?? 'baseline,saga').split(',') as Mode[],
  accounts: Number(env.BENCH_ACCOUNTS ?? 10_000),
  poolOrchestrator: Number(env.BENCH_POOL_ORCHESTRATOR ?? 16),
  poolParticipant: Number(env.BENCH_POOL_PARTICIPANT ?? 12),
  consumerConcurrency: env.BENCH_CONSUMER_CONCURRENCY,
  cpuProf: (env.BENCH_CPU_PROF ?? '').split(',').filter(Boolean),
  postgres: env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
  nats: env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222',
  resultsDir: path.resolve(env.BENCH_RESULTS_DIR ?? path.join(process.cwd(), 'bench/results')),
};

type Mode = 'baseline' | 'saga';
type Role = 'transfers' | 'bank-a' | 'bank-b';
const ROLES: Role[] = ['transfers', 'bank-a', 'bank-b'];

interface LevelResult {
  mode: Mode;
  concurrency: number;
  seconds: number;
  completed: number;
  errors: number;
  globalTps: number;
  dbTps: number;
  dbTransactionsPerGlobal: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  ratioToBaseline?: number;
  xactCommitByDatabase: Record<string, number>;
  cpuCores: Record<string, number>;
  /** CPU milliseconds each group spent per global transaction. */
  cpuMsPerGlobal: Record<string, number>;
  /** Saga only: from a step's `dispatched` to its `succeeded` timeline entry (publish, JetStream, participant, reply). */
  stepRoundTripMs?: Record<string, { p50: number; p99: number }>;
  /** Wall clock of the measured window (ms since the epoch). */
  window: { from: number; to: number };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `bench.completed` announcements, by saga id. */
class Completions {
  private readonly waiting = new Map<string, { resolve: (t: number) => void; timer: NodeJS.Timeout }>();

  constructor(nats: NatsConnection, subject: string) {
    nats.subscribe(subject, {
      callback: (_error, msg) => {
        const [sagaId, at] = decoder.decode(msg.data).split(' ');
        const waiter = this.waiting.get(sagaId);
        if (!waiter) return;
        this.waiting.delete(sagaId);
        clearTimeout(waiter.timer);
        waiter.resolve(Number(at));
      },
    });
  }

  cancel(sagaId: string): void {
    const waiter = this.waiting.get(sagaId);
    if (!waiter) return;
    this.waiting.delete(sagaId);
    clearTimeout(waiter.timer);
    waiter.resolve(NaN);
  }

  /** Resolves with the orchestrator's clock at commit, or NaN after the timeout. */
  wait(sagaId: string, timeoutMs: number): Promise<number> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(sagaId);
        resolve(NaN);
      }, timeoutMs);
      this.waiting.set(sagaId, { resolve, timer });
    });
  }
}

class World {
  readonly id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  readonly prefix = `bench-${this.id.replace(/_/g, '-')}`;
  readonly subjects = benchSubjects(this.prefix);
  readonly databases = new Map<Role, { name: string; drop: () => Promise<void> }>();
  readonly children = new Children();
  nats?: NatsConnection;
  stats?: Client;
  completions?: Completions;
  /** Set when cleaning up: load generators stop at once. */
  aborting = false;
  private cleaning?: Promise<void>;

  databaseName(role: Role): string {
    return `zt_bench_${role.replace('-', '')}_${this.id}`;
  }

  async setUp(): Promise<void> {
    this.nats = await connect({ servers: CONFIG.nats, name: 'bench-loadgen' });
    this.stats = new Client({ connectionString: `${CONFIG.postgres}/postgres` });
    await this.stats.connect();
    for (const role of ROLES) {
      const name = this.databaseName(role);
      const database = await createSagaTestDatabase(CONFIG.postgres, name, [CreateBank1764000009000]);
      this.databases.set(role, { name, drop: database.drop });
      if (role !== 'transfers') {
        const letter = role === 'bank-a' ? 'a' : 'b';
        await database.dataSource.query(
          `INSERT INTO accounts (id, balance_cents) SELECT $1 || i, 1000000000000 FROM generate_series(1, $2) AS i`,
          [letter, CONFIG.accounts],
        );
      }
      await database.dataSource.query('VACUUM ANALYZE');
      // The children hold the connections from here on; drop() still works after destroy().
      await database.dataSource.destroy();
    }
    this.completions = new Completions(this.nats, this.subjects.completed);
    const profDir = path.join(CONFIG.resultsDir, 'prof');
    for (const role of ROLES) {
      const profile = CONFIG.cpuProf.includes(role);
      if (profile) mkdirSync(profDir, { recursive: true });
      await this.children.spawn({
        name: role,
        script: path.join(__dirname, 'node.main.js'),
        nodeArgs: profile
          ? ['--cpu-prof', '--cpu-prof-dir', profDir, '--cpu-prof-name', `${role}-${this.id}.cpuprofile`]
          : [],
        env: {
          BENCH_ROLE: role,
          BENCH_PREFIX: this.prefix,
          BENCH_DATABASE_URL: `${CONFIG.postgres}/${this.databaseName(role)}`,
          BENCH_NATS_URL: CONFIG.nats,
          BENCH_POOL: String(role === 'transfers' ? CONFIG.poolOrchestrator : CONFIG.poolParticipant),
          ...(CONFIG.consumerConcurrency ? { BENCH_CONSUMER_CONCURRENCY: CONFIG.consumerConcurrency } : {}),
        },
      });
    }
  }

  async xactCommits(): Promise<Record<string, number>> {
    const names = ROLES.map((role) => this.databaseName(role));
    const { rows } = await this.stats!.query<{ datname: string; xact_commit: string }>(
      'SELECT datname, xact_commit FROM pg_stat_database WHERE datname = ANY($1)',
      [names],
    );
    return Object.fromEntries(rows.map((r) => [r.datname, Number(r.xact_commit)]));
  }

  /** CPU so far of our processes, of our databases' backends (`pg <role>`), the rest of PostgreSQL and NATS. */
  async cpu(): Promise<CpuSnapshot> {
    const roleOf = new Map(ROLES.map((role) => [this.databaseName(role), role]));
    const { rows } = await this.stats!.query<{ pid: number; datname: string }>(
      'SELECT pid, datname FROM pg_stat_activity WHERE datname = ANY($1)',
      [[...roleOf.keys()]],
    );
    const backends = new Map(rows.map((r) => [r.pid, `pg ${roleOf.get(r.datname)}`]));
    return cpuSnapshot({ ...this.children.pids(), 'bench (load generator)': process.pid }, backends);
  }

  /** Idempotent: stops the children, deletes the streams, drops the databases. */
  cleanUp(): Promise<void> {
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
      await attempt('stop children', () => this.children.stopAll());
      this.children.killAllNow();
      if (this.nats) await attempt('delete streams', () => deleteSagaStreams(this.nats!, this.prefix));
      if (this.nats) await attempt('close NATS', () => this.nats!.close());
      await attempt('close stats client', async () => this.stats?.end());
      for (const [role, database] of this.databases) await attempt(`drop ${role} database`, () => database.drop());
      // Databases made before a failure that never reached the map: drop by our own names.
      const admin = new Client({ connectionString: `${CONFIG.postgres}/postgres` });
      await attempt('drop leftovers', async () => {
        await admin.connect();
        for (const role of ROLES)
          await admin.query(`DROP DATABASE IF EXISTS "${this.databaseName(role)}" WITH (FORCE)`);
      });
      await admin.end().catch(() => undefined);
      for (const problem of problems) console.error(`cleanup: ${problem}`);
    })();
    return this.cleaning;
  }
}

function randomAccount(letter: string): string {
  return `${letter}${1 + Math.floor(Math.random() * CONFIG.accounts)}`;
}

/** One global transaction, from the load generator's point of view: its latency in ms, NaN on failure. */
function operation(world: World, mode: Mode): () => Promise<number> {
  const nats = world.nats!;
  const { subjects } = world;
  if (mode === 'baseline') {
    return async () => {
      const transferId = randomUUID();
      const started = performance.now();
      const a: Movement = { transferId, account: randomAccount('a'), amountCents: 1 };
      const ra = (
        await nats.request(subjects.directWithdraw, encoder.encode(JSON.stringify(a)), { timeout: 30_000 })
      ).json<{ ok: boolean }>();
      if (!ra.ok) return NaN;
      const b: Movement = { transferId, account: randomAccount('b'), amountCents: 1 };
      const rb = (
        await nats.request(subjects.directDeposit, encoder.encode(JSON.stringify(b)), { timeout: 30_000 })
      ).json<{ ok: boolean }>();
      if (!rb.ok) return NaN;
      return performance.now() - started;
    };
  }
  return async () => {
    const transfer: BenchTransfer = {
      transferId: randomUUID(),
      from: randomAccount('a'),
      to: randomAccount('b'),
      amountCents: 1,
    };
    const completions = world.completions!;
    const completed = completions.wait(transfer.transferId, 60_000);
    let reply: { committedAt?: number; error?: string };
    try {
      const message = await nats.request(subjects.start, encoder.encode(JSON.stringify(transfer)), { timeout: 30_000 });
      reply = message.json();
    } catch (error) {
      completions.cancel(transfer.transferId);
      throw error;
    }
    if (reply.error !== undefined || reply.committedAt === undefined) {
      completions.cancel(transfer.transferId);
      if (!world.aborting) console.error(`start failed: ${reply.error}`);
      return NaN;
    }
    // Both instants come from the orchestrator process's clock: start commit -> final commit.
    return (await completed) - reply.committedAt;
  };
}

async function runLevel(world: World, mode: Mode, concurrency: number): Promise<LevelResult> {
  const run = operation(world, mode);
  const latencies: number[] = [];
  let errors = 0;
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let stop = false;
  const worker = async () => {
    while (!stop && !world.aborting) {
      let latency: number;
      try {
        latency = await run();
      } catch (error) {
        latency = NaN;
        if (errors === 0 && !world.aborting) console.error(`${mode} x${concurrency}: ${String(error)}`);
        // A failing peer fails fast: do not spin (and starve the event loop).
        await sleep(10);
      }
      const now = performance.now();
      if (now < windowStart || now >= windowEnd) continue;
      if (Number.isNaN(latency)) errors++;
      else latencies.push(latency);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await sleep(CONFIG.warmupSeconds * 1000);
  const commitsBefore = await world.xactCommits();
  const cpuBefore = await world.cpu();
  windowStart = performance.now();
  const wallFrom = Date.now();
  await sleep(CONFIG.seconds * 1000);
  windowEnd = performance.now();
  const wallTo = Date.now();
  const commitsAfter = await world.xactCommits();
  const cpuAfter = await world.cpu();
  stop = true;
  await Promise.all(workers);
  const seconds = (windowEnd - windowStart) / 1000;
  const xactCommitByDatabase = Object.fromEntries(
    Object.keys(commitsAfter).map((name) => [name, commitsAfter[name] - (commitsBefore[name] ?? 0)]),
  );
  const dbTransactions = Object.values(xactCommitByDatabase).reduce((a, b) => a + b, 0);
  const globalTps = latencies.length / seconds;
  const cpuCores = cpuUsage(cpuBefore, cpuAfter, seconds);
  const dbTps = dbTransactions / seconds;
  return {
    mode,
    concurrency,
    seconds: round(seconds, 2),
    completed: latencies.length,
    errors,
    globalTps: round(globalTps),
    dbTps: round(dbTps),
    dbTransactionsPerGlobal: round(dbTps / globalTps, 2),
    p50Ms: round(percentile(latencies, 50), 2),
    p90Ms: round(percentile(latencies, 90), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    maxMs: round(Math.max(...latencies), 2),
    xactCommitByDatabase,
    cpuCores,
    cpuMsPerGlobal: Object.fromEntries(
      Object.entries(cpuCores)
        .filter(([group]) => !group.includes('%') && group !== 'rest of machine')
        .map(([group, cores]) => [group, round((cores / globalTps) * 1000, 2)]),
    ),
    window: { from: wallFrom, to: wallTo },
  };
}

async function serverFacts(world: World, facts: MachineFacts): Promise<void> {
  const stats = world.stats!;
  facts.postgres = (await stats.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  facts.postgresSettings = {};
  for (const name of [
    'max_connections',
    'shared_buffers',
    'synchronous_commit',
    'fsync',
    'wal_sync_method',
    'commit_delay',
  ]) {
    facts.postgresSettings[name] = (await stats.query(`SHOW ${name}`)).rows[0][name];
  }
  facts.natsServer = world.nats!.info?.version;
}

/** Per step of the sagas started in a window: dispatched -> succeeded on the orchestrator's timeline. */
async function stepRoundTrips(
  world: World,
  window: { from: number; to: number },
): Promise<Record<string, { p50: number; p99: number }>> {
  const client = new Client({ connectionString: `${CONFIG.postgres}/${world.databaseName('transfers')}` });
  await client.connect();
  try {
    const { rows } = await client.query<{ step_name: string; p50: number; p99: number }>(
      `WITH sagas AS (
         SELECT id FROM saga_instance
         WHERE status = 'COMPLETED' AND created_at >= to_timestamp($1 / 1000.0) AND created_at < to_timestamp($2 / 1000.0)),
       steps AS (
         SELECT t.step, min(t.step_name) AS step_name,
           extract(epoch FROM max(t.at) FILTER (WHERE t.outcome = 'succeeded')
             - max(t.at) FILTER (WHERE t.outcome = 'dispatched')) * 1000 AS ms
         FROM saga_timeline t JOIN sagas s ON s.id = t.saga_id
         GROUP BY t.saga_id, t.step)
       SELECT step_name, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
         percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99
       FROM steps WHERE ms IS NOT NULL GROUP BY step, step_name ORDER BY step`,
      [window.from, window.to],
    );
    return Object.fromEntries(rows.map((r) => [r.step_name, { p50: round(r.p50, 2), p99: round(r.p99, 2) }]));
  } finally {
    await client.end();
  }
}

/** What the saga side left behind: statuses and effects (informational, never asserted). */
async function outcome(world: World): Promise<Record<string, unknown>> {
  const query = async (role: Role, sql: string) => {
    const client = new Client({ connectionString: `${CONFIG.postgres}/${world.databaseName(role)}` });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const statuses = await query('transfers', 'SELECT status, count(*)::int AS n FROM saga_instance GROUP BY status');
  const journalA = await query('bank-a', 'SELECT kind, count(*)::int AS n FROM journal GROUP BY kind');
  const journalB = await query('bank-b', 'SELECT kind, count(*)::int AS n FROM journal GROUP BY kind');
  const unsent = await query('transfers', 'SELECT count(*)::int AS n FROM saga_outbox WHERE sent_at IS NULL');
  return {
    sagaStatuses: statuses,
    journalBankA: journalA,
    journalBankB: journalB,
    orchestratorOutboxUnsent: unsent[0].n,
  };
}

function printReport(facts: MachineFacts, results: LevelResult[]): void {
  const table = formatTable(
    ['mode', 'concurrency', 'global TPS', 'DB TPS', 'p50 ms', 'p99 ms', 'saga/baseline'],
    results.map((r) => [
      r.mode === 'saga' ? 'saga + barrier' : 'baseline (NATS req/reply)',
      r.concurrency,
      r.globalTps,
      r.dbTps,
      r.p50Ms,
      r.p99Ms,
      r.ratioToBaseline === undefined ? '-' : `${(r.ratioToBaseline * 100).toFixed(0)}%`,
    ]),
  );
  const order = ['transfers', 'bank-a', 'bank-b', 'bench (load generator)', 'pg transfers', 'pg bank-a', 'pg bank-b'];
  const rank = (group: string) => (order.includes(group) ? order.indexOf(group) : order.length);
  const groups = [...new Set(results.flatMap((r) => Object.keys(r.cpuCores)))].sort((a, b) => rank(a) - rank(b));
  const cpuTable = formatTable(
    ['mode', 'concurrency', ...groups],
    results.map((r) => [r.mode, r.concurrency, ...groups.map((g) => r.cpuCores[g] ?? NaN)]),
  );
  const shown = groups.filter((g) => g !== 'rest of machine' && !g.includes('%'));
  const perGlobal = formatTable(
    ['mode', 'concurrency', ...shown, 'total'],
    results.map((r) => {
      const values = shown.map((g) => r.cpuMsPerGlobal[g] ?? NaN);
      return [
        r.mode,
        r.concurrency,
        ...values,
        round(
          values.filter(Number.isFinite).reduce((a, b) => a + b, 0),
          2,
        ),
      ];
    }),
  );
  const sagaRows = results.filter((r) => r.stepRoundTripMs);
  const steps = [...new Set(sagaRows.flatMap((r) => Object.keys(r.stepRoundTripMs!)))];
  const stepTable = formatTable(
    ['concurrency', ...steps.flatMap((s) => [`${s} p50 ms`, `${s} p99 ms`])],
    sagaRows.map((r) => [
      r.concurrency,
      ...steps.flatMap((s) => [r.stepRoundTripMs![s]?.p50 ?? NaN, r.stepRoundTripMs![s]?.p99 ?? NaN]),
    ]),
  );
  const lines = [
    '',
    `Saga benchmark: two-step transfer (withdraw at A, deposit at B), ${CONFIG.seconds} s measured after ${CONFIG.warmupSeconds} s warm-up per level`,
    `machine: ${facts.cores} cores, ${facts.cpuModel}, ${facts.memoryGiB} GiB; ${facts.os}`,
    `software: Node ${facts.node}, PostgreSQL ${facts.postgres} (${Object.entries(facts.postgresSettings ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}), nats-server ${facts.natsServer}`,
    `pools: orchestrator ${CONFIG.poolOrchestrator}, participants ${CONFIG.poolParticipant} each; accounts per bank ${CONFIG.accounts}`,
    '',
    table,
    '',
    "global TPS: transactions started and completed per second (closed loop); DB TPS: xact_commit of the run's databases per second;",
    'latency: saga = start commit -> final commit (orchestrator clock); baseline = request to A -> reply from B.',
    '',
    "CPU (cores busy over the measured window; `pg <node>`: the backends of that node's database; `pg other`: the rest of the PostgreSQL server; rest of machine: other users of the host):",
    cpuTable,
    '',
    'CPU milliseconds per global transaction:',
    perGlobal,
    '',
    ...(sagaRows.length > 0
      ? [
          'Saga step round trip (orchestrator timeline: dispatched -> succeeded; relay, JetStream, participant, reply):',
          stepTable,
          '',
        ]
      : []),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function main(): Promise<void> {
  const world = new World();
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up`);
    void world.cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => world.children.killAllNow());

  const startedAt = new Date();
  const facts = machineFacts();
  const results: LevelResult[] = [];
  let saga: Record<string, unknown> | undefined;
  try {
    process.stderr.write(
      `bench: setting up databases ${ROLES.map((r) => world.databaseName(r)).join(', ')}, prefix ${world.prefix}\n`,
    );
    await world.setUp();
    await serverFacts(world, facts);
    for (const concurrency of CONFIG.concurrency) {
      for (const mode of CONFIG.modes) {
        process.stderr.write(`bench: ${mode} x${concurrency} ...`);
        const result = await runLevel(world, mode, concurrency);
        if (mode === 'saga') result.stepRoundTripMs = await stepRoundTrips(world, result.window);
        const baseline = results.find((r) => r.mode === 'baseline' && r.concurrency === concurrency);
        if (mode === 'saga' && baseline) result.ratioToBaseline = round(result.globalTps / baseline.globalTps, 3);
        results.push(result);
        process.stderr.write(` ${result.globalTps} TPS, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms\n`);
        await sleep(500);
      }
    }
    if (CONFIG.modes.includes('saga')) saga = await outcome(world);
  } finally {
    await world.cleanUp();
  }

  printReport(facts, results);
  mkdirSync(CONFIG.resultsDir, { recursive: true });
  const file = path.join(CONFIG.resultsDir, `saga-${startedAt.toISOString().replace(/:/g, '-')}.json`);
  const config = { ...CONFIG, resultsDir: undefined };
  writeFileSync(
    file,
    JSON.stringify({ startedAt: startedAt.toISOString(), config, machine: facts, results, saga }, null, 2) + '\n',
  );
  process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
}

runBenchmark('bench', main);

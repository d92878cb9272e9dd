/**
 * The checkout benchmark (`npm run bench:checkout`, and part of `npm run bench`).
 *
 * Starts its own Zhongtai in production mode (bench/lib/stack.ts), builds a world through the
 * operator API (customers with funded wallets, ordinary skus with ample stock, coupons), then
 * drives `POST /checkout` (multi-line carts, a third with a coupon, `Prefer: wait=30`):
 * - closed loop at each concurrency, a warm-up then a measured window;
 * - open loop at a fixed arrival rate (by default 70% of the closed-loop peak), the honest tail;
 * - the same closed loop against the no-durability baseline (baseline.node.ts behind the real
 *   gateway), and the ratio;
 * - the cost of tracing: the closed loop with tracing off, on and sampled, each mode on a stack
 *   of its own started from a copy of the world, in alternating rounds, medians per mode.
 * It reports, it asserts nothing. See bench/README.md for the figures and the environment.
 */
import { loadavg } from 'node:os';
import path from 'node:path';
import type { ServiceName } from '@zhongtai/platform';
import { Storefront } from '../../test/support/storefront';
import { checkout } from '../lib/checkout-client';
import type { CpuSnapshot } from '../lib/cpu';
import { closedLoop, countOutcomes, HttpTarget, LoopResult, openLoop, OpenLoopResult, summarize } from '../lib/load';
import type { LatencySummary } from '../lib/load';
import { cpuShares, percent } from '../lib/report';
import { publishReport, runBenchmark } from '../lib/run-bench';
import { ALL_SERVICES, BenchStack, DATABASE_SERVICES, serversFromEnv } from '../lib/stack';
import type { DatabaseService, ServerFacts } from '../lib/stack';
import { formatTable, round } from '../lib/stats';
import { buildWorld, CheckoutWorld, randomCart, randomCustomer } from './workload';
import { envList } from '../lib/env-list';
import {
  isTracingMode,
  OtlpSink,
  tracingCostMarkdown,
  tracingEnv,
  tracingMedians,
  TRACING_MODES,
} from './tracing-modes';
import type { ComparedMode, TracingMedian, TracingMode } from './tracing-modes';

/** `saga`: the durable flow, tracing off; `traced`, `sampled`: the same with tracing on (tracing-modes.ts). */
type Mode = 'saga' | TracingMode | 'baseline';

export interface CheckoutConfig {
  seconds: number;
  warmupSeconds: number;
  concurrency: number[];
  modes: Mode[];
  openSeconds: number;
  /** `70%` (of the closed-loop peak) or an absolute rate per second; empty: no open loop. */
  openRates: string[];
  customers: number;
  skus: number;
  coupons: number;
  couponShare: number;
  maxLines: number;
  poolSize: number;
  waitSeconds: number;
  /** The tracing comparison: rounds of off, traced, sampled; closed-loop levels and seconds of each. */
  tracingRounds: number;
  tracingConcurrency: number[];
  tracingSeconds: number;
}

export function checkoutConfigFromEnv(env = process.env): CheckoutConfig {
  return {
    seconds: Number(env.BENCH_CHECKOUT_SECONDS ?? 15),
    warmupSeconds: Number(env.BENCH_CHECKOUT_WARMUP_SECONDS ?? 5),
    concurrency: envList(env.BENCH_CHECKOUT_CONCURRENCY, '8,32,128').map(Number),
    modes: envList(env.BENCH_CHECKOUT_MODES, 'saga,traced,sampled,baseline') as Mode[],
    openSeconds: Number(env.BENCH_CHECKOUT_OPEN_SECONDS ?? 30),
    openRates: envList(env.BENCH_CHECKOUT_OPEN_RATES, '100?,70%'),
    customers: Number(env.BENCH_CHECKOUT_CUSTOMERS ?? 256),
    skus: Number(env.BENCH_CHECKOUT_SKUS ?? 200),
    coupons: Number(env.BENCH_CHECKOUT_COUPONS ?? 4),
    couponShare: Number(env.BENCH_CHECKOUT_COUPON_SHARE ?? 1 / 3),
    maxLines: Number(env.BENCH_CHECKOUT_MAX_LINES ?? 4),
    poolSize: Number(env.BENCH_POOL_SIZE ?? 10),
    waitSeconds: Number(env.BENCH_WAIT_SECONDS ?? 30),
    tracingRounds: Number(env.BENCH_CHECKOUT_TRACING_ROUNDS ?? 3),
    tracingConcurrency: envList(env.BENCH_CHECKOUT_TRACING_CONCURRENCY, '32,128').map(Number),
    tracingSeconds: Number(env.BENCH_CHECKOUT_TRACING_SECONDS ?? 10),
  };
}

export interface CheckoutLevel {
  mode: Mode;
  /** In the tracing comparison: which round (1, 2, ...). */
  round?: number;
  loop: 'closed' | 'open';
  concurrency?: number;
  offeredPerSecond?: number;
  seconds: number;
  attempts: number;
  /** Checkouts answered 201 PAID inside the window. */
  completed: number;
  completedPerSecond: number;
  /** Attempts in the window that did not end 201 PAID (see `outcomes`). */
  errors: number;
  outcomes: Record<string, number>;
  /** Every answered request of the window. */
  httpMs: LatencySummary;
  /** 201 PAID answers only: with Prefer: wait, the response time is the time to PAID. */
  timeToPaidMs: LatencySummary;
  pgCommits: Partial<Record<DatabaseService, number>>;
  pgRollbacks: Partial<Record<DatabaseService, number>>;
  pgTransactionsPerCheckout: number;
  cpuCores: Record<string, number>;
  cpuMsPerCheckout: Record<string, number>;
  ratioToBaseline?: number;
  /** With tracing on: spans the OTLP sink received over the run, per PAID checkout of the run (warm-ups included). */
  spansPerCheckout?: number;
  open?: { sendLagMs: LatencySummary; maxInFlight: number; shed: number };
  window: { from: number; to: number };
}

export interface CheckoutReport {
  benchmark: 'checkout';
  startedAt: string;
  config: CheckoutConfig;
  machine: ServerFacts;
  world: { skus: number; customers: number; coupons: number; setUpSeconds: number };
  levels: CheckoutLevel[];
  /** Tracing off, on and sampled, each on a stack of its own, in rounds; medians per mode and concurrency. */
  tracing?: {
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    levels: CheckoutLevel[];
    medians: TracingMedian[];
    /** os.loadavg() before the first round and after the last. */
    loadAverage: { before: number[]; after: number[] };
  };
  /**
   * Best closed-loop PAID/s of each mode and their ratio; and the CPU milliseconds per PAID
   * checkout at those levels (all processes of the run) and their ratio (baseline / durable):
   * capacity by CPU cost, which other load on a shared host disturbs less than throughput.
   */
  peak: {
    saga?: number;
    baseline?: number;
    ratio?: number;
    sagaCpuMs?: number;
    baselineCpuMs?: number;
    cpuRatio?: number;
  };
  /** After the durable run: sagas and orders by status, read in the order database. */
  sagaOutcome?: Record<string, unknown>;
  /** Warnings and errors the processes logged (LOG_LEVEL=warn), by message. */
  logs: Record<string, unknown>;
  cleanupProblems: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Waits until no saga is running and no outbox row is unsent (the durable world at rest). */
async function quiesce(stack: BenchStack, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [running] = await stack.query<{ n: string }>(
      'order',
      `SELECT count(*) AS n FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')`,
    );
    let unsent = 0;
    for (const service of DATABASE_SERVICES) {
      const [row] = await stack.query<{ n: string }>(
        service,
        'SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL',
      );
      unsent += Number(row.n);
    }
    if (Number(running.n) === 0 && unsent === 0) return;
    if (Date.now() > deadline) {
      log(`checkout: still ${running.n} sagas running and ${unsent} outbox rows unsent after ${timeoutMs} ms`);
      return;
    }
    await sleep(250);
  }
}

/** CPU and commit counters read at the two ends of a measured window. */
function windowProbe(stack: BenchStack) {
  let cpuBefore: CpuSnapshot | undefined;
  let cpuAfter: CpuSnapshot | undefined;
  let txBefore: Awaited<ReturnType<BenchStack['transactions']>> | undefined;
  let txAfter: Awaited<ReturnType<BenchStack['transactions']>> | undefined;
  return {
    hooks: {
      start: async () => {
        txBefore = await stack.transactions();
        cpuBefore = await stack.cpu();
      },
      end: async () => {
        txAfter = await stack.transactions();
        cpuAfter = await stack.cpu();
      },
    },
    read(seconds: number) {
      const commits: Partial<Record<DatabaseService, number>> = {};
      const rollbacks: Partial<Record<DatabaseService, number>> = {};
      for (const service of DATABASE_SERVICES) {
        commits[service] = (txAfter?.[service]?.commits ?? 0) - (txBefore?.[service]?.commits ?? 0);
        rollbacks[service] = (txAfter?.[service]?.rollbacks ?? 0) - (txBefore?.[service]?.rollbacks ?? 0);
      }
      const raw = cpuBefore && cpuAfter ? stack.cpuCores(cpuBefore, cpuAfter, seconds) : {};
      // The baseline's gateway is the same program as the durable one's: one column.
      const cpuCores: Record<string, number> = {};
      for (const [group, cores] of Object.entries(raw)) {
        const name = group.replace(/-baseline$/, '');
        cpuCores[name] = round((cpuCores[name] ?? 0) + cores, 2);
      }
      return { commits, rollbacks, cpuCores };
    },
  };
}

function level(
  mode: Mode,
  result: LoopResult,
  probe: ReturnType<typeof windowProbe>,
  extra: Partial<CheckoutLevel>,
): CheckoutLevel {
  const { samples, seconds } = result;
  const paid = samples.filter((s) => s.ok);
  const { commits, rollbacks, cpuCores } = probe.read(seconds);
  const totalCommits = Object.values(commits).reduce((a, b) => a + (b ?? 0), 0);
  const perSecond = paid.length / seconds;
  const cpuMsPerCheckout: Record<string, number> = {};
  let total = 0;
  for (const [group, cores] of Object.entries(cpuCores)) {
    if (group.includes('%') || group === 'rest of machine') continue;
    cpuMsPerCheckout[group] = round((cores / perSecond) * 1000, 2);
    total += cores;
  }
  cpuMsPerCheckout.total = round((total / perSecond) * 1000, 2);
  return {
    mode,
    loop: 'closed',
    seconds: round(seconds, 2),
    attempts: samples.length,
    completed: paid.length,
    completedPerSecond: round(perSecond, 1),
    errors: samples.length - paid.length,
    outcomes: countOutcomes(samples),
    httpMs: summarize(samples.filter((s) => Number.isFinite(s.ms)).map((s) => s.ms)),
    timeToPaidMs: summarize(paid.map((s) => s.ms)),
    pgCommits: commits,
    pgRollbacks: rollbacks,
    pgTransactionsPerCheckout: round(totalCommits / Math.max(1, paid.length), 2),
    cpuCores,
    cpuMsPerCheckout,
    window: result.window,
    ...extra,
  };
}

/** `70%` of the peak, `100` per second, or `100?`: 100 per second only if the peak is above it by 10%. */
function resolveRates(specs: string[], peak: number): number[] {
  const rates: number[] = [];
  for (const spec of specs) {
    if (spec.endsWith('%')) rates.push(Math.round((Number(spec.slice(0, -1)) / 100) * peak));
    else if (spec.endsWith('?')) {
      const rate = Number(spec.slice(0, -1));
      if (rate <= peak * 0.9) rates.push(rate);
      else log(`checkout: open loop at ${rate}/s skipped: the closed-loop peak is ${peak}/s`);
    } else rates.push(Number(spec));
  }
  return rates.filter((r) => Number.isFinite(r) && r > 0);
}

async function sagaOutcome(stack: BenchStack): Promise<Record<string, unknown>> {
  const sagas = await stack.query<{ status: string; n: number }>(
    'order',
    'SELECT status, count(*)::int AS n FROM saga_instance GROUP BY status ORDER BY status',
  );
  const orders = await stack.query<{ status: string; failure_reason: string | null; n: number }>(
    'order',
    'SELECT status, failure_reason, count(*)::int AS n FROM orders GROUP BY status, failure_reason ORDER BY status',
  );
  const parked = await stack.query<{ id: string; current_step: number; failure: unknown }>(
    'order',
    `SELECT id, current_step, failure FROM saga_instance WHERE status = 'PARKED' LIMIT 5`,
  );
  return { sagasByStatus: sagas, ordersByStatus: orders, parkedSample: parked };
}

/** A checkout by a random customer with a random cart, through `http`. */
function checkoutOperation(config: CheckoutConfig, world: CheckoutWorld, http: HttpTarget) {
  return () => {
    const customer = randomCustomer(world);
    return checkout(http, customer.token, randomCart(world, config.maxLines, config.couponShare), config.waitSeconds);
  };
}

/** The closed loop at each concurrency against `gatewayUrl`, at rest between levels. */
async function closedLevels(
  stack: BenchStack,
  mode: Mode,
  gatewayUrl: string,
  config: CheckoutConfig,
  world: CheckoutWorld,
  options: {
    concurrency?: number[];
    seconds?: number;
    round?: number;
    aborted?: () => boolean;
    /** Counts every PAID checkout, warm-ups included. */
    paid?: { count: number };
  } = {},
): Promise<CheckoutLevel[]> {
  const rows: CheckoutLevel[] = [];
  const aborted = () => stack.aborting || (options.aborted?.() ?? false);
  const name = options.round ? `${mode} (round ${options.round})` : mode;
  for (const concurrency of options.concurrency ?? config.concurrency) {
    if (aborted()) break;
    const http = new HttpTarget(gatewayUrl, concurrency);
    const probe = windowProbe(stack);
    log(`checkout: ${name} closed loop x${concurrency} ...`);
    const operation = checkoutOperation(config, world, http);
    const result = await closedLoop({
      concurrency,
      warmupMs: config.warmupSeconds * 1000,
      measureMs: (options.seconds ?? config.seconds) * 1000,
      operation: async () => {
        const sample = await operation();
        if (sample.ok && options.paid) options.paid.count++;
        return sample;
      },
      hooks: probe.hooks,
      aborted,
    });
    http.close();
    const row = level(mode, result, probe, { concurrency, ...(options.round ? { round: options.round } : {}) });
    rows.push(row);
    log(
      `checkout: ${name} x${concurrency}: ${row.completedPerSecond}/s PAID, p50 ${row.httpMs.p50} ms, p99 ${row.httpMs.p99} ms, ${row.errors} errors`,
    );
    if (mode !== 'baseline') await quiesce(stack);
    else await sleep(1000);
  }
  return rows;
}

/**
 * One mode of the tracing comparison in one round: a stack of its own whose databases are
 * copies of the world (`templates`), on NATS and Redis prefixes of its own, its services
 * started for it with the mode's environment, the closed loop, then everything removed. No
 * mode inherits another's orders, sagas, outbox rows or streams, and each starts as cold.
 */
async function tracingRun(
  main: BenchStack,
  mode: ComparedMode,
  roundNumber: number,
  config: CheckoutConfig,
  world: CheckoutWorld,
  templates: Record<DatabaseService, string>,
  sink: OtlpSink,
) {
  const stack = new BenchStack({
    label: 'checkout',
    servers: main.options.servers,
    poolSize: config.poolSize,
    templates,
    // The world's customers hold tokens of the world's gateway, the operator its password.
    env: { JWT_SECRET: main.env.JWT_SECRET, OPERATOR_PASSWORD: main.env.OPERATOR_PASSWORD, ...tracingEnv(mode, sink) },
  });
  const levels: CheckoutLevel[] = [];
  const logs: Record<string, unknown> = {};
  let problems: string[];
  const paid = { count: 0 };
  let spansBefore: number;
  try {
    await stack.prepare();
    await stack.startServices(ALL_SERVICES);
    spansBefore = sink.spans;
    const rows = await closedLevels(stack, mode, stack.service('gateway').url, config, world, {
      concurrency: config.tracingConcurrency,
      seconds: config.tracingSeconds,
      round: roundNumber,
      aborted: () => main.aborting,
      paid,
    });
    levels.push(...rows);
  } finally {
    for (const [name, summary] of Object.entries(stack.logs()))
      logs[`${name} (${mode}, round ${roundNumber})`] = summary;
    // The services flush their last spans to the sink as they stop: the sink outlives them.
    problems = await stack.cleanUp();
  }
  // Every span of the run over every PAID checkout of it, warm-ups included: the background
  // jobs make no spans of their own (no parent), so nearly all are the checkouts'.
  if (mode !== 'saga') {
    for (const row of levels) row.spansPerCheckout = round((sink.spans - spansBefore) / Math.max(1, paid.count), 1);
  }
  return { levels, logs, problems };
}

export async function runCheckoutBench(config: CheckoutConfig): Promise<CheckoutReport> {
  const startedAt = new Date();
  const stack = new BenchStack({ label: 'checkout', servers: serversFromEnv(), poolSize: config.poolSize });
  const levels: CheckoutLevel[] = [];
  let machine: ServerFacts | undefined;
  let world: CheckoutWorld | undefined;
  let setUpSeconds: number | undefined;
  let outcome: Record<string, unknown> | undefined;
  let tracing: CheckoutReport['tracing'];
  let logs: Record<string, unknown> = {};
  let cleanupProblems: string[] = [];
  const tracingModes = config.modes.filter(isTracingMode);
  try {
    log(`checkout: databases zt_bench_checkout_*_${stack.id}, NATS prefix ${stack.natsPrefix}`);
    await stack.prepare();
    machine = await stack.facts();
    await stack.startServices(ALL_SERVICES);
    const setUpStart = Date.now();
    const storefront = new Storefront(stack.service('gateway').url, stack.operator);
    world = await buildWorld(storefront, {
      skus: config.skus,
      customers: config.customers,
      coupons: config.coupons,
      walletCents: 100_000_000,
    });
    setUpSeconds = round((Date.now() - setUpStart) / 1000, 1);
    log(
      `checkout: ${world.skus.length} skus, ${world.customers.length} customers, ${world.coupons.length} coupons in ${setUpSeconds} s`,
    );

    // The tracing comparison's stacks start from copies of the world as it is now, before any
    // checkout: PostgreSQL copies a database only while nobody is connected, so the services stop.
    let templates: Record<DatabaseService, string> | undefined;
    if (tracingModes.length > 0) {
      await quiesce(stack);
      await stack.stopServices(ALL_SERVICES);
      templates = await stack.copyDatabases('world');
      await stack.startServices(ALL_SERVICES);
    }

    if (config.modes.includes('saga')) {
      levels.push(...(await closedLevels(stack, 'saga', stack.service('gateway').url, config, world)));
      const peak = Math.max(0, ...levels.filter((l) => l.mode === 'saga').map((l) => l.completedPerSecond));
      for (const rate of resolveRates(config.openRates, peak)) {
        if (stack.aborting) break;
        const http = new HttpTarget(stack.service('gateway').url, 4096);
        const probe = windowProbe(stack);
        log(`checkout: saga open loop at ${rate}/s ...`);
        const result: OpenLoopResult = await openLoop({
          rate,
          warmupMs: config.warmupSeconds * 1000,
          measureMs: config.openSeconds * 1000,
          operation: checkoutOperation(config, world, http),
          hooks: probe.hooks,
          aborted: () => stack.aborting,
        });
        http.close();
        const row = level('saga', result, probe, {
          loop: 'open',
          offeredPerSecond: rate,
          open: { sendLagMs: result.sendLag, maxInFlight: result.maxInFlight, shed: result.shed },
        });
        levels.push(row);
        log(
          `checkout: open loop ${rate}/s: ${row.completedPerSecond}/s PAID, p50 ${row.httpMs.p50} ms, p99 ${row.httpMs.p99} ms, ${row.errors} errors`,
        );
        await quiesce(stack);
      }
      outcome = await sagaOutcome(stack);
    }

    if (config.modes.includes('baseline') && !stack.aborting) {
      // The durable services go; the baseline's processes take their databases, and a real
      // gateway (same program, same settings) fronts them on a NATS prefix of their own.
      await stack.stopServices(ALL_SERVICES);
      const prefix = stack.extraPrefix('b');
      for (const role of DATABASE_SERVICES) {
        await stack.children.spawn({
          name: role,
          script: path.join(__dirname, 'baseline.node.js'),
          env: {
            BENCH_ROLE: role,
            BENCH_PREFIX: prefix,
            BENCH_DATABASE_URL: stack.databases.get(role)!.url,
            BENCH_NATS_URL: stack.options.servers.nats,
            BENCH_POOL: String(config.poolSize),
          },
        });
      }
      await stack.startServices(['gateway' as ServiceName], { NATS_PREFIX: prefix }, () => 'gateway-baseline');
      levels.push(...(await closedLevels(stack, 'baseline', stack.service('gateway-baseline').url, config, world)));
    }

    // Tracing off, on and sampled: each mode on a stack of its own started from the world's
    // copies, the modes taking turns round after round. The main stack's processes stop first,
    // so that they take no CPU (nor PostgreSQL connections) from the comparison.
    if (templates && !stack.aborting) {
      await stack.stopServices([...stack.services.keys()]);
      await stack.children.stopAll();
      const modes: ComparedMode[] = [
        'saga',
        ...(Object.keys(TRACING_MODES) as TracingMode[]).filter((m) => tracingModes.includes(m)),
      ];
      const sink = await OtlpSink.start();
      const compared: CheckoutLevel[] = [];
      const before = loadavg();
      try {
        for (let roundNumber = 1; roundNumber <= config.tracingRounds && !stack.aborting; roundNumber++) {
          for (const mode of modes) {
            if (stack.aborting) break;
            const run = await tracingRun(stack, mode, roundNumber, config, world, templates, sink);
            compared.push(...run.levels);
            Object.assign(logs, run.logs);
            cleanupProblems.push(...run.problems);
          }
        }
      } finally {
        await sink.stop();
      }
      tracing = {
        rounds: config.tracingRounds,
        seconds: config.tracingSeconds,
        warmupSeconds: config.warmupSeconds,
        levels: compared,
        medians: tracingMedians(compared),
        loadAverage: { before, after: loadavg() },
      };
    }
  } finally {
    logs = { ...stack.logs(), ...logs };
    cleanupProblems = [...(await stack.cleanUp()), ...cleanupProblems];
  }

  for (const row of levels) {
    if (row.mode !== 'saga' || row.loop !== 'closed') continue;
    const baseline = levels.find((l) => l.mode === 'baseline' && l.concurrency === row.concurrency);
    if (baseline) row.ratioToBaseline = round(row.completedPerSecond / baseline.completedPerSecond, 3);
  }
  const peakOf = (mode: Mode) => {
    const rows = levels.filter((l) => l.mode === mode && l.loop === 'closed');
    return rows.length ? rows.reduce((a, b) => (b.completedPerSecond > a.completedPerSecond ? b : a)) : undefined;
  };
  const sagaPeak = peakOf('saga');
  const baselinePeak = peakOf('baseline');
  const saga = sagaPeak?.completedPerSecond;
  const baseline = baselinePeak?.completedPerSecond;
  const sagaCpuMs = sagaPeak?.cpuMsPerCheckout.total;
  const baselineCpuMs = baselinePeak?.cpuMsPerCheckout.total;
  return {
    benchmark: 'checkout',
    startedAt: startedAt.toISOString(),
    config,
    machine: machine!,
    world: {
      skus: world?.skus.length ?? 0,
      customers: world?.customers.length ?? 0,
      coupons: world?.coupons.length ?? 0,
      setUpSeconds: setUpSeconds ?? 0,
    },
    levels,
    tracing,
    peak: {
      saga,
      baseline,
      ratio: saga && baseline ? round(saga / baseline, 3) : undefined,
      sagaCpuMs,
      baselineCpuMs,
      cpuRatio: sagaCpuMs && baselineCpuMs ? round(baselineCpuMs / sagaCpuMs, 3) : undefined,
    },
    sagaOutcome: outcome,
    logs,
    cleanupProblems,
  };
}

const CPU_ORDER = [
  'gateway',
  'order',
  'inventory',
  'coupon',
  'payment',
  'pg order',
  'pg inventory',
  'pg coupon',
  'pg payment',
  'pg other',
  'nats-server',
  'redis-server',
  'load generator',
  'rest of machine',
];

const MODE_LABELS: Record<Mode, string> = {
  saga: 'durable (saga)',
  traced: 'durable, tracing on',
  sampled: 'durable, tracing 10%',
  baseline: 'baseline (no durability)',
};

function label(row: CheckoutLevel): string {
  const mode = MODE_LABELS[row.mode];
  return row.loop === 'closed' ? `${mode}, closed x${row.concurrency}` : `${mode}, open ${row.offeredPerSecond}/s`;
}

export function checkoutMarkdown(report: CheckoutReport): string {
  const { config, levels } = report;
  const lines: string[] = [];
  const world =
    `${report.world.skus} skus with ample stock, ${report.world.customers} customers with funded wallets, ${report.world.coupons} coupons; ` +
    `carts of 1 to ${config.maxLines} lines (1 to 3 units each), ${Math.round(config.couponShare * 100)}% with a coupon; ` +
    `\`Prefer: wait=${config.waitSeconds}\`. DATABASE_POOL_SIZE=${config.poolSize} per service.`;
  const tracingCost = report.tracing ? tracingCostMarkdown(report.tracing) : '';
  // Only the tracing comparison ran (BENCH_CHECKOUT_MODES=traced,sampled): the world and its section.
  if (!levels.length) return ['### Checkout', '', world, '', tracingCost].join('\n');
  lines.push(
    `### Checkout`,
    '',
    `${world} Closed loop: ${config.warmupSeconds} s warm-up, then ${config.seconds} s measured per level; ` +
      `open loop: ${config.openSeconds} s measured, latency from the moment each request was due.`,
    '',
  );
  lines.push(
    formatTable(
      [
        'run',
        'PAID/s',
        'HTTP p50 ms',
        'p95',
        'p99',
        'to PAID p50 ms',
        'p95',
        'p99',
        'errors',
        'PG tx/checkout',
        'vs baseline',
      ],
      levels.map((r) => [
        label(r),
        r.completedPerSecond,
        r.httpMs.p50,
        r.httpMs.p95,
        r.httpMs.p99,
        r.timeToPaidMs.p50,
        r.timeToPaidMs.p95,
        r.timeToPaidMs.p99,
        r.errors,
        r.pgTransactionsPerCheckout,
        percent(r.ratioToBaseline),
      ]),
    ),
    '',
  );
  const errorRows = levels.filter((r) => r.errors > 0);
  if (errorRows.length) {
    lines.push('Errors (attempts in the window that did not end 201 PAID):', '');
    for (const r of errorRows) {
      const named = Object.entries(r.outcomes)
        .filter(([o]) => o !== 'PAID')
        .map(([o, n]) => `${o} x${n}`)
        .join(', ');
      lines.push(`- ${label(r)}: ${named}`);
    }
    lines.push('');
  }
  const groups = CPU_ORDER.filter((g) => levels.some((r) => g in r.cpuCores));
  lines.push('CPU, in cores busy over the window (`pg <service>`: the backends of that database):', '');
  lines.push(
    formatTable(
      ['run', ...groups, 'machine busy'],
      levels.map((r) => [
        label(r),
        ...groups.map((g) => r.cpuCores[g] ?? NaN),
        `${r.cpuCores['machine busy %'] ?? '-'}%`,
      ]),
    ),
    '',
  );
  const perCheckout = groups.filter((g) => g !== 'rest of machine');
  lines.push('CPU milliseconds per PAID checkout:', '');
  lines.push(
    formatTable(
      ['run', ...perCheckout, 'total'],
      levels.map((r) => [label(r), ...perCheckout.map((g) => r.cpuMsPerCheckout[g] ?? NaN), r.cpuMsPerCheckout.total]),
    ),
    '',
  );
  for (const mode of ['saga', 'baseline'] as Mode[]) {
    const best = levels
      .filter((r) => r.mode === mode && r.loop === 'closed')
      .sort((a, b) => b.completedPerSecond - a.completedPerSecond)[0];
    if (best) lines.push(`Where the CPU went, ${label(best)}: ${cpuShares(best.cpuMsPerCheckout)}.`, '');
  }
  if (tracingCost) lines.push(tracingCost);
  const { peak } = report;
  lines.push(
    `Peak (closed loop): durable ${peak.saga ?? '-'} PAID/s, baseline ${peak.baseline ?? '-'} PAID/s, ratio ${percent(peak.ratio)}. ` +
      `CPU per PAID checkout at those levels, all processes: durable ${peak.sagaCpuMs ?? '-'} ms, baseline ${peak.baselineCpuMs ?? '-'} ms, ` +
      `so by CPU cost the durable flow has ${percent(peak.cpuRatio)} of the baseline's capacity (a figure that other load on the host disturbs less than throughput).`,
    '',
  );
  return lines.join('\n');
}

runBenchmark(
  'checkout bench',
  async () => {
    const report = await runCheckoutBench(checkoutConfigFromEnv());
    publishReport(report, checkoutMarkdown(report));
  },
  { entry: module },
);

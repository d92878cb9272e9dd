/**
 * The flash-sale benchmark (`npm run bench:flash`, and part of `npm run bench`).
 *
 * One sku with 100 units; 10,000 checkout attempts (one unit each, `Prefer: wait=30`) from
 * 1,000 customers with funded wallets, in random order, by 500 concurrent clients. The sale
 * runs twice, each time on a fresh stack of its own set up the same way: first with the
 * gateway's flash-sale gate off (FLASH_SALE_GATE=off: every attempt goes to the order service
 * and PostgreSQL, the platform as it was), then with it on (a sold-out attempt is refused by
 * the gateway from Redis, and recorded as a CANCELLED order in batches). Before each sale, a
 * short warm-up of ordinary checkouts (other customers, another sku) so that the processes are
 * past their JIT warm-up. It reports attempts per second, latency, CPU and PostgreSQL
 * transactions per attempt, and how many attempts reached the order service, then checks,
 * after the sagas have come to rest and the refusals have been recorded:
 * - through `/admin/stats`: the flash sku sold exactly 100, holds nothing reserved, and the
 *   order, money and coupon invariants hold (test/support/invariants.ts);
 * - directly in the databases: every attempt's order by its Idempotency-Key (exactly 100 PAID,
 *   every other one CANCELLED with OUT_OF_STOCK, none missing, the answer's order id and state
 *   the same as the database's), the product's counters, the reservations, and one charge per
 *   PAID order.
 * It never asserts: violations are reported with the rows that show them.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { invariantViolations } from '../../test/support/invariants';
import type { TestPlatform } from '../../test/support/platform';
import { Storefront } from '../../test/support/storefront';
import type { Stats } from '../../test/support/storefront';
import { checkout, CheckoutSample } from '../lib/checkout-client';
import { closedLoop, countOutcomes, HttpTarget, mapLimit, summarize } from '../lib/load';
import type { LatencySummary } from '../lib/load';
import { cpuShares } from '../lib/report';
import { publishReport, runBenchmark } from '../lib/run-bench';
import { targetsMarkdown } from '../lib/targets';
import { ALL_SERVICES, BenchStack, DATABASE_SERVICES, serversFromEnv } from '../lib/stack';
import type { DatabaseService, ServerFacts } from '../lib/stack';
import { formatTable, round } from '../lib/stats';
import { envList } from '../lib/env-list';
import { parseSale, saleName } from './flash-sales';
import type { FlashSale } from './flash-sales';

export interface FlashConfig {
  /** The sales to run, in this order, each on a fresh stack. */
  modes: FlashSale[];
  units: number;
  attempts: number;
  customers: number;
  concurrency: number;
  warmupSeconds: number;
  priceCents: number;
  poolSize: number;
  waitSeconds: number;
}

export function flashConfigFromEnv(env = process.env): FlashConfig {
  return {
    modes: envList(env.BENCH_FLASH_MODES, 'off,on,on*2').map(parseSale),
    units: Number(env.BENCH_FLASH_UNITS ?? 100),
    attempts: Number(env.BENCH_FLASH_ATTEMPTS ?? 10_000),
    customers: Number(env.BENCH_FLASH_CUSTOMERS ?? 1_000),
    concurrency: Number(env.BENCH_FLASH_CONCURRENCY ?? 500),
    warmupSeconds: Number(env.BENCH_FLASH_WARMUP_SECONDS ?? 5),
    priceCents: Number(env.BENCH_FLASH_PRICE_CENTS ?? 9_900),
    poolSize: Number(env.BENCH_POOL_SIZE ?? 10),
    waitSeconds: Number(env.BENCH_WAIT_SECONDS ?? 30),
  };
}

/** One sale, on a stack of its own, with the gate off or on. */
export interface FlashModeReport extends FlashSale {
  /** How busy the machine was in the 3 s before this sale's stack started, %. */
  machineBusyBeforeRun?: number;
  setUpSeconds: number;
  warmup: { seconds: number; attempts: number; paid: number; outcomes: Record<string, number> };
  run: {
    seconds: number;
    attempts: number;
    attemptsPerSecond: number;
    /** Answers by what they said (201 PAID, 201 CANCELLED OUT_OF_STOCK, ...). */
    answers: Record<string, number>;
    httpMs: LatencySummary;
    /** Latency of the answers that were a final state (201), by state. */
    paidMs: LatencySummary;
    outOfStockMs: LatencySummary;
    /** Attempts that reached the order service (its `order.checkout.place` handler count during the sale). */
    reachedOrderService: number;
    pgCommits: Partial<Record<DatabaseService, number>>;
    pgTransactionsPerAttempt: number;
    cpuCores: Record<string, number>;
    cpuMsPerAttempt: Record<string, number>;
    /** Time for the last saga to come to rest after the last answer. */
    settleSeconds: number;
    /** Time until the order database held an order for every attempt, after the last answer. */
    recordedSeconds: number;
  };
  check: {
    /** Every attempt's order as the order database has it at rest, by its Idempotency-Key. */
    finalOutcomes: Record<string, number>;
    sold: number;
    stats: {
      ordersByStatus: Stats['ordersByStatus'];
      sagasByStatus: Stats['sagasByStatus'];
      product?: Stats['products'][number];
      money: Stats['money'];
    };
    database: Record<string, unknown>;
    /** Empty when everything holds. */
    violations: string[];
  };
  logs: Record<string, unknown>;
  cleanupProblems: string[];
}

export interface FlashReport {
  benchmark: 'flash';
  startedAt: string;
  config: FlashConfig;
  /** The machine, as the first sale's stack found it. */
  machine: ServerFacts;
  /** The sales in the order they ran (gate off, then on, by default). */
  modes: FlashModeReport[];
  /** Warn-and-above log lines of every process, as `<service> (gate <mode>)`. */
  logs: Record<string, unknown>;
  cleanupProblems: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Waits until no saga is running and no outbox row is unsent; returns the seconds it took. */
async function settle(stack: BenchStack, timeoutMs = 120_000): Promise<number> {
  const started = Date.now();
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
    if (Number(running.n) === 0 && unsent === 0) return (Date.now() - started) / 1000;
    if (Date.now() - started > timeoutMs) {
      log(`flash: ${running.n} sagas still running, ${unsent} outbox rows unsent after ${timeoutMs} ms`);
      return (Date.now() - started) / 1000;
    }
    await sleep(200);
  }
}

/**
 * Waits until the order database holds an order of `sku` for each of `expected` attempts (the
 * gate's refusals are recorded in batches, after their answers), or the count stops changing
 * for 10 s; returns the count.
 */
async function recorded(stack: BenchStack, sku: string, expected: number, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  let last = -1;
  let changedAt = started;
  for (;;) {
    const [row] = await stack.query<{ n: number }>(
      'order',
      'SELECT count(*)::int AS n FROM orders WHERE items @> $1::jsonb',
      [JSON.stringify([{ sku }])],
    );
    if (row.n >= expected) return row.n;
    if (row.n !== last) [last, changedAt] = [row.n, Date.now()];
    if (Date.now() - changedAt > 10_000 || Date.now() - started > timeoutMs) {
      log(`flash: the order database holds ${row.n} orders of ${sku} for ${expected} attempts`);
      return row.n;
    }
    await sleep(100);
  }
}

/** How many `order.checkout.place` requests the order service has handled, from its Prometheus counter. */
async function placements(stack: BenchStack): Promise<number> {
  const metrics = await (await fetch(`${stack.service('order').url}/metrics`)).text();
  const subject = `subject="${stack.natsPrefix}.order.checkout.place"`;
  return metrics
    .split('\n')
    .filter((line) => line.startsWith('rpc_handler_duration_seconds_count{') && line.includes(subject))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

/** Both sales (or those BENCH_FLASH_MODES names), one after the other, each on a fresh stack. */
export async function runFlashBench(config: FlashConfig): Promise<FlashReport> {
  const startedAt = new Date();
  const modes: FlashModeReport[] = [];
  let machine: ServerFacts | undefined;
  const logs: Record<string, unknown> = {};
  const cleanupProblems: string[] = [];
  for (const sale of config.modes) {
    const { report, facts } = await runFlashSale(config, sale);
    machine ??= facts;
    modes.push({ ...report, machineBusyBeforeRun: facts.machineBusyBeforeRun });
    for (const [name, summary] of Object.entries(report.logs)) logs[`${name} (${saleName(sale)})`] = summary;
    cleanupProblems.push(...report.cleanupProblems.map((p) => `${saleName(sale)}: ${p}`));
  }
  return {
    benchmark: 'flash',
    startedAt: startedAt.toISOString(),
    config,
    machine: machine!,
    modes,
    logs,
    cleanupProblems,
  };
}

/**
 * One sale on a stack of its own, the gateway's FLASH_SALE_GATE set to `gate`; with several
 * gateways, the clients take turns over them (client i sends to gateway i mod n), as a
 * Kubernetes Service spreads connections over replicas.
 */
async function runFlashSale(
  config: FlashConfig,
  { gate, gateways }: FlashSale,
): Promise<{ report: Omit<FlashModeReport, 'machineBusyBeforeRun'>; facts: ServerFacts }> {
  const stack = new BenchStack({
    label: 'flash',
    servers: serversFromEnv(),
    poolSize: config.poolSize,
    env: { FLASH_SALE_GATE: gate },
  });
  let report: Omit<FlashModeReport, 'machineBusyBeforeRun' | 'logs' | 'cleanupProblems'> | undefined;
  let facts: ServerFacts | undefined;
  let logs: Record<string, unknown>;
  let cleanupProblems: string[];
  try {
    const name = saleName({ gate, gateways });
    log(`flash (${name}): databases zt_bench_flash_*_${stack.id}, NATS prefix ${stack.natsPrefix}`);
    await stack.prepare();
    facts = await stack.facts();
    await stack.startServices(ALL_SERVICES);
    const replicas = Array.from({ length: gateways - 1 }, (_, i) => `gateway-${i + 2}`);
    for (const replica of replicas) await stack.startServices(['gateway'], {}, () => replica);
    const gateway = stack.service('gateway').url;
    const storefront = new Storefront(gateway, stack.operator);

    const setUpStart = Date.now();
    const flashSku = await storefront.productWithStock(config.units, config.priceCents);
    const warmSku = await storefront.productWithStock(10_000_000, 500);
    // Each customer can afford every attempt it makes: only stock may refuse them.
    const perCustomer = Math.ceil(config.attempts / config.customers);
    const wallet = Math.min(100_000_000, config.priceCents * perCustomer + 1_000);
    const warmCustomers = await mapLimit(Array.from({ length: 16 }), 16, () =>
      storefront.customerWithWallet(100_000_000),
    );
    log(`flash (gate ${gate}): creating ${config.customers} customers with funded wallets ...`);
    const customers = await mapLimit(Array.from({ length: config.customers }), 16, () =>
      storefront.customerWithWallet(wallet),
    );
    const setUpSeconds = round((Date.now() - setUpStart) / 1000, 1);
    log(`flash (gate ${gate}): set up in ${setUpSeconds} s; warm-up ${config.warmupSeconds} s ...`);

    // Warm-up: ordinary checkouts of another sku, then rest.
    const warmHttp = new HttpTarget(gateway, 32);
    const warm = await closedLoop({
      concurrency: 32,
      warmupMs: 0,
      measureMs: config.warmupSeconds * 1000,
      operation: () =>
        checkout(
          warmHttp,
          warmCustomers[Math.floor(Math.random() * warmCustomers.length)].token,
          { items: [{ sku: warmSku, quantity: 1 }] },
          config.waitSeconds,
        ),
      aborted: () => stack.aborting,
    });
    warmHttp.close();
    await settle(stack);
    const warmPaidInDb = await stack.query<{ n: number }>(
      'order',
      `SELECT count(*)::int AS n FROM orders WHERE status = 'PAID' AND items @> $1::jsonb`,
      [JSON.stringify([{ sku: warmSku }])],
    );

    // The sale. Everything per attempt is made before the first request (keys, tokens, one
    // body for all), so that the generator spends its CPU on the requests alone.
    const attempts = shuffle(
      Array.from({ length: config.attempts }, (_, i) => ({
        token: customers[i % customers.length].token,
        key: randomUUID(),
      })),
    );
    const body = { items: [{ sku: flashSku, quantity: 1 }] };
    const targets = ['gateway', ...replicas].map(
      (replica) => new HttpTarget(stack.service(replica).url, Math.ceil(config.concurrency / gateways)),
    );
    const samples: CheckoutSample[] = [];
    let next = 0;
    const placedBefore = await placements(stack);
    const txBefore = await stack.transactions();
    const cpuBefore = await stack.cpu();
    log(
      `flash (gate ${gate}): ${config.attempts} attempts on ${config.units} units by ${config.concurrency} clients ...`,
    );
    const first = performance.now();
    await Promise.all(
      Array.from({ length: config.concurrency }, async (_, client) => {
        const http = targets[client % targets.length];
        while (next < attempts.length && !stack.aborting) {
          const attempt = attempts[next++];
          samples.push(await checkout(http, attempt.token, body, config.waitSeconds, attempt.key));
        }
      }),
    );
    const seconds = (performance.now() - first) / 1000;
    const lastAnswer = Date.now();
    const txAfter = await stack.transactions();
    const cpuAfter = await stack.cpu();
    for (const target of targets) target.close();
    const settleSeconds = await settle(stack);
    const ordersOfFlashSku = await recorded(stack, flashSku, samples.length);
    const recordedSeconds = (Date.now() - lastAnswer) / 1000;
    const reachedOrderService = (await placements(stack)) - placedBefore;
    log(
      `flash (gate ${gate}): ${samples.length} answers in ${round(seconds, 2)} s; sagas at rest ${round(settleSeconds, 1)} s ` +
        `and ${ordersOfFlashSku} orders recorded ${round(recordedSeconds, 1)} s later; ${reachedOrderService} reached the order service`,
    );

    const cpuCores = stack.cpuCores(cpuBefore, cpuAfter, seconds);
    // The replicas together, as one column.
    for (const replica of replicas) {
      cpuCores.gateway = round(cpuCores.gateway + (cpuCores[replica] ?? 0), 2);
      delete cpuCores[replica];
    }
    const perSecond = samples.length / seconds;
    const cpuMsPerAttempt: Record<string, number> = {};
    let total = 0;
    for (const [group, cores] of Object.entries(cpuCores)) {
      if (group.includes('%') || group === 'rest of machine') continue;
      cpuMsPerAttempt[group] = round((cores / perSecond) * 1000, 2);
      total += cores;
    }
    cpuMsPerAttempt.total = round((total / perSecond) * 1000, 2);
    const pgCommits: Partial<Record<DatabaseService, number>> = {};
    for (const service of DATABASE_SERVICES) {
      pgCommits[service] = (txAfter[service]?.commits ?? 0) - (txBefore[service]?.commits ?? 0);
    }
    const commits = Object.values(pgCommits).reduce((a, b) => a + (b ?? 0), 0);

    // The checks, at rest.
    const violations: string[] = [];
    const flashFilter = JSON.stringify([{ sku: flashSku }]);
    const orderRows = await stack.query<{
      id: string;
      idempotency_key: string;
      status: string;
      failure_reason: string | null;
    }>('order', 'SELECT id, idempotency_key, status, failure_reason FROM orders WHERE items @> $1::jsonb', [
      flashFilter,
    ]);
    const byKey = new Map(orderRows.map((r) => [r.idempotency_key, r]));
    const finalOutcomes: Record<string, number> = {};
    const mismatches: string[] = [];
    for (const sample of samples) {
      const row = byKey.get(sample.key);
      const final = row ? `${row.status}${row.failure_reason ? ` ${row.failure_reason}` : ''}` : 'no order placed';
      finalOutcomes[final] = (finalOutcomes[final] ?? 0) + 1;
      // A final answer (201 PAID or CANCELLED) must be what the database holds, for the same order.
      if (!row || (sample.status !== 'PAID' && sample.status !== 'CANCELLED') || sample.outcome.startsWith('still ')) {
        continue;
      }
      if (sample.outcome !== final) mismatches.push(`${sample.key}: answered ${sample.outcome}, database ${final}`);
      else if (sample.orderId !== row.id) {
        mismatches.push(`${sample.key}: answered order ${sample.orderId}, database ${row.id}`);
      }
    }
    const unanswered = attempts.length - samples.length;
    if (unanswered > 0) violations.push(`${unanswered} attempts were never sent (run aborted)`);
    const paidOrders = finalOutcomes.PAID ?? 0;
    const outOfStock = finalOutcomes['CANCELLED OUT_OF_STOCK'] ?? 0;
    if (paidOrders !== config.units) violations.push(`${paidOrders} attempts ended PAID, not ${config.units}`);
    if (outOfStock !== samples.length - config.units) {
      violations.push(
        `${outOfStock} attempts ended CANCELLED OUT_OF_STOCK, not ${samples.length - config.units}: ${JSON.stringify(finalOutcomes)}`,
      );
    }
    if (orderRows.length !== samples.length) {
      violations.push(`${orderRows.length} orders hold the flash sku for ${samples.length} attempts`);
    }
    if (mismatches.length) {
      violations.push(`answer and database disagree (${mismatches.length}): ${mismatches.slice(0, 5).join('; ')}`);
    }
    const answeredPaid = samples.filter((s) => s.outcome === 'PAID').length;
    if (answeredPaid !== paidOrders) violations.push(`${answeredPaid} PAID answers for ${paidOrders} PAID orders`);

    const stats = await storefront.stats();
    const product = stats.products.find((p) => p.sku === flashSku);
    if (!product) violations.push(`/admin/stats lists no ${flashSku}`);
    else {
      if (product.sold !== config.units) violations.push(`/admin/stats: ${flashSku} sold ${product.sold}`);
      if (product.reserved !== 0) violations.push(`/admin/stats: ${flashSku} still reserves ${product.reserved}`);
      if (product.stockOnHand !== 0) violations.push(`/admin/stats: ${flashSku} has ${product.stockOnHand} on hand`);
      if (product.paidQuantity !== config.units) {
        violations.push(`/admin/stats: PAID orders hold ${product.paidQuantity} units of ${flashSku}`);
      }
    }
    const expectedPaid = config.units + warmPaidInDb[0].n;
    if ((stats.ordersByStatus.PAID ?? 0) !== expectedPaid) {
      violations.push(
        `/admin/stats: ${stats.ordersByStatus.PAID} PAID orders, expected ${expectedPaid} (incl. warm-up)`,
      );
    }
    const notFinal = Object.entries(stats.sagasByStatus).filter(
      ([s, n]) => !['COMPLETED', 'COMPENSATED'].includes(s) && n,
    );
    if (notFinal.length)
      violations.push(`/admin/stats: sagas not final: ${JSON.stringify(Object.fromEntries(notFinal))}`);

    // DESIGN.md's invariants, through /admin/stats and in the databases (the tests' own check).
    const platform = {
      query: (service: DatabaseService, sql: string, params: unknown[] = []) => stack.query(service, sql, params),
    } as unknown as TestPlatform;
    violations.push(...(await invariantViolations(storefront, platform)));

    // The flash sku, straight from the databases.
    const [productRow] = await stack.query<Record<string, number>>(
      'inventory',
      'SELECT stock_on_hand, reserved, sold FROM products WHERE sku = $1',
      [flashSku],
    );
    const reservations = await stack.query<{ status: string; n: number; units: number }>(
      'inventory',
      `SELECT r.status, count(*)::int AS n, coalesce(sum((l->>'quantity')::int), 0)::int AS units
       FROM reservations r, jsonb_array_elements(r.lines) l WHERE l->>'sku' = $1 GROUP BY r.status`,
      [flashSku],
    );
    const committed = reservations.find((r) => r.status === 'COMMITTED')?.units ?? 0;
    if (productRow.sold !== config.units || productRow.stock_on_hand + productRow.sold !== config.units) {
      violations.push(`inventory: ${flashSku} ${JSON.stringify(productRow)}`);
    }
    if (committed !== config.units || reservations.some((r) => r.status === 'RESERVED' && r.units > 0)) {
      violations.push(`inventory: reservations of ${flashSku}: ${JSON.stringify(reservations)}`);
    }
    const [charges] = await stack.query<{ n: number; cents: string }>(
      'payment',
      `SELECT count(*)::int AS n, coalesce(sum(amount_cents), 0) AS cents FROM postings WHERE kind = 'CHARGE'`,
    );
    const [paidTotals] = await stack.query<{ n: number; cents: string }>(
      'order',
      `SELECT count(*)::int AS n, coalesce(sum(total_cents), 0) AS cents FROM orders WHERE status = 'PAID'`,
    );
    if (charges.n !== paidTotals.n || Number(charges.cents) !== Number(paidTotals.cents)) {
      violations.push(
        `payment: ${charges.n} charges of ${charges.cents} for ${paidTotals.n} PAID orders of ${paidTotals.cents}`,
      );
    }
    const sold = productRow.sold;
    const answered = samples.filter((s) => Number.isFinite(s.ms));
    report = {
      gate,
      gateways,
      setUpSeconds,
      warmup: {
        seconds: config.warmupSeconds,
        attempts: warm.samples.length,
        paid: warm.samples.filter((s) => s.ok).length,
        outcomes: countOutcomes(warm.samples),
      },
      run: {
        seconds: round(seconds, 2),
        attempts: samples.length,
        attemptsPerSecond: round(perSecond, 1),
        answers: countOutcomes(samples),
        httpMs: summarize(answered.map((s) => s.ms)),
        paidMs: summarize(samples.filter((s) => s.outcome === 'PAID').map((s) => s.ms)),
        outOfStockMs: summarize(samples.filter((s) => s.outcome === 'CANCELLED OUT_OF_STOCK').map((s) => s.ms)),
        reachedOrderService,
        pgCommits,
        pgTransactionsPerAttempt: round(commits / Math.max(1, samples.length), 2),
        cpuCores,
        cpuMsPerAttempt,
        settleSeconds: round(settleSeconds, 1),
        recordedSeconds: round(recordedSeconds, 1),
      },
      check: {
        finalOutcomes,
        sold,
        stats: {
          ordersByStatus: stats.ordersByStatus,
          sagasByStatus: stats.sagasByStatus,
          product,
          money: stats.money,
        },
        database: {
          product: productRow,
          reservations,
          charges,
          paidOrders: paidTotals,
          ordersHoldingFlashSku: orderRows.length,
        },
        violations,
      },
    };
  } finally {
    logs = stack.logs();
    cleanupProblems = await stack.cleanUp();
  }
  if (!report || !facts) throw new Error(`flash (${saleName({ gate, gateways })}) did not finish`);
  return { report: { ...report, logs, cleanupProblems }, facts };
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

export function flashMarkdown(report: FlashReport): string {
  const { config, modes } = report;
  const groups = CPU_ORDER.filter((g) => modes.some((m) => g in m.run.cpuCores));
  const outcome = (m: FlashModeReport, name: string) => m.check.finalOutcomes[name] ?? 0;
  const first = modes[0];
  return [
    '### Flash sale',
    '',
    `One sku with ${config.units} units; ${config.attempts} checkout attempts of one unit from ${config.customers} customers ` +
      `(funded wallets), random order, ${config.concurrency} concurrent clients, \`Prefer: wait=${config.waitSeconds}\`; ` +
      `after a ${config.warmupSeconds} s warm-up of ordinary checkouts. Each sale on a fresh stack of its own: ` +
      `${modes.map((m) => `FLASH_SALE_GATE=${m.gate}${m.gateways > 1 ? ` with ${m.gateways} gateways` : ''}`).join(', then ')}. ` +
      'Several gateways share Redis (the gate, the idempotency keys); client i sends to gateway i mod n.',
    '',
    formatTable(
      [
        'sale',
        'attempts',
        'seconds',
        'attempts/s',
        'p50 ms',
        'p95',
        'p99',
        'max',
        'PAID p50 ms',
        'PAID p99',
        'to order service',
        'PG tx/attempt',
        'CPU ms/attempt',
        'sold',
        'PAID',
        'OUT_OF_STOCK',
        'other',
        'checks',
      ],
      modes.map((m) => [
        saleName(m),
        m.run.attempts,
        m.run.seconds,
        m.run.attemptsPerSecond,
        m.run.httpMs.p50,
        m.run.httpMs.p95,
        m.run.httpMs.p99,
        m.run.httpMs.max,
        m.run.paidMs.p50,
        m.run.paidMs.p99,
        m.run.reachedOrderService,
        m.run.pgTransactionsPerAttempt,
        m.run.cpuMsPerAttempt.total,
        m.check.sold,
        outcome(m, 'PAID'),
        outcome(m, 'CANCELLED OUT_OF_STOCK'),
        m.run.attempts - outcome(m, 'PAID') - outcome(m, 'CANCELLED OUT_OF_STOCK'),
        m.check.violations.length === 0 ? 'hold' : `${m.check.violations.length} violated`,
      ]),
    ),
    '',
    ...modes.flatMap((m) => [
      `${saleName(m)}: warm-up ${m.warmup.paid} PAID. Answers: ${Object.entries(m.run.answers)
        .map(([o, n]) => `${o} x${n}`)
        .join(', ')}; OUT_OF_STOCK answers p50 ${m.run.outOfStockMs.p50} ms / p99 ${m.run.outOfStockMs.p99} ms. ` +
        `Final state in the order database, by Idempotency-Key: ${Object.entries(m.check.finalOutcomes)
          .map(([o, n]) => `${o} x${n}`)
          .join(', ')}. Sagas at rest ${m.run.settleSeconds} s and every attempt's order recorded ` +
        `${m.run.recordedSeconds} s after the last answer; ${m.run.reachedOrderService} attempts reached the order service. ` +
        `Where the CPU went: ${cpuShares(m.run.cpuMsPerAttempt)}.` +
        (m.machineBusyBeforeRun === undefined || m === first
          ? ''
          : ` The machine was ${m.machineBusyBeforeRun}% busy in the 3 s before this sale's stack started.`),
      '',
      ...(m.check.violations.length ? ['Violations:', '', ...m.check.violations.map((v) => `- ${v}`), ''] : []),
    ]),
    'CPU during the sale, in cores:',
    '',
    formatTable(
      ['sale', ...groups, 'machine busy'],
      modes.map((m) => [
        saleName(m),
        ...groups.map((g) => m.run.cpuCores[g] ?? NaN),
        `${m.run.cpuCores['machine busy %'] ?? '-'}%`,
      ]),
    ),
    '',
    'CPU milliseconds per attempt:',
    '',
    formatTable(
      ['sale', ...groups.filter((g) => g !== 'rest of machine'), 'total'],
      modes.map((m) => [
        saleName(m),
        ...groups.filter((g) => g !== 'rest of machine').map((g) => m.run.cpuMsPerAttempt[g] ?? NaN),
        m.run.cpuMsPerAttempt.total,
      ]),
    ),
    '',
  ].join('\n');
}

runBenchmark(
  'flash bench',
  async () => {
    const report = await runFlashBench(flashConfigFromEnv());
    publishReport(report, [targetsMarkdown(undefined, report), flashMarkdown(report)].join('\n'));
  },
  { entry: module },
);

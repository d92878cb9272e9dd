/**
 * The durable checkout's cost, counted (`npm run bench:checkout:profile`): a fixed number of
 * checkouts through the gateway, and per PAID checkout the NATS messages by kind, the SQL
 * statements each service sent by kind, the PostgreSQL commits per database and the CPU per
 * process, from the first request until every saga has come to rest (so idle pollers count).
 *
 * Saga commands and replies are counted by their streams' sequence numbers. Every other
 * message is counted by a subscriber to every subject on the NATS server, kept when the
 * subject carries the run's prefix: requests, status announcements, JetStream pulls and
 * acks (a wildcard subscriber also sees each stream delivery, so stream subjects are left to
 * the streams). The replies to requests go to inboxes that no prefix names; there is one per
 * request. Statements are counted inside each service by a
 * preloaded counter (bench/lib/sql-counter.ts).
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Storefront } from '../../test/support/storefront';
import { checkout } from '../lib/checkout-client';
import type { CheckoutSample } from '../lib/checkout-client';
import { countOutcomes, HttpTarget } from '../lib/load';
import { publishReport, runBenchmark } from '../lib/run-bench';
import type { PublishableReport } from '../lib/run-bench';
import { ALL_SERVICES, BenchStack, DATABASE_SERVICES, serversFromEnv } from '../lib/stack';
import { formatTable, round } from '../lib/stats';
import { checkoutConfigFromEnv } from './checkout.bench';
import { buildWorld, randomCart, randomCustomer } from './workload';

const env = process.env;
// Carts and pools as the checkout benchmark makes them (its BENCH_CHECKOUT_* settings).
const { couponShare, maxLines, poolSize } = checkoutConfigFromEnv(env);
const config = {
  checkouts: Number(env.BENCH_PROFILE_CHECKOUTS ?? 1_000),
  warmup: Number(env.BENCH_PROFILE_WARMUP ?? 300),
  concurrency: Number(env.BENCH_PROFILE_CONCURRENCY ?? 32),
  couponShare,
  maxLines,
  poolSize,
};

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a message on `subject` is, for a subject under the run's prefix. */
function messageKind(subject: string, prefix: string): string {
  if (subject.startsWith('$JS.ACK.')) return 'JetStream ack';
  if (subject.startsWith('$JS.API.CONSUMER.MSG.NEXT.')) return 'JetStream pull';
  if (subject.startsWith('$JS.API.')) return 'JetStream API other';
  const rest = subject.slice(prefix.length + 1);
  if (rest.startsWith('order.status.')) return 'status announcement';
  if (rest.startsWith('saga.')) return 'stream';
  return `request ${rest}`;
}

/** The last sequence number of each of the run's streams: the messages published to it. */
async function streamSequences(jsm: JetStreamManager, prefix: string): Promise<Record<string, number>> {
  const sequences: Record<string, number> = {};
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(prefix)) sequences[stream.config.name] = stream.state.last_seq;
  }
  return sequences;
}

/** The counts the preloaded counter wrote: by first word, or (`statements`) by text. */
function sqlCounts(dir: string, file = ''): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const service of ALL_SERVICES) {
    try {
      counts[service] = JSON.parse(readFileSync(path.join(dir, `${service}${file}.json`), 'utf8'));
    } catch {
      counts[service] = {};
    }
  }
  return counts;
}

async function settle(stack: BenchStack): Promise<void> {
  for (const started = Date.now(); Date.now() - started < 120_000; await sleep(100)) {
    const [running] = await stack.query<{ n: number }>(
      'order',
      `SELECT count(*)::int AS n FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')`,
    );
    let unsent = 0;
    for (const service of DATABASE_SERVICES) {
      const [row] = await stack.query<{ n: number }>(
        service,
        'SELECT count(*)::int AS n FROM saga_outbox WHERE sent_at IS NULL',
      );
      unsent += row.n;
    }
    if (running.n === 0 && unsent === 0) return;
  }
}

async function profile(): Promise<{ report: PublishableReport; markdown: string }> {
  const startedAt = new Date().toISOString();
  const countDir = mkdtempSync(path.join(tmpdir(), 'zt-sql-count-'));
  const stack = new BenchStack({ label: 'profile', servers: serversFromEnv(), poolSize: config.poolSize });
  try {
    await stack.prepare();
    const machine = await stack.facts();
    const counter = path.resolve(__dirname, '../lib/sql-counter.js');
    await stack.startServices(ALL_SERVICES, { NODE_OPTIONS: `--require ${counter}`, SQL_COUNT_DIR: countDir });
    const gateway = stack.service('gateway').url;
    const world = await buildWorld(new Storefront(gateway, stack.operator), {
      skus: 100,
      customers: 64,
      coupons: 4,
      walletCents: 100_000_000,
    });

    const nats = await connect({ servers: stack.options.servers.nats });
    const messages: Record<string, number> = {};
    let counting = false;
    const prefix = stack.natsPrefix;
    nats.subscribe('>', {
      callback: (_error, message) => {
        if (!counting || !message.subject.includes(prefix)) return;
        const kind = messageKind(message.subject, prefix);
        if (kind !== 'stream') messages[kind] = (messages[kind] ?? 0) + 1;
      },
    });

    const http = new HttpTarget(gateway, config.concurrency);
    const run = async (count: number): Promise<CheckoutSample[]> => {
      const samples: CheckoutSample[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: config.concurrency }, async () => {
          while (next++ < count) {
            const customer = randomCustomer(world);
            samples.push(
              await checkout(http, customer.token, randomCart(world, config.maxLines, config.couponShare), 30),
            );
          }
        }),
      );
      return samples;
    };
    log(`profile: warm-up of ${config.warmup} checkouts ...`);
    await run(config.warmup);
    await settle(stack);
    await sleep(500);

    const jsm = await jetstreamManager(nats);
    const streamsBefore = await streamSequences(jsm, prefix);
    const sqlBefore = sqlCounts(countDir);
    const statementsBefore = sqlCounts(countDir, '.statements');
    const txBefore = await stack.transactions();
    const cpuBefore = await stack.cpu();
    counting = true;
    const started = performance.now();
    log(`profile: ${config.checkouts} checkouts by ${config.concurrency} clients ...`);
    const samples = await run(config.checkouts);
    await settle(stack);
    await sleep(500);
    counting = false;
    const seconds = (performance.now() - started) / 1000;
    const cpuAfter = await stack.cpu();
    const txAfter = await stack.transactions();
    const sqlAfter = sqlCounts(countDir);
    const statementsAfter = sqlCounts(countDir, '.statements');
    for (const [stream, seq] of Object.entries(await streamSequences(jsm, prefix))) {
      messages[`saga messages on ${stream.slice(prefix.length + 1)}`] = seq - (streamsBefore[stream] ?? 0);
    }
    http.close();
    await nats.close();

    const outcomes = countOutcomes(samples);
    const paid = samples.filter((s) => s.outcome === 'PAID').length;
    const per = (n: number) => round(n / Math.max(1, paid), 2);

    const requests = Object.entries(messages)
      .filter(([kind]) => kind.startsWith('request '))
      .reduce((sum, [, n]) => sum + n, 0);
    const messageRows = Object.entries({ ...messages, 'replies to requests (inboxes)': requests })
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => [kind, per(n)]);
    const totalMessages = Object.values(messages).reduce((a, b) => a + b, 0) + requests;

    const kinds = [...new Set(ALL_SERVICES.flatMap((s) => Object.keys(sqlAfter[s] ?? {})))].sort();
    const sqlRows = ALL_SERVICES.map((service) => {
      const delta = (kind: string) => (sqlAfter[service]?.[kind] ?? 0) - (sqlBefore[service]?.[kind] ?? 0);
      const total = kinds.reduce((sum, kind) => sum + delta(kind), 0);
      return [service, ...kinds.map((kind) => per(delta(kind))), per(total)];
    });
    const statementRows = DATABASE_SERVICES.flatMap((service) =>
      Object.entries(statementsAfter[service] ?? {})
        .map(([text, n]) => [service, per(n - (statementsBefore[service]?.[text] ?? 0)), text] as const)
        .filter(([, n]) => n >= 0.05)
        .sort((a, b) => b[1] - a[1])
        .map(([s, n, text]) => [s, n, `\`${text.replace(/\|/g, '\\|')}\``]),
    );
    const commits = DATABASE_SERVICES.map(
      (service) => [service, per((txAfter[service]?.commits ?? 0) - (txBefore[service]?.commits ?? 0))] as const,
    );

    const cores = stack.cpuCores(cpuBefore, cpuAfter, seconds);
    const cpuRows = Object.entries(cores)
      .filter(([group]) => !group.includes('%'))
      .map(([group, c]) => [group, round((c * seconds * 1000) / Math.max(1, paid), 2)] as [string, number]);
    const cpuTotal = round(
      cpuRows.filter(([group]) => group !== 'rest of machine').reduce((sum, [, ms]) => sum + ms, 0),
      2,
    );

    const markdown = [
      '### Checkout profile',
      '',
      `${samples.length} checkouts (carts of 1 to ${config.maxLines} lines, ${round(config.couponShare * 100, 0)}% with a coupon) ` +
        `by ${config.concurrency} clients after ${config.warmup} of warm-up; ${paid} PAID ` +
        `(${JSON.stringify(outcomes)}), ${round(seconds, 1)} s from the first request until every saga was at rest. ` +
        'Figures per PAID checkout.',
      '',
      `NATS messages: ${per(totalMessages)} in all.`,
      '',
      formatTable(['message', 'per checkout'], messageRows),
      '',
      'SQL statements sent, by service and first word:',
      '',
      formatTable(['service', ...kinds, 'total'], sqlRows),
      '',
      'The statements, by service and text (the first 100 characters), at least 0.05 per checkout:',
      '',
      formatTable(['service', 'per checkout', 'statement'], statementRows),
      '',
      `PostgreSQL commits: ${commits.map(([s, n]) => `${s} ${n}`).join(', ')}; ` +
        `${per(commits.reduce((sum, [, n]) => sum + n * paid, 0))} in all.`,
      '',
      `CPU milliseconds per PAID checkout, ${cpuTotal} in all (without the rest of the machine):`,
      '',
      formatTable(
        cpuRows.map(([group]) => group),
        [cpuRows.map(([, ms]) => ms)],
      ),
      '',
    ].join('\n');
    return {
      report: {
        ...{ benchmark: 'checkout:profile', startedAt, machine, logs: stack.logs() },
        ...{ config, seconds, paid, outcomes, messages, sqlBefore, sqlAfter, cores },
      } as PublishableReport,
      markdown,
    };
  } finally {
    await stack.cleanUp();
    rmSync(countDir, { recursive: true, force: true });
  }
}

runBenchmark(
  'checkout profile',
  async () => {
    const { report, markdown } = await profile();
    publishReport(report, markdown);
  },
  { entry: module },
);

/**
 * `npm run bench`: the benchmarks in one run, one after the other (never side by side: they
 * share the machine), each on a stack of its own:
 * - saga: bench/saga/saga.bench.js as a child process, unchanged; its JSON is read back from a
 *   temporary results directory and folded into this run's;
 * - checkout: bench/checkout/checkout.bench.ts;
 * - flash sale: bench/flash/flash.bench.ts;
 * - peers: bench/peers/peers.bench.ts, the saga on libs/saga, DBOS Transact and Restate (their
 *   packages installed into bench/peers/node_modules by bench/peers/install.sh if needed).
 * Writes `bench/results/<timestamp>.json` and prepends one section to docs/benchmarks.md.
 *
 *   BENCH_ONLY=checkout,flash,saga,peers   which of them to run (default all four)
 * and each benchmark's own variables (bench/README.md).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkoutConfigFromEnv, checkoutMarkdown, runCheckoutBench } from './checkout/checkout.bench';
import type { CheckoutReport } from './checkout/checkout.bench';
import { flashConfigFromEnv, flashMarkdown, runFlashBench } from './flash/flash.bench';
import type { FlashReport } from './flash/flash.bench';
import { peersConfigFromEnv, peersMarkdown, runPeersBench } from './peers/peers.bench';
import type { PeersReport } from './peers/peers.bench';
import { factsMarkdown, percent, prependToDocs, timestampForFile, writeResults } from './lib/report';
import { calibrate, calibrationMarkdown } from './lib/calibration';
import type { Calibration } from './lib/calibration';
import { serversFromEnv } from './lib/stack';
import type { ServerFacts } from './lib/stack';
import { formatTable } from './lib/stats';
import { targetsMarkdown } from './lib/targets';
import { printProcessLogs, runBenchmark } from './lib/run-bench';

const log = (line: string) => process.stderr.write(`${line}\n`);
let interrupted = false;

interface SagaLevel {
  mode: string;
  concurrency: number;
  globalTps: number;
  dbTps: number;
  dbTransactionsPerGlobal: number;
  p50Ms: number;
  p99Ms: number;
  ratioToBaseline?: number;
}

interface SagaResults {
  config: { seconds: number; warmupSeconds: number };
  machine: ServerFacts;
  results: SagaLevel[];
}

/** Runs the saga benchmark as it is, in a child process, and reads the JSON it wrote. */
function runSagaBench(): Promise<SagaResults> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zt-bench-saga-'));
  return new Promise<SagaResults>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'saga', 'saga.bench.js')], {
      env: { ...process.env, BENCH_RESULTS_DIR: dir },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    // The saga benchmark cleans up on SIGINT or SIGTERM (either, once each, idempotently): a
    // terminal's Ctrl-C reaches it directly, a signal to this process is passed on as SIGTERM.
    const forward = () => {
      interrupted = true;
      child.kill('SIGTERM');
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.once('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      try {
        const file = readdirSync(dir).find((name) => name.startsWith('saga-') && name.endsWith('.json'));
        if (!file) throw new Error(`saga benchmark wrote no results (exit ${code ?? signal})`);
        resolve(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as SagaResults);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

function sagaMarkdown(saga: SagaResults): string {
  return [
    '### Saga library (bench:saga: two-step transfer with barrier vs. the same SQL over NATS request/reply)',
    '',
    `${saga.config.warmupSeconds} s warm-up, then ${saga.config.seconds} s measured per level; latency of the saga from its start commit to its final commit.`,
    '',
    formatTable(
      ['mode', 'concurrency', 'global TPS', 'DB TPS', 'DB tx per global', 'p50 ms', 'p99 ms', 'saga/baseline'],
      saga.results.map((r) => [
        r.mode === 'saga' ? 'saga + barrier' : 'baseline (NATS req/reply)',
        r.concurrency,
        r.globalTps,
        r.dbTps,
        r.dbTransactionsPerGlobal,
        r.p50Ms,
        r.p99Ms,
        percent(r.ratioToBaseline),
      ]),
    ),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const only = (process.env.BENCH_ONLY ?? 'saga,checkout,flash,peers').split(',').map((s) => s.trim());
  // The calibration runs whatever BENCH_ONLY says: every run's figures need it.
  const measured = [...only, 'calibration'];
  const startedAt = new Date();
  const results: {
    startedAt: string;
    machine?: ServerFacts;
    checkout?: CheckoutReport;
    flash?: FlashReport;
    saga?: SagaResults;
    peers?: PeersReport;
    calibration?: Calibration;
    failures: Record<string, string>;
  } = { startedAt: startedAt.toISOString(), failures: {} };
  const attempt = async (name: string, work: () => Promise<void>) => {
    if (!measured.includes(name) || interrupted) return;
    log(`\n=== ${name} ===`);
    try {
      await work();
    } catch (error) {
      results.failures[name] = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${name} benchmark failed: ${results.failures[name]}`);
    }
  };
  await attempt('calibration', async () => {
    log('calibrating: pgbench single-row updates for 10 s ...');
    results.calibration = await calibrate(serversFromEnv().postgres);
  });
  await attempt('saga', async () => {
    results.saga = await runSagaBench();
  });
  await attempt('checkout', async () => {
    results.checkout = await runCheckoutBench(checkoutConfigFromEnv());
  });
  await attempt('flash', async () => {
    results.flash = await runFlashBench(flashConfigFromEnv());
  });
  await attempt('peers', async () => {
    results.peers = await runPeersBench(peersConfigFromEnv());
  });
  if (interrupted) {
    log('interrupted: nothing written');
    process.exitCode = 130;
    return;
  }
  const machine = results.checkout?.machine ?? results.flash?.machine ?? results.saga?.machine;
  results.machine = machine && { ...machine, redis: results.checkout?.machine.redis ?? results.flash?.machine.redis };

  const file = writeResults(timestampForFile(startedAt), results);
  const parts = [
    `## ${startedAt.toISOString()}: \`npm run bench\` (${only.join(', ')})`,
    '',
    ...(results.machine ? [factsMarkdown(results.machine)] : []),
    calibrationMarkdown(results.calibration),
    '',
    targetsMarkdown(results.checkout, results.flash),
    ...(results.checkout ? [checkoutMarkdown(results.checkout)] : []),
    ...(results.flash ? [flashMarkdown(results.flash)] : []),
    ...(results.saga ? [sagaMarkdown(results.saga)] : []),
    ...(results.peers ? [peersMarkdown(results.peers)] : []),
    ...Object.entries(results.failures).map(([name, error]) => `**${name} failed**: \`${error.split('\n')[0]}\`\n`),
  ];
  const markdown = parts.join('\n');
  for (const report of [results.checkout, results.flash]) if (report) printProcessLogs(report, report.benchmark);
  process.stdout.write(`\n${markdown}\n`);
  const docs = prependToDocs(markdown);
  process.stdout.write(`results: ${file}${docs ? `; section added to ${docs}` : ''}\n`);
  if (Object.keys(results.failures).length) process.exitCode = 1;
}

runBenchmark('bench', main);

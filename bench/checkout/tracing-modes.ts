/**
 * The cost of tracing in the checkout benchmark: the durable flow with OpenTelemetry off, on
 * (every trace kept) and sampled (10% of them), exporting to an OTLP/HTTP sink in the
 * benchmark's own process, so that the spans really are serialized and sent. `saga` is tracing
 * off. Each mode runs on a stack of its own, in alternating rounds (checkout.bench.ts); this
 * file has the modes' environment, the sink and the table of medians.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatTable, round } from '../lib/stats';

export const TRACING_MODES = { traced: '1', sampled: '0.1' } as const;
export type TracingMode = keyof typeof TRACING_MODES;
/** The modes the comparison runs: tracing off (`saga`) and the tracing modes asked for. */
export type ComparedMode = 'saga' | TracingMode;

export function isTracingMode(mode: string): mode is TracingMode {
  return mode in TRACING_MODES;
}

/** Accepts OTLP/HTTP JSON exports and counts what arrived; keeps nothing else. */
export class OtlpSink {
  requests = 0;
  bytes = 0;
  spans = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpSink> {
    const server = createServer();
    const sink = new OtlpSink(server);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        sink.requests++;
        sink.bytes += body.length;
        sink.spans += (body.toString('utf8').match(/"spanId":/g) ?? []).length;
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The services' environment for a mode of the comparison (none for tracing off). */
export function tracingEnv(mode: ComparedMode, sink: OtlpSink): Record<string, string> {
  if (mode === 'saga') return {};
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_TRACES_SAMPLER_ARG: TRACING_MODES[mode] };
}

const NAMES: Record<ComparedMode, string> = { saga: 'off', traced: 'on (every trace)', sampled: 'sampled at 10%' };
const SERVICES = ['gateway', 'order', 'inventory', 'coupon', 'payment'];

/** One closed-loop level of one round of the comparison. */
export interface ComparedLevel {
  mode: string;
  round?: number;
  concurrency?: number;
  completedPerSecond: number;
  cpuCores: Record<string, number>;
  cpuMsPerCheckout: Record<string, number>;
  spansPerCheckout?: number;
}

/** Per mode and concurrency, the median over the rounds of each figure. */
export interface TracingMedian {
  mode: ComparedMode;
  concurrency: number;
  rounds: number;
  completedPerSecond: number;
  /** Every round's PAID/s, in the order they ran. */
  completedPerSecondByRound: number[];
  servicesCpuMs: number;
  totalCpuMs: number;
  spansPerCheckout?: number;
  /** Cores other work on the machine took during the windows (`rest of machine`): the median, and every round's. */
  restOfMachineCores: number;
  restOfMachineCoresByRound: number[];
  /** Median PAID/s over tracing off's, minus one; servicesCpuMs likewise. */
  vsOff?: { completedPerSecond: number; servicesCpuMs: number };
}

export function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const servicesMs = (row: ComparedLevel) => SERVICES.reduce((sum, s) => sum + (row.cpuMsPerCheckout[s] ?? 0), 0);

export function tracingMedians(levels: ComparedLevel[]): TracingMedian[] {
  const medians: TracingMedian[] = [];
  for (const mode of Object.keys(NAMES) as ComparedMode[]) {
    const concurrencies = [...new Set(levels.filter((r) => r.mode === mode).map((r) => r.concurrency ?? 0))];
    for (const concurrency of concurrencies) {
      const rows = levels.filter((r) => r.mode === mode && (r.concurrency ?? 0) === concurrency);
      const spans = rows.map((r) => r.spansPerCheckout).filter((n): n is number => n !== undefined);
      medians.push({
        mode,
        concurrency,
        rounds: rows.length,
        completedPerSecond: round(median(rows.map((r) => r.completedPerSecond)), 1),
        completedPerSecondByRound: rows.map((r) => r.completedPerSecond),
        servicesCpuMs: round(median(rows.map(servicesMs)), 2),
        totalCpuMs: round(median(rows.map((r) => r.cpuMsPerCheckout.total)), 2),
        spansPerCheckout: spans.length ? round(median(spans), 1) : undefined,
        restOfMachineCores: round(median(rows.map((r) => r.cpuCores['rest of machine'] ?? NaN)), 2),
        restOfMachineCoresByRound: rows.map((r) => r.cpuCores['rest of machine'] ?? NaN),
      });
    }
  }
  for (const row of medians) {
    const off = medians.find((o) => o.mode === 'saga' && o.concurrency === row.concurrency);
    if (off)
      row.vsOff = {
        completedPerSecond: round(row.completedPerSecond / off.completedPerSecond - 1, 3),
        servicesCpuMs: round(row.servicesCpuMs / off.servicesCpuMs - 1, 3),
      };
  }
  return medians;
}

const change = (ratio: number | undefined) =>
  ratio === undefined || !Number.isFinite(ratio) ? '-' : `${round(ratio * 100, 1)}%`;

/** The comparison's section: how it ran, the medians side by side per concurrency, the machine's other load. */
export function tracingCostMarkdown(comparison: {
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  medians: TracingMedian[];
  loadAverage?: { before: number[]; after: number[] };
}): string {
  const { medians } = comparison;
  if (!medians.some((r) => r.mode !== 'saga')) return '';
  const order = [...new Set(medians.map((r) => r.concurrency))];
  const rows = order.flatMap((c) => medians.filter((r) => r.concurrency === c));
  const modes = [...new Set(medians.map((r) => NAMES[r.mode]))].join(', ');
  const busiest = Math.max(...medians.map((r) => r.restOfMachineCores).filter(Number.isFinite));
  const load = comparison.loadAverage;
  const lines = [
    '#### The cost of tracing',
    '',
    `The durable flow with OpenTelemetry off, on (every trace exported) and sampled at 10%, exporting over OTLP/HTTP to a sink in the benchmark process. ` +
      `Each mode runs on a stack of its own (databases copied from one world built before, fresh NATS and Redis prefixes, services started for it), ` +
      `so that no mode inherits another's orders and sagas; the modes take turns in ${comparison.rounds} round${comparison.rounds === 1 ? '' : 's'} (${modes}, then again), ` +
      `so that a drift of the machine hits them alike. Closed loop, ${comparison.warmupSeconds} s warm-up, then ${comparison.seconds} s measured per level; ` +
      `each figure is the median over the rounds; the last columns give every round's PAID/s and the cores other work on the machine took in its windows (\`rest of machine\`), in the order they ran.`,
    '',
    formatTable(
      [
        'tracing',
        'PAID/s',
        'vs off',
        'CPU ms/PAID, five services',
        'vs off',
        'CPU ms/PAID, all',
        'spans/PAID',
        'PAID/s by round',
        'other work, cores, by round',
      ],
      rows.map((r) => [
        `${NAMES[r.mode]}, x${r.concurrency}`,
        r.completedPerSecond,
        change(r.vsOff?.completedPerSecond),
        r.servicesCpuMs,
        change(r.vsOff?.servicesCpuMs),
        r.totalCpuMs,
        r.spansPerCheckout ?? '-',
        r.completedPerSecondByRound.join(', '),
        r.restOfMachineCoresByRound.map((n) => (Number.isFinite(n) ? n : '-')).join(', '),
      ]),
    ),
    '',
  ];
  if (Number.isFinite(busiest) || load) {
    lines.push(
      `Other work on the machine during these windows: up to a median ${Number.isFinite(busiest) ? busiest : '-'} cores (\`rest of machine\`)` +
        (load
          ? `; load average (1, 5, 15 min) ${load.before.map((n) => round(n, 2)).join(', ')} before the comparison, ${load.after.map((n) => round(n, 2)).join(', ')} after`
          : '') +
        (busiest >= 0.2
          ? '. The machine was busy: the figures are depressed, and a round in which other work took more of the machine is slower whatever its mode (see the last column), the medians too if most rounds of a mode were such.'
          : '.'),
      '',
    );
  }
  return lines.join('\n');
}

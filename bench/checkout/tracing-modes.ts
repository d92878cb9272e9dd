/**
 * The cost of tracing in the checkout benchmark: the durable run again with OpenTelemetry on
 * (every trace kept, then 10% of them), exporting to an OTLP/HTTP sink in the benchmark's own
 * process, so that the spans really are serialized and sent. `saga` is tracing off.
 */
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatTable, round } from '../lib/stats';

export const TRACING_MODES = { traced: '1', sampled: '0.1' } as const;
export type TracingMode = keyof typeof TRACING_MODES;

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

/** The services' environment for a tracing mode. */
export function tracingEnv(mode: TracingMode, sink: OtlpSink): Record<string, string> {
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sink.endpoint, OTEL_TRACES_SAMPLER_ARG: TRACING_MODES[mode] };
}

const NAMES: Record<string, string> = { saga: 'off', traced: 'on (every trace)', sampled: 'sampled at 10%' };

interface Row {
  mode: string;
  loop: 'closed' | 'open';
  concurrency?: number;
  completedPerSecond: number;
  cpuMsPerCheckout: Record<string, number>;
  spansPerCheckout?: number;
}

/** PAID/s and CPU per PAID checkout of tracing off, on and sampled, side by side, per concurrency. */
export function tracingCostMarkdown(levels: Row[]): string {
  const rows = levels.filter((r) => r.loop === 'closed' && r.mode in NAMES);
  if (!rows.some((r) => isTracingMode(r.mode))) return '';
  const services = ['gateway', 'order', 'inventory', 'coupon', 'payment'];
  const table = rows.map((r) => {
    const off = rows.find((o) => o.mode === 'saga' && o.concurrency === r.concurrency);
    const servicesMs = services.reduce((sum, s) => sum + (r.cpuMsPerCheckout[s] ?? 0), 0);
    const offMs = off ? services.reduce((sum, s) => sum + (off.cpuMsPerCheckout[s] ?? 0), 0) : NaN;
    return [
      `${NAMES[r.mode]}, x${r.concurrency}`,
      r.completedPerSecond,
      off ? `${round((r.completedPerSecond / off.completedPerSecond - 1) * 100, 1)}%` : '-',
      round(servicesMs, 2),
      off ? `${round((servicesMs / offMs - 1) * 100, 1)}%` : '-',
      r.cpuMsPerCheckout.total,
      r.spansPerCheckout ?? '-',
    ];
  });
  return [
    '#### The cost of tracing',
    '',
    'The durable run with OpenTelemetry off, on (every trace exported) and sampled at 10%, exporting over OTLP/HTTP to a sink in the benchmark process:',
    '',
    formatTable(
      ['tracing', 'PAID/s', 'vs off', 'CPU ms/PAID, five services', 'vs off', 'CPU ms/PAID, all', 'spans/PAID'],
      table,
    ),
    '',
  ].join('\n');
}

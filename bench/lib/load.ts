/**
 * HTTP load generation for the REST benchmarks: a keep-alive client (node:http, light on the
 * CPU that the load generator shares with the system under test), a closed loop (N workers,
 * each sends, waits for the answer, sends again) and an open loop (arrivals at a fixed rate
 * whatever the answers do; latency counted from the moment a request was due, so that a
 * stalled system is not flattered by the generator waiting for it).
 *
 * Both loops run a warm-up, then a measured window; `onWindow` is called at the window's two
 * ends (to read CPU and database counters) and nothing outside the window is counted.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { percentile, round } from './stats';

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class HttpTarget {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
    timeoutMs = 60_000,
  ): Promise<HttpResult> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            ...headers,
            ...(payload === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What one operation ended as: `ok` for the outcome the benchmark is after, anything else is named. */
export interface Sample {
  ms: number;
  /** `PAID`, `CANCELLED OUT_OF_STOCK`, `HTTP 504 UPSTREAM_TIMEOUT`, `network ECONNRESET`... */
  outcome: string;
  ok: boolean;
}

export interface WindowHooks {
  start?: () => Promise<void>;
  end?: () => Promise<void>;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): LatencySummary {
  return {
    count: samples.length,
    p50: round(percentile(samples, 50), 1),
    p95: round(percentile(samples, 95), 1),
    p99: round(percentile(samples, 99), 1),
    max: round(samples.length ? samples.reduce((a, b) => Math.max(a, b), -Infinity) : NaN, 1),
    mean: round(samples.length ? samples.reduce((a, b) => a + b, 0) / samples.length : NaN, 1),
  };
}

export interface LoopResult {
  seconds: number;
  samples: Sample[];
  /** Wall clock of the measured window (ms since the epoch). */
  window: { from: number; to: number };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Closed loop: `concurrency` workers, each running `operation` back to back. Samples are those
 * that completed inside the measured window.
 */
export async function closedLoop(options: {
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  operation: () => Promise<Sample>;
  hooks?: WindowHooks;
  aborted?: () => boolean;
}): Promise<LoopResult> {
  const { concurrency, warmupMs, measureMs, operation, hooks, aborted = () => false } = options;
  const samples: Sample[] = [];
  let windowStart = Infinity;
  let windowEnd = Infinity;
  let stop = false;
  const worker = async () => {
    while (!stop && !aborted()) {
      const sample = await operation().catch((error: unknown): Sample => ({
        ms: NaN,
        outcome: `generator ${String(error)}`,
        ok: false,
      }));
      const now = performance.now();
      if (now >= windowStart && now < windowEnd) samples.push(sample);
      // A system that fails fast must not turn the generator into a spinning loop.
      if (!sample.ok && sample.ms < 5) await sleep(10);
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  await sleep(warmupMs);
  await hooks?.start?.();
  windowStart = performance.now();
  const from = Date.now();
  await sleep(measureMs);
  windowEnd = performance.now();
  const to = Date.now();
  await hooks?.end?.();
  stop = true;
  await Promise.all(workers);
  return { seconds: (windowEnd - windowStart) / 1000, samples, window: { from, to } };
}

export interface OpenLoopResult extends LoopResult {
  /** Requests due in the window. */
  offered: number;
  /** How late the generator sent requests after they were due (its own lag), ms. */
  sendLag: LatencySummary;
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Requests not sent because `maxInFlight` was reached (counted as failures). */
  shed: number;
}

/**
 * Open loop at `rate` requests per second, evenly spaced. Latency runs from the moment each
 * request was due (not when it was sent), samples are the requests due inside the window, and
 * the loop waits for every one of them to finish.
 */
export async function openLoop(options: {
  rate: number;
  warmupMs: number;
  measureMs: number;
  operation: () => Promise<Sample>;
  maxInFlight?: number;
  hooks?: WindowHooks;
  aborted?: () => boolean;
}): Promise<OpenLoopResult> {
  const { rate, warmupMs, measureMs, operation, hooks, aborted = () => false } = options;
  const maxInFlight = options.maxInFlight ?? 4096;
  const interval = 1000 / rate;
  const samples: Sample[] = [];
  const lags: number[] = [];
  const pending = new Set<Promise<void>>();
  let inFlight = 0;
  let peak = 0;
  let shed = 0;
  let offered = 0;
  const begin = performance.now();
  const windowStart = begin + warmupMs;
  const windowEnd = windowStart + measureMs;
  let next = begin;
  let startedHook: Promise<void> | undefined;
  let from = 0;
  while (!aborted()) {
    const now = performance.now();
    if (!startedHook && now >= windowStart) {
      from = Date.now();
      startedHook = hooks?.start?.() ?? Promise.resolve();
    }
    if (next >= windowEnd) break;
    while (next <= now && next < windowEnd) {
      const due = next;
      next += interval;
      const inWindow = due >= windowStart;
      if (inWindow) offered++;
      if (inFlight >= maxInFlight) {
        if (inWindow) {
          shed++;
          samples.push({ ms: NaN, outcome: 'shed by generator (too many in flight)', ok: false });
        }
        continue;
      }
      inFlight++;
      peak = Math.max(peak, inFlight);
      if (inWindow) lags.push(performance.now() - due);
      const work = operation()
        .catch((error: unknown): Sample => ({ ms: NaN, outcome: `generator ${String(error)}`, ok: false }))
        .then((sample) => {
          inFlight--;
          if (inWindow) samples.push({ ...sample, ms: performance.now() - due });
        });
      const tracked = work.finally(() => pending.delete(tracked));
      pending.add(tracked);
    }
    await sleep(Math.max(0, Math.min(next - performance.now(), 5)));
  }
  const to = Date.now();
  await startedHook;
  await hooks?.end?.();
  await Promise.all(pending);
  return {
    seconds: measureMs / 1000,
    samples,
    window: { from, to },
    offered,
    sendLag: summarize(lags),
    maxInFlight: peak,
    shed,
  };
}

/** Outcomes by name, most frequent first. */
export function countOutcomes(samples: Sample[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.outcome, (counts.get(s.outcome) ?? 0) + 1);
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>) {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index], index);
      }
    }),
  );
  return results;
}

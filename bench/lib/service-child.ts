/**
 * One Zhongtai service as a benchmark's child process, run from the compiled tree
 * (dist/apps/<service>/src/main.js) the way production runs it: no watcher, no source maps.
 * Readiness is its own `GET /health/ready`, asked of the port the child reported it bound and
 * only once `/health/live` names its pid (test/support/service-launch.ts: no port race). Its JSON log lines (warn and above at LOG_LEVEL=warn)
 * are counted by message, so that a run can report what went wrong with evidence, and the first
 * few are echoed to stderr. The child stops by itself when the benchmark goes away
 * (orphan-guard.ts); the benchmark only ever signals the pids it spawned.
 */
import { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { ServiceName } from '@zhongtai/platform';
import { launchService, ownServiceReady } from '../../test/support/service-launch';

const ECHOED_LINES = 5;
const DISTINCT_MESSAGES = 60;

export interface LogSummary {
  /** Lines by pino level name (warn, error, fatal) or `stderr`. */
  lines: Record<string, number>;
  /** Distinct messages (first 240 characters) with how often each appeared. */
  messages: Record<string, number>;
}

export class ServiceChild {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private listening = false;
  private echoed = 0;
  readonly log: LogSummary = { lines: {}, messages: {} };

  constructor(
    readonly name: string,
    readonly service: ServiceName,
    /** The port to try first; `port` is the one the child bound. */
    public port: number,
    private readonly env: Record<string, string>,
    private readonly nodeArgs: string[] = [],
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): this {
    const { child, listening } = launchService({
      service: this.service,
      port: this.port,
      env: this.env,
      nodeArgs: [...this.nodeArgs, '--require', path.join(__dirname, 'orphan-guard.js')],
      output: 'pipe',
    });
    this.child = child;
    listening
      .then((port) => {
        this.port = port;
        this.listening = true;
      })
      .catch(() => undefined);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stdout! }).on('line', (line) => this.record(line, false));
    createInterface({ input: child.stderr! }).on('line', (line) => this.record(line, true));
    return this;
  }

  private record(line: string, stderr: boolean): void {
    if (!line.trim()) return;
    let level = stderr ? 'stderr' : 'stdout';
    let message = line;
    try {
      const parsed = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      level = levelName(parsed.level) ?? level;
      message = parsed.msg ?? parsed.err?.message ?? line;
    } catch {
      // not JSON (a crash trace, a config error): kept as it is
    }
    this.log.lines[level] = (this.log.lines[level] ?? 0) + 1;
    const key = message.slice(0, 240);
    if (key in this.log.messages || Object.keys(this.log.messages).length < DISTINCT_MESSAGES) {
      this.log.messages[key] = (this.log.messages[key] ?? 0) + 1;
    }
    if (this.echoed < ECHOED_LINES) {
      this.echoed++;
      process.stderr.write(`[${this.name}] ${line.slice(0, 600)}\n`);
      if (this.echoed === ECHOED_LINES) process.stderr.write(`[${this.name}] (further lines are counted, not shown)\n`);
    }
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(`${this.name} exited before it was ready: ${JSON.stringify(this.log.messages)}`);
      if (this.listening && (await ownServiceReady(this.url, this.pid))) return;
      if (Date.now() > deadline) throw new Error(`${this.name} not ready after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM (graceful shutdown), then SIGKILL after `graceMs`. */
  async stop(graceMs = 15_000): Promise<void> {
    if (!this.child || !this.running) return;
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    this.child.kill('SIGTERM');
    await this.exited;
    clearTimeout(timer);
  }

  /** Last resort, synchronous: SIGKILL if still running. */
  killNow(): void {
    if (this.running) this.child!.kill('SIGKILL');
  }
}

function levelName(level: number | undefined): string | undefined {
  if (level === undefined) return undefined;
  return level >= 60 ? 'fatal' : level >= 50 ? 'error' : level >= 40 ? 'warn' : level >= 30 ? 'info' : 'debug';
}

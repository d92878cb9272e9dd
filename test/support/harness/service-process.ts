import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { SERVICE_CRASH_POINTS } from '@zhongtai/platform';
import type { ServiceName } from '@zhongtai/platform';
import { launchService, ownServiceReady } from './service-launch';
import { FileOutput, LogLine, MemoryOutput, ServiceOutput } from './service-output';

export type ExitCause = 'fault' | 'crash-point' | 'unplanned' | 'shutdown';

export interface ExitRecord {
  service: ServiceName;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  atMs: number;
  cause: ExitCause;
}

export interface ServiceProcessOptions<O extends ServiceOutput> {
  /** The port to try first (0 or absent: the one in `env`); see service-launch.ts. */
  port?: number;
  env: Record<string, string>;
  /** In memory by default. */
  output?: O;
  /** Node's flags: source maps by default; benchmarks run without, as production does. */
  nodeArgs?: string[];
  /**
   * Supervised as Kubernetes would (chaos): an exit while the process is meant to run, that no
   * fault asked for, is recorded as unplanned and restarted after a second.
   */
  supervise?: { clock: () => number };
  /** The child stops by itself when the harness goes away, even killed (orphan-guard.ts). */
  orphanGuard?: boolean;
  /** Told every pid spawned, and undefined once it exited (chaos's last-resort reaper). */
  track?: (pid: number | undefined) => void;
}

/**
 * One Zhongtai service as a child process of a harness, run from the compiled tree. Each
 * start tries the port it had before; if another program took it meanwhile, the process binds
 * a new one and `port` follows it.
 */
export class ServiceProcess<O extends ServiceOutput = MemoryOutput> {
  readonly exits: ExitRecord[] = [];
  readonly output: O;
  private child?: ChildProcess;
  private exited?: Promise<ExitRecord>;
  private listening = false;
  private meantToRun = false;
  /** The cause the next exit will be recorded with, when a fault or the harness causes it. */
  private nextExitCause?: ExitCause;
  private currentPort: number;
  private currentInternalPort?: number;

  constructor(
    readonly service: ServiceName,
    private readonly options: ServiceProcessOptions<O>,
  ) {
    this.output = options.output ?? (new MemoryOutput() as ServiceOutput as O);
    this.currentPort = options.port ?? 0;
  }

  /** The port the process bound (or, before it listens, the one it will try). */
  get port(): number {
    return this.currentPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Where `/metrics` (and the gateway's `/docs`) are served: the internal listener's port,
   * reported by the process, for the gateway; the one port for the other services.
   */
  get internalUrl(): string {
    return `http://127.0.0.1:${this.currentInternalPort ?? this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The JSON log lines, with output in memory. */
  get logs(): LogLine[] {
    return this.output instanceof MemoryOutput ? this.output.logs : [];
  }

  get stderr(): string[] {
    return this.output instanceof MemoryOutput ? this.output.stderr : [];
  }

  /**
   * Starts the process. `crashAt` arms one of libs/saga's crash points or of the services'
   * own (SERVICE_CRASH_POINTS; its exit is then expected); `deliveryChaos` makes libs/saga duplicate and delay every delivery.
   */
  start({ crashAt, deliveryChaos }: { crashAt?: string; deliveryChaos?: string } = {}): this {
    if (this.running) throw new Error(`${this.service} is already running`);
    const env = {
      ...this.options.env,
      ...(crashAt ? { [isServiceCrashPoint(crashAt) ? 'CRASH_AT' : 'SAGA_CRASH_AT']: crashAt } : {}),
      ...(deliveryChaos ? { SAGA_CHAOS_DELIVERY: deliveryChaos } : {}),
    };
    const stdio = this.output.open();
    const { child, listening } = launchService({
      service: this.service,
      port: this.currentPort || undefined,
      env,
      nodeArgs: [
        ...(this.options.nodeArgs ?? ['--enable-source-maps']),
        ...(this.options.orphanGuard ? ['--require', path.join(__dirname, 'orphan-guard.js')] : []),
      ],
      output: stdio,
    });
    FileOutput.close(stdio);
    this.output.attach(child);
    this.child = child;
    this.listening = false;
    this.options.track?.(child.pid);
    this.meantToRun = true;
    this.nextExitCause = crashAt ? 'crash-point' : undefined;
    listening
      .then(({ port, internalPort }) => {
        if (this.child !== child) return;
        this.currentPort = port;
        this.currentInternalPort = internalPort;
        this.listening = true;
      })
      .catch(() => undefined);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve(this.recordExit(child, code, signal))),
    );
    return this;
  }

  /** SIGKILL, SIGTERM, SIGSTOP, SIGCONT; a kill or termination asked for here is not unplanned. */
  signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGKILL' || signal === 'SIGTERM') {
      this.meantToRun = false;
      this.nextExitCause = 'fault';
    }
    this.child?.kill(signal);
  }

  /** Resolves with the exit code once the process has ended. */
  async waitExit(): Promise<number | null> {
    return this.exited ? (await this.exited).code : null;
  }

  /** The exit, or undefined if the process still runs after `timeoutMs`. */
  async exitWithin(timeoutMs: number): Promise<ExitRecord | undefined> {
    if (!this.exited) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Ready on the port its own process bound, `/health/live` naming its pid. Unsupervised, an
   * exit ends the wait at once; supervised, the wait spans restarts.
   */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running && !this.options.supervise) {
        throw new Error(
          `${this.service} exited (${this.child?.exitCode ?? this.child?.signalCode}) before it was ready:\n${this.output.tail(8)}`,
        );
      }
      if (this.running && this.listening && (await ownServiceReady(this.url, this.pid))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `${this.service} (pid ${this.pid}) not ready within ${timeoutMs} ms; last output:\n${this.output.tail(15)}`,
    );
  }

  /** SIGTERM (graceful drain), SIGKILL after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 15_000, cause: ExitCause = 'shutdown'): Promise<number | null> {
    this.meantToRun = false;
    if (!this.running) return this.child?.exitCode ?? null;
    this.nextExitCause = cause;
    this.child!.kill('SIGCONT');
    this.child!.kill('SIGTERM');
    const exit = (await this.exitWithin(graceMs)) ?? (this.child?.kill('SIGKILL'), await this.exited!);
    return exit.code;
  }

  /** Last resort, synchronous: SIGKILL if still running (paused ones too). */
  killNow(): void {
    if (!this.running) return;
    this.child!.kill('SIGCONT');
    this.child!.kill('SIGKILL');
  }

  private recordExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): ExitRecord {
    if (this.child === child) this.options.track?.(undefined);
    const cause = this.nextExitCause ?? (this.meantToRun ? 'unplanned' : 'shutdown');
    const atMs = this.options.supervise?.clock() ?? Date.now();
    const record = { service: this.service, pid: child.pid ?? 0, code, signal, atMs, cause };
    this.exits.push(record);
    this.nextExitCause = undefined;
    if (cause === 'unplanned' && this.options.supervise) void this.restartLater();
    return record;
  }

  private async restartLater(): Promise<void> {
    this.meantToRun = true;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    if (this.meantToRun && !this.running) this.start();
  }
}

function isServiceCrashPoint(name: string): boolean {
  return (SERVICE_CRASH_POINTS as readonly string[]).includes(name);
}

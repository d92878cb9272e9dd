import { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import type { ServiceName } from '@zhongtai/platform';
import { launchService, ownServiceReady } from '../../test/support/service-launch';
import { sleep } from '../random';
import { registerCleanup, signalIfAlive, trackPid } from './last-resort';

export type ExitCause = 'fault' | 'crash-point' | 'unplanned' | 'shutdown';

export interface ExitRecord {
  service: ServiceName;
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  atMs: number;
  cause: ExitCause;
}

/**
 * One Zhongtai service as a child process of the harness, supervised as Kubernetes would: if
 * it exits while it is meant to run (and no fault asked for it), it is restarted after a
 * second and the exit is recorded as unplanned. Each start tries the port it had before; if
 * another program took it meanwhile, the process binds a new one (test/support/service-launch.ts)
 * and `port` follows it.
 */
export class ServiceProcess {
  readonly exits: ExitRecord[] = [];
  private child?: ChildProcess;
  private exited?: Promise<ExitRecord>;
  private meantToRun = false;
  /** The cause the next exit will be recorded with, when a fault or the harness causes it. */
  private nextExitCause?: ExitCause;
  private readonly unregister: () => void;

  constructor(
    readonly service: ServiceName,
    public port: number,
    private readonly env: Record<string, string>,
    private readonly logFile: string,
    private readonly clock: () => number,
  ) {
    this.unregister = registerCleanup(service, () => {
      signalIfAlive(this.child?.pid, 'SIGCONT');
      signalIfAlive(this.child?.pid, 'SIGKILL');
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Starts the process. `crashAt` arms one of libs/saga's crash points (its exit is then
   * expected); `deliveryChaos` makes libs/saga duplicate and delay every delivery (SAGA_CHAOS_DELIVERY).
   */
  start({ crashAt, deliveryChaos }: { crashAt?: string; deliveryChaos?: string } = {}): void {
    if (this.running) throw new Error(`${this.service} is already running`);
    const env = {
      ...this.env,
      ...(crashAt ? { SAGA_CRASH_AT: crashAt } : {}),
      ...(deliveryChaos ? { SAGA_CHAOS_DELIVERY: deliveryChaos } : {}),
    };
    const log = openSync(this.logFile, 'a');
    const { child, listening } = launchService({ service: this.service, port: this.port, env, output: log });
    closeSync(log);
    this.child = child;
    listening
      .then((port) => {
        if (this.child === child) this.port = port;
      })
      .catch(() => undefined);
    trackPid(this.service, child.pid);
    this.meantToRun = true;
    this.nextExitCause = crashAt ? 'crash-point' : undefined;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        if (this.child === child) trackPid(this.service, undefined);
        const cause = this.nextExitCause ?? (this.meantToRun ? 'unplanned' : 'shutdown');
        const record = { service: this.service, pid: child.pid ?? 0, code, signal, atMs: this.clock(), cause };
        this.exits.push(record);
        this.nextExitCause = undefined;
        if (cause === 'unplanned') void this.restartLater();
        resolve(record);
      }),
    );
  }

  /** A signal from a fault: SIGKILL, SIGSTOP, SIGCONT. The exit it causes is not unplanned. */
  signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGKILL' || signal === 'SIGTERM') {
      this.meantToRun = false;
      this.nextExitCause = 'fault';
    }
    this.child?.kill(signal);
  }

  /** Resolves with the exit, or undefined if the process still runs after `timeoutMs`. */
  async waitExit(timeoutMs: number): Promise<ExitRecord | undefined> {
    if (!this.exited) return undefined;
    return Promise.race([this.exited, sleep(timeoutMs).then(() => undefined)]);
  }

  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Not listening yet, paused, or (before it reported its port) someone else's answer.
      if (this.running && (await ownServiceReady(this.url, this.pid))) return;
      await sleep(200);
    }
    throw new Error(`${this.service} not ready within ${timeoutMs} ms; log tail:\n${this.logTail(15)}`);
  }

  /** SIGTERM (graceful drain), SIGKILL after `graceMs`. */
  async stop(cause: ExitCause = 'shutdown', graceMs = 10_000): Promise<void> {
    this.meantToRun = false;
    if (!this.running) return;
    this.nextExitCause = cause;
    this.child!.kill('SIGCONT');
    this.child!.kill('SIGTERM');
    if (!(await this.waitExit(graceMs))) {
      this.child?.kill('SIGKILL');
      await this.exited;
    }
  }

  async destroy(): Promise<void> {
    await this.stop('shutdown');
    this.unregister();
  }

  logTail(lines: number): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  private async restartLater(): Promise<void> {
    this.meantToRun = true;
    await sleep(1_000);
    if (this.meantToRun && !this.running) this.start();
  }
}

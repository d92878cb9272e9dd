import { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ServiceName } from '@zhongtai/platform';
import { eventually } from './infrastructure';
import { launchService, ownServiceReady } from './service-launch';

export type LogLine = Record<string, unknown> & { msg?: string; correlationId?: string };

/**
 * One service running as its own process from the compiled tree, its JSON logs captured. It
 * tries `requestedPort` first (0: the one in `env`) and lives on whatever port its own process
 * bound (service-launch.ts).
 */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  private boundPort?: number;

  constructor(
    readonly service: ServiceName,
    private readonly requestedPort: number,
    private readonly env: Record<string, string>,
  ) {}

  /** The port the process bound (known once it listens). */
  get port(): number {
    if (this.boundPort === undefined) throw new Error(`${this.service} is not listening yet`);
    return this.boundPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): this {
    const { child, listening } = launchService({
      service: this.service,
      port: this.requestedPort || undefined,
      env: this.env,
      output: 'pipe',
    });
    this.child = child;
    listening.then((bound) => (this.boundPort = bound)).catch(() => undefined);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        this.logs.push({ msg: line });
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => this.stderr.push(line));
    return this;
  }

  async waitReady(timeoutMs = 60_000): Promise<void> {
    try {
      await eventually(
        async () => {
          if (this.child?.exitCode !== null) {
            throw new Error(`${this.service} exited (${this.child?.exitCode}): ${this.stderr.join('\n')}`);
          }
          if (this.boundPort === undefined) return undefined;
          return (await ownServiceReady(this.url, this.pid)) ? true : undefined;
        },
        { timeoutMs, what: `${this.service} (pid ${this.pid}) to be ready on the port it bound` },
      );
    } catch (error) {
      const tail = [...this.logs.slice(-8).map((l) => JSON.stringify(l)), ...this.stderr.slice(-8)].join('\n');
      throw new Error(`${(error as Error).message}\nlast output of ${this.service}:\n${tail}`, { cause: error });
    }
  }

  /** Resolves with the exit code once the process has ended. */
  waitExit(): Promise<number | null> {
    return this.exited ?? Promise.resolve(null);
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not ended within the grace period. */
  async stop(graceMs = 15_000): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null)
      return this.child?.exitCode ?? null;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    const code = await this.waitExit();
    clearTimeout(timer);
    return code;
  }
}

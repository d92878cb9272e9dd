import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { natsServerName, startOnOwnPort } from './own-server';
import { natsServerEnv } from './nats-users';

/** How a server binary is told its port, and how the harness recognises it on that port. */
export interface ServerBinary {
  binary: string;
  args(port: number): string[];
  /** Added to the harness's own environment. */
  env?: Record<string, string>;
  isOurs(port: number, pid: number): Promise<boolean>;
}

export interface ServerProcessOptions {
  /** Where its output is appended; discarded without. */
  logFile?: string;
  /** Told every pid spawned, and undefined once it exited (chaos's last-resort reaper). */
  track?: (pid: number | undefined) => void;
}

/**
 * A server binary (nats-server, redis-server) run as a child on its own port, its output
 * appended to a log file, that a test or a fault may kill and that comes back on the same data. It comes
 * back on the same port unless another program took it meanwhile: then on a new one, which
 * the proxies in front of it follow (`port` is read at every connection).
 */
export class ServerProcess {
  port = 0;
  private child?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    readonly name: string,
    private readonly server: ServerBinary,
    private readonly options: ServerProcessOptions = {},
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.port = await startOnOwnPort(
      this.name,
      async (port) => {
        const child = this.spawnOn(port);
        return {
          child,
          isOurs: () => this.server.isOurs(port, child.pid ?? 0),
          abandon: () => this.stop('SIGKILL'),
        };
      },
      { preferredPort: this.port, timeoutMs: 15_000 },
    );
  }

  /** Sends `signal` and waits for the exit (SIGKILL if it has not ended after `graceMs`). */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child!.kill(signal);
    const timer = setTimeout(() => this.child?.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Last resort, synchronous. */
  killNow(): void {
    if (this.running) this.child!.kill('SIGKILL');
  }

  private spawnOn(port: number): ChildProcess {
    const log = this.options.logFile ? openSync(this.options.logFile, 'a') : 'ignore';
    const child = spawn(this.server.binary, this.server.args(port), {
      stdio: ['ignore', log, log],
      env: { ...process.env, ...this.server.env },
    });
    if (typeof log === 'number') closeSync(log);
    this.child = child;
    this.options.track?.(child.pid);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) this.options.track?.(undefined);
        resolve();
      }),
    );
    child.once('error', (error) => process.stderr.write(`${this.name}: ${error.message}\n`));
    return child;
  }
}

/**
 * nats-server with JetStream on `store`, known on its port by `name` (`-n`), with the
 * platform's one server configuration: its users and their permissions.
 */
export function natsServer(store: string, name: string): ServerBinary {
  const config = resolve('deploy', 'nats', 'nats-server.conf');
  return {
    binary: process.env.NATS_SERVER_BIN ?? 'nats-server',
    args: (port) => ['-c', config, '-a', '127.0.0.1', '-p', String(port), '-n', name, '-js', '-sd', store],
    env: natsServerEnv(),
    isOurs: async (port) => (await natsServerName(port)) === name,
  };
}

import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { startOnOwnPort } from '../../test/support/harness';
import { registerCleanup, signalIfAlive, trackPid } from './last-resort';

/** How a server binary is told its port, and how the harness recognises it on that port. */
export interface ServerBinary {
  binary: string;
  args(port: number): string[];
  isOurs(port: number, pid: number): Promise<boolean>;
}

/**
 * A server binary (nats-server, redis-server) run as a child on its own port, its output
 * appended to a log file, that faults may kill and that comes back on the same data. It comes
 * back on the same port unless another program took it meanwhile: then on a new one, which
 * the proxies in front of it follow (`port` is read at every connection).
 */
export class ChildServer {
  port = 0;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly unregister: () => void;

  constructor(
    readonly name: string,
    private readonly server: ServerBinary,
    private readonly logFile: string,
  ) {
    this.unregister = registerCleanup(name, () => signalIfAlive(this.child?.pid, 'SIGKILL'));
  }

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

  async destroy(): Promise<void> {
    await this.stop('SIGTERM', 5_000);
    this.unregister();
  }

  private spawnOn(port: number): ChildProcess {
    const log = openSync(this.logFile, 'a');
    const child = spawn(this.server.binary, this.server.args(port), { stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    trackPid(this.name, child.pid);
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        if (this.child === child) trackPid(this.name, undefined);
        resolve();
      }),
    );
    child.once('error', (error) => process.stderr.write(`chaos: ${this.name}: ${error.message}\n`));
    return child;
  }
}

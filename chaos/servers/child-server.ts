import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { registerCleanup, signalIfAlive, trackPid } from './last-resort';
import { waitUntilListening } from './ports';

/**
 * A server binary (nats-server, redis-server) run as a child on its own port, its output
 * appended to a log file, that faults may kill and that comes back on the same port and data.
 */
export class ChildServer {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly unregister: () => void;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly binary: string,
    private readonly args: string[],
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
    const log = openSync(this.logFile, 'a');
    const child = spawn(this.binary, this.args, { stdio: ['ignore', log, log] });
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
    await waitUntilListening(this.port, 15_000, this.name);
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
}

/**
 * Child processes of a benchmark: spawned with an IPC channel, awaited until they report
 * `ready`, and always stopped (SIGTERM, then SIGKILL) by the parent, which only ever signals
 * the pids it spawned. A child also exits by itself when the IPC channel closes.
 */
import { ChildProcess, spawn } from 'node:child_process';

export interface ChildSpec {
  name: string;
  script: string;
  env: Record<string, string>;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
}

export class Children {
  private readonly running = new Map<string, ChildProcess>();

  pid(name: string): number | undefined {
    return this.running.get(name)?.pid;
  }

  pids(): Record<string, number> {
    return Object.fromEntries([...this.running].flatMap(([n, c]) => (c.pid ? [[n, c.pid]] : [])));
  }

  async spawn(spec: ChildSpec): Promise<void> {
    const child = spawn(process.execPath, [...(spec.nodeArgs ?? []), spec.script], {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.running.set(spec.name, child);
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) process.stderr.write(`[${spec.name}] ${line}\n`);
    };
    child.stdout?.on('data', relay);
    child.stderr?.on('data', relay);
    child.once('exit', () => this.running.delete(spec.name));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${spec.name} not ready after ${spec.readyTimeoutMs ?? 30_000} ms`)),
        spec.readyTimeoutMs ?? 30_000,
      );
      child.on('message', (message: { type?: string }) => {
        if (message?.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${spec.name} exited before ready (code ${code}, signal ${signal})`));
      });
    });
  }

  /** Asks every child to stop, waits up to `graceMs`, then kills the ones still running. */
  async stopAll(graceMs = 15_000): Promise<void> {
    const children = [...this.running.values()];
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => {
              child.kill('SIGKILL');
            }, graceMs);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
  }

  /** Last resort on the way out (synchronous): SIGKILL whatever is still running. */
  killAllNow(): void {
    for (const child of this.running.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }
}

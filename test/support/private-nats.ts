import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from './infrastructure';
import { natsServerName, startOnOwnPort } from './harness/own-server';
import { TcpProxy } from './tcp-proxy';

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? 'nats-server';

/**
 * A nats-server of the test's own, with JetStream on its own port and store, so that a test
 * can stop and restart it without touching the shared server. Clients reach it through a
 * relay whose address never changes, so a restart that finds its port taken can move.
 */
export class PrivateNats {
  private child?: ChildProcess;
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'zt-nats-'));
  private readonly name = uniqueName('nats');
  private readonly front = new TcpProxy('127.0.0.1', () => this.serverPort);
  private serverPort = 0;

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The address clients use (known once started). */
  get port(): number {
    return this.front.port;
  }

  async start(): Promise<void> {
    this.serverPort = await startOnOwnPort(
      'nats-server',
      async (port) => {
        const child = spawn(
          NATS_SERVER,
          ['-a', '127.0.0.1', '-p', String(port), '-n', this.name, '-js', '-sd', this.storeDir],
          { stdio: 'ignore' },
        );
        this.child = child;
        return {
          child,
          isOurs: async () => (await natsServerName(port)) === this.name,
          abandon: () => this.stop('SIGKILL'),
        };
      },
      { preferredPort: this.serverPort, timeoutMs: 10_000 },
    );
    if (!this.front.port) await this.front.start();
  }

  /** SIGTERM is nats-server's graceful stop; SIGKILL an abrupt one. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
    this.child = undefined;
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    await this.front.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

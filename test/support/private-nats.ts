import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServer, ServerProcess } from './harness/server-process';
import { uniqueName } from './infrastructure';
import { TcpProxy } from './tcp-proxy';

/**
 * A nats-server of the test's own, with JetStream on its own port and store, so that a test
 * can stop and restart it without touching the shared server. Clients reach it through a
 * relay whose address never changes, so a restart that finds its port taken can move.
 */
export class PrivateNats {
  private readonly storeDir = mkdtempSync(join(tmpdir(), 'zt-nats-'));
  private readonly server = new ServerProcess('nats-server', natsServer(this.storeDir, uniqueName('nats')));
  private readonly front = new TcpProxy('127.0.0.1', () => this.server.port);

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** The address clients use (known once started). */
  get port(): number {
    return this.front.port;
  }

  async start(): Promise<void> {
    await this.server.start();
    if (!this.front.port) await this.front.start();
  }

  /** SIGTERM is nats-server's graceful stop; SIGKILL an abrupt one. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await this.server.stop(signal);
  }

  async destroy(): Promise<void> {
    await this.stop('SIGKILL');
    await this.front.stop();
    rmSync(this.storeDir, { recursive: true, force: true });
  }
}

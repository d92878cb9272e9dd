import { connect, createServer, Server, Socket } from 'node:net';
import type { Rng } from '../random';

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP relay between the services and one server (PostgreSQL or NATS), after
 * test/support/tcp-proxy.ts, that can also delay every chunk (slow network) and cut open
 * connections at random (dropped connections). Order of bytes is kept under delay. The
 * target port is read at every connection: a server that moved on restart stays behind it.
 */
export class FaultyProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private latency?: { baseMs: number; jitterMs: number; rng: Rng };
  /** Connections cut by drop faults and chunks held back by latency faults, for the report. */
  dropped = 0;
  delayedChunks = 0;
  port = 0;

  constructor(
    readonly name: string,
    private readonly targetPort: () => number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(0, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.port;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  /** Every chunk in either direction waits `baseMs` plus up to `jitterMs`. */
  slowDown(baseMs: number, jitterMs: number, rng: Rng): void {
    this.latency = { baseMs, jitterMs, rng };
  }

  /** Cuts each open connection with probability `share`; returns how many. */
  dropSome(share: number, rng: Rng): number {
    let cut = 0;
    for (const pair of [...this.pairs]) {
      if (!rng.chance(share)) continue;
      pair.client.destroy();
      pair.upstream.destroy();
      cut++;
    }
    this.dropped += cut;
    return cut;
  }

  heal(): void {
    this.latency = undefined;
  }

  async stop(): Promise<void> {
    for (const pair of this.pairs) {
      pair.client.destroy();
      pair.upstream.destroy();
    }
    this.pairs.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.targetPort(), this.targetHost);
    const pair = { client, upstream };
    this.pairs.add(pair);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  /** Copies `from` to `to`, through a queue that only delays while a latency fault is on. */
  private forward(from: Socket, to: Socket): void {
    const queue: { dueAt: number; chunk: Buffer }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = () => {
      timer = undefined;
      const now = Date.now();
      while (queue.length > 0 && queue[0].dueAt <= now) {
        if (!to.destroyed) to.write(queue.shift()!.chunk);
        else queue.shift();
      }
      if (queue.length > 0) timer = setTimeout(flush, queue[0].dueAt - now);
    };
    from.on('data', (chunk: Buffer) => {
      const latency = this.latency;
      if (!latency && queue.length === 0) {
        if (!to.write(chunk)) {
          from.pause();
          to.once('drain', () => from.resume());
        }
        return;
      }
      const delay = latency ? latency.baseMs + latency.rng.next() * latency.jitterMs : 0;
      if (latency) this.delayedChunks++;
      const dueAt = Math.max(Date.now() + delay, queue.at(-1)?.dueAt ?? 0);
      queue.push({ dueAt, chunk });
      if (!timer) timer = setTimeout(flush, dueAt - Date.now());
    });
    from.on('close', () => clearTimeout(timer));
  }
}

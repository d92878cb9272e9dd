import { createServer, Server, Socket, connect } from 'node:net';

/**
 * A TCP relay between a service and a real server, so that a test can cut one dependency
 * (and restore it) without touching the shared server itself. The target may be a function:
 * a server that moved to a new port on restart stays behind the same address.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private listenPort = 0;
  private severed = false;
  /** Connections refused or cut while severed. */
  cutConnections = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number | (() => number),
  ) {}

  get port(): number {
    return this.listenPort;
  }

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      if (this.severed) {
        this.cutConnections++;
        client.destroy();
        return;
      }
      const target = typeof this.targetPort === 'number' ? this.targetPort : this.targetPort();
      const upstream = connect(target, this.targetHost);
      this.track(client);
      this.track(upstream);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port || this.listenPort, '127.0.0.1', () => resolve());
    });
    const address = this.server.address();
    this.listenPort = typeof address === 'object' && address ? address.port : 0;
    return this.listenPort;
  }

  /** Connections open through the proxy now (each counted once, not its two sockets). */
  get openConnections(): number {
    return Math.ceil(this.sockets.size / 2);
  }

  /**
   * Cuts the open connections and drops every new one at once, as a network partition does,
   * while keeping the port bound (released, it could be taken before the link is healed).
   */
  sever(): void {
    this.severed = true;
    this.cutConnections += this.openConnections;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  /** Relays new connections again after `sever`. */
  restore(): void {
    this.severed = false;
  }

  /** Refuses new connections and cuts the open ones, as a dead server would. */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}

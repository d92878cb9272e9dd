import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from '../infrastructure';
import { TcpProxy } from '../tcp-proxy';
import { natsAdmin, natsServerEnv } from './nats-users';
import { natsServerName } from './own-server';
import type { ServerBinary, ServerProcess } from './server-process';

/**
 * Three nats-server nodes on this machine as one JetStream cluster, routed on loopback, each
 * with the platform's server configuration and a cluster block (deploy/nats/cluster.conf,
 * which includes nats-server.conf and so authorization.conf, the files the Kubernetes
 * overlays run). Each node is a ServerProcess: it comes back on its store and, when it can,
 * on its client and route ports.
 *
 * A JetStream cluster node refuses to start without configured routes, so the route ports are
 * picked before any node starts and every node is given the other two. A route port is ours
 * once the node greets on its client port with its name: nats-server exits when it cannot
 * bind its route port. A node that had to move (its route port was taken meanwhile) is
 * restarted on a new one and solicits the other two itself.
 */
export class NatsClusterNode {
  /** The port this node listens on for routes. */
  routePort = 0;
  readonly process: ServerProcess;
  private spares: number[] = [];
  private spawns = 0;

  constructor(
    readonly index: number,
    readonly name: string,
    readonly store: string,
    private readonly peers: () => number[],
    make: (name: string, binary: ServerBinary) => ServerProcess,
    /** Route through proxies: advertise an address no peer can reach (see NatsCluster). */
    advertiseNowhere = false,
  ) {
    const config = resolve('deploy', 'nats', 'cluster.conf');
    this.process = make(`nats-${index + 1}`, {
      binary: process.env.NATS_SERVER_BIN ?? 'nats-server',
      args: (port) => {
        // The first spawn of a start keeps the route port; a retry (a port was taken) moves it.
        if (this.spawns++ > 0 || !this.routePort) this.routePort = this.spares.shift() ?? this.routePort;
        const routes = this.peers().map((p) => `nats://127.0.0.1:${p}`);
        return [
          ...['-c', config, '-a', '127.0.0.1', '-p', String(port), '-n', name, '-js', '-sd', store],
          ...['--cluster', `nats://127.0.0.1:${this.routePort}`, '--routes', routes.join(',')],
          ...(advertiseNowhere ? ['--cluster_advertise', UNREACHABLE_ROUTE] : []),
        ];
      },
      env: natsServerEnv(),
      isOurs: async (port) => (await natsServerName(port)) === name,
    });
  }

  get port(): number {
    return this.process.port;
  }

  get running(): boolean {
    return this.process.running;
  }

  /** Starts (or restarts) the node on its store. */
  async start(): Promise<void> {
    if (this.process.running) return;
    this.spawns = 0;
    this.spares = [await freePort(), await freePort(), await freePort(), await freePort()];
    if (!this.routePort) this.routePort = this.spares.shift()!;
    await this.process.start();
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    await this.process.stop(signal, graceMs);
  }
}

/**
 * Port 1 of loopback refuses every connection. A node that learns a peer from another node's
 * gossip dials the address that peer advertises (an implicit route); with this one it cannot,
 * so every route stays on the proxies it was configured with, which a partition can cut.
 */
const UNREACHABLE_ROUTE = '127.0.0.1:1';

export interface NatsClusterOptions {
  /** Each node's store is `<dir>/nats-<n>`. */
  dir: string;
  /** Unique to the run: the node names are `<name>-<n>`, told apart from any stranger by it. */
  name: string;
  size?: number;
  /** How a node's process is made (chaos tracks and logs its servers); required. */
  make: (name: string, binary: ServerBinary) => ServerProcess;
  /**
   * Every route through a proxy of its own pair of nodes (node i dials node j through
   * `routeProxy(i, j)`), so that a test can cut one node off from the others and heal it.
   */
  routeProxies?: boolean;
}

export class NatsCluster {
  readonly nodes: NatsClusterNode[] = [];
  /** `from` dials `to` through `routes.get(`${from}>${to}`)` when routeProxies is set. */
  private readonly routes = new Map<string, TcpProxy>();

  constructor(options: NatsClusterOptions) {
    const size = options.size ?? 3;
    for (let i = 0; i < size; i++) {
      const store = join(options.dir, `nats-${i + 1}`);
      mkdirSync(store, { recursive: true });
      const node: NatsClusterNode = new NatsClusterNode(
        i,
        `${options.name}-${i + 1}`,
        store,
        () =>
          this.nodes
            .filter((other) => other !== node)
            .map((other) => (options.routeProxies ? this.routeProxy(i, other.index).port : other.routePort)),
        options.make,
        options.routeProxies,
      );
      this.nodes.push(node);
    }
    if (options.routeProxies) {
      for (const from of this.nodes) {
        for (const to of this.nodes) {
          if (from !== to) this.routes.set(`${from.index}>${to.index}`, new TcpProxy('127.0.0.1', () => to.routePort));
        }
      }
    }
  }

  /** The proxy node `from` dials node `to` through (routeProxies only). */
  routeProxy(from: number, to: number): TcpProxy {
    const proxy = this.routes.get(`${from}>${to}`);
    if (!proxy) throw new Error(`no route proxy from node ${from} to node ${to}`);
    return proxy;
  }

  /** Every route proxy of one node, both directions: what cutting it off from the others cuts. */
  routesOf(index: number): TcpProxy[] {
    return [...this.routes.entries()].filter(([key]) => key.split('>').includes(String(index))).map(([, p]) => p);
  }

  /** Starts every node (route ports and their proxies first, so that each knows the others) and waits for JetStream. */
  async start(timeoutMs = 60_000): Promise<void> {
    for (const node of this.nodes) if (!node.routePort) node.routePort = await freePort();
    await Promise.all([...this.routes.values()].map((proxy) => proxy.start()));
    await Promise.all(this.nodes.map((node) => node.start()));
    await this.waitJetStream(timeoutMs);
  }

  /** Stops every node, then the route proxies. */
  async stop(graceMs = 5_000): Promise<void> {
    await Promise.allSettled(this.nodes.map((node) => node.stop('SIGTERM', graceMs)));
    await Promise.allSettled([...this.routes.values()].map((proxy) => proxy.stop()));
  }

  /** Client URLs of the nodes that run. */
  get servers(): string[] {
    return this.nodes.filter((n) => n.running).map((n) => `nats://127.0.0.1:${n.port}`);
  }

  /**
   * Until the cluster answers JetStream's account info (it has a metadata leader), through any
   * node that runs: streams with replicas can then be created.
   */
  async waitJetStream(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        await this.withJetStream(async (jsm) => {
          await jsm.getAccountInfo();
        });
        return;
      } catch (error) {
        last = error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    throw new Error(`the NATS cluster has no JetStream leader after ${timeoutMs} ms: ${String(last)}`);
  }

  /** Relays every route proxy again after a partition. */
  healRoutes(): void {
    for (const proxy of this.routes.values()) proxy.restore();
  }

  /**
   * Runs `work` with a JetStream manager connected as the admin user to the nodes that run
   * (or to `through` of them: the side of a partition that has the quorum).
   */
  async withJetStream<T>(
    work: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>,
    through: readonly NatsClusterNode[] = this.nodes,
  ): Promise<T> {
    const servers = through.filter((n) => n.running).map((n) => `nats://127.0.0.1:${n.port}`);
    const nc = await connect({ servers, ...natsAdmin(), timeout: 2_000, reconnect: false, ignoreClusterUpdates: true });
    try {
      return await work(await jetstreamManager(nc, { timeout: 3_000 }));
    } finally {
      await nc.close();
    }
  }
}

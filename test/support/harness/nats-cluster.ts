import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { freePort } from '../infrastructure';
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

export interface NatsClusterOptions {
  /** Each node's store is `<dir>/nats-<n>`. */
  dir: string;
  /** Unique to the run: the node names are `<name>-<n>`, told apart from any stranger by it. */
  name: string;
  size?: number;
  /** How a node's process is made (chaos tracks and logs its servers); required. */
  make: (name: string, binary: ServerBinary) => ServerProcess;
}

export class NatsCluster {
  readonly nodes: NatsClusterNode[] = [];

  constructor(options: NatsClusterOptions) {
    const size = options.size ?? 3;
    for (let i = 0; i < size; i++) {
      const store = join(options.dir, `nats-${i + 1}`);
      mkdirSync(store, { recursive: true });
      const node: NatsClusterNode = new NatsClusterNode(
        i,
        `${options.name}-${i + 1}`,
        store,
        () => this.nodes.filter((other) => other !== node).map((other) => other.routePort),
        options.make,
      );
      this.nodes.push(node);
    }
  }

  /** Starts every node (route ports first, so that each knows the others) and waits for JetStream. */
  async start(timeoutMs = 60_000): Promise<void> {
    for (const node of this.nodes) if (!node.routePort) node.routePort = await freePort();
    await Promise.all(this.nodes.map((node) => node.start()));
    await this.waitJetStream(timeoutMs);
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

  /** Runs `work` with a JetStream manager connected as the admin user to the nodes that run. */
  async withJetStream<T>(work: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<T>): Promise<T> {
    const nc = await connect({ servers: this.servers, ...natsAdmin(), timeout: 2_000, reconnect: false });
    try {
      return await work(await jetstreamManager(nc, { timeout: 3_000 }));
    } finally {
      await nc.close();
    }
  }
}

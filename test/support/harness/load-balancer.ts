import { TcpProxy } from '../tcp-proxy';
import { ownServiceReady } from './service-launch';

/** What the balancer needs of a backend: a ServiceProcess fits. */
export interface Backend {
  readonly port: number;
  readonly pid: number | undefined;
  readonly running: boolean;
  readonly url: string;
}

/**
 * A small TCP load balancer in front of the replicas of one service (the gateways of the
 * clustered chaos topology), as a Kubernetes Service is in front of its ready pods: each new
 * connection goes to the next backend, round robin, among those whose last readiness probe
 * (`/health/ready` of the process's own pid, every `probeMs`) passed; when none passed, among
 * those that run. `backends` is read at every connection, so a replica replaced by another
 * (a rolling restart) or restarted on a new port is followed. Connections already open stay
 * where they are until either side closes them, as with kube-proxy.
 */
export class LoadBalancer {
  /** Connections handed to each backend port. */
  readonly connections = new Map<number, number>();
  private readonly proxy: TcpProxy;
  private readonly ready = new Set<number>();
  private next = 0;
  private timer?: NodeJS.Timeout;
  private probing = false;

  constructor(
    private readonly backends: () => readonly Backend[],
    private readonly probeMs = 250,
  ) {
    this.proxy = new TcpProxy('127.0.0.1', () => this.pick());
  }

  get port(): number {
    return this.proxy.port;
  }

  async start(port = 0): Promise<number> {
    await this.probe();
    this.timer = setInterval(() => void this.probe(), this.probeMs);
    return this.proxy.start(port);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.proxy.stop();
  }

  private pick(): number {
    const all = this.backends();
    const ready = all.filter((b) => b.running && b.pid !== undefined && this.ready.has(b.pid));
    const running = all.filter((b) => b.running);
    const pool = ready.length ? ready : running.length ? running : all;
    const port = pool.length ? pool[this.next++ % pool.length].port : 0;
    this.connections.set(port, (this.connections.get(port) ?? 0) + 1);
    return port;
  }

  private async probe(): Promise<void> {
    if (this.probing) return;
    this.probing = true;
    try {
      await Promise.all(
        this.backends().map(async (b) => {
          const pid = b.pid;
          if (pid === undefined) return;
          if (b.running && (await ownServiceReady(b.url, pid))) this.ready.add(pid);
          else this.ready.delete(pid);
        }),
      );
    } finally {
      this.probing = false;
    }
  }
}

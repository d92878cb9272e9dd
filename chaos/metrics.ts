import type { ChaosCluster } from './servers/cluster';
import { sleep } from './random';

/** Scrapes every few seconds while a run lasts, and once more when it stops. */
abstract class PeriodicScrape {
  private stopped = false;
  private loop?: Promise<void>;

  protected abstract scrape(): Promise<void>;

  start(intervalMs = 3_000): void {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.scrape();
        await sleep(intervalMs);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.scrape();
  }
}

/**
 * Scrapes `saga_redeliveries_total` (JetStream deliveries of a message already delivered, i.e.
 * duplicates the barrier had to absorb or a crashed consumer left unacked) from every service,
 * per process: counters restart with the process, so the last value of each pid is summed.
 */
export class RedeliveryScraper extends PeriodicScrape {
  private readonly lastByProcess = new Map<string, number>();
  constructor(private readonly cluster: ChaosCluster) {
    super();
  }

  get total(): number {
    return [...this.lastByProcess.values()].reduce((a, b) => a + b, 0);
  }

  protected async scrape(): Promise<void> {
    await Promise.all(
      this.cluster.allServices().map(async (service) => {
        if (!service.running || !service.pid) return;
        try {
          const response = await fetch(`${service.internalUrl}/metrics`, { signal: AbortSignal.timeout(1_000) });
          const text = await response.text();
          let sum = 0;
          for (const match of text.matchAll(/^saga_redeliveries_total\{[^}]*\} (\d+(?:\.\d+)?)$/gm))
            sum += Number(match[1]);
          this.lastByProcess.set(`${service.service}:${service.pid}`, sum);
        } catch {
          // paused or restarting: the next scrape will do
        }
      }),
    );
  }
}

/** What one replica of a service did, summed over the processes that held its place. */
export interface ReplicaWork {
  service: string;
  replica: number;
  /** HTTP requests to the gateway's API (health and metrics routes left out). */
  http: number;
  /** NATS requests handled (rpc_handler_duration_seconds_count). */
  rpc: number;
  /** Saga steps applied by an orchestrator and outbox rows relayed (their histograms' counts). */
  saga: number;
  processes: number;
}

/**
 * Scrapes every replica's /metrics for the work it did, so that a run can tell that both
 * replicas of each service served (the requests of a queue group, the messages of a shared
 * JetStream consumer, the gateway's connections from the load balancer). Counters restart
 * with the process: the last value of each pid is kept, and summed per replica.
 */
export class ReplicaWorkScraper extends PeriodicScrape {
  private readonly lastByProcess = new Map<string, ReplicaWork>();
  constructor(private readonly cluster: ChaosCluster) {
    super();
  }

  /** Per service and replica (1-based), in the order of the services. */
  get work(): ReplicaWork[] {
    const sums = new Map<string, ReplicaWork>();
    for (const [service, replicas] of this.cluster.replicas) {
      replicas.forEach((_, i) =>
        sums.set(`${service}#${i + 1}`, { service, replica: i + 1, http: 0, rpc: 0, saga: 0, processes: 0 }),
      );
    }
    for (const w of this.lastByProcess.values()) {
      const sum = sums.get(`${w.service}#${w.replica}`)!;
      sum.http += w.http;
      sum.rpc += w.rpc;
      sum.saga += w.saga;
      sum.processes++;
    }
    return [...sums.values()];
  }

  protected async scrape(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const [service, replicas] of this.cluster.replicas) {
      replicas.forEach((process, i) => {
        if (!process.running || !process.pid) return;
        const pid = process.pid;
        jobs.push(
          (async () => {
            try {
              const response = await fetch(`${process.internalUrl}/metrics`, { signal: AbortSignal.timeout(1_000) });
              const text = await response.text();
              this.lastByProcess.set(`${service}:${pid}`, {
                service,
                replica: i + 1,
                ...countWork(text),
                processes: 1,
              });
            } catch {
              // paused or restarting: the next scrape will do
            }
          })(),
        );
      });
    }
    await Promise.all(jobs);
  }
}

/** The work counts of one /metrics page. */
export function countWork(text: string): { http: number; rpc: number; saga: number } {
  const sum = (name: string, keep: (labels: string) => boolean = () => true) => {
    let total = 0;
    for (const match of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? (\\d+(?:\\.\\d+)?(?:e\\+\\d+)?)$`, 'gm')))
      if (keep(match[1] ?? '')) total += Number(match[2]);
    return total;
  };
  return {
    http: sum('http_request_duration_seconds_count', (labels) => !/route="\/(health|metrics)/.test(labels)),
    rpc: sum('rpc_handler_duration_seconds_count'),
    saga: sum('saga_step_duration_seconds_count') + sum('saga_outbox_lag_seconds_count'),
  };
}

import type { ChaosCluster } from './servers/cluster';
import { sleep } from './random';

/**
 * Scrapes `saga_redeliveries_total` (JetStream deliveries of a message already delivered, i.e.
 * duplicates the barrier had to absorb or a crashed consumer left unacked) from every service,
 * per process: counters restart with the process, so the last value of each pid is summed.
 */
export class RedeliveryScraper {
  private readonly lastByProcess = new Map<string, number>();
  private stopped = false;
  private loop?: Promise<void>;

  constructor(private readonly cluster: ChaosCluster) {}

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

  get total(): number {
    return [...this.lastByProcess.values()].reduce((a, b) => a + b, 0);
  }

  private async scrape(): Promise<void> {
    await Promise.all(
      [...this.cluster.services.values()].map(async (service) => {
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

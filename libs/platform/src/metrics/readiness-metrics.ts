import { Gauge, Registry } from 'prom-client';

/**
 * `service_ready`: 1 while the service's readiness check (the one behind /health/ready) passes,
 * 0 while it fails, run at each scrape. Prometheus' own `up` says the process answers; this says
 * it can do work (its database, NATS and Redis answer).
 */
export function registerReadinessMetric(registry: Registry, ready: () => Promise<unknown>): void {
  new Gauge({
    name: 'service_ready',
    help: 'Whether the readiness check of /health/ready passes (1) or fails (0)',
    registers: [registry],
    async collect() {
      try {
        await ready();
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
}

import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How many sagas of each type are parked now, as the orchestrator's database says. */
export type ParkedCount = () => Promise<{ saga: string; count: number }[]>;

/** The library's Prometheus metrics, registered on the registry the service exposes. */
export class SagaMetrics {
  readonly started: Counter<'saga'>;
  readonly completed: Counter<'saga'>;
  readonly compensated: Counter<'saga'>;
  readonly parked: Counter<'saga'>;
  readonly stepDuration: Histogram<'saga' | 'step' | 'phase' | 'outcome' | 'participant'>;
  readonly outboxLag: Histogram;
  readonly redeliveries: Counter<'consumer'>;
  readonly chaosCopies: Counter;
  readonly parkedNow: Gauge<'saga'>;
  private readonly parkedSource: { count?: ParkedCount } = {};

  constructor(registry: Registry) {
    const registers = [registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers });
    this.started = counter('saga_started_total', 'Sagas started', ['saga']);
    this.completed = counter('saga_completed_total', 'Sagas that completed every step', ['saga']);
    this.compensated = counter('saga_compensated_total', 'Sagas that ended compensated', ['saga']);
    this.parked = counter('saga_parked_total', 'Sagas parked after exhausting retries', ['saga']);
    this.redeliveries = counter('saga_redeliveries_total', 'Messages JetStream delivered again', ['consumer']);
    this.chaosCopies = counter(
      'saga_chaos_copies_total',
      'Extra deliveries made by SAGA_CHAOS_DELIVERY (fault injection)',
      [],
    );
    this.stepDuration = new Histogram({
      name: 'saga_step_duration_seconds',
      help: 'Time from sending a step command to applying its reply',
      labelNames: ['saga', 'step', 'phase', 'outcome', 'participant'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const source = this.parkedSource;
    this.parkedNow = new Gauge({
      name: 'saga_parked_now',
      help: 'Sagas parked now, waiting for an operator (read from the orchestrator database at each scrape)',
      labelNames: ['saga'],
      registers,
      async collect() {
        if (!source.count) return;
        const counts = await source.count();
        this.reset();
        for (const { saga, count } of counts) this.set({ saga }, count);
      },
    });
    this.outboxLag = new Histogram({
      name: 'saga_outbox_lag_seconds',
      help: 'Time from an outbox row being written to JetStream acknowledging it',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    });
  }

  /** Where `saga_parked_now` is read from: the orchestrator's count, once it runs sagas of its own. */
  countParkedWith(count: ParkedCount): void {
    this.parkedSource.count = count;
  }
}

import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { AnySagaDefinition } from './definition/saga-definition';
import { DEFAULT_RELAY, OutboxRelay, RelayOptions } from './outbox/outbox-relay';
import { SagaOrchestrator } from './orchestrator/saga-orchestrator';
import { SagaQueries } from './orchestrator/saga-queries';
import { ParticipantRuntime, PropagationHooks } from './participant/participant-runtime';
import { DEFAULT_RETENTION, deleteExpired, RetentionOptions } from './retention';
import { SagaMetrics } from './saga-metrics';
import { chaosDelivery, deliveryChaosFromEnv } from './transport/delivery-chaos';
import { DeliveryHook, describe, DurableConsumer } from './transport/durable-consumer';
import { DEFAULT_TOPOLOGY, ensureTopology, SagaSubjects, TopologyOptions } from './transport/topology';

export interface SagaRuntimeOptions {
  /** The service this runtime lives in: it names the durable consumers and the reply subjects. */
  service: string;
  /** Prefix of every subject and stream (see SagaSubjects). */
  subjectPrefix: string;
  dataSource: DataSource;
  nats: NatsConnection;
  /** Sagas this service orchestrates (any registered version can finish its running instances). */
  sagas?: AnySagaDefinition[];
  /** Where the library's metrics go; a private registry if omitted. */
  registry?: Registry;
  propagation?: PropagationHooks;
  /** Messages handled at once per consumer (each in its own transaction). */
  concurrency?: number;
  /** How often the sweeper looks for sagas past their deadline. */
  sweepIntervalMs?: number;
  topology?: Partial<TopologyOptions>;
  relay?: Partial<RelayOptions>;
  retention?: Partial<RetentionOptions>;
  /**
   * Test kit only: wraps every delivery to duplicate, delay or reorder it. Unset, the
   * SAGA_CHAOS_DELIVERY environment variable may arm chaosDelivery (fault-injection runs).
   */
  deliveryHook?: DeliveryHook;
}

const NO_PROPAGATION: PropagationHooks = { inject: () => ({}), run: (_headers, work) => work() };

/**
 * Everything libs/saga runs in one service: the outbox relay, the participant's command
 * consumer, the orchestrator's reply consumer, the deadline sweeper and the retention job.
 * Any number of replicas may run it against the same database and NATS.
 */
export class SagaRuntime {
  readonly participant: ParticipantRuntime;
  readonly orchestrator: SagaOrchestrator;
  readonly queries: SagaQueries;
  readonly metrics: SagaMetrics;
  private readonly logger = new Logger('SagaRuntime');
  private readonly subjects: SagaSubjects;
  private readonly relay: OutboxRelay;
  private readonly consumers: DurableConsumer[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly background = new Set<Promise<unknown>>();
  private stopping = false;
  private stopRemembering?: () => void;
  private readonly deliveryHook?: DeliveryHook;

  constructor(private readonly options: SagaRuntimeOptions) {
    this.subjects = new SagaSubjects(options.subjectPrefix);
    this.metrics = new SagaMetrics(options.registry ?? new Registry());
    const propagation = options.propagation ?? NO_PROPAGATION;
    this.participant = new ParticipantRuntime(options.service, options.dataSource, propagation);
    const js = jetstream(options.nats);
    this.relay = new OutboxRelay(options.dataSource, js, { ...DEFAULT_RELAY, ...options.relay }, this.metrics);
    this.orchestrator = new SagaOrchestrator(
      options.service,
      options.dataSource,
      this.subjects,
      this.metrics,
      propagation,
      (messages) => this.relay.enqueue(messages),
    );
    for (const saga of options.sagas ?? []) this.orchestrator.register(saga);
    const chaos = options.deliveryHook ? undefined : deliveryChaosFromEnv();
    this.deliveryHook = chaos ? chaosDelivery(chaos, () => this.metrics.chaosCopies.inc()) : options.deliveryHook;
    if (chaos)
      this.logger.warn(`SAGA_CHAOS_DELIVERY: every saga message delivered ${1 + (chaos.duplicates ?? 0)} times`);
    const byKey = new Map((options.sagas ?? []).map((s) => [`${s.name}@${s.version}`, s]));
    this.queries = new SagaQueries(
      options.dataSource,
      (type, version, step) => byKey.get(`${type}@${version}`)?.steps[step]?.name ?? null,
    );
  }

  get subjectNames(): SagaSubjects {
    return this.subjects;
  }

  /** Creates the topology, then starts relaying, consuming, sweeping and cleaning up. */
  async start(): Promise<void> {
    const { nats, service } = this.options;
    const orchestrates = (this.options.sagas ?? []).length > 0;
    const participates = this.participant.commandTypes.length > 0;
    const orchestratorDurable = `${service}-replies`;
    const topology = { ...DEFAULT_TOPOLOGY, ...this.options.topology };
    await ensureTopology(
      await jetstreamManager(nats),
      this.subjects,
      { participant: participates ? service : undefined, orchestrator: orchestrates ? service : undefined },
      topology,
    );
    this.relay.start();
    this.stopRemembering ??= this.orchestrator.listen();
    const js = jetstream(nats);
    const concurrency = this.options.concurrency ?? 64;
    if (participates) {
      this.consumers.push(
        new DurableConsumer(
          js,
          this.subjects.commandStream,
          service,
          this.participant.handleMessage,
          concurrency,
          () => this.metrics.redeliveries.inc({ consumer: service }),
          this.deliveryHook,
        ),
      );
    }
    if (orchestrates) {
      this.consumers.push(
        new DurableConsumer(
          js,
          this.subjects.replyStream,
          service,
          this.orchestrator.handleReply,
          concurrency,
          () => this.metrics.redeliveries.inc({ consumer: orchestratorDurable }),
          this.deliveryHook,
        ),
      );
      // A restarted process first resumes what is overdue, then keeps sweeping.
      this.every(this.options.sweepIntervalMs ?? 1_000, () => this.sweepAll(), true);
    }
    const retention = { ...DEFAULT_RETENTION, ...this.options.retention };
    this.every(retention.intervalMs, () => deleteExpired(this.options.dataSource, retention));
    await Promise.all(this.consumers.map((consumer) => consumer.start()));
    this.logger.log(
      `started ${service}: ${participates ? `handles ${this.participant.commandTypes.join(', ')}` : 'no commands'}; ` +
        `${orchestrates ? `orchestrates ${(this.options.sagas ?? []).map((s) => `${s.name}@${s.version}`).join(', ')}` : 'no sagas'}`,
    );
  }

  /** Stops taking messages, lets handlers in flight commit and ack, and flushes the outbox. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await Promise.all(this.background);
    await this.relay.stop();
    this.stopRemembering?.();
    this.stopRemembering = undefined;
  }

  /** Drives every saga past its deadline, batch after batch. */
  async sweepAll(): Promise<void> {
    while (!this.stopping && (await this.orchestrator.sweep()) > 0);
  }

  private every(intervalMs: number, job: () => Promise<unknown>, runNow = false): void {
    let busy = false;
    const tick = () => {
      if (busy || this.stopping) return;
      busy = true;
      const run = job()
        .catch((error: unknown) => this.logger.warn(`background job failed: ${describe(error)}`))
        .finally(() => {
          busy = false;
          this.background.delete(run);
        });
      this.background.add(run);
    };
    this.timers.push(setInterval(tick, intervalMs));
    if (runNow) tick();
  }
}

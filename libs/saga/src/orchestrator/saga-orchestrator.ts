import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { StepResult } from '../definition/command';
import type { SagaDefinition } from '../definition/saga-definition';
import { crashPoint } from '../crash-points';
import type { SagaEvent, Transition } from '../engine/saga-state';
import { initialState, transition } from '../engine/transitions';
import { writeOutbox } from '../outbox/outbox';
import type { PropagationHooks } from '../participant/participant-runtime';
import type { SagaMetrics } from '../saga-metrics';
import { ACK, Settlement } from '../transport/durable-consumer';
import { addressHeaders, childTraceparent, readAddress, SagaHeader } from '../transport/message-headers';
import { SagaSubjects } from '../transport/topology';
import { SagaInstance, sagaStore } from './saga-store';

export interface StartOptions {
  /** The saga's id; by default a new UUID. Use the business row's id to find one from the other. */
  sagaId?: string;
  /** Context to carry on every message of the saga; by default the propagation hooks' `inject()`. */
  headers?: Record<string, string>;
}

/**
 * Runs the sagas this service orchestrates: starts them inside the caller's transaction,
 * applies replies under a row lock, acts on deadlines (the sweeper) and re-drives parked
 * sagas. Every change of a saga is one local transaction: new state, timeline and next
 * command (through the outbox) commit together, and only then is the reply acknowledged.
 */
export class SagaOrchestrator {
  private readonly logger = new Logger('SagaOrchestrator');
  private readonly definitions = new Map<string, SagaDefinition<unknown>>();

  constructor(
    readonly name: string,
    private readonly dataSource: DataSource,
    private readonly subjects: SagaSubjects,
    private readonly metrics: SagaMetrics,
    private readonly propagation: PropagationHooks,
  ) {}

  /** Registers a definition; several versions of one saga may be registered at once. */
  register(definition: SagaDefinition<never, never>): void {
    const key = `${definition.name}@${definition.version}`;
    if (this.definitions.has(key)) throw new Error(`saga ${key} registered twice`);
    this.definitions.set(key, definition as unknown as SagaDefinition<unknown>);
  }

  /**
   * Starts a saga in the caller's transaction: the instance and its first command are
   * written with the caller's business rows, and leave only if that transaction commits.
   */
  async start<Data>(
    manager: EntityManager,
    definition: SagaDefinition<Data, never>,
    data: Data,
    options: StartOptions = {},
  ): Promise<string> {
    const registered = this.definition(definition.name, definition.version);
    const sagaId = options.sagaId ?? randomUUID();
    const context = options.headers ?? this.propagation.inject();
    const headers = { ...context, traceparent: childTraceparent(context.traceparent) };
    const instance = { id: sagaId, type: definition.name, definitionVersion: definition.version, data, headers };
    await sagaStore.insert(manager, { ...instance, state: initialState() });
    const next = transition(registered, data, initialState(), { type: 'start' });
    await this.persist(manager, { ...instance, state: initialState(), version: 1, updatedAt: new Date() }, next);
    this.metrics.started.inc({ saga: definition.name });
    return sagaId;
  }

  /** Applies a participant's reply; stale and duplicate replies change nothing. */
  readonly handleReply = async (message: JsMsg): Promise<Settlement> => {
    const address = readAddress((name) => message.headers?.get(name) || undefined);
    if (!address) return { term: `malformed saga reply on ${message.subject}` };
    const result = message.json<StepResult<unknown>>();
    const event: SagaEvent = { type: 'reply', step: address.step, phase: address.phase, result };
    const outcome = await this.dataSource.transaction((manager) => this.apply(manager, address.sagaId, event));
    if (outcome?.ignored) this.logger.debug(`reply for saga ${address.sagaId} ignored: ${outcome.ignored}`);
    crashPoint('orchestrator.after-commit-before-ack');
    if (outcome?.state.status === 'COMPENSATING') crashPoint('orchestrator.mid-compensation');
    return ACK;
  };

  /** Acts on every saga whose deadline passed: retry, compensate or park. Returns how many. */
  async sweep(batchSize = 100): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = await sagaStore.lockDue(manager, batchSize);
      for (const instance of due) {
        const { currentStep: step, attempt, status } = instance.state;
        const phase = status === 'COMPENSATING' ? 'compensation' : 'action';
        await this.applyTo(manager, instance, { type: 'deadline', step, phase, attempt });
      }
      return due.length;
    });
  }

  /** Re-drives a parked saga from the step where it stopped. False if it was not parked. */
  async redrive(sagaId: string): Promise<boolean> {
    const outcome = await this.dataSource.transaction((manager) => this.apply(manager, sagaId, { type: 'redrive' }));
    return outcome !== undefined && !outcome.ignored;
  }

  /**
   * Aborts a saga in the caller's transaction if it has not passed its pivot: what it did is
   * compensated and it ends COMPENSATED with `reason`. False if it is past the pivot or over.
   */
  async abort(manager: EntityManager, sagaId: string, reason: string): Promise<boolean> {
    const outcome = await this.apply(manager, sagaId, { type: 'abort', reason });
    return outcome !== undefined && !outcome.ignored;
  }

  private async apply(manager: EntityManager, sagaId: string, event: SagaEvent): Promise<Transition | undefined> {
    const instance = await sagaStore.lock(manager, sagaId);
    if (!instance) {
      this.logger.warn(`no saga ${sagaId} (finished and cleaned up, or never committed)`);
      return undefined;
    }
    return this.applyTo(manager, instance, event);
  }

  private async applyTo(manager: EntityManager, instance: SagaInstance, event: SagaEvent): Promise<Transition> {
    const definition = this.definition(instance.type, instance.definitionVersion);
    const next = transition(definition, instance.data, instance.state, event);
    if (next.ignored) return next;
    if (event.type === 'reply') {
      const step = definition.steps[event.step]?.name ?? String(event.step);
      const outcome = event.result.ok ? 'succeeded' : 'failed';
      this.metrics.stepDuration.observe(
        { saga: instance.type, step, phase: event.phase, outcome },
        (Date.now() - new Date(instance.updatedAt).getTime()) / 1000,
      );
    }
    await this.persist(manager, instance, next);
    return next;
  }

  private async persist(manager: EntityManager, instance: SagaInstance, next: Transition): Promise<void> {
    const version = await sagaStore.update(manager, instance.id, next);
    await sagaStore.appendTimeline(manager, instance.id, next.timeline);
    const { dispatch } = next;
    if (dispatch) {
      const [participant, command] = dispatch.commandType.split('.');
      await writeOutbox(manager, [
        {
          // One id per dispatch: a re-sent attempt is a new message, a re-published row is not.
          id: `${instance.id}.${version}`,
          subject: this.subjects.command(participant, command),
          payload: dispatch.payload,
          headers: {
            ...instance.headers,
            ...addressHeaders({ sagaId: instance.id, ...dispatch }),
            [SagaHeader.command]: dispatch.commandType,
            [SagaHeader.replyTo]: this.subjects.reply(this.name, instance.type),
            [SagaHeader.traceparent]: childTraceparent(instance.headers.traceparent),
          },
        },
      ]);
    }
    const definition = this.definition(instance.type, instance.definitionVersion);
    const end = { sagaId: instance.id, data: instance.data, outputs: next.state.outputs, manager };
    if (next.ended === 'COMPLETED') {
      await definition.onCompleted?.(end);
      this.metrics.completed.inc({ saga: instance.type });
    } else if (next.ended === 'COMPENSATED') {
      await definition.onCompensated?.({ ...end, failure: next.state.failure! });
      this.metrics.compensated.inc({ saga: instance.type });
    } else if (next.state.status === 'PARKED') {
      this.metrics.parked.inc({ saga: instance.type });
      const last = next.timeline.at(-1);
      this.logger.error(`saga ${instance.type} ${instance.id} parked at ${last?.stepName}: ${last?.reason ?? ''}`);
    }
  }

  private definition(name: string, version: number): SagaDefinition<unknown> {
    const definition = this.definitions.get(`${name}@${version}`);
    if (!definition) throw new Error(`saga ${name} v${version} is not registered with orchestrator ${this.name}`);
    return definition;
  }
}

import { Logger } from '@nestjs/common';
import type { JsMsg } from '@nats-io/jetstream';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { AfterCommit } from '../after-commit';
import type { StepResult } from '../definition/command';
import type { AnySagaDefinition, SagaDefinition } from '../definition/saga-definition';
import { crashPoint } from '../crash-points';
import { FINAL_STATUSES } from '../engine/saga-state';
import type { SagaEvent, Transition } from '../engine/saga-state';
import { initialState, transition } from '../engine/transitions';
import { publishAfterCommit } from '../outbox/outbox';
import type { OutboxMessage } from '../outbox/outbox';
import type { PropagationHooks } from '../participant/participant-runtime';
import type { SagaMetrics } from '../saga-metrics';
import { ACK, describe, Settlement } from '../transport/durable-consumer';
import { addressHeaders, childTraceparent, readAddress, SagaHeader } from '../transport/message-headers';
import { inSagaSpan, sagaAttributes, traceparentOf } from '../transport/saga-tracing';
import { SagaSubjects } from '../transport/topology';
import { RecentInstances } from './recent-instances';
import { GroupCommit, GroupOutcome, outcomeOf } from '../group-commit';
import { InstanceWrite, SagaInstance, sagaStore } from './saga-store';

/** Sagas in flight whose last state this process keeps: enough for every saga a busy replica drives at once. */
const RECENT_INSTANCES = 10_000;
/** Grouped writes in flight at once (statements of transitions, transactions of endings), and sagas per group. */
const GROUPS_IN_FLIGHT = 2;
const SAGAS_PER_GROUP = 64;

type Ending = { instance: SagaInstance; next: Transition };

export interface StartOptions {
  /** The saga's id; by default a new UUID. Use the business row's id to find one from the other. */
  sagaId?: string;
  /** Context to carry on every message of the saga; by default the propagation hooks' `inject()`. */
  headers?: Record<string, string>;
}

/**
 * Runs the sagas this service orchestrates: starts them inside the caller's transaction,
 * applies replies (optimistically, by version), acts on deadlines (the sweeper) and re-drives
 * parked sagas. Every change of a saga is atomic: new state, timeline and next command
 * (through the outbox) are written by one statement, and only then is the reply acknowledged.
 */
export class SagaOrchestrator {
  private readonly logger = new Logger('SagaOrchestrator');
  private readonly definitions = new Map<string, SagaDefinition<unknown>>();
  private readonly recent = new RecentInstances(RECENT_INSTANCES);
  /**
   * Instances written in a caller's or the sweeper's transaction (a start, a deadline, a
   * re-drive), remembered once that transaction has committed: the reply to a checkout's first
   * command then needs no read of the row it was started with.
   */
  private readonly committed = new AfterCommit<SagaInstance>('saga instances written in a transaction');
  /** Autocommit writes of replies, grouped under load (see sagaStore.writeMany). */
  private readonly transitions: GroupCommit<InstanceWrite, boolean>;
  /** Transitions that end a saga, each with its hooks, grouped into transactions under load. */
  private readonly endings: GroupCommit<Ending, boolean>;

  constructor(
    readonly name: string,
    private readonly dataSource: DataSource,
    private readonly subjects: SagaSubjects,
    private readonly metrics: SagaMetrics,
    private readonly propagation: PropagationHooks,
    /** Hands commands written by autocommit statements to the outbox relay. */
    private readonly afterCommit: (messages: OutboxMessage[]) => void,
  ) {
    this.transitions = new GroupCommit<InstanceWrite, boolean>(
      (write) => write.instance.id,
      async (writes) => {
        const written = await sagaStore.writeMany(dataSource, writes);
        return writes.map((write) => ({ ok: true, value: written.has(write.instance.id) }));
      },
      GROUPS_IN_FLIGHT,
      SAGAS_PER_GROUP,
      'transitions',
    );
    this.endings = new GroupCommit<Ending, boolean>(
      (ending) => ending.instance.id,
      (group) => this.commitEndings(group),
      GROUPS_IN_FLIGHT,
      SAGAS_PER_GROUP,
      'endings',
    );
  }

  /** Remembers what committed transactions wrote (see `committed`); returns the function that stops. */
  listen(): () => void {
    return this.committed.listen(this.dataSource, (instances) => instances.forEach((i) => this.recent.remember(i)));
  }

  /** Registers a definition; several versions of one saga may be registered at once. */
  register(definition: AnySagaDefinition): void {
    const key = `${definition.name}@${definition.version}`;
    if (this.definitions.has(key)) throw new Error(`saga ${key} registered twice`);
    this.definitions.set(key, definition as unknown as SagaDefinition<unknown>);
    this.metrics.countParkedWith(() => sagaStore.countParked(this.dataSource));
  }

  /**
   * Starts a saga in the caller's transaction: the instance and its first command are
   * written with the caller's business rows, and leave only if that transaction commits.
   */
  async start<Data>(
    manager: EntityManager,
    definition: SagaDefinition<Data>,
    data: Data,
    options: StartOptions = {},
  ): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('saga start: pass the EntityManager of the transaction that writes your business rows');
    }
    const registered = this.definition(definition.name, definition.version);
    const id = options.sagaId ?? randomUUID();
    const span = { attributes: () => sagaAttributes({ sagaId: id, sagaType: definition.name }) };
    // The saga's trace hangs from this span: its traceparent is kept on the instance, and every
    // command the sweeper sends later (outside any request) continues it.
    return inSagaSpan(`saga.start ${definition.name}`, span, async (started) => {
      const context = options.headers ?? this.propagation.inject();
      const traceparent = started ? traceparentOf(started) : childTraceparent(context.traceparent);
      const instance = {
        id,
        type: definition.name,
        definitionVersion: definition.version,
        data: data as unknown,
        headers: { ...context, traceparent },
        version: 0,
        state: initialState(),
        updatedAt: new Date(),
      };
      const next = transition(registered, instance.data, instance.state, { type: 'start' });
      await this.writeLocked(manager, instance, next);
      this.metrics.started.inc({ saga: definition.name });
      return instance.id;
    });
  }

  /**
   * Applies a participant's reply; stale and duplicate replies change nothing. Optimistic: the
   * transition is written only if the instance is still at the version it was read at (or, for
   * the saga this process moved last, remembered at), else it is read again. A transition that
   * ends the saga runs the definition's hooks in the same transaction as its write.
   */
  readonly handleReply = async (message: JsMsg): Promise<Settlement> => {
    const address = readAddress((name) => message.headers?.get(name) || undefined);
    if (!address) return { term: `malformed saga reply on ${message.subject}` };
    const result = message.json<StepResult<unknown>>();
    const event: SagaEvent = { type: 'reply', step: address.step, phase: address.phase, result };
    let outcome: Transition | undefined;
    for (let raced = 0; raced < 10 && !outcome; raced++) {
      const remembered = raced === 0 ? this.recent.recall(address.sagaId) : undefined;
      const instance = remembered ?? (await sagaStore.load(this.dataSource, address.sagaId, false));
      if (!instance) return this.unknownSaga(address.sagaId);
      const next = this.transitionOf(instance, event);
      if (next.ignored) {
        if (!remembered) outcome = next;
      } else if (next.ended || next.succeededHook !== undefined) {
        // A step's hook, like the end hooks, runs in the transaction that writes the transition.
        if (await this.endings.submit({ instance, next })) outcome = next;
      } else if (await this.write(instance, next)) {
        outcome = next;
      }
    }
    if (!outcome) throw new Error(`saga ${address.sagaId} changed under every attempt to apply a reply`);
    if (outcome.ignored) this.logger.debug(`reply for saga ${address.sagaId} ignored: ${outcome.ignored}`);
    crashPoint('orchestrator.after-commit-before-ack');
    if (outcome.state.status === 'COMPENSATING') crashPoint('orchestrator.mid-compensation');
    return ACK;
  };

  /** Acts on every saga whose deadline passed: retry, compensate or park. Returns how many. */
  async sweep(batchSize = 100): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = await sagaStore.lockDue(manager, batchSize, [...this.definitions.keys()]);
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
    const outcome = await this.dataSource.transaction((m) => this.applyLocked(m, sagaId, { type: 'redrive' }));
    return outcome !== undefined && !outcome.ignored;
  }

  /**
   * Aborts a saga in the caller's transaction if it has not passed its pivot: what it did is
   * compensated and it ends COMPENSATED with `reason`. False if it is past the pivot or over.
   */
  async abort(manager: EntityManager, sagaId: string, reason: string): Promise<boolean> {
    const outcome = await this.applyLocked(manager, sagaId, { type: 'abort', reason });
    return outcome !== undefined && !outcome.ignored;
  }

  /**
   * Whether the saga is over (COMPLETED or COMPENSATED) as the caller's transaction sees it.
   * A saga that is not there any more (retention removed it) is long over.
   */
  async hasEnded(manager: EntityManager, sagaId: string): Promise<boolean> {
    const instance = await sagaStore.load(manager, sagaId, false);
    return instance === undefined || FINAL_STATUSES.includes(instance.state.status);
  }

  private async applyLocked(manager: EntityManager, sagaId: string, event: SagaEvent): Promise<Transition | undefined> {
    const instance = await sagaStore.load(manager, sagaId, true);
    if (!instance) {
      this.unknownSaga(sagaId);
      return undefined;
    }
    return this.applyTo(manager, instance, event);
  }

  private async applyTo(manager: EntityManager, instance: SagaInstance, event: SagaEvent): Promise<Transition> {
    const next = this.transitionOf(instance, event);
    if (!next.ignored) await this.writeLocked(manager, instance, next);
    return next;
  }

  private transitionOf(instance: SagaInstance, event: SagaEvent): Transition {
    const definition = this.definition(instance.type, instance.definitionVersion);
    return transition(definition, instance.data, instance.state, event);
  }

  /** Writes a transition in the caller's transaction (the instance is locked or new) and runs the end hooks. */
  private async writeLocked(manager: EntityManager, instance: SagaInstance, next: Transition): Promise<void> {
    if (!(await this.writeIn(manager, instance, next))) {
      throw new Error(`saga ${instance.id} changed although it was locked`);
    }
    if (!next.ended) {
      this.committed.add(manager, {
        ...instance,
        state: next.state,
        version: instance.version + 1,
        updatedAt: new Date(),
      });
    }
    this.record(instance, next);
  }

  /**
   * Writes the endings that wait together in one transaction, each with its hooks; if that
   * transaction fails, each is written in a transaction of its own, so that one ending whose
   * hook throws cannot hold the others back, and its own error decides its redelivery.
   */
  private async commitEndings(group: Ending[]): Promise<GroupOutcome<boolean>[]> {
    if (group.length > 1) {
      try {
        const written = await this.endTogether(group);
        return written.map((value) => ({ ok: true, value }));
      } catch (error) {
        this.logger.debug(`${group.length} saga endings failed together, each is written alone: ${describe(error)}`);
      }
    }
    const outcomes: GroupOutcome<boolean>[] = [];
    for (const ending of group) outcomes.push(await outcomeOf(async () => (await this.endTogether([ending]))[0]));
    return outcomes;
  }

  /** Ends sagas in one transaction; for each, whether it was written (false: it had moved on). */
  private async endTogether(endings: Ending[]): Promise<boolean[]> {
    const written = await this.dataSource.transaction(async (manager) => {
      const written: boolean[] = [];
      for (const { instance, next } of endings) written.push(await this.writeIn(manager, instance, next));
      return written;
    });
    endings.forEach(({ instance, next }, i) => written[i] && this.record(instance, next));
    return written;
  }

  /**
   * Writes a transition in a transaction and runs the end hooks in it; false if the instance
   * moved on. The caller records its metrics once the transaction has committed.
   */
  private async writeIn(manager: EntityManager, instance: SagaInstance, next: Transition): Promise<boolean> {
    const command = this.commandOf(instance, next);
    // Not remembered: the transaction may still roll back, and only committed states may be.
    this.recent.forget(instance.id);
    if (!(await sagaStore.write(manager, instance, next, command))) return false;
    if (command) publishAfterCommit(manager, [command]);
    const definition = this.definition(instance.type, instance.definitionVersion);
    const end = { sagaId: instance.id, data: instance.data, outputs: next.state.outputs, manager };
    if (next.succeededHook !== undefined) await definition.steps[next.succeededHook].onSucceeded?.(end);
    if (next.ended === 'COMPLETED') await definition.onCompleted?.(end);
    if (next.ended === 'COMPENSATED') await definition.onCompensated?.({ ...end, failure: next.state.failure! });
    return true;
  }

  /** Writes a transition in an autocommit statement shared with other sagas'; false if the instance moved on. */
  private async write(instance: SagaInstance, next: Transition): Promise<boolean> {
    const command = this.commandOf(instance, next);
    if (!(await this.transitions.submit({ instance, next, command }))) {
      this.recent.forget(instance.id);
      return false;
    }
    if (command) this.afterCommit([command]);
    this.recent.remember({ ...instance, state: next.state, version: instance.version + 1, updatedAt: new Date() });
    this.record(instance, next);
    return true;
  }

  private commandOf(instance: SagaInstance, next: Transition): OutboxMessage | undefined {
    const { dispatch } = next;
    if (!dispatch) return undefined;
    const [participant, command] = dispatch.commandType.split('.');
    const dispatched = () => ({
      name: `saga.dispatch ${dispatch.phase} ${dispatch.commandType}`,
      facts: {
        sagaId: instance.id,
        sagaType: instance.type,
        step: dispatch.step,
        stepName: next.timeline.find((entry) => entry.outcome === 'dispatched')?.stepName,
        phase: dispatch.phase,
        attempt: dispatch.attempt,
        command: dispatch.commandType,
        participant: dispatch.participant,
      },
    });
    return {
      // One id per dispatch: a re-sent attempt is a new message, a re-published row is not.
      id: `${instance.id}.${instance.version + 1}`,
      subject: this.subjects.command(participant, command),
      payload: dispatch.payload,
      headers: {
        ...instance.headers,
        ...addressHeaders({ sagaId: instance.id, ...dispatch }),
        [SagaHeader.command]: dispatch.commandType,
        [SagaHeader.replyTo]: this.subjects.reply(this.name, instance.type),
        [SagaHeader.traceparent]: childTraceparent(instance.headers.traceparent, dispatched),
      },
    };
  }

  /** Metrics of a written transition: step latency, ends, parking. */
  private record(instance: SagaInstance, next: Transition): void {
    const replied = next.timeline.find((e) => e.outcome === 'succeeded' || e.outcome === 'failed');
    if (replied && instance.version > 0) {
      const step = this.definition(instance.type, instance.definitionVersion).steps[replied.step];
      const command = replied.phase === 'action' ? step?.command : step?.compensation?.command;
      const participant = command?.participant ?? 'unknown';
      this.metrics.stepDuration.observe(
        { saga: instance.type, step: replied.stepName, phase: replied.phase, outcome: replied.outcome, participant },
        (Date.now() - new Date(instance.updatedAt).getTime()) / 1000,
      );
    }
    if (next.ended === 'COMPLETED') this.metrics.completed.inc({ saga: instance.type });
    if (next.ended === 'COMPENSATED') this.metrics.compensated.inc({ saga: instance.type });
    if (next.state.status === 'PARKED') {
      this.metrics.parked.inc({ saga: instance.type });
      const last = next.timeline.at(-1);
      this.logger.error(`saga ${instance.type} ${instance.id} parked at ${last?.stepName}: ${last?.reason ?? ''}`);
    }
  }

  private unknownSaga(sagaId: string): Settlement {
    this.logger.warn(`no saga ${sagaId} (finished and cleaned up, or never committed)`);
    return ACK;
  }

  private definition(name: string, version: number): SagaDefinition<unknown> {
    const definition = this.definitions.get(`${name}@${version}`);
    if (!definition) throw new Error(`saga ${name} v${version} is not registered with orchestrator ${this.name}`);
    return definition;
  }
}

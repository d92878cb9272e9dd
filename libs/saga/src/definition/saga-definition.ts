import type { EntityManager } from 'typeorm';
import { AnyCommand, OutputOf, PayloadOf } from './command';
import { FORWARD_RETRY, MUST_SUCCEED_RETRY, RetryPolicy } from './retry-policy';

/**
 * - `compensatable`: before the pivot; undone by its compensation if a later step fails.
 * - `pivot`: the go/no-go step; once it succeeds the saga only goes forward.
 * - `retriable`: after the pivot; retried until it succeeds (or the saga is parked).
 */
export type StepKind = 'compensatable' | 'pivot' | 'retriable';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Outputs = Record<string, any>;

export interface StepDefinition<Data> {
  readonly name: string;
  readonly kind: StepKind;
  readonly command: AnyCommand;
  readonly payload: (data: Data, outputs: Outputs) => unknown;
  /** Receives the step's own output, or undefined when its outcome is unknown (it timed out). */
  readonly compensation?: { command: AnyCommand; payload: (data: Data, output: unknown) => unknown };
  readonly when?: (data: Data, outputs: Outputs) => boolean;
  readonly retry: RetryPolicy;
  /** Runs in the orchestrator's transaction that records the step's success (see `onSucceeded`). */
  readonly onSucceeded?: (event: StepSucceeded<Data>) => Promise<void>;
}

/** A step's success as its hook sees it: the saga's data, the outputs so far (its own included) and the orchestrator's transaction. */
export interface StepSucceeded<Data, O = Outputs> {
  sagaId: string;
  data: Data;
  outputs: Partial<O>;
  manager: EntityManager;
}

/** Why a saga was compensated: the step that refused (or timed out) and its reason code. */
export interface SagaFailure {
  step: string;
  reason: string;
  detail?: string;
}

export interface SagaEnd<Data, O = Outputs> {
  sagaId: string;
  data: Data;
  outputs: Partial<O>;
  /** Runs in the orchestrator's transaction: whatever it writes commits with the saga's end. */
  manager: EntityManager;
}

export interface SagaDefinition<Data = unknown, O = Outputs> {
  readonly name: string;
  readonly version: number;
  readonly steps: readonly StepDefinition<Data>[];
  readonly compensationRetry: RetryPolicy;
  readonly onCompleted?: (end: SagaEnd<Data, O>) => Promise<void>;
  readonly onCompensated?: (end: SagaEnd<Data, O> & { failure: SagaFailure }) => Promise<void>;
}

/** A definition of any data: what registries of several sagas hold. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnySagaDefinition = SagaDefinition<any, any>;

/**
 * Builds a saga as a declaration: steps in order, each with its command, its payload, and
 * (before the pivot) its compensation. Outputs of earlier steps are typed by step name.
 *
 * ```ts
 * defineSaga<Transfer>('transfer', 1)
 *   .step('debit', Bank.debit, (t) => ({ account: t.from, amount: t.amount }))
 *   .compensateWith(Bank.credit, (t) => ({ account: t.from, amount: t.amount }))
 *   .pivot('credit', Bank.credit, (t) => ({ account: t.to, amount: t.amount }))
 *   .build();
 * ```
 */
export function defineSaga<Data>(name: string, version: number): SagaBuilder<Data, Record<never, never>> {
  if (!/^[a-z][a-zA-Z0-9-]*$/.test(name)) throw new Error(`saga name "${name}": lower camel case letters and digits`);
  if (!Number.isInteger(version) || version < 1) throw new Error(`saga ${name}: version must be a positive integer`);
  return new SagaBuilder<Data, Record<never, never>>({
    name,
    version,
    steps: [],
    current: -1,
    compensationRetry: MUST_SUCCEED_RETRY,
  });
}

/**
 * Starts the next version of a saga from the one it replaces: its steps, policies and hooks,
 * to be changed where they differ, so that a revision states only what it changes. Instances
 * finish on the version they started with, so both stay registered until the old one has no
 * live instance (`SagaQueries.liveByDefinition`).
 *
 * ```ts
 * reviseSaga(transferV1, 2)
 *   .atStep('withdraw')                 // modifiers and insertions follow this step
 *   .retry({ maxAttempts: 5 })
 *   .step('holdFee', Bank.holdFee, (t) => ({ transferId: t.transferId }))
 *   .compensateWith(Bank.releaseFee, (t) => ({ transferId: t.transferId }))
 *   .withoutStep('settle')
 *   .build();
 * ```
 */
export function reviseSaga<Data, O extends Outputs>(
  base: SagaDefinition<Data, O>,
  version: number,
): SagaBuilder<Data, O> {
  if (!Number.isInteger(version) || version <= base.version)
    throw new Error(`saga ${base.name}: a revision of version ${base.version} has a greater version (${version})`);
  return new SagaBuilder<Data, O>({
    name: base.name,
    version,
    steps: [...base.steps],
    current: base.steps.length - 1,
    compensationRetry: base.compensationRetry,
    onCompleted: base.onCompleted as Draft<Data>['onCompleted'],
    onCompensated: base.onCompensated as Draft<Data>['onCompensated'],
  });
}

type Draft<Data> = {
  name: string;
  version: number;
  steps: StepDefinition<Data>[];
  /** The step that modifiers change and after which the next step is inserted (the last one, unless moved). */
  current: number;
  compensationRetry: RetryPolicy;
  onCompleted?: SagaDefinition<Data>['onCompleted'];
  onCompensated?: SagaDefinition<Data>['onCompensated'];
};

export class SagaBuilder<Data, O extends Outputs> {
  constructor(private readonly draft: Draft<Data>) {}

  /** A compensatable step: before the pivot, undone if a later step fails. */
  step<N extends string, C extends AnyCommand>(
    name: N,
    command: C,
    payload: (data: Data, outputs: Partial<O>) => PayloadOf<C>,
  ): SagaBuilder<Data, O & { [K in N]: OutputOf<C> }> {
    return this.add(name, 'compensatable', command, payload);
  }

  /** The pivot: after it succeeds, the saga only goes forward. */
  pivot<N extends string, C extends AnyCommand>(
    name: N,
    command: C,
    payload: (data: Data, outputs: Partial<O>) => PayloadOf<C>,
  ): SagaBuilder<Data, O & { [K in N]: OutputOf<C> }> {
    return this.add(name, 'pivot', command, payload);
  }

  /** A step after the pivot: retried until it succeeds, parked if it exhausts its budget. */
  retriable<N extends string, C extends AnyCommand>(
    name: N,
    command: C,
    payload: (data: Data, outputs: Partial<O>) => PayloadOf<C>,
  ): SagaBuilder<Data, O & { [K in N]: OutputOf<C> }> {
    return this.add(name, 'retriable', command, payload);
  }

  /** Makes `name` the step that the next modifiers change and after which the next step goes. */
  atStep(name: string): this {
    this.draft.current = this.indexOf(name);
    return this;
  }

  /** Removes a step (in a revision); the next step added takes its place. */
  withoutStep(name: string): this {
    const index = this.indexOf(name);
    this.draft.steps.splice(index, 1);
    this.draft.current = index - 1;
    return this;
  }

  /**
   * Undoes the current step (the last one added). The payload is built from the saga's data and
   * what the step returned (undefined when it timed out and its outcome is unknown: the
   * participant's barrier then makes the compensation a no-op if the action never ran).
   */
  compensateWith<C extends AnyCommand>(command: C, payload: (data: Data, output: unknown) => PayloadOf<C>): this {
    const step = this.currentStep('compensateWith');
    if (step.kind === 'retriable')
      throw new Error(`${this.draft.name}.${step.name}: a retriable step has no compensation`);
    this.replaceCurrent({ ...step, compensation: { command, payload } });
    return this;
  }

  /** Runs the current step only when the predicate holds (e.g. a coupon step when a code was given). */
  when(predicate: (data: Data, outputs: Partial<O>) => boolean): this {
    this.replaceCurrent({ ...this.currentStep('when'), when: predicate as StepDefinition<Data>['when'] });
    return this;
  }

  /**
   * Runs when the current step succeeds, in the orchestrator's transaction that records the
   * success, so that what it writes commits with the saga's progress or not at all: for a
   * business row that shows a step's output before the saga ends (an order awaiting payment
   * shows the pay URL that opening the payment returned). A throw rolls the reply back; it is
   * redelivered.
   */
  onSucceeded(hook: (event: StepSucceeded<Data, O>) => Promise<void>): this {
    this.replaceCurrent({
      ...this.currentStep('onSucceeded'),
      onSucceeded: hook as StepDefinition<Data>['onSucceeded'],
    });
    return this;
  }

  /** Overrides the retry policy of the current step. */
  retry(policy: Partial<RetryPolicy>): this {
    const step = this.currentStep('retry');
    this.replaceCurrent({ ...step, retry: { ...step.retry, ...policy } });
    return this;
  }

  /** Overrides the retry policy of every compensation. */
  compensationRetry(policy: Partial<RetryPolicy>): this {
    this.draft.compensationRetry = { ...this.draft.compensationRetry, ...policy };
    return this;
  }

  onCompleted(hook: (end: SagaEnd<Data, O>) => Promise<void>): this {
    this.draft.onCompleted = hook as SagaDefinition<Data>['onCompleted'];
    return this;
  }

  /** Drops the completion hook (in a revision whose work moved elsewhere, e.g. into a step's `onSucceeded`). */
  withoutOnCompleted(): this {
    this.draft.onCompleted = undefined;
    return this;
  }

  onCompensated(hook: (end: SagaEnd<Data, O> & { failure: SagaFailure }) => Promise<void>): this {
    this.draft.onCompensated = hook as SagaDefinition<Data>['onCompensated'];
    return this;
  }

  build(): SagaDefinition<Data, O> {
    const { current: _current, ...definition } = this.draft;
    const { steps, name } = definition;
    if (steps.length === 0) throw new Error(`saga ${name}: at least one step`);
    const pivots = steps.filter((s) => s.kind === 'pivot').length;
    if (pivots > 1) throw new Error(`saga ${name}: at most one pivot`);
    const order: StepKind[] = ['compensatable', 'pivot', 'retriable'];
    const outOfOrder = steps.findIndex((s, i) => i > 0 && order.indexOf(s.kind) < order.indexOf(steps[i - 1].kind));
    if (outOfOrder !== -1) {
      throw new Error(
        `saga ${name}: compensatable steps, then the pivot, then retriable steps (${steps[outOfOrder].name})`,
      );
    }
    return Object.freeze({ ...definition, steps: Object.freeze([...steps]) }) as SagaDefinition<Data, O>;
  }

  private add<N extends string, C extends AnyCommand>(
    name: N,
    kind: StepKind,
    command: C,
    payload: (data: Data, outputs: Partial<O>) => PayloadOf<C>,
  ): SagaBuilder<Data, O & { [K in N]: OutputOf<C> }> {
    if (this.draft.steps.some((s) => s.name === name))
      throw new Error(`saga ${this.draft.name}: duplicate step ${name}`);
    const retry = kind === 'retriable' ? MUST_SUCCEED_RETRY : FORWARD_RETRY;
    const step = { name, kind, command, payload: payload as StepDefinition<Data>['payload'], retry };
    this.draft.steps.splice(++this.draft.current, 0, step);
    return this as unknown as SagaBuilder<Data, O & { [K in N]: OutputOf<C> }>;
  }

  private currentStep(method: string): StepDefinition<Data> {
    const current = this.draft.steps[this.draft.current];
    if (!current) throw new Error(`saga ${this.draft.name}: ${method}() follows a step`);
    return current;
  }

  private replaceCurrent(step: StepDefinition<Data>): void {
    this.draft.steps[this.draft.current] = step;
  }

  private indexOf(name: string): number {
    const index = this.draft.steps.findIndex((s) => s.name === name);
    if (index === -1) throw new Error(`saga ${this.draft.name}: no step ${name}`);
    return index;
  }
}

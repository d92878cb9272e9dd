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
    compensationRetry: MUST_SUCCEED_RETRY,
  });
}

type Draft<Data> = {
  name: string;
  version: number;
  steps: StepDefinition<Data>[];
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

  /**
   * Undoes the last step. The payload is built from the saga's data and what the step
   * returned (undefined when it timed out and its outcome is unknown: the participant's
   * barrier then makes the compensation a no-op if the action never ran).
   */
  compensateWith<C extends AnyCommand>(command: C, payload: (data: Data, output: unknown) => PayloadOf<C>): this {
    const last = this.last('compensateWith');
    if (last.kind === 'retriable')
      throw new Error(`${this.draft.name}.${last.name}: a retriable step has no compensation`);
    this.replaceLast({ ...last, compensation: { command, payload } });
    return this;
  }

  /** Runs the last step only when the predicate holds (e.g. a coupon step when a code was given). */
  when(predicate: (data: Data, outputs: Partial<O>) => boolean): this {
    this.replaceLast({ ...this.last('when'), when: predicate as StepDefinition<Data>['when'] });
    return this;
  }

  /** Overrides the retry policy of the last step. */
  retry(policy: Partial<RetryPolicy>): this {
    const last = this.last('retry');
    this.replaceLast({ ...last, retry: { ...last.retry, ...policy } });
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

  onCompensated(hook: (end: SagaEnd<Data, O> & { failure: SagaFailure }) => Promise<void>): this {
    this.draft.onCompensated = hook as SagaDefinition<Data>['onCompensated'];
    return this;
  }

  build(): SagaDefinition<Data, O> {
    const { steps, name } = this.draft;
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
    return Object.freeze({ ...this.draft, steps: Object.freeze([...steps]) }) as SagaDefinition<Data, O>;
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
    this.draft.steps.push({ name, kind, command, payload: payload as StepDefinition<Data>['payload'], retry });
    return this as unknown as SagaBuilder<Data, O & { [K in N]: OutputOf<C> }>;
  }

  private last(method: string): StepDefinition<Data> {
    const last = this.draft.steps.at(-1);
    if (!last) throw new Error(`saga ${this.draft.name}: ${method}() follows a step`);
    return last;
  }

  private replaceLast(step: StepDefinition<Data>): void {
    this.draft.steps[this.draft.steps.length - 1] = step;
  }
}

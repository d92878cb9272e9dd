import type { StepResult } from '../definition/command';
import { attemptTimeout, RetryPolicy } from '../definition/retry-policy';
import type { SagaDefinition, StepDefinition } from '../definition/saga-definition';
import type { Dispatch, Phase, SagaEvent, SagaState, TimelineEntry, Transition } from './saga-state';

/**
 * The saga state machine, free of I/O: given a definition, the saga's data, its state and
 * an event, it returns the next state, the timeline entries to record and the command to
 * send. Everything about ordering, retries, compensation and parking is decided here.
 */
export function transition<Data>(
  definition: SagaDefinition<Data>,
  data: Data,
  state: SagaState,
  event: SagaEvent,
  random: () => number = Math.random,
): Transition {
  const machine = new Machine(definition, data, structuredClone(state), random);
  switch (event.type) {
    case 'start':
      return machine.start();
    case 'reply':
      return machine.reply(event.step, event.phase, event.result);
    case 'deadline':
      return machine.deadline(event.step, event.phase, event.attempt);
    case 'redrive':
      return machine.redrive();
    case 'abort':
      return machine.abort(event.reason);
  }
}

export function initialState(): SagaState {
  return {
    status: 'RUNNING',
    currentStep: 0,
    attempt: 1,
    outputs: {},
    compensations: [],
    failure: null,
    parkedFrom: null,
  };
}

class Machine<Data> {
  private readonly timeline: TimelineEntry[] = [];

  constructor(
    private readonly definition: SagaDefinition<Data>,
    private readonly data: Data,
    private readonly state: SagaState,
    private readonly random: () => number,
  ) {}

  start(): Transition {
    return this.forwardFrom(0);
  }

  reply(step: number, phase: Phase, result: StepResult<unknown>): Transition {
    const stale = this.staleness(step, phase);
    if (stale) return this.ignore(stale);
    return this.applyReply(step, phase, result);
  }

  deadline(step: number, phase: Phase, attempt: number): Transition {
    const stale = this.staleness(step, phase) ?? (attempt !== this.state.attempt ? 'an earlier attempt' : undefined);
    if (stale) return this.ignore(stale);
    const definition = this.step(step);
    this.record(step, phase, 'timed-out');
    if (attempt < this.policy(definition, phase).maxAttempts) {
      this.state.attempt += 1;
      return this.dispatchCurrent();
    }
    if (phase === 'action' && definition.kind !== 'retriable') {
      // The outcome is unknown: compensate this step too; the barrier turns that into a
      // no-op (and refuses the late action) if the action never ran.
      this.state.failure = { step: definition.name, reason: 'TIMEOUT' };
      return this.compensateFrom(step, true);
    }
    return this.park(step, phase, 'retries exhausted');
  }

  redrive(): Transition {
    if (this.state.status !== 'PARKED' || !this.state.parkedFrom) return this.ignore('not parked');
    this.state.status = this.state.parkedFrom;
    this.state.parkedFrom = null;
    this.state.attempt = 1;
    const phase: Phase = this.state.status === 'RUNNING' ? 'action' : 'compensation';
    this.record(this.state.currentStep, phase, 'redriven');
    return this.dispatchCurrent();
  }

  /**
   * Stops a saga that has not passed its pivot and compensates what it did, including the
   * step in flight (its outcome is unknown; the barrier makes that safe).
   */
  abort(reason: string): Transition {
    const { status, currentStep } = this.state;
    if (status !== 'RUNNING') return this.ignore(`saga is ${status}`);
    const step = this.step(currentStep);
    if (step.kind === 'retriable') return this.ignore('past the pivot');
    this.record(currentStep, 'action', 'failed', reason);
    this.state.failure = { step: step.name, reason };
    return this.compensateFrom(currentStep, true);
  }

  private applyReply(step: number, phase: Phase, result: StepResult<unknown>): Transition {
    const definition = this.step(step);
    if (phase === 'compensation') {
      if (!result.ok) return this.park(step, phase, result.reason, result.detail);
      this.record(step, phase, 'succeeded');
      this.state.compensations.shift();
      return this.continueCompensation();
    }
    if (result.ok) {
      this.state.outputs[definition.name] = result.output ?? null;
      this.record(step, phase, 'succeeded');
      const next = this.forwardFrom(step + 1);
      return definition.onSucceeded ? { ...next, succeededHook: step } : next;
    }
    this.record(step, phase, 'failed', result.reason, result.detail);
    if (definition.kind === 'retriable') return this.park(step, phase, result.reason, result.detail);
    this.state.failure = {
      step: definition.name,
      reason: result.reason,
      ...(result.detail ? { detail: result.detail } : {}),
    };
    return this.compensateFrom(step, false);
  }

  private forwardFrom(index: number): Transition {
    const steps = this.definition.steps;
    for (let i = index; i < steps.length; i++) {
      const step = steps[i];
      if (step.when && !step.when(this.data, this.state.outputs)) {
        this.state.currentStep = i;
        this.record(i, 'action', 'skipped');
        continue;
      }
      this.state.status = 'RUNNING';
      this.state.currentStep = i;
      this.state.attempt = 1;
      return this.dispatchCurrent();
    }
    this.state.status = 'COMPLETED';
    this.state.currentStep = -1;
    this.record(steps.length - 1, 'action', 'completed');
    return this.finish('COMPLETED');
  }

  private compensateFrom(failedStep: number, includeFailed: boolean): Transition {
    const queue: number[] = [];
    for (let i = includeFailed ? failedStep : failedStep - 1; i >= 0; i--) {
      const step = this.definition.steps[i];
      const done = step.name in this.state.outputs || (includeFailed && i === failedStep);
      if (step.compensation && done) queue.push(i);
    }
    this.state.compensations = queue;
    return this.continueCompensation();
  }

  private continueCompensation(): Transition {
    const next = this.state.compensations[0];
    if (next === undefined) {
      this.state.status = 'COMPENSATED';
      this.state.currentStep = -1;
      this.record(0, 'compensation', 'compensated', this.state.failure?.reason);
      return this.finish('COMPENSATED');
    }
    this.state.status = 'COMPENSATING';
    this.state.currentStep = next;
    this.state.attempt = 1;
    return this.dispatchCurrent();
  }

  private park(step: number, phase: Phase, reason: string, detail?: string): Transition {
    this.state.parkedFrom = this.state.status === 'COMPENSATING' ? 'COMPENSATING' : 'RUNNING';
    this.state.status = 'PARKED';
    this.record(step, phase, 'parked', reason, detail);
    return { state: this.state, timeline: this.timeline };
  }

  private dispatchCurrent(): Transition {
    const index = this.state.currentStep;
    const step = this.step(index);
    const phase: Phase = this.state.status === 'COMPENSATING' ? 'compensation' : 'action';
    const target = phase === 'action' ? step : step.compensation!;
    const payload =
      phase === 'action'
        ? step.payload(this.data, this.state.outputs)
        : step.compensation!.payload(this.data, this.state.outputs[step.name] ?? undefined);
    const dispatch: Dispatch = {
      step: index,
      phase,
      attempt: this.state.attempt,
      participant: target.command.participant,
      commandType: target.command.type,
      payload,
      timeoutMs: attemptTimeout(this.policy(step, phase), this.state.attempt, this.random),
    };
    this.record(index, phase, 'dispatched');
    return { state: this.state, timeline: this.timeline, dispatch };
  }

  private finish(ended: 'COMPLETED' | 'COMPENSATED'): Transition {
    return { state: this.state, timeline: this.timeline, ended };
  }

  private ignore(reason: string): Transition {
    return { state: this.state, timeline: [], ignored: reason };
  }

  /** Why an event about (step, phase) no longer applies, if it does not. */
  private staleness(step: number, phase: Phase): string | undefined {
    const { status, currentStep } = this.state;
    if (status === 'COMPLETED' || status === 'COMPENSATED') return `saga already ${status}`;
    if (status === 'PARKED') return 'saga parked';
    const expected: Phase = status === 'COMPENSATING' ? 'compensation' : 'action';
    if (step !== currentStep || phase !== expected) return `not the current step (${currentStep} ${expected})`;
    return undefined;
  }

  private policy(step: StepDefinition<Data>, phase: Phase): RetryPolicy {
    return phase === 'action' ? step.retry : this.definition.compensationRetry;
  }

  private step(index: number): StepDefinition<Data> {
    const step = this.definition.steps[index];
    if (!step) throw new Error(`saga ${this.definition.name} v${this.definition.version} has no step ${index}`);
    return step;
  }

  private record(step: number, phase: Phase, outcome: TimelineEntry['outcome'], reason?: string, error?: string): void {
    const stepName = this.definition.steps[step]?.name ?? '-';
    this.timeline.push({
      step,
      stepName,
      phase,
      attempt: this.state.attempt,
      outcome,
      ...(reason ? { reason } : {}),
      ...(error ? { error } : {}),
    });
  }
}

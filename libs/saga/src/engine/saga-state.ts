import type { StepResult } from '../definition/command';
import type { SagaFailure } from '../definition/saga-definition';

export const SAGA_STATUSES = ['RUNNING', 'COMPENSATING', 'PARKED', 'COMPLETED', 'COMPENSATED'] as const;
export type SagaStatus = (typeof SAGA_STATUSES)[number];
export type Phase = 'action' | 'compensation';

export const FINAL_STATUSES: readonly SagaStatus[] = ['COMPLETED', 'COMPENSATED'];

/** Where a saga instance stands; persisted as the saga_instance row. */
export interface SagaState {
  status: SagaStatus;
  /** The step being executed (RUNNING) or compensated (COMPENSATING); -1 once final. */
  currentStep: number;
  attempt: number;
  /** Outputs of the steps that succeeded, by step name. */
  outputs: Record<string, unknown>;
  /** Steps still to compensate, current first. */
  compensations: number[];
  failure: SagaFailure | null;
  /** The status a parked saga resumes when it is re-driven. */
  parkedFrom: 'RUNNING' | 'COMPENSATING' | null;
}

export type SagaEvent =
  | { type: 'start' }
  | { type: 'reply'; step: number; phase: Phase; result: StepResult<unknown> }
  | { type: 'deadline'; step: number; phase: Phase; attempt: number }
  | { type: 'redrive' }
  | { type: 'abort'; reason: string };

export type TimelineOutcome =
  'dispatched' | 'succeeded' | 'failed' | 'timed-out' | 'skipped' | 'parked' | 'redriven' | 'completed' | 'compensated';

export interface TimelineEntry {
  step: number;
  stepName: string;
  phase: Phase;
  attempt: number;
  outcome: TimelineOutcome;
  reason?: string;
  error?: string;
}

/** A command to send: which step, which phase, which attempt, and its payload. */
export interface Dispatch {
  step: number;
  phase: Phase;
  attempt: number;
  participant: string;
  commandType: string;
  payload: unknown;
  /** How long this attempt may take before the orchestrator acts on its deadline. */
  timeoutMs: number;
}

export interface Transition {
  state: SagaState;
  timeline: TimelineEntry[];
  dispatch?: Dispatch;
  ended?: 'COMPLETED' | 'COMPENSATED';
  /** The step whose action this transition recorded as succeeded, when that step has an `onSucceeded` hook. */
  succeededHook?: number;
  /** Set when the event was stale or a duplicate and changed nothing. */
  ignored?: string;
}

/**
 * How long one attempt of a step may take and how often it is tried. Each attempt's deadline
 * grows exponentially from `timeoutMs` up to `maxTimeoutMs`, with jitter, so that a slow
 * participant is not hammered by every saga at the same instant.
 */
export interface RetryPolicy {
  /** Deadline of the first attempt. */
  timeoutMs: number;
  /** Attempts before the step is given up: compensation before the pivot, parking after it. */
  maxAttempts: number;
  /** Growth of the deadline per attempt. */
  multiplier: number;
  /** Cap of one attempt's deadline. */
  maxTimeoutMs: number;
  /** Share of the deadline randomised, 0 to 1. */
  jitter: number;
}

/** Before the pivot: give up soon, so that the customer hears the outcome quickly. */
export const FORWARD_RETRY: RetryPolicy = {
  timeoutMs: 5_000,
  maxAttempts: 3,
  multiplier: 2,
  maxTimeoutMs: 20_000,
  jitter: 0.2,
};

/** After the pivot and for compensations: these must succeed, so keep trying for a long time. */
export const MUST_SUCCEED_RETRY: RetryPolicy = {
  timeoutMs: 5_000,
  maxAttempts: 25,
  multiplier: 2,
  maxTimeoutMs: 300_000,
  jitter: 0.2,
};

/** The deadline of attempt `attempt` (1-based), in milliseconds. */
export function attemptTimeout(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxTimeoutMs, policy.timeoutMs * policy.multiplier ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter;
  return Math.round(base - spread / 2 + random() * spread);
}

/**
 * Named places where a test can make the process die (SIGKILL) to prove that recovery
 * works: set SAGA_CRASH_AT to one of these in a child process. Unset, this costs one
 * comparison.
 */
export const CRASH_POINTS = [
  /** The outbox row is committed; the relay has not published it. */
  'relay.after-commit-before-publish',
  /** The relay published the message; the row is not marked sent. */
  'relay.after-publish-before-mark-sent',
  /** A participant committed its handler's transaction; the command is not acked. */
  'participant.after-commit-before-ack',
  /** The orchestrator committed a reply's effects; the reply is not acked. */
  'orchestrator.after-commit-before-ack',
  /** The orchestrator committed a reply that leaves the saga compensating, before acking it. */
  'orchestrator.mid-compensation',
] as const;

export type CrashPoint = (typeof CRASH_POINTS)[number];

const armed = process.env.SAGA_CRASH_AT;

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, 'SIGKILL');
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { StepResult } from '../definition/command';
import { writeOutbox } from '../outbox/outbox';
import type { OutboxMessage } from '../outbox/outbox';
import type { CommandAddress } from '../transport/message-headers';

/**
 * A step whose reply comes later: its participant's handler records, in its transaction, that
 * it will answer (it returns `replyLater()`), and the command is acknowledged with no reply. The
 * barrier of the action keeps where the reply goes; a later call (`deliverLateReply`, from
 * whatever learns the outcome: a webhook, a poll) writes the reply to the barrier and to the
 * participant's outbox, once. Nothing waits meanwhile: no process, no connection, no timer
 * but the orchestrator's deadline of the step, which compensates the step when it passes.
 */
export interface ReplyLater {
  readonly replyLater: true;
}

/** What a handler returns when its step's reply comes later (see `deliverLateReply`). */
export function replyLater(): ReplyLater {
  return { replyLater: true };
}

/** A handler's result for a step that may reply later. */
export type LaterOr<R> = R | ReplyLater;

export function isReplyLater(result: unknown): result is ReplyLater {
  return typeof result === 'object' && result !== null && (result as Partial<ReplyLater>).replyLater === true;
}

/** What the action's barrier holds while its reply is to come: where to send it. */
interface AwaitedReply {
  awaiting: { subject: string; headers: Record<string, string> };
}

export function isAwaitedReply(reply: unknown): reply is AwaitedReply {
  return typeof reply === 'object' && reply !== null && 'awaiting' in reply;
}

/**
 * Claims an action's barrier for a reply to come, keeping the reply's subject and headers;
 * false if the barrier was claimed already (a duplicate, or the compensation came first).
 */
export async function claimForLateReply(
  manager: EntityManager,
  address: CommandAddress,
  reply: Pick<OutboxMessage, 'subject' | 'headers'>,
): Promise<boolean> {
  const awaited: AwaitedReply = { awaiting: { subject: reply.subject, headers: reply.headers } };
  const rows: unknown[] = await manager.query(
    `INSERT INTO saga_barrier (saga_id, step, phase, reply) VALUES ($1, $2, 'action', $3)
     ON CONFLICT DO NOTHING RETURNING 1`,
    [address.sagaId, address.step, JSON.stringify(awaited)],
  );
  return rows.length === 1;
}

/** The step whose reply is to come: its saga and its index, as its handler's context named them. */
export interface LateStep {
  sagaId: string;
  step: number;
}

/**
 * - `sent`: the reply is written to the barrier and the outbox, and leaves when the caller's
 *   transaction commits;
 * - `already-sent`: an earlier call answered the step (its reply stands, this one is dropped);
 * - `compensated`: the step's compensation ran first (its deadline passed, or the saga was
 *   aborted), so the reply is refused: whatever the outcome did, the caller must undo it.
 */
export type LateReplyOutcome = 'sent' | 'already-sent' | 'compensated';

/**
 * Answers a step that replied later, in the caller's transaction (the one that records the
 * outcome in the business rows), exactly once: the action's barrier row is locked, so two
 * callers with the same outcome (a notification and a poll) answer it once between them.
 */
export async function deliverLateReply(
  manager: EntityManager,
  late: LateStep,
  result: StepResult<unknown>,
): Promise<LateReplyOutcome> {
  const [action] = (await manager.query(
    `SELECT reply FROM saga_barrier WHERE saga_id = $1 AND step = $2 AND phase = 'action' FOR UPDATE`,
    [late.sagaId, late.step],
  )) as { reply: unknown }[];
  if (!action) throw new Error(`saga ${late.sagaId} step ${late.step} awaits no reply here`);
  const compensated = (await manager.query(
    `SELECT 1 FROM saga_barrier WHERE saga_id = $1 AND step = $2 AND phase = 'compensation'`,
    [late.sagaId, late.step],
  )) as unknown[];
  if (compensated.length > 0) return 'compensated';
  if (!isAwaitedReply(action.reply)) return 'already-sent';
  await manager.query(`UPDATE saga_barrier SET reply = $3 WHERE saga_id = $1 AND step = $2 AND phase = 'action'`, [
    late.sagaId,
    late.step,
    JSON.stringify(result),
  ]);
  const { subject, headers } = action.reply.awaiting;
  await writeOutbox(manager, [{ id: randomUUID(), subject, payload: result, headers }]);
  return 'sent';
}

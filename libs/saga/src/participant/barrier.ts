import type { EntityManager } from 'typeorm';
import { failure, StepResult, success } from '../definition/command';
import { OutboxMessage, publishAfterCommit } from '../outbox/outbox';
import type { CommandAddress } from '../transport/message-headers';
import { isAwaitedReply } from './late-reply';
import { inSagaSpan, sagaAttributes } from '../transport/saga-tracing';

/** The reply a late action gets when its compensation arrived first (anti-hanging). */
export const BLOCKED_BY_COMPENSATION = 'BLOCKED_BY_COMPENSATION';

export type BarrierOutcome = { result: StepResult<unknown>; duplicate: boolean };

async function claim(manager: EntityManager, address: CommandAddress, phase: string, reply?: StepResult<unknown>) {
  const facts = { sagaId: address.sagaId, step: address.step, phase, attempt: address.attempt };
  const span = { attributes: sagaAttributes(facts), outcome: (won: boolean) => (won ? 'claimed' : 'already-claimed') };
  return inSagaSpan('saga.barrier claim', span, async () => {
    const rows: unknown[] = await manager.query(
      `INSERT INTO saga_barrier (saga_id, step, phase, reply) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [address.sagaId, address.step, phase, reply ? JSON.stringify(reply) : null],
    );
    return rows.length === 1;
  });
}

/**
 * The reply a claimed barrier holds (a claim without one: blocked), or undefined if it is not
 * claimed; with `lock`, the row stays locked until the caller's transaction ends.
 */
export async function claimedReply(
  manager: EntityManager,
  address: CommandAddress,
  phase: string,
  lock = false,
): Promise<StepResult<unknown> | undefined> {
  const rows: { reply: StepResult<unknown> | null }[] = await manager.query(
    `SELECT reply FROM saga_barrier WHERE saga_id = $1 AND step = $2 AND phase = $3${lock ? ' FOR UPDATE' : ''}`,
    [address.sagaId, address.step, phase],
  );
  return rows[0] && (rows[0].reply ?? failure(BLOCKED_BY_COMPENSATION));
}

export async function storedReply(
  manager: EntityManager,
  address: CommandAddress,
  phase: string,
  lock = false,
): Promise<StepResult<unknown>> {
  return (await claimedReply(manager, address, phase, lock)) ?? failure(BLOCKED_BY_COMPENSATION);
}

async function record(manager: EntityManager, address: CommandAddress, result: StepResult<unknown>): Promise<void> {
  await manager.query('UPDATE saga_barrier SET reply = $4 WHERE saga_id = $1 AND step = $2 AND phase = $3', [
    address.sagaId,
    address.step,
    address.phase,
    JSON.stringify(result),
  ]);
}

/**
 * Claims the barrier of an action with its reply and writes the reply to the outbox, in one
 * statement: both happen, or (the barrier row exists: a duplicate, or a compensation came
 * first) neither. Used after the handler ran, in its transaction; false means roll back.
 */
export async function claimWithReply(
  manager: EntityManager,
  address: CommandAddress,
  result: StepResult<unknown>,
  reply: OutboxMessage,
): Promise<boolean> {
  const span = {
    attributes: sagaAttributes(address),
    outcome: (rows: unknown[]) => (rows.length ? 'claimed' : 'already-claimed'),
  };
  const rows: unknown[] = await inSagaSpan('saga.barrier claim', span, () =>
    manager.query(
      `WITH claimed AS (
       INSERT INTO saga_barrier (saga_id, step, phase, reply) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1)
     INSERT INTO saga_outbox (id, subject, payload, headers) SELECT $5, $6, $4::jsonb, $7::jsonb FROM claimed
     RETURNING id`,
      [
        address.sagaId,
        address.step,
        address.phase,
        JSON.stringify(result),
        reply.id,
        reply.subject,
        JSON.stringify(reply.headers),
      ],
    ),
  );
  if (rows.length === 0) return false;
  publishAfterCommit(manager, [reply]);
  return true;
}

/**
 * Runs a compensation at most once per (saga, step), inside the caller's transaction, after
 * DTM's sub-transaction barrier:
 * - a duplicate delivery returns the stored reply without running the handler;
 * - a compensation that finds no action row writes one first, so the action never ran and
 *   nothing is undone (null compensation), and the late action finds it and is refused
 *   (anti-hanging);
 * - a business failure rolls the handler's writes back to a savepoint but keeps the barrier
 *   row with its reply, so a redelivery gets the same answer.
 * A thrown error rolls back everything, barrier row included: the command will be retried.
 */
export async function runBehindBarrier(
  manager: EntityManager,
  address: CommandAddress,
  handler: () => Promise<StepResult<unknown>>,
): Promise<BarrierOutcome> {
  if (!(await claim(manager, address, address.phase))) {
    return { result: await storedReply(manager, address, address.phase), duplicate: true };
  }
  if (address.phase === 'compensation') {
    const actionNeverRan = await claim(manager, address, 'action', failure(BLOCKED_BY_COMPENSATION));
    // Locked until the compensation commits: a late reply (deliverLateReply) locks the same row
    // first, so of the two, the later one sees what the other did.
    const action = actionNeverRan ? undefined : await storedReply(manager, address, 'action', true);
    // An action whose reply is still to come counts as done: whatever may yet happen, undo it.
    if (actionNeverRan || (!isAwaitedReply(action) && !action?.ok)) {
      const nothingToUndo = success(null);
      await record(manager, address, nothingToUndo);
      return { result: nothingToUndo, duplicate: false };
    }
  }
  await manager.query('SAVEPOINT saga_handler');
  const result = await handler();
  if (!result.ok) await manager.query('ROLLBACK TO SAVEPOINT saga_handler');
  else await manager.query('RELEASE SAVEPOINT saga_handler');
  await record(manager, address, result);
  return { result, duplicate: false };
}

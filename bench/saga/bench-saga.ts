/**
 * The benchmark's saga: DTM's two-step transfer. Step 1 withdraws at bank A (compensated by a
 * refund), step 2 deposits at bank B (the pivot). Each step is two SQL statements (UPDATE the
 * balance, INSERT a journal row), like DTM's benchmark; the baseline runs the same SQL.
 */
import { defineCommand, defineSaga, failure, success } from '@zhongtai/saga';
import type { StepResult } from '@zhongtai/saga';
import type { EntityManager } from 'typeorm';

export interface BenchTransfer {
  transferId: string;
  from: string;
  to: string;
  amountCents: number;
}

export type Movement = { transferId: string; account: string; amountCents: number };

export const BenchBank = {
  withdraw: defineCommand<Movement, { balanceCents: number }, 'INSUFFICIENT_FUNDS'>('bank-a', 'withdraw'),
  refund: defineCommand<Movement>('bank-a', 'refund'),
  deposit: defineCommand<Movement, void, 'ACCOUNT_CLOSED'>('bank-b', 'deposit'),
};

/**
 * Where the orchestrator's onCompleted and onCompensated hooks leave the saga ids for the commit
 * listener: a list, for the endings of several sagas may share one transaction.
 */
export const COMPLETED_KEY = 'benchSagaCompleted';

export function benchTransferSaga() {
  return defineSaga<BenchTransfer>('benchTransfer', 1)
    .step('withdraw', BenchBank.withdraw, (t) => ({
      transferId: t.transferId,
      account: t.from,
      amountCents: t.amountCents,
    }))
    .compensateWith(BenchBank.refund, (t) => ({
      transferId: t.transferId,
      account: t.from,
      amountCents: t.amountCents,
    }))
    .pivot('deposit', BenchBank.deposit, (t) => ({
      transferId: t.transferId,
      account: t.to,
      amountCents: t.amountCents,
    }))
    .onCompleted(async ({ manager, sagaId }) => {
      // No SQL: the orchestrator process announces the completion once this transaction commits.
      const data = manager.queryRunner?.data as Record<string, string[]> | undefined;
      if (data) (data[COMPLETED_KEY] ??= []).push(sagaId);
    })
    .onCompensated(async ({ manager, sagaId }) => {
      // A refused deposit (bench:peers closes some accounts) ends the saga too, once refunded.
      const data = manager.queryRunner?.data as Record<string, string[]> | undefined;
      if (data) (data[COMPLETED_KEY] ??= []).push(sagaId);
    })
    .build();
}

async function journal(manager: EntityManager, kind: string, movement: Movement): Promise<void> {
  await manager.query('INSERT INTO journal (transfer_id, account, kind, amount_cents) VALUES ($1, $2, $3, $4)', [
    movement.transferId,
    movement.account,
    kind,
    movement.amountCents,
  ]);
}

/** Bank A, step 1: the same two statements in the saga and in the baseline. */
export async function withdraw(
  manager: EntityManager,
  movement: Movement,
): Promise<StepResult<{ balanceCents: number }, 'INSUFFICIENT_FUNDS'>> {
  const [rows]: [{ balance_cents: string }[], number] = await manager.query(
    `UPDATE accounts SET balance_cents = balance_cents - $2 WHERE id = $1 AND balance_cents >= $2
     RETURNING balance_cents`,
    [movement.account, movement.amountCents],
  );
  if (rows.length === 0) return failure('INSUFFICIENT_FUNDS');
  await journal(manager, 'withdraw', movement);
  return success({ balanceCents: Number(rows[0].balance_cents) });
}

export async function refund(manager: EntityManager, movement: Movement): Promise<StepResult<void, never>> {
  await manager.query('UPDATE accounts SET balance_cents = balance_cents + $2 WHERE id = $1', [
    movement.account,
    movement.amountCents,
  ]);
  await journal(manager, 'refund', movement);
  return success();
}

/** Bank B, step 2: the same two statements in the saga and in the baseline. */
export async function deposit(manager: EntityManager, movement: Movement): Promise<StepResult<void, 'ACCOUNT_CLOSED'>> {
  const [rows]: [{ closed: boolean }[], number] = await manager.query(
    'UPDATE accounts SET balance_cents = balance_cents + $2 WHERE id = $1 RETURNING closed',
    [movement.account, movement.amountCents],
  );
  if (rows.length === 0 || rows[0].closed) return failure('ACCOUNT_CLOSED');
  await journal(manager, 'deposit', movement);
  return success();
}

/** Subjects of the benchmark's own messages (core NATS, outside the saga streams). */
export function benchSubjects(prefix: string) {
  return {
    /** Request to the orchestrator process: start one saga; the reply carries its commit time. */
    start: `${prefix}.bench.start`,
    /** Published by the orchestrator process after a saga's final transaction committed. */
    completed: `${prefix}.bench.completed`,
    /** Baseline: the same local transactions, called over core NATS request/reply. */
    directWithdraw: `${prefix}.bench.direct.bank-a.withdraw`,
    directDeposit: `${prefix}.bench.direct.bank-b.deposit`,
  };
}

import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { lockOrder } from './ledger-accounts';
import { amountMoved, EntryLine } from './posting-lines';
import { Posting, PostingKind } from './posting.entity';

export interface PostingRequest {
  kind: PostingKind;
  /** Unique within the kind: the order for a charge or a refund, the operator's reference for a credit. */
  reference: string;
  /** The customer whose wallet the posting concerns. */
  customerId: string;
  entries: EntryLine[];
}

export type PostingOutcome =
  | { status: 'posted'; postingId: string }
  /** A posting of this kind and reference exists already (it is returned): nothing was moved. */
  | { status: 'already-posted'; posting: Posting }
  /** The entry would take this account below zero: nothing was written. */
  | { status: 'insufficient-funds'; accountId: string };

/**
 * Posts a balanced set of entries once per (kind, reference), in the caller's transaction: the
 * posting, its entries and the accounts' balances, or nothing at all. A debit only applies while
 * the account can afford it (a conditional update, evaluated on the locked row), so concurrent
 * postings can never overdraw a wallet or the merchant; the funding account alone may go negative.
 */
export async function postEntries(manager: EntityManager, request: PostingRequest): Promise<PostingOutcome> {
  const amountCents = amountMoved(request.entries);
  const { kind, reference, customerId } = request;

  await manager.query('SAVEPOINT ledger_posting');
  const inserted: { id: string }[] = await manager.query(
    `INSERT INTO postings (id, kind, reference, customer_id, amount_cents) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (kind, reference) DO NOTHING RETURNING id`,
    [randomUUID(), kind, reference, customerId, amountCents],
  );
  if (inserted.length === 0) {
    await manager.query('RELEASE SAVEPOINT ledger_posting');
    return { status: 'already-posted', posting: await manager.findOneByOrFail(Posting, { kind, reference }) };
  }
  const postingId = inserted[0].id;

  const entries = [...request.entries].sort((a, b) => lockOrder(a.accountId, b.accountId));
  await manager.query(
    `INSERT INTO ledger_entries (posting_id, account_id, amount_cents)
     SELECT $1, account_id, amount_cents FROM unnest($2::text[], $3::bigint[]) AS line (account_id, amount_cents)`,
    [postingId, entries.map((entry) => entry.accountId), entries.map((entry) => entry.amountCents)],
  );
  for (const entry of entries) {
    if (!(await applyToBalance(manager, entry))) {
      await manager.query('ROLLBACK TO SAVEPOINT ledger_posting');
      await manager.query('RELEASE SAVEPOINT ledger_posting');
      return { status: 'insufficient-funds', accountId: entry.accountId };
    }
  }
  await manager.query('RELEASE SAVEPOINT ledger_posting');
  return { status: 'posted', postingId };
}

/** False when the account cannot afford the debit; the account's CHECK constraints stay the last line of defence. */
async function applyToBalance(manager: EntityManager, entry: EntryLine): Promise<boolean> {
  const [, updated]: [unknown[], number] = await manager.query(
    `UPDATE accounts SET balance_cents = balance_cents + $2::bigint
     WHERE id = $1 AND ($2::bigint > 0 OR kind = 'FUNDING' OR balance_cents + $2::bigint >= 0)`,
    [entry.accountId, entry.amountCents],
  );
  return updated === 1;
}

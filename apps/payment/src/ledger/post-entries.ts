import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { lockOrder } from './ledger-accounts';
import { amountMoved, EntryLine } from './posting-lines';
import { Posting, PostingKind } from './posting.entity';

export interface PostingRequest {
  kind: PostingKind;
  /** Unique within the kind: the order for a charge or a refund, the operator's reference for a credit. */
  reference: string;
  /** The customer whose wallet the posting concerns (a UUID). */
  customerId: string;
  entries: EntryLine[];
}

export type PostingOutcome =
  | { status: 'posted'; postingId: string }
  /** A posting of this kind and reference exists already (it is returned): nothing was moved. */
  | { status: 'already-posted'; posting: Posting }
  /** The entry would take this account below zero: nothing was written. */
  | { status: 'insufficient-funds'; accountId: string }
  /** No account has this id: nothing was written. */
  | { status: 'no-account'; accountId: string };

/**
 * One statement: the accounts are locked in lock order and judged on their locked rows (does
 * each exist, can each afford its entry); only if all can is the posting inserted (once per
 * kind and reference), and only with it the balances moved and the entries written. So a
 * refused posting writes nothing, with no savepoint to roll back to, in one round trip. The
 * accounts' CHECK constraints stay the last line of defence against an overdraft.
 *
 * The new balance is the locked row's plus the entry, never `a.balance_cents` plus it: an UPDATE
 * computes its new row from the version in the statement's snapshot and checks the constraints
 * on it before it finds that a posting committed since has moved the balance. A wallet topped up
 * while this statement waited for its lock would then fail its CHECK on the stale balance,
 * although the verdict, judged on the locked row, had allowed the debit.
 */
const POST = `
  WITH line AS (
    SELECT * FROM unnest($5::text[], $6::bigint[]) WITH ORDINALITY AS line (account_id, amount_cents, position)),
  locked AS MATERIALIZED (
    SELECT a.id, a.kind, a.balance_cents, line.amount_cents, line.position FROM line JOIN accounts a ON a.id = line.account_id
    ORDER BY line.position FOR UPDATE OF a),
  verdict AS (
    SELECT
      (SELECT array_agg(line.account_id ORDER BY line.position) FROM line
        WHERE NOT EXISTS (SELECT 1 FROM locked WHERE locked.id = line.account_id)) AS missing,
      (SELECT array_agg(id ORDER BY position) FROM locked
        WHERE NOT (amount_cents > 0 OR kind = 'FUNDING' OR balance_cents + amount_cents >= 0)) AS short),
  posting AS (
    INSERT INTO postings (id, kind, reference, customer_id, amount_cents)
    SELECT $1, $2, $3, $4, $7 FROM verdict WHERE missing IS NULL AND short IS NULL
    ON CONFLICT (kind, reference) DO NOTHING RETURNING id),
  moved AS (
    UPDATE accounts a SET balance_cents = locked.balance_cents + locked.amount_cents FROM locked, posting
    WHERE a.id = locked.id),
  entry AS (
    INSERT INTO ledger_entries (posting_id, account_id, amount_cents)
    SELECT posting.id, line.account_id, line.amount_cents FROM posting, line ORDER BY line.position)
  SELECT (SELECT id FROM posting) AS posted, missing, short FROM verdict`;

interface PostRow {
  posted: string | null;
  missing: string[] | null;
  short: string[] | null;
}

/**
 * Posts a balanced set of entries once per (kind, reference), in the caller's transaction: the
 * posting, its entries and the accounts' balances, or nothing at all. A debit only applies while
 * the account can afford it, judged on its locked row, so concurrent postings can never overdraw
 * a wallet or the merchant; the funding account alone may go negative. Accounts are locked in
 * one order (lockOrder) by every posting, so two postings never deadlock each other.
 */
export async function postEntries(manager: EntityManager, request: PostingRequest): Promise<PostingOutcome> {
  const amountCents = amountMoved(request.entries);
  const { kind, reference, customerId } = request;
  const entries = [...request.entries].sort((a, b) => lockOrder(a.accountId, b.accountId));
  const [row]: PostRow[] = await manager.query(POST, [
    randomUUID(),
    kind,
    reference,
    customerId,
    entries.map((entry) => entry.accountId),
    entries.map((entry) => entry.amountCents),
    amountCents,
  ]);
  if (row.posted) return { status: 'posted', postingId: row.posted };
  // Refused or raced: a posting made for this reference is the answer either way, also one that
  // committed while this statement waited for the accounts' locks (so read again, not in its snapshot).
  const posting = await manager.findOneBy(Posting, { kind, reference });
  if (posting) return { status: 'already-posted', posting };
  if (row.missing) return { status: 'no-account', accountId: row.missing[0] };
  if (!row.short) throw new Error(`posting ${kind} ${reference} neither made, refused nor found`);
  return { status: 'insufficient-funds', accountId: row.short[0] };
}

import type { EntityManager } from 'typeorm';

/** A message written in a local transaction and published by the relay after it commits. */
export interface OutboxMessage {
  /** Also the JetStream `Nats-Msg-Id`: a re-published row is dropped by the server. */
  id: string;
  subject: string;
  payload: unknown;
  headers: Record<string, string>;
  createdAt?: number;
}

/** Where written rows wait on the transaction's query runner until it commits. */
export const OUTBOX_PENDING = 'sagaOutboxPending';

/**
 * Writes messages into the caller's transaction. They leave only if that transaction
 * commits: there is no dual write between the database and NATS.
 */
export async function writeOutbox(manager: EntityManager, messages: OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  requireTransaction(manager);
  await manager.query(
    `INSERT INTO saga_outbox (id, subject, payload, headers)
     SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[])
     ON CONFLICT (id) DO NOTHING`,
    [
      messages.map((m) => m.id),
      messages.map((m) => m.subject),
      messages.map((m) => JSON.stringify(m.payload ?? null)),
      messages.map((m) => JSON.stringify(m.headers)),
    ],
  );
  publishAfterCommit(manager, messages);
}

/**
 * Hands messages that a statement of the caller's transaction wrote into saga_outbox to the
 * relay, which publishes them once (and only if) that transaction commits.
 */
export function publishAfterCommit(manager: EntityManager, messages: OutboxMessage[]): void {
  const runner = requireTransaction(manager);
  const now = Date.now();
  const pending = (runner.data[OUTBOX_PENDING] ??= []) as OutboxMessage[];
  pending.push(...messages.map((m) => ({ ...m, createdAt: now })));
}

function requireTransaction(manager: EntityManager) {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('saga outbox: write inside a transaction (EntityManager of one)');
  return runner;
}

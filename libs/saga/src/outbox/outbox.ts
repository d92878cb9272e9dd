import type { EntityManager } from 'typeorm';
import { AfterCommit } from '../after-commit';

/** A message written in a local transaction and published by the relay after it commits. */
export interface OutboxMessage {
  /** Also the JetStream `Nats-Msg-Id`: a re-published row is dropped by the server. */
  id: string;
  subject: string;
  payload: unknown;
  headers: Record<string, string>;
  createdAt?: number;
}

/** The rows a transaction wrote, for the relay to publish once it has committed. */
export const outboxWritten = new AfterCommit<OutboxMessage>('saga outbox');

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
  const now = Date.now();
  outboxWritten.add(manager, ...messages.map((m) => ({ ...m, createdAt: now })));
}

function requireTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive)
    throw new Error('saga outbox: write inside a transaction (EntityManager of one)');
}

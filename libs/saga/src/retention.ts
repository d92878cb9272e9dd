import type { DataSource } from 'typeorm';

export interface RetentionOptions {
  /** Finished sagas, barrier rows and sent outbox rows older than this are deleted. */
  maxAgeMs: number;
  intervalMs: number;
  batchSize: number;
}

/**
 * Barrier rows must outlive every copy of their command: keep them longer than the stream's
 * max age (24 h by default), or a very late duplicate could run again.
 */
export const DEFAULT_RETENTION: RetentionOptions = { maxAgeMs: 7 * 24 * 3600_000, intervalMs: 600_000, batchSize: 500 };

const STATEMENTS = [
  `WITH expired AS (SELECT id FROM saga_instance
       WHERE status IN ('COMPLETED', 'COMPENSATED') AND updated_at < now() - make_interval(secs => $1) LIMIT $2),
     timeline AS (DELETE FROM saga_timeline WHERE saga_id IN (SELECT id FROM expired))
   DELETE FROM saga_instance WHERE id IN (SELECT id FROM expired)`,
  `DELETE FROM saga_barrier WHERE ctid IN (SELECT ctid FROM saga_barrier
     WHERE created_at < now() - make_interval(secs => $1) LIMIT $2)`,
  `DELETE FROM saga_outbox WHERE id IN (SELECT id FROM saga_outbox
     WHERE sent_at < now() - make_interval(secs => $1) LIMIT $2)`,
];

/** Deletes what has aged out, in small batches so that no lock is held for long. Returns rows deleted. */
export async function deleteExpired(dataSource: DataSource, options: RetentionOptions): Promise<number> {
  let total = 0;
  for (const statement of STATEMENTS) {
    for (;;) {
      const [, deleted] = (await dataSource.query(statement, [options.maxAgeMs / 1000, options.batchSize])) as [
        unknown,
        number,
      ];
      total += deleted;
      if (deleted < options.batchSize) break;
    }
  }
  return total;
}

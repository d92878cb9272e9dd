import type { EntityManager } from 'typeorm';
import type { SagaFailure } from '../definition/saga-definition';
import type { SagaState, SagaStatus, TimelineEntry, Transition } from '../engine/saga-state';

/** A saga_instance row, as the orchestrator reads it under lock. */
export interface SagaInstance {
  id: string;
  type: string;
  definitionVersion: number;
  data: unknown;
  headers: Record<string, string>;
  state: SagaState;
  version: number;
  updatedAt: Date;
}

interface InstanceRow {
  id: string;
  type: string;
  definition_version: number;
  status: SagaStatus;
  data: unknown;
  outputs: Record<string, unknown>;
  current_step: number;
  attempt: number;
  compensations: number[];
  failure: SagaFailure | null;
  parked_from: 'RUNNING' | 'COMPENSATING' | null;
  headers: Record<string, string>;
  version: number;
  updated_at: Date;
}

const COLUMNS = `id, type, definition_version, status, data, outputs, current_step, attempt, compensations,
  failure, parked_from, headers, version, updated_at`;

function toInstance(row: InstanceRow): SagaInstance {
  return {
    id: row.id,
    type: row.type,
    definitionVersion: row.definition_version,
    data: row.data,
    headers: row.headers,
    version: row.version,
    updatedAt: row.updated_at,
    state: {
      status: row.status,
      currentStep: row.current_step,
      attempt: row.attempt,
      outputs: row.outputs,
      compensations: row.compensations,
      failure: row.failure,
      parkedFrom: row.parked_from,
    },
  };
}

/** The orchestrator's SQL, in one place. Every method runs in the caller's transaction. */
export const sagaStore = {
  async insert(manager: EntityManager, instance: Omit<SagaInstance, 'version' | 'updatedAt'>): Promise<void> {
    const { state } = instance;
    await manager.query(
      `INSERT INTO saga_instance (id, type, definition_version, status, data, outputs, current_step, attempt,
         compensations, failure, parked_from, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [
        instance.id,
        instance.type,
        instance.definitionVersion,
        state.status,
        JSON.stringify(instance.data),
        JSON.stringify(state.outputs),
        state.currentStep,
        state.attempt,
        state.compensations,
        state.failure ? JSON.stringify(state.failure) : null,
        state.parkedFrom,
        JSON.stringify(instance.headers),
      ],
    );
  },

  async lock(manager: EntityManager, id: string): Promise<SagaInstance | undefined> {
    const rows: InstanceRow[] = await manager.query(`SELECT ${COLUMNS} FROM saga_instance WHERE id = $1 FOR UPDATE`, [
      id,
    ]);
    return rows[0] && toInstance(rows[0]);
  },

  /** Leases instances whose deadline passed; replicas skip each other's locked rows. */
  async lockDue(manager: EntityManager, limit: number): Promise<SagaInstance[]> {
    const rows: InstanceRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM saga_instance
       WHERE status IN ('RUNNING', 'COMPENSATING') AND deadline_at <= now()
       ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    return rows.map(toInstance);
  },

  /** Writes the new state; returns the new row version. */
  async update(manager: EntityManager, id: string, next: Transition): Promise<number> {
    const { state, dispatch } = next;
    // TypeORM answers an UPDATE on PostgreSQL with [rows, affected].
    const [rows]: [{ version: number }[], number] = await manager.query(
      `UPDATE saga_instance SET status = $2, outputs = $3, current_step = $4, attempt = $5, compensations = $6,
         failure = $7, parked_from = $8,
         deadline_at = CASE WHEN $9::integer IS NULL THEN NULL ELSE now() + make_interval(secs => $9::integer / 1000.0) END,
         version = version + 1, updated_at = now()
       WHERE id = $1 RETURNING version`,
      [
        id,
        state.status,
        JSON.stringify(state.outputs),
        state.currentStep,
        state.attempt,
        state.compensations,
        state.failure ? JSON.stringify(state.failure) : null,
        state.parkedFrom,
        dispatch ? dispatch.timeoutMs : null,
      ],
    );
    return rows[0].version;
  },

  async appendTimeline(manager: EntityManager, sagaId: string, entries: TimelineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await manager.query(
      `INSERT INTO saga_timeline (saga_id, step, step_name, phase, attempt, outcome, reason, error)
       SELECT $1, * FROM unnest($2::integer[], $3::text[], $4::text[], $5::integer[], $6::text[], $7::text[], $8::text[])`,
      [
        sagaId,
        entries.map((e) => e.step),
        entries.map((e) => e.stepName),
        entries.map((e) => e.phase),
        entries.map((e) => e.attempt),
        entries.map((e) => e.outcome),
        entries.map((e) => e.reason ?? null),
        entries.map((e) => e.error ?? null),
      ],
    );
  },
};

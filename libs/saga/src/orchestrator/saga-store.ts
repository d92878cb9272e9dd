import type { EntityManager } from 'typeorm';
import type { SagaFailure } from '../definition/saga-definition';
import type { SagaState, SagaStatus, TimelineEntry, Transition } from '../engine/saga-state';
import type { OutboxMessage } from '../outbox/outbox';

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

/** One instance's transition and the command it sends, for `writeMany`. */
export interface InstanceWrite {
  instance: Omit<SagaInstance, 'state' | 'updatedAt'>;
  next: Transition;
  command: OutboxMessage | undefined;
}

function timelineColumns(entry: TimelineEntry) {
  const { step, stepName: step_name, phase, attempt, outcome } = entry;
  return { step, step_name, phase, attempt, outcome, reason: entry.reason ?? null, error: entry.error ?? null };
}

/** Anything that runs SQL: a DataSource (autocommit) or a transaction's EntityManager. */
type Sql = Pick<EntityManager, 'query'>;

/** The orchestrator's SQL, in one place. */
export const sagaStore = {
  async load(db: Sql, id: string, lock: boolean): Promise<SagaInstance | undefined> {
    const rows: InstanceRow[] = await db.query(
      `SELECT ${COLUMNS} FROM saga_instance WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] && toInstance(rows[0]);
  },

  /**
   * Leases instances whose deadline passed; replicas skip each other's locked rows. Only
   * definitions this process knows (`name@version`) are taken, so that an instance of an
   * unregistered version cannot stall the sweep of every other saga.
   */
  /** Parked instances by type, for the `saga_parked_now` gauge (the saga_instance_parked index holds only them). */
  async countParked(db: Sql): Promise<{ saga: string; count: number }[]> {
    const rows: { saga: string; count: number }[] = await db.query(
      `SELECT type AS saga, count(*)::int AS count FROM saga_instance WHERE status = 'PARKED' GROUP BY type`,
    );
    return rows;
  },

  async lockDue(manager: EntityManager, limit: number, known: string[]): Promise<SagaInstance[]> {
    const rows: InstanceRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM saga_instance
       WHERE status IN ('RUNNING', 'COMPENSATING') AND deadline_at <= now()
         AND type || '@' || definition_version = ANY($2)
       ORDER BY deadline_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, known],
    );
    return rows.map(toInstance);
  },

  /**
   * Writes a transition in one statement: the instance (inserted at version 1 when `version`
   * is 0, else updated only if still at `version`, by `writeMany`), its timeline entries and
   * the next command. Returns false when another driver changed the instance first: the
   * caller reads it again.
   */
  async write(
    db: Sql,
    instance: Omit<SagaInstance, 'state' | 'updatedAt'>,
    next: Transition,
    command: OutboxMessage | undefined,
  ): Promise<boolean> {
    if (instance.version > 0) return (await sagaStore.writeMany(db, [{ instance, next, command }])).has(instance.id);
    const { state, dispatch, timeline } = next;
    const instanceStatement = `INSERT INTO saga_instance (id, status, outputs, current_step, attempt, compensations,
        failure, parked_from, deadline_at, type, definition_version, data, headers, version)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ${DEADLINE}, $19, $20, $21, $22, $10::integer + 1) RETURNING id`;
    const rows: unknown[] = await db.query(
      `WITH written AS (${instanceStatement}),
       timeline AS (
         INSERT INTO saga_timeline (saga_id, step, step_name, phase, attempt, outcome, reason, error)
         SELECT written.id, t.* FROM written,
           unnest($11::integer[], $12::text[], $13::text[], $14::integer[], $15::text[], $16::text[], $17::text[]) AS t),
       command AS (
         INSERT INTO saga_outbox (id, subject, payload, headers)
         SELECT c.id, c.subject, c.payload, c.headers FROM written, jsonb_to_recordset($18::jsonb)
           AS c(id text, subject text, payload jsonb, headers jsonb))
       SELECT 1 FROM written`,
      [
        instance.id,
        state.status,
        JSON.stringify(state.outputs),
        state.currentStep,
        state.attempt,
        state.compensations,
        state.failure ? JSON.stringify(state.failure) : null,
        state.parkedFrom,
        dispatch ? dispatch.timeoutMs : null,
        instance.version,
        timeline.map((e) => e.step),
        timeline.map((e) => e.stepName),
        timeline.map((e) => e.phase),
        timeline.map((e) => e.attempt),
        timeline.map((e) => e.outcome),
        timeline.map((e) => e.reason ?? null),
        timeline.map((e) => e.error ?? null),
        JSON.stringify(command ? [{ ...command, payload: command.payload ?? null }] : []),
        instance.type,
        instance.definitionVersion,
        JSON.stringify(instance.data),
        JSON.stringify(instance.headers),
      ],
    );
    return rows.length === 1;
  },

  /**
   * Writes the transitions of several existing instances in one statement, each only if its
   * instance is still at its `version` (as `write` does for one). Returns the ids written; an
   * instance missing from the answer moved on, and nothing of its transition was written.
   * Each instance may appear once: two transitions of one instance need two statements.
   * The ids are also passed as an array: the planner cannot see how few rows a jsonb_to_recordset
   * holds, and joined on it alone it scans the whole saga_instance table for every write.
   */
  async writeMany(db: Sql, writes: InstanceWrite[]): Promise<Set<string>> {
    const instances = writes.map(({ instance, next: { state, dispatch } }) => ({
      id: instance.id,
      version: instance.version,
      status: state.status,
      outputs: state.outputs,
      current_step: state.currentStep,
      attempt: state.attempt,
      compensations: state.compensations,
      failure: state.failure,
      parked_from: state.parkedFrom,
      timeout_ms: dispatch ? dispatch.timeoutMs : null,
    }));
    const timeline = writes
      .flatMap(({ instance, next }) => next.timeline.map((e) => ({ saga_id: instance.id, ...timelineColumns(e) })))
      .map((entry, index) => ({ ...entry, entry: index }));
    const commands = writes.flatMap(({ instance, command }) =>
      command ? [{ saga_id: instance.id, ...command, payload: command.payload ?? null }] : [],
    );
    const rows: { id: string }[] = await db.query(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, version integer, status text, outputs jsonb,
           current_step integer, attempt integer, compensations integer[], failure jsonb, parked_from text,
           timeout_ms integer)),
       written AS (
         UPDATE saga_instance s SET status = i.status, outputs = i.outputs, current_step = i.current_step,
           attempt = i.attempt, compensations = i.compensations, failure = i.failure, parked_from = i.parked_from,
           deadline_at = CASE WHEN i.timeout_ms IS NULL THEN NULL
             ELSE now() + make_interval(secs => i.timeout_ms / 1000.0) END,
           version = s.version + 1, updated_at = now()
         FROM input i WHERE s.id = ANY($4::uuid[]) AND s.id = i.id AND s.version = i.version RETURNING s.id),
       timeline AS (
         INSERT INTO saga_timeline (saga_id, step, step_name, phase, attempt, outcome, reason, error)
         SELECT t.saga_id, t.step, t.step_name, t.phase, t.attempt, t.outcome, t.reason, t.error
         FROM jsonb_to_recordset($2::jsonb) AS t(saga_id uuid, step integer, step_name text, phase text,
           attempt integer, outcome text, reason text, error text, entry integer)
         JOIN written ON written.id = t.saga_id ORDER BY t.entry),
       command AS (
         INSERT INTO saga_outbox (id, subject, payload, headers)
         SELECT c.id, c.subject, c.payload, c.headers
         FROM jsonb_to_recordset($3::jsonb) AS c(saga_id uuid, id text, subject text, payload jsonb, headers jsonb)
         JOIN written ON written.id = c.saga_id)
       SELECT id FROM written`,
      [JSON.stringify(instances), JSON.stringify(timeline), JSON.stringify(commands), instances.map((i) => i.id)],
    );
    return new Set(rows.map((row) => row.id));
  },
};

const DEADLINE = 'CASE WHEN $9::integer IS NULL THEN NULL ELSE now() + make_interval(secs => $9::integer / 1000.0) END';

import type { DataSource } from 'typeorm';
import { FINAL_STATUSES, SAGA_STATUSES } from '../engine/saga-state';
import type { SagaStatus, TimelineEntry } from '../engine/saga-state';
import { decodeCursor, encodeCursor } from './keyset-cursor';

export interface SagaSummary {
  id: string;
  type: string;
  status: SagaStatus;
  currentStep: string | null;
  startedAt: string;
  updatedAt: string;
}

export interface SagaDetail extends SagaSummary {
  version: number;
  definitionVersion: number;
  attempt: number;
  failure: { step: string; reason: string; detail?: string } | null;
  deadlineAt: string | null;
  data: unknown;
  outputs: Record<string, unknown>;
  /**
   * The W3C trace id every message of the saga carries (from the traceparent kept when it
   * started): with tracing on, the id of its trace in the trace viewer.
   */
  traceId: string | null;
  timeline: (TimelineEntry & { at: string })[];
}

export interface SagaPage {
  items: SagaSummary[];
  nextCursor: string | null;
}

export interface SagaFilter {
  status?: SagaStatus;
  type?: string;
  limit: number;
  cursor?: string;
}

/** How many instances of one saga type and definition version have not ended. */
export interface LiveSagas {
  type: string;
  definitionVersion: number;
  /** RUNNING, COMPENSATING and PARKED instances: a version may be unregistered once this is 0. */
  live: number;
}

/** The messages of this database's outbox that the relay has not yet published. */
export interface OutboxBacklog {
  /** Rows not yet marked sent. */
  unsent: number;
  /** Seconds since the oldest of them was written (to the millisecond); null when there is none. */
  oldestAgeSeconds: number | null;
}

type Row = Record<string, never>;

function traceIdOf(traceparent: string | null): string | null {
  return /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(traceparent ?? '')?.[1] ?? null;
}

/**
 * Read side of the saga log, for operators and the services' own reports: listing with cursor
 * paging, one saga's timeline, counts by status, and the live instances of each definition
 * version. Nothing outside the library needs to query its tables.
 */
export class SagaQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly stepName: (type: string, version: number, step: number) => string | null,
  ) {}

  async list(filter: SagaFilter): Promise<SagaPage> {
    const params: unknown[] = [filter.limit + 1];
    const where: string[] = [];
    if (filter.status) where.push(`status = $${params.push(filter.status)}`);
    if (filter.type) where.push(`type = $${params.push(filter.type)}`);
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    if (cursor)
      where.push(
        `(created_at, id) < ($${params.push(cursor.createdAt)}::timestamptz, $${params.push(cursor.id)}::uuid)`,
      );
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, type, definition_version, status, current_step, created_at, created_at::text AS cursor_at, updated_at
       FROM saga_instance
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $1`,
      params,
    );
    const page = rows.slice(0, filter.limit).map((row) => this.summary(row));
    const last = rows.length > filter.limit ? rows[filter.limit - 1] : undefined;
    return { items: page, nextCursor: last ? encodeCursor(last.cursor_at, last.id) : null };
  }

  async get(id: string): Promise<SagaDetail | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT id, type, definition_version, status, current_step, attempt, failure, deadline_at, data, outputs,
         version, created_at, updated_at, headers->>'traceparent' AS traceparent
       FROM saga_instance WHERE id = $1`,
      [id],
    );
    if (!rows[0]) return undefined;
    const row = rows[0];
    const timeline: Row[] = await this.dataSource.query(
      `SELECT step, step_name, phase, attempt, outcome, reason, error, at FROM saga_timeline
       WHERE saga_id = $1 ORDER BY id`,
      [id],
    );
    return {
      ...this.summary(row),
      version: row.version,
      definitionVersion: row.definition_version,
      attempt: row.attempt,
      failure: row.failure,
      deadlineAt: row.deadline_at ? new Date(row.deadline_at).toISOString() : null,
      data: row.data,
      outputs: row.outputs,
      traceId: traceIdOf(row.traceparent),
      timeline: timeline.map((t) => ({
        step: t.step,
        stepName: t.step_name,
        phase: t.phase,
        attempt: t.attempt,
        outcome: t.outcome,
        ...(t.reason ? { reason: t.reason } : {}),
        ...(t.error ? { error: t.error } : {}),
        at: new Date(t.at).toISOString(),
      })),
    };
  }

  /** Every status with its number of instances (0 where there are none). */
  async countByStatus(): Promise<Record<SagaStatus, number>> {
    const rows: { status: SagaStatus; n: string }[] = await this.dataSource.query(
      'SELECT status, count(*) AS n FROM saga_instance GROUP BY status',
    );
    const counts = Object.fromEntries(SAGA_STATUSES.map((status) => [status, 0])) as Record<SagaStatus, number>;
    for (const row of rows) counts[row.status] = Number(row.n);
    return counts;
  }

  /**
   * The outbox's backlog, read in one statement from the partial index of unsent rows
   * (saga_outbox_unsent, on created_at WHERE sent_at IS NULL): its size grows with the backlog,
   * not with the messages already sent. A lag the relay's histogram only shows once a message
   * is finally sent is visible here while it waits.
   */
  async outboxBacklog(): Promise<OutboxBacklog> {
    const [row]: { n: string; age: string | null }[] = await this.dataSource.query(
      `SELECT count(*) AS n, round(extract(epoch FROM now() - min(created_at)), 3) AS age
       FROM saga_outbox WHERE sent_at IS NULL`,
    );
    return { unsent: Number(row.n), oldestAgeSeconds: row.age === null ? null : Math.max(0, Number(row.age)) };
  }

  /** Instances not ended, per saga type and definition version (types and versions with none are absent). */
  async liveByDefinition(type?: string): Promise<LiveSagas[]> {
    const rows: { type: string; definition_version: number; n: string }[] = await this.dataSource.query(
      `SELECT type, definition_version, count(*) AS n FROM saga_instance
       WHERE status <> ALL($2::text[]) AND ($1::text IS NULL OR type = $1)
       GROUP BY type, definition_version ORDER BY type, definition_version`,
      [type ?? null, FINAL_STATUSES],
    );
    return rows.map((row) => ({ type: row.type, definitionVersion: row.definition_version, live: Number(row.n) }));
  }

  private summary(row: Row): SagaSummary {
    const step = row.current_step as number;
    return {
      id: row.id,
      type: row.type,
      status: row.status,
      currentStep: step >= 0 ? this.stepName(row.type, row.definition_version, step) : null,
      startedAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }
}

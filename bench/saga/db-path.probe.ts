/**
 * Profiling probe (not part of `bench:saga`): how much of a saga's cost is the library's
 * database path alone, without NATS, JetStream or other processes. In one process it drives
 * the same transactions the saga does, through the library's public entry points
 * (orchestrator.start, participant.handleMessage, orchestrator.handleReply) with in-memory
 * messages, then marks each outbox row sent the way the relay does (one autocommit UPDATE
 * per message). Prints global TPS, DB transactions and CPU per saga, next to the plain
 * baseline's two local transactions.
 *
 *   node dist/bench/saga/db-path.probe.js            (env: PROBE_SECONDS=8, PROBE_CONCURRENCY=16,
 *                                  PROBE_MODES=plain,saga-db,saga-db-no-mark-sent,lean-sql)
 *
 * `lean-sql` is not the library: it is hand-written SQL doing the same durable work per saga
 * on the same tables (instance, timeline, barrier with reply, outbox rows, journal) in fewer
 * statements, to size what leaner SQL in libs/saga could gain (the ideas, not a drop-in):
 * one data-modifying CTE per orchestrator transition (optimistic version, no SELECT FOR
 * UPDATE transaction), the barrier row written with its reply together with the outbox row
 * after the handler (no SAVEPOINT, no UPDATE), and outbox rows marked sent in batches.
 * With PROBE_TRACE=1 it also times every statement from the client (best at PROBE_CONCURRENCY=1)
 * and prints, per global transaction, how often each statement ran and its mean round trip.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';
import { SagaRuntime, success } from '@zhongtai/saga';
import type { OutboxMessage } from '@zhongtai/saga';
import type { StepResult } from '@zhongtai/saga';
import { createSagaTestDatabase, outboxWritten } from '@zhongtai/saga/testing';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { CreateBank1764000009000 } from '../../test/saga/fixture/bank.migration';
import { cpuSnapshot, cpuUsage } from '../lib/cpu';
import { formatTable, round } from '../lib/stats';
import { BenchBank, benchTransferSaga, deposit, Movement, withdraw } from './bench-saga';
import { runBenchmark } from '../lib/run-bench';

Logger.overrideLogger(['error', 'warn']);

const SECONDS = Number(process.env.PROBE_SECONDS ?? 8);
const CONCURRENCY = Number(process.env.PROBE_CONCURRENCY ?? 16);
const MODES = (process.env.PROBE_MODES ?? 'plain,saga-db,saga-db-no-mark-sent,lean-sql').split(',');
const POSTGRES = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const NATS = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
const ACCOUNTS = 10_000;
const ROLES = ['transfers', 'bank-a', 'bank-b'] as const;
const TRACE = process.env.PROBE_TRACE === '1';

/** Client-side time per statement (normalised text), when PROBE_TRACE=1. */
const traced = new Map<string, { count: number; ms: number }>();
let tracing = false;
if (TRACE) {
  const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
    if (!tracing || !text || !(result instanceof Promise)) return result;
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    const started = performance.now();
    return result.finally(() => {
      const entry = traced.get(key) ?? { count: 0, ms: 0 };
      entry.count++;
      entry.ms += performance.now() - started;
      traced.set(key, entry);
    });
  };
}
type Role = (typeof ROLES)[number];

/** A JetStream message as the library's handlers read it: subject, headers, JSON body. */
function message(subject: string, headerValues: Record<string, string>, body: unknown): JsMsg {
  const h = natsHeaders();
  for (const [name, value] of Object.entries(headerValues)) h.set(name, value);
  return { subject, headers: h, json: () => body, redelivered: false } as unknown as JsMsg;
}

let reported = 0;
function report(error: unknown): void {
  if (reported++ < 5) console.error(`probe: ${String(error)}`);
}
process.on('unhandledRejection', report);

async function main(): Promise<void> {
  const id = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const names = Object.fromEntries(ROLES.map((r) => [r, `zt_probe_${r.replace('-', '')}_${id}`])) as Record<
    Role,
    string
  >;
  const drops: (() => Promise<void>)[] = [];
  const sources = new Map<Role, DataSource>();
  const nats = await connect({ servers: NATS });
  const stats = new Client({ connectionString: `${POSTGRES}/postgres` });
  await stats.connect();
  try {
    for (const role of ROLES) {
      const db = await createSagaTestDatabase(POSTGRES, names[role], [CreateBank1764000009000]);
      drops.push(db.drop);
      if (role !== 'transfers') {
        await db.dataSource.query(
          `INSERT INTO accounts (id, balance_cents) SELECT $1 || i, 1000000000000 FROM generate_series(1, $2) AS i`,
          [role === 'bank-a' ? 'a' : 'b', ACCOUNTS],
        );
      }
      await db.dataSource.destroy();
      sources.set(
        role,
        await new DataSource({ type: 'postgres', url: `${POSTGRES}/${names[role]}`, extra: { max: 16 } }).initialize(),
      );
    }
    const saga = benchTransferSaga();
    const runtime = (role: Role) =>
      new SagaRuntime({
        service: role,
        subjectPrefix: `probe-${id.replace('_', '-')}`,
        dataSource: sources.get(role)!,
        nats,
        sagas: role === 'transfers' ? [saga as never] : [],
      });
    const transfers = runtime('transfers');
    const bankA = runtime('bank-a');
    const bankB = runtime('bank-b');
    bankA.participant.register(BenchBank.withdraw, (m, ctx) => withdraw(ctx.manager, m));
    bankB.participant.register(BenchBank.deposit, (m, ctx) => deposit(ctx.manager, m));

    // Mark sent as the relay's fast path does: one autocommit UPDATE per committed batch.
    let markSent = true;
    const captured = (dataSource: DataSource) => (pending: OutboxMessage[]) => {
      const last = pending[pending.length - 1];
      lastMessage.set(last.headers['Saga-Id'], last);
      if (markSent) {
        dataSource
          .query('UPDATE saga_outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL', [
            pending.map((m) => m.id),
          ])
          .catch(report);
      }
    };
    // Rows written in a transaction reach the relay through outboxWritten; those of the
    // orchestrator's autocommit transitions are handed to it directly: both are taken here.
    for (const [, dataSource] of sources) outboxWritten.listen(dataSource, captured(dataSource));
    for (const [role, runtime] of [
      ['transfers', transfers],
      ['bank-a', bankA],
      ['bank-b', bankB],
    ] as const) {
      (runtime as unknown as { relay: { enqueue: (m: OutboxMessage[]) => void } }).relay.enqueue = captured(
        sources.get(role)!,
      );
    }
    const lastMessage = new Map<string, { subject: string; payload: unknown; headers: Record<string, string> }>();
    // A row is handed over once its commit has returned, which may be a tick after the call that wrote it.
    const take = async (sagaId: string) => {
      for (let ticks = 0; !lastMessage.has(sagaId); ticks++) {
        if (ticks > 10_000) throw new Error(`no outbox row of saga ${sagaId}`);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const m = lastMessage.get(sagaId)!;
      lastMessage.delete(sagaId);
      return message(m.subject, m.headers, m.payload);
    };
    const account = (letter: string) => `${letter}${1 + Math.floor(Math.random() * ACCOUNTS)}`;

    const sagaOnce = async () => {
      const sagaId = randomUUID();
      const data = { transferId: sagaId, from: account('a'), to: account('b'), amountCents: 1 };
      await sources.get('transfers')!.transaction((m) => transfers.orchestrator.start(m, saga, data, { sagaId }));
      await bankA.participant.handleMessage(await take(sagaId)); // withdraw command -> reply in A's outbox
      await transfers.orchestrator.handleReply(await take(sagaId)); // reply -> deposit command
      await bankB.participant.handleMessage(await take(sagaId));
      await transfers.orchestrator.handleReply(await take(sagaId)); // -> COMPLETED
    };
    const plainOnce = async () => {
      const transferId = randomUUID();
      const a: Movement = { transferId, account: account('a'), amountCents: 1 };
      const b: Movement = { transferId, account: account('b'), amountCents: 1 };
      const ra: StepResult<unknown> = await sources.get('bank-a')!.transaction((m) => withdraw(m, a));
      const rb: StepResult<unknown> = await sources.get('bank-b')!.transaction((m) => deposit(m, b));
      if (!ra.ok || !rb.ok) throw new Error('plain transfer refused');
      return success();
    };

    // ---- lean-sql: the same rows, fewer statements (see the header) ----
    const toMark = new Map<Role, string[]>(ROLES.map((r) => [r, []]));
    const markTimer = setInterval(() => {
      for (const [role, ids] of toMark) {
        if (ids.length === 0) continue;
        toMark.set(role, []);
        sources
          .get(role)!
          .query('UPDATE saga_outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL', [ids])
          .catch(report);
      }
    }, 100);
    const prefix = `probe-${id.replace('_', '-')}`;
    const leanStart = async (sagaId: string, data: object) => {
      const outboxId = `${sagaId}.2`;
      await sources.get('transfers')!.transaction((m) =>
        m.query(
          `WITH i AS (
             INSERT INTO saga_instance (id, type, definition_version, status, data, outputs, current_step, attempt,
               compensations, headers, deadline_at, version)
             VALUES ($1, 'benchTransfer', 1, 'RUNNING', $2, '{}', 0, 1, '{}', $3, now() + interval '5 s', 2)
             RETURNING id),
           t AS (INSERT INTO saga_timeline (saga_id, step, step_name, phase, attempt, outcome)
             SELECT id, 0, 'withdraw', 'action', 1, 'dispatched' FROM i),
           o AS (INSERT INTO saga_outbox (id, subject, payload, headers) SELECT $4, $5, $6, $3 FROM i)
           SELECT 1`,
          [
            sagaId,
            JSON.stringify(data),
            JSON.stringify({ traceparent: 'x' }),
            outboxId,
            `${prefix}.saga.cmd.bank-a.withdraw`,
            JSON.stringify(data),
          ],
        ),
      );
      toMark.get('transfers')!.push(outboxId);
    };
    const leanParticipant = async (role: 'bank-a' | 'bank-b', sagaId: string, step: number, movement: Movement) => {
      const outboxId = randomUUID();
      await sources.get(role)!.transaction(async (m) => {
        const result = role === 'bank-a' ? await withdraw(m, movement) : await deposit(m, movement);
        const rows: unknown[] = await m.query(
          `WITH b AS (INSERT INTO saga_barrier (saga_id, step, phase, reply) VALUES ($1, $2, 'action', $3)
             ON CONFLICT DO NOTHING RETURNING 1)
           INSERT INTO saga_outbox (id, subject, payload, headers) SELECT $4, $5, $3, $6 FROM b RETURNING 1`,
          [
            sagaId,
            step,
            JSON.stringify(result),
            outboxId,
            `${prefix}.saga.reply.transfers.benchTransfer`,
            JSON.stringify({ 'Saga-Id': sagaId }),
          ],
        );
        if (rows.length === 0) throw new Error('duplicate');
      });
      toMark.get(role)!.push(outboxId);
    };
    const leanReply = async (sagaId: string, step: number) => {
      const ds = sources.get('transfers')!;
      const [instance]: { version: number; outputs: Record<string, unknown> }[] = await ds.query(
        `SELECT id, type, definition_version, status, data, outputs, current_step, attempt, compensations,
           failure, parked_from, headers, version, updated_at FROM saga_instance WHERE id = $1`,
        [sagaId],
      );
      const last = step === 1;
      const outboxId = last ? null : `${sagaId}.${instance.version + 1}`;
      const rows: unknown[] = await ds.query(
        `WITH s AS (
           UPDATE saga_instance SET status = $3, outputs = $4, current_step = $5, attempt = 1,
             deadline_at = CASE WHEN $6::text IS NULL THEN NULL ELSE now() + interval '5 s' END,
             version = version + 1, updated_at = now()
           WHERE id = $1 AND version = $2 RETURNING id, version),
         t AS (INSERT INTO saga_timeline (saga_id, step, step_name, phase, attempt, outcome)
           SELECT s.id, x.step, x.name, 'action', 1, x.outcome FROM s,
             unnest($7::integer[], $8::text[], $9::text[]) AS x (step, name, outcome)),
         o AS (INSERT INTO saga_outbox (id, subject, payload, headers)
           SELECT $6, $10, $11, $12 FROM s WHERE $6::text IS NOT NULL)
         SELECT version FROM s`,
        [
          sagaId,
          instance.version,
          last ? 'COMPLETED' : 'RUNNING',
          JSON.stringify({ ...instance.outputs, [last ? 'deposit' : 'withdraw']: null }),
          last ? -1 : 1,
          outboxId,
          last ? [1, 1] : [0, 1],
          last ? ['deposit', 'deposit'] : ['withdraw', 'deposit'],
          last ? ['succeeded', 'completed'] : ['succeeded', 'dispatched'],
          `${prefix}.saga.cmd.bank-b.deposit`,
          JSON.stringify({ sagaId }),
          JSON.stringify({ 'Saga-Id': sagaId }),
        ],
      );
      if (rows.length !== 1) throw new Error('version conflict');
      if (outboxId) toMark.get('transfers')!.push(outboxId);
    };
    const leanOnce = async () => {
      const sagaId = randomUUID();
      const data = { transferId: sagaId, from: account('a'), to: account('b'), amountCents: 1 };
      await leanStart(sagaId, data);
      await leanParticipant('bank-a', sagaId, 0, { transferId: sagaId, account: data.from, amountCents: 1 });
      await leanReply(sagaId, 0);
      await leanParticipant('bank-b', sagaId, 1, { transferId: sagaId, account: data.to, amountCents: 1 });
      await leanReply(sagaId, 1);
    };

    const rows: (string | number)[][] = [];
    for (const mode of MODES) {
      markSent = mode !== 'saga-db-no-mark-sent';
      const once = mode === 'plain' ? plainOnce : mode === 'lean-sql' ? leanOnce : sagaOnce;
      let done = 0;
      let stop = false;
      let measuring = false;
      const worker = async () => {
        while (!stop) {
          try {
            await once();
            if (measuring) done++;
          } catch (error) {
            report(error);
          }
        }
      };
      const workers = Array.from({ length: CONCURRENCY }, worker);
      await new Promise((r) => setTimeout(r, 2_000));
      const commits = async () =>
        (
          await stats.query<{ n: string }>(
            'SELECT sum(xact_commit) AS n FROM pg_stat_database WHERE datname = ANY($1)',
            [Object.values(names)],
          )
        ).rows[0].n;
      const backends = async () => {
        const { rows: r } = await stats.query<{ pid: number; datname: string }>(
          'SELECT pid, datname FROM pg_stat_activity WHERE datname = ANY($1)',
          [Object.values(names)],
        );
        return new Map(r.map((x) => [x.pid, 'pg (probe databases)']));
      };
      const c0 = Number(await commits());
      const cpu0 = cpuSnapshot({ 'probe (node)': process.pid }, await backends());
      const t0 = performance.now();
      measuring = true;
      tracing = TRACE;
      traced.clear();
      await new Promise((r) => setTimeout(r, SECONDS * 1000));
      tracing = false;
      measuring = false;
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = cpuSnapshot({ 'probe (node)': process.pid }, await backends());
      const c1 = Number(await commits());
      stop = true;
      await Promise.all(workers);
      const tps = done / seconds;
      const cpu = cpuUsage(cpu0, cpu1, seconds);
      const perGlobal = (cores: number) => round((cores / tps) * 1000, 2);
      rows.push([
        mode,
        CONCURRENCY,
        round(tps),
        round((c1 - c0) / seconds / tps, 2),
        perGlobal(cpu['probe (node)'] ?? 0),
        perGlobal(cpu['pg (probe databases)'] ?? 0),
        perGlobal((cpu['pg other'] ?? 0) + (cpu['nats-server'] ?? 0)),
        cpu['rest of machine'] ?? NaN,
      ]);
      process.stderr.write(`probe: ${mode} ${round(tps)} TPS\n`);
      if (TRACE) {
        const total = [...traced.values()].reduce((a, e) => a + e.ms, 0);
        const lines = [...traced]
          .sort((a, b) => b[1].ms - a[1].ms)
          .map(([sql, e]) => [
            sql,
            round(e.count / done, 2),
            round((e.ms / e.count) * 1000),
            round(e.ms / done, 3),
            `${round((100 * e.ms) / total)}%`,
          ]);
        process.stdout.write(`\n${mode}: statements per global transaction (client-side round trips)\n`);
        process.stdout.write(
          formatTable(['statement', 'per global', 'mean us', 'ms per global', 'share'], lines) + '\n',
        );
      }
    }
    clearInterval(markTimer);
    process.stdout.write(
      formatTable(
        [
          'mode',
          'concurrency',
          'global TPS',
          'DB tx / global',
          'node ms CPU / global',
          'pg backends ms CPU / global',
          'pg other + nats ms / global',
          'rest of machine (cores)',
        ],
        rows,
      ) + '\n',
    );
  } finally {
    for (const [, dataSource] of sources) await dataSource.destroy().catch(() => undefined);
    for (const drop of drops) await drop().catch((e: unknown) => console.error(String(e)));
    await stats.end();
    await nats.close();
  }
}

runBenchmark('db-path probe', main);

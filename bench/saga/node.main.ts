/**
 * One node of the benchmark world, as its own process (spawned by saga.bench.ts):
 * - BENCH_ROLE=transfers: the orchestrator; starts a saga per `bench.start` request and
 *   announces each completion on `bench.completed` once its final transaction committed;
 * - BENCH_ROLE=bank-a | bank-b: a participant behind the barrier, and the baseline's direct
 *   request/reply handler running the same SQL in a plain local transaction.
 * Talks to the parent over IPC: `ready` when started, exits when the parent goes away.
 */
import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { connect } from '@nats-io/transport-node';
import type { Msg } from '@nats-io/transport-node';
import { SagaRuntime } from '@zhongtai/saga';
import { PreparingClient } from '@zhongtai/platform';
import { DataSource } from 'typeorm';
import type {
  EntityManager,
  EntitySubscriberInterface,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import {
  benchSubjects,
  BenchBank,
  benchTransferSaga,
  BenchTransfer,
  COMPLETED_KEY,
  deposit,
  Movement,
  refund,
  withdraw,
} from './bench-saga';
import { runBenchmark } from '../lib/run-bench';

Logger.overrideLogger(['error', 'warn']);

type Role = 'transfers' | 'bank-a' | 'bank-b';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function main(): Promise<void> {
  const role = process.env.BENCH_ROLE as Role;
  const prefix = process.env.BENCH_PREFIX!;
  const subjects = benchSubjects(prefix);
  const dataSource = await new DataSource({
    type: 'postgres',
    url: process.env.BENCH_DATABASE_URL!,
    // Connections as the services have them (databaseModule): statements prepared.
    extra: { max: Number(process.env.BENCH_POOL ?? 16), Client: PreparingClient },
  }).initialize();
  const nats = await connect({ servers: process.env.BENCH_NATS_URL!, name: `bench-${role}`, noAsyncTraces: true });
  const saga = benchTransferSaga();
  const runtime = new SagaRuntime({
    service: role,
    subjectPrefix: prefix,
    dataSource,
    nats,
    sagas: role === 'transfers' ? [saga as never] : [],
    ...(process.env.BENCH_CONSUMER_CONCURRENCY ? { concurrency: Number(process.env.BENCH_CONSUMER_CONCURRENCY) } : {}),
  });

  if (role === 'transfers') {
    // Announces completions after commit, the way the library's relay publishes its outbox.
    const announcer: EntitySubscriberInterface = {
      afterTransactionCommit(event: TransactionCommitEvent) {
        const data = event.queryRunner.data as Record<string, unknown>;
        const sagaIds = data[COMPLETED_KEY] as string[] | undefined;
        if (!sagaIds) return;
        delete data[COMPLETED_KEY];
        const committedAt = performance.now();
        for (const sagaId of sagaIds) nats.publish(subjects.completed, encoder.encode(`${sagaId} ${committedAt}`));
      },
      afterTransactionRollback(event: TransactionRollbackEvent) {
        delete (event.queryRunner.data as Record<string, unknown>)[COMPLETED_KEY];
      },
    };
    dataSource.subscribers.push(announcer as never);
    nats.subscribe(subjects.start, {
      queue: 'bench',
      callback: (_error, msg: Msg) => {
        const transfer = JSON.parse(decoder.decode(msg.data)) as BenchTransfer;
        dataSource
          .transaction((manager) =>
            runtime.orchestrator.start(manager, saga, transfer, { sagaId: transfer.transferId }),
          )
          .then(
            () => msg.respond(encoder.encode(JSON.stringify({ committedAt: performance.now() }))),
            (error: unknown) => msg.respond(encoder.encode(JSON.stringify({ error: String(error) }))),
          );
      },
    });
  }
  if (role === 'bank-a') {
    runtime.participant.register(BenchBank.withdraw, (movement, ctx) => withdraw(ctx.manager, movement));
    runtime.participant.register(BenchBank.refund, (movement, ctx) => refund(ctx.manager, movement));
    serveDirect(nats, subjects.directWithdraw, dataSource, withdraw);
  }
  if (role === 'bank-b') {
    runtime.participant.register(BenchBank.deposit, (movement, ctx) => deposit(ctx.manager, movement));
    serveDirect(nats, subjects.directDeposit, dataSource, deposit);
  }

  await runtime.start();

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await runtime.stop();
      await nats.drain();
      await dataSource.destroy();
    } finally {
      process.exit(code);
    }
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  // The parent went away (crashed or killed): do not outlive it.
  process.on('disconnect', () => void stop(1));
  process.send?.({ type: 'ready', pid: process.pid });
}

/** The baseline: one local transaction per request, same SQL, no barrier, no outbox. */
function serveDirect(
  nats: Awaited<ReturnType<typeof connect>>,
  subject: string,
  dataSource: DataSource,
  work: (manager: EntityManager, movement: Movement) => Promise<unknown>,
): void {
  nats.subscribe(subject, {
    queue: 'bench',
    callback: (_error, msg: Msg) => {
      const movement = JSON.parse(decoder.decode(msg.data)) as Movement;
      dataSource
        .transaction((manager) => work(manager, movement))
        .then(
          (result) => msg.respond(encoder.encode(JSON.stringify(result))),
          (error: unknown) => msg.respond(encoder.encode(JSON.stringify({ ok: false, error: String(error) }))),
        );
    },
  });
}

runBenchmark(`bench node ${process.env.BENCH_ROLE}`, main, { exitAtOnce: true });

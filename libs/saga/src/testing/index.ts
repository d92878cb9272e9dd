/**
 * The test kit for sagas built on libs/saga: run them against real PostgreSQL and NATS while
 * duplicating, delaying and reordering deliveries, then check that every instance ended.
 * Crashes at named points come from SAGA_CRASH_AT in a child process (see CRASH_POINTS).
 *
 * @module @zhongtai/saga/testing
 */
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { MixedList } from 'typeorm';
import type { SagaStatus } from '../engine/saga-state';
import { sagaMigrations } from '../migrations';
import type { DeliveryHook, Settlement } from '../transport/durable-consumer';

export type { DeliveryHook, Settlement };

export { chaosDelivery } from '../transport/delivery-chaos';
/** The channel on which committed transactions hand their outbox rows to the relay, for probes that stand in for it. */
export { outboxWritten } from '../outbox/outbox';
export type { ChaosOptions } from '../transport/delivery-chaos';

/** A fresh database with the library's tables and the caller's own migrations. */
export async function createSagaTestDatabase(
  serverUrl: string,
  name: string,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function> = [],
): Promise<{ dataSource: DataSource; drop: () => Promise<void> }> {
  const admin = new Client({ connectionString: `${serverUrl}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const dataSource = new DataSource({
    type: 'postgres',
    url: `${serverUrl}/${name}`,
    migrations: [...sagaMigrations, ...(migrations as never[])],
    extra: { max: 20 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return {
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}

/** Removes the streams of one subject prefix (and with them their consumers). */
export async function deleteSagaStreams(nats: NatsConnection, prefix: string): Promise<void> {
  const jsm = await jetstreamManager(nats);
  for (const name of [`${prefix}_saga_commands`, `${prefix}_saga_replies`]) {
    await jsm.streams.delete(name).catch(() => false);
  }
}

const SETTLED: SagaStatus[] = ['COMPLETED', 'COMPENSATED', 'PARKED'];

/**
 * Waits until every saga (or the given ones) is COMPLETED, COMPENSATED or PARKED and returns
 * the status of each; throws naming the sagas still running when the time is up.
 */
export async function waitForSagas(
  dataSource: DataSource,
  ids?: string[],
  timeoutMs = 30_000,
): Promise<Map<string, SagaStatus>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows: { id: string; status: SagaStatus }[] = ids
      ? await dataSource.query('SELECT id, status FROM saga_instance WHERE id = ANY($1)', [ids])
      : await dataSource.query('SELECT id, status FROM saga_instance');
    const unsettled = rows.filter((r) => !SETTLED.includes(r.status));
    const missing = ids ? ids.length - rows.length : 0;
    if (unsettled.length === 0 && missing === 0) return new Map(rows.map((r) => [r.id, r.status]));
    if (Date.now() > deadline) {
      const sample = unsettled.slice(0, 5).map((r) => `${r.id} ${r.status}`);
      throw new Error(
        `sagas still running after ${timeoutMs} ms: ${unsettled.length} (${sample.join(', ')}), ${missing} missing`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

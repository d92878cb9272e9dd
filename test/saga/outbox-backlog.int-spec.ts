import { SagaQueries } from '@zhongtai/saga';
import type { DataSource } from 'typeorm';
import { eventually } from '../support/infrastructure';
import { TransferWorld } from './fixture/transfer-world';

/**
 * SagaQueries.outboxBacklog on a real database: the orchestrator's node is left unstarted, so
 * the transfers it writes stay in its outbox (no relay publishes them) until it starts.
 */
describe('the outbox backlog', () => {
  let world: TransferWorld;
  let queries: SagaQueries;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers'] });
    await world.openAccounts('bank-a', { alice: 10_000 });
    await world.openAccounts('bank-b', { carol: 0 });
    queries = new SagaQueries(world.node('transfers').dataSource, () => null);
  }, 30_000);

  afterAll(async () => {
    await world?.stop();
  }, 30_000);

  /** What the table says, read directly: the unsent rows and the oldest one's age in seconds. */
  const measured = async (node: string) => {
    const [row]: { n: string; age: number | null }[] = await world
      .node(node)
      .dataSource.query(
        'SELECT count(*) AS n, extract(epoch FROM now() - min(created_at))::float8 AS age FROM saga_outbox WHERE sent_at IS NULL',
      );
    return { unsent: Number(row.n), age: row.age === null ? null : Number(row.age) };
  };

  it('is empty before anything is written', async () => {
    expect(await queries.outboxBacklog()).toEqual({ unsent: 0, oldestAgeSeconds: null });
  });

  it('counts the unsent messages and ages the oldest; once the relay has sent them, it is empty again although the rows stay', async () => {
    const ids: string[] = [];
    ids.push(await world.transfer('alice', 'carol', 100));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    ids.push(await world.transfer('alice', 'carol', 200));
    ids.push(await world.transfer('alice', 'carol', 300));

    const before = await measured('transfers');
    const backlog = await queries.outboxBacklog();
    const after = await measured('transfers');
    // Each transfer wrote its first command (a debit of bank-a): three unsent messages.
    expect(before.unsent).toBe(3);
    expect(backlog.unsent).toBe(before.unsent);
    expect(after.unsent).toBe(before.unsent);
    // The oldest was written before the 1.2 s pause; the figure lies between the two direct readings.
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(1.2);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(Math.floor(before.age! * 1000) / 1000);
    expect(backlog.oldestAgeSeconds).toBeLessThanOrEqual(Math.ceil(after.age! * 1000) / 1000);

    await world.startNode('transfers');
    const statuses = await world.waitForSagas(ids, 20_000);
    expect([...statuses.values()]).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    const empty = await eventually(
      async () => {
        const now = await queries.outboxBacklog();
        return now.unsent === 0 ? now : undefined;
      },
      { timeoutMs: 5_000, what: 'every outbox row of transfers marked sent' },
    );
    expect(empty).toEqual({ unsent: 0, oldestAgeSeconds: null });
    const [rows]: { n: string }[] = await world
      .node('transfers')
      .dataSource.query('SELECT count(*) AS n FROM saga_outbox');
    expect(Number(rows.n)).toBeGreaterThan(3);
  }, 40_000);

  it('is one statement that reads the partial index of unsent rows, not the table', async () => {
    const dataSource = world.node('transfers').dataSource;
    const statements: string[] = [];
    const recording = {
      query: (sql: string, parameters?: unknown[]) => {
        statements.push(sql);
        return dataSource.query(sql, parameters);
      },
    } as unknown as DataSource;
    await new SagaQueries(recording, () => null).outboxBacklog();
    expect(statements).toHaveLength(1);
    const plan = await dataSource.transaction(async (manager) => {
      // The table is tiny, so the planner would scan it whole: forbid that to see the index it can use.
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await manager.query(`EXPLAIN ${statements[0]}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('saga_outbox_unsent');
  });
});

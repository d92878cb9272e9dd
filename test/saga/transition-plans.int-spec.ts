import { SagaRuntime, success } from '@zhongtai/saga';
import { reply } from './fixture/hand-delivery';
import { TransferWorld } from './fixture/transfer-world';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Every table the plan reads by scanning all of it. */
function scannedTables(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' && node['Relation Name'] ? [node['Relation Name']] : [];
  return [...own, ...(node.Plans ?? []).flatMap(scannedTables)];
}

/**
 * The orchestrator's log only grows between retention runs, so a transition must cost the same
 * whatever its size: a statement that scans saga_instance gets slower with every saga ever run.
 * The plans are PostgreSQL's own, for the statements the orchestrator sent, on a log of
 * thousands of finished sagas.
 */
describe('the statements that move a saga on, on a long saga log', () => {
  let world: TransferWorld;
  let runtime: SagaRuntime;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers', 'bank-a', 'bank-b'] });
    runtime = new SagaRuntime(world.runtimeOptions('transfers'));
    const { dataSource } = world.node('transfers');
    await dataSource.query(
      `INSERT INTO saga_instance (id, type, definition_version, status, data, current_step)
       SELECT gen_random_uuid(), 'transfer', 1, 'COMPLETED', '{}', 3 FROM generate_series(1, 5000)`,
    );
    await dataSource.query('ANALYZE saga_instance');
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  it('find the instances they write by key, never by scanning the log', async () => {
    const sagaId = await world.transfer('alice', 'carol', 100);
    const { dataSource } = world.node('transfers');
    const query = jest.spyOn(dataSource, 'query');
    let writes: [string, unknown[]][];
    try {
      await runtime.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 900 })));
      writes = query.mock.calls
        .filter(([sql]) => /UPDATE saga_instance/.test(sql))
        .map(([sql, parameters]) => [sql, parameters as unknown[]]);
    } finally {
      query.mockRestore();
    }
    expect(writes).toHaveLength(1);
    const [[sql, parameters]] = writes;
    const [{ 'QUERY PLAN': plan }]: { 'QUERY PLAN': [{ Plan: PlanNode }] }[] = await dataSource.query(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      parameters,
    );
    expect(scannedTables(plan[0].Plan)).not.toContain('saga_instance');
    const rows: { current_step: number }[] = await dataSource.query(
      'SELECT current_step FROM saga_instance WHERE id = $1',
      [sagaId],
    );
    expect(rows).toEqual([{ current_step: 1 }]);
  });
});

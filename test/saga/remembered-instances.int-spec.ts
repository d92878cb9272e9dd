import { SagaRuntime, success } from '@zhongtai/saga';
import { reply } from './fixture/hand-delivery';
import { TransferWorld } from './fixture/transfer-world';

/**
 * The orchestrator keeps the instances it wrote last so that the next reply needs no read.
 * Two replicas that have not been started (no consumers, no relay) take the replies from the
 * test, so that which replica sees which reply is fixed.
 */
describe('an orchestrator replica that remembers a saga another replica moved on', () => {
  let world: TransferWorld;
  let first: SagaRuntime;
  let second: SagaRuntime;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers', 'bank-a', 'bank-b'] });
    first = new SagaRuntime(world.runtimeOptions('transfers'));
    second = new SagaRuntime(world.runtimeOptions('transfers'));
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  const statusOf = async (sagaId: string) => {
    const rows: { status: string; current_step: number; version: number }[] = await world
      .node('transfers')
      .dataSource.query('SELECT status, current_step, version FROM saga_instance WHERE id = $1', [sagaId]);
    return rows[0];
  };

  it('judges a reply its memory would ignore against the row, and applies it', async () => {
    const sagaId = await world.transfer('alice', 'carol', 100);
    await first.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 900 })));
    expect(await statusOf(sagaId)).toEqual({ status: 'RUNNING', current_step: 1, version: 2 });

    await second.orchestrator.handleReply(reply(sagaId, 1, success(undefined)));
    expect(await statusOf(sagaId)).toEqual({ status: 'RUNNING', current_step: 2, version: 3 });

    // `first` remembers the saga waiting for step 1: on that memory this reply is for a step not yet sent.
    await first.orchestrator.handleReply(reply(sagaId, 2, success(undefined)));
    expect(await statusOf(sagaId)).toMatchObject({ status: 'COMPLETED', version: 4 });
    const transfer: { status: string }[] = await world
      .node('transfers')
      .dataSource.query('SELECT status FROM transfers WHERE id = $1', [sagaId]);
    expect(transfer).toEqual([{ status: 'DONE' }]);
  });

  it('writes over a version it remembers only if the row is still at it', async () => {
    const sagaId = await world.transfer('alice', 'carol', 100);
    await first.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 800 })));
    await second.orchestrator.handleReply(reply(sagaId, 1, success(undefined)));

    // A duplicate of the step-1 reply: `first` remembers step 1 as current, the row is past it.
    await first.orchestrator.handleReply(reply(sagaId, 1, success(undefined)));
    expect(await statusOf(sagaId)).toEqual({ status: 'RUNNING', current_step: 2, version: 3 });
    const advances: { n: string }[] = await world
      .node('transfers')
      .dataSource.query(`SELECT count(*) AS n FROM saga_timeline WHERE saga_id = $1 AND outcome = 'succeeded'`, [
        sagaId,
      ]);
    expect(Number(advances[0].n)).toBe(2);
  });

  it('applies the replies to the commands it sent itself without reading the instance row again', async () => {
    const sagaId = await world.transfer('alice', 'carol', 100);
    const { dataSource } = world.node('transfers');
    const query = jest.spyOn(dataSource, 'query');
    try {
      await first.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 700 })));
      await first.orchestrator.handleReply(reply(sagaId, 1, success(undefined)));
      await first.orchestrator.handleReply(reply(sagaId, 2, success(undefined)));
      const reads = query.mock.calls.filter(([sql]) => /^SELECT [^;]* FROM saga_instance WHERE id = \$1/.test(sql));
      // Only the first reply reads: the saga was started by another runtime, in a transaction.
      expect(reads).toHaveLength(1);
    } finally {
      query.mockRestore();
    }
    expect(await statusOf(sagaId)).toMatchObject({ status: 'COMPLETED', version: 4 });
  });

  it('writes the transitions and endings of replies that arrive together in shared statements, each once', async () => {
    const sagaIds: string[] = [];
    for (let i = 0; i < 20; i++) {
      const sagaId = await world.transfer('alice', 'carol', 1);
      await first.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 500 - i })));
      sagaIds.push(sagaId);
    }
    const { dataSource } = world.node('transfers');
    const query = jest.spyOn(dataSource, 'query');
    try {
      const replies = [...sagaIds, sagaIds[0]].map((id) => reply(id, 1, success(undefined)));
      await Promise.all(replies.map((message) => first.orchestrator.handleReply(message)));
      const writes = query.mock.calls.filter(([sql]) => /UPDATE saga_instance/.test(sql));
      // Two statements in flight at once: the first two replies alone, then the other 18 and the
      // duplicate in one, where the duplicate's version no longer matches and it is judged on the row.
      expect(writes).toHaveLength(3);
    } finally {
      query.mockRestore();
    }
    const advanced: { saga_id: string; n: string }[] = await world.node('transfers').dataSource.query(
      `SELECT saga_id, count(*) AS n FROM saga_timeline
       WHERE saga_id = ANY($1) AND step = 1 AND outcome = 'succeeded' GROUP BY saga_id`,
      [sagaIds],
    );
    expect(advanced.map((row) => [row.saga_id, Number(row.n)]).sort()).toEqual(sagaIds.map((id) => [id, 1]).sort());
    const commands: { n: string }[] = await world
      .node('transfers')
      .dataSource.query(`SELECT count(*) AS n FROM saga_outbox WHERE id = ANY($1)`, [sagaIds.map((id) => `${id}.3`)]);
    expect(Number(commands[0].n)).toBe(20);
    for (const sagaId of sagaIds) {
      expect(await statusOf(sagaId)).toEqual({ status: 'RUNNING', current_step: 2, version: 3 });
    }

    // The last replies end the sagas: their endings and hooks share transactions the same way.
    await Promise.all(sagaIds.map((id) => first.orchestrator.handleReply(reply(id, 2, success(undefined)))));
    const endings: { status: string; transactions: string }[] = await world
      .node('transfers')
      .dataSource.query(
        'SELECT status, count(DISTINCT xmin::text) AS transactions FROM transfers WHERE id = ANY($1) GROUP BY status',
        [sagaIds],
      );
    expect(endings).toEqual([{ status: 'DONE', transactions: '3' }]);
    for (const sagaId of sagaIds) expect(await statusOf(sagaId)).toMatchObject({ status: 'COMPLETED', version: 4 });
  });
});

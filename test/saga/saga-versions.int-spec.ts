import { randomUUID } from 'node:crypto';
import { reviseSaga, SagaRuntime } from '@zhongtai/saga';
import type { AnySagaDefinition } from '@zhongtai/saga';
import { TransferWorld } from './fixture/transfer-world';

/**
 * A saga revised into version 2 runs beside version 1: each instance finishes on the version it
 * started with, and the library's read model says how many instances of each version still live.
 */
describe('two versions of the transfer saga on real PostgreSQL and NATS', () => {
  let world: TransferWorld;
  let runtime: SagaRuntime;
  let withoutSettlement: AnySagaDefinition;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers'] });
    await world.openAccounts('bank-a', { alice: 10_000 });
    await world.openAccounts('bank-b', { carol: 0 });
    withoutSettlement = reviseSaga(world.saga, 2).withoutStep('settle').build();
    runtime = new SagaRuntime({ ...world.runtimeOptions('transfers'), sagas: [world.saga, withoutSettlement] });
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  const start = async (saga: AnySagaDefinition): Promise<string> => {
    const transferId = randomUUID();
    await world.node('transfers').dataSource.transaction(async (manager) => {
      await manager.query('INSERT INTO transfers (id) VALUES ($1)', [transferId]);
      const transfer = { transferId, from: 'alice', to: 'carol', amountCents: 100 };
      await runtime.orchestrator.start(manager, saga, transfer, { sagaId: transferId });
    });
    return transferId;
  };

  it('counts the live instances of each version, finishes each on its own, then counts none', async () => {
    const onVersion1 = await start(world.saga);
    const onVersion2 = await start(withoutSettlement);
    // Not started yet: nothing consumes, so both are live.
    expect(await runtime.queries.liveByDefinition('transfer')).toEqual([
      { type: 'transfer', definitionVersion: 1, live: 1 },
      { type: 'transfer', definitionVersion: 2, live: 1 },
    ]);
    expect(await runtime.queries.countByStatus()).toEqual({
      RUNNING: 2,
      COMPENSATING: 0,
      PARKED: 0,
      COMPLETED: 0,
      COMPENSATED: 0,
    });

    await runtime.start();
    world.node('transfers').runtime = runtime;
    const statuses = await world.waitForSagas([onVersion1, onVersion2], 15_000);
    expect([statuses.get(onVersion1), statuses.get(onVersion2)]).toEqual(['COMPLETED', 'COMPLETED']);

    expect(await world.effects('bank-a', onVersion1)).toEqual({ withdraw: 1, settle: 1 });
    expect(await world.effects('bank-a', onVersion2)).toEqual({ withdraw: 1 });
    const timeline = (await runtime.queries.get(onVersion2))!.timeline.map((e) => `${e.stepName}:${e.outcome}`);
    expect(timeline).toEqual([
      'withdraw:dispatched',
      'withdraw:succeeded',
      'deposit:dispatched',
      'deposit:succeeded',
      'deposit:completed',
    ]);
    expect(await runtime.queries.liveByDefinition()).toEqual([]);
    expect(await runtime.queries.countByStatus()).toMatchObject({ RUNNING: 0, COMPLETED: 2 });
  }, 30_000);
});

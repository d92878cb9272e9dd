import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { BLOCKED_BY_COMPENSATION, deleteExpired } from '@zhongtai/saga';
import { chaosDelivery, ChaosOptions } from '@zhongtai/saga/testing';
import type { DeliveryHook } from '@zhongtai/saga/testing';
import { eventually } from '../support/infrastructure';
import { BankFaults } from './fixture/bank.handlers';
import { TransferWorld } from './fixture/transfer-world';

/** A delivery hook whose chaos a test can change between runs. */
function adjustableChaos(): { hook: DeliveryHook; set: (options: ChaosOptions) => void } {
  let current = chaosDelivery({});
  return {
    hook: (message, deliver) => current(message, deliver),
    set: (options) => (current = chaosDelivery(options)),
  };
}

describe('saga delivery faults', () => {
  const chaos = adjustableChaos();
  let world: TransferWorld;

  beforeAll(async () => {
    world = await TransferWorld.create({ runtime: { deliveryHook: chaos.hook } });
    await world.openAccounts('bank-a', { alice: 1_000_000, bob: 1_000_000, poor: 5 });
    await world.openAccounts('bank-b', { carol: 0, dave: 0, closed: 0 }, ['closed']);
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  it('applies every command delivered three times and every reply duplicated exactly once', async () => {
    chaos.set({ duplicates: 2, maxDelayMs: 20 });
    const moneyBefore = await world.totalMoney();
    const ids = await Promise.all([
      ...Array.from({ length: 12 }, (_, i) =>
        world.transfer(i % 2 ? 'alice' : 'bob', i % 3 ? 'carol' : 'dave', 100 + i),
      ),
      world.transfer('poor', 'carol', 500),
      world.transfer('alice', 'closed', 300),
    ]);
    const statuses = await world.waitForSagas(ids);
    expect([...statuses.values()].filter((s) => s === 'COMPLETED')).toHaveLength(12);
    expect(statuses.get(ids[12])).toBe('COMPENSATED');
    expect(statuses.get(ids[13])).toBe('COMPENSATED');
    expect(await world.effectViolations(ids)).toEqual([]);
    expect(await world.totalMoney()).toBe(moneyBefore);
    for (const id of ids) {
      const { timeline } = (await world.node('transfers').runtime!.queries.get(id))!;
      const advances = timeline.filter((e) => e.outcome === 'succeeded' || e.outcome === 'failed');
      expect(new Set(advances.map((e) => `${e.step}:${e.phase}`)).size).toBe(advances.length);
    }
  }, 30_000);

  it('advances each saga once per reply with two orchestrator replicas racing', async () => {
    chaos.set({ duplicates: 1, maxDelayMs: 10 });
    const replica = await world.startReplica('transfers');
    const ids = await Promise.all(Array.from({ length: 20 }, () => world.transfer('alice', 'carol', 10)));
    await world.waitForSagas(ids);
    expect(await world.effectViolations(ids)).toEqual([]);
    const rows: { saga_id: string; n: string }[] = await world.node('transfers').dataSource.query(
      `SELECT saga_id, count(*) AS n FROM saga_timeline WHERE saga_id = ANY($1) AND outcome = 'succeeded'
       GROUP BY saga_id`,
      [ids],
    );
    expect(rows.map((r) => Number(r.n))).toEqual(ids.map(() => 3));
    await replica.stop();
  }, 30_000);

  it('reaches a final state with effects once under random duplication and reordering', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ duplicates: fc.integer({ min: 0, max: 2 }), maxDelayMs: fc.integer({ min: 0, max: 40 }) }),
        fc.array(fc.record({ from: fc.constantFrom('alice', 'poor'), to: fc.constantFrom('carol', 'closed') }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (options, transfers) => {
          chaos.set(options);
          const moneyBefore = await world.totalMoney();
          const ids = await Promise.all(transfers.map((t) => world.transfer(t.from, t.to, 7)));
          const statuses = await world.waitForSagas(ids);
          expect(await world.effectViolations(ids)).toEqual([]);
          expect(await world.totalMoney()).toBe(moneyBefore);
          transfers.forEach((t, i) => {
            const expected = t.from === 'alice' && t.to === 'carol' ? 'COMPLETED' : 'COMPENSATED';
            expect(statuses.get(ids[i])).toBe(expected);
          });
        },
      ),
      { numRuns: 8 },
    );
  }, 60_000);
});

describe('the barrier against disorder (DTM cases)', () => {
  let world: TransferWorld;

  beforeAll(async () => {
    world = await TransferWorld.create();
    await world.openAccounts('bank-a', { alice: 1_000 });
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  async function send(command: string, sagaId: string, phase: 'action' | 'compensation', payload: unknown) {
    const headers = natsHeaders();
    const values: Record<string, string> = {
      'Saga-Id': sagaId,
      'Saga-Step': '0',
      'Saga-Phase': phase,
      'Saga-Attempt': '1',
      'Saga-Command': command,
      'Saga-Reply-To': `${world.prefix}.saga.reply.probe.transfer`,
    };
    for (const [name, value] of Object.entries(values)) headers.set(name, value);
    await jetstream(world.node('bank-a').nats).publish(`${world.prefix}.saga.cmd.${command}`, JSON.stringify(payload), {
      headers,
      msgID: randomUUID(),
    });
  }

  it('turns a compensation before its action into a no-op and refuses the late action', async () => {
    const sagaId = randomUUID();
    const movement = { transferId: sagaId, account: 'alice', amountCents: 400 };
    await Promise.all([
      send('bank-a.refund', sagaId, 'compensation', movement),
      send('bank-a.refund', sagaId, 'compensation', movement),
    ]);
    const barrier = async () =>
      world
        .node('bank-a')
        .dataSource.query('SELECT phase, reply FROM saga_barrier WHERE saga_id = $1 ORDER BY phase', [
          sagaId,
        ]) as Promise<{ phase: string; reply: unknown }[]>;
    await eventually(async () => ((await barrier()).length === 2 ? true : undefined), {
      timeoutMs: 10_000,
      what: 'the compensation and its no-op action row in the barrier',
    });

    await send('bank-a.withdraw', sagaId, 'action', movement);
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(await barrier()).toEqual([
      { phase: 'action', reply: { ok: false, reason: BLOCKED_BY_COMPENSATION } },
      { phase: 'compensation', reply: { ok: true, output: null } },
    ]);
    expect(await world.balance('bank-a', 'alice')).toBe(1_000);
    expect(await world.effects('bank-a', sagaId)).toEqual({});
  }, 20_000);
});

describe('parking and re-driving', () => {
  const bankA = new BankFaults();
  let world: TransferWorld;

  beforeAll(async () => {
    world = await TransferWorld.create({
      faults: { bankA },
      policy: { timeoutMs: 300, maxAttempts: 2, maxTimeoutMs: 600 },
      runtime: { topology: { backoffMs: [1_000], maxDeliver: 2 } },
    });
    await world.openAccounts('bank-a', { alice: 1_000 });
    await world.openAccounts('bank-b', { carol: 0 });
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  it('parks a saga whose step after the pivot exhausts its retries, and completes it once re-driven', async () => {
    bankA.throwsLeft.set('settle', 1_000);
    const id = await world.transfer('alice', 'carol', 100);
    expect((await world.waitForSagas([id], 15_000)).get(id)).toBe('PARKED');
    const parked = await world.node('transfers').runtime!.queries.get(id);
    expect(parked).toMatchObject({ status: 'PARKED', currentStep: 'settle' });
    expect(parked!.timeline.at(-1)).toMatchObject({ stepName: 'settle', outcome: 'parked' });

    bankA.throwsLeft.set('settle', 0);
    expect(await world.node('transfers').runtime!.orchestrator.redrive(id)).toBe(true);
    expect((await world.waitForSagas([id], 15_000)).get(id)).toBe('COMPLETED');
    expect(await world.effects('bank-a', id)).toEqual({ withdraw: 1, settle: 1 });
    expect(await world.node('transfers').runtime!.orchestrator.redrive(id)).toBe(false);
  }, 30_000);
});

describe('retention', () => {
  let world: TransferWorld;

  beforeAll(async () => {
    world = await TransferWorld.create();
    await world.openAccounts('bank-a', { alice: 1_000 });
    await world.openAccounts('bank-b', { carol: 0 });
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  it('deletes finished sagas, barrier rows and sent outbox rows past the age, in batches', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => world.transfer('alice', 'carol', 1)));
    await world.waitForSagas(ids);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const transfers = world.node('transfers').dataSource;
    const bankA = world.node('bank-a').dataSource;
    const count = async (ds: typeof transfers, table: string) =>
      Number((await ds.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
    expect(await count(transfers, 'saga_instance')).toBe(5);

    expect(await deleteExpired(transfers, { maxAgeMs: 3_600_000, intervalMs: 0, batchSize: 2 })).toBe(0);
    const deleted = await deleteExpired(transfers, { maxAgeMs: 0, intervalMs: 0, batchSize: 2 });
    await deleteExpired(bankA, { maxAgeMs: 0, intervalMs: 0, batchSize: 2 });
    expect(deleted).toBeGreaterThanOrEqual(5);
    expect(await count(transfers, 'saga_instance')).toBe(0);
    expect(await count(transfers, 'saga_timeline')).toBe(0);
    expect(await count(transfers, 'saga_outbox')).toBe(0);
    expect(await count(bankA, 'saga_barrier')).toBe(0);
  });
});

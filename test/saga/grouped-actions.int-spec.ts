import type { JsMsg } from '@nats-io/jetstream';
import { SagaRuntime } from '@zhongtai/saga';
import { randomUUID } from 'node:crypto';
import { registerBankA } from './fixture/bank.handlers';
import { TransferWorld } from './fixture/transfer-world';

/** A withdraw command as bank-a's consumer hands it over. */
function withdraw(sagaId: string, account: string, amountCents: number): JsMsg {
  const headers: Record<string, string> = {
    'Saga-Id': sagaId,
    'Saga-Step': '0',
    'Saga-Phase': 'action',
    'Saga-Attempt': '1',
    'Saga-Command': 'bank-a.withdraw',
    'Saga-Reply-To': 'test.reply',
  };
  return {
    subject: 'command',
    headers: {
      get: (name: string) => headers[name],
      [Symbol.iterator]: () =>
        Object.entries(headers)
          .map(([name, value]) => [name, [value]])
          [Symbol.iterator](),
    },
    json: () => ({ transferId: sagaId, account, amountCents }),
  } as unknown as JsMsg;
}

/**
 * Actions that wait together run in one transaction; one that cannot share it (a refusal, a
 * duplicate) leaves the group and runs alone. A participant runtime that has not been started
 * (no consumer, no relay) takes the commands from the test.
 */
describe('a participant that commits waiting actions together', () => {
  let world: TransferWorld;
  let bankA: SagaRuntime;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers', 'bank-a', 'bank-b'] });
    bankA = new SagaRuntime(world.runtimeOptions('bank-a'));
    registerBankA(bankA);
    await world.openAccounts('bank-a', { rich: 100_000, poor: 5 });
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  const query = <T>(sql: string, parameters: unknown[]) =>
    world.node('bank-a').dataSource.query(sql, parameters) as Promise<T>;

  it('runs them in one transaction, and a refusal and a duplicate each alone, with their own replies', async () => {
    const earlier = randomUUID();
    await bankA.participant.handleMessage(withdraw(earlier, 'rich', 100));
    const first = randomUUID();
    const grouped = Array.from({ length: 8 }, () => randomUUID());
    const refused = randomUUID();

    const messages = [
      withdraw(first, 'rich', 100),
      ...grouped.map((id) => withdraw(id, 'rich', 100)),
      withdraw(refused, 'poor', 100),
      withdraw(earlier, 'rich', 100),
    ];
    const settlements = await Promise.all(messages.map((message) => bankA.participant.handleMessage(message)));

    expect(settlements.every((settlement) => 'ack' in settlement)).toBe(true);
    // The first went alone at once; the eight that waited behind it committed together.
    const transactions = await query<{ n: string }[]>(
      'SELECT count(DISTINCT xmin::text) AS n FROM journal WHERE transfer_id = ANY($1)',
      [grouped],
    );
    expect(Number(transactions[0].n)).toBe(1);
    const withdrawals = await query<{ transfer_id: string; n: string }[]>(
      'SELECT transfer_id, count(*) AS n FROM journal GROUP BY transfer_id',
      [],
    );
    expect(Object.fromEntries(withdrawals.map((row) => [row.transfer_id, Number(row.n)]))).toEqual(
      Object.fromEntries([earlier, first, ...grouped].map((id) => [id, 1])),
    );
    expect(await world.balance('bank-a', 'rich')).toBe(100_000 - 10 * 100);
    expect(await world.balance('bank-a', 'poor')).toBe(5);

    const replies = await query<{ saga: string; payload: { ok: boolean; reason?: string } }[]>(
      `SELECT headers->>'Saga-Id' AS saga, payload FROM saga_outbox WHERE subject = 'test.reply'`,
      [],
    );
    const byReply = (id: string) => replies.filter((reply) => reply.saga === id).map((reply) => reply.payload);
    expect(byReply(refused)).toEqual([{ ok: false, reason: 'INSUFFICIENT_FUNDS' }]);
    expect(byReply(earlier)).toEqual([
      { ok: true, output: { balanceCents: 99_900 } },
      { ok: true, output: { balanceCents: 99_900 } },
    ]);
    for (const id of [first, ...grouped]) expect(byReply(id)).toEqual([expect.objectContaining({ ok: true })]);
  });
});

/** A handler registered to run alone (one that calls an outside API) never joins a group. */
describe('a participant handler that runs alone', () => {
  let world: TransferWorld;
  let bankA: SagaRuntime;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers', 'bank-a', 'bank-b'] });
    bankA = new SagaRuntime(world.runtimeOptions('bank-a'));
    registerBankA(bankA, undefined, { alone: true });
    await world.openAccounts('bank-a', { rich: 100_000 });
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  it('commits each action that waited together in a transaction of its own, each once', async () => {
    const transfers = Array.from({ length: 8 }, () => randomUUID());
    const settlements = await Promise.all(
      [...transfers, transfers[0]].map((id) => bankA.participant.handleMessage(withdraw(id, 'rich', 100))),
    );
    expect(settlements.every((settlement) => 'ack' in settlement)).toBe(true);
    const rows: { transactions: string; withdrawals: string }[] = await world
      .node('bank-a')
      .dataSource.query(
        'SELECT count(DISTINCT xmin::text) AS transactions, count(*) AS withdrawals FROM journal WHERE transfer_id = ANY($1)',
        [transfers],
      );
    expect(rows).toEqual([{ transactions: '8', withdrawals: '8' }]);
    expect(await world.balance('bank-a', 'rich')).toBe(100_000 - 8 * 100);
  });
});

import { randomUUID } from 'node:crypto';
import { defineCommand, failure, SagaRuntime, success } from '@zhongtai/saga';
import type { Phase } from '@zhongtai/saga';
import { registerBankA } from './fixture/bank.handlers';
import { delivery, reply } from './fixture/hand-delivery';
import { TransferWorld } from './fixture/transfer-world';

/**
 * The library's rules that no fault-free run exercises, each driven by hand: no process is
 * started, the test hands every command and reply to the runtime that handles it, so what the
 * library decides is the only thing that can make a case pass or fail.
 */
describe('the saga library decides', () => {
  let world: TransferWorld;
  let transfers: SagaRuntime;
  let bankA: SagaRuntime;

  beforeAll(async () => {
    world = await TransferWorld.create({ external: ['transfers', 'bank-a', 'bank-b'] });
    await world.openAccounts('bank-a', { alice: 1_000, bob: 50 });
    await world.openAccounts('bank-b', { carol: 0, closed: 0 }, ['closed']);
    transfers = new SagaRuntime(world.runtimeOptions('transfers'));
    bankA = new SagaRuntime(world.runtimeOptions('bank-a'));
    registerBankA(bankA);
  }, 30_000);

  afterAll(() => world?.stop(), 30_000);

  const instance = async (sagaId: string) => {
    const rows: { status: string; current_step: number; version: number }[] = await world
      .node('transfers')
      .dataSource.query('SELECT status, current_step, version FROM saga_instance WHERE id = $1', [sagaId]);
    return rows[0];
  };

  /** A first delivery of a bank-a command for step 0 of `sagaId`, as the orchestrator sends it. */
  const bankACommand = (sagaId: string, name: string, phase: Phase, body: unknown) =>
    delivery(
      `${world.prefix}.saga.cmd.bank-a.${name}`,
      {
        'Saga-Id': sagaId,
        'Saga-Step': '0',
        'Saga-Phase': phase,
        'Saga-Attempt': '1',
        'Saga-Command': `bank-a.${name}`,
        'Saga-Reply-To': `${world.prefix}.saga.reply.transfers.transfer`,
      },
      body,
    );

  /** The replies bank-a has written for a saga, in order, as `{ phase, payload }`. */
  const bankAReplies = (sagaId: string): Promise<{ payload: unknown; phase: string }[]> =>
    world
      .node('bank-a')
      .dataSource.query(
        `SELECT payload, headers->>'Saga-Phase' AS phase FROM saga_outbox WHERE headers->>'Saga-Id' = $1 ORDER BY created_at, id`,
        [sagaId],
      );

  /** The commands the orchestrator has written for a saga, as `<command>:<phase>`, in order. */
  const commands = async (sagaId: string) => {
    const rows: { command: string; phase: string }[] = await world.node('transfers').dataSource.query(
      `SELECT headers->>'Saga-Command' AS command, headers->>'Saga-Phase' AS phase FROM saga_outbox
       WHERE headers->>'Saga-Id' = $1 ORDER BY created_at, id`,
      [sagaId],
    );
    return rows.map((row) => `${row.command}:${row.phase}`);
  };

  it('parks a saga whose step after the pivot refuses, and dispatches no compensation', async () => {
    const sagaId = await world.transfer('alice', 'carol', 100);
    await transfers.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 900 })));
    await transfers.orchestrator.handleReply(reply(sagaId, 1, success(undefined)));
    await transfers.orchestrator.handleReply(reply(sagaId, 2, failure('SETTLEMENT_REFUSED')));

    expect(await instance(sagaId)).toMatchObject({ status: 'PARKED', current_step: 2 });
    expect(await commands(sagaId)).toEqual(['bank-a.withdraw:action', 'bank-b.deposit:action', 'bank-a.settle:action']);
    const detail = await transfers.queries.get(sagaId);
    expect(detail!.timeline.filter((entry) => entry.phase === 'compensation')).toEqual([]);
  });

  it('ignores a late reply of the wrong phase while it compensates a step', async () => {
    const sagaId = await world.transfer('alice', 'closed', 100);
    await transfers.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 900 })));
    await transfers.orchestrator.handleReply(reply(sagaId, 1, failure('ACCOUNT_CLOSED')));
    const compensating = await instance(sagaId);
    expect(compensating).toMatchObject({ status: 'COMPENSATING', current_step: 0 });
    const sent = await commands(sagaId);
    expect(sent.at(-1)).toBe('bank-a.refund:compensation');

    // The action's reply again (a redelivery, or a late attempt): step 0 is being compensated.
    await transfers.orchestrator.handleReply(reply(sagaId, 0, success({ balanceCents: 900 })));
    // A compensation reply for the step that refused, which was never compensated.
    await transfers.orchestrator.handleReply(reply(sagaId, 1, success(null), 'compensation'));
    expect(await instance(sagaId)).toEqual(compensating);
    expect(await commands(sagaId)).toEqual(sent);

    await transfers.orchestrator.handleReply(reply(sagaId, 0, success(undefined), 'compensation'));
    expect(await instance(sagaId)).toMatchObject({ status: 'COMPENSATED' });
  });

  it('makes a compensation after a refused action a no-op, and its reply says nothing was undone', async () => {
    const sagaId = await world.transfer('bob', 'carol', 500);
    const movement = { transferId: sagaId, account: 'bob', amountCents: 500 };
    const command = (name: string, phase: Phase) => bankACommand(sagaId, name, phase, movement);
    const barrier = () =>
      world
        .node('bank-a')
        .dataSource.query('SELECT phase, reply FROM saga_barrier WHERE saga_id = $1 ORDER BY phase', [sagaId]);

    await bankA.participant.handleMessage(command('withdraw', 'action'));
    expect(await barrier()).toEqual([{ phase: 'action', reply: { ok: false, reason: 'INSUFFICIENT_FUNDS' } }]);

    // The orchestrator never saw that refusal (the step timed out) and compensates the step.
    await bankA.participant.handleMessage(command('refund', 'compensation'));
    expect(await world.balance('bank-a', 'bob')).toBe(50);
    expect(await world.effects('bank-a', sagaId)).toEqual({});
    expect(await barrier()).toEqual([
      { phase: 'action', reply: { ok: false, reason: 'INSUFFICIENT_FUNDS' } },
      { phase: 'compensation', reply: { ok: true, output: null } },
    ]);
    expect(await bankAReplies(sagaId)).toEqual([
      { phase: 'action', payload: { ok: false, reason: 'INSUFFICIENT_FUNDS' } },
      { phase: 'compensation', payload: { ok: true, output: null } },
    ]);
  });

  it('answers a late action whose handler throws on what its compensation left with the barrier, not a redelivery', async () => {
    // A participant whose action throws once its compensation has run (as a reserve of a
    // released reservation does): the barrier, claimed by that compensation, must answer.
    const hold = defineCommand<{ account: string }>('bank-a', 'hold');
    const releaseHold = defineCommand<{ account: string }>('bank-a', 'releaseHold');
    const strict = new SagaRuntime(world.runtimeOptions('bank-a'));
    let actionRuns = 0;
    strict.participant.register(hold, async () => {
      actionRuns++;
      throw new Error('the hold was given up already');
    });
    strict.participant.register(releaseHold, async () => success());
    const sagaId = randomUUID();
    const command = (name: string, phase: Phase) => bankACommand(sagaId, name, phase, { account: 'alice' });

    await expect(strict.participant.handleMessage(command('releaseHold', 'compensation'))).resolves.toEqual({
      ack: true,
    });
    await expect(strict.participant.handleMessage(command('hold', 'action'))).resolves.toEqual({ ack: true });

    expect(actionRuns).toBe(1);
    expect(await bankAReplies(sagaId)).toEqual([
      { phase: 'compensation', payload: { ok: true, output: null } },
      { phase: 'action', payload: { ok: false, reason: 'BLOCKED_BY_COMPENSATION' } },
    ]);
  });

  it('still lets a throwing action be redelivered when no barrier answers for it', async () => {
    const fails = defineCommand<{ account: string }>('bank-a', 'failsOnce');
    const runtime = new SagaRuntime(world.runtimeOptions('bank-a'));
    runtime.participant.register(fails, async () => {
      throw new Error('a transient failure');
    });
    const message = bankACommand(randomUUID(), 'failsOnce', 'action', { account: 'alice' });
    await expect(runtime.participant.handleMessage(message)).rejects.toThrow('a transient failure');
  });
});

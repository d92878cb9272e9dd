import { BankFaults } from './fixture/bank.handlers';
import { TransferWorld } from './fixture/transfer-world';

describe('the transfer saga on real PostgreSQL and NATS', () => {
  describe('without faults', () => {
    let world: TransferWorld;

    beforeAll(async () => {
      world = await TransferWorld.create();
      await world.openAccounts('bank-a', { alice: 10_000, bob: 100 });
      await world.openAccounts('bank-b', { carol: 0, closed: 0 }, ['closed']);
    }, 30_000);

    afterAll(() => world?.stop(), 30_000);

    it('moves the money and completes every step once', async () => {
      const id = await world.transfer('alice', 'carol', 2_500);
      expect((await world.waitForSagas([id])).get(id)).toBe('COMPLETED');
      expect(await world.balance('bank-a', 'alice')).toBe(7_500);
      expect(await world.balance('bank-b', 'carol')).toBe(2_500);
      expect(await world.effects('bank-a', id)).toEqual({ withdraw: 1, settle: 1 });
      expect(await world.effects('bank-b', id)).toEqual({ deposit: 1 });
      expect(await world.transferStatus(id)).toEqual({ status: 'DONE', reason: null });
    });

    it('ends compensated with the reason when the first step refuses, undoing nothing', async () => {
      const id = await world.transfer('bob', 'carol', 5_000);
      expect((await world.waitForSagas([id])).get(id)).toBe('COMPENSATED');
      expect(await world.balance('bank-a', 'bob')).toBe(100);
      expect(await world.effects('bank-a', id)).toEqual({});
      expect(await world.transferStatus(id)).toEqual({ status: 'FAILED', reason: 'INSUFFICIENT_FUNDS' });
    });

    it('refunds the withdrawal once when the pivot refuses', async () => {
      const before = await world.balance('bank-a', 'alice');
      const id = await world.transfer('alice', 'closed', 1_000);
      expect((await world.waitForSagas([id])).get(id)).toBe('COMPENSATED');
      expect(await world.balance('bank-a', 'alice')).toBe(before);
      expect(await world.effects('bank-a', id)).toEqual({ withdraw: 1, refund: 1 });
      expect(await world.effects('bank-b', id)).toEqual({});
      expect(await world.transferStatus(id)).toEqual({ status: 'FAILED', reason: 'ACCOUNT_CLOSED' });
    });

    it('records every transition on the timeline, in order', async () => {
      const id = await world.transfer('alice', 'carol', 100);
      await world.waitForSagas([id]);
      const detail = await world.node('transfers').runtime!.queries.get(id);
      expect(detail!.timeline.map((e) => `${e.stepName}:${e.phase}:${e.outcome}`)).toEqual([
        'withdraw:action:dispatched',
        'withdraw:action:succeeded',
        'deposit:action:dispatched',
        'deposit:action:succeeded',
        'settle:action:dispatched',
        'settle:action:succeeded',
        'settle:action:completed',
      ]);
      expect(detail!.status).toBe('COMPLETED');
    });
  });

  describe('with transient failures', () => {
    const bankB = new BankFaults();
    let world: TransferWorld;

    beforeAll(async () => {
      world = await TransferWorld.create({ faults: { bankB } });
      await world.openAccounts('bank-a', { alice: 10_000 });
      await world.openAccounts('bank-b', { carol: 0 });
    }, 30_000);

    afterAll(() => world?.stop(), 30_000);

    it('retries a thrown error and then succeeds, with effects once', async () => {
      bankB.throwsLeft.set('deposit', 3);
      const id = await world.transfer('alice', 'carol', 1_000);
      expect((await world.waitForSagas([id])).get(id)).toBe('COMPLETED');
      expect(bankB.throwsLeft.get('deposit')).toBe(0);
      expect(await world.effects('bank-b', id)).toEqual({ deposit: 1 });
      expect(await world.balance('bank-b', 'carol')).toBe(1_000);
    });
  });

  describe('with a participant slower than the deadline', () => {
    const bankB = new BankFaults();
    let world: TransferWorld;

    beforeAll(async () => {
      world = await TransferWorld.create({
        faults: { bankB },
        policy: { timeoutMs: 400, maxAttempts: 2, maxTimeoutMs: 800 },
      });
      await world.openAccounts('bank-a', { alice: 10_000 });
      await world.openAccounts('bank-b', { carol: 1_000 });
    }, 30_000);

    afterAll(() => world?.stop(), 30_000);

    it('times out the step, compensates it and the steps before it, leaving balances as they were', async () => {
      bankB.hangMs.set('deposit', 2_500);
      const id = await world.transfer('alice', 'carol', 700);
      expect((await world.waitForSagas([id], 20_000)).get(id)).toBe('COMPENSATED');
      // The slow deposit commits after its deadline, or is blocked by the compensation that came
      // first; either way the compensation leaves both banks where they started.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect(await world.balance('bank-a', 'alice')).toBe(10_000);
      expect(await world.balance('bank-b', 'carol')).toBe(1_000);
      const effects = await world.effects('bank-b', id);
      expect(effects.deposit ?? 0).toBe(effects.reverseDeposit ?? 0);
      expect(await world.effects('bank-a', id)).toEqual({ withdraw: 1, refund: 1 });
      expect(await world.transferStatus(id)).toEqual({ status: 'FAILED', reason: 'TIMEOUT' });
    }, 30_000);
  });
});

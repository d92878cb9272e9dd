import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { failure, success } from '../definition/command';
import { createSagaTestDatabase } from '../testing';
import { runBehindBarrier } from './barrier';
import { claimForLateReply, deliverLateReply } from './late-reply';

const POSTGRES = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REPLY = { subject: 'test.saga.reply.shop.checkout', headers: { 'saga-id': 'kept as given' } };

/** A step whose reply comes later, on a real PostgreSQL: claimed, answered once, refused after its compensation. */
describe('late replies', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource, drop } = await createSagaTestDatabase(
      POSTGRES,
      `zt_late_reply_${process.pid}_${randomBytes(3).toString('hex')}`,
    ));
  });
  afterAll(() => drop());

  const address = (phase: 'action' | 'compensation' = 'action') => ({
    sagaId: randomUUID(),
    step: 2,
    phase,
    attempt: 1,
  });
  const outbox = async (subject: string) =>
    (await dataSource.query('SELECT payload, headers FROM saga_outbox WHERE subject = $1', [subject])) as {
      payload: unknown;
      headers: Record<string, string>;
    }[];

  it('claims the barrier once and sends nothing until the reply is delivered, then sends it exactly once', async () => {
    const action = address();
    const subject = `${REPLY.subject}.${action.sagaId}`;
    expect(await dataSource.transaction((m) => claimForLateReply(m, action, { ...REPLY, subject }))).toBe(true);
    expect(await dataSource.transaction((m) => claimForLateReply(m, action, { ...REPLY, subject }))).toBe(false);
    expect(await outbox(subject)).toEqual([]);

    const late = { sagaId: action.sagaId, step: action.step };
    const first = await dataSource.transaction((m) => deliverLateReply(m, late, success({ paid: true })));
    const second = await dataSource.transaction((m) => deliverLateReply(m, late, failure('DECLINED')));
    expect([first, second]).toEqual(['sent', 'already-sent']);
    expect(await outbox(subject)).toEqual([{ payload: { ok: true, output: { paid: true } }, headers: REPLY.headers }]);
  });

  it('answers two concurrent deliveries of one outcome once between them', async () => {
    const action = address();
    const subject = `${REPLY.subject}.${action.sagaId}`;
    await dataSource.transaction((m) => claimForLateReply(m, action, { ...REPLY, subject }));
    const late = { sagaId: action.sagaId, step: action.step };
    const outcomes = await Promise.all(
      [1, 2, 3].map(() => dataSource.transaction((m) => deliverLateReply(m, late, success()))),
    );
    expect(outcomes.sort()).toEqual(['already-sent', 'already-sent', 'sent']);
    expect(await outbox(subject)).toHaveLength(1);
  });

  it('runs the compensation of a step awaiting its reply, and then refuses the late reply', async () => {
    const action = address();
    const subject = `${REPLY.subject}.${action.sagaId}`;
    await dataSource.transaction((m) => claimForLateReply(m, action, { ...REPLY, subject }));
    let undone = 0;
    const compensation = { ...action, phase: 'compensation' as const };
    const { result } = await dataSource.transaction((m) =>
      runBehindBarrier(m, compensation, async () => {
        undone++;
        return success();
      }),
    );
    expect([result.ok, undone]).toEqual([true, 1]);
    const late = { sagaId: action.sagaId, step: action.step };
    expect(await dataSource.transaction((m) => deliverLateReply(m, late, success()))).toBe('compensated');
    expect(await outbox(subject)).toEqual([]);
  });

  /** A promise and the function that settles it, to hold one transaction open while another runs. */
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened };
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('makes a reply delivered while the compensation runs wait for it, then refuses it', async () => {
    const action = address();
    const subject = `${REPLY.subject}.${action.sagaId}`;
    await dataSource.transaction((m) => claimForLateReply(m, action, { ...REPLY, subject }));
    const handlerRuns = gate();
    const handlerMayEnd = gate();
    let undone = 0;
    const compensating = dataSource.transaction((m) =>
      runBehindBarrier(m, { ...action, phase: 'compensation' }, async () => {
        handlerRuns.open();
        await handlerMayEnd.opened;
        undone++;
        return success();
      }),
    );
    await handlerRuns.opened;
    const delivering = dataSource.transaction((m) =>
      deliverLateReply(m, { sagaId: action.sagaId, step: action.step }, success({ paid: true })),
    );
    await sleep(200);
    handlerMayEnd.open();
    const [{ result }, delivered] = await Promise.all([compensating, delivering]);
    expect({ compensated: result.ok, undone, delivered }).toEqual({
      compensated: true,
      undone: 1,
      delivered: 'compensated',
    });
    expect(await outbox(subject)).toEqual([]);
  });

  it('makes a compensation that comes while a reply is being delivered wait for it, then undo what it answered', async () => {
    const action = address();
    const subject = `${REPLY.subject}.${action.sagaId}`;
    await dataSource.transaction((m) => claimForLateReply(m, action, { ...REPLY, subject }));
    const delivered = gate();
    const deliveryMayCommit = gate();
    const delivering = dataSource.transaction(async (m) => {
      const outcome = await deliverLateReply(m, { sagaId: action.sagaId, step: action.step }, success({ paid: true }));
      delivered.open();
      await deliveryMayCommit.opened;
      return outcome;
    });
    await delivered.opened;
    let undone = 0;
    const compensating = dataSource.transaction((m) =>
      runBehindBarrier(m, { ...action, phase: 'compensation' }, async () => {
        undone++;
        return success();
      }),
    );
    await sleep(200);
    // The delivery has not committed: the compensation waits on the action's row.
    expect(undone).toBe(0);
    deliveryMayCommit.open();
    const [outcome, { result }] = await Promise.all([delivering, compensating]);
    expect({ outcome, compensated: result.ok, undone }).toEqual({ outcome: 'sent', compensated: true, undone: 1 });
    expect(await outbox(subject)).toHaveLength(1);
  });

  it('cannot be claimed for a late reply once its compensation came first', async () => {
    const compensation = address('compensation');
    await dataSource.transaction((m) => runBehindBarrier(m, compensation, async () => success()));
    const action = { ...compensation, phase: 'action' as const };
    expect(await dataSource.transaction((m) => claimForLateReply(m, action, REPLY))).toBe(false);
  });
});

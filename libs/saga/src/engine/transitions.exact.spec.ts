import { defineCommand, failure, success } from '../definition/command';
import { defineSaga } from '../definition/saga-definition';
import { FINAL_STATUSES, SAGA_STATUSES } from './saga-state';
import type { SagaEvent, SagaState, TimelineEntry, Transition } from './saga-state';
import { initialState, transition } from './transitions';

/**
 * The state machine's output in full: every field of the state, every timeline entry (with no
 * `reason` or `error` key when there is none) and every dispatch, compared strictly, so that
 * a changed word, a dropped field or a wrong attempt number fails a case.
 */
interface Data {
  id: string;
  extra: boolean;
}

const Svc = {
  hold: defineCommand<{ id: string }, { ref: string } | void, 'NO_STOCK'>('stock', 'hold'),
  release: defineCommand<{ id: string; output: unknown }>('stock', 'release'),
  note: defineCommand<{ id: string }>('notes', 'write'),
  extra: defineCommand<{ id: string }>('extras', 'add'),
  unextra: defineCommand<{ id: string }>('extras', 'remove'),
  pay: defineCommand<{ id: string; ref: unknown }, void, 'DECLINED'>('pay', 'charge'),
  refund: defineCommand<{ id: string }>('pay', 'refund'),
  ship: defineCommand<{ id: string }, void, 'NO_ADDRESS'>('ship', 'send'),
};

// Steps 0 hold (compensated), 1 note (no compensation), 2 extra (only when data.extra), 3 pay (the pivot), 4 ship.
const saga = defineSaga<Data>('exact', 3)
  .step('hold', Svc.hold, (d) => ({ id: d.id }))
  .compensateWith(Svc.release, (d, output) => ({ id: d.id, output }))
  .step('note', Svc.note, (d) => ({ id: d.id }))
  .step('extra', Svc.extra, (d) => ({ id: d.id }))
  .when((d) => d.extra)
  .compensateWith(Svc.unextra, (d) => ({ id: d.id }))
  .pivot('pay', Svc.pay, (d, out) => ({ id: d.id, ref: (out.hold as { ref?: string } | null)?.ref }))
  .compensateWith(Svc.refund, (d) => ({ id: d.id }))
  .retriable('ship', Svc.ship, (d) => ({ id: d.id }))
  .compensationRetry({ timeoutMs: 7_000, maxAttempts: 2 })
  .build();

const data: Data = { id: 'x-1', extra: false };
const names = ['hold', 'note', 'extra', 'pay', 'ship'];

/** Runs events from the initial state (or `from`); jitter in the middle, so deadlines are the policy's exact figures. */
function drive(events: SagaEvent[], d: Data = data, from: SagaState = initialState()): Transition[] {
  let state = from;
  return events.map((event) => {
    const next = transition(saga, d, state, event, () => 0.5);
    state = next.state;
    return next;
  });
}

const last = (events: SagaEvent[], d: Data = data): Transition => drive(events, d).at(-1)!;

const done = (step: number, output?: unknown): SagaEvent => ({
  type: 'reply',
  step,
  phase: 'action',
  result: output === undefined ? success() : success(output),
});
const refusal = (step: number, reason: string, detail?: string): SagaEvent => ({
  type: 'reply',
  step,
  phase: 'action',
  result: failure(reason, detail),
});
const undone = (step: number): SagaEvent => ({ type: 'reply', step, phase: 'compensation', result: success() });
const deadline = (step: number, attempt: number, phase: 'action' | 'compensation' = 'action'): SagaEvent => ({
  type: 'deadline',
  step,
  phase,
  attempt,
});

function entry(
  step: number,
  phase: 'action' | 'compensation',
  attempt: number,
  outcome: TimelineEntry['outcome'],
  extra: { reason?: string; error?: string } = {},
): TimelineEntry {
  return { step, stepName: names[step], phase, attempt, outcome, ...extra };
}

/** The first attempt at compensating step 0 (hold): stock.release with the hold's output, as known. */
const releaseDispatch = (output: unknown) => ({
  step: 0,
  phase: 'compensation',
  attempt: 1,
  participant: 'stock',
  commandType: 'stock.release',
  payload: { id: 'x-1', output },
  timeoutMs: 7_000,
});

function state(change: Partial<SagaState>): SagaState {
  return { ...initialState(), ...change };
}

/** Hold succeeded with a reference, note succeeded with nothing: the saga is at the pivot. */
const toPivot: SagaEvent[] = [{ type: 'start' }, done(0, { ref: 'r-1' }), done(1)];
const atPivotOutputs = { hold: { ref: 'r-1' }, note: null };

describe('the saga state machine, field by field', () => {
  it('starts from a running state at step 0, attempt 1, with nothing done', () => {
    expect(initialState()).toStrictEqual({
      status: 'RUNNING',
      currentStep: 0,
      attempt: 1,
      outputs: {},
      compensations: [],
      failure: null,
      parkedFrom: null,
    });
  });

  it('dispatches the first step on start, with its participant, command, payload and deadline', () => {
    expect(last([{ type: 'start' }])).toStrictEqual({
      state: initialState(),
      timeline: [entry(0, 'action', 1, 'dispatched')],
      dispatch: {
        step: 0,
        phase: 'action',
        attempt: 1,
        participant: 'stock',
        commandType: 'stock.hold',
        payload: { id: 'x-1' },
        timeoutMs: 5_000,
      },
    });
  });

  it('leaves the state it is given as it was', () => {
    const before = state({ outputs: { hold: { ref: 'r-1' } }, currentStep: 1 });
    const copy = structuredClone(before);
    transition(saga, data, before, done(1), () => 0.5);
    expect(before).toStrictEqual(copy);
  });

  it('keeps each output by step name (none as null), skips a step whose condition fails, and passes outputs on', () => {
    const [, held, noted] = drive(toPivot);
    expect(held.state.outputs).toStrictEqual({ hold: { ref: 'r-1' } });
    expect(held.dispatch).toMatchObject({ step: 1, commandType: 'notes.write', attempt: 1 });
    expect(noted).toStrictEqual({
      state: state({ currentStep: 3, outputs: atPivotOutputs }),
      timeline: [
        entry(1, 'action', 1, 'succeeded'),
        entry(2, 'action', 1, 'skipped'),
        entry(3, 'action', 1, 'dispatched'),
      ],
      dispatch: {
        step: 3,
        phase: 'action',
        attempt: 1,
        participant: 'pay',
        commandType: 'pay.charge',
        payload: { id: 'x-1', ref: 'r-1' },
        timeoutMs: 5_000,
      },
    });
  });

  it('runs a step whose condition holds', () => {
    const noted = last(toPivot, { ...data, extra: true });
    expect(noted.dispatch).toMatchObject({ step: 2, commandType: 'extras.add' });
    expect(noted.timeline).toStrictEqual([entry(1, 'action', 1, 'succeeded'), entry(2, 'action', 1, 'dispatched')]);
  });

  it('completes after the last step, recording the end at the last step', () => {
    const completed = last([...toPivot, done(3), done(4)]);
    expect(completed).toStrictEqual({
      state: state({ status: 'COMPLETED', currentStep: -1, outputs: { ...atPivotOutputs, pay: null, ship: null } }),
      timeline: [entry(4, 'action', 1, 'succeeded'), entry(4, 'action', 1, 'completed')],
      ended: 'COMPLETED',
    });
  });

  it('completes when the steps left are all skipped', () => {
    const only = defineSaga<Data>('skipping', 1)
      .step('hold', Svc.hold, (d) => ({ id: d.id }))
      .step('note', Svc.note, (d) => ({ id: d.id }))
      .when((d) => d.extra)
      .build();
    const started = transition(only, data, initialState(), { type: 'start' }, () => 0.5);
    const ended = transition(only, data, started.state, done(0), () => 0.5);
    expect(ended.ended).toBe('COMPLETED');
    expect(ended.state).toMatchObject({ status: 'COMPLETED', currentStep: -1 });
    expect(ended.timeline).toStrictEqual([
      entry(0, 'action', 1, 'succeeded'),
      entry(1, 'action', 1, 'skipped'),
      entry(1, 'action', 1, 'completed'),
    ]);
  });

  it('compensates on a refusal before the pivot ends: the steps done with a compensation, in reverse, the refuser not', () => {
    const steps = drive([...toPivot, refusal(3, 'DECLINED', 'card expired'), undone(0)]);
    const refused = steps.at(-2)!;
    const failure = { step: 'pay', reason: 'DECLINED', detail: 'card expired' };
    expect(refused).toStrictEqual({
      state: state({ status: 'COMPENSATING', currentStep: 0, outputs: atPivotOutputs, compensations: [0], failure }),
      timeline: [
        entry(3, 'action', 1, 'failed', { reason: 'DECLINED', error: 'card expired' }),
        entry(0, 'compensation', 1, 'dispatched'),
      ],
      dispatch: releaseDispatch({ ref: 'r-1' }),
    });
    expect(steps.at(-1)).toStrictEqual({
      state: state({ status: 'COMPENSATED', currentStep: -1, outputs: atPivotOutputs, compensations: [], failure }),
      timeline: [
        entry(0, 'compensation', 1, 'succeeded'),
        entry(0, 'compensation', 1, 'compensated', { reason: 'DECLINED' }),
      ],
      ended: 'COMPENSATED',
    });
  });

  it('compensates every done step with a compensation, the last done first, and a skipped one not', () => {
    const withExtra = { ...data, extra: true };
    const steps = drive([...toPivot, done(2), refusal(3, 'DECLINED'), undone(2), undone(0)], withExtra);
    expect(steps.at(-3)!.state.compensations).toEqual([2, 0]);
    expect(steps.at(-3)!.dispatch).toMatchObject({ step: 2, phase: 'compensation', commandType: 'extras.remove' });
    expect(steps.at(-2)!.dispatch).toMatchObject({ step: 0, phase: 'compensation', commandType: 'stock.release' });
    expect(steps.at(-2)!.state.compensations).toEqual([0]);
    expect(steps.at(-1)!.ended).toBe('COMPENSATED');
    expect(last([...toPivot, refusal(3, 'DECLINED')]).state.compensations).toEqual([0]);
  });

  it('records a refusal without a detail with no detail and no error', () => {
    const refused = last([{ type: 'start' }, refusal(0, 'NO_STOCK')]);
    expect(refused.state.failure).toStrictEqual({ step: 'hold', reason: 'NO_STOCK' });
    expect(refused.timeline).toStrictEqual([
      entry(0, 'action', 1, 'failed', { reason: 'NO_STOCK' }),
      entry(0, 'compensation', 1, 'compensated', { reason: 'NO_STOCK' }),
    ]);
    expect(refused.ended).toBe('COMPENSATED');
  });

  it('gives a compensation undefined, not null, for a step that returned nothing', () => {
    const steps = drive([{ type: 'start' }, done(0), refusal(1, 'NO')]);
    expect(steps[1].state.outputs).toStrictEqual({ hold: null });
    expect(steps[2].dispatch!.payload).toStrictEqual({ id: 'x-1', output: undefined });
  });

  it('retries a timed-out step with the next attempt and a doubled deadline, then goes on at attempt 1', () => {
    const steps = drive([{ type: 'start' }, deadline(0, 1), deadline(0, 2), done(0)]);
    expect(steps[1]).toStrictEqual({
      state: state({ attempt: 2 }),
      timeline: [entry(0, 'action', 1, 'timed-out'), entry(0, 'action', 2, 'dispatched')],
      dispatch: { ...steps[0].dispatch!, attempt: 2, timeoutMs: 10_000 },
    });
    expect(steps[2].dispatch).toMatchObject({ attempt: 3, timeoutMs: 20_000 });
    expect(steps[3].state.attempt).toBe(1);
    expect(steps[3].dispatch).toMatchObject({ step: 1, attempt: 1, timeoutMs: 5_000 });
  });

  it('compensates a step before the pivot that times out on its last attempt, itself included, its output unknown', () => {
    const timedOut = last([{ type: 'start' }, deadline(0, 1), deadline(0, 2), deadline(0, 3)]);
    expect(timedOut).toStrictEqual({
      state: state({
        status: 'COMPENSATING',
        compensations: [0],
        failure: { step: 'hold', reason: 'TIMEOUT' },
      }),
      timeline: [entry(0, 'action', 3, 'timed-out'), entry(0, 'compensation', 1, 'dispatched')],
      dispatch: releaseDispatch(undefined),
    });
  });

  it('parks a compensation that exhausts the compensation policy, and re-drives it as a compensation', () => {
    const steps = drive([
      ...toPivot,
      refusal(3, 'DECLINED'),
      deadline(0, 1, 'compensation'),
      deadline(0, 2, 'compensation'),
      { type: 'redrive' },
    ]);
    const [retried, parked, redriven] = steps.slice(-3);
    expect(retried.dispatch).toMatchObject({ step: 0, phase: 'compensation', attempt: 2, timeoutMs: 14_000 });
    expect(parked).toStrictEqual({
      state: state({
        status: 'PARKED',
        parkedFrom: 'COMPENSATING',
        currentStep: 0,
        attempt: 2,
        outputs: atPivotOutputs,
        compensations: [0],
        failure: { step: 'pay', reason: 'DECLINED' },
      }),
      timeline: [
        entry(0, 'compensation', 2, 'timed-out'),
        entry(0, 'compensation', 2, 'parked', { reason: 'retries exhausted' }),
      ],
    });
    expect(redriven).toStrictEqual({
      state: { ...parked.state, status: 'COMPENSATING', parkedFrom: null, attempt: 1 },
      timeline: [entry(0, 'compensation', 1, 'redriven'), entry(0, 'compensation', 1, 'dispatched')],
      dispatch: { ...steps.at(-4)!.dispatch!, attempt: 1 },
    });
  });

  it('parks a compensation its participant refuses, with the reason and detail', () => {
    const parked = last([
      ...toPivot,
      refusal(3, 'DECLINED'),
      { type: 'reply', step: 0, phase: 'compensation', result: failure('LOCKED', 'row busy') },
    ]);
    expect(parked.state).toMatchObject({ status: 'PARKED', parkedFrom: 'COMPENSATING', currentStep: 0 });
    expect(parked.timeline).toStrictEqual([
      entry(0, 'compensation', 1, 'parked', { reason: 'LOCKED', error: 'row busy' }),
    ]);
    expect(parked.dispatch).toBeUndefined();
  });

  it('parks a step after the pivot that refuses, compensating nothing, and re-drives it as an action', () => {
    const steps = drive([...toPivot, done(3), refusal(4, 'NO_ADDRESS', 'street missing'), { type: 'redrive' }]);
    const [parked, redriven] = steps.slice(-2);
    expect(parked).toStrictEqual({
      state: state({
        status: 'PARKED',
        parkedFrom: 'RUNNING',
        currentStep: 4,
        outputs: { ...atPivotOutputs, pay: null },
      }),
      timeline: [
        entry(4, 'action', 1, 'failed', { reason: 'NO_ADDRESS', error: 'street missing' }),
        entry(4, 'action', 1, 'parked', { reason: 'NO_ADDRESS', error: 'street missing' }),
      ],
    });
    expect(redriven.state).toStrictEqual({ ...parked.state, status: 'RUNNING', parkedFrom: null });
    expect(redriven.timeline).toStrictEqual([entry(4, 'action', 1, 'redriven'), entry(4, 'action', 1, 'dispatched')]);
    expect(redriven.dispatch).toMatchObject({ step: 4, phase: 'action', attempt: 1, commandType: 'ship.send' });
  });

  it('re-drives a parked saga at attempt 1', () => {
    const events: SagaEvent[] = [...toPivot, done(3)];
    for (let attempt = 1; attempt <= saga.steps[4].retry.maxAttempts; attempt++) events.push(deadline(4, attempt));
    const steps = drive([...events, { type: 'redrive' }]);
    expect(steps.at(-2)!.state).toMatchObject({ status: 'PARKED', attempt: saga.steps[4].retry.maxAttempts });
    expect(steps.at(-2)!.timeline.at(-1)).toStrictEqual(
      entry(4, 'action', saga.steps[4].retry.maxAttempts, 'parked', { reason: 'retries exhausted' }),
    );
    expect(steps.at(-1)!.dispatch).toMatchObject({ attempt: 1, timeoutMs: 5_000 });
  });

  it('re-drives only a parked saga that knows what it was doing', () => {
    const running = last([{ type: 'start' }]);
    const again = transition(saga, data, running.state, { type: 'redrive' });
    expect(again).toStrictEqual({ state: running.state, timeline: [], ignored: 'not parked' });
    const orphan = state({ status: 'PARKED', parkedFrom: null });
    expect(transition(saga, data, orphan, { type: 'redrive' })).toStrictEqual({
      state: orphan,
      timeline: [],
      ignored: 'not parked',
    });
  });

  it('aborts the step in flight before the pivot by compensating it too', () => {
    const aborted = last([{ type: 'start' }, { type: 'abort', reason: 'CANCELLED' }]);
    expect(aborted).toStrictEqual({
      state: state({ status: 'COMPENSATING', compensations: [0], failure: { step: 'hold', reason: 'CANCELLED' } }),
      timeline: [entry(0, 'action', 1, 'failed', { reason: 'CANCELLED' }), entry(0, 'compensation', 1, 'dispatched')],
      dispatch: expect.objectContaining({ step: 0, phase: 'compensation', payload: { id: 'x-1', output: undefined } }),
    });
    const atNote = last([{ type: 'start' }, done(0, { ref: 'r-1' }), { type: 'abort', reason: 'CANCELLED' }]);
    expect(atNote.state).toMatchObject({ compensations: [0], failure: { step: 'note', reason: 'CANCELLED' } });
  });

  it('aborts a saga with nothing to compensate straight to COMPENSATED', () => {
    const only = defineSaga<Data>('plain', 1)
      .step('hold', Svc.hold, (d) => ({ id: d.id }))
      .build();
    const started = transition(only, data, initialState(), { type: 'start' });
    const aborted = transition(only, data, started.state, { type: 'abort', reason: 'CANCELLED' });
    expect(aborted.ended).toBe('COMPENSATED');
    expect(aborted.state).toMatchObject({ status: 'COMPENSATED', currentStep: -1, compensations: [] });
  });

  it('aborts only a running saga', () => {
    const compensating = last([{ type: 'start' }, done(0), refusal(1, 'NO')]).state;
    expect(transition(saga, data, compensating, { type: 'abort', reason: 'X' })).toStrictEqual({
      state: compensating,
      timeline: [],
      ignored: 'saga is COMPENSATING',
    });
    const parked = last([...toPivot, done(3), refusal(4, 'NO_ADDRESS')]).state;
    expect(transition(saga, data, parked, { type: 'abort', reason: 'X' }).ignored).toBe('saga is PARKED');
  });

  describe('ignores events that no longer apply, changing nothing', () => {
    const completed = last([...toPivot, done(3), done(4)]).state;
    const compensated = last([{ type: 'start' }, refusal(0, 'NO_STOCK')]).state;
    const parked = last([...toPivot, done(3), refusal(4, 'NO_ADDRESS')]).state;
    const running = last(toPivot).state;
    const compensating = last([...toPivot, refusal(3, 'DECLINED')]).state;

    it.each([
      ['a reply after completion', completed, done(4), 'saga already COMPLETED'],
      ['a deadline after completion', completed, deadline(4, 1), 'saga already COMPLETED'],
      ['a reply after compensation', compensated, undone(0), 'saga already COMPENSATED'],
      ['a reply while parked', parked, done(4), 'saga parked'],
      ['a deadline while parked', parked, deadline(4, 1), 'saga parked'],
      ['a reply for another step', running, done(1), 'not the current step (3 action)'],
      ['a compensation reply for the running step', running, undone(3), 'not the current step (3 action)'],
      [
        'a late action reply for the step being compensated',
        compensating,
        done(0),
        'not the current step (0 compensation)',
      ],
      ['a deadline of an earlier attempt', state({ attempt: 2 }), deadline(0, 1), 'an earlier attempt'],
      ['a deadline of the wrong phase', compensating, deadline(0, 1), 'not the current step (0 compensation)'],
    ])('%s', (_case, from, event, ignored) => {
      expect(transition(saga, data, from, event)).toStrictEqual({ state: from, timeline: [], ignored });
    });
  });

  it('calls final exactly the statuses a saga ends in, which no event moves it out of', () => {
    const completed = last([...toPivot, done(3), done(4)]);
    const compensated = last([{ type: 'start' }, refusal(0, 'NO_STOCK')]);
    expect([...FINAL_STATUSES].sort()).toEqual([completed.ended, compensated.ended].sort());
    expect([completed.state.status, compensated.state.status].sort()).toEqual([...FINAL_STATUSES].sort());
    for (const ended of [completed.state, compensated.state]) {
      for (const event of [{ type: 'redrive' }, { type: 'abort', reason: 'X' }, done(0)] as SagaEvent[]) {
        expect(transition(saga, data, ended, event).state.status).toBe(ended.status);
      }
    }
    expect(SAGA_STATUSES.filter((s) => !FINAL_STATUSES.includes(s))).toEqual(['RUNNING', 'COMPENSATING', 'PARKED']);
  });

  it('re-drives no saga that is not parked, whatever its parkedFrom says', () => {
    const leftover = state({ status: 'RUNNING', parkedFrom: 'COMPENSATING' });
    expect(transition(saga, data, leftover, { type: 'redrive' })).toStrictEqual({
      state: leftover,
      timeline: [],
      ignored: 'not parked',
    });
  });

  it('compensates the steps before a pivot that is the last step and refuses', () => {
    const short = defineSaga<Data>('short', 1)
      .step('hold', Svc.hold, (d) => ({ id: d.id }))
      .compensateWith(Svc.release, (d, output) => ({ id: d.id, output }))
      .pivot('pay', Svc.pay, (d) => ({ id: d.id, ref: null }))
      .build();
    let next = transition(short, data, initialState(), { type: 'start' });
    next = transition(short, data, next.state, done(0, { ref: 'r-2' }));
    next = transition(short, data, next.state, refusal(1, 'DECLINED'));
    expect(next.state).toMatchObject({ status: 'COMPENSATING', compensations: [0] });
    expect(next.dispatch).toMatchObject({
      step: 0,
      phase: 'compensation',
      payload: { id: 'x-1', output: { ref: 'r-2' } },
    });
  });

  it('fails loudly on a state that names a step the definition does not have', () => {
    expect(() => transition(saga, data, state({ currentStep: 9 }), done(9))).toThrow('saga exact v3 has no step 9');
    const parked = state({ status: 'PARKED', parkedFrom: 'RUNNING', currentStep: 9 });
    expect(() => transition(saga, data, parked, { type: 'redrive' })).toThrow('saga exact v3 has no step 9');
  });
});

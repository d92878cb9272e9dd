import fc from 'fast-check';
import { defineCommand, failure, success } from '../definition/command';
import { defineSaga } from '../definition/saga-definition';
import { initialState, transition } from './transitions';
import type { SagaEvent, SagaState, Transition } from './saga-state';

interface Order {
  orderId: string;
  couponCode: string | null;
}

const Stock = {
  reserve: defineCommand<{ orderId: string }, { reservationId: string }, 'OUT_OF_STOCK'>('inventory', 'reserve'),
  release: defineCommand<{ orderId: string }>('inventory', 'release'),
  confirm: defineCommand<{ orderId: string }>('inventory', 'confirm'),
};
const Coupons = {
  lock: defineCommand<{ code: string }, { discountCents: number }, 'COUPON_EXHAUSTED'>('coupon', 'lock'),
  release: defineCommand<{ orderId: string }>('coupon', 'release'),
};
const Payments = {
  charge: defineCommand<{ orderId: string; amountCents: number }, void, 'INSUFFICIENT_FUNDS'>('payment', 'charge'),
  refund: defineCommand<{ orderId: string }>('payment', 'refund'),
};

const checkout = defineSaga<Order>('checkout', 1)
  .step('reserve', Stock.reserve, (o) => ({ orderId: o.orderId }))
  .compensateWith(Stock.release, (o) => ({ orderId: o.orderId }))
  .step('lockCoupon', Coupons.lock, (o) => ({ code: o.couponCode! }))
  .when((o) => o.couponCode !== null)
  .compensateWith(Coupons.release, (o) => ({ orderId: o.orderId }))
  .pivot('charge', Payments.charge, (o, out) => ({
    orderId: o.orderId,
    amountCents: 1000 - (out.lockCoupon?.discountCents ?? 0),
  }))
  .compensateWith(Payments.refund, (o) => ({ orderId: o.orderId }))
  .retriable('confirm', Stock.confirm, (o) => ({ orderId: o.orderId }))
  .build();

const order: Order = { orderId: 'o-1', couponCode: 'SAVE10' };

function run(events: SagaEvent[], data: Order = order): Transition[] {
  let state: SagaState = initialState();
  return events.map((event) => {
    const next = transition(checkout, data, state, event, () => 0.5);
    state = next.state;
    return next;
  });
}

const ok = (step: number, output: unknown = {}): SagaEvent => ({
  type: 'reply',
  step,
  phase: 'action',
  result: success(output),
});
const refused = (step: number, reason: string): SagaEvent => ({
  type: 'reply',
  step,
  phase: 'action',
  result: failure(reason),
});
const undone = (step: number): SagaEvent => ({ type: 'reply', step, phase: 'compensation', result: success() });

describe('the saga state machine', () => {
  it('runs every step in order and completes', () => {
    const steps = run([{ type: 'start' }, ok(0), ok(1, { discountCents: 100 }), ok(2), ok(3)]);
    expect(steps.map((t) => t.dispatch?.commandType)).toEqual([
      'inventory.reserve',
      'coupon.lock',
      'payment.charge',
      'inventory.confirm',
      undefined,
    ]);
    expect(steps[2].dispatch?.payload).toEqual({ orderId: 'o-1', amountCents: 900 });
    expect(steps[4].ended).toBe('COMPLETED');
  });

  it('skips a step whose condition does not hold', () => {
    const steps = run([{ type: 'start' }, ok(0)], { orderId: 'o-2', couponCode: null });
    expect(steps[1].dispatch?.commandType).toBe('payment.charge');
    expect(steps[1].timeline.map((e) => e.outcome)).toEqual(['succeeded', 'skipped', 'dispatched']);
  });

  it('compensates the done steps in reverse when the pivot refuses, and not the pivot itself', () => {
    const steps = run([{ type: 'start' }, ok(0), ok(1), refused(2, 'INSUFFICIENT_FUNDS'), undone(1), undone(0)]);
    expect(steps[3].dispatch?.commandType).toBe('coupon.release');
    expect(steps[4].dispatch?.commandType).toBe('inventory.release');
    expect(steps[5].ended).toBe('COMPENSATED');
    expect(steps[5].state.failure).toEqual({ step: 'charge', reason: 'INSUFFICIENT_FUNDS' });
  });

  it('compensates nothing when the first step refuses', () => {
    const steps = run([{ type: 'start' }, refused(0, 'OUT_OF_STOCK')]);
    expect(steps[1].ended).toBe('COMPENSATED');
    expect(steps[1].dispatch).toBeUndefined();
  });

  it('retries a timed-out step with a new attempt and a longer deadline', () => {
    const steps = run([{ type: 'start' }, { type: 'deadline', step: 0, phase: 'action', attempt: 1 }]);
    expect(steps[1].dispatch).toMatchObject({ step: 0, attempt: 2, commandType: 'inventory.reserve' });
    expect(steps[1].dispatch!.timeoutMs).toBeGreaterThan(steps[0].dispatch!.timeoutMs);
  });

  it('compensates the timed-out step too once its retries are exhausted, with reason TIMEOUT', () => {
    const deadline = (attempt: number): SagaEvent => ({ type: 'deadline', step: 2, phase: 'action', attempt });
    const steps = run([{ type: 'start' }, ok(0), ok(1), deadline(1), deadline(2), deadline(3)]);
    expect(steps[5].dispatch?.commandType).toBe('payment.refund');
    expect(steps[5].dispatch?.payload).toEqual({ orderId: 'o-1' });
    expect(steps[5].state.failure).toEqual({ step: 'charge', reason: 'TIMEOUT' });
  });

  it('parks a step after the pivot that exhausts its retries, and re-drives it on request', () => {
    const events: SagaEvent[] = [{ type: 'start' }, ok(0), ok(1), ok(2)];
    for (let attempt = 1; attempt <= checkout.steps[3].retry.maxAttempts; attempt++) {
      events.push({ type: 'deadline', step: 3, phase: 'action', attempt });
    }
    events.push({ type: 'redrive' });
    const steps = run(events);
    const parked = steps[steps.length - 2];
    expect(parked.state).toMatchObject({ status: 'PARKED', parkedFrom: 'RUNNING', currentStep: 3 });
    expect(steps.at(-1)!.dispatch).toMatchObject({ step: 3, attempt: 1, commandType: 'inventory.confirm' });
  });

  it('aborts before the pivot by compensating the done steps and the step in flight', () => {
    const steps = run([
      { type: 'start' },
      ok(0),
      { type: 'abort', reason: 'CANCELLED_BY_CUSTOMER' },
      undone(1),
      undone(0),
    ]);
    expect(steps[2].dispatch?.commandType).toBe('coupon.release');
    expect(steps[3].dispatch?.commandType).toBe('inventory.release');
    expect(steps[4].ended).toBe('COMPENSATED');
    expect(steps[4].state.failure).toEqual({ step: 'lockCoupon', reason: 'CANCELLED_BY_CUSTOMER' });
  });

  it('refuses to abort past the pivot', () => {
    const steps = run([{ type: 'start' }, ok(0), ok(1), ok(2), { type: 'abort', reason: 'CANCELLED_BY_CUSTOMER' }]);
    expect(steps[4].ignored).toBe('past the pivot');
  });

  it('ignores a duplicate reply and a reply for another step', () => {
    const steps = run([{ type: 'start' }, ok(0), ok(0), ok(2)]);
    expect(steps[2].ignored).toMatch(/not the current step/);
    expect(steps[3].ignored).toMatch(/not the current step/);
    expect(steps[3].state).toEqual(steps[1].state);
  });

  it('ignores a deadline of an earlier attempt', () => {
    const steps = run([
      { type: 'start' },
      { type: 'deadline', step: 0, phase: 'action', attempt: 1 },
      { type: 'deadline', step: 0, phase: 'action', attempt: 1 },
    ]);
    expect(steps[2].ignored).toBe('an earlier attempt');
  });

  it("marks the success of a step that has an onSucceeded hook, and only that step's", () => {
    const hooked = defineSaga<Order>('hooked', 1)
      .step('reserve', Stock.reserve, (o) => ({ orderId: o.orderId }))
      .onSucceeded(async () => undefined)
      .compensateWith(Stock.release, (o) => ({ orderId: o.orderId }))
      .pivot('charge', Payments.charge, (o) => ({ orderId: o.orderId, amountCents: 1 }))
      .build();
    const started = transition(hooked, order, initialState(), { type: 'start' });
    const reserved = transition(hooked, order, started.state, ok(0, { reservationId: 'r-1' }));
    expect(reserved.succeededHook).toBe(0);
    expect(reserved.dispatch?.commandType).toBe('payment.charge');
    const charged = transition(hooked, order, reserved.state, ok(1));
    expect(charged.succeededHook).toBeUndefined();
    expect(run([{ type: 'start' }, ok(0)])[1].succeededHook).toBeUndefined();
  });

  it('reaches a final state under any outcomes, compensating only done steps, in reverse, once', () => {
    const outcome = fc.constantFrom('ok', 'refuse', 'timeout');
    fc.assert(
      fc.property(fc.array(outcome, { minLength: 12, maxLength: 40 }), fc.boolean(), (outcomes, withCoupon) => {
        const data: Order = { orderId: 'o', couponCode: withCoupon ? 'C' : null };
        let state = initialState();
        let next = transition(checkout, data, state, { type: 'start' }, () => 0.5);
        const compensated: number[] = [];
        const succeeded = new Set<number>();
        let i = 0;
        while (next.dispatch && i < 200) {
          state = next.state;
          const { step, phase, attempt } = next.dispatch;
          const roll = outcomes[i++ % outcomes.length];
          const retriable = checkout.steps[step].kind === 'retriable' || phase === 'compensation';
          if (roll === 'timeout') next = transition(checkout, data, state, { type: 'deadline', step, phase, attempt });
          else if (roll === 'refuse' && !retriable) next = transition(checkout, data, state, refused(step, 'NO'));
          else {
            if (phase === 'compensation') compensated.push(step);
            else succeeded.add(step);
            next = transition(checkout, data, state, { type: 'reply', step, phase, result: success({}) });
          }
        }
        const final = next.state.status;
        expect(['COMPLETED', 'COMPENSATED', 'PARKED']).toContain(final);
        expect(new Set(compensated).size).toBe(compensated.length);
        expect([...compensated].sort((a, b) => b - a)).toEqual(compensated);
        for (const step of compensated) {
          const timedOutStep =
            next.state.failure?.reason === 'TIMEOUT' && checkout.steps[step].name === next.state.failure.step;
          expect(succeeded.has(step) || timedOutStep).toBe(true);
        }
        if (final === 'COMPLETED') expect(compensated).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });
});

import { defineCommand } from './command';
import { FORWARD_RETRY, MUST_SUCCEED_RETRY } from './retry-policy';
import { defineSaga, reviseSaga } from './saga-definition';

const Do = defineCommand<{ id: string }>('svc', 'do');
const Undo = defineCommand<{ id: string }>('svc', 'undo');
const payload = (d: { id: string }) => ({ id: d.id });
const draft = () => defineSaga<{ id: string }>('built', 1);

/** The builder's checks and defaults, each with its message. */
describe('the saga definition builder', () => {
  it('builds a frozen definition of its name, version, steps and default policies', () => {
    const saga = draft().step('a', Do, payload).pivot('b', Do, payload).retriable('c', Do, payload).build();
    expect(saga).toMatchObject({ name: 'built', version: 1, compensationRetry: MUST_SUCCEED_RETRY });
    expect(saga.steps.map((s) => [s.name, s.kind, s.retry])).toEqual([
      ['a', 'compensatable', FORWARD_RETRY],
      ['b', 'pivot', FORWARD_RETRY],
      ['c', 'retriable', MUST_SUCCEED_RETRY],
    ]);
    expect(saga.steps[0]).toStrictEqual({
      name: 'a',
      kind: 'compensatable',
      command: Do,
      payload,
      retry: FORWARD_RETRY,
    });
    expect(Object.isFrozen(saga)).toBe(true);
    expect(Object.isFrozen(saga.steps)).toBe(true);
    expect(saga.onCompleted).toBeUndefined();
    expect(saga.onCompensated).toBeUndefined();
    expect('current' in saga).toBe(false);
  });

  it.each([
    ['an upper-case first letter', 'Checkout'],
    ['a digit first', '1checkout'],
    ['a dot', 'check.out'],
    ['nothing', ''],
    ['a leading space', ' checkout'],
    ['a trailing space', 'checkout '],
  ])('refuses a name with %s', (_case, name) => {
    expect(() => defineSaga(name, 1)).toThrow(`saga name "${name}": lower camel case letters and digits`);
  });

  it('accepts names of letters, digits and dashes', () => {
    expect(defineSaga<{ id: string }>('c', 1).step('a', Do, payload).build().name).toBe('c');
    expect(defineSaga<{ id: string }>('checkoutV2-eu', 1).step('a', Do, payload).build().name).toBe('checkoutV2-eu');
  });

  it.each([[0], [-1], [1.5], [NaN]])('refuses version %p', (version) => {
    expect(() => defineSaga('x', version)).toThrow('saga x: version must be a positive integer');
  });

  it('refuses a definition without steps', () => {
    expect(() => draft().build()).toThrow('saga built: at least one step');
  });

  it('refuses steps out of order, two pivots and duplicate names, each with its message', () => {
    expect(() => draft().pivot('a', Do, payload).step('b', Do, payload).build()).toThrow(
      'saga built: compensatable steps, then the pivot, then retriable steps (b)',
    );
    expect(() => draft().retriable('a', Do, payload).pivot('b', Do, payload).build()).toThrow(
      'saga built: compensatable steps, then the pivot, then retriable steps (b)',
    );
    expect(() => draft().pivot('a', Do, payload).pivot('b', Do, payload).build()).toThrow(
      'saga built: at most one pivot',
    );
    expect(() => draft().step('a', Do, payload).step('a', Do, payload)).toThrow('saga built: duplicate step a');
  });

  it('accepts several steps of one kind in a row, and no pivot at all', () => {
    const saga = draft()
      .step('a', Do, payload)
      .step('b', Do, payload)
      .retriable('c', Do, payload)
      .retriable('d', Do, payload)
      .build();
    expect(saga.steps.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses a modifier before any step, naming it', () => {
    expect(() => draft().compensateWith(Undo, payload)).toThrow('saga built: compensateWith() follows a step');
    expect(() => draft().when(() => true)).toThrow('saga built: when() follows a step');
    expect(() => draft().retry({ maxAttempts: 1 })).toThrow('saga built: retry() follows a step');
  });

  it('compensates a compensatable step or the pivot, never a retriable one', () => {
    const saga = draft()
      .step('a', Do, payload)
      .compensateWith(Undo, payload)
      .pivot('b', Do, payload)
      .compensateWith(Undo, payload)
      .build();
    expect(saga.steps.map((s) => s.compensation)).toEqual([
      { command: Undo, payload },
      { command: Undo, payload },
    ]);
    expect(() => draft().retriable('r', Do, payload).compensateWith(Undo, payload)).toThrow(
      'built.r: a retriable step has no compensation',
    );
  });

  it('sets a condition on the current step only', () => {
    const predicate = (d: { id: string }) => d.id !== '';
    const saga = draft().step('a', Do, payload).step('b', Do, payload).when(predicate).build();
    expect(saga.steps[0].when).toBeUndefined();
    expect(saga.steps[1].when).toBe(predicate);
  });

  it('overrides only the given fields of a retry policy', () => {
    const saga = draft()
      .step('a', Do, payload)
      .retry({ maxAttempts: 7 })
      .step('b', Do, payload)
      .compensationRetry({ timeoutMs: 1_000 })
      .compensationRetry({ maxAttempts: 4 })
      .build();
    expect(saga.steps[0].retry).toStrictEqual({ ...FORWARD_RETRY, maxAttempts: 7 });
    expect(saga.steps[1].retry).toStrictEqual(FORWARD_RETRY);
    expect(saga.compensationRetry).toStrictEqual({ ...MUST_SUCCEED_RETRY, timeoutMs: 1_000, maxAttempts: 4 });
    expect(MUST_SUCCEED_RETRY.maxAttempts).toBe(25);
  });

  it('keeps the hooks it is given', () => {
    const onCompleted = async () => undefined;
    const onCompensated = async () => undefined;
    const saga = draft().step('a', Do, payload).onCompleted(onCompleted).onCompensated(onCompensated).build();
    expect(saga.onCompleted).toBe(onCompleted);
    expect(saga.onCompensated).toBe(onCompensated);
    const revised = reviseSaga(saga, 2).build();
    expect(revised.onCompleted).toBe(onCompleted);
    expect(revised.onCompensated).toBe(onCompensated);
  });

  it('drops the completion hook in a revision that moves its work into a step, and leaves the original alone', () => {
    const onCompleted = async () => undefined;
    const onSucceeded = async () => undefined;
    const onCompensated = async () => undefined;
    const v1 = draft().pivot('a', Do, payload).retriable('b', Do, payload).onCompleted(onCompleted);
    const built = v1.onCompensated(onCompensated).build();
    const v2 = reviseSaga(built, 2).atStep('a').onSucceeded(onSucceeded).withoutOnCompleted().build();
    expect(v2.onCompleted).toBeUndefined();
    expect(v2.onCompensated).toBe(onCompensated);
    expect(v2.steps.map((s) => [s.name, s.onSucceeded])).toEqual([
      ['a', onSucceeded],
      ['b', undefined],
    ]);
    expect(built.onCompleted).toBe(onCompleted);
    expect(built.steps[0].onSucceeded).toBeUndefined();
  });

  it('starts a revision at its last step: modifiers change it and new steps follow it', () => {
    const v1 = draft().step('a', Do, payload).pivot('b', Do, payload).build();
    const v2 = reviseSaga(v1, 2)
      .retry({ maxAttempts: 9 })
      .retriable('c', Do, payload)
      .retry({ maxAttempts: 2 })
      .build();
    expect(v2.steps.map((s) => [s.name, s.retry.maxAttempts])).toEqual([
      ['a', 3],
      ['b', 9],
      ['c', 2],
    ]);
    expect(v1.steps[1].retry.maxAttempts).toBe(3);
  });

  it('puts the next step in the place of a removed one, and lets modifiers change the step before it', () => {
    const v1 = draft().step('a', Do, payload).step('b', Do, payload).pivot('c', Do, payload).build();
    const v2 = reviseSaga(v1, 2).withoutStep('b').retry({ maxAttempts: 8 }).step('b2', Do, payload).build();
    expect(v2.steps.map((s) => [s.name, s.retry.maxAttempts])).toEqual([
      ['a', 8],
      ['b2', 3],
      ['c', 3],
    ]);
    const first = reviseSaga(v1, 2).withoutStep('a');
    expect(() => first.retry({ maxAttempts: 1 })).toThrow('saga built: retry() follows a step');
    expect(
      first
        .step('a0', Do, payload)
        .build()
        .steps.map((s) => s.name),
    ).toEqual(['a0', 'b', 'c']);
  });

  it('names the revision it refuses', () => {
    const v1 = draft().step('a', Do, payload).build();
    expect(() => reviseSaga(v1, 1)).toThrow('saga built: a revision of version 1 has a greater version (1)');
    expect(reviseSaga(v1, 2).build().version).toBe(2);
    expect(() => reviseSaga(v1, 2).atStep('zz')).toThrow('saga built: no step zz');
  });
});

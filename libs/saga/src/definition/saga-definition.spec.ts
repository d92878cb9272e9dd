import { defineCommand } from './command';
import { defineSaga, reviseSaga } from './saga-definition';

const Do = defineCommand<{ id: string }>('svc', 'do');
const Undo = defineCommand<{ id: string }>('svc', 'undo');
const payload = (d: { id: string }) => ({ id: d.id });

describe('saga definitions', () => {
  it('accepts compensatable steps, then a pivot, then retriable steps', () => {
    const saga = defineSaga<{ id: string }>('ordered', 1)
      .step('a', Do, payload)
      .compensateWith(Undo, payload)
      .pivot('b', Do, payload)
      .retriable('c', Do, payload)
      .build();
    expect(saga.steps.map((s) => s.kind)).toEqual(['compensatable', 'pivot', 'retriable']);
  });

  it.each([
    [
      'a compensatable step after the pivot',
      () => defineSaga<{ id: string }>('x', 1).pivot('a', Do, payload).step('b', Do, payload),
    ],
    [
      'a compensatable step after a retriable one',
      () => defineSaga<{ id: string }>('x', 1).retriable('a', Do, payload).step('b', Do, payload),
    ],
    ['two pivots', () => defineSaga<{ id: string }>('x', 1).pivot('a', Do, payload).pivot('b', Do, payload)],
    ['a duplicate step name', () => defineSaga<{ id: string }>('x', 1).step('a', Do, payload).step('a', Do, payload)],
  ])('refuses %s', (_case, draft) => {
    expect(() => draft().build()).toThrow();
  });

  it('refuses a compensation on a retriable step', () => {
    expect(() => defineSaga<{ id: string }>('x', 1).retriable('a', Do, payload).compensateWith(Undo, payload)).toThrow(
      /retriable step has no compensation/,
    );
  });
});

describe('a revision of a saga definition', () => {
  const Hold = defineCommand<{ id: string }>('svc', 'hold');
  const Release = defineCommand<{ id: string }>('svc', 'release');
  const onCompleted = async () => undefined;
  const v1 = defineSaga<{ id: string }>('revised', 1)
    .step('reserve', Do, payload)
    .compensateWith(Undo, payload)
    .retry({ maxAttempts: 3 })
    .pivot('charge', Do, payload)
    .retriable('confirm', Do, payload)
    .retriable('notify', Do, payload)
    .compensationRetry({ maxAttempts: 9 })
    .onCompleted(onCompleted)
    .build();

  it('keeps what it does not change: name, steps, policies and hooks, under the new version', () => {
    const v2 = reviseSaga(v1, 2).build();
    expect(v2).toMatchObject({ name: 'revised', version: 2, compensationRetry: v1.compensationRetry, onCompleted });
    expect(v2.steps).toEqual(v1.steps);
    expect(v1.version).toBe(1);
  });

  it('inserts steps after the step it is at, changes that step, and removes steps', () => {
    const v2 = reviseSaga(v1, 2)
      .atStep('reserve')
      .retry({ maxAttempts: 5 })
      .step('hold', Hold, payload)
      .compensateWith(Release, payload)
      .withoutStep('confirm')
      .retriable('confirmAll', Do, payload)
      .build();
    expect(v2.steps.map((s) => s.name)).toEqual(['reserve', 'hold', 'charge', 'confirmAll', 'notify']);
    expect(v2.steps[0].retry.maxAttempts).toBe(5);
    expect(v2.steps[0].compensation?.command).toBe(Undo);
    expect(v2.steps[1]).toMatchObject({ kind: 'compensatable', command: Hold, compensation: { command: Release } });
    expect(v1.steps.map((s) => s.name)).toEqual(['reserve', 'charge', 'confirm', 'notify']);
    expect(v1.steps[0].retry.maxAttempts).toBe(3);
  });

  it('appends at the end unless moved, and checks the revision as a definition', () => {
    expect(reviseSaga(v1, 2).retriable('audit', Do, payload).build().steps.at(-1)!.name).toBe('audit');
    expect(() => reviseSaga(v1, 2).atStep('charge').step('late', Do, payload).build()).toThrow(
      /compensatable steps, then the pivot/,
    );
    expect(() => reviseSaga(v1, 2).atStep('reserve').step('charge', Do, payload)).toThrow(/duplicate step charge/);
    expect(() => reviseSaga(v1, 2).withoutStep('missing')).toThrow(/no step missing/);
  });

  it('has a greater version than the definition it revises', () => {
    expect(() => reviseSaga(v1, 1)).toThrow(/greater version/);
    expect(() => reviseSaga(v1, 1.5)).toThrow(/greater version/);
  });
});

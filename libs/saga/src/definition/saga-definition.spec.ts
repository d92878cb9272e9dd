import { defineCommand } from './command';
import { defineSaga } from './saga-definition';

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

import type { Transition } from '../engine/saga-state';
import type { InstanceWrite } from './saga-store';
import { TransitionBatcher } from './transition-batcher';

const writeOf = (id: string): InstanceWrite => ({
  instance: { id, type: 't', definitionVersion: 1, data: null, headers: {}, version: 1 },
  next: {} as Transition,
  command: undefined,
});

/** A statement the test completes by hand, so that what waits behind it is known. */
function statements() {
  const batches: { ids: string[]; finish: (written: string[]) => void; fail: (error: Error) => void }[] = [];
  const writeMany = (writes: InstanceWrite[]) =>
    new Promise<Set<string>>((resolve, reject) =>
      batches.push({
        ids: writes.map((w) => w.instance.id),
        finish: (written) => resolve(new Set(written)),
        fail: reject,
      }),
    );
  return { batches, writeMany };
}

/** Lets the batcher's promise callbacks run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('TransitionBatcher', () => {
  it('writes at once when idle, and joins what arrives meanwhile into one statement in id order', async () => {
    const { batches, writeMany } = statements();
    const batcher = new TransitionBatcher(writeMany, 1, 10);
    const first = batcher.write(writeOf('m'));
    const waiting = ['c', 'a', 'b'].map((id) => batcher.write(writeOf(id)));
    expect(batches.map((b) => b.ids)).toEqual([['m']]);
    batches[0].finish(['m']);
    expect(await first).toBe(true);
    await settled();
    expect(batches.map((b) => b.ids)).toEqual([['m'], ['a', 'b', 'c']]);
    batches[1].finish(['a', 'c']);
    expect(await Promise.all(waiting)).toEqual([true, true, false]); // c, a, b
  });

  it('never puts two transitions of one instance, or more than the limit, in one statement', async () => {
    const { batches, writeMany } = statements();
    const batcher = new TransitionBatcher(writeMany, 1, 2);
    const all = ['x', 'y', 'x', 'z'].map((id) => batcher.write(writeOf(id)));
    batches[0].finish(['x']);
    await settled();
    expect(batches[1].ids).toEqual(['x', 'y']);
    batches[1].finish(['x', 'y']);
    await settled();
    expect(batches[2].ids).toEqual(['z']);
    batches[2].finish(['z']);
    expect(await Promise.all(all)).toEqual([true, true, true, true]);
  });

  it('fails every transition of a statement that failed, and goes on with the next', async () => {
    const { batches, writeMany } = statements();
    const batcher = new TransitionBatcher(writeMany, 1, 10);
    const first = batcher.write(writeOf('a'));
    const second = batcher.write(writeOf('b'));
    const third = batcher.write(writeOf('c'));
    batches[0].fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settled();
    batches[1].fail(new Error('connection lost again'));
    await expect(second).rejects.toThrow('connection lost again');
    await expect(third).rejects.toThrow('connection lost again');
    await settled();
    const fourth = batcher.write(writeOf('d'));
    batches[2].finish(['d']);
    expect(await fourth).toBe(true);
  });
});

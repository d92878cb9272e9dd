import { GroupCommit, GroupOutcome } from './group-commit';

/** Commits that the test completes by hand, so that what waits behind them is known. */
function commits() {
  const groups: { keys: string[]; finish: (outcomes: GroupOutcome<string>[]) => void; fail: (e: Error) => void }[] = [];
  const commit = (items: string[]) =>
    new Promise<GroupOutcome<string>[]>((resolve, reject) =>
      groups.push({ keys: items.map((item) => item.split('#')[0]), finish: resolve, fail: reject }),
    );
  const done = (keys: string[]) => keys.map((key): GroupOutcome<string> => ({ ok: true, value: `${key} done` }));
  return { groups, commit, done };
}

/** Lets the group commit's promise callbacks run. */
const settled = () => new Promise((resolve) => setImmediate(resolve));
const keyOf = (item: string) => item.split('#')[0];

describe('GroupCommit', () => {
  it('commits at once when idle, and groups what arrives meanwhile in key order', async () => {
    const { groups, commit, done } = commits();
    const group = new GroupCommit(keyOf, commit, 1, 10);
    const first = group.submit('m');
    const waiting = ['c', 'a', 'b'].map((item) => group.submit(item));
    expect(groups.map((g) => g.keys)).toEqual([['m']]);
    groups[0].finish(done(['m']));
    expect(await first).toBe('m done');
    await settled();
    expect(groups.map((g) => g.keys)).toEqual([['m'], ['a', 'b', 'c']]);
    groups[1].finish(done(['a', 'b', 'c']));
    expect(await Promise.all(waiting)).toEqual(['c done', 'a done', 'b done']);
  });

  it.each([
    [['d', 'b', 'e', 'a', 'c']],
    [['e', 'd', 'c', 'b', 'a']],
    [['a', 'b', 'c', 'd', 'e']],
    [['b', 'a', 'e', 'c', 'd']],
  ])('hands a group over in key order whatever the order of arrival (%p)', async (keys) => {
    const { groups, commit, done } = commits();
    const group = new GroupCommit(keyOf, commit, 1, 10);
    const first = group.submit('m');
    const waiting = keys.map((item) => group.submit(item));
    groups[0].finish(done(['m']));
    await first;
    await settled();
    expect(groups[1].keys).toEqual(['a', 'b', 'c', 'd', 'e']);
    groups[1].finish(done(groups[1].keys));
    expect(await Promise.all(waiting)).toEqual(keys.map((key) => `${key} done`));
  });

  it('never puts two items of one key, or more than the limit, in one group', async () => {
    const { groups, commit, done } = commits();
    const group = new GroupCommit(keyOf, commit, 1, 2);
    const all = ['x#1', 'y', 'x#2', 'z'].map((item) => group.submit(item));
    groups[0].finish(done(['x']));
    await settled();
    expect(groups[1].keys).toEqual(['x', 'y']);
    groups[1].finish(done(['x', 'y']));
    await settled();
    expect(groups[2].keys).toEqual(['z']);
    groups[2].finish(done(['z']));
    expect(await Promise.all(all)).toEqual(['x done', 'y done', 'x done', 'z done']);
  });

  it('keeps several groups in flight up to the limit', async () => {
    const { groups, commit, done } = commits();
    const group = new GroupCommit(keyOf, commit, 2, 10);
    const all = ['a', 'b', 'c', 'd'].map((item) => group.submit(item));
    expect(groups.map((g) => g.keys)).toEqual([['a'], ['b']]);
    groups[1].finish(done(['b']));
    await settled();
    expect(groups.map((g) => g.keys)).toEqual([['a'], ['b'], ['c', 'd']]);
    groups[0].finish(done(['a']));
    groups[2].finish(done(['c', 'd']));
    expect(await Promise.all(all)).toEqual(['a done', 'b done', 'c done', 'd done']);
  });

  it('fails the items the commit failed, every item of a commit that threw, and goes on', async () => {
    const { groups, commit } = commits();
    const group = new GroupCommit(keyOf, commit, 1, 10);
    const first = group.submit('a');
    const second = group.submit('b');
    const third = group.submit('c');
    groups[0].fail(new Error('connection lost'));
    await expect(first).rejects.toThrow('connection lost');
    await settled();
    groups[1].finish([
      { ok: false, error: new Error('b refused') },
      { ok: true, value: 'c done' },
    ]);
    await expect(second).rejects.toThrow('b refused');
    expect(await third).toBe('c done');
    await settled();
    const fourth = group.submit('d');
    groups[2].finish([{ ok: true, value: 'd done' }]);
    expect(await fourth).toBe('d done');
  });
});

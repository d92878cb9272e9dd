import { AfterCommit } from '@zhongtai/saga';
import { createSagaTestDatabase } from '@zhongtai/saga/testing';
import type { DataSource } from 'typeorm';
import { SHARED, uniqueName } from '../support/infrastructure';

/** The typed after-commit channel on a real PostgreSQL transaction: what commits is handed over, nothing else. */
describe('AfterCommit', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  const channel = new AfterCommit<string>('test items');
  const received: string[][] = [];
  let stopListening: () => void;

  beforeAll(async () => {
    ({ dataSource, drop } = await createSagaTestDatabase(SHARED.postgres, uniqueName('after_commit')));
    stopListening = channel.listen(dataSource, (items) => received.push(items));
  });

  afterAll(async () => {
    stopListening();
    await drop();
  });

  beforeEach(() => received.splice(0));

  it('hands the items of a committed transaction to the listener once, after COMMIT', async () => {
    await dataSource.transaction(async (manager) => {
      channel.add(manager, 'a');
      channel.add(manager, 'b', 'c');
      await manager.query('SELECT 1');
      expect(received).toEqual([]);
    });
    expect(received).toEqual([['a', 'b', 'c']]);
    await dataSource.transaction((manager) => manager.query('SELECT 1'));
    expect(received).toEqual([['a', 'b', 'c']]);
  });

  it('drops the items of a rolled-back transaction, and the runner carries nothing into the next', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      channel.add(runner.manager, 'lost');
      await runner.rollbackTransaction();
      await runner.startTransaction();
      channel.add(runner.manager, 'kept');
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect(received).toEqual([['kept']]);
  });

  it('keeps concurrent transactions apart', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = dataSource.transaction(async (manager) => {
      channel.add(manager, 'first');
      await held;
    });
    await dataSource.transaction(async (manager) => channel.add(manager, 'second'));
    release();
    await first;
    expect(received).toEqual([['second'], ['first']]);
  });

  it('refuses items outside a transaction, and stops handing over once the listener stops', async () => {
    expect(() => channel.add(dataSource.manager, 'x')).toThrow('test items: add inside a transaction');
    const other = new AfterCommit<number>('other');
    const seen: number[][] = [];
    other.listen(dataSource, (items) => seen.push(items))();
    await dataSource.transaction(async (manager) => other.add(manager, 1));
    expect(seen).toEqual([]);
  });
});

import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Work that a transaction collects and that may happen only once it has committed: the outbox
 * rows it wrote, to publish; the status changes it made, to announce. Items are kept per query
 * runner (the transaction), handed to the channel's listener after COMMIT and dropped after
 * ROLLBACK, so nothing leaves a transaction that did not happen.
 *
 * ```ts
 * const statusChanges = new AfterCommit<{ orderId: string }>('order status changes');
 * statusChanges.add(manager, { orderId });                   // inside the transaction
 * statusChanges.listen(dataSource, (changes) => announce(changes)); // once, at start
 * ```
 */
export class AfterCommit<T> {
  private readonly pending = new WeakMap<QueryRunner, T[]>();

  constructor(readonly name: string) {}

  /** Adds items to the transaction `manager` runs in; throws outside a transaction. */
  add(manager: EntityManager, ...items: T[]): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) throw new Error(`${this.name}: add inside a transaction (EntityManager of one)`);
    const pending = this.pending.get(runner);
    if (pending) pending.push(...items);
    else this.pending.set(runner, [...items]);
  }

  /**
   * Calls `onCommit` with what each committed transaction of `dataSource` collected; returns the
   * function that stops listening. One listener per channel and data source: the first takes all.
   */
  listen(dataSource: DataSource, onCommit: (items: T[]) => void): () => void {
    const subscriber: EntitySubscriberInterface = {
      afterTransactionCommit: ({ queryRunner }) => {
        const items = this.take(queryRunner);
        if (items) onCommit(items);
      },
      afterTransactionRollback: ({ queryRunner }) => void this.take(queryRunner),
    };
    dataSource.subscribers.push(subscriber);
    return () => {
      const index = dataSource.subscribers.indexOf(subscriber);
      if (index !== -1) dataSource.subscribers.splice(index, 1);
    };
  }

  private take(runner: QueryRunner): T[] | undefined {
    const items = this.pending.get(runner);
    this.pending.delete(runner);
    return items;
  }
}

import { inSagaSpan } from './transport/saga-tracing';

/** What became of one item of a group: its result, or the error that failed it. */
export type GroupOutcome<Result> = { ok: true; value: Result } | { ok: false; error: unknown };

/**
 * Group commit: an item submitted while `maxInFlight` groups are being committed waits, then
 * goes with every other waiting item in the next group, so that under load one round trip and
 * one commit carry many items, and at rest an item is committed at once, alone. Two items with
 * one key never share a group (the later waits for the next), and a group is handed over in key
 * order, so that groups in flight take their row locks in one order.
 */
export class GroupCommit<Item, Result> {
  private queue: { item: Item; settle: (outcome: GroupOutcome<Result>) => void }[] = [];
  private inFlight = 0;

  constructor(
    private readonly keyOf: (item: Item) => string,
    /** Commits a group; returns one outcome per item, in the group's order. */
    private readonly commit: (items: Item[]) => Promise<GroupOutcome<Result>[]>,
    private readonly maxInFlight: number,
    private readonly maxGroup: number,
    /** Names the group's span (`saga.group-commit <name>`). */
    private readonly name = 'items',
  ) {}

  submit(item: Item): Promise<Result> {
    return new Promise<GroupOutcome<Result>>((settle) => {
      this.queue.push({ item, settle });
      this.drain();
    }).then((outcome) => (outcome.ok ? outcome.value : Promise.reject(outcome.error)));
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const group = this.take();
      this.inFlight++;
      const items = group.map((entry) => entry.item);
      inSagaSpan(
        `saga.group-commit ${this.name}`,
        { attributes: () => ({ 'saga.group.size': items.length, 'saga.group.keys': items.map(this.keyOf) }) },
        () => this.commit(items),
      )
        .then(
          (outcomes) => group.forEach((entry, i) => entry.settle(outcomes[i])),
          (error: unknown) => group.forEach((entry) => entry.settle({ ok: false, error })),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private take() {
    const group = new Map<string, (typeof this.queue)[number]>();
    const later: typeof this.queue = [];
    for (const entry of this.queue) {
      const key = this.keyOf(entry.item);
      if (group.size < this.maxGroup && !group.has(key)) group.set(key, entry);
      else later.push(entry);
    }
    this.queue = later;
    return [...group.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, entry]) => entry);
  }
}

/** Runs `work` and keeps what became of it, for a group's outcomes. */
export async function outcomeOf<Result>(work: () => Promise<Result>): Promise<GroupOutcome<Result>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    return { ok: false, error };
  }
}

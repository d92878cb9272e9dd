import type { InstanceWrite } from './saga-store';

type Pending = InstanceWrite & { settle: (written: boolean) => void; fail: (error: unknown) => void };

/**
 * Group commit for the orchestrator's autocommit writes. A transition submitted while earlier
 * ones are being written waits for them, then goes with every other waiting transition in one
 * statement: under load one round trip and one commit carry many sagas' steps, and at rest a
 * transition is written at once, alone. Two transitions of one instance never share a
 * statement (the later waits for the next); a batch locks its rows in id order, so two
 * batches in flight cannot deadlock each other.
 */
export class TransitionBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;

  constructor(
    private readonly writeMany: (writes: InstanceWrite[]) => Promise<Set<string>>,
    private readonly maxInFlight: number,
    private readonly maxBatch: number,
  ) {}

  /** Resolves true once the transition is committed, false if the instance had moved on. */
  write(write: InstanceWrite): Promise<boolean> {
    return new Promise((settle, fail) => {
      this.queue.push({ ...write, settle, fail });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      this.inFlight++;
      this.writeMany(batch)
        .then(
          (written) => batch.forEach((pending) => pending.settle(written.has(pending.instance.id))),
          (error: unknown) => batch.forEach((pending) => pending.fail(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.drain();
        });
    }
  }

  private take(): Pending[] {
    const batch = new Map<string, Pending>();
    const later: Pending[] = [];
    for (const pending of this.queue) {
      if (batch.size < this.maxBatch && !batch.has(pending.instance.id)) batch.set(pending.instance.id, pending);
      else later.push(pending);
    }
    this.queue = later;
    return [...batch.values()].sort((a, b) => (a.instance.id < b.instance.id ? -1 : 1));
  }
}

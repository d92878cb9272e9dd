import type { SagaInstance } from './saga-store';

/**
 * The instances this process last committed, as it committed them, so that the reply to the
 * command it just sent needs no read of the row. Only a hint: a transition computed from a
 * remembered instance is written only if the row is still at the remembered version (the
 * write is optimistic anyway), and a reply the remembered state would ignore is judged again
 * on the row, since another replica may have moved the saga on. Only committed states may be
 * remembered: a rolled-back one could share its version with a different committed state.
 */
export class RecentInstances {
  private readonly instances = new Map<string, SagaInstance>();

  constructor(private readonly capacity: number) {}

  remember(instance: SagaInstance): void {
    this.instances.delete(instance.id);
    this.instances.set(instance.id, instance);
    if (this.instances.size > this.capacity) this.instances.delete(this.instances.keys().next().value!);
  }

  recall(id: string): SagaInstance | undefined {
    return this.instances.get(id);
  }

  forget(id: string): void {
    this.instances.delete(id);
  }
}

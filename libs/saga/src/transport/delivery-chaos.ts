import type { DeliveryHook, Settlement } from './durable-consumer';

export interface ChaosOptions {
  /** Extra deliveries of every message, run concurrently with the first. */
  duplicates?: number;
  /** Each delivery waits a random time up to this, which reorders messages. */
  maxDelayMs?: number;
  random?: () => number;
}

/**
 * A delivery hook that hands every message to its handler 1 + `duplicates` times, late and out
 * of order: what JetStream does after a redelivery or a restart, made to happen all the time.
 * The message is settled as its first delivery says; the copies must not fail.
 */
export function chaosDelivery(options: ChaosOptions, onCopy: () => void = () => undefined): DeliveryHook {
  const { duplicates = 0, maxDelayMs = 0, random = Math.random } = options;
  const delay = () => new Promise((resolve) => setTimeout(resolve, Math.floor(random() * maxDelayMs)));
  return async (_message, deliver) => {
    const deliveries: Promise<Settlement>[] = [];
    for (let i = 0; i <= duplicates; i++) {
      if (i > 0) onCopy();
      deliveries.push(delay().then(deliver));
    }
    const [first, ...copies] = await Promise.allSettled(deliveries);
    for (const copy of copies) if (copy.status === 'rejected') throw copy.reason;
    if (first.status === 'rejected') throw first.reason;
    return first.value;
  };
}

/**
 * `SAGA_CHAOS_DELIVERY=duplicates=2,maxDelayMs=150` arms chaosDelivery in a process whose
 * runtime sets no hook of its own: how a fault-injection run duplicates and reorders the saga
 * messages of real services. Unset in production; a malformed value stops the boot.
 */
export function deliveryChaosFromEnv(value = process.env.SAGA_CHAOS_DELIVERY): ChaosOptions | undefined {
  if (!value) return undefined;
  const options: ChaosOptions = {};
  for (const part of value.split(',')) {
    const [name, raw] = part.split('=');
    const number = Number(raw);
    if ((name !== 'duplicates' && name !== 'maxDelayMs') || !Number.isInteger(number) || number < 0) {
      throw new Error(`SAGA_CHAOS_DELIVERY: expected duplicates=N,maxDelayMs=M, got ${value}`);
    }
    options[name] = number;
  }
  return options;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** The header that carries the correlation id, over HTTP and in NATS message headers alike. */
export const CORRELATION_HEADER = 'x-request-id';

const storage = new AsyncLocalStorage<string>();

/** The correlation id of the request or message being handled, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

export function runWithCorrelationId<T>(correlationId: string, work: () => T): T {
  return storage.run(correlationId, work);
}

/**
 * Accepts a client-supplied id only when it is short and printable, so that a hostile header
 * cannot flood or forge log lines; anything else is replaced by a fresh UUID.
 */
export function acceptCorrelationId(candidate: unknown): string {
  if (typeof candidate === 'string' && /^[\x21-\x7e]{1,128}$/.test(candidate)) return candidate;
  return randomUUID();
}

import { context, Context, defaultTextMapGetter, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';

/**
 * The trace context a saga message's handler runs in: the active one when it already belongs
 * to the message's trace (the delivery's own span), else the one its headers carry. A
 * participant commits several sagas' actions in one transaction, run in the context of
 * whichever delivery started the group, so each handler is put back in its own saga's trace.
 */
export function contextOfMessage(headers: Record<string, string>): Context {
  const carried = propagation.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const carriedTrace = trace.getSpanContext(carried)?.traceId;
  const active = context.active();
  if (carriedTrace === undefined || trace.getSpanContext(active)?.traceId === carriedTrace) return active;
  return carried;
}

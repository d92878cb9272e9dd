import {
  Attributes,
  context,
  Context,
  isSpanContextValid,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * Spans of libs/saga, through the OpenTelemetry API alone: they are recorded when the process
 * registered a tracer provider (an SDK) and cost one comparison when it did not.
 */
const tracer = trace.getTracer('@zhongtai/saga');
const NO_PROVIDER = new ProxyTracerProvider().getDelegate();
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** What a saga span says about the saga: always its id, the rest where the caller knows it. */
export interface SagaSpanFacts {
  sagaId: string;
  sagaType?: string;
  step?: number;
  stepName?: string;
  phase?: string;
  attempt?: number;
  command?: string;
  participant?: string;
  outcome?: string;
}

/** True once the process registered a tracer provider (see libs/platform's tracing). */
export function tracingEnabled(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NO_PROVIDER;
}

export function sagaAttributes(facts: SagaSpanFacts): Attributes {
  const attributes: Attributes = { 'saga.id': facts.sagaId };
  if (facts.sagaType !== undefined) attributes['saga.type'] = facts.sagaType;
  if (facts.step !== undefined) attributes['saga.step'] = facts.step;
  if (facts.stepName !== undefined) attributes['saga.step_name'] = facts.stepName;
  if (facts.phase !== undefined) attributes['saga.phase'] = facts.phase;
  if (facts.attempt !== undefined) attributes['saga.attempt'] = facts.attempt;
  if (facts.command !== undefined) attributes['saga.command'] = facts.command;
  if (facts.participant !== undefined) attributes['saga.participant'] = facts.participant;
  if (facts.outcome !== undefined) attributes['saga.outcome'] = facts.outcome;
  return attributes;
}

/** A W3C traceparent as the context of a remote parent; the active context if it is absent or malformed. */
export function contextOfTraceparent(traceparent: string | undefined, base: Context = context.active()): Context {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  if (!match) return base;
  return trace.setSpanContext(base, {
    traceId: match[1],
    spanId: match[2],
    traceFlags: parseInt(match[3], 16),
    isRemote: true,
  });
}

export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/**
 * The context a message's span continues: the active span when it belongs to the message's
 * trace (a reply handled, a command dispatched from it), else the trace the message names.
 * Grouped work runs in the context of whichever item started its group, so the active span
 * alone could belong to another saga.
 */
export function parentContext(traceparent: string | undefined): Context {
  const active = context.active();
  const activeTrace = trace.getSpanContext(active)?.traceId;
  const named = traceparent ? TRACEPARENT.exec(traceparent)?.[1] : undefined;
  if (activeTrace !== undefined && (named === undefined || named === activeTrace)) return active;
  return contextOfTraceparent(traceparent, ROOT_CONTEXT);
}

/**
 * A span that marks one message leaving (a dispatch, a reply), ended at once: its traceparent
 * goes on the message, so the span that receives it is its child. Undefined without a tracer.
 */
export function messageSpanTraceparent(
  name: string,
  parentTraceparent: string | undefined,
  facts: SagaSpanFacts,
): string | undefined {
  if (!tracingEnabled()) return undefined;
  const span = tracer.startSpan(
    name,
    { kind: SpanKind.PRODUCER, attributes: sagaAttributes(facts) },
    parentContext(parentTraceparent),
  );
  span.end();
  return isSpanContextValid(span.spanContext()) ? traceparentOf(span) : undefined;
}

/**
 * Runs `work` in a span, child of `parent`'s context (the active one by default), recording an
 * exception as an error; `outcome` names what the result was. Without a tracer, only `work` runs.
 */
export async function inSagaSpan<T>(
  name: string,
  options: {
    kind?: SpanKind;
    /** A function where working them out costs something: it runs only with a tracer. */
    attributes?: Attributes | (() => Attributes);
    parent?: Context;
    outcome?: (result: T) => string;
  },
  work: (span?: Span) => Promise<T>,
): Promise<T> {
  if (!tracingEnabled()) return work();
  const attributes = typeof options.attributes === 'function' ? options.attributes() : options.attributes;
  const span = tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes },
    options.parent ?? context.active(),
  );
  try {
    const result = await context.with(trace.setSpan(options.parent ?? context.active(), span), () => work(span));
    if (options.outcome) span.setAttribute('saga.outcome', options.outcome(result));
    return result;
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { NatsContext } from '@nestjs/microservices';
import { context, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MsgHdrs } from '@nats-io/transport-node';
import { Observable } from 'rxjs';
import { tracingStarted } from './tracing';

const tracer = trace.getTracer('@zhongtai/platform');

/**
 * A request to another service in a client span, its context in the request's NATS headers
 * (W3C traceparent); without a tracer, only `send` runs.
 */
export async function traceRpcRequest<T>(subject: string, headers: MsgHdrs, send: () => Promise<T>): Promise<T> {
  if (!tracingStarted()) return send();
  const span = tracer.startSpan(`rpc ${subject}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'rpc.system': 'nats', 'rpc.method': subject },
  });
  const active = trace.setSpan(context.active(), span);
  propagation.inject(active, headers, { set: (carrier, key, value) => carrier.set(key, value) });
  return ended(span, () => context.with(active, send));
}

async function ended<T>(span: Span, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** Continues the caller's trace inside a NATS request handler, in a server span. */
@Injectable()
export class RpcTraceInterceptor implements NestInterceptor {
  intercept(execution: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (execution.getType() !== 'rpc' || !tracingStarted()) return next.handle();
    const nats = execution.switchToRpc().getContext<NatsContext>();
    const headers = nats.getHeaders?.();
    const parent = propagation.extract(ROOT_CONTEXT, headers, {
      get: (carrier, key) => carrier?.get(key) || undefined,
      keys: (carrier) => (carrier ? carrier.keys() : []),
    });
    const method = nats.getSubject().replace(/^[^.]+\./, '');
    const span = tracer.startSpan(
      `rpc ${method}`,
      { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'nats', 'rpc.method': method } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    return new Observable((subscriber) =>
      context.with(active, () =>
        next.handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
            span.end();
            subscriber.error(error);
          },
          complete: () => {
            span.end();
            subscriber.complete();
          },
        }),
      ),
    );
  }
}

import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { readAddress, SagaHeader } from '../transport/message-headers';
import {
  contextOfTraceparent,
  inSagaSpan,
  sagaAttributes,
  traceparentOf,
  tracingEnabled,
} from '../transport/saga-tracing';
import type { OutboxMessage } from './outbox';

/**
 * Publishes one outbox row in a producer span, child of the span that wrote the message (a
 * dispatch, a reply): `publish` receives the span's traceparent to send instead, so that the
 * receiver's span hangs from the publish and the time a row waited in the outbox shows.
 */
export function tracePublish<T>(message: OutboxMessage, publish: (traceparent?: string) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return publish();
  const address = readAddress((name) => message.headers[name]);
  const command = message.headers[SagaHeader.command];
  const attributes = {
    ...(address ? sagaAttributes({ ...address, command }) : {}),
    'messaging.system': 'nats',
    'messaging.destination.name': message.subject,
    'saga.outbox.waited_ms': message.createdAt ? Date.now() - message.createdAt : 0,
  };
  const parent = contextOfTraceparent(message.headers[SagaHeader.traceparent], ROOT_CONTEXT);
  return inSagaSpan('saga.outbox publish', { kind: SpanKind.PRODUCER, attributes, parent }, (span) =>
    publish(span && traceparentOf(span)),
  );
}

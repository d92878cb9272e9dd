import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import type { JsMsg } from '@nats-io/jetstream';
import type { Settlement } from './durable-consumer';
import { readAddress, SagaHeader } from './message-headers';
import { contextOfTraceparent, inSagaSpan, sagaAttributes, tracingEnabled } from './saga-tracing';

/**
 * Handles one delivery in a consumer span, child of the span that sent the message: a
 * participant's handling of a command (`saga.handle` for an action, `saga.compensate` for a
 * compensation) or an orchestrator's of a reply (`saga.apply-reply`). The outcome is how the
 * message was settled.
 */
export function traceDelivery(message: JsMsg, handle: () => Promise<Settlement>): Promise<Settlement> {
  if (!tracingEnabled()) return handle();
  const header = (name: string) => message.headers?.get(name) || undefined;
  const address = readAddress(header);
  const command = header(SagaHeader.command);
  const name = !command
    ? `saga.apply-reply ${address?.phase ?? 'unknown'}`
    : `${address?.phase === 'compensation' ? 'saga.compensate' : 'saga.handle'} ${command}`;
  // The saga's type is the last token of its reply subject (topology.ts): the subject of a
  // reply, the Saga-Reply-To of a command.
  const sagaType = (command ? header(SagaHeader.replyTo) : message.subject)?.split('.').at(-1);
  const attributes = {
    ...(address ? sagaAttributes({ ...address, command, sagaType }) : {}),
    'messaging.system': 'nats',
    'messaging.destination.name': message.subject,
    'messaging.message.redelivered': message.redelivered,
  };
  return inSagaSpan(
    name,
    {
      kind: SpanKind.CONSUMER,
      attributes,
      parent: contextOfTraceparent(header(SagaHeader.traceparent), ROOT_CONTEXT),
      outcome,
    },
    handle,
  );
}

function outcome(settlement: Settlement): string {
  if ('ack' in settlement) return 'acked';
  return 'nakAfterMs' in settlement ? 'redelivered' : 'dropped';
}

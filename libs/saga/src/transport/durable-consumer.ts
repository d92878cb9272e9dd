import { Logger } from '@nestjs/common';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { traceDelivery } from './delivery-span';

/**
 * Wraps every delivery: the test kit uses it to deliver a message several times, late, or
 * out of order. Production code leaves it unset.
 */
export type DeliveryHook = (message: JsMsg, deliver: () => Promise<Settlement>) => Promise<Settlement>;

/** What to do with a message once its handler has finished. */
export type Settlement = { ack: true } | { nakAfterMs: number } | { term: string };

export const ACK: Settlement = { ack: true };

/**
 * Short pull requests with frequent heartbeats. A pull request is lost without a word from
 * nats-server 2.9 when the route to the consumer's leader breaks (a node cut off, or a leader
 * moving); the client notices only after two missed heartbeats and then re-pulls. With the
 * client's defaults (30 s requests, 15 s heartbeats) a replica on a node cut off from the
 * cluster received nothing for 31 to 33 s after the cut was healed, while its sagas' deadlines
 * ran out; with these, 14.5 s, most of it the cluster's own election.
 */
const PULL = { expires: 5_000, idle_heartbeat: 1_000 };

/**
 * Pulls from a durable consumer shared by every replica of a service and runs up to
 * `concurrency` handlers at once. A message is settled only after its handler returned,
 * that is after the handler's transaction committed.
 */
export class DurableConsumer {
  private readonly logger: Logger;
  private messages?: ConsumerMessages;
  private running?: Promise<void>;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly js: JetStreamClient,
    private readonly stream: string,
    private readonly durable: string,
    private readonly handle: (message: JsMsg) => Promise<Settlement>,
    private readonly concurrency: number,
    private readonly onRedelivery: () => void = () => undefined,
    private readonly deliveryHook?: DeliveryHook,
  ) {
    this.logger = new Logger(`SagaConsumer:${durable}`);
  }

  async start(): Promise<void> {
    const consumer = await this.js.consumers.get(this.stream, this.durable);
    this.messages = await consumer.consume({ max_messages: this.concurrency * 2, ...PULL });
    this.running = this.loop(this.messages);
  }

  /** Stops pulling, then waits for the handlers in flight to settle their messages. */
  async stop(): Promise<void> {
    await this.messages?.close();
    await this.running;
    await Promise.all(this.inFlight);
  }

  private async loop(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const work = this.process(message).finally(() => this.inFlight.delete(work));
      this.inFlight.add(work);
    }
  }

  private async process(message: JsMsg): Promise<void> {
    if (message.redelivered) this.onRedelivery();
    let settlement: Settlement;
    try {
      const handle = () => traceDelivery(message, () => this.handle(message));
      settlement = this.deliveryHook ? await this.deliveryHook(message, handle) : await handle();
    } catch (error) {
      this.logger.warn(`${message.subject} #${message.seq} failed, will be redelivered: ${describe(error)}`);
      settlement = { nakAfterMs: redeliveryDelay(message.info.deliveryCount) };
    }
    if ('ack' in settlement) message.ack();
    else if ('nakAfterMs' in settlement) message.nak(settlement.nakAfterMs);
    else {
      this.logger.error(`${message.subject} #${message.seq} dropped: ${settlement.term}`);
      message.term(settlement.term);
    }
  }
}

/** Exponential backoff with jitter for a transient failure: 200 ms, 400 ms, ... up to 10 s. */
export function redeliveryDelay(deliveryCount: number): number {
  const base = Math.min(10_000, 200 * 2 ** Math.max(0, deliveryCount - 1));
  return Math.round(base / 2 + Math.random() * (base / 2));
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import { Logger } from '@nestjs/common';
import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
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
 * moving); the client notices only after two missed heartbeats and then pulls again. With the
 * client's defaults (30 s requests, 15 s heartbeats) a replica on a node cut off from the
 * cluster received nothing for 31 to 33 s after the cut was healed, while its sagas' deadlines
 * ran out; with these, 14.5 s, most of it the cluster's own election.
 */
const PULL = { expires: 5_000, idle_heartbeat: 1_000 };

/** After a pull failed (connection lost, consumer gone, heartbeats missed): wait before the next. */
const PULL_RETRY_MS = 500;

/**
 * Pulls from a durable consumer shared by every replica of a service and runs up to
 * `concurrency` handlers at once. A message is settled only after its handler returned,
 * that is after the handler's transaction committed.
 *
 * It asks the server only for as many messages as it has handlers free (messages asked for
 * and not yet come count as taken). Messages waiting for a handler therefore wait in the
 * stream, where any replica can take them, and not in this process's buffer, where their
 * ack_wait would run out under back-pressure and the server would deliver them a second time.
 */
export class DurableConsumer {
  private readonly logger: Logger;
  private stopping = false;
  private running?: Promise<void>;
  /** Messages asked for by pulls still open and not yet come. */
  private requested = 0;
  private readonly pulls = new Set<ConsumerMessages>();
  private readonly pulling = new Set<Promise<void>>();
  private readonly inFlight = new Set<Promise<void>>();
  private wake?: () => void;

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
    this.running = this.loop(consumer);
  }

  /** Stops pulling, then waits for the handlers in flight to settle their messages. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeUp();
    await Promise.all([...this.pulls].map((pull) => pull.close()));
    await this.running;
    await Promise.all(this.pulling);
    await Promise.all(this.inFlight);
  }

  /**
   * A new pull once a quarter of the handlers are free, not for each one: fewer pull requests
   * under load, while the pulls still open keep the other handlers supplied.
   */
  private async loop(consumer: Consumer): Promise<void> {
    const smallestPull = Math.ceil(this.concurrency / 4);
    while (!this.stopping) {
      const free = this.concurrency - this.inFlight.size - this.requested;
      if (free >= smallestPull) {
        const pull = this.pull(consumer, free).finally(() => this.pulling.delete(pull));
        this.pulling.add(pull);
      } else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async pull(consumer: Consumer, batch: number): Promise<void> {
    this.requested += batch;
    let received = 0;
    try {
      const messages = await consumer.fetch({ max_messages: batch, ...PULL });
      this.pulls.add(messages);
      if (this.stopping) await messages.close();
      try {
        for await (const message of messages) {
          // Left unsettled, it comes again after its ack_wait, to this replica or another.
          if (this.stopping) break;
          received++;
          this.requested--;
          const work = this.process(message).finally(() => {
            this.inFlight.delete(work);
            this.wakeUp();
          });
          this.inFlight.add(work);
        }
      } finally {
        this.pulls.delete(messages);
      }
    } catch (error) {
      if (!this.stopping) {
        this.logger.warn(`pull from ${this.durable} failed, pulling again: ${describe(error)}`);
        await new Promise((resolve) => setTimeout(resolve, PULL_RETRY_MS));
      }
    } finally {
      this.requested -= batch - received;
      this.wakeUp();
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

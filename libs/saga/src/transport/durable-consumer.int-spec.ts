import { AckPolicy, jetstream, jetstreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { JetStreamManager, JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { ACK, DurableConsumer } from './durable-consumer';

const NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

async function eventually(probe: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Handlers that hold every message until the test lets them go. */
class HeldHandlers {
  readonly seen: string[] = [];
  private releases: (() => void)[] = [];

  readonly handle = async (message: JsMsg) => {
    this.seen.push(message.string());
    await new Promise<void>((resolve) => this.releases.push(resolve));
    return ACK;
  };

  releaseAll(): void {
    const releases = this.releases;
    this.releases = [];
    for (const release of releases) release();
  }
}

describe('the durable consumer', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let stream: string;
  const consumers: DurableConsumer[] = [];
  const handlers: HeldHandlers[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
    jsm = await jetstreamManager(nc);
    stream = `zt_consumer_${process.pid}_${randomBytes(3).toString('hex')}`;
    await jsm.streams.add({ name: stream, subjects: [`${stream}.>`], retention: RetentionPolicy.Workqueue });
    await jsm.consumers.add(stream, {
      durable_name: 'work',
      ack_policy: AckPolicy.Explicit,
      ack_wait: 30_000_000_000,
      max_ack_pending: 2_000,
    });
  });

  afterAll(async () => {
    for (const handler of handlers) handler.releaseAll();
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await jsm.streams.delete(stream);
    await nc.close();
  });

  async function replica(concurrency: number): Promise<HeldHandlers> {
    const held = new HeldHandlers();
    const consumer = new DurableConsumer(jetstream(nc), stream, 'work', held.handle, concurrency);
    await consumer.start();
    handlers.push(held);
    consumers.push(consumer);
    return held;
  }

  async function pendingAtServer(): Promise<{ ackPending: number; waiting: number }> {
    const info = await jsm.consumers.info(stream, 'work');
    return { ackPending: info.num_ack_pending, waiting: info.num_pending };
  }

  it('takes no more messages than it has free handlers, leaving the rest in the stream for another replica', async () => {
    const first = await replica(4);
    const js = jetstream(nc);
    for (let i = 0; i < 40; i++) await js.publish(`${stream}.work`, `m${i}`);

    await eventually(() => first.seen.length === 4, 'four messages in hand');
    // Pulls keep coming every few seconds while the handlers are busy: give them time to over-take.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(first.seen).toHaveLength(4);
    expect(await pendingAtServer()).toEqual({ ackPending: 4, waiting: 36 });

    const second = await replica(4);
    await eventually(() => second.seen.length === 4, 'the second replica busy');
    expect(await pendingAtServer()).toEqual({ ackPending: 8, waiting: 32 });

    // As handlers finish, both replicas take the rest, and every message is handled once.
    await eventually(() => {
      first.releaseAll();
      second.releaseAll();
      return first.seen.length + second.seen.length === 40;
    }, 'all forty handled');
    first.releaseAll();
    second.releaseAll();
    expect(new Set([...first.seen, ...second.seen]).size).toBe(40);
    await eventually(async () => {
      const { ackPending, waiting } = await pendingAtServer();
      return ackPending === 0 && waiting === 0;
    }, 'every message acknowledged');
  });
});

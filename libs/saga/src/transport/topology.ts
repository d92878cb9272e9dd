import {
  AckPolicy,
  DiscardPolicy,
  JetStreamApiError,
  JetStreamManager,
  RetentionPolicy,
  StorageType,
} from '@nats-io/jetstream';
import type { ConsumerConfig, StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';

/**
 * Subject and stream names, all under one prefix so that deployments (and test runs) that
 * share a NATS server never see each other's messages.
 *
 *   <prefix>.saga.cmd.<participant>.<command>     commands, stream <prefix>_saga_commands
 *   <prefix>.saga.reply.<orchestrator>.<saga>     replies,  stream <prefix>_saga_replies
 */
export class SagaSubjects {
  constructor(readonly prefix: string) {
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(prefix))
      throw new Error(`subject prefix "${prefix}": 1 to 32 of A-Z a-z 0-9 _ -`);
  }

  command(participant: string, command: string): string {
    return `${this.prefix}.saga.cmd.${participant}.${command}`;
  }

  commandsOf(participant: string): string {
    return `${this.prefix}.saga.cmd.${participant}.>`;
  }

  reply(orchestrator: string, saga: string): string {
    return `${this.prefix}.saga.reply.${orchestrator}.${saga}`;
  }

  repliesOf(orchestrator: string): string {
    return `${this.prefix}.saga.reply.${orchestrator}.>`;
  }

  get commandStream(): string {
    return `${this.prefix}_saga_commands`;
  }

  get replyStream(): string {
    return `${this.prefix}_saga_replies`;
  }
}

/** Tunables of the JetStream topology; the defaults are explained in libs/saga/README.md. */
export interface TopologyOptions {
  /** Stream replicas: 1 on one server, 3 on a three-node cluster. */
  replicas: number;
  /** Window in which a re-published outbox row (same Nats-Msg-Id) is dropped by the server. */
  duplicateWindowMs: number;
  /** Messages nobody acknowledged are dropped after this; the sweeper re-sends what matters. */
  maxAgeMs: number;
  /** Redelivery delays of an unacknowledged message; the first is the ack wait. */
  backoffMs: number[];
  /** Deliveries of one message before JetStream gives up on it (the saga deadline takes over). */
  maxDeliver: number;
}

export const DEFAULT_TOPOLOGY: TopologyOptions = {
  replicas: 1,
  duplicateWindowMs: 120_000,
  maxAgeMs: 24 * 3600_000,
  backoffMs: [5_000, 10_000, 30_000, 60_000, 120_000],
  maxDeliver: 8,
};

function streamConfig(
  name: string,
  subject: string,
  options: TopologyOptions,
): Partial<StreamConfig> & { name: string } {
  return {
    name,
    subjects: [subject],
    // A work queue: each message belongs to exactly one consumer and is removed on ack.
    retention: RetentionPolicy.Workqueue,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: options.replicas,
    duplicate_window: nanos(options.duplicateWindowMs),
    max_age: nanos(options.maxAgeMs),
  };
}

function consumerConfig(durable: string, filter: string, options: TopologyOptions): Partial<ConsumerConfig> {
  return {
    durable_name: durable,
    filter_subject: filter,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.backoffMs[0]),
    backoff: options.backoffMs.map(nanos),
    max_deliver: options.maxDeliver,
    max_ack_pending: 2_000,
  };
}

const STREAM_NAME_IN_USE = 10058;

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.add(config);
  } catch (error) {
    if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NAME_IN_USE) throw error;
    await jsm.streams.update(config.name, config);
  }
}

async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig>): Promise<void> {
  const existing = await jsm.consumers.info(stream, config.durable_name!).catch(() => null);
  if (existing) await jsm.consumers.update(stream, config.durable_name!, config);
  else await jsm.consumers.add(stream, config);
}

/** Creates (or updates) the streams, and the durable consumers of this service, idempotently. */
export async function ensureTopology(
  jsm: JetStreamManager,
  subjects: SagaSubjects,
  consumers: { participant?: string; orchestrator?: string },
  options: TopologyOptions,
): Promise<void> {
  await ensureStream(jsm, streamConfig(subjects.commandStream, `${subjects.prefix}.saga.cmd.>`, options));
  await ensureStream(jsm, streamConfig(subjects.replyStream, `${subjects.prefix}.saga.reply.>`, options));
  if (consumers.participant) {
    const name = consumers.participant;
    await ensureConsumer(jsm, subjects.commandStream, consumerConfig(name, subjects.commandsOf(name), options));
  }
  if (consumers.orchestrator) {
    const name = consumers.orchestrator;
    await ensureConsumer(jsm, subjects.replyStream, consumerConfig(name, subjects.repliesOf(name), options));
  }
}

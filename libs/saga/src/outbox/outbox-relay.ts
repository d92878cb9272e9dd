import { Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { crashPoint } from '../crash-points';
import type { SagaMetrics } from '../saga-metrics';
import { describe } from '../transport/durable-consumer';
import { SagaHeader } from '../transport/message-headers';
import { OutboxMessage, outboxWritten } from './outbox';
import { tracePublish } from './publish-span';

export interface RelayOptions {
  /** How often unsent rows are looked for (rows of crashed processes, or NATS outages). */
  pollIntervalMs: number;
  /** Published rows are marked sent together, at most this long after publishing. */
  markSentDelayMs: number;
  /** Only rows at least this old are polled, so the fast path is not raced. */
  pollMinAgeMs: number;
  batchSize: number;
}

export const DEFAULT_RELAY: RelayOptions = {
  pollIntervalMs: 1_000,
  markSentDelayMs: 100,
  pollMinAgeMs: 2_000,
  batchSize: 256,
};

const encoder = new TextEncoder();

/**
 * Publishes outbox rows to JetStream. Fast path: the rows a transaction wrote are published
 * right after it commits. Fallback: a poller takes unsent rows (of any replica) with
 * `FOR UPDATE SKIP LOCKED`, so rows written before a crash or during a NATS outage flow when
 * the process or NATS returns. Each row is published with `Nats-Msg-Id` = its id, then marked
 * sent; a row published twice is dropped by JetStream's duplicate window.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private queue: OutboxMessage[] = [];
  private flushing?: Promise<void>;
  /** Published ids waiting to be marked sent in one statement; the poller covers a crash meanwhile. */
  private published: string[] = [];
  private markTimer?: NodeJS.Timeout;
  private marking?: Promise<void>;
  private pollTimer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = true;
  private pollBackoffMs = 0;
  private stopListening?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly js: JetStreamClient,
    private readonly options: RelayOptions,
    private readonly metrics: SagaMetrics,
  ) {}

  start(): void {
    this.stopped = false;
    this.stopListening ??= outboxWritten.listen(this.dataSource, (messages) => this.enqueue(messages));
    this.schedulePoll(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    await this.polling;
    await this.flushing;
    clearTimeout(this.markTimer);
    await this.marking;
    await this.markSent();
    this.stopListening?.();
    this.stopListening = undefined;
  }

  /** Publishes messages whose rows a committed statement wrote (outside a TypeORM transaction). */
  enqueue(messages: OutboxMessage[]): void {
    crashPoint('relay.after-commit-before-publish');
    if (this.stopped) return;
    this.queue.push(...messages);
    this.flushing ??= this.flush().finally(() => (this.flushing = undefined));
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      const published = await this.publish(batch);
      crashPoint('relay.after-publish-before-mark-sent');
      this.published.push(...published);
      this.markTimer ??= setTimeout(() => {
        this.markTimer = undefined;
        this.marking = this.markSent().finally(() => (this.marking = undefined));
      }, this.options.markSentDelayMs);
    }
  }

  /**
   * One UPDATE for every row published since the last: marking each row on its own would
   * cost a commit per message. A row left unmarked by a crash is re-published by the poller
   * and dropped by JetStream's duplicate window.
   */
  private async markSent(): Promise<void> {
    const ids = this.published;
    this.published = [];
    if (ids.length === 0) return;
    await this.dataSource
      .query('UPDATE saga_outbox SET sent_at = now() WHERE id = ANY($1) AND sent_at IS NULL', [ids])
      .catch((error: unknown) => this.logger.warn(`marking sent failed (the poller retries): ${describe(error)}`));
  }

  /** Publishes concurrently; returns the ids JetStream acknowledged. Failures wait for the poller. */
  private async publish(batch: OutboxMessage[]): Promise<string[]> {
    const results = await Promise.allSettled(
      batch.map((message) =>
        tracePublish(message, async (traceparent) => {
          const headers = natsHeaders();
          for (const [name, value] of Object.entries(message.headers)) headers.set(name, value);
          if (traceparent) headers.set(SagaHeader.traceparent, traceparent);
          await this.js.publish(message.subject, encoder.encode(JSON.stringify(message.payload ?? null)), {
            msgID: message.id,
            headers,
          });
          if (message.createdAt) this.metrics.outboxLag.observe((Date.now() - message.createdAt) / 1000);
          return message.id;
        }),
      ),
    );
    const failed = results.filter((r) => r.status === 'rejected');
    if (failed.length > 0) {
      this.logger.warn(
        `${failed.length} of ${batch.length} outbox messages not published yet: ${describe(failed[0].reason)}`,
      );
    }
    return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  private schedulePoll(delayMs: number): void {
    if (this.stopped) return;
    this.pollTimer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        this.schedulePoll(this.options.pollIntervalMs + this.pollBackoffMs);
      });
    }, delayMs);
  }

  /** Publishes unsent rows older than the fast path's window, under row locks so replicas share. */
  private async poll(): Promise<void> {
    try {
      const complete = await this.dataSource.transaction(async (manager) => {
        const rows: { id: string; subject: string; payload: unknown; headers: Record<string, string>; age: string }[] =
          await manager.query(
            `SELECT id, subject, payload, headers, extract(epoch FROM now() - created_at) AS age FROM saga_outbox
             WHERE sent_at IS NULL AND created_at < now() - make_interval(secs => $1)
             ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
            [this.options.pollMinAgeMs / 1000, this.options.batchSize],
          );
        if (rows.length === 0) return true;
        const published = await this.publish(rows.map((r) => ({ ...r, createdAt: Date.now() - Number(r.age) * 1000 })));
        crashPoint('relay.after-publish-before-mark-sent');
        await manager.query('UPDATE saga_outbox SET sent_at = now() WHERE id = ANY($1)', [published]);
        return published.length === rows.length;
      });
      this.pollBackoffMs = complete ? 0 : Math.min(5_000, this.pollBackoffMs * 2 || 250);
    } catch (error) {
      this.pollBackoffMs = Math.min(5_000, this.pollBackoffMs * 2 || 250);
      this.logger.warn(
        `outbox poll: ${describe(error)}; next in ${this.options.pollIntervalMs + this.pollBackoffMs} ms`,
      );
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { notificationSignature, PROVIDER_HEADERS } from '@zhongtai/contracts';
import { PeriodicRound } from '@zhongtai/platform';
import { randomBytes, randomInt } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ProviderConfig } from '../provider.config';
import { PROVIDER_CONFIG } from '../provider.tokens';
import { NotificationFaults, readFaults } from './notification-faults';

interface DueNotification {
  id: string;
  notify_url: string;
  body: string;
  failures: number;
  held_back: boolean;
}

/** Notifications one round claims: more wait for the next round. */
const BATCH = 20;

/**
 * Delivers the notifications owed, as real providers do: POSTed, signed, until the merchant
 * answers 2xx, after a failure again with exponential backoff and jitter, with no end. A round
 * claims its rows by pushing their next attempt past the delivery timeout (a lease), so that
 * replicas never send one notification at the same time and a crash mid-round only delays it.
 */
@Injectable()
export class NotificationSender implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(NotificationSender.name);
  private readonly rounds: PeriodicRound;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(PROVIDER_CONFIG) private readonly config: ProviderConfig,
  ) {
    this.rounds = new PeriodicRound(
      'notification round',
      config.notifications.pollMs,
      () => this.sendDue(),
      this.logger,
    );
  }

  onApplicationBootstrap(): void {
    this.rounds.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rounds.stop();
  }

  /** One round: the due notifications, each sent (or faulted) in parallel. */
  async sendDue(): Promise<void> {
    const faults = await readFaults(this.dataSource.manager);
    const leaseMs = this.config.notifications.timeoutMs * 2;
    const [due] = (await this.dataSource.query(
      `UPDATE provider_notifications SET next_attempt_at = now() + make_interval(secs => $2 / 1000.0)
       WHERE id IN (SELECT id FROM provider_notifications
                    WHERE delivered_at IS NULL AND dropped_at IS NULL AND next_attempt_at <= now()
                    ORDER BY next_attempt_at, seq LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id, notify_url, body, failures, held_back`,
      [BATCH, leaseMs],
    )) as [DueNotification[], number];
    await Promise.all(due.map((notification) => this.deliverOrFault(notification, faults)));
  }

  private async deliverOrFault(notification: DueNotification, faults: NotificationFaults): Promise<void> {
    if (Math.random() < faults.drop) {
      await this.dataSource.query('UPDATE provider_notifications SET dropped_at = now() WHERE id = $1', [
        notification.id,
      ]);
      return;
    }
    if (!notification.held_back && Math.random() < faults.reorder) {
      // Held back once, long enough for the notifications owed after it to go first.
      const holdMs = Math.max(faults.delayMs, this.config.notifications.pollMs * 10, 2_000);
      await this.dataSource.query(
        `UPDATE provider_notifications SET held_back = true, next_attempt_at = now() + make_interval(secs => $2 / 1000.0)
         WHERE id = $1`,
        [notification.id, holdMs],
      );
      return;
    }
    const failure = await this.post(notification);
    if (failure === undefined) {
      const duplicate = Math.random() < faults.duplicate;
      if (duplicate) await this.post(notification);
      await this.dataSource.query(
        `UPDATE provider_notifications SET delivered_at = now(), attempts = attempts + $2, duplicates_sent = duplicates_sent + $3
         WHERE id = $1`,
        [notification.id, duplicate ? 2 : 1, duplicate ? 1 : 0],
      );
      return;
    }
    await this.dataSource.query(
      `UPDATE provider_notifications SET attempts = attempts + 1, failures = failures + 1, last_error = $2,
         next_attempt_at = now() + make_interval(secs => $3 / 1000.0)
       WHERE id = $1`,
      [notification.id, failure.slice(0, 500), this.backoffMs(notification.failures + 1)],
    );
  }

  /** undefined once the merchant answered 2xx, else what went wrong. */
  private async post(notification: DueNotification): Promise<string | undefined> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    try {
      const response = await fetch(notification.notify_url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [PROVIDER_HEADERS.timestamp]: timestamp,
          [PROVIDER_HEADERS.nonce]: nonce,
          [PROVIDER_HEADERS.signature]: notificationSignature(
            this.config.notifySecret,
            timestamp,
            nonce,
            notification.body,
          ),
        },
        body: notification.body,
        signal: AbortSignal.timeout(this.config.notifications.timeoutMs),
      });
      await response.arrayBuffer();
      return response.ok ? undefined : `HTTP ${response.status}`;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Exponential from the base, capped, with full jitter in its upper half. */
  private backoffMs(failures: number): number {
    const { backoffMs, maxBackoffMs } = this.config.notifications;
    const ceiling = Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failures - 1, 30));
    return Math.ceil(ceiling / 2) + randomInt(Math.max(1, Math.floor(ceiling / 2)));
  }
}

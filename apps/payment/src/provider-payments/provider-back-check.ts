import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicRound } from '@zhongtai/platform';
import { DataSource } from 'typeorm';
import { ProviderClient } from './provider-client';
import { providerPayments } from './provider-payment-store';
import { PROVIDER_SETTINGS, ProviderSettings } from './provider-settings';
import { settleFromRecord } from './provider-settlement';

/** Payments one round asks about; more wait for the next round. */
const BATCH = 20;

/**
 * The platform's own look at payments whose notification has not come: every round, the
 * payments awaiting an outcome that no one asked about for a while are asked about at the
 * provider (by merchant order), and a decided one is settled as its notification would have;
 * a success of another amount or currency than the payment's is refused and refunded.
 * The saga's deadline still ends an unpaid one; this only finds the outcome a notification lost.
 * Nonces older than twice the tolerance are forgotten here too: a replay that old is stale.
 */
@Injectable()
export class ProviderBackCheck implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProviderBackCheck.name);
  private readonly rounds?: PeriodicRound;

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: ProviderClient,
    @Inject(PROVIDER_SETTINGS) settings: ProviderSettings | null,
  ) {
    if (settings) {
      this.rounds = new PeriodicRound(
        'back-check',
        settings.backCheckEveryMs,
        () => this.checkUnsettled(settings),
        this.logger,
      );
    }
  }

  onApplicationBootstrap(): void {
    this.rounds?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rounds?.stop();
  }

  /**
   * One round; returns how many payments it settled. Each payment is asked about on its own: a
   * provider that fails or times out on one (its query answers 5xx, the connection drops) must
   * not keep the others unchecked, so the failure is logged and the round goes on; the one that
   * failed was claimed like the rest, and is asked about again once it has waited its delay anew.
   */
  async checkUnsettled(settings: ProviderSettings): Promise<number> {
    const orderIds = await providerPayments.claimUnsettled(this.dataSource.manager, settings.backCheckAfterMs, BATCH);
    let settled = 0;
    const failed: string[] = [];
    for (const orderId of orderIds) {
      try {
        if (await this.checkPayment(orderId)) settled++;
      } catch (error) {
        failed.push(orderId);
        this.logger.warn(`back-check of order ${orderId} failed, asked again in a later round: ${String(error)}`);
      }
    }
    if (failed.length > 0) {
      this.logger.warn(`back-check: ${failed.length} of ${orderIds.length} payments could not be checked`);
    }
    await this.dataSource.query(
      'DELETE FROM provider_nonces WHERE seen_at < now() - make_interval(secs => $1 / 1000.0)',
      [settings.notifyToleranceMs * 2],
    );
    return settled;
  }

  /** Asks the provider about one payment and settles it if decided there; whether it did. */
  private async checkPayment(orderId: string): Promise<boolean> {
    const seen = await this.client.paymentOfOrder(orderId);
    if (!seen || (seen.status !== 'SUCCEEDED' && seen.status !== 'FAILED')) return false;
    const decided = { ...seen, status: seen.status };
    await this.dataSource.transaction(async (manager) => {
      const payment = await providerPayments.lock(manager, orderId);
      if (payment) await settleFromRecord(manager, this.client, payment, decided);
    });
    return true;
  }
}

import { randomUUID } from 'node:crypto';
import type { CreatedProviderPayment } from '@zhongtai/contracts';
import { dataSourceOptions } from '@zhongtai/platform';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infrastructure';
import { MERCHANT_KEY, NOTIFY_SECRET, ProviderTestKit } from '../../../provider/src/testing/provider-test-kit';
import { paymentDatabase } from '../payment.database';
import { ProviderClient } from './provider-client';
import { ProviderPaymentRow, providerPayments } from './provider-payment-store';
import { ProviderSettings } from './provider-settings';

/**
 * The payment service's provider side on a fresh, migrated database, talking to the provider
 * simulator (in this process, on its own database) through the real client. Notifications are
 * dropped by the simulator: a test here decides what the payment service learns, and when.
 */
export class ProviderPaymentsTestKit {
  private constructor(
    readonly dataSource: DataSource,
    private readonly database: TestDatabase,
    readonly provider: ProviderTestKit,
    readonly settings: ProviderSettings,
    readonly client: ProviderClient,
  ) {}

  static async open(label: string): Promise<ProviderPaymentsTestKit> {
    const database = await createTestDatabase(label, paymentDatabase);
    const dataSource = new DataSource({ ...dataSourceOptions(database.url, paymentDatabase), extra: { max: 10 } });
    await dataSource.initialize();
    const provider = await ProviderTestKit.open();
    await provider.setFaults({ drop: 1 });
    const settings: ProviderSettings = {
      url: provider.url,
      apiKey: MERCHANT_KEY,
      notifySecret: NOTIFY_SECRET,
      notifyUrl: 'http://127.0.0.1:9/notifications',
      notifyToleranceMs: 300_000,
      backCheckEveryMs: 3_600_000,
      backCheckAfterMs: 0,
      requestTimeoutMs: 2_000,
      reconcileEveryMs: 3_600_000,
    };
    return new ProviderPaymentsTestKit(dataSource, database, provider, settings, new ProviderClient(settings));
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
    await this.database.drop();
    await this.provider.close();
  }

  /** A payment opened at the provider and recorded here as openPayment records it, no saga step waiting. */
  async openPayment(amountCents = 1_000): Promise<CreatedProviderPayment> {
    const orderId = `order-${randomUUID()}`;
    const opened = (await this.provider.createPayment(orderId, {
      amountCents,
      notifyUrl: this.settings.notifyUrl,
    })) as CreatedProviderPayment;
    await providerPayments.record(this.dataSource.manager, {
      orderId,
      customerId: randomUUID(),
      amountCents,
      providerPaymentId: opened.paymentId,
      payUrl: opened.payUrl,
      expiresAt: opened.expiresAt,
    });
    return opened;
  }

  async paymentHere(orderId: string): Promise<ProviderPaymentRow> {
    const payment = await providerPayments.find(this.dataSource.manager, orderId);
    if (!payment) throw new Error(`no payment of order ${orderId}`);
    return payment;
  }

  /** A statement against the simulator's own database: what the provider did that its API cannot be asked to do. */
  async atProvider(sql: string, params: unknown[]): Promise<void> {
    const client = new Client({ connectionString: this.provider.database.url });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  }
}

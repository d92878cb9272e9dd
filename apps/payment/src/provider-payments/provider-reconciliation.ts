import { HttpStatus, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicRound, ProblemException } from '@zhongtai/platform';
import type {
  ProviderStatement,
  ReconciliationFinding,
  ReconciliationFindingKind,
  ReconciliationReport,
} from '@zhongtai/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ProviderClient } from './provider-client';
import { providerPayments } from './provider-payment-store';
import { PROVIDER_SETTINGS, ProviderSettings } from './provider-settings';
import type { Found } from './provider-findings';
import { mismatchOf, refuseMismatchedSuccess, settlePayment } from './provider-settlement';

/**
 * Compares the provider's daily statement with this service's payments and ledger. What a
 * missed notification left behind is repaired (the payment settled as the notification would
 * have, or refunded there when it was given up here); what it cannot repair is recorded as a
 * finding for operators (GET /admin/payments/reconciliation). Runs for yesterday and today every
 * PAYMENT_RECONCILE_EVERY_MS, and on an operator's request for any day; a finding is recorded
 * once per day, order and kind.
 */
@Injectable()
export class ProviderReconciliation implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ProviderReconciliation.name);
  private readonly rounds?: PeriodicRound;

  constructor(
    private readonly dataSource: DataSource,
    private readonly client: ProviderClient,
    @Inject(PROVIDER_SETTINGS) private readonly settings: ProviderSettings | null,
  ) {
    if (settings) {
      this.rounds = new PeriodicRound(
        'reconciliation',
        settings.reconcileEveryMs,
        () => this.reconcileRecentDays(),
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

  /** Yesterday's statement and today's so far. */
  private reconcileRecentDays(): Promise<unknown> {
    const today = new Date();
    const yesterday = new Date(today.getTime() - 86_400_000);
    return Promise.all([yesterday, today].map((day) => this.reconcile(day.toISOString().slice(0, 10))));
  }

  async reconcile(date: string): Promise<ReconciliationReport> {
    if (!this.settings)
      throw new ProblemException(HttpStatus.NOT_FOUND, 'NO_PROVIDER', 'no payment provider is configured');
    if (dayOf(new Date(`${date}T00:00:00Z`)) !== date) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', `${date} is not a day of the calendar`);
    }
    const statement = await this.client.statementOf(date);
    const found: Found[] = [];
    for (const success of statement.successes) {
      const finding = await this.dataSource.transaction((manager) => this.reconcileSuccess(manager, success));
      if (finding) found.push(finding);
    }
    found.push(...(await this.missingAtProvider(statement)), ...(await this.unknownRefunds(statement)));
    const findings = await this.record(date, found);
    return { date, successes: statement.successes.length, refunds: statement.refunds.length, findings };
  }

  async findings(limit: number): Promise<ReconciliationFinding[]> {
    const rows = (await this.dataSource.query(
      `SELECT statement_date::text, order_id, provider_payment_id, kind, detail, repaired, found_at
       FROM provider_reconciliation_findings ORDER BY id DESC LIMIT $1`,
      [limit],
    )) as FindingRow[];
    return rows.map(findingOf);
  }

  private async reconcileSuccess(
    manager: EntityManager,
    success: ProviderStatement['successes'][number],
  ): Promise<Found | undefined> {
    const payment = await providerPayments.lock(manager, success.merchantOrderId);
    const about = { orderId: success.merchantOrderId, providerPaymentId: success.paymentId };
    if (!payment || payment.provider_payment_id !== success.paymentId) {
      return finding(
        about,
        'UNKNOWN_PAYMENT',
        `${success.amountCents} collected for a payment never opened here`,
        false,
      );
    }
    const mismatch = mismatchOf(payment, success);
    if (mismatch) {
      // The money is not the order's: refunded there unless the payment was settled (PAID) or
      // refunded here already.
      const refunded = await refuseMismatchedSuccess(manager, this.client, payment, mismatch);
      const detail = `${mismatch}${refunded ? '; refunded there, the order failed' : ''}`;
      return finding(about, 'AMOUNT_MISMATCH', detail, refunded);
    }
    if (payment.status === 'PAID' || payment.status === 'REFUNDED') return undefined;
    const kind = payment.status === 'AWAITING_PAYMENT' ? 'MISSED_NOTIFICATION' : 'PAID_AFTER_GIVING_UP';
    await settlePayment(manager, this.client, payment, 'SUCCEEDED');
    return finding(about, kind, `the provider's success settled the ${payment.status} payment`, true);
  }

  /** Payments paid here that day that the statement does not list. */
  private async missingAtProvider(statement: ProviderStatement): Promise<Found[]> {
    const listed = statement.successes.map((success) => success.paymentId);
    const rows = (await this.dataSource.query(
      `SELECT order_id, provider_payment_id::text FROM provider_payments
       WHERE status = 'PAID' AND paid_at >= $1::date::timestamp AT TIME ZONE 'UTC'
         AND paid_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC'
         AND paid_at < now() - interval '1 minute' AND NOT (provider_payment_id::text = ANY($2))`,
      [statement.date, listed],
    )) as { order_id: string; provider_payment_id: string }[];
    return rows.map((row) =>
      finding(
        { orderId: row.order_id, providerPaymentId: row.provider_payment_id },
        'MISSING_AT_PROVIDER',
        'paid here, absent from the statement',
        false,
      ),
    );
  }

  /** Refunds in the statement that this service did not make. */
  private async unknownRefunds(statement: ProviderStatement): Promise<Found[]> {
    const found: Found[] = [];
    for (const refund of statement.refunds) {
      const payment = await providerPayments.find(this.dataSource.manager, refund.merchantOrderId);
      if (payment?.status === 'REFUNDED') continue;
      const about = { orderId: refund.merchantOrderId, providerPaymentId: refund.paymentId };
      found.push(finding(about, 'UNKNOWN_REFUND', `${refund.amountCents} refunded there (${refund.refundId})`, false));
    }
    return found;
  }

  /** Records what is new; returns the findings this run recorded. */
  private async record(date: string, found: Found[]): Promise<ReconciliationFinding[]> {
    const recorded: ReconciliationFinding[] = [];
    for (const item of found) {
      const rows = (await this.dataSource.query(
        `INSERT INTO provider_reconciliation_findings (statement_date, order_id, provider_payment_id, kind, detail, repaired)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING
         RETURNING statement_date::text, order_id, provider_payment_id, kind, detail, repaired, found_at`,
        [date, item.orderId, item.providerPaymentId, item.kind, item.detail, item.repaired],
      )) as FindingRow[];
      if (rows[0]) recorded.push(findingOf(rows[0]));
    }
    if (recorded.some((item) => !item.repaired)) {
      this.logger.warn(
        `reconciliation of ${date}: ${recorded.filter((item) => !item.repaired).length} findings to look at`,
      );
    }
    return recorded;
  }
}

interface FindingRow {
  statement_date: string;
  order_id: string;
  provider_payment_id: string | null;
  kind: ReconciliationFindingKind;
  detail: string;
  repaired: boolean;
  found_at: Date;
}

function findingOf(row: FindingRow): ReconciliationFinding {
  return {
    statementDate: row.statement_date,
    orderId: row.order_id,
    providerPaymentId: row.provider_payment_id,
    kind: row.kind,
    detail: row.detail,
    repaired: row.repaired,
    foundAt: row.found_at.toISOString(),
  };
}

function finding(
  about: { orderId: string; providerPaymentId: string | null },
  kind: ReconciliationFindingKind,
  detail: string,
  repaired: boolean,
): Found {
  return { ...about, kind, detail, repaired };
}

/** The UTC day of `date`; an invalid date has none. */
function dayOf(date: Date): string | undefined {
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
}

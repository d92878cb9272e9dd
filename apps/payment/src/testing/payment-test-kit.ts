import { randomUUID } from 'node:crypto';
import { dataSourceOptions } from '@zhongtai/platform';
import type { PaymentCommands } from '@zhongtai/contracts';
import type { OutputOf, ParticipantContext, PayloadOf, ReasonOf, StepResult } from '@zhongtai/saga';
import { DataSource, EntityManager } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/infrastructure';
import { PaymentChargeHandler } from '../charges/payment-charge.handler';
import { PaymentRefundHandler } from '../charges/payment-refund.handler';
import { LedgerStatsService } from '../ledger/ledger-stats.service';
import { FUNDING_ACCOUNT, MERCHANT_ACCOUNT, walletAccountId } from '../ledger/ledger-accounts';
import { paymentDatabase } from '../payment.database';
import { WalletService } from '../wallets/wallet.service';

type Charge = typeof PaymentCommands.charge;

/**
 * The payment service on a fresh, migrated database: its services and saga handlers called
 * directly, each handler in its own transaction as the saga runtime would run it.
 */
export class PaymentTestKit {
  readonly wallets: WalletService;
  readonly stats: LedgerStatsService;
  private readonly charges = new PaymentChargeHandler();
  private readonly refunds = new PaymentRefundHandler();

  private constructor(
    readonly dataSource: DataSource,
    private readonly database: TestDatabase,
  ) {
    this.wallets = new WalletService(dataSource);
    this.stats = new LedgerStatsService(dataSource);
  }

  static async open(label: string): Promise<PaymentTestKit> {
    const database = await createTestDatabase(label, paymentDatabase);
    const dataSource = new DataSource({ ...dataSourceOptions(database.url, paymentDatabase), extra: { max: 40 } });
    await dataSource.initialize();
    return new PaymentTestKit(dataSource, database);
  }

  async close(): Promise<void> {
    await this.dataSource.destroy();
    await this.database.drop();
  }

  /** A customer whose wallet holds `balanceCents` (credited once from funding). */
  async customerWithWallet(balanceCents: number): Promise<string> {
    const customerId = randomUUID();
    await this.wallets.creditWallet({ customerId, amountCents: balanceCents, reference: `opening-${customerId}` });
    return customerId;
  }

  charge(payload: PayloadOf<Charge>): Promise<StepResult<OutputOf<Charge>, ReasonOf<Charge>>> {
    return this.inStep((context) => this.charges.charge(payload, context));
  }

  refund(orderId: string): Promise<StepResult<void, never>> {
    return this.inStep((context) => this.refunds.refund({ orderId }, context));
  }

  async balanceOf(accountId: string): Promise<number> {
    const [row]: { balance_cents: string }[] = await this.dataSource.query(
      'SELECT balance_cents FROM accounts WHERE id = $1',
      [accountId],
    );
    return Number(row.balance_cents);
  }

  walletBalance(customerId: string): Promise<number> {
    return this.balanceOf(walletAccountId(customerId));
  }

  merchantBalance(): Promise<number> {
    return this.balanceOf(MERCHANT_ACCOUNT);
  }

  fundingBalance(): Promise<number> {
    return this.balanceOf(FUNDING_ACCOUNT);
  }

  async postingCount(kind: string, reference: string): Promise<number> {
    const [row]: { count: string }[] = await this.dataSource.query(
      'SELECT count(*) AS count FROM postings WHERE kind = $1 AND reference = $2',
      [kind, reference],
    );
    return Number(row.count);
  }

  /** Accounts whose balance is not the sum of their entries (the ledger and the balances must agree). */
  async balancesOffTheirEntries(): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(`
      SELECT a.id FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
      GROUP BY a.id, a.balance_cents HAVING a.balance_cents <> coalesce(sum(e.amount_cents), 0)`);
    return rows.map((row) => row.id);
  }

  private inStep<T>(work: (context: ParticipantContext) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager: EntityManager) =>
      work({ manager, sagaId: randomUUID(), step: 3, attempt: 1 }),
    );
  }
}

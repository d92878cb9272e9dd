import { HttpStatus, Injectable } from '@nestjs/common';
import { CURRENCY } from '@zhongtai/contracts';
import type { CreditRequest, WalletEntriesView, WalletView } from '@zhongtai/contracts';
import { ProblemException } from '@zhongtai/platform';
import { DataSource } from 'typeorm';
import { Account } from '../ledger/account.entity';
import { FUNDING_ACCOUNT } from '../ledger/ledger-accounts';
import { postEntries } from '../ledger/post-entries';
import { findWallet, openWallet } from './wallet-accounts';

/** Customers' wallets: what they hold, and top-ups by operators. */
@Injectable()
export class WalletService {
  constructor(private readonly dataSource: DataSource) {}

  /** A customer who was never credited has an empty wallet. */
  async showWallet(customerId: string): Promise<WalletView> {
    const wallet = await findWallet(this.dataSource.manager, customerId);
    return walletView(wallet?.balanceCents ?? 0);
  }

  /** The wallet's postings, newest first: credits and refunds in, charges out. */
  async listEntries(customerId: string, limit: number): Promise<WalletEntriesView> {
    const rows: { kind: 'CREDIT' | 'CHARGE' | 'REFUND'; reference: string; amount_cents: string; created_at: Date }[] =
      await this.dataSource.query(
        `SELECT kind, reference, amount_cents, created_at FROM postings
          WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
        [customerId.toLowerCase(), limit],
      );
    return {
      items: rows.map((row) => ({
        kind: row.kind,
        reference: row.reference,
        amountCents: row.kind === 'CHARGE' ? -Number(row.amount_cents) : Number(row.amount_cents),
        createdAt: row.created_at.toISOString(),
      })),
    };
  }

  /**
   * Credits the wallet (opening it if needed) from the funding account, once per reference: the
   * same credit again returns the wallet as it is now, and a reference already used for another
   * customer or amount is refused with 409 REFERENCE_REUSED.
   */
  creditWallet({ customerId: spelled, amountCents, reference }: CreditRequest): Promise<WalletView> {
    // The canonical spelling, as the database gives it back: an upper-case UUID names the same customer.
    const customerId = spelled.toLowerCase();
    return this.dataSource.transaction(async (manager) => {
      const walletId = await openWallet(manager, customerId);
      const outcome = await postEntries(manager, {
        kind: 'CREDIT',
        reference,
        customerId,
        entries: [
          { accountId: FUNDING_ACCOUNT, amountCents: -amountCents },
          { accountId: walletId, amountCents },
        ],
      });
      if (outcome.status === 'insufficient-funds' || outcome.status === 'no-account') {
        throw new Error(`a credit was refused (${outcome.status} ${outcome.accountId}): the wallet was just opened`);
      }
      if (
        outcome.status === 'already-posted' &&
        (outcome.posting.customerId !== customerId || outcome.posting.amountCents !== amountCents)
      ) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          'REFERENCE_REUSED',
          'This reference was already used for a different credit',
        );
      }
      const wallet = await manager.findOneByOrFail(Account, { id: walletId });
      return walletView(wallet.balanceCents);
    });
  }
}

function walletView(balanceCents: number): WalletView {
  return { balanceCents, currency: CURRENCY };
}

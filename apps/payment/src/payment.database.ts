import type { DatabaseDefinition } from '@zhongtai/platform';
import { sagaMigrations } from '@zhongtai/saga';
import { Account } from './ledger/account.entity';
import { LedgerEntry } from './ledger/ledger-entry.entity';
import { Posting } from './ledger/posting.entity';
import { CreateLedger1764000000300 } from './migrations/1764000000300-create-ledger';
import { PostingsByCustomer1764000000301 } from './migrations/1764000000301-postings-by-customer';
import { ProviderPayments1764000000302 } from './migrations/1764000000302-provider-payments';

export const paymentDatabase: DatabaseDefinition = {
  entities: [Account, Posting, LedgerEntry],
  migrations: [
    ...sagaMigrations,
    CreateLedger1764000000300,
    PostingsByCustomer1764000000301,
    ProviderPayments1764000000302,
  ],
};

import { isUUID } from 'class-validator';
import type { EntityManager } from 'typeorm';
import { Account } from '../ledger/account.entity';
import { walletAccountId } from '../ledger/ledger-accounts';

/** The customer's wallet, or null if it was never credited (or the id cannot be a customer's). */
export function findWallet(manager: EntityManager, customerId: string): Promise<Account | null> {
  if (!isUUID(customerId)) return Promise.resolve(null);
  return manager.findOneBy(Account, { kind: 'WALLET', customerId });
}

/** Opens the customer's wallet if it has none yet (safe to race) and returns its account id. */
export async function openWallet(manager: EntityManager, customerId: string): Promise<string> {
  const id = walletAccountId(customerId);
  await manager.query(`INSERT INTO accounts (id, kind, customer_id) VALUES ($1, 'WALLET', $2) ON CONFLICT DO NOTHING`, [
    id,
    customerId,
  ]);
  return id;
}

import type { EntityManager } from 'typeorm';

/**
 * The merchant account that an order's charge credited, which its refund must debit: the
 * account's balance holds that charge, whatever the sharding was when it was posted. Undefined
 * when the order has no charge.
 */
export async function chargedMerchantAccount(manager: EntityManager, orderId: string): Promise<string | undefined> {
  const rows: { account_id: string }[] = await manager.query(
    `SELECT e.account_id FROM postings p
     JOIN ledger_entries e ON e.posting_id = p.id
     JOIN accounts a ON a.id = e.account_id AND a.kind = 'MERCHANT'
     WHERE p.kind = 'CHARGE' AND p.reference = $1`,
    [orderId],
  );
  return rows[0]?.account_id;
}

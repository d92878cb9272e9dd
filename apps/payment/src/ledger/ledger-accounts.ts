/** The account every credit is drawn from; its balance, negated, is all money ever credited. */
export const FUNDING_ACCOUNT = 'funding';

/**
 * Where money paid through the provider comes from (a funding account: outside money); refunds
 * at the provider go back to it.
 */
export const PROVIDER_ACCOUNT = 'provider';

/**
 * How many accounts the merchant's money is kept in. Every charge credits the merchant, so one
 * merchant account would be one row that every charge locks until it commits: under a flash
 * sale the charges queued on it (136 ms per posting, measured). An order's charge credits one of
 * these by its id; its refund debits the account the charge credited (`chargedMerchantAccount`).
 */
export const MERCHANT_SHARDS = 16;

/** The merchant account an order's charge is paid into. */
export function merchantAccountFor(orderId: string): string {
  let hash = 0;
  for (let i = 0; i < orderId.length; i++) hash = (hash * 31 + orderId.charCodeAt(i)) >>> 0;
  return `merchant:${hash % MERCHANT_SHARDS}`;
}

/** The merchant's accounts: its shards, and the one account that held everything before them. */
export function isMerchantAccount(accountId: string): boolean {
  return accountId === 'merchant' || accountId.startsWith('merchant:');
}

/**
 * The wallet's account id, from the customer id in its canonical (lower-case) spelling: a UUID
 * written in capitals is the same customer (`customer_id` is a uuid column), so it must be the
 * same account too.
 */
export function walletAccountId(customerId: string): string {
  return `wallet:${customerId.toLowerCase()}`;
}

/**
 * The order in which a posting locks its accounts' rows: wallets first, then the merchant's, then
 * funding (or the provider). Every posting follows it, so a charge and a refund of the same customer can never
 * deadlock, and the rows that many postings touch (the merchant's, funding) are held last, for
 * the shortest time.
 */
export function lockOrder(a: string, b: string): number {
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function rank(accountId: string): number {
  if (isMerchantAccount(accountId)) return 1;
  if (accountId === FUNDING_ACCOUNT || accountId === PROVIDER_ACCOUNT) return 2;
  return 0;
}

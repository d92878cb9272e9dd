/** The account every credit is drawn from; its balance, negated, is all money ever credited. */
export const FUNDING_ACCOUNT = 'funding';

/**
 * Where money paid through the provider comes from (a funding account: outside money); refunds
 * at the provider go back to it.
 */
export const PROVIDER_ACCOUNT = 'provider';

/** The account charges are paid into and refunds are paid out of. */
export const MERCHANT_ACCOUNT = 'merchant';

/**
 * The wallet's account id, from the customer id in its canonical (lower-case) spelling: a UUID
 * written in capitals is the same customer (`customer_id` is a uuid column), so it must be the
 * same account too.
 */
export function walletAccountId(customerId: string): string {
  return `wallet:${customerId.toLowerCase()}`;
}

/**
 * The order in which a posting locks its accounts' rows: wallets first, then the merchant, then
 * funding (or the provider). Every posting follows it, so a charge and a refund of the same customer can never
 * deadlock, and the two rows that every posting touches (merchant, funding) are held last, for
 * the shortest time.
 */
export function lockOrder(a: string, b: string): number {
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function rank(accountId: string): number {
  if (accountId === MERCHANT_ACCOUNT) return 1;
  if (accountId === FUNDING_ACCOUNT || accountId === PROVIDER_ACCOUNT) return 2;
  return 0;
}

import type { TestPlatform } from './platform';
import type { Stats, Storefront } from './storefront';

/**
 * DESIGN.md's invariants, checked twice: through /admin/stats as any client could, and
 * directly in each service's database. Returns the violations found (none, we hope).
 */
export async function invariantViolations(storefront: Storefront, platform: TestPlatform): Promise<string[]> {
  const stats: Stats = await storefront.stats();
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);

  for (const p of stats.products) {
    if (p.reserved < 0 || p.reserved > p.stockOnHand) fail(`${p.sku}: reserved ${p.reserved} of ${p.stockOnHand}`);
    if (p.available < 0) fail(`${p.sku}: available ${p.available}`);
    if (p.sold !== p.paidQuantity) fail(`${p.sku}: sold ${p.sold} but PAID orders hold ${p.paidQuantity}`);
  }
  const { money } = stats;
  if (money.ledgerSumCents !== 0) fail(`ledger sums to ${money.ledgerSumCents}`);
  if (money.walletsCents + money.merchantCents !== money.creditedCents) {
    fail(`wallets ${money.walletsCents} + merchant ${money.merchantCents} != credited ${money.creditedCents}`);
  }
  if (money.merchantCents !== money.paidTotalCents)
    fail(`merchant ${money.merchantCents} != PAID totals ${money.paidTotalCents}`);
  if (money.wrongNetChargeCount)
    fail(`net charge wrong for ${money.wrongNetChargeCount} orders: ${money.ordersWithWrongNetCharge.join(', ')}`);
  for (const c of stats.coupons) {
    if (c.locked + c.redeemed > c.maxRedemptions)
      fail(`${c.code}: ${c.locked + c.redeemed} held over cap ${c.maxRedemptions}`);
    if (c.maxHeldByOneCustomer > c.perCustomerLimit) fail(`${c.code}: a customer holds ${c.maxHeldByOneCustomer}`);
  }

  // The same, straight from the databases: reservations against product counters, ledger balances.
  const stock = await platform.query<{ sku: string; reserved: number; held: string }>(
    'inventory',
    `SELECT p.sku, p.reserved, coalesce(sum((l->>'quantity')::int) FILTER (WHERE r.status = 'RESERVED'), 0) AS held
     FROM products p
     LEFT JOIN reservations r ON true
     LEFT JOIN LATERAL jsonb_array_elements(r.lines) l ON l->>'sku' = p.sku
     GROUP BY p.sku, p.reserved`,
  );
  for (const row of stock)
    if (Number(row.held) !== row.reserved) fail(`${row.sku}: reserved ${row.reserved}, reservations hold ${row.held}`);
  const ledger = await platform.query<{ account: string; balance: string; entries: string }>(
    'payment',
    `SELECT a.id AS account, a.balance_cents AS balance, coalesce(sum(e.amount_cents), 0) AS entries
     FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id GROUP BY a.id, a.balance_cents`,
  );
  for (const row of ledger)
    if (row.balance !== row.entries) fail(`${row.account}: balance ${row.balance} but entries ${row.entries}`);
  const pending = await platform.query<{ n: string }>(
    'order',
    `SELECT count(*) AS n FROM saga_instance WHERE status NOT IN ('COMPLETED', 'COMPENSATED')`,
  );
  if (Number(pending[0].n) > 0) fail(`${pending[0].n} sagas not final`);
  for (const service of ['order', 'inventory', 'coupon', 'payment'] as const) {
    const unsent = await platform.query<{ n: string }>(
      service,
      'SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL',
    );
    if (Number(unsent[0].n) > 0) fail(`${service}: ${unsent[0].n} outbox rows unsent`);
  }
  return violations;
}

/** Waits until no saga is running, so that the invariants are checked at rest. */
export async function quiesce(platform: TestPlatform, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = await platform.query<{ n: string }>(
      'order',
      `SELECT count(*) AS n FROM saga_instance WHERE status IN ('RUNNING', 'COMPENSATING')`,
    );
    const unsent = await platform.query<{ n: string }>(
      'order',
      'SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL',
    );
    if (Number(running[0].n) === 0 && Number(unsent[0].n) === 0) return;
    if (Date.now() > deadline) throw new Error(`${running[0].n} sagas still running after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

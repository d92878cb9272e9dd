import { quiesce } from '../support/invariants';
import { suitePlatform } from '../support/suite-platform';
import type { ApiResponse } from '../support/storefront';

/**
 * The operator's history and backlog figures: `GET /admin/stock-adjustments` (newest first,
 * keyset pages, its errors) and the per-service outbox backlog of `GET /admin/stats`, compared
 * with what each service's database holds.
 */

interface Adjustment {
  reference: string;
  sku: string;
  delta: number;
  stockOnHandAfter: number | null;
  createdAt: string;
}

interface AdjustmentPage {
  items: Adjustment[];
  nextCursor: string | null;
}

function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  expect(response.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String) }));
}

const SERVICES = ['order', 'inventory', 'payment', 'coupon'] as const;

describe('GET /admin/stock-adjustments and the outbox figures of GET /admin/stats', () => {
  const suite = suitePlatform();

  it('lists every adjustment once, newest first, with the stock it left, in keyset pages', async () => {
    const sku = await suite.shop.productWithStock(10);
    const adjust = (delta: number, reference: string) =>
      suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta, reference });
    expect((await adjust(5, `${sku}-a`)).status).toBe(200);
    expect((await adjust(-2, `${sku}-b`)).status).toBe(200);
    // A repeat under the first reference applies nothing and is not listed again.
    expect((await adjust(5, `${sku}-a`)).body).toMatchObject({ stockOnHand: 13 });
    expect((await adjust(3, `${sku}-c`)).status).toBe(200);
    // One refused for going below what is reserved leaves no row.
    expectProblem(await adjust(-100, `${sku}-d`), 409, 'STOCK_BELOW_RESERVED');

    const first = await suite.shop.admin<AdjustmentPage>('GET', '/admin/stock-adjustments?limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { reference: `${sku}-c`, sku, delta: 3, stockOnHandAfter: 16, createdAt: expect.any(String) },
      { reference: `${sku}-b`, sku, delta: -2, stockOnHandAfter: 13, createdAt: expect.any(String) },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await suite.shop.admin<AdjustmentPage>(
      'GET',
      `/admin/stock-adjustments?limit=2&cursor=${encodeURIComponent(first.body.nextCursor!)}`,
    );
    expect(second.status).toBe(200);
    // The last page: the first adjustment, and no cursor after it (no other test adjusted stock yet).
    expect(second.body).toEqual({
      items: [{ reference: `${sku}-a`, sku, delta: 5, stockOnHandAfter: 15, createdAt: expect.any(String) }],
      nextCursor: null,
    });
    const all = [...first.body.items, ...second.body.items];
    const times = all.map((a) => Date.parse(a.createdAt));
    expect(times).toEqual([...times].sort((x, y) => y - x));
    // The database agrees, row for row.
    const rows = await suite.platform.query<{ reference: string; delta: number; after: number }>(
      'inventory',
      `SELECT reference, delta, stock_on_hand_after AS after FROM stock_adjustments WHERE sku = $1
       ORDER BY created_at DESC, reference DESC`,
      [sku],
    );
    expect(rows).toEqual(all.map((a) => ({ reference: a.reference, delta: a.delta, after: a.stockOnHandAfter })));
    // Without a limit, the default (20) holds all three.
    const everything = await suite.shop.admin<AdjustmentPage>('GET', '/admin/stock-adjustments');
    expect(everything.body).toEqual({ items: all, nextCursor: null });
  });

  it('answers bad limits and cursors 400, no token 401 and a customer 403, all problem+json', async () => {
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=not-a-cursor', `cursor=${'x'.repeat(600)}`]) {
      const response = await suite.shop.admin('GET', `/admin/stock-adjustments?${query}`);
      expectProblem(response, 400, 'VALIDATION_FAILED');
    }
    // A cursor that decodes but names no real moment is refused too, not sent to the database.
    const forged = Buffer.from('2026-13-45 99:00:00+00|ref').toString('base64url');
    expectProblem(await suite.shop.admin('GET', `/admin/stock-adjustments?cursor=${forged}`), 400, 'VALIDATION_FAILED');
    expectProblem(await suite.shop.call('GET', '/admin/stock-adjustments'), 401, 'UNAUTHENTICATED');
    const customer = await suite.shop.customerWithWallet(0);
    expectProblem(
      await suite.shop.call('GET', '/admin/stock-adjustments', { token: customer.token }),
      403,
      'FORBIDDEN',
    );
  });

  it('reports each service’s unsent outbox messages as its database holds them: none at rest', async () => {
    const sku = await suite.shop.productWithStock(5);
    const customer = await suite.shop.customerWithWallet(10_000);
    expect((await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] })).body.status).toBe('PAID');
    await quiesce(suite.platform);
    const unsent = async () =>
      Object.fromEntries(
        await Promise.all(
          SERVICES.map(async (service) => {
            const [row] = await suite.platform.query<{ n: string }>(
              service,
              'SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL',
            );
            return [service, Number(row.n)] as const;
          }),
        ),
      );
    // Replies are marked sent a moment after they are published: wait for every service to settle.
    const deadline = Date.now() + 10_000;
    while (Object.values(await unsent()).some((n) => n > 0) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200));
    const before = await unsent();
    const stats = await suite.shop.admin<{
      outbox: Record<string, { unsent: number; oldestAgeSeconds: number | null }>;
    }>('GET', '/admin/stats');
    const after = await unsent();
    expect(stats.status).toBe(200);
    expect({ before, after }).toEqual({
      before: { order: 0, inventory: 0, payment: 0, coupon: 0 },
      after: { order: 0, inventory: 0, payment: 0, coupon: 0 },
    });
    expect(stats.body.outbox).toEqual(
      Object.fromEntries(SERVICES.map((service) => [service, { unsent: 0, oldestAgeSeconds: null }])),
    );
  });
});

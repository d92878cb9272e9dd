import { quiesce } from '../support/invariants';
import { suitePlatform } from '../support/suite-platform';
import { Customer } from '../support/storefront';

describe('checkout under concurrency', () => {
  const suite = suitePlatform();
  let customers: Customer[];

  beforeAll(async () => {
    customers = [];
    for (let i = 0; i < 50; i++) customers.push(await suite.shop.customerWithWallet(100_000));
  }, 120_000);

  it('sells exactly 37 units of a 37-unit sku to 200 concurrent checkouts from 50 customers', async () => {
    const sku = await suite.shop.productWithStock(37, 1_000);
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        suite.shop.checkout(customers[i % 50], { items: [{ sku, quantity: 1 }] }, { wait: 30 }),
      ),
    );
    await quiesce(suite.platform);
    const outcomes = await Promise.all(
      responses.map(async (r) => {
        expect([201, 202]).toContain(r.status);
        const customer = customers.find((c) => c.id === r.body.customerId)!;
        return (
          await suite.shop.call<{ status: string; failureReason: string | null }>('GET', `/orders/${r.body.id}`, {
            token: customer.token,
          })
        ).body;
      }),
    );
    expect(outcomes.filter((o) => o.status === 'PAID')).toHaveLength(37);
    expect(outcomes.filter((o) => o.status === 'CANCELLED').every((o) => o.failureReason === 'OUT_OF_STOCK')).toBe(
      true,
    );
    expect(outcomes.filter((o) => o.status === 'CANCELLED')).toHaveLength(163);
    expect((await suite.shop.product(sku)).available).toBe(0);
    // A paid order's units are sold when its saga confirms them, after the answer.
    await quiesce(suite.platform);
    const stock = (await suite.shop.stats()).products.find((p) => p.sku === sku)!;
    expect(stock).toMatchObject({ stockOnHand: 0, reserved: 0, sold: 37, paidQuantity: 37 });
  }, 120_000);

  it('places checkouts that arrive together in shared transactions, each with its own order and saga', async () => {
    const sku = await suite.shop.productWithStock(1_000, 1_000);
    const responses = await Promise.all(
      customers.slice(0, 40).map((c) => suite.shop.checkout(c, { items: [{ sku, quantity: 1 }] }, { wait: 30 })),
    );
    expect(responses.map((r) => r.body.status)).toEqual(Array(40).fill('PAID'));
    const ids = responses.map((r) => r.body.id as string);
    // A saga's first timeline entry is written by the transaction that placed its order, and never changes.
    const [{ sagas, transactions }] = await suite.platform.query<{ sagas: string; transactions: string }>(
      'order',
      `SELECT count(*) AS sagas, count(DISTINCT xmin::text) AS transactions FROM saga_timeline
       WHERE saga_id = ANY($1) AND step = 0 AND outcome = 'dispatched'`,
      [ids],
    );
    expect(Number(sagas)).toBe(40);
    expect(Number(transactions)).toBeLessThan(40);
  }, 60_000);

  it('redeems a single-use coupon once when 20 checkouts race for it', async () => {
    const sku = await suite.shop.productWithStock(1_000, 1_000);
    const code = await suite.shop.coupon({ maxRedemptions: 1, value: 300 });
    const responses = await Promise.all(
      customers
        .slice(0, 20)
        .map((c) => suite.shop.checkout(c, { items: [{ sku, quantity: 1 }], couponCode: code }, { wait: 30 })),
    );
    await quiesce(suite.platform);
    const finals = await Promise.all(
      responses.map(
        async (r, i) =>
          (
            await suite.shop.call<{ status: string; failureReason: string | null }>('GET', `/orders/${r.body.id}`, {
              token: customers[i].token,
            })
          ).body,
      ),
    );
    expect(finals.filter((o) => o.status === 'PAID')).toHaveLength(1);
    expect(finals.filter((o) => o.failureReason === 'COUPON_EXHAUSTED')).toHaveLength(19);
    const coupon = (await suite.shop.stats()).coupons.find((c) => c.code === code)!;
    expect(coupon).toMatchObject({ redeemed: 1, locked: 0 });
  }, 60_000);
});

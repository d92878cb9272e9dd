import type { Redis } from 'ioredis';
import { eventually } from '../support/infrastructure';
import { quiesce } from '../support/invariants';
import { handledRequests } from '../support/service-metrics';
import type { ApiResponse, Customer, OrderBody } from '../support/storefront';
import type { SuitePlatform } from '../support/suite-platform';

/**
 * A sale through the flash-sale gate, for the gate's end-to-end suites: attempts, and the
 * checks that PostgreSQL and the gate agree. `redis` is the Redis the gateway uses.
 */
export class GateSale {
  readonly customers: Customer[] = [];

  constructor(
    private readonly suite: SuitePlatform,
    private readonly redis: () => Redis,
    private readonly restTimeoutMs: number,
  ) {}

  /** Customers who can pay for every attempt they make. */
  async fundCustomers(count: number): Promise<void> {
    for (let i = 0; i < count; i++) this.customers.push(await this.suite.shop.customerWithWallet(10_000_000));
  }

  /** A product with `units` in stock, whose count the gate holds from the moment it is created. */
  async onSale(units: number, priceCents = 1_000): Promise<string> {
    const sku = await this.suite.shop.productWithStock(units, priceCents);
    expect(await this.atRest(sku)).toBe(units);
    return sku;
  }

  countKey(sku: string): string {
    return `${this.suite.platform.redisPrefix}gate:sku:${sku}`;
  }

  async gateUnits(sku: string): Promise<number | undefined> {
    const units = await this.redis().hget(this.countKey(sku), 'units');
    return units === null ? undefined : Number(units);
  }

  async available(sku: string): Promise<number> {
    const [row] = await this.suite.platform.query<{ available: number }>(
      'inventory',
      'SELECT stock_on_hand - reserved AS available FROM products WHERE sku = $1',
      [sku],
    );
    return row.available;
  }

  /** Units sold once no saga runs: a paid order's units are sold when its saga confirms them, after the answer. */
  async sold(sku: string): Promise<number> {
    await quiesce(this.suite.platform);
    const [row] = await this.suite.platform.query<{ sold: number }>(
      'inventory',
      'SELECT sold FROM products WHERE sku = $1',
      [sku],
    );
    return row.sold;
  }

  /** Checkouts the order service has been asked to place. */
  placements(): Promise<number> {
    return handledRequests(this.suite.platform.service('order'), 'order.checkout.place');
  }

  buy(sku: string, i: number, key?: string): Promise<ApiResponse<OrderBody>> {
    const customer = this.customers[i % this.customers.length];
    return this.suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] }, { key });
  }

  /** Waits until no saga runs and the gate's count is PostgreSQL's available stock; returns it. */
  async atRest(sku: string): Promise<number> {
    await quiesce(this.suite.platform);
    let last = '';
    return eventually(
      async () => {
        const [units, free] = [await this.gateUnits(sku), await this.available(sku)];
        last = `gate ${units}, PostgreSQL ${free}`;
        return units === free ? free : undefined;
      },
      {
        timeoutMs: this.restTimeoutMs,
        what: `the gate's count of ${sku} to be PostgreSQL's available stock (${last})`,
      },
    ).catch((error: Error) => {
      throw new Error(`${error.message}; last seen ${last}`);
    });
  }

  /** Every answer is a final state, and every order it names is in the order database; outcomes counted from there. */
  async outcomes(responses: ApiResponse<OrderBody>[]): Promise<Record<string, number>> {
    for (const r of responses) {
      expect([r.status, r.body.status]).toEqual([201, expect.stringMatching(/^(PAID|CANCELLED)$/)]);
    }
    const ids = responses.map((r) => r.body.id);
    const rows = await eventually(
      async () => {
        const found = await this.suite.platform.query<{ status: string; failure_reason: string | null }>(
          'order',
          'SELECT status, failure_reason FROM orders WHERE id = ANY($1)',
          [ids],
        );
        return found.length === ids.length ? found : undefined;
      },
      { what: `all ${ids.length} answered orders in the order database` },
    );
    const outcomes: Record<string, number> = {};
    for (const row of rows) {
      const outcome = `${row.status}${row.failure_reason ? ` ${row.failure_reason}` : ''}`;
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
    return outcomes;
  }

  /** Buys what PostgreSQL has free, one unit per attempt: each is sold; the next is refused at the gate. */
  async expectSoldOut(sku: string, free: number): Promise<void> {
    const answers = await Promise.all(Array.from({ length: free }, (_, i) => this.buy(sku, i)));
    expect(answers.map((a) => a.body.status)).toEqual(Array(free).fill('PAID'));
    expect(await this.atRest(sku)).toBe(0);
    const before = await this.placements();
    expect((await this.buy(sku, free)).body).toMatchObject({ status: 'CANCELLED', failureReason: 'OUT_OF_STOCK' });
    expect(await this.placements()).toBe(before);
  }
}

/** The sale's methods as plain functions, for tests that read better without `sale.`. */
export function bound(sale: GateSale) {
  return {
    atRest: (sku: string) => sale.atRest(sku),
    buy: (sku: string, i: number, key?: string) => sale.buy(sku, i, key),
    sold: (sku: string) => sale.sold(sku),
    placements: () => sale.placements(),
  };
}

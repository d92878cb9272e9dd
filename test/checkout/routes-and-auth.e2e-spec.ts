import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/infrastructure';
import { quiesce } from '../support/invariants';
import { suitePlatform } from '../support/suite-platform';
import { ApiResponse, Customer } from '../support/storefront';

/**
 * The routes and status codes of docs/api.md that checkout-flow.e2e-spec.ts leaves out: login,
 * catalogue, who may call what, every operator route with its conflicts and idempotency,
 * list limits, service endpoints, rate limits and the OpenAPI document.
 */

/** A problem+json answer with the contract's members and this status and code. */
function expectProblem(response: ApiResponse, status: number, code?: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({
    status,
    code: code ?? expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  expect(response.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      code: expect.any(String),
    }),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface SagaSummary {
  id: string;
  type: string;
  status: string;
  currentStep: string | null;
  startedAt: string;
  updatedAt: string;
}

interface SagaPage {
  items: SagaSummary[];
  nextCursor: string | null;
}

describe('every route and status code of docs/api.md', () => {
  const suite = suitePlatform();
  let tea: string;
  let customer: Customer;

  beforeAll(async () => {
    tea = await suite.shop.productWithStock(100, 1_500);
    customer = await suite.shop.customerWithWallet(100_000);
  }, 60_000);

  describe('POST /auth/login', () => {
    it('gives a customer 200 { accessToken, tokenType "Bearer", expiresIn } and a token for customer routes only', async () => {
      const response = await suite.shop.call('POST', '/auth/login', {
        body: { email: customer.email, password: customer.password },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        tokenType: 'Bearer',
        expiresIn: Number(suite.platform.env.JWT_TTL_SECONDS),
      });
      const token = response.body.accessToken as string;
      expect((await suite.shop.call('GET', '/me/wallet', { token })).status).toBe(200);
      expectProblem(await suite.shop.call('GET', '/admin/stats', { token }), 403, 'FORBIDDEN');
    });

    it('gives the operator 200 { accessToken, tokenType "Bearer", expiresIn } and a token for /admin only', async () => {
      const response = await suite.shop.call('POST', '/auth/login', {
        body: { email: 'operator@zhongtai.local', password: 'operator' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        accessToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: Number(suite.platform.env.JWT_TTL_SECONDS),
      });
      const token = response.body.accessToken as string;
      expect((await suite.shop.call('GET', '/admin/stats', { token })).status).toBe(200);
      expectProblem(await suite.shop.call('GET', '/me/wallet', { token }), 403, 'FORBIDDEN');
    });

    it('answers 401 UNAUTHENTICATED to bad credentials, whether the email is known or not', async () => {
      for (const body of [
        { email: customer.email, password: 'not-the-password' },
        { email: `nobody-${randomUUID()}@zhongtai.test`, password: customer.password },
        { email: 'operator@zhongtai.local', password: customer.password },
      ]) {
        expectProblem(await suite.shop.call('POST', '/auth/login', { body }), 401, 'UNAUTHENTICATED');
      }
    });
  });

  describe('catalogue', () => {
    it('lists products as [{ sku, name, priceCents, currency, available }]', async () => {
      const response = await suite.shop.call<Record<string, unknown>[]>('GET', '/products');
      expect(response.status).toBe(200);
      expect(Array.isArray(response.body)).toBe(true);
      for (const product of response.body) {
        expect(Object.keys(product).sort()).toEqual(['available', 'currency', 'name', 'priceCents', 'sku']);
        expect(product).toEqual({
          sku: expect.any(String),
          name: expect.any(String),
          priceCents: expect.any(Number),
          currency: 'CNY',
          available: expect.any(Number),
        });
      }
      expect(response.body.find((p) => p.sku === tea)).toEqual({
        sku: tea,
        name: `Product ${tea}`,
        priceCents: 1_500,
        currency: 'CNY',
        available: expect.any(Number),
      });
    });

    it('shows one product, and 404 NOT_FOUND for an unknown sku', async () => {
      const found = await suite.shop.call('GET', `/products/${tea}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ sku: tea, priceCents: 1_500, currency: 'CNY' });
      expectProblem(await suite.shop.call('GET', '/products/NO-SUCH-SKU'), 404, 'NOT_FOUND');
    });
  });

  describe('who may call what', () => {
    const adminRoutes = (orderId: string): [string, string, unknown?][] => [
      ['GET', '/admin/stats'],
      ['GET', '/admin/sagas'],
      ['GET', `/admin/sagas/${orderId}`],
      ['POST', `/admin/sagas/${orderId}/retry`],
      ['GET', `/admin/orders/${orderId}`],
      ['POST', '/admin/customers', { email: `x-${randomUUID()}@zhongtai.test`, password: 'password-1234', name: 'X' }],
      ['POST', `/admin/customers/${customer.id}/wallet/credit`, { amountCents: 1, reference: `r-${randomUUID()}` }],
      ['POST', '/admin/products', { sku: `X-${randomUUID().slice(0, 8)}`, name: 'X', priceCents: 1, stock: 1 }],
      ['POST', `/admin/products/${tea}/stock`, { delta: 1_000, reference: `r-${randomUUID()}` }],
      ['POST', '/admin/coupons', { code: 'NOPE' }],
    ];
    const customerRoutes = (orderId: string): [string, string, unknown?][] => [
      ['POST', '/checkout', { items: [{ sku: tea, quantity: 1 }] }],
      ['GET', '/orders'],
      ['GET', `/orders/${orderId}`],
      ['POST', `/orders/${orderId}/cancel`],
      ['GET', '/me/wallet'],
    ];

    it('refuses a customer token on every /admin route with 403 FORBIDDEN, changing nothing', async () => {
      const before = await suite.shop.stats();
      for (const [method, path, body] of adminRoutes(randomUUID())) {
        const response = await suite.shop.call(method, path, { token: customer.token, body });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expectProblem(response, 403, 'FORBIDDEN');
      }
      const after = await suite.shop.stats();
      expect(after.products.find((p) => p.sku === tea)?.stockOnHand).toBe(
        before.products.find((p) => p.sku === tea)?.stockOnHand,
      );
      expect(after.money.creditedCents).toBe(before.money.creditedCents);
    });

    it('refuses an operator token on customer routes with 403 FORBIDDEN', async () => {
      const operator = await suite.shop.operator();
      for (const [method, path, body] of customerRoutes(randomUUID())) {
        const response = await suite.shop.call(method, path, {
          token: operator,
          body,
          headers: { 'idempotency-key': randomUUID() },
        });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expectProblem(response, 403, 'FORBIDDEN');
      }
    });

    it('answers 401 UNAUTHENTICATED without a token, on customer and operator routes alike', async () => {
      for (const [method, path, body] of [...customerRoutes(randomUUID()), ...adminRoutes(randomUUID())]) {
        const response = await suite.shop.call(method, path, { body, headers: { 'idempotency-key': randomUUID() } });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 401 });
        expectProblem(response, 401, 'UNAUTHENTICATED');
      }
    });
  });

  describe('operator: customers and wallets', () => {
    it('creates a customer (201 { id }) who can log in, and answers 409 to the same email in another case', async () => {
      const email = `Mei.${randomUUID().slice(0, 8)}@ZhongTai.test`;
      const created = await suite.shop.admin('POST', '/admin/customers', {
        email,
        password: 'password-1234',
        name: 'Li Mei',
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.stringMatching(UUID) });
      expect(await suite.shop.login(email, 'password-1234')).toEqual(expect.any(String));
      for (const again of [email, email.toLowerCase(), email.toUpperCase()]) {
        const duplicate = await suite.shop.admin('POST', '/admin/customers', {
          email: again,
          password: 'another-password',
          name: 'Someone else',
        });
        expectProblem(duplicate, 409);
      }
      const [{ n }] = await suite.platform.query<{ n: string }>(
        'order',
        'SELECT count(*) AS n FROM customers WHERE lower(email) = lower($1)',
        [email],
      );
      expect(Number(n)).toBe(1);
    });

    it('credits a wallet once per reference, 409 for the reference with another amount or customer', async () => {
      const mei = await suite.shop.customerWithWallet(0);
      const other = await suite.shop.customerWithWallet(0);
      const reference = `topup-${randomUUID()}`;
      const first = await suite.shop.admin('POST', `/admin/customers/${mei.id}/wallet/credit`, {
        amountCents: 5_000,
        reference,
      });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ balanceCents: 5_000, currency: 'CNY' });
      const replay = await suite.shop.admin('POST', `/admin/customers/${mei.id}/wallet/credit`, {
        amountCents: 5_000,
        reference,
      });
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual({ balanceCents: 5_000, currency: 'CNY' });
      expect((await suite.shop.call('GET', '/me/wallet', { token: mei.token })).body).toEqual({
        balanceCents: 5_000,
        currency: 'CNY',
      });

      expectProblem(
        await suite.shop.admin('POST', `/admin/customers/${mei.id}/wallet/credit`, { amountCents: 6_000, reference }),
        409,
      );
      expectProblem(
        await suite.shop.admin('POST', `/admin/customers/${other.id}/wallet/credit`, { amountCents: 5_000, reference }),
        409,
      );
      expect(await suite.shop.wallet(mei)).toBe(5_000);
      expect(await suite.shop.wallet(other)).toBe(0);
    });

    it('answers 404 NOT_FOUND to a credit for an unknown customer id', async () => {
      for (const id of [randomUUID(), 'not-a-customer-id']) {
        const response = await suite.shop.admin('POST', `/admin/customers/${id}/wallet/credit`, {
          amountCents: 1_000,
          reference: `topup-${randomUUID()}`,
        });
        expectProblem(response, 404, 'NOT_FOUND');
      }
    });
  });

  describe('operator: products, stock and coupons', () => {
    it('creates a product (201) that the catalogue shows, and answers 409 to the same sku', async () => {
      const sku = `OOLONG-${randomUUID().slice(0, 8)}`;
      const created = await suite.shop.admin('POST', '/admin/products', {
        sku,
        name: 'Tieguanyin oolong, 100 g',
        priceCents: 6_800,
        stock: 12,
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ sku, name: 'Tieguanyin oolong, 100 g', priceCents: 6_800, currency: 'CNY' });
      expect(await suite.shop.product(sku)).toMatchObject({ priceCents: 6_800, available: 12 });
      const duplicate = await suite.shop.admin('POST', '/admin/products', {
        sku,
        name: 'Other',
        priceCents: 1,
        stock: 1,
      });
      expectProblem(duplicate, 409);
      expect(await suite.shop.product(sku)).toMatchObject({ priceCents: 6_800, available: 12 });
    });

    it('adds and removes stock once per reference, 409 for the reference reused otherwise, 404 for an unknown sku', async () => {
      const sku = await suite.shop.productWithStock(10);
      const add = `restock-${randomUUID()}`;
      const remove = `shrinkage-${randomUUID()}`;
      const added = await suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta: 5, reference: add });
      expect(added.status).toBe(200);
      expect(added.body).toEqual({ sku, stockOnHand: 15, reserved: 0, sold: 0, available: 15 });
      const replay = await suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta: 5, reference: add });
      expect(replay.status).toBe(200);
      expect(replay.body).toMatchObject({ stockOnHand: 15 });
      const removed = await suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta: -3, reference: remove });
      expect(removed.status).toBe(200);
      expect(removed.body).toMatchObject({ stockOnHand: 12, available: 12 });
      expect(
        (await suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta: -3, reference: remove })).body,
      ).toMatchObject({ stockOnHand: 12 });
      expect((await suite.shop.product(sku)).available).toBe(12);

      expectProblem(await suite.shop.admin('POST', `/admin/products/${sku}/stock`, { delta: 7, reference: add }), 409);
      expectProblem(
        await suite.shop.admin('POST', '/admin/products/NO-SUCH-SKU/stock', {
          delta: 1,
          reference: `r-${randomUUID()}`,
        }),
        404,
        'NOT_FOUND',
      );
      expect((await suite.shop.product(sku)).available).toBe(12);
    });

    it('never removes stock below what a PENDING checkout reserved: 409 STOCK_BELOW_RESERVED', async () => {
      const sku = await suite.shop.productWithStock(3, 2_000);
      const buyer = await suite.shop.customerWithWallet(50_000);
      const payment = suite.platform.service('payment');
      let orderId: string;
      payment.signal('SIGSTOP');
      try {
        const pending = await suite.shop.checkout(buyer, { items: [{ sku, quantity: 2 }] }, { wait: 1 });
        expect(pending.status).toBe(202);
        orderId = pending.body.id;
        await eventually(async () => ((await suite.shop.product(sku)).available === 1 ? true : undefined), {
          what: 'the reservation of 2 units',
        });
        const listed = await suite.shop.call<{ sku: string; available: number }[]>('GET', '/products');
        expect(listed.body.find((p) => p.sku === sku)?.available).toBe(1);

        const below = await suite.shop.admin('POST', `/admin/products/${sku}/stock`, {
          delta: -2,
          reference: `r-${randomUUID()}`,
        });
        expectProblem(below, 409, 'STOCK_BELOW_RESERVED');
        const toReserved = await suite.shop.admin('POST', `/admin/products/${sku}/stock`, {
          delta: -1,
          reference: `r-${randomUUID()}`,
        });
        expect(toReserved.status).toBe(200);
        expect(toReserved.body).toEqual({ sku, stockOnHand: 2, reserved: 2, sold: 0, available: 0 });
      } finally {
        payment.signal('SIGCONT');
      }
      await quiesce(suite.platform);
      const order = await suite.shop.call('GET', `/orders/${orderId}`, { token: buyer.token });
      expect(order.body).toMatchObject({ status: 'PAID' });
      expect((await suite.shop.stats()).products.find((p) => p.sku === sku)).toMatchObject({
        stockOnHand: 0,
        reserved: 0,
        sold: 2,
      });
    });

    it('creates a coupon (201) and answers 409 to the same code', async () => {
      const code = `SPRING${randomUUID().slice(0, 6).toUpperCase()}`;
      const coupon = {
        code,
        kind: 'PERCENT',
        value: 10,
        minSubtotalCents: 0,
        maxRedemptions: 100,
        perCustomerLimit: 1,
        validFrom: new Date(Date.now() - 60_000).toISOString(),
        validUntil: new Date(Date.now() + 3_600_000).toISOString(),
      };
      const created = await suite.shop.admin('POST', '/admin/coupons', coupon);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ code, kind: 'PERCENT', value: 10 });
      expectProblem(await suite.shop.admin('POST', '/admin/coupons', { ...coupon, value: 50 }), 409);
      const used = await suite.shop.checkout(customer, { items: [{ sku: tea, quantity: 1 }], couponCode: code });
      expect(used.body).toMatchObject({ status: 'PAID', discountCents: 150, totalCents: 1_350 });
    });
  });

  describe('operator: orders and sagas', () => {
    let paid: string;
    let refused: string;

    beforeAll(async () => {
      const buyer = await suite.shop.customerWithWallet(100_000);
      paid = (await suite.shop.checkout(buyer, { items: [{ sku: tea, quantity: 1 }] })).body.id;
      // A coupon the saga's lock refuses: a refusal the quote already sees would start no saga.
      refused = (await suite.shop.checkout(buyer, { items: [{ sku: tea, quantity: 1 }], couponCode: 'NOSUCHCOUPON' }))
        .body.id;
      const refunded = (await suite.shop.checkout(buyer, { items: [{ sku: tea, quantity: 1 }] })).body.id;
      const cancel = await suite.shop.call('POST', `/orders/${refunded}/cancel`, {
        token: buyer.token,
        headers: { prefer: 'wait=10' },
      });
      expect(cancel.status).toBe(200);
      expect(cancel.body).toMatchObject({ id: refunded, status: 'REFUNDED' });
      await quiesce(suite.platform);
    }, 60_000);

    it('shows any order by id, 404 NOT_FOUND for an unknown one', async () => {
      const found = await suite.shop.admin('GET', `/admin/orders/${paid}`);
      expect(found.status).toBe(200);
      expect(found.body).toMatchObject({ id: paid, status: 'PAID', items: [{ sku: tea, quantity: 1 }] });
      for (const id of [randomUUID(), 'not-an-order-id']) {
        expectProblem(await suite.shop.admin('GET', `/admin/orders/${id}`), 404, 'NOT_FOUND');
      }
    });

    it('lists sagas filtered by status and by type, in the summary shape', async () => {
      const compensated = await suite.shop.admin<SagaPage>('GET', '/admin/sagas?status=COMPENSATED&limit=100');
      expect(compensated.status).toBe(200);
      expect(compensated.body.items.length).toBeGreaterThan(0);
      expect(compensated.body.items.every((s) => s.status === 'COMPENSATED')).toBe(true);
      expect(compensated.body.items.map((s) => s.id)).toContain(refused);
      expect(compensated.body.items.map((s) => s.id)).not.toContain(paid);
      for (const saga of compensated.body.items) {
        expect(Object.keys(saga).sort()).toEqual(
          expect.arrayContaining(['currentStep', 'id', 'startedAt', 'status', 'type', 'updatedAt']),
        );
      }

      const cancels = await suite.shop.admin<SagaPage>('GET', '/admin/sagas?type=cancelOrder&limit=100');
      expect(cancels.status).toBe(200);
      expect(cancels.body.items.length).toBeGreaterThan(0);
      expect(cancels.body.items.every((s) => s.type === 'cancelOrder')).toBe(true);

      const completedCheckouts = await suite.shop.admin<SagaPage>(
        'GET',
        '/admin/sagas?status=COMPLETED&type=checkout&limit=100',
      );
      expect(completedCheckouts.body.items.map((s) => s.id)).toContain(paid);
      expect(completedCheckouts.body.items.every((s) => s.status === 'COMPLETED' && s.type === 'checkout')).toBe(true);

      const none = await suite.shop.admin<SagaPage>('GET', '/admin/sagas?type=no-such-type');
      expect(none.status).toBe(200);
      expect(none.body).toEqual({ items: [], nextCursor: null });
      expectProblem(await suite.shop.admin('GET', '/admin/sagas?status=FINISHED'), 400, 'VALIDATION_FAILED');
    });

    it('takes a saga list limit from 1 to 100 and refuses 0, 101 and non-integers with 400', async () => {
      const one = await suite.shop.admin<SagaPage>('GET', '/admin/sagas?limit=1');
      expect(one.status).toBe(200);
      expect(one.body.items).toHaveLength(1);
      expect(one.body.nextCursor).toEqual(expect.any(String));
      const hundred = await suite.shop.admin<SagaPage>('GET', '/admin/sagas?limit=100');
      expect(hundred.status).toBe(200);
      expect(hundred.body.items.length).toBeGreaterThan(1);
      expect(hundred.body.items.length).toBeLessThanOrEqual(100);
      for (const limit of ['0', '101', '-1', '1.5', 'ten']) {
        const response = await suite.shop.admin('GET', `/admin/sagas?limit=${limit}`);
        expectProblem(response, 400, 'VALIDATION_FAILED');
        expect((response.body.errors as { field: string }[]).map((e) => e.field)).toContain('limit');
      }
    });
  });

  it('takes an order list limit from 1 to 100 and refuses 0 and 101 with 400', async () => {
    for (const limit of ['0', '101']) {
      expectProblem(
        await suite.shop.call('GET', `/orders?limit=${limit}`, { token: customer.token }),
        400,
        'VALIDATION_FAILED',
      );
    }
    for (const limit of ['1', '100']) {
      const response = await suite.shop.call<{ items: unknown[]; nextCursor: string | null }>(
        'GET',
        `/orders?limit=${limit}`,
        { token: customer.token },
      );
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ items: expect.any(Array), nextCursor: response.body.nextCursor });
      expect(response.body.items.length).toBeLessThanOrEqual(Number(limit));
    }
  });

  it('serves /metrics, /health/live and /health/ready without a token', async () => {
    const metrics = await fetch(`${suite.platform.service('gateway').internalUrl}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await metrics.text()).toMatch(/^# (HELP|TYPE) /m);
    for (const path of ['/health/live', '/health/ready']) {
      const response = await suite.shop.call('GET', path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.body).toMatchObject({ status: 'ok' });
    }
  });

  describe('the OpenAPI document at /docs-json', () => {
    const routes: [method: string, path: string][] = [
      ['post', '/auth/login'],
      ['get', '/products'],
      ['get', '/products/{sku}'],
      ['post', '/checkout'],
      ['get', '/orders/{id}'],
      ['get', '/orders'],
      ['post', '/orders/{id}/cancel'],
      ['get', '/me/wallet'],
      ['post', '/admin/customers'],
      ['post', '/admin/customers/{id}/wallet/credit'],
      ['post', '/admin/products'],
      ['post', '/admin/products/{sku}/stock'],
      ['post', '/admin/coupons'],
      ['get', '/admin/orders/{id}'],
      ['get', '/admin/sagas'],
      ['get', '/admin/sagas/{id}'],
      ['post', '/admin/sagas/{id}/retry'],
      ['get', '/admin/stats'],
      ['get', '/health/live'],
      ['get', '/health/ready'],
    ];
    let document: {
      paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };

    beforeAll(async () => {
      const response = await fetch(`${suite.platform.service('gateway').internalUrl}/docs-json`);
      expect(response.status).toBe(200);
      document = (await response.json()) as typeof document;
    });

    it('is the committed docs/openapi.json (npm run docs:openapi regenerates it)', () => {
      const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as unknown;
      expect(document).toEqual(committed);
    });

    it('lists every route of docs/api.md, /admin included', () => {
      const documented = Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method} ${path}`),
      );
      expect(documented).toEqual(expect.arrayContaining(routes.map(([method, path]) => `${method} ${path}`)));
    });

    it('documents POST /checkout answering 201, 202, 400, 401, 409, 422 and 429, errors as application/problem+json', () => {
      const responses = document.paths['/checkout']?.post?.responses ?? {};
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['201', '202', '400', '401', '409', '422', '429']));
      for (const status of ['400', '401', '409', '422', '429']) {
        expect({ status, types: Object.keys(responses[status]?.content ?? {}) }).toEqual({
          status,
          types: ['application/problem+json'],
        });
      }
    });
  });
});

describe('rate limits (RATE_LIMIT_PER_CUSTOMER=5)', () => {
  const suite = suitePlatform({
    services: ['gateway', 'order', 'inventory', 'coupon', 'payment'],
    sharedEnv: { RATE_LIMIT_PER_ADDRESS: '1000000', RATE_LIMIT_PER_CUSTOMER: '5' },
  });

  it('answers a customer’s 6th request within a minute with 429 RATE_LIMITED and Retry-After, other customers unaffected', async () => {
    expect(suite.platform.env.RATE_LIMIT_PER_CUSTOMER).toBe('5');
    const mei = await suite.shop.customerWithWallet(10_000);
    const lin = await suite.shop.customerWithWallet(10_000);
    // the limit counts per minute of the clock: start early in a minute so that all six fall in one
    const second = (Date.now() / 1000) % 60;
    if (second > 50) await new Promise((resolve) => setTimeout(resolve, (60 - second) * 1000 + 100));

    for (let i = 1; i <= 5; i++) {
      const response = await suite.shop.call('GET', '/me/wallet', { token: mei.token });
      expect({ request: i, status: response.status }).toEqual({ request: i, status: 200 });
    }
    const sixth = await suite.shop.call('GET', '/me/wallet', { token: mei.token });
    expectProblem(sixth, 429, 'RATE_LIMITED');
    const retryAfter = sixth.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);

    const checkout = await suite.shop.checkout(mei, { items: [{ sku: 'ANY', quantity: 1 }] });
    expectProblem(checkout, 429, 'RATE_LIMITED');

    const other = await suite.shop.call('GET', '/me/wallet', { token: lin.token });
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ balanceCents: 10_000, currency: 'CNY' });
    expect((await suite.shop.call('GET', '/products')).status).toBe(200);
    const [{ n }] = await suite.platform.query<{ n: string }>('order', 'SELECT count(*) AS n FROM orders');
    expect(Number(n)).toBe(0);
  }, 30_000);
});

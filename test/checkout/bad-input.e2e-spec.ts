import { randomUUID } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { suitePlatform } from '../support/suite-platform';
import { ApiResponse, Customer } from '../support/storefront';

/**
 * docs/api.md's error contract under malformed input: every bad request is a 4xx
 * application/problem+json `{ type, title, status, detail, code }` with a stable code, never a
 * 5xx, never internals, and none of them creates an order.
 */

/** What one row of the table sends. */
interface BadRequest {
  method?: string;
  path?: string;
  /** Who calls: the test customer (default on customer routes), the operator, nobody, or a raw Authorization header. */
  auth?: 'customer' | 'operator' | 'none' | { header: string };
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  /** The Idempotency-Key header of a checkout: a fresh UUID unless given; null sends none. */
  idempotencyKey?: string | null;
}

/** What the row expects: the status and code, and for a validation error the field named in `errors`. */
interface Expected {
  status: number;
  code: string;
  field?: string;
}

interface Context {
  sku: string;
  customer: Customer;
  tokens: Record<'otherSecret' | 'expired' | 'algNone' | 'forgedOperator', string>;
}

type Row = [name: string, request: (ctx: Context) => BadRequest, expected: Expected | Expected[]];

const invalid = (field?: string): Expected => ({ status: 400, code: 'VALIDATION_FAILED', field });
const unauthenticated: Expected = { status: 401, code: 'UNAUTHENTICATED' };

/** A checkout whose body is one valid line with `line` merged in. */
const line =
  (fields: Record<string, unknown>) =>
  ({ sku }: Context): BadRequest => ({ body: { items: [{ sku, quantity: 1, ...fields }] } });
/** A checkout whose body is one valid line plus top-level `fields`. */
const withTop =
  (fields: Record<string, unknown>) =>
  ({ sku }: Context): BadRequest => ({ body: { items: [{ sku, quantity: 1 }], ...fields } });
const validCheckout = ({ sku }: Context) => ({ items: [{ sku, quantity: 1 }] });

const coupon = (fields: Record<string, unknown>) => ({
  code: `BAD${randomUUID().slice(0, 8).toUpperCase()}`,
  kind: 'FIXED',
  value: 100,
  minSubtotalCents: 0,
  maxRedemptions: 10,
  perCustomerLimit: 1,
  validFrom: new Date(Date.now() - 3_600_000).toISOString(),
  validUntil: new Date(Date.now() + 3_600_000).toISOString(),
  ...fields,
});

const rows: Row[] = [
  // --- the body of POST /checkout ---
  ['no body at all', () => ({ body: undefined }), invalid('items')],
  ['an empty object', () => ({ body: {} }), invalid('items')],
  ['items missing (only a coupon)', () => ({ body: { couponCode: 'WELCOME10' } }), invalid('items')],
  ['items an object, not an array', ({ sku }) => ({ body: { items: { sku, quantity: 1 } } }), invalid('items')],
  ['items a string', () => ({ body: { items: 'TEA-1 x 2' } }), invalid('items')],
  ['items empty', () => ({ body: { items: [] } }), invalid('items')],
  [
    '51 lines',
    () => ({ body: { items: Array.from({ length: 51 }, (_, i) => ({ sku: `SKU-${i}`, quantity: 1 })) } }),
    invalid('items'),
  ],
  [
    'the same sku on two lines',
    ({ sku }) => ({
      body: {
        items: [
          { sku, quantity: 1 },
          { sku, quantity: 2 },
        ],
      },
    }),
    invalid('items'),
  ],
  ['a null line', () => ({ body: { items: [null] } }), invalid('items.0')],
  ['quantity 0', line({ quantity: 0 }), invalid('items.0.quantity')],
  ['quantity negative', line({ quantity: -1 }), invalid('items.0.quantity')],
  ['quantity fractional (1.5)', line({ quantity: 1.5 }), invalid('items.0.quantity')],
  ['quantity 1000', line({ quantity: 1000 }), invalid('items.0.quantity')],
  ['quantity the string "2"', line({ quantity: '2' }), invalid('items.0.quantity')],
  ['quantity null', line({ quantity: null }), invalid('items.0.quantity')],
  ['quantity huge (1e20)', line({ quantity: 1e20 }), invalid('items.0.quantity')],
  ['quantity missing', ({ sku }) => ({ body: { items: [{ sku }] } }), invalid('items.0.quantity')],
  ['sku of 65 characters', line({ sku: 'S'.repeat(65) }), invalid('items.0.sku')],
  ['sku with spaces', line({ sku: 'TEA LONGJING' }), invalid('items.0.sku')],
  ['sku in unicode', line({ sku: '龙井茶' }), invalid('items.0.sku')],
  ['sku a number', line({ sku: 42 }), invalid('items.0.sku')],
  ['an extra top-level price', withTop({ price: 1 }), invalid('price')],
  ['an extra top-level totalCents', withTop({ totalCents: 1 }), invalid('totalCents')],
  ['an extra top-level customerId', withTop({ customerId: randomUUID() }), invalid('customerId')],
  ['an extra top-level status', withTop({ status: 'PAID' }), invalid('status')],
  // JSON.parse makes these own properties like any other; they must be refused like any other
  [
    'an extra top-level "__proto__" field',
    (ctx) => ({ rawBody: `{"items":[{"sku":"${ctx.sku}","quantity":1}],"__proto__":{"totalCents":1}}` }),
    invalid(),
  ],
  [
    'an extra top-level "constructor" field',
    (ctx) => ({ rawBody: `{"items":[{"sku":"${ctx.sku}","quantity":1}],"constructor":{"totalCents":1}}` }),
    invalid(),
  ],
  ['an extra priceCents inside a line', line({ priceCents: 1 }), invalid('items.0.priceCents')],
  ['couponCode of 65 characters', withTop({ couponCode: 'C'.repeat(65) }), invalid('couponCode')],
  ['couponCode a number', withTop({ couponCode: 123 }), invalid('couponCode')],
  ['couponCode with spaces', withTop({ couponCode: 'SAVE 10' }), invalid('couponCode')],
  ['paymentMethod "card"', withTop({ paymentMethod: 'card' }), invalid('paymentMethod')],
  ['malformed JSON text', () => ({ rawBody: '{"items": [{"sku": "TEA", "quantity": 1}' }), invalid()],
  // found by test/fuzz: these overflowed the validator's stack (500)
  ['a body nested 5,000 arrays deep', () => ({ rawBody: '['.repeat(5_000) + ']'.repeat(5_000) }), invalid()],
  [
    'a quantity nested 3,000 objects deep',
    ({ sku }) => ({ rawBody: `{"items":[{"sku":"${sku}","quantity":${'{"a":'.repeat(3_000)}1${'}'.repeat(3_000)}}]}` }),
    invalid(),
  ],
  ['a JSON array as the body', (ctx) => ({ body: [validCheckout(ctx)] }), invalid()],
  [
    'a text/plain body',
    (ctx) => ({ rawBody: JSON.stringify(validCheckout(ctx)), contentType: 'text/plain' }),
    [invalid(), { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' }],
  ],
  [
    'a body over the size limit (200 KB of JSON)',
    ({ sku }) => ({ rawBody: JSON.stringify({ items: [{ sku, quantity: 1 }], note: 'x'.repeat(200 * 1024) }) }),
    { status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ],
  // --- the Idempotency-Key header ---
  [
    'no Idempotency-Key',
    (ctx) => ({ body: validCheckout(ctx), idempotencyKey: null }),
    { status: 400, code: 'IDEMPOTENCY_KEY_REQUIRED' },
  ],
  [
    'an Idempotency-Key of 256 characters',
    (ctx) => ({ body: validCheckout(ctx), idempotencyKey: 'k'.repeat(256) }),
    invalid(),
  ],
  [
    'an Idempotency-Key with a control character (tab)',
    (ctx) => ({ body: validCheckout(ctx), idempotencyKey: 'order\t42' }),
    invalid(),
  ],
  // --- cursors of list routes: an opaque cursor that decodes to an impossible instant ---
  [
    'a cursor of GET /orders that is not one',
    () => ({ method: 'GET', path: '/orders?cursor=not-a-cursor' }),
    invalid(),
  ],
  [
    'a cursor of GET /orders whose timestamp is no instant (month 13)',
    () => ({ method: 'GET', path: `/orders?cursor=${impossibleCursor()}` }),
    invalid(),
  ],
  [
    'a cursor of GET /admin/sagas whose timestamp is no instant (month 13)',
    () => ({ method: 'GET', path: `/admin/sagas?cursor=${impossibleCursor()}` }),
    invalid(),
  ],
  // --- the Authorization header ---
  ['no Authorization header', (ctx) => ({ body: validCheckout(ctx), auth: 'none' }), unauthenticated],
  [
    'a Basic scheme',
    (ctx) => ({ body: validCheckout(ctx), auth: { header: `Basic ${Buffer.from('mei:secret').toString('base64')}` } }),
    unauthenticated,
  ],
  [
    'a Bearer scheme without a token',
    (ctx) => ({ body: validCheckout(ctx), auth: { header: 'Bearer' } }),
    unauthenticated,
  ],
  [
    'a Bearer token that is no JWT',
    (ctx) => ({ body: validCheckout(ctx), auth: { header: 'Bearer not.a.jwt' } }),
    unauthenticated,
  ],
  [
    'a token signed with another secret',
    (ctx) => ({ body: validCheckout(ctx), auth: { header: `Bearer ${ctx.tokens.otherSecret}` } }),
    unauthenticated,
  ],
  [
    'an expired token signed with the real secret',
    (ctx) => ({ body: validCheckout(ctx), auth: { header: `Bearer ${ctx.tokens.expired}` } }),
    unauthenticated,
  ],
  [
    'a token with alg "none"',
    (ctx) => ({ body: validCheckout(ctx), auth: { header: `Bearer ${ctx.tokens.algNone}` } }),
    unauthenticated,
  ],
  [
    'a forged operator token on /admin/products',
    (ctx) => ({
      path: '/admin/products',
      body: { sku: 'FORGED-1', name: 'Forged', priceCents: 1, stock: 1 },
      auth: { header: `Bearer ${ctx.tokens.forgedOperator}` },
    }),
    unauthenticated,
  ],
  // --- POST /auth/login ---
  [
    'a login without a password',
    (ctx) => ({ path: '/auth/login', auth: 'none', body: { email: ctx.customer.email } }),
    invalid('password'),
  ],
  [
    'a login with a non-string email',
    (ctx) => ({ path: '/auth/login', auth: 'none', body: { email: 42, password: ctx.customer.password } }),
    invalid('email'),
  ],
  [
    'a login with the wrong password',
    (ctx) => ({ path: '/auth/login', auth: 'none', body: { email: ctx.customer.email, password: 'wrong-password' } }),
    unauthenticated,
  ],
  [
    'a login of the operator with the wrong password',
    () => ({ path: '/auth/login', auth: 'none', body: { email: 'operator@zhongtai.local', password: 'operator!' } }),
    unauthenticated,
  ],
  // --- text holding NUL, which PostgreSQL refuses (found by test/fuzz: 502 UPSTREAM_FAILED) ---
  ['a sku path parameter holding NUL', () => ({ method: 'GET', path: '/products/%00', auth: 'none' }), invalid('sku')],
  [
    'a stock adjustment of a sku holding NUL',
    () => ({ path: '/admin/products/SKU%00/stock', auth: 'operator', body: { delta: 1, reference: randomUUID() } }),
    invalid('sku'),
  ],
  [
    'a wallet credit whose reference holds NUL',
    (ctx) => ({
      path: `/admin/customers/${ctx.customer.id}/wallet/credit`,
      auth: 'operator',
      body: { amountCents: 1, reference: 'ref\u0000erence' },
    }),
    invalid('reference'),
  ],
  [
    'a login whose email holds NUL',
    () => ({ path: '/auth/login', auth: 'none', body: { email: 'mei\u0000@zhongtai.local', password: 'x' } }),
    invalid('email'),
  ],
  // --- /admin ---
  [
    'a product with a negative price',
    () => ({
      path: '/admin/products',
      auth: 'operator',
      body: { sku: `NEG-${randomUUID().slice(0, 8)}`, name: 'Negative', priceCents: -1, stock: 1 },
    }),
    invalid('priceCents'),
  ],
  [
    'a PERCENT coupon of 101 per cent',
    () => ({ path: '/admin/coupons', auth: 'operator', body: coupon({ kind: 'PERCENT', value: 101 }) }),
    invalid('value'),
  ],
  [
    'a coupon valid until before it is valid from',
    () => ({
      path: '/admin/coupons',
      auth: 'operator',
      body: coupon({
        validFrom: new Date(Date.now() + 3_600_000).toISOString(),
        validUntil: new Date(Date.now() - 3_600_000).toISOString(),
      }),
    }),
    invalid('validUntil'),
  ],
];

/** A well-formed cursor (PostgreSQL timestamp text and a UUID, base64url) naming a day that does not exist. */
function impossibleCursor(): string {
  return Buffer.from(`2026-13-45 99:99:99.000000+00|${randomUUID()}`).toString('base64url');
}

/** Signs with HS256 and `secret`, or builds an unsigned `alg: none` token. */
function token(payload: Record<string, unknown>, secret: string | null): string {
  if (secret !== null) return new JwtService({ secret }).sign(payload, { algorithm: 'HS256' });
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...payload, iat: Math.floor(Date.now() / 1000) })}.`;
}

/** Stack frames, SQL and internal names that must never reach a client. */
function leaks(text: string): string[] {
  const found: string[] = [];
  if (/\n\s*at \S|\bat \S+ \(.*:\d+:\d+\)|\bat .+\.[jt]s:\d+/.test(text)) found.push('stack frame ("at ...")');
  for (const word of ['QueryFailedError', 'node_modules', 'SELECT', 'INSERT INTO', 'typeorm', 'TypeORM', 'dist/apps'])
    if (text.includes(word)) found.push(word);
  return found;
}

describe('malformed requests get problem+json 4xx answers and create nothing', () => {
  const suite = suitePlatform();
  let ctx: Context;
  let ordersBefore: number;

  beforeAll(async () => {
    const sku = await suite.shop.productWithStock(1_000, 1_000);
    const customer = await suite.shop.customerWithWallet(1_000_000);
    const now = Math.floor(Date.now() / 1000);
    const secret = suite.platform.env.JWT_SECRET;
    // The issuer and audience the gateway checks, so that each token fails for its one flaw.
    const customerClaims = { sub: customer.id, role: 'customer', iss: suite.platform.env.JWT_ISSUER, aud: 'customer' };
    ctx = {
      sku,
      customer,
      tokens: {
        otherSecret: token(customerClaims, 'another-secret-of-at-least-32-characters!'),
        expired: token({ ...customerClaims, iat: now - 3_600, exp: now - 60 }, secret),
        algNone: token(customerClaims, null),
        forgedOperator: token(
          { sub: 'operator', role: 'operator', iss: suite.platform.env.JWT_ISSUER, aud: 'operator' },
          'another-secret-of-at-least-32-characters!',
        ),
      },
    };
    ordersBefore = total((await suite.shop.stats()).ordersByStatus);
  }, 60_000);

  async function send(request: BadRequest): Promise<ApiResponse> {
    const path = request.path ?? '/checkout';
    const headers: Record<string, string> = {};
    const auth = request.auth ?? (path.startsWith('/admin') ? 'operator' : 'customer');
    if (auth === 'customer') headers.authorization = `Bearer ${ctx.customer.token}`;
    else if (auth === 'operator') headers.authorization = `Bearer ${await suite.shop.operator()}`;
    else if (auth !== 'none') headers.authorization = auth.header;
    if (path === '/checkout' && request.idempotencyKey !== null)
      headers['idempotency-key'] = request.idempotencyKey ?? randomUUID();
    if (request.contentType) headers['content-type'] = request.contentType;
    return suite.shop.call(request.method ?? 'POST', path, { body: request.body, rawBody: request.rawBody, headers });
  }

  it.each(rows)('rejects %s', async (_name, build, expected) => {
    const response = await send(build(ctx));
    const body = response.body as Record<string, unknown>;
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const allowed = Array.isArray(expected) ? expected : [expected];
    const match = allowed.find((e) => e.status === response.status);
    expect({ status: response.status, code: body?.code }).toEqual(
      match ? { status: match.status, code: match.code } : { status: allowed[0].status, code: allowed[0].code },
    );
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
    expect(body).toEqual(
      expect.objectContaining({
        type: expect.any(String),
        title: expect.any(String),
        status: response.status,
        detail: expect.any(String),
        code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
      }),
    );
    expect(leaks(text)).toEqual([]);
    if (match?.field) {
      const errors = (body.errors ?? []) as { field: string; messages: string[] }[];
      expect(errors.map((e) => e.field)).toContain(match.field);
      expect(errors.every((e) => e.messages.length > 0)).toBe(true);
    }
  });

  it('accepts a token built the same way with the real secret and a future expiry (control for the token rows)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const good = token(
      {
        sub: ctx.customer.id,
        role: 'customer',
        iss: suite.platform.env.JWT_ISSUER,
        aud: 'customer',
        iat: now,
        exp: now + 300,
      },
      suite.platform.env.JWT_SECRET,
    );
    const wallet = await suite.shop.call('GET', '/me/wallet', { token: good });
    expect(wallet.status).toBe(200);
    expect(wallet.body).toEqual({ balanceCents: expect.any(Number), currency: 'CNY' });
  });

  it('refuses a token it accepted before, from the second it expires (verified tokens are remembered only until exp)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2;
    const shortLived = token(
      { sub: ctx.customer.id, role: 'customer', iss: suite.platform.env.JWT_ISSUER, aud: 'customer', exp },
      suite.platform.env.JWT_SECRET,
    );
    expect((await suite.shop.call('GET', '/me/wallet', { token: shortLived })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
    const expired = await suite.shop.call('GET', '/me/wallet', { token: shortLived });
    expect({ status: expired.status, code: (expired.body as { code?: string }).code }).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  it('created no order and charged nothing for any of the rejected requests', async () => {
    const [{ n }] = await suite.platform.query<{ n: string }>('order', 'SELECT count(*) AS n FROM orders');
    const created = await suite.platform.query<{ id: string; status: string; request_hash: string }>(
      'order',
      'SELECT id, status, request_hash FROM orders ORDER BY created_at',
    );
    expect({ count: Number(n), created }).toEqual({ count: 0, created: [] });
    const stats = await suite.shop.stats();
    expect(total(stats.ordersByStatus)).toBe(ordersBefore);
    expect(await suite.shop.wallet(ctx.customer)).toBe(1_000_000);
    expect(stats.products.find((p) => p.sku === ctx.sku)).toMatchObject({ stockOnHand: 1_000, reserved: 0, sold: 0 });
    expect(stats.products.map((p) => p.sku)).not.toContain('FORGED-1');
  });
});

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { JwtService } from '@nestjs/jwt';
import { Redis } from 'ioredis';
import { OrderRpc } from '@zhongtai/contracts';
import { entryPoint } from '../../scripts/lib/services';
import { ServiceProcess } from '../support/harness';
import { freePort, SHARED } from '../support/infrastructure';
import { exampleDefaults } from '../support/platform';
import { handledRequests } from '../support/service-metrics';
import { ApiResponse, Customer } from '../support/storefront';
import { suitePlatform } from '../support/suite-platform';

/**
 * The gateway's edge (docs/api.md, "Edge protections"): security headers, CORS for an
 * allow-list, the body limit, rate limits per client address before authentication (behind
 * trusted proxies only), the per-account login throttle, the issuer and audience of tokens,
 * the production check of development secrets, and /metrics and /docs on the internal port.
 */

const SHOP = 'https://shop.example';

function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, code: response.body?.code }).toEqual({ status, code });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json\b/);
  expect(response.body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | undefined;
}

/** One request from a chosen local address (127.0.0.x), so that the gateway sees that peer. */
function fromAddress(
  url: string,
  localAddress: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method: 'GET', headers, localAddress }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: Record<string, unknown> | undefined;
        try {
          body = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

/**
 * The counts are per minute of the clock: start early in one so that a sequence falls in it
 * (up to 15 s of waiting: the tests that call this allow for it).
 */
async function earlyInAMinute(): Promise<void> {
  const second = (Date.now() / 1000) % 60;
  if (second > 45) await new Promise((resolve) => setTimeout(resolve, (60 - second) * 1000 + 100));
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('gateway hardening', () => {
  const suite = suitePlatform({ sharedEnv: { CORS_ORIGINS: `${SHOP},http://localhost:5173` } });
  let customer: Customer;
  let sku: string;

  beforeAll(async () => {
    sku = await suite.shop.productWithStock(10, 1_000);
    customer = await suite.shop.customerWithWallet(10_000);
  }, 60_000);

  describe('security headers', () => {
    it('sends helmet’s headers on answers and on errors, and no X-Powered-By', async () => {
      for (const response of [
        await suite.shop.call('GET', '/products'),
        await suite.shop.call('GET', '/no/such/route'),
        await suite.shop.call('GET', '/me/wallet'),
      ]) {
        const headers = response.headers;
        expect(headers.get('x-content-type-options')).toBe('nosniff');
        expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(headers.get('content-security-policy')).toMatch(/default-src 'self'/);
        expect(headers.get('content-security-policy')).toMatch(/frame-ancestors 'self'/);
        expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(headers.get('referrer-policy')).toBe('no-referrer');
        expect(headers.get('x-powered-by')).toBeNull();
      }
    });
  });

  describe('CORS (CORS_ORIGINS=https://shop.example,http://localhost:5173)', () => {
    it('answers the preflight of POST /checkout with Authorization, Idempotency-Key and Prefer for an allowed origin', async () => {
      const response = await suite.shop.call('OPTIONS', '/checkout', {
        headers: {
          origin: SHOP,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,idempotency-key,prefer',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
      expect(response.headers.get('access-control-allow-methods')?.split(/,\s*/)).toContain('POST');
      const allowed = (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'idempotency-key', 'prefer']));
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
      expect(response.headers.get('vary')).toMatch(/\bOrigin\b/i);
    });

    it('lets an allowed origin read answers and the headers the API sets (Location, Retry-After, ...)', async () => {
      const response = await suite.shop.call('GET', '/products', { headers: { origin: 'http://localhost:5173' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      const exposed = (response.headers.get('access-control-expose-headers') ?? '').toLowerCase().split(/,\s*/);
      expect(exposed).toEqual(
        expect.arrayContaining(['location', 'retry-after', 'idempotent-replayed', 'preference-applied']),
      );
      const checkout = await suite.shop.call('POST', '/checkout', {
        token: customer.token,
        headers: { origin: SHOP, 'idempotency-key': randomUUID() },
        body: { items: [] },
      });
      expect(checkout.status).toBe(400);
      expect(checkout.headers.get('access-control-allow-origin')).toBe(SHOP);
    });

    it('gives any other origin no CORS header at all, preflight or not', async () => {
      for (const origin of ['https://evil.example', 'https://shop.example.evil.example', 'http://shop.example']) {
        const preflight = await suite.shop.call('OPTIONS', '/checkout', {
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          },
        });
        const plain = await suite.shop.call('GET', '/products', { headers: { origin } });
        expect(plain.status).toBe(200);
        for (const response of [preflight, plain]) {
          const cors = [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));
          expect({ origin, cors }).toEqual({ origin, cors: [] });
        }
        expect(preflight.status).not.toBe(204);
      }
    });
  });

  describe('the JSON body limit (BODY_LIMIT_BYTES, default 64 KiB)', () => {
    /** A checkout body of exactly `bytes` bytes (an unknown field pads it). */
    const bodyOf = (bytes: number): string => {
      const start = `{"items":[{"sku":"${sku}","quantity":1}],"note":"`;
      return `${start}${'x'.repeat(bytes - start.length - 2)}"}`;
    };
    const post = (rawBody: string) =>
      suite.shop.call('POST', '/checkout', {
        token: customer.token,
        headers: { 'idempotency-key': randomUUID() },
        rawBody,
      });

    it('refuses a body of 64 KiB + 1 byte with 413 PAYLOAD_TOO_LARGE and takes one of 64 KiB', async () => {
      expect(Buffer.byteLength(bodyOf(65_537))).toBe(65_537);
      const over = await post(bodyOf(65_537));
      expectProblem(over, 413, 'PAYLOAD_TOO_LARGE');
      expect(over.body.detail).toBe('The request body is larger than 65536 bytes');
      // at the limit the body is read, and refused for its unknown field as any other
      const at = await post(bodyOf(65_536));
      expectProblem(at, 400, 'VALIDATION_FAILED');
      expect((at.body.errors as { field: string }[]).map((e) => e.field)).toContain('note');
    });

    it('still answers malformed JSON with 400 VALIDATION_FAILED (the parser’s message as detail, as before)', async () => {
      const response = await post('{"items": [');
      expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(response.body.detail).toBe('Unexpected end of JSON input');
    });

    it('placed no order for any of them', async () => {
      const [{ n }] = await suite.platform.query<{ n: string }>('order', 'SELECT count(*) AS n FROM orders');
      expect(Number(n)).toBe(0);
    });
  });

  describe('the login throttle (LOGIN_FAILURES_PER_ACCOUNT=5 within 15 minutes)', () => {
    const login = (email: string, password: string) =>
      suite.shop.call('POST', '/auth/login', { body: { email, password } });

    it('refuses the 6th attempt after 5 failures, right password or wrong, with 429 LOGIN_THROTTLED and Retry-After, without asking the order service', async () => {
      const mei = await suite.shop.customerWithWallet(0);
      for (let i = 1; i <= 5; i++) {
        expectProblem(await login(mei.email, `wrong-${i}`), 401, 'UNAUTHENTICATED');
      }
      const order = suite.platform.service('order');
      const checkedBefore = await handledRequests(order, OrderRpc.authenticate);

      const wrong = await login(mei.email, 'wrong-6');
      expectProblem(wrong, 429, 'LOGIN_THROTTLED');
      const right = await login(mei.email.toUpperCase(), mei.password);
      expectProblem(right, 429, 'LOGIN_THROTTLED');
      for (const response of [wrong, right]) {
        const retryAfter = Number(response.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThan(800);
        expect(retryAfter).toBeLessThanOrEqual(900);
      }
      // no password hash was computed for the refused attempts
      expect(await handledRequests(order, OrderRpc.authenticate)).toBe(checkedBefore);

      // another account is not affected, and the count is in Redis under the gateway's prefix
      expect((await login(customer.email, customer.password)).status).toBe(200);
      const redis = new Redis(SHARED.redis);
      try {
        const keys = await redis.keys(`${suite.platform.redisPrefix}login:*`);
        expect(keys).toHaveLength(1);
        expect(await redis.get(keys[0])).toBe('5');
        const ttl = await redis.ttl(keys[0]);
        expect(ttl).toBeGreaterThan(800);
        expect(ttl).toBeLessThanOrEqual(900);
      } finally {
        redis.disconnect();
      }
    });

    it('throttles the operator account the same way', async () => {
      const lockedOut = `ops-${randomUUID()}@zhongtai.test`;
      for (let i = 0; i < 5; i++) expect((await login(lockedOut, 'guess')).status).toBe(401);
      expectProblem(await login(lockedOut, 'guess'), 429, 'LOGIN_THROTTLED');
    });

    it('starts counting again after a successful login', async () => {
      const lei = await suite.shop.customerWithWallet(0);
      for (let i = 0; i < 4; i++) expect((await login(lei.email, 'wrong')).status).toBe(401);
      expect((await login(lei.email, lei.password)).status).toBe(200);
      for (let i = 0; i < 5; i++) {
        expect({ attempt: i + 1, status: (await login(lei.email, 'wrong')).status }).toEqual({
          attempt: i + 1,
          status: 401,
        });
      }
      expectProblem(await login(lei.email, lei.password), 429, 'LOGIN_THROTTLED');
    });
  });

  describe('the issuer and audience of access tokens', () => {
    const sign = (claims: Record<string, unknown>) =>
      new JwtService({ secret: suite.platform.env.JWT_SECRET }).sign(
        { iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 300, ...claims },
        { algorithm: 'HS256' },
      );

    it('issues tokens with iss JWT_ISSUER (zhongtai) and aud the role', async () => {
      expect(claimsOf(customer.token)).toMatchObject({ iss: 'zhongtai', aud: 'customer', role: 'customer' });
      expect(claimsOf(await suite.shop.operator())).toMatchObject({
        iss: 'zhongtai',
        aud: 'operator',
        role: 'operator',
      });
    });

    it('refuses tokens with the real secret but another or no issuer or audience (401), keeps roles apart (403)', async () => {
      const me = { sub: customer.id, role: 'customer' };
      const rows: [string, Record<string, unknown>, number][] = [
        ['the right issuer and audience (control)', { ...me, iss: 'zhongtai', aud: 'customer' }, 200],
        ['no issuer', { ...me, aud: 'customer' }, 401],
        ['another issuer', { ...me, iss: 'someone-else', aud: 'customer' }, 401],
        ['no audience', { ...me, iss: 'zhongtai' }, 401],
        ['another audience', { ...me, iss: 'zhongtai', aud: 'payments' }, 401],
        ['both audiences', { ...me, iss: 'zhongtai', aud: ['customer', 'operator'] }, 401],
        ['an audience that is not its role', { ...me, iss: 'zhongtai', aud: 'operator' }, 401],
        [
          'an operator token on a customer route',
          { sub: 'operator', role: 'operator', iss: 'zhongtai', aud: 'operator' },
          403,
        ],
      ];
      for (const [name, claims, status] of rows) {
        const response = await suite.shop.call('GET', '/me/wallet', { token: sign(claims) });
        expect({ name, status: response.status }).toEqual({ name, status });
      }
      const customerOnAdmin = sign({ ...me, iss: 'zhongtai', aud: 'customer' });
      expectProblem(await suite.shop.call('GET', '/admin/stats', { token: customerOnAdmin }), 403, 'FORBIDDEN');
    });
  });

  describe('/metrics and /docs on the internal port (GATEWAY_INTERNAL_PORT)', () => {
    it('answers them on the internal port only, 404 on the public one; health on both', async () => {
      const gateway = suite.platform.service('gateway');
      expect(gateway.internalUrl).not.toBe(gateway.url);
      for (const path of ['/metrics', '/docs', '/docs/', '/docs-json', '/docs-yaml']) {
        const response = await suite.shop.call('GET', path);
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
        expectProblem(response, 404, 'NOT_FOUND');
      }
      const metrics = await fetch(`${gateway.internalUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^http_request_duration_seconds_count\{/m);
      const document = await fetch(`${gateway.internalUrl}/docs-json`);
      expect(document.status).toBe(200);
      expect(((await document.json()) as { paths: Record<string, unknown> }).paths).toHaveProperty('/checkout');
      const ui = await fetch(`${gateway.internalUrl}/docs`);
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger-ui');
      for (const base of [gateway.url, gateway.internalUrl]) {
        expect((await fetch(`${base}/health/ready`)).status).toBe(200);
      }
      // and the API is not on the internal port
      expect((await fetch(`${gateway.internalUrl}/products`)).status).toBe(404);
    });
  });

  describe('rate limits per client address, before authentication (a second gateway: RATE_LIMIT_PER_ADDRESS=3, TRUSTED_PROXIES=127.0.0.1)', () => {
    let edge: ServiceProcess;

    beforeAll(async () => {
      edge = new ServiceProcess('gateway', {
        port: await freePort(),
        env: {
          ...suite.platform.env,
          // its own keys, under the platform's prefix so that they are removed with it
          REDIS_PREFIX: `${suite.platform.redisPrefix}edge:`,
          RATE_LIMIT_PER_ADDRESS: '3',
          TRUSTED_PROXIES: '127.0.0.1',
          CORS_ORIGINS: '',
        },
      }).start();
      await edge.waitReady();
    }, 60_000);

    afterAll(async () => {
      await edge?.stop();
    });

    const wallet = (from: string, headers: Record<string, string> = {}) =>
      fromAddress(edge.url, from, '/me/wallet', headers);

    it('counts requests with bad or no tokens, and ignores X-Forwarded-For from a peer that is no trusted proxy', async () => {
      await earlyInAMinute();
      const peer = '127.0.0.2';
      const statuses = [
        (await wallet(peer, { authorization: 'Bearer not.a.jwt', 'x-forwarded-for': '198.51.100.1' })).status,
        (await wallet(peer, { 'x-forwarded-for': '198.51.100.2' })).status,
        (await wallet(peer, { authorization: 'Bearer x', 'x-forwarded-for': '198.51.100.3' })).status,
      ];
      expect(statuses).toEqual([401, 401, 401]);
      // a valid token from the same peer, claiming yet another client address: still that peer's 4th
      const fourth = await wallet(peer, {
        authorization: `Bearer ${customer.token}`,
        'x-forwarded-for': '198.51.100.4',
      });
      expect({ status: fourth.status, code: fourth.body?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      expect(fourth.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(fourth.headers['retry-after'])).toBeLessThanOrEqual(60);
    }, 30_000);

    it('takes the client address from X-Forwarded-For when the peer is a trusted proxy', async () => {
      await earlyInAMinute();
      const proxy = '127.0.0.1';
      const client = `203.0.113.${Math.floor(Math.random() * 200) + 1}`;
      for (let i = 0; i < 3; i++) {
        expect((await wallet(proxy, { authorization: 'Bearer bad', 'x-forwarded-for': client })).status).toBe(401);
      }
      const limited = await wallet(proxy, { authorization: `Bearer ${customer.token}`, 'x-forwarded-for': client });
      expect({ status: limited.status, code: limited.body?.code }).toEqual({ status: 429, code: 'RATE_LIMITED' });
      // a spoofed address put in front by the client does not escape: the proxy appended the real one
      const spoofed = await wallet(proxy, {
        authorization: `Bearer ${customer.token}`,
        'x-forwarded-for': `192.0.2.77, ${client}`,
      });
      expect(spoofed.status).toBe(429);
      // another client behind the same proxy has its own count
      const other = await wallet(proxy, {
        authorization: `Bearer ${customer.token}`,
        'x-forwarded-for': '203.0.113.250',
      });
      expect(other.status).toBe(200);
    }, 30_000);

    it('gives no CORS header when CORS_ORIGINS is empty (the default)', async () => {
      const response = await fetch(`${edge.url}/health/live`, { headers: { origin: SHOP } });
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    });
  });

  describe('NODE_ENV=production', () => {
    it('refuses to start with the development JWT secret and operator password of .env.example, naming them', async () => {
      const env = {
        ...exampleDefaults(),
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        // Its own: the development one is refused before the gateway's settings are read
        // (service-config.spec.ts).
        GATEWAY_NATS_PASSWORD: 'gateway-password-of-this-test',
        GATEWAY_PORT: String(await freePort()),
        NATS_URL: SHARED.nats,
        REDIS_URL: SHARED.redis,
      };
      const child = spawn(process.execPath, [entryPoint('gateway')], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/^gateway: Invalid configuration:/);
      expect(stderr).toMatch(/JWT_SECRET is the development value of \.env\.example/);
      expect(stderr).toMatch(/OPERATOR_PASSWORD is the development value of \.env\.example/);
    }, 30_000);
  });
});

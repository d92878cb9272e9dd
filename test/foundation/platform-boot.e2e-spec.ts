import { TestPlatform } from '../support/platform';

describe('the platform as five processes on the real servers', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await TestPlatform.start();
    await platform.query(
      'inventory',
      `INSERT INTO products (sku, name, price_cents, stock_on_hand, reserved) VALUES ('TEA-001', 'Longjing tea', 12800, 40, 5)`,
    );
  }, 60_000);

  afterAll(() => platform?.stop(), 60_000);

  it.each(['gateway', 'order', 'inventory', 'coupon', 'payment'] as const)(
    'reports %s ready with each of its dependencies checked',
    async (service) => {
      const response = await fetch(`${platform.service(service).url}/health/ready`);
      const body = (await response.json()) as { status: string; details: Record<string, { status: string }> };
      expect(response.status).toBe(200);
      const expected = service === 'gateway' ? ['nats', 'redis'] : ['nats', 'postgres'];
      expect(Object.keys(body.details).sort()).toEqual(expected);
      for (const check of expected) expect(body.details[check].status).toBe('up');
    },
  );

  it.each(['gateway', 'order', 'inventory', 'coupon', 'payment'] as const)(
    'exposes Prometheus metrics from %s with process defaults and request latency',
    async (service) => {
      await fetch(`${platform.service(service).url}/health/live`);
      const response = await fetch(`${platform.service(service).internalUrl}/metrics`);
      const text = await response.text();
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
      expect(text).toMatch(
        /^http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} [1-9]/m,
      );
    },
  );

  it('serves the catalogue through the gateway from the inventory service', async () => {
    const response = await fetch(`${platform.gatewayUrl}/products`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { sku: 'TEA-001', name: 'Longjing tea', priceCents: 12800, currency: 'CNY', available: 35 },
    ]);
  });

  it('answers an unknown product with a problem+json 404', async () => {
    const response = await fetch(`${platform.gatewayUrl}/products/NOPE-1`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'NOT_FOUND', title: expect.any(String) });
  });

  it('answers an unknown route with a problem+json 404', async () => {
    const response = await fetch(`${platform.gatewayUrl}/no/such/route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('serves the OpenAPI document and its UI at /docs of the internal listener', async () => {
    const ui = await fetch(`${platform.service('gateway').internalUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const document = (await (await fetch(`${platform.service('gateway').internalUrl}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, unknown> };
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/products', '/products/{sku}', '/health/ready']),
    );
    expect(document.components.schemas).toHaveProperty('ProblemResponse');
  });

  it('carries the X-Request-Id from the gateway into the logs of the service it called', async () => {
    const correlationId = `corr-${Date.now()}`;
    const response = await fetch(`${platform.gatewayUrl}/products`, { headers: { 'X-Request-Id': correlationId } });
    expect(response.headers.get('x-request-id')).toBe(correlationId);
    const inventory = platform.service('inventory');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !inventory.logs.some((l) => l.correlationId === correlationId)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const line = inventory.logs.find((l) => l.correlationId === correlationId);
    expect(line).toMatchObject({ service: 'inventory', msg: 'catalogue listed' });
  });

  it('logs a request by its id, method and URL and its response by its status, never with headers', async () => {
    const correlationId = `headers-${Date.now()}`;
    const secrets = [
      'Bearer token-that-must-not-be-logged',
      'key-that-must-not-be-logged',
      'cookie-that-must-not-be-logged',
    ];
    await fetch(`${platform.gatewayUrl}/products?limit=1`, {
      headers: {
        'X-Request-Id': correlationId,
        authorization: secrets[0],
        'idempotency-key': secrets[1],
        cookie: secrets[2],
      },
    }).then((response) => response.arrayBuffer());
    const gateway = platform.service('gateway');
    const logged = () => gateway.logs.find((l) => l.correlationId === correlationId && l.req);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && !logged()) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logged()).toMatchObject({ req: { method: 'GET', url: '/products?limit=1' } });
    expect(Object.keys(logged()!.req as object).sort()).toEqual(['id', 'method', 'url']);
    expect(logged()).toMatchObject({ res: { statusCode: 200 } });
    expect(Object.keys(logged()!.res as object)).toEqual(['statusCode']);
    const everything = JSON.stringify(gateway.logs);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('generates a correlation id when the client sends none', async () => {
    const response = await fetch(`${platform.gatewayUrl}/products`);
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('shuts a service down with exit code 0 on %s', async (signal) => {
    const payment = platform.service('payment');
    const coupon = platform.service('coupon');
    const target = signal === 'SIGTERM' ? payment : coupon;
    target.signal(signal);
    expect(await target.waitExit()).toBe(0);
    expect(target.logs.some((l) => l.msg === `${signal} received: draining`)).toBe(true);
  });
});

/**
 * Seeds the demo catalogue, customers with funded wallets and coupons through the gateway's
 * operator API, so that the data obeys the same rules as any other. Idempotent: what exists
 * (409) is left as it is, and wallet credits carry a fixed reference.
 */
import { DEMO_CUSTOMERS, DEMO_PRODUCTS, demoCoupons } from './lib/demo-data';

const gateway = `http://127.0.0.1:${process.env.GATEWAY_PORT ?? 3000}`;

async function call(
  method: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gateway}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function expectCreated(what: string, response: { status: number; body: Record<string, unknown> }): boolean {
  if (response.status === 201 || response.status === 200) return true;
  if (response.status === 409) return false;
  throw new Error(`${what}: ${response.status} ${JSON.stringify(response.body)}`);
}

async function login(email: string, password: string): Promise<string> {
  const response = await call('POST', '/auth/login', { email, password });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.accessToken as string;
}

/** The customer id is the subject of the customer's own access token. */
function subjectOf(token: string): string {
  return (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sub: string }).sub;
}

async function main(): Promise<void> {
  const operator = await login(
    process.env.OPERATOR_EMAIL ?? 'operator@zhongtai.local',
    process.env.OPERATOR_PASSWORD ?? 'operator',
  );
  let created = 0;
  for (const product of DEMO_PRODUCTS) {
    if (expectCreated(product.sku, await call('POST', '/admin/products', product, operator))) created += 1;
  }
  for (const coupon of demoCoupons()) {
    if (expectCreated(coupon.code, await call('POST', '/admin/coupons', coupon, operator))) created += 1;
  }
  for (const customer of DEMO_CUSTOMERS) {
    const { email, password, name, walletCents } = customer;
    if (expectCreated(email, await call('POST', '/admin/customers', { email, password, name }, operator))) created += 1;
    const id = subjectOf(await login(email, password));
    const credit = { amountCents: walletCents, reference: `demo-seed-${email}` };
    expectCreated(`wallet of ${email}`, await call('POST', `/admin/customers/${id}/wallet/credit`, credit, operator));
  }
  process.stdout.write(`seed: ${created ? `${created} demo records added` : 'demo data already present'}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import type { Page } from 'playwright-core';
import { suitePlatform } from '../support/suite-platform';
import type { Customer } from '../support/storefront';
import { newContext, screenshot, suiteBrowser, watchPage } from './browser';

/**
 * The storefront in Chromium against a real platform (five services as processes, the pages
 * served by the gateway): signing in, buying, a double click, a lost answer, a refusal for the
 * stock, a cancel with its refund, and the language.
 */
jest.setTimeout(45_000);

const suite = suitePlatform();
const chromium = suiteBrowser();

async function signedIn(customer: Customer, options: { locale?: string; phone?: boolean } = {}) {
  const context = await newContext(chromium.browser, suite.platform.gatewayUrl, options);
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto('/signin?next=/');
  await page.getByLabel(/email|邮箱/i).fill(customer.email);
  await page.getByLabel(/password|密码/i).fill(customer.password);
  await page.getByRole('button', { name: /sign in|登录/i }).click();
  await page.getByRole('heading', { level: 1, name: /catalogue|商品/i }).waitFor();
  return { page, problems, close: () => context.close() };
}

async function addToCart(page: Page, sku: string, quantity = 1) {
  const name = `Product ${sku}`;
  await page.goto(`/item/${sku}`);
  await page.getByRole('heading', { level: 1, name }).waitFor();
  if (quantity !== 1) await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: `Add to cart: ${name}` }).click();
  await page.getByRole('status').filter({ hasText: 'Added to your cart' }).waitFor();
}

async function orderStatus(page: Page, status: string) {
  await page.locator(`[data-testid="order-status"][data-status="${status}"]`).waitFor({ timeout: 20_000 });
}

async function ordersOf(customer: Customer) {
  const page = await suite.shop.call<{ items: { id: string; status: string }[] }>('GET', '/orders?limit=100', {
    token: customer.token,
  });
  return page.body.items;
}

it('serves the pages from the gateway with its security headers; the API keeps its routes', async () => {
  const { gatewayUrl } = suite.platform;
  for (const path of ['/', '/console', '/console/sagas/x', '/item/TEA', '/my/orders/1', '/cart', '/signin']) {
    const response = await fetch(`${gatewayUrl}${path}`, { headers: { accept: 'text/html,*/*;q=0.8' } });
    expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({
      path,
      status: 200,
      type: 'text/html; charset=utf-8',
    });
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
  }
  // An API client gets no page: a problem+json 404, as before.
  const api = await fetch(`${gatewayUrl}/`);
  expect(api.status).toBe(404);
  expect(api.headers.get('content-type')).toContain('application/problem+json');
  const html = await (await fetch(`${gatewayUrl}/`, { headers: { accept: 'text/html' } })).text();
  const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
  const asset = await fetch(`${gatewayUrl}${script}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(asset.headers.get('cache-control')).toContain('immutable');
  // API paths answer as before: JSON, and problem+json for what does not exist.
  expect((await fetch(`${gatewayUrl}/products`)).headers.get('content-type')).toContain('application/json');
  const missing = await fetch(`${gatewayUrl}/assets/nothing.js`);
  expect(missing.status).toBe(404);
  expect(missing.headers.get('content-type')).toContain('application/problem+json');
  expect((await fetch(`${gatewayUrl}/orders/unknown/path`)).status).toBe(404);
  expect((await fetch(`${gatewayUrl}/assets/..%2f..%2fpackage.json`)).status).toBe(404);
  expect((await fetch(`${gatewayUrl}/docs`)).status).toBe(404);
});

it('a customer signs in, sees the catalogue, applies a coupon and buys: PAID, in the history and the wallet', async () => {
  const sku = await suite.shop.productWithStock(20, 12_800);
  const coupon = await suite.shop.coupon({ kind: 'FIXED', value: 1_000 });
  const customer = await suite.shop.customerWithWallet(100_000);
  const { page, problems, close } = await signedIn(customer);
  try {
    const card = page.locator(`[data-sku="${sku}"]`);
    await card.getByText('20 available').waitFor();
    await screenshot(page, 'storefront-catalogue');
    await addToCart(page, sku, 2);
    await screenshot(page, 'storefront-product');
    // The cart survives a reload (localStorage).
    await page.reload();
    await page.getByRole('link', { name: /Cart \(2\)/ }).click();
    await page.getByRole('heading', { level: 1, name: 'Cart' }).waitFor();
    await page.getByLabel('Coupon code').fill(coupon);
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText(`Coupon ${coupon}: ¥10.00 off`).waitFor();
    await expectText(page.getByTestId('total'), '¥246.00');
    await screenshot(page, 'storefront-cart');
    await page.getByRole('button', { name: 'Pay ¥246.00' }).click();
    await orderStatus(page, 'PAID');
    await page.getByText('−¥10.00').waitFor();
    await screenshot(page, 'storefront-order-paid');
    await page.getByRole('link', { name: 'Orders' }).click();
    await page.getByTestId('orders').getByText('Paid').waitFor();
    await screenshot(page, 'storefront-orders');
    await page.getByRole('link', { name: 'Wallet' }).click();
    await expectText(page.getByTestId('balance'), '¥754.00');
    const [order] = await ordersOf(customer);
    await page
      .getByTestId('entries')
      .getByRole('row', { name: new RegExp(`Payment ${order.id}`) })
      .waitFor();
    await page
      .getByTestId('entries')
      .getByRole('row', { name: /Top-up/ })
      .waitFor();
    await screenshot(page, 'storefront-wallet');
    expect(problems).toEqual([]);
  } finally {
    await close();
  }
});

it('a double click on Pay makes one order', async () => {
  const sku = await suite.shop.productWithStock(10, 1_000);
  const customer = await suite.shop.customerWithWallet(10_000);
  const { page, close } = await signedIn(customer);
  try {
    await addToCart(page, sku);
    await page.goto('/cart');
    await page.getByRole('button', { name: 'Pay ¥10.00' }).dblclick();
    await orderStatus(page, 'PAID');
    expect(await ordersOf(customer)).toHaveLength(1);
    expect(await suite.shop.wallet(customer)).toBe(9_000);
  } finally {
    await close();
  }
});

it('an answer lost on the way back is retried with the same key: still one order', async () => {
  const sku = await suite.shop.productWithStock(10, 1_500);
  const customer = await suite.shop.customerWithWallet(10_000);
  const { page, close } = await signedIn(customer);
  try {
    await addToCart(page, sku);
    await page.goto('/cart');
    const keys: string[] = [];
    let first = true;
    await page.route('**/checkout', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (!first) return route.continue();
      first = false;
      // The gateway gets the request and places the order; the browser never hears back.
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Pay ¥15.00' }).click();
    await page
      .getByRole('alert')
      .getByText(/will not make a second order/)
      .waitFor();
    await page.getByRole('alert').getByRole('button', { name: 'Try again' }).click();
    await orderStatus(page, 'PAID');
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await ordersOf(customer)).toHaveLength(1);
    expect(await suite.shop.wallet(customer)).toBe(8_500);
  } finally {
    await close();
  }
});

it('a checkout of more than the stock shows why, in words, and charges nothing', async () => {
  const sku = await suite.shop.productWithStock(1, 2_000);
  const customer = await suite.shop.customerWithWallet(10_000);
  const { page, close } = await signedIn(customer);
  try {
    await addToCart(page, sku, 3);
    await page.goto('/cart');
    await page.getByText('Only 1 left').waitFor();
    await page.getByRole('button', { name: 'Pay ¥60.00' }).click();
    await orderStatus(page, 'CANCELLED');
    await expectText(page.getByTestId('failure-reason'), 'sold out before we could set it aside');
    await screenshot(page, 'storefront-order-out-of-stock');
    expect(await suite.shop.wallet(customer)).toBe(10_000);
  } finally {
    await close();
  }
});

it('a paid order cancelled from its page is refunded', async () => {
  const sku = await suite.shop.productWithStock(5, 3_000);
  const customer = await suite.shop.customerWithWallet(10_000);
  const { page, close } = await signedIn(customer);
  try {
    await addToCart(page, sku);
    await page.goto('/cart');
    await page.getByRole('button', { name: 'Pay ¥30.00' }).click();
    await orderStatus(page, 'PAID');
    await page.getByRole('button', { name: 'Cancel and refund' }).click();
    await orderStatus(page, 'REFUNDED');
    await page.getByText('The full amount is back in your wallet.').waitFor();
    await screenshot(page, 'storefront-order-refunded');
    await page.getByRole('link', { name: 'Wallet' }).click();
    await expectText(page.getByTestId('balance'), '¥100.00');
    await page
      .getByTestId('entries')
      .getByRole('row', { name: /Refund/ })
      .waitFor();
    expect((await suite.shop.product(sku)).available).toBe(5);
  } finally {
    await close();
  }
});

it('speaks Chinese to a Chinese browser, switchable to English, and fits a phone', async () => {
  const customer = await suite.shop.customerWithWallet(1_000);
  const { page, close } = await signedIn(customer, { locale: 'zh-CN', phone: true });
  try {
    await page.getByRole('heading', { level: 1, name: '商品' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByRole('link', { name: '钱包' }).click();
    await expectText(page.getByTestId('balance'), '¥10.00');
    // Nothing wider than the screen but the tables' own scrolling boxes.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.getByRole('link', { name: '商品' }).click();
    await screenshot(page, 'storefront-phone-zh');
    await page.getByLabel('语言').selectOption('en');
    await page.getByRole('heading', { level: 1, name: 'Catalogue' }).waitFor();
    await page.goto('/signin');
    await screenshot(page, 'storefront-signin');
    // The keyboard reaches the form in order: email, password, the button.
    await page.getByLabel('Email').focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.name')).toBe('password');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Sign in');
  } finally {
    await close();
  }
});

async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).waitFor();
}

describe('the routes the pages added to the API', () => {
  it('POST /checkout/quote prices lines and a coupon for the caller, without reserving anything', async () => {
    const sku = await suite.shop.productWithStock(3, 5_000);
    const coupon = await suite.shop.coupon({ kind: 'PERCENT', value: 10, minSubtotalCents: 0 });
    const customer = await suite.shop.customerWithWallet(0);
    const quote = (body: unknown, token: string | undefined = customer.token) =>
      suite.shop.call<Record<string, unknown>>('POST', '/checkout/quote', { token, body });
    const priced = await quote({ items: [{ sku, quantity: 2 }], couponCode: coupon });
    expect(priced.status).toBe(200);
    expect(priced.body).toEqual({
      items: [
        { sku, name: `Product ${sku}`, quantity: 2, unitPriceCents: 5_000, lineTotalCents: 10_000, available: 3 },
      ],
      subtotalCents: 10_000,
      discountCents: 1_000,
      totalCents: 9_000,
      currency: 'CNY',
      coupon: { code: coupon, ok: true },
      stockRefusal: null,
    });
    expect((await suite.shop.product(sku)).available).toBe(3);
    const refused = await quote({
      items: [
        { sku, quantity: 4 },
        { sku: 'NO-SUCH-SKU', quantity: 1 },
      ],
      couponCode: 'NOPE',
    });
    expect(refused.body).toMatchObject({
      stockRefusal: 'UNKNOWN_SKU',
      discountCents: 0,
      coupon: { code: 'NOPE', ok: false, reason: 'COUPON_INVALID' },
    });
    expect((await quote({ items: [{ sku, quantity: 4 }] })).body).toMatchObject({ stockRefusal: 'OUT_OF_STOCK' });
    const invalid = await quote({ items: [], totalCents: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    expect(invalid.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await quote({ items: [{ sku, quantity: 1 }] }, '')).status).toBe(401);
    expect((await quote({ items: [{ sku, quantity: 1 }] }, await suite.shop.operator())).status).toBe(403);
  });

  it('GET /me/wallet/entries and /admin/customers/:id/wallet/entries list credits, charges and refunds', async () => {
    const sku = await suite.shop.productWithStock(5, 700);
    const customer = await suite.shop.customerWithWallet(5_000);
    const order = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
    expect(order.body.status).toBe('PAID');
    const cancelled = await suite.shop.call('POST', `/orders/${order.body.id}/cancel`, {
      token: customer.token,
      headers: { prefer: 'wait=10' },
    });
    expect(cancelled.body).toMatchObject({ status: 'REFUNDED' });
    const mine = await suite.shop.call<{ items: Record<string, unknown>[] }>('GET', '/me/wallet/entries', {
      token: customer.token,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map(({ kind, reference, amountCents }) => ({ kind, reference, amountCents }))).toEqual([
      { kind: 'REFUND', reference: order.body.id, amountCents: 700 },
      { kind: 'CHARGE', reference: order.body.id, amountCents: -700 },
      { kind: 'CREDIT', reference: `fund-${customer.id}`, amountCents: 5_000 },
    ]);
    const operator = await suite.shop.admin<{ items: unknown[] }>(
      'GET',
      `/admin/customers/${customer.id}/wallet/entries?limit=1`,
    );
    expect(operator.status).toBe(200);
    expect(operator.body.items).toEqual([mine.body.items[0]]);
    const tooMany = await suite.shop.call('GET', '/me/wallet/entries?limit=101', { token: customer.token });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const unknown = await suite.shop.admin(
      'GET',
      '/admin/customers/00000000-0000-4000-8000-000000000000/wallet/entries',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
    expect((await suite.shop.admin('GET', '/admin/customers/not-a-uuid/wallet/entries')).status).toBe(404);
    const customerAsOperator = await suite.shop.call('GET', `/admin/customers/${customer.id}/wallet/entries`, {
      token: customer.token,
    });
    expect(customerAsOperator.status).toBe(403);
  });
});

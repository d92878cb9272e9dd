import { suitePlatform } from '../support/suite-platform';
import { newContext, screenshot, suiteBrowser, watchPage } from './browser';

/** The operator console in Chromium against a real platform: sign in, the sagas, one saga's timeline, the invariants. */
jest.setTimeout(45_000);

const suite = suitePlatform();
const chromium = suiteBrowser();

it('an operator signs in, finds a checkout saga and sees its timeline on the services’ lanes; the invariants are green', async () => {
  const sku = await suite.shop.productWithStock(10, 2_500);
  const customer = await suite.shop.customerWithWallet(10_000);
  const order = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
  expect(order.body.status).toBe('PAID');
  const context = await newContext(chromium.browser, suite.platform.gatewayUrl);
  const page = await context.newPage();
  const problems = watchPage(page);
  try {
    await page.goto('/console');
    await page.getByLabel('Email').fill('operator@zhongtai.local');
    await page.getByLabel('Password').fill('operator');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sagas' }).waitFor();
    await page.getByLabel('Type').selectOption('checkout');
    const row = page.locator(`[data-saga="${order.body.id}"]`);
    await row.waitFor();
    await screenshot(page, 'console-sagas');
    await row.getByRole('link').click();
    await page.locator('[data-testid="saga-status"][data-status="COMPLETED"]').waitFor();
    const timeline = page.getByTestId('timeline');
    for (const step of ['reserveStock', 'chargeWallet', 'confirmReservation'])
      await timeline.locator(`g.bar.o-succeeded[data-step="${step}"]`).first().waitFor();
    await screenshot(page, 'console-saga-timeline');
    await page.getByRole('link', { name: 'Stuck' }).click();
    await page.getByRole('heading', { level: 2, name: 'Parked' }).waitFor();
    await page.getByRole('link', { name: 'Invariants' }).click();
    await page.getByTestId('checks-money').locator('li').first().waitFor();
    expect(await page.locator('li.check[data-ok="false"]').count()).toBe(0);
    await screenshot(page, 'console-invariants');
    await page.getByRole('link', { name: 'Live' }).click();
    await page.locator('[data-counter="started"]').waitFor();
    await page.getByRole('link', { name: 'Operations' }).click();
    await page.getByLabel('SKU').selectOption(sku);
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: `Done: ${sku}` })
      .waitFor();
    expect((await suite.shop.product(sku)).available).toBe(19);
    await screenshot(page, 'console-operations');
    expect(problems.filter((p) => /Content Security Policy|page error/.test(p))).toEqual([]);
  } finally {
    await context.close();
  }
});

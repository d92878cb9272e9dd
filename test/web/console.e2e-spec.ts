import type { Page } from 'playwright-core';
import { suitePlatform } from '../support/suite-platform';
import { newContext, screenshot, suiteBrowser, watchPage } from './browser';

/**
 * The operator console in Chromium against a real platform: sign in, the sagas, one saga's
 * timeline, the invariants, the live counters, the operations; a saga parked for real and
 * retried from its page; the console on a phone and from the keyboard.
 */
jest.setTimeout(45_000);

const suite = suitePlatform();
const chromium = suiteBrowser();

async function signedIn(options: { locale?: string; phone?: boolean } = {}) {
  const context = await newContext(chromium.browser, suite.platform.gatewayUrl, options);
  const page = await context.newPage();
  const problems = watchPage(page);
  await page.goto('/console');
  await page.getByLabel(/email|邮箱/i).fill('operator@zhongtai.local');
  await page.getByLabel(/password|密码/i).fill('operator');
  await page.getByRole('button', { name: /sign in|登录/i }).click();
  await page.getByRole('heading', { level: 1, name: /sagas|saga 列表/i }).waitFor();
  return { page, problems, close: () => context.close() };
}

/** Polls `read` until `done` holds, then asserts it, naming what was awaited and the last value seen. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  expect({ what, value, done: done(value) }).toEqual({ what, value, done: true });
  return value;
}

const counter = (page: Page, id: string) =>
  page
    .locator(`[data-counter="${id}"]`)
    .getAttribute('data-value')
    .then((v) => Number(v));

const SERVICES = ['order', 'inventory', 'payment', 'coupon'] as const;

/** The unsent saga messages of each service's outbox, as its database holds them now. */
async function unsentInDatabases(): Promise<Record<string, number>> {
  const counts = await Promise.all(
    SERVICES.map(async (service) => {
      const [row] = await suite.platform.query<{ n: string }>(
        service,
        'SELECT count(*) AS n FROM saga_outbox WHERE sent_at IS NULL',
      );
      return [service, Number(row.n)] as const;
    }),
  );
  return Object.fromEntries(counts);
}

/** The Live page's outbox table: each service's unsent messages and the oldest one's age (null for none). */
async function outboxOnPage(page: Page): Promise<Record<string, { unsent: number; oldest: number | null }>> {
  const rows = await Promise.all(
    SERVICES.map(async (service) => {
      const row = page.getByTestId('outbox').locator(`tr[data-service="${service}"]`);
      const [unsent, oldest] = await Promise.all([row.getAttribute('data-unsent'), row.getAttribute('data-oldest')]);
      return [service, { unsent: Number(unsent), oldest: oldest ? Number(oldest) : null }] as const;
    }),
  );
  return Object.fromEntries(rows);
}

const unsentOf = (figures: Record<string, { unsent: number }>) =>
  Object.fromEntries(Object.entries(figures).map(([service, f]) => [service, f.unsent]));

it('an operator signs in, finds a checkout saga and sees its timeline on the services’ lanes; the invariants are green; the counters move with a checkout; stock and credits take references', async () => {
  const sku = await suite.shop.productWithStock(10, 2_500);
  const customer = await suite.shop.customerWithWallet(10_000);
  const order = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
  expect(order.body.status).toBe('PAID');
  const { page, problems, close } = await signedIn();
  try {
    await page.getByLabel('Type').selectOption('checkout');
    const row = page.locator(`[data-saga="${order.body.id}"]`);
    await row.waitFor();
    await screenshot(page, 'console-sagas');
    await row.getByRole('link').click();
    await page.locator('[data-testid="saga-status"][data-status="COMPLETED"]').waitFor();
    // The saga links to its trace in the trace viewer (docker-compose's Jaeger by default).
    expect(await page.getByTestId('saga-trace').getAttribute('href')).toMatch(
      /^http:\/\/127\.0\.0\.1:16686\/trace\/[0-9a-f]{32}$/,
    );
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

    // Live: once a first sample is taken, a checkout shows as started and completed per minute.
    await page.getByRole('link', { name: 'Live' }).click();
    await page.getByRole('table', { name: 'Sagas' }).waitFor();
    const second = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
    expect(second.body.status).toBe('PAID');
    const rates = async () => ({
      started: await counter(page, 'started'),
      completed: await counter(page, 'completed'),
    });
    await eventually(
      'started and completed per minute after a checkout',
      rates,
      (r) => r.started > 0 && r.completed > 0,
    );
    expect(await counter(page, 'compensated')).toBe(0);
    // The outbox lag: each service's unsent messages, as its database has them (none once the checkouts have settled).
    await page.getByRole('table', { name: 'Outbox lag' }).waitFor();
    await eventually(
      'the outbox figures of the Live page equal the unsent rows of each database, all sent',
      async () => ({ page: unsentOf(await outboxOnPage(page)), databases: await unsentInDatabases() }),
      (v) => JSON.stringify(v.page) === JSON.stringify(v.databases) && Object.values(v.page).every((n) => n === 0),
    );
    expect(Object.values(await outboxOnPage(page)).map((f) => f.oldest)).toEqual([null, null, null, null]);
    await screenshot(page, 'console-live');

    await page.getByRole('link', { name: 'Operations' }).click();
    const stock = page.getByRole('form', { name: 'Stock adjustment' });
    await stock.getByLabel('SKU').selectOption(sku);
    const stockReference = await stock.getByLabel('Reference').inputValue();
    expect(stockReference).toMatch(/^adj-/);
    await stock.getByRole('button', { name: 'Adjust stock' }).click();
    await stock
      .getByRole('status')
      .filter({ hasText: `Done: ${sku} ${stockReference}: On hand 18, Reserved 0, 18 available` })
      .waitFor();
    expect((await suite.shop.product(sku)).available).toBe(18);
    const [adjustment] = await suite.platform.query<{ sku: string; delta: number }>(
      'inventory',
      'SELECT sku, delta FROM stock_adjustments WHERE reference = $1',
      [stockReference],
    );
    expect(adjustment).toEqual({ sku, delta: 10 });
    // The list of past adjustments next to the form shows it, with its reference and the stock it left.
    const listed = page.getByTestId('adjustments').locator(`tr[data-reference="${stockReference}"]`);
    await listed.waitFor();
    const cells = await listed.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual([stockReference, sku, '+10', '18']);
    expect(cells[4]).not.toBe('');

    // A credit under its reference, then the customer's statement lists it with that reference.
    const credit = page.getByRole('form', { name: 'Wallet credit' });
    await credit.getByLabel('Customer id').fill(customer.id);
    await credit.getByLabel('Amount (CNY)').fill('12.34');
    await credit.getByLabel('Reference').fill(`goodwill-${customer.id.slice(0, 8)}`);
    await credit.getByRole('button', { name: 'Credit wallet' }).click();
    await credit
      .getByRole('status')
      .filter({ hasText: `Done: goodwill-${customer.id.slice(0, 8)}` })
      .waitFor();
    const entries = page.getByTestId('entries');
    await entries
      .getByRole('row')
      .filter({ hasText: `goodwill-${customer.id.slice(0, 8)}` })
      .waitFor();
    await entries
      .getByRole('row')
      .filter({ hasText: `fund-${customer.id}` })
      .waitFor();
    expect(await entries.getByRole('row').filter({ hasText: order.body.id }).count()).toBe(1);
    expect(await suite.shop.wallet(customer)).toBe(10_000 - 2 * 2_500 + 1_234);
    await screenshot(page, 'console-operations');
    expect(problems.filter((p) => /Content Security Policy|page error/.test(p))).toEqual([]);
  } finally {
    await close();
  }
});

it('the Live page shows an outbox backlog as the database holds it: messages published but not recorded as sent stay unsent, and go once the relay can record them', async () => {
  const sku = await suite.shop.productWithStock(5, 900);
  const customer = await suite.shop.customerWithWallet(5_000);
  // The fault: in the inventory database, no outbox row may be marked sent. The relay still
  // publishes each reply (the saga goes on), but cannot record it, as after a crash between the
  // two: the rows stay unsent and the poller publishes them again (JetStream drops the copies).
  const fault = 'keep_outbox_unsent';
  await suite.platform.query(
    'inventory',
    `CREATE FUNCTION ${fault}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN RAISE EXCEPTION 'the test keeps outbox rows unsent'; END $$`,
  );
  await suite.platform.query(
    'inventory',
    `CREATE TRIGGER ${fault} BEFORE UPDATE OF sent_at ON saga_outbox FOR EACH ROW
     WHEN (NEW.sent_at IS NOT NULL) EXECUTE FUNCTION ${fault}()`,
  );
  const removeFault = () =>
    suite.platform.query(
      'inventory',
      `DROP TRIGGER IF EXISTS ${fault} ON saga_outbox; DROP FUNCTION IF EXISTS ${fault}()`,
    );
  let close: (() => Promise<void>) | undefined;
  try {
    const order = await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] });
    expect(order.body.status).toBe('PAID');
    const browser = await signedIn();
    close = browser.close;
    const { page, problems } = browser;
    await page.getByRole('link', { name: 'Live' }).click();
    await page.getByRole('table', { name: 'Outbox lag' }).waitFor();
    // The reservation's and the sale's replies, at least, wait in the inventory outbox.
    const seen = await eventually(
      'the Live page shows the inventory outbox backlog the database holds, the others empty',
      async () => {
        const before = await unsentInDatabases();
        const figures = await outboxOnPage(page);
        return { before, page: unsentOf(figures), oldest: figures.inventory.oldest, after: await unsentInDatabases() };
      },
      (v) =>
        v.before.inventory >= 2 &&
        JSON.stringify(v.page) === JSON.stringify(v.before) &&
        JSON.stringify(v.after) === JSON.stringify(v.before) &&
        v.page.order + v.page.payment + v.page.coupon === 0,
    );
    // Its age is that of a row written before the page sampled it, and not older than the oldest row now.
    const [{ age }] = await suite.platform.query<{ age: number }>(
      'inventory',
      'SELECT extract(epoch FROM now() - min(created_at))::float8 AS age FROM saga_outbox WHERE sent_at IS NULL',
    );
    expect(seen.oldest).toBeGreaterThan(0);
    expect(seen.oldest).toBeLessThanOrEqual(age);
    const row = page.getByTestId('outbox').locator('tr[data-service="inventory"]');
    expect(await row.locator('td').first().textContent()).toBe(String(seen.page.inventory));

    await removeFault();
    await eventually(
      'the backlog gone from the database and the Live page once the relay can mark its rows sent',
      async () => ({ page: unsentOf(await outboxOnPage(page)), databases: await unsentInDatabases() }),
      (v) => v.databases.inventory === 0 && v.page.inventory === 0,
      30_000,
    );
    expect((await outboxOnPage(page)).inventory).toEqual({ unsent: 0, oldest: null });
    expect(problems.filter((p) => /Content Security Policy|page error/.test(p))).toEqual([]);
  } finally {
    await removeFault();
    await close?.();
  }
}, 60_000);

it('a checkout whose stock confirmation fails after the payment parks; with the fault gone, Retry on its page completes it: PAID, the stock sold once, charged once', async () => {
  const sku = await suite.shop.productWithStock(5, 1_200);
  const customer = await suite.shop.customerWithWallet(10_000);
  // The fault: in the inventory database, selling this sku's reservation fails (the confirm
  // handler's transaction rolls back, as on a broken disk or a bug), until the trigger goes.
  // A sequence, which no rollback undoes, counts the sales it refused.
  const fault = `fail_sale_${sku.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
  await suite.platform.query('inventory', `CREATE SEQUENCE ${fault}`);
  await suite.platform.query(
    'inventory',
    `CREATE FUNCTION ${fault}() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN PERFORM nextval('${fault}'); RAISE EXCEPTION 'the test refuses to sell %', TG_ARGV[0]; END $$`,
  );
  const refusals = async () =>
    Number(
      (
        await suite.platform.query<{ n: string }>(
          'inventory',
          `SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${fault}`,
        )
      )[0].n,
    );
  await suite.platform.query(
    'inventory',
    `CREATE TRIGGER ${fault} BEFORE UPDATE OF status ON reservations FOR EACH ROW
     WHEN (NEW.status = 'COMMITTED' AND NEW.lines @> '[{"sku": "${sku}"}]') EXECUTE FUNCTION ${fault}('${sku}')`,
  );
  const removeFault = () =>
    suite.platform.query(
      'inventory',
      `DROP TRIGGER IF EXISTS ${fault} ON reservations; DROP FUNCTION IF EXISTS ${fault}(); DROP SEQUENCE IF EXISTS ${fault}`,
    );
  let close: (() => Promise<void>) | undefined;
  try {
    const placed = await suite.shop.checkout(customer, { items: [{ sku, quantity: 2 }] }, { wait: 1 });
    // Paid at the pivot: the answer does not wait for the stock's confirmation.
    expect({ status: placed.status, order: placed.body.status }).toEqual({ status: 201, order: 'PAID' });
    const id = placed.body.id;
    type Saga = {
      status: string;
      currentStep: string | null;
      attempt: number;
      timeline: { stepName: string; outcome: string; attempt: number; reason?: string }[];
    };
    const saga = async () => (await suite.shop.admin<Saga>('GET', `/admin/sagas/${id}`)).body;
    // The inventory service tries to sell and fails, and the first attempt's deadline passes with no reply.
    await eventually('confirmReservation timed out once', saga, (s) =>
      s.timeline.some((e) => e.stepName === 'confirmReservation' && e.outcome === 'timed-out'),
    );
    const refusedBefore = await refusals();
    expect(refusedBefore).toBeGreaterThanOrEqual(1);
    // Its 25 attempts would take about 100 minutes: each deadline is brought forward to now,
    // with the version bump the library makes on every write, and the orchestrator's sweeper
    // then times the attempt out, sends the next, and parks the saga when they run out.
    const parked = await eventually(
      'the saga parked after its attempts ran out',
      async () => {
        await suite.platform.query(
          'order',
          `UPDATE saga_instance SET deadline_at = now(), version = version + 1
           WHERE id = $1 AND status = 'RUNNING' AND deadline_at > now()`,
          [id],
        );
        return saga();
      },
      (s) => s.status === 'PARKED',
      90_000,
    );
    expect(parked.currentStep).toBe('confirmReservation');
    expect(parked.timeline.at(-1)).toMatchObject({
      stepName: 'confirmReservation',
      outcome: 'parked',
      reason: 'retries exhausted',
      attempt: 25,
    });
    // Parked after the pivot: charged and the order paid, the stock still held, nothing sold.
    const held = async () =>
      (
        await suite.platform.query<{ status: string; reserved: number; sold: number; stock: number }>(
          'inventory',
          `SELECT r.status, p.reserved, p.sold, p.stock_on_hand AS stock
           FROM reservations r JOIN products p ON p.sku = $2 WHERE r.order_id = $1`,
          [id, sku],
        )
      )[0];
    expect(await held()).toEqual({ status: 'RESERVED', reserved: 2, sold: 0, stock: 5 });
    // The later attempts reached the service and were refused too.
    expect(await refusals()).toBeGreaterThan(refusedBefore);
    expect(await suite.shop.wallet(customer)).toBe(10_000 - 2_400);
    expect((await suite.shop.admin<{ status: string }>('GET', `/admin/orders/${id}`)).body.status).toBe('PAID');

    await removeFault();
    const browser = await signedIn();
    close = browser.close;
    const { page, problems } = browser;
    await page.getByRole('link', { name: 'Stuck' }).click();
    const row = page.getByRole('table', { name: 'Parked' }).locator(`[data-saga="${id}"]`);
    await row.waitFor();
    await screenshot(page, 'console-stuck');
    await row.getByRole('link').click();
    await page.locator('[data-testid="saga-status"][data-status="PARKED"]').waitFor();
    await page.getByTestId('timeline').locator('g.mark.m-parked').waitFor();
    await screenshot(page, 'console-saga-parked');
    await page.getByRole('button', { name: 'Retry the parked saga' }).click();
    await page.locator('[data-testid="saga-status"][data-status="COMPLETED"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('timeline').locator('g.mark.m-redriven').waitFor();
    await page.getByTestId('timeline').locator('g.bar.o-succeeded[data-step="confirmReservation"]').waitFor();
    expect(await page.getByRole('button', { name: 'Retry the parked saga' }).count()).toBe(0);

    const done = await saga();
    expect(done.status).toBe('COMPLETED');
    const ends = done.timeline.map((e) => `${e.stepName} ${e.outcome}`);
    expect(ends.slice(ends.indexOf('confirmReservation parked'))).toEqual([
      'confirmReservation parked',
      'confirmReservation redriven',
      'confirmReservation dispatched',
      'confirmReservation succeeded',
      'redeemCoupon skipped',
      'redeemCoupon completed',
    ]);
    expect((await suite.shop.admin<{ status: string }>('GET', `/admin/orders/${id}`)).body.status).toBe('PAID');
    expect(await held()).toEqual({ status: 'COMMITTED', reserved: 0, sold: 2, stock: 3 });
    const [instance] = await suite.platform.query<{ status: string; deadline: Date | null }>(
      'order',
      'SELECT status, deadline_at AS deadline FROM saga_instance WHERE id = $1',
      [id],
    );
    expect(instance).toEqual({ status: 'COMPLETED', deadline: null });
    const statement = await suite.shop.admin<{ items: { kind: string; reference: string; amountCents: number }[] }>(
      'GET',
      `/admin/customers/${customer.id}/wallet/entries`,
    );
    expect(statement.body.items.filter((e) => e.reference === id)).toEqual([
      expect.objectContaining({ kind: 'CHARGE', amountCents: -2_400 }),
    ]);
    expect(await suite.shop.wallet(customer)).toBe(10_000 - 2_400);
    expect(problems.filter((p) => /Content Security Policy|page error/.test(p))).toEqual([]);
  } finally {
    await removeFault();
    await close?.();
  }
}, 150_000);

it('works on a phone, in Chinese, from the keyboard, every field with a label', async () => {
  const sku = await suite.shop.productWithStock(3, 800);
  const customer = await suite.shop.customerWithWallet(1_000);
  expect((await suite.shop.checkout(customer, { items: [{ sku, quantity: 1 }] })).body.status).toBe('PAID');
  const context = await newContext(chromium.browser, suite.platform.gatewayUrl, { locale: 'zh-CN', phone: true });
  const page = await context.newPage();
  const problems = watchPage(page);
  // Evaluated in the page (the tests are compiled without the DOM's types): the form controls
  // without an accessible name (a label, aria-label or aria-labelledby, a button's text).
  const unlabelled = () =>
    page.evaluate<string[]>(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
        || (el.tagName === 'BUTTON' && el.textContent.trim())))
      .map((el) => el.outerHTML.slice(0, 80))`);
  const fits = () => page.evaluate<number>('document.documentElement.scrollWidth');
  const focused = (property = 'textContent') => page.evaluate<string>(`document.activeElement.${property}`);
  try {
    await page.goto('/console');
    await page.getByRole('heading', { level: 1, name: '运营登录' }).waitFor();
    // The first stop of the keyboard is the skip link to the content.
    expect(await page.evaluate(`document.querySelector('a[href], button, input, select').textContent`)).toBe(
      '跳到正文',
    );
    // The page's heading has the focus (a screen reader announces it); the keyboard goes on
    // into the form, in order: email, password, the button.
    expect(await focused()).toBe('运营登录');
    await page.keyboard.press('Tab');
    expect(await focused('name')).toBe('email');
    await page.keyboard.type('operator@zhongtai.local');
    await page.keyboard.press('Tab');
    expect(await focused('name')).toBe('password');
    await page.keyboard.type('operator');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('登录');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Saga 列表' }).waitFor();
    expect(await focused()).toBe('Saga 列表');
    await page.getByTestId('sagas').waitFor();
    expect(await unlabelled()).toEqual([]);
    expect(await fits()).toBeLessThanOrEqual(390);
    await screenshot(page, 'console-phone-zh');

    // The navigation is reached and followed from the keyboard too.
    const nav = page.getByRole('navigation');
    await nav.getByRole('link', { name: '卡住的' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: '卡住的' }).waitFor();
    expect(await focused()).toBe('卡住的');
    for (const [link, check] of [
      ['卡住的', () => page.getByRole('heading', { level: 2, name: '已搁置' }).waitFor()],
      ['不变量', () => page.getByTestId('checks-money').locator('li').first().waitFor()],
      ['实时', () => page.locator('[data-counter="started"]').waitFor()],
      ['操作', () => page.getByRole('form', { name: '库存调整' }).waitFor()],
    ] as const) {
      await nav.getByRole('link', { name: link }).click();
      await check();
      expect({ link, unlabelled: await unlabelled(), overflows: (await fits()) > 390 }).toEqual({
        link,
        unlabelled: [],
        overflows: false,
      });
    }
    // A saga's page: its timeline scrolls inside its own box, the page does not.
    await page.goto('/console/sagas');
    await page.getByTestId('sagas').getByRole('link').first().click();
    await page.getByTestId('timeline').waitFor();
    expect(await fits()).toBeLessThanOrEqual(390);
    expect(problems.filter((p) => /Content Security Policy|page error/.test(p))).toEqual([]);
  } finally {
    await context.close();
  }
});

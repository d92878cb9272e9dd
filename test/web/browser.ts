import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's Chromium (scripts/install-chromium.sh installs it); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The headless Chromium of one suite, launched before its tests and closed after them, from a
 * fresh profile (Playwright gives each launch a new temporary user-data-dir and removes it on
 * close): no sandbox when run as root (CI), and nothing that reaches out of the machine (it has
 * no outside network).
 */
export function suiteBrowser(): { readonly browser: Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    const root = process.getuid?.() === 0;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        ...(root ? ['--no-sandbox'] : []),
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-gpu',
        '--disable-quic',
        '--disable-dev-shm-usage',
      ],
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get browser() {
      if (!browser) throw new Error('the browser is not launched (outside a test?)');
      return browser;
    },
  };
}

/** A new context (its own localStorage) with an English or Chinese browser, a phone or a desktop. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  options: { locale?: string; phone?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    locale: options.locale ?? 'en-GB',
    viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 900 },
    deviceScaleFactor: 1,
    isMobile: options.phone ?? false,
    hasTouch: options.phone ?? false,
  });
  // Pages answer within a second or two; a step that waits longer has failed.
  context.setDefaultTimeout(15_000);
  return context;
}

const SHOTS = resolve(__dirname, '../../docs/screenshots');

/**
 * With SCREENSHOTS=1, saves the page as docs/screenshots/<name>.png (the README shows them);
 * otherwise does nothing, so that normal runs leave the tree as it is.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** Page errors and failed requests seen by a page, for the tests to assert there were none. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

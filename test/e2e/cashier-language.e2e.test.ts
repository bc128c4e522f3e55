/**
 * Issue 13 item 6: the screens speak the cashier's language. Drives the main screens of the demo
 * store in Chromium, keyboard only, including the mistakes a new cashier makes (a discount larger
 * than the sale, a customer saved without a name), and scans every rendered text for what a
 * cashier should never read: amounts in cents, UUIDs, schema messages (zod's ✖ and "→ at"),
 * snake_case codes and search debug labels.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { offences } from './helpers/language';
import { login, openShiftIfAsked, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

let app: WebApp;
let browser: Browser;

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
  const page = browser.page;
  await page.goto(app.url);
  await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
  await page.keyboard.press('F9');
  await login(page, '2222');
  await openShiftIfAsked(page, '150');
});

afterEach(async (context) => {
  await screenshotOnFailure(browser?.page, context);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe("the cashier's language", () => {
  it('search hits say what they are, without debug labels', async () => {
    const page = browser.page;
    await typeHuman(page, 'running shoes');
    const results = page.locator('[data-testid="search-results"][data-query="running shoes"]');
    await results.getByRole('option').first().waitFor();
    expect(await offences(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.getByTestId('cart-line').first().waitFor();
    expect(await offences(page)).toEqual([]);
  });

  it('a discount larger than the sale is refused in money, not cents', async () => {
    const page = browser.page;
    await page.keyboard.press('F6');
    await page.getByTestId('discount-dialog').waitFor();
    await typeHuman(page, '99999');
    await page.keyboard.press('Enter');
    await page
      .getByText(/is more than/)
      .first()
      .waitFor();
    expect(await offences(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('discount-dialog').waitFor({ state: 'detached' });
  });

  it('a customer saved without a name gets a plain sentence', async () => {
    const page = browser.page;
    await page.keyboard.press('F3');
    await page.getByTestId('customer-panel').waitFor();
    await page.keyboard.press('Alt+N');
    await page.getByLabel('First name').waitFor();
    await page.keyboard.press('Enter');
    await page
      .getByText(/first name is required/i)
      .first()
      .waitFor();
    expect(await offences(page)).toEqual([]);
    await page.keyboard.press('Escape');
  });

  it('the sync, receipts and shift panels', async () => {
    const page = browser.page;
    for (const [key, testId] of [
      ['F7', 'receipts-panel'],
      ['F10', 'shift-panel'],
      ['F11', 'sync-panel'],
    ] as const) {
      await page.keyboard.press(key);
      await page.getByTestId(testId).waitFor();
      expect(await offences(page), testId).toEqual([]);
      await page.keyboard.press('Escape');
      await page.getByTestId(testId).waitFor({ state: 'detached' });
    }
  });
});

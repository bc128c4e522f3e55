/**
 * A price set by hand in Chromium, keyboard only (issue 18, item 2's till screen): Alt+P on the
 * chosen line; without a reason nothing changes; a cut beyond the store's limit (10 %) waits for
 * a manager's PIN; the cart shows the price and why, the receipt records it, and the X report
 * counts the line and what it took off the catalog price.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { centsOf, login, noticeMatching, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const [first] = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter((p) => p.isActive && p.barcode && p.priceCents > 2_000 && p.priceCents < 20_000);
if (!first?.barcode) throw new Error('the demo catalog has no products');
// 20 % off: beyond the cashier's 10 %, above the product's cost (45–65 % of its price).
const newCents = Math.round(first.priceCents * 0.8);
const typed = `${Math.floor(newCents / 100)}.${String(newCents % 100).padStart(2, '0')}`;

let app: WebApp;
let browser: Browser;

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
});

afterEach(async (context) => {
  await screenshotOnFailure(browser?.page, context);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const text = async (page: Page, testId: string): Promise<string> =>
  ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const focusedName = (page: Page, name: string) =>
  page.waitForFunction((n) => document.activeElement?.getAttribute('name') === n, name);

describe('a price set by hand, keyboard only', () => {
  it('needs a reason, waits for a manager beyond the limit, and is on the receipt and X', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    await scan(page, first.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    const before = await text(page, 'cart-total');

    // No reason: refused in words, the cart untouched.
    await page.keyboard.press('Alt+P');
    await page.getByTestId('price-dialog').waitFor();
    await focusedName(page, 'price');
    await page.keyboard.press('Control+A');
    await typeHuman(page, typed);
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /needs a reason/)).toBe(
      'A price set by hand needs a reason (Alt+1… or type one). The cart is unchanged.',
    );
    // A reason, but 20 % off is beyond the cashier's 10 %: the manager's PIN first.
    await page.keyboard.press('Alt+1');
    expect(await page.getByTestId('price-reason').inputValue()).toBe('Price match');
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /manager's PIN is required/)).toMatch(/more than 10% off/);
    await page.keyboard.press('Escape');
    await page.getByTestId('price-dialog').waitFor({ state: 'detached' });
    expect(await text(page, 'cart-total')).toBe(before);
    expect(await page.getByTestId('line-override').count()).toBe(0);

    await page.keyboard.press('Alt+P');
    await focusedName(page, 'price');
    await page.keyboard.press('Control+A');
    await typeHuman(page, typed);
    await page.keyboard.press('Alt+1');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await focusedName(page, 'managerPin');
    await typeHuman(page, '246810');
    await page.keyboard.press('Enter');
    await page.getByTestId('price-dialog').waitFor({ state: 'detached' });
    expect(await text(page, 'line-override')).toMatch(/^Price set by hand: Price match \(was \$/);
    expect(centsOf(await text(page, 'line-total'))).toBe(newCents);

    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await typeHuman(page, '500');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    expect(await text(page, 'receipt-override')).toMatch(/^Price set by hand \(Price match\), was/);
    await page.keyboard.press('Escape');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });

    await page.keyboard.press('F10');
    await page.getByTestId('report-overrides-count').waitFor();
    expect(await text(page, 'report-overrides-count')).toBe('1');
    expect(centsOf(await text(page, 'report-overrides'))).toBe(first.priceCents - newCents);
  });
});

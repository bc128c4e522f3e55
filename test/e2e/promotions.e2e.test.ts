/**
 * Promotions in Chromium, keyboard only (issue 18, item 4), on the demo store and its two
 * coupons (db/seed/chain.ts demoPromotions): an expired coupon is refused in words with the
 * cart untouched, an unknown one too; a valid one shows per line on the cart, lowers the total,
 * and the receipt shows the promotion per line and the coupon.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { centsOf, login, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const catalog = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter((p) => p.isActive && p.barcode && p.priceCents > 1_000 && p.priceCents < 20_000);
const [first] = catalog;
if (!first?.barcode) throw new Error('the demo catalog has no products');

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
  ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();

async function tryCoupon(page: Page, code: string): Promise<void> {
  await page.keyboard.press('Alt+C');
  await page.getByTestId('coupon-input').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'coupon');
  await typeHuman(page, code);
  await page.keyboard.press('Enter');
}

describe('coupons and promotions at the till, keyboard only', () => {
  it('refuses an expired or unknown coupon, applies a valid one per line, and prints it', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    await scan(page, first.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    const before = centsOf(await text(page, 'cart-total'));

    await tryCoupon(page, 'summer25');
    await page.getByTestId('coupon-error').waitFor();
    expect(await text(page, 'coupon-error')).toBe(
      'Coupon SUMMER25 expired on September 1, 2026. The sale is unchanged.',
    );
    await page.keyboard.press('Escape');
    await page.getByTestId('coupon-dialog').waitFor({ state: 'detached' });
    expect(centsOf(await text(page, 'cart-total'))).toBe(before);
    expect(await page.getByTestId('line-promotion').count()).toBe(0);

    await tryCoupon(page, 'NOSUCH');
    expect(await text(page, 'coupon-error')).toBe(
      'No coupon NOSUCH in this store. The sale is unchanged.',
    );
    await page.keyboard.press('Escape');
    await page.getByTestId('coupon-dialog').waitFor({ state: 'detached' });

    await tryCoupon(page, 'welcome10');
    await page.getByTestId('coupon-dialog').waitFor({ state: 'detached' });
    const off = Math.round(first.priceCents / 10);
    expect(await text(page, 'line-promotion')).toMatch(/^Welcome 10% off −\$/);
    expect(centsOf(await text(page, 'line-promotion'))).toBe(off);
    expect(await text(page, 'cart-coupons')).toBe('WELCOME10');
    expect(centsOf(await text(page, 'cart-total'))).toBeLessThan(before);

    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await typeHuman(page, '500');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    expect(centsOf(await text(page, 'receipt-promotion'))).toBe(off);
    expect(await text(page, 'receipt-promotion')).toMatch(/^Welcome 10% off/);
    expect(await text(page, 'receipt-coupons')).toBe('WELCOME10');
  });
});

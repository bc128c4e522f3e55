/**
 * Loyalty points on the receipt in Chromium, keyboard only (issue 18, item 6): a sale with a
 * customer attached (F3) shows the points it earns, one per whole currency unit of its total
 * without tax; the same sale without a customer shows none.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

let app: WebApp;
let browser: Browser;

const product = generateCatalog({ seed: DEFAULT_SEED.seed, products: DEFAULT_SEED.products }).find(
  (p) => p.isActive && p.barcode && p.priceCents >= 1_000,
);
if (!product?.barcode) throw new Error('the demo catalog has no product of $10 or more');

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

/** Scan the product twice and pay cash to the next round $100; the receipt is on screen. */
async function sellAndPay(): Promise<void> {
  const page = browser.page;
  await scan(page, product!.barcode as string);
  await scan(page, product!.barcode as string);
  // Both scans in the cart before the total is read (a second scan of a line adds to its quantity).
  await page.waitForFunction(
    () => document.querySelector('[data-testid="line-qty"]')?.textContent?.trim() === '2',
  );
  const total = centsOf((await page.getByTestId('cart-total').textContent()) ?? '');
  await page.keyboard.press('F12');
  await page.getByTestId('cash-input').waitFor();
  await typeHuman(page, String(Math.ceil((total + 1) / 10_000) * 100));
  await page.keyboard.press('Enter');
  await page.getByTestId('receipt-view').waitFor();
}

describe('loyalty points on the receipt, keyboard only', () => {
  it('a sale with a customer shows the points it earns; without one, none', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    // A new customer, attached to the sale (F3, Alt+N).
    await page.keyboard.press('F3');
    await page.getByTestId('customer-panel').waitFor();
    await page.keyboard.press('Alt+N');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'firstName');
    await typeHuman(page, 'Ada');
    await page.keyboard.press('Tab');
    await typeHuman(page, 'Pointsworth');
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });
    expect(await page.getByTestId('customer-chip').textContent()).toContain('Ada Pointsworth');

    await sellAndPay();
    const total = centsOf((await page.getByTestId('receipt-total').textContent()) ?? '');
    const tax = centsOf((await page.getByTestId('receipt-tax').textContent()) ?? '');
    const points = Math.floor((total - tax) / 100);
    expect(points).toBeGreaterThanOrEqual(20);
    expect(await page.getByTestId('receipt-points').textContent()).toBe(String(points));
    expect(await page.getByTestId('receipt').textContent()).toContain('Points earned');
    await page.keyboard.press('Enter'); // new sale
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });

    // The next sale starts without a customer: no points.
    expect(await page.getByTestId('customer-chip').textContent()).toContain('No customer');
    await sellAndPay();
    expect(await page.getByTestId('receipt-points').count()).toBe(0);
  });
});

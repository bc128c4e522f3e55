/**
 * A tax-exempt sale in Chromium, keyboard only (issue 18, item 3's till screen): Alt+T without
 * a customer says to attach one first; with the customer attached (F3), the cashier types the
 * exemption reference, the cart's tax shows as exempt and the total drops by the tax; the sale
 * is recorded without tax and the receipt carries the reference.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chainCategoryTaxRates, DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { centsOf, login, noticeMatching, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

// A product taxed in the demo store (some categories are not taxed there).
const untaxed = new Set(
  chainCategoryTaxRates()
    .filter((r) => r.taxRatePpm === 0)
    .map((r) => r.categoryId),
);
const catalog = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter(
  (p) =>
    p.isActive &&
    p.barcode &&
    p.priceCents > 1_000 &&
    p.priceCents < 20_000 &&
    !untaxed.has(p.categoryId ?? -1),
);
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

describe('a tax-exempt customer, keyboard only', () => {
  it('needs the customer, then sells without tax and prints the reference', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    await scan(page, first.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    const taxed = centsOf(await text(page, 'cart-total'));

    await page.keyboard.press('Alt+T');
    expect(await noticeMatching(page, /needs the customer/)).toBe(
      'A tax-exempt sale needs the customer: attach the customer first (F3)',
    );

    await page.keyboard.press('F3');
    await page.getByTestId('customer-panel').waitFor();
    await page.keyboard.press('Alt+N');
    await page.getByLabel('First name').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'firstName');
    await typeHuman(page, 'Grace');
    await page.keyboard.press('Tab');
    await typeHuman(page, 'Hopper');
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });

    await page.keyboard.press('Alt+T');
    await page.getByTestId('tax-exempt-input').waitFor();
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('name') === 'taxExemptReference',
    );
    await typeHuman(page, 'EX-4471');
    await page.keyboard.press('Enter');
    await page.getByTestId('tax-exempt-dialog').waitFor({ state: 'detached' });
    expect(await text(page, 'tax-exempt')).toBe('Exempt (EX-4471)');
    const exempt = centsOf(await text(page, 'cart-total'));
    expect(exempt).toBe(first.priceCents);
    expect(exempt).toBeLessThan(taxed);

    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await typeHuman(page, '500');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    expect(centsOf(await text(page, 'receipt-total'))).toBe(first.priceCents);
    expect(await text(page, 'receipt-tax-exempt')).toBe('Tax exempt: EX-4471');
  });
});

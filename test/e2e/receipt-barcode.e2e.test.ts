/**
 * The receipt's barcode (issue 13, item 1): every receipt carries its number as a Code 128
 * barcode, and the returns screen (F9) takes it from a scanner (keyboard wedge). The barcode
 * is read back from the page's SVG by an independent decoder, then "scanned" at scanner pace.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { decodeCode128 } from '../fixtures/code128-decode';
import { login, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const product = generateCatalog({ seed: DEFAULT_SEED.seed, products: DEFAULT_SEED.products }).find(
  (p) => p.isActive && p.barcode && p.priceCents < 20_000,
);
if (!product?.barcode) throw new Error('the demo catalog has no products');

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

describe('the receipt barcode', () => {
  it('prints the receipt number as Code 128, and the returns screen takes it from a scanner', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '246810');
    await openShiftIfAsked(page, '100');
    await scan(page, product.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await typeHuman(page, '200');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();

    const number = ((await page.getByTestId('receipt-number').textContent()) ?? '').trim();
    const barcode = page.getByTestId('receipt-barcode');
    expect(await barcode.getAttribute('data-value')).toBe(number);
    // The bars as drawn (the white background rect is the first), read as a scanner would.
    const bars = await barcode.evaluate((svg) =>
      [...svg.querySelectorAll('rect')]
        .filter((r) => r.getAttribute('fill') === '#000')
        .map((r) => ({ x: Number(r.getAttribute('x')), width: Number(r.getAttribute('width')) })),
    );
    const read = decodeCode128(bars);
    expect(read).toBe(number);
    // Drawn at a size a scanner reads: the narrowest bar at least 1 CSS pixel wide.
    const box = await barcode.boundingBox();
    const modules = Number((await barcode.getAttribute('viewBox'))?.split(' ')[2]);
    expect(box && box.width / modules).toBeGreaterThanOrEqual(1);
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });

    await page.keyboard.press('F9');
    await page.getByTestId('returns-screen').waitFor();
    await scan(page, read);
    await page.getByTestId('return-line').first().waitFor();
    expect(await page.getByTestId('return-receipt').inputValue()).toBe(number);
    expect(await page.getByTestId('return-line').first().getAttribute('data-sku')).toBe(
      product.sku,
    );
  });
});

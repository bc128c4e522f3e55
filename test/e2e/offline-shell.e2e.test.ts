/**
 * Issue 13, item 8: a browser till reloads while the launcher that served it is down. The
 * build's service worker (electron/launch/offline-shell.ts) keeps the page's files; the till's
 * data was always in the browser (PGlite in IndexedDB). Keyboard only, as a cashier would.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { login, openShiftIfAsked, scan, startDemoTill } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

let app: WebApp | undefined;
let browser: Browser;

const product = generateCatalog({ seed: DEFAULT_SEED.seed, products: DEFAULT_SEED.products }).find(
  (p) => p.isActive && p.barcode,
);
if (!product?.barcode) throw new Error('the demo catalog has no products');

async function sellOne(page: Browser['page']): Promise<string> {
  await scan(page, product!.barcode as string);
  await page.locator(`[data-testid="cart-line"][data-sku="${product!.sku}"]`).waitFor();
  await page.keyboard.press('F12');
  await page.getByTestId('cash-input').waitFor();
  await page.keyboard.press('F12');
  await page.getByTestId('receipt-view').waitFor();
  return (await page.getByTestId('receipt-number').textContent()) ?? '';
}

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

describe('the browser till without its launcher', () => {
  it('reloads from its kept files and keeps selling while the launcher is down', async () => {
    const page = browser.page;
    const url = app!.url;
    await startDemoTill(page, url);
    expect(await sellOne(page)).toBe('SEATTLE-R01-000001');
    // The page's files are kept once the offline shell controls the page.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 120_000,
    });

    // The launcher stops: its server is gone and so is the build it served.
    await app!.close();
    app = undefined;
    await expect(fetch(url)).rejects.toThrow();

    await page.reload();
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    expect(await sellOne(page)).toBe('SEATTLE-R01-000002');
  });
});

/**
 * Durability of the browser till: the sale journal is in IndexedDB before the receipt shows, a
 * tab closed right after a sale loses nothing (the next tab gets the sale back, from PGlite's
 * pages or from the journal), receipt numbers never repeat, and a second tab is refused while
 * the first one owns the till.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { login, openShiftIfAsked, scan } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

let app: WebApp;
let browser: Browser;
let firstReceipt = '';

const catalog = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter((p) => p.isActive && p.barcode);
const product = catalog[7];
if (!product?.barcode) throw new Error('the demo catalog has no products');
const item = { sku: product.sku, barcode: product.barcode };

/** Mutations in the browser's sale journal (IndexedDB), by type. */
async function journal(page: Browser['page']): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('edge-pos-till-journal');
        open.onerror = () => reject(new Error('cannot open the journal'));
        open.onsuccess = () => {
          const request = open.result
            .transaction('mutations', 'readonly')
            .objectStore('mutations')
            .getAll();
          request.onsuccess = () => {
            resolve((request.result as Array<{ type: string }>).map((m) => m.type));
            open.result.close();
          };
          request.onerror = () => reject(new Error('cannot read the journal'));
        };
      }),
  );
}

async function sellOne(page: Browser['page']): Promise<string> {
  await scan(page, item.barcode);
  await page.locator(`[data-testid="cart-line"][data-sku="${item.sku}"]`).waitFor();
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
  if (browser) {
    if (process.env.EDGE_POS_E2E_LOGS) console.log(browser.logs.join('\n'));
    await browser.close();
  }
  await app?.close();
});

describe('the browser till keeps every sale', () => {
  it('journals the sale in IndexedDB before the receipt shows', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    firstReceipt = await sellOne(page);
    expect(firstReceipt).toBe('SEATTLE-R01-000001');
    expect(await journal(page)).toEqual(['shift.opened', 'sale.recorded']);
  });

  it('refuses a second tab while the first owns the till', async () => {
    const second = await browser.context.newPage();
    try {
      await second.goto(app.url);
      const fatal = second.getByTestId('fatal');
      await fatal.waitFor({ timeout: 30_000 });
      expect(await fatal.textContent()).toContain('already open in another tab');
    } finally {
      await second.close();
    }
  });

  it('gets the sale back in a new tab after the first closed at once, and never reuses its number', async () => {
    await browser.page.close({ runBeforeUnload: false });
    const page = await browser.context.newPage();
    browser.page = page;
    await page.goto(app.url);
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    await page.keyboard.press('F7');
    await page.getByTestId('receipts-panel').waitFor();
    await page.locator('.table tbody tr').first().waitFor();
    expect(await page.locator('.table tbody tr td:first-child').allTextContents()).toContain(
      firstReceipt,
    );
    await page.keyboard.press('Escape');
    await page.getByTestId('receipts-panel').waitFor({ state: 'detached' });
    expect(await sellOne(page)).toBe('SEATTLE-R01-000002');
    await page.keyboard.press('Enter');
    expect(await page.getByTestId('pending-sales').textContent()).toBe('2 pending sales');
  });
});

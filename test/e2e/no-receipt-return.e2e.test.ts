/**
 * A return without a receipt (issue 13, item 1), keyboard only on the demo store: at the
 * returns screen F6, the item scanned, a reason by Alt+1, the refund in cash (the store's
 * policy), and a manager's PIN — refused without it, then refunded with the money prompt.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

describe('a return without a receipt', () => {
  it('needs a manager, a reason and the store policy, then says what to give back', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    await page.keyboard.press('F9');
    await page.getByTestId('returns-screen').waitFor();
    await page.keyboard.press('F6');
    await page.getByTestId('no-receipt-return').waitFor();
    await scan(page, product.barcode as string);
    await page.getByTestId('no-receipt-item').first().waitFor();
    expect(await page.getByTestId('no-receipt-item').first().textContent()).toContain(
      product.productName,
    );
    await page.keyboard.press('Alt+1');
    const headline = page.getByTestId('no-receipt-headline');
    await page.waitForFunction(() =>
      document
        .querySelector('[data-testid="no-receipt-headline"]')
        ?.textContent?.includes('Refund due'),
    );
    const refund = centsOf((await headline.textContent()) ?? '');
    expect(refund).toBeGreaterThanOrEqual(product.priceCents);
    expect(await headline.textContent()).toMatch(
      /^Refund due — give the customer \$[\d,.]+ in cash$/,
    );

    // Without the manager's PIN nothing is refunded.
    await page.keyboard.press('Enter');
    await noticeMatching(page, /manager/i);
    expect(await page.getByTestId('receipt-view').count()).toBe(0);

    // Tab to the PIN (keyboard only), the manager types it, Enter refunds.
    for (let i = 0; i < 6; i++) {
      const at = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      if (at === 'no-receipt-pin') break;
      await page.keyboard.press('Tab');
    }
    await typeHuman(page, '246810');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    const prompt = (await page.getByTestId('money-headline').textContent()) ?? '';
    expect(prompt).toMatch(/^Refund due — give the customer \$[\d,.]+ in cash$/);
    expect(centsOf(prompt)).toBe(refund);
    expect(await page.getByTestId('receipt').textContent()).toContain('Gift without a receipt');
  });
});

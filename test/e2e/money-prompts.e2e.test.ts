/**
 * Money prompts at the moment cash changes hands (issue 13, item 4), keyboard only on the demo
 * store: the sale says the change to give, a cash refund headlines "Refund due — give the
 * customer $…", a void says to hand the money back, a reprint keeps the Change line (the
 * tenders add up), and the Z report's over/short has a sign and a word.
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
}).filter((p) => p.isActive && p.barcode && p.priceCents < 20_000);
const [first, second] = catalog;
if (!first?.barcode || !second?.barcode) throw new Error('the demo catalog has no products');

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

/** Sell one item for cash (tendered $200) and return the receipt number and the total. */
async function cashSale(page: Page, barcode: string): Promise<{ number: string; total: number }> {
  await scan(page, barcode);
  await page.getByTestId('cart-line').first().waitFor();
  const total = centsOf(await text(page, 'cart-total'));
  await page.keyboard.press('F12');
  await page.getByTestId('cash-input').waitFor();
  await typeHuman(page, '200');
  await page.keyboard.press('Enter');
  await page.getByTestId('receipt-view').waitFor();
  return { number: await text(page, 'receipt-number'), total };
}

let sale: { number: string; total: number };

describe('money prompts say who gives what to whom, keyboard only', () => {
  it('a sale: the change to give the customer, on screen and on the receipt', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '246810');
    await openShiftIfAsked(page, '100');
    sale = await cashSale(page, first.barcode as string);
    const change = 20_000 - sale.total;
    expect(await text(page, 'money-headline')).toMatch(/^Change due — give the customer \$/);
    expect(centsOf(await text(page, 'money-headline'))).toBe(change);
    expect(centsOf(await text(page, 'receipt-change'))).toBe(change);
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
  });

  it('a reprint keeps the Change line: cash tendered − change = total', async () => {
    const page = browser.page;
    await page.keyboard.press('F7');
    await page.getByTestId('receipts-panel').waitFor();
    await typeHuman(page, sale.number);
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    // A reprint moves no money: no headline, but the receipt is the same as the first print.
    expect(await page.getByTestId('money-headline').count()).toBe(0);
    const tendered = centsOf(await text(page, 'receipt-cash'));
    const change = centsOf(await text(page, 'receipt-change'));
    expect(tendered).toBe(20_000);
    expect(tendered - change).toBe(centsOf(await text(page, 'receipt-total')));
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
  });

  it('a cash refund headlines the refund due, not a change of $0.00', async () => {
    const page = browser.page;
    await page.keyboard.press('F9');
    await page.getByTestId('return-receipt').waitFor();
    await typeHuman(page, sale.number);
    await page.keyboard.press('Enter');
    await page.getByTestId('return-qty').first().waitFor();
    await typeHuman(page, '1');
    await page.getByTestId('refund-total').waitFor();
    const refund = centsOf(await text(page, 'refund-total'));
    expect(refund).toBe(sale.total);
    expect(await text(page, 'refund-headline')).toMatch(/^Refund due — give the customer \$/);
    // F12 asks first (issue 13, item 8): what goes back to whom; Enter refunds.
    await page.keyboard.press('F12');
    const confirm = page.getByRole('dialog', { name: 'Refund now?' });
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain(await text(page, 'refund-headline'));
    expect(await page.getByTestId('receipt-view').count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    const headline = await text(page, 'money-headline');
    expect(headline).toMatch(/^Refund due — give the customer \$[\d,.]+ in cash$/);
    expect(centsOf(headline)).toBe(refund);
    expect(headline).not.toMatch(/Change/);
    expect(centsOf(await text(page, 'receipt-cash'))).toBe(refund);
    expect(await text(page, 'receipt-cash-label')).toBe('Cash refunded');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
  });

  it('a void says to hand the money back', async () => {
    const page = browser.page;
    const voided = await cashSale(page, second.barcode as string);
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
    await page.keyboard.press('F8');
    await page.getByTestId('void-panel').waitFor();
    await page.keyboard.press('Tab');
    await typeHuman(page, 'Rung up by mistake');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    const headline = await text(page, 'money-headline');
    expect(headline).toMatch(/^Voided — give the customer back \$[\d,.]+ in cash$/);
    expect(centsOf(headline)).toBe(voided.total);
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
  });

  it("the Z report's over/short has a sign and says over or short", async () => {
    const page = browser.page;
    await page.keyboard.press('F10');
    await page.getByTestId('shift-panel').waitFor();
    await page.getByTestId('report-expected').waitFor();
    const expected = centsOf(await text(page, 'report-expected'));
    await page.keyboard.press('Alt+Z');
    await page.getByTestId('counted-input').waitFor();
    await typeHuman(page, ((expected + 125) / 100).toFixed(2));
    await page.keyboard.press('Enter');
    await page.getByTestId('z-report').waitFor();
    expect(await text(page, 'report-over-short')).toBe('+$1.25 over');
    expect(await text(page, 'z-over-short-headline')).toBe(
      'The drawer holds $1.25 more than expected',
    );
  });
});

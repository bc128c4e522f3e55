/**
 * The other cashier flows in Chromium, keyboard only, on the demo store: search-as-you-type,
 * a discount above the cashier's limit (manager PIN), a customer created and attached, hold and
 * recall, a split card + cash payment, a void with a reason, and a reprint.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import {
  cartLines,
  centsOf,
  login,
  noticeMatching,
  openShiftIfAsked,
  scan,
  typeHuman,
} from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

let app: WebApp;
let browser: Browser;
let receiptNumber = '';

const catalog = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter((p) => p.isActive && p.barcode);
const item = catalog[5];
if (!item?.barcode) throw new Error('the demo catalog has no products');

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
  if (browser) {
    if (process.env.EDGE_POS_E2E_LOGS) console.log(browser.logs.join('\n'));
    await browser.close();
  }
  await app?.close();
});

const cartTotal = async (): Promise<number> =>
  centsOf((await browser.page.getByTestId('cart-total').textContent()) ?? '');

describe('cashier flows, keyboard only', () => {
  it('finds a product by typing and adds the highlighted result with Enter', async () => {
    const page = browser.page;
    await typeHuman(page, 'running shoes');
    const results = page.locator('[data-testid="search-results"][data-query="running shoes"]');
    await results.waitFor();
    const first = results.getByRole('option').first();
    const name = (await first.locator('.hit-name').textContent()) ?? '';
    expect(name).toMatch(/Running Shoes/i);
    await page.keyboard.press('Enter');
    await page.getByTestId('cart-line').first().waitFor();
    expect(await page.getByTestId('cart-line').first().textContent()).toContain(name);
    expect(await page.getByTestId('scan-input').inputValue()).toBe('');
  });

  it('asks for a manager PIN for a discount above the cashier limit, and refuses a wrong one', async () => {
    const page = browser.page;
    const before = await cartTotal();
    await page.keyboard.press('F6');
    await page.getByTestId('discount-input').waitFor();
    await typeHuman(page, '50%');
    await page.getByTestId('manager-pin').waitFor();
    await page.keyboard.press('Tab');
    await typeHuman(page, '1234');
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /Wrong PIN/)).toBeTruthy();
    expect(await cartTotal()).toBe(before); // untouched
    await typeHuman(page, '246810');
    await page.keyboard.press('Enter');
    await page.getByTestId('discount-dialog').waitFor({ state: 'detached' });
    const after = await cartTotal();
    expect(Math.abs(after - Math.round(before / 2))).toBeLessThanOrEqual(1);
  });

  it('creates a customer and attaches them to the sale', async () => {
    const page = browser.page;
    await page.keyboard.press('F3');
    await page.getByTestId('customer-panel').waitFor();
    await page.keyboard.press('Alt+N');
    await page.getByLabel('First name').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'firstName');
    await typeHuman(page, 'Ada');
    await page.keyboard.press('Tab');
    await typeHuman(page, 'Lovelace');
    await page.keyboard.press('Tab');
    await typeHuman(page, 'ada@example.com');
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });
    expect(await page.getByTestId('customer-chip').textContent()).toContain('Ada Lovelace');
  });

  it('holds the sale with its customer, serves someone else, and recalls both', async () => {
    const page = browser.page;
    const held = await cartLines(page);
    const heldTotal = await cartTotal();
    await page.keyboard.press('F4');
    await page.getByTestId('hold-dialog').waitFor();
    await typeHuman(page, 'Ada, fitting room');
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /Held as "Ada, fitting room"/)).toBeTruthy();
    expect(await cartLines(page)).toEqual([]);
    expect(await page.getByTestId('customer-chip').textContent()).toContain('No customer');

    await page.keyboard.press('F4');
    await page.getByTestId('recall-panel').waitFor();
    await page.getByRole('option').first().waitFor();
    // The customer was parked with the cart, and the list says whose it is.
    expect(await page.getByRole('option').first().textContent()).toContain('Ada Lovelace');
    await page.keyboard.press('Enter');
    await page.getByTestId('recall-panel').waitFor({ state: 'detached' });
    expect(await cartLines(page)).toEqual(held);
    expect(await cartTotal()).toBe(heldTotal);
    expect(await page.getByTestId('customer-chip').textContent()).toContain('Ada Lovelace');
  });

  it('takes a split payment (card, then exact cash) after the manager approves the recalled discount', async () => {
    const page = browser.page;
    await scan(page, item.barcode as string);
    await page.locator(`[data-testid="cart-line"][data-sku="${item.sku}"]`).waitFor();
    const total = await cartTotal();
    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await page.keyboard.press('Tab');
    await typeHuman(page, '10');
    await page.keyboard.press('F12'); // exact cash for the rest
    // The recalled cart carries a 50% line discount: the till asks for the manager again.
    const pin = page.getByTestId('pay-manager-pin');
    await pin.waitFor();
    await typeHuman(page, '246810');
    await page.keyboard.press('F12');
    await page.getByTestId('receipt-view').waitFor();
    expect(centsOf((await page.getByTestId('receipt-total').textContent()) ?? '')).toBe(total);
    const text = (await page.getByTestId('receipt').textContent()) ?? '';
    expect(text).toMatch(/Card/);
    expect(text).toMatch(/Cash/);
    receiptNumber = (await page.getByTestId('receipt-number').textContent()) ?? '';
    await page.keyboard.press('Enter');
  });

  it('voids that sale with a reason and a manager PIN, then reprints it marked VOIDED', async () => {
    const page = browser.page;
    await page.keyboard.press('F8');
    await page.getByTestId('void-panel').waitFor();
    expect(await page.getByLabel('Receipt number').inputValue()).toBe(receiptNumber);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Alt+2'); // one of the common reasons
    expect(await page.getByLabel('Reason').inputValue()).toBe('Rung up by mistake');
    await page.keyboard.press('Tab');
    await typeHuman(page, '246810');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    expect(await page.getByTestId('receipt').textContent()).toContain('VOIDED: Rung up by mistake');
    expect(
      await noticeMatching(page, new RegExp(`Receipt ${receiptNumber} was voided`)),
    ).toBeTruthy();
    await page.keyboard.press('Enter');

    await page.keyboard.press('F7');
    await page.getByTestId('receipts-panel').waitFor();
    await page.locator('.table tbody tr').first().waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    expect(await page.getByTestId('receipt-number').textContent()).toBe(receiptNumber);
    expect(await page.getByTestId('receipt').textContent()).toContain('VOIDED: Rung up by mistake');
  });
});

/**
 * Function keys inside dialogs (issue 13, item 8), keyboard only on the demo store: in every
 * dialog a function key means what it means on the checkout screen (F12 pay, F10 shift, F11
 * sync) or nothing — never another action, never the screen behind — and Esc closes the
 * dialog with no side effect (the cart stays, nothing is paid or recorded). Before the fix the
 * shift panel took F5/F6/F7 for its X report, cash and close views, the payment F11 for "card
 * for the rest", and the sync panel F5 for "sync now".
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { cartLines, login, noticeMatching, openShiftIfAsked, scan } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const [item] = generateCatalog({ seed: DEFAULT_SEED.seed, products: DEFAULT_SEED.products }).filter(
  (p) => p.isActive && p.barcode && p.priceCents < 20_000,
);
if (!item?.barcode) throw new Error('the demo catalog has no products');

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

const F_KEYS = Array.from({ length: 12 }, (_, i) => `F${i + 1}`);

/** Press each key with the dialog open: it stays the only dialog, and the cart is unchanged. */
async function pressInside(page: Page, dialog: string, keys: readonly string[]): Promise<void> {
  const cart = await cartLines(page);
  for (const key of keys) {
    await page.keyboard.press(key);
    // Let whatever the key would do happen before looking.
    await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
    expect({ key, dialogs: await page.locator('[role="dialog"]').count() }).toEqual({
      key,
      dialogs: 1,
    });
    expect(await page.getByTestId(dialog).count()).toBe(1);
  }
  expect(await cartLines(page)).toEqual(cart);
}

/** Esc closes the dialog and leaves the sale as it was. */
async function escapeFrom(page: Page, dialog: string): Promise<void> {
  const cart = await cartLines(page);
  await page.keyboard.press('Escape');
  await page.getByTestId(dialog).waitFor({ state: 'detached' });
  expect(await page.locator('[role="dialog"]').count()).toBe(0);
  expect(await cartLines(page)).toEqual(cart);
}

describe('function keys inside dialogs, keyboard only', () => {
  it('the shift panel: function keys do nothing there; Alt+X / Alt+I / Alt+O / Alt+Z choose the view', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    await scan(page, item.barcode!);
    await page.getByTestId('cart-line').first().waitFor();

    await page.keyboard.press('F10');
    await page.getByTestId('shift-panel').waitFor();
    await page.getByTestId('report-net').waitFor();
    await pressInside(page, 'shift-panel', F_KEYS);
    // Still the X report: no cash form, no close form opened behind the keys.
    expect(await page.getByTestId('cash-direction').count()).toBe(0);
    expect(await page.getByTestId('counted-input').count()).toBe(0);
    expect(await page.getByTestId('report-net').count()).toBe(1);

    await page.keyboard.press('Alt+O');
    await page.locator('[data-testid="cash-direction"][data-kind="out"]').waitFor();
    await page.keyboard.press('Alt+Z');
    await page.getByTestId('counted-input').waitFor();
    await page.keyboard.press('Alt+X');
    await page.getByTestId('report-net').waitFor();
    await escapeFrom(page, 'shift-panel');
  });

  it('the payment: F12 pays as on the screen, other function keys do nothing; Esc pays nothing', async () => {
    const page = browser.page;
    await page.keyboard.press('F12');
    await page.getByTestId('pay-panel').waitFor();
    await pressInside(
      page,
      'pay-panel',
      F_KEYS.filter((k) => k !== 'F12'),
    );
    expect(await page.getByTestId('card-input').inputValue()).toBe('');
    expect(await page.getByTestId('cash-input').inputValue()).toBe('');
    await page.keyboard.press('Alt+K'); // the rest on card, by a letter key
    expect(await page.getByTestId('card-input').inputValue()).not.toBe('');
    await escapeFrom(page, 'pay-panel');
    expect(await page.getByTestId('receipt-view').count()).toBe(0);
  });

  it('the sync panel: F11 syncs as on the screen, F5 and the rest do nothing', async () => {
    const page = browser.page;
    await page.keyboard.press('F11');
    await page.getByTestId('sync-panel').waitFor();
    await pressInside(
      page,
      'sync-panel',
      F_KEYS.filter((k) => k !== 'F11'),
    );
    const synced = page.getByTestId('notice').filter({ hasText: /HQ not reachable|Synced/ });
    expect(await synced.count()).toBe(0);
    await page.keyboard.press('F11');
    expect(await noticeMatching(page, /HQ not reachable|Synced/)).toBeTruthy();
    await escapeFrom(page, 'sync-panel');
  });

  it('every other dialog swallows the function keys and closes on Esc', async () => {
    const page = browser.page;
    const dialogs: Array<[string, string]> = [
      ['F1', 'help-panel'],
      ['F3', 'customer-panel'],
      ['F4', 'hold-dialog'],
      ['F5', 'quantity-dialog'],
      ['F6', 'discount-dialog'],
      ['Alt+C', 'coupon-dialog'],
      ['F7', 'receipts-panel'],
      ['F8', 'void-panel'],
      ['Alt+S', 'no-sale-dialog'],
    ];
    for (const [open, dialog] of dialogs) {
      await page.keyboard.press(open);
      await page.getByTestId(dialog).waitFor();
      await pressInside(page, dialog, F_KEYS);
      await escapeFrom(page, dialog);
    }
    // Nothing was recorded behind the dialogs: the shift has no sale and no no-sale.
    await page.keyboard.press('F10');
    await page.getByTestId('report-sales-count').waitFor();
    expect(await page.getByTestId('report-sales-count').textContent()).toBe('0');
    expect(await page.getByTestId('report-no-sales-count').textContent()).toBe('0');
    await escapeFrom(page, 'shift-panel');
  });
});

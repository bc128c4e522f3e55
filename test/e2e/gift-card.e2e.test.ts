/**
 * Gift cards and store credit at the payment, in Chromium, keyboard only (issue 18, item 1), on
 * the demo till's cards (db/seed/chain.ts DEMO_CARDS: a $50.00 gift card, $25.00 of store
 * credit, a gift card that expired at the end of 2025, each this register's allowance). An
 * unknown card, an expired one and an amount above what the card holds here are refused in
 * words with the cart and the payment untouched; a scanned card pays part of the sale and cash
 * the rest; the receipt names the card; the next sale sees what is left of the allowance.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_SEED, DEMO_CARDS } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { centsOf, scan, startDemoTill, typeHuman } from './helpers/pos';
import { offences } from './helpers/language';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

// A product above the gift card's $50.00, so the card pays part and cash the rest.
const product = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).find((p) => p.isActive && p.barcode && p.priceCents > 6_000 && p.priceCents < 15_000);
if (!product?.barcode) throw new Error('the demo catalog has no product between $60 and $150');

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
  ((await page.getByTestId(testId).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Type a card number into the card step (replacing what is there) and press Enter. */
async function typeCard(page: Page, number: string): Promise<void> {
  const field = page.getByTestId('card-number-input');
  await field.waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'cardNumber');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await typeHuman(page, number);
  await page.keyboard.press('Enter');
}

async function cardError(page: Page): Promise<string> {
  await page.getByTestId('card-error').waitFor();
  return text(page, 'card-error');
}

describe('gift cards and store credit at the payment, keyboard only', () => {
  it('refuses bad cards in words, splits a sale between a scanned card and cash, and counts what is left', async () => {
    const page = browser.page;
    await startDemoTill(page, app.url);
    await scan(page, product.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    const total = centsOf(await text(page, 'cart-total'));

    // Alt+G from the cart opens the payment at its card step.
    await page.keyboard.press('Alt+G');
    await page.getByTestId('pay-panel').waitFor();
    await typeCard(page, '1234 5678 90');
    expect(await cardError(page)).toBe(
      'Card ••••7890 is not known at this till: check the number, or take another tender. The payment is unchanged.',
    );
    await typeCard(page, DEMO_CARDS.expired);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid="card-error"]')?.textContent?.includes('••••0099'),
    );
    expect(await cardError(page)).toBe(
      'Gift card ••••0099 expired on December 31, 2025: take another tender. The payment is unchanged.',
    );
    expect(await offences(page)).toEqual([]);

    // Scanned: the till says what it can take offline, in dollars, and offers it all.
    await scan(page, DEMO_CARDS.giftCard);
    await page.getByTestId('card-available').waitFor();
    expect(await text(page, 'card-available')).toBe(
      'Gift card ••••0042 $50.00 to spend at this till',
    );
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'cardAmount');
    expect(await page.getByTestId('card-amount-input').inputValue()).toBe('50.00');
    await page.keyboard.press('Control+A');
    await typeHuman(page, '60');
    await page.keyboard.press('Enter');
    expect(await cardError(page)).toBe(
      'Gift card ••••0042 has $50.00 to spend at this till; $60.00 is more. The payment is unchanged.',
    );
    // Esc leaves the card step and then the payment: nothing was taken, the cart is as it was.
    await page.keyboard.press('Escape');
    await page.getByTestId('card-dialog').waitFor({ state: 'detached' });
    expect(await page.getByTestId('pay-stored-value').count()).toBe(0);
    await page.keyboard.press('Escape');
    await page.getByTestId('pay-panel').waitFor({ state: 'detached' });
    expect(centsOf(await text(page, 'cart-total'))).toBe(total);

    // F12 then Alt+G in the payment (its key bar lists it): $20.00 from the card, cash the rest.
    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    const keyBar = page.getByRole('navigation', { name: 'Keyboard shortcuts' });
    expect(await keyBar.textContent()).toContain('Gift card / store credit');
    await page.keyboard.press('Alt+G');
    await scan(page, DEMO_CARDS.giftCard);
    await page.getByTestId('card-available').waitFor();
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'cardAmount');
    await page.keyboard.press('Control+A');
    await typeHuman(page, '20');
    await page.keyboard.press('Enter');
    await page.getByTestId('card-dialog').waitFor({ state: 'detached' });
    expect(await text(page, 'pay-stored-value')).toBe('Gift card ••••0042 $20.00');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'cash');
    await page.keyboard.press('F12'); // exact cash for the rest
    await page.getByTestId('receipt-view').waitFor();
    expect(await text(page, 'receipt-stored_value-label')).toBe('Gift card ••0042');
    expect(centsOf(await text(page, 'receipt-stored_value'))).toBe(2_000);
    expect(centsOf(await text(page, 'receipt-cash'))).toBe(total - 2_000);
    expect(await offences(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });

    // The next sale: the card has $30.00 left at this till (the sale is not at HQ yet).
    await scan(page, product.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    await page.keyboard.press('Alt+G');
    await scan(page, DEMO_CARDS.giftCard);
    await page.getByTestId('card-available').waitFor();
    expect(await text(page, 'card-available')).toBe(
      'Gift card ••••0042 $30.00 to spend at this till',
    );
  });
});

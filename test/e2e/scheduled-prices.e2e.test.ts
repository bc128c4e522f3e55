/**
 * Scheduled prices in Chromium (issue 14, item 2): the console schedules a new price and a
 * browser till applies it when its time comes. HQ's clock is injected two days behind the
 * real one (no waiting): a change the console sets for yesterday on the store's clock is
 * still ahead for HQ, so HQ accepts it, and the till, whose clock is the real one, is already
 * past it and charges the new price as soon as the row arrives; a change for tomorrow is ahead
 * for both and the till keeps the old price. Bad input is answered next to its field with
 * nothing saved; the change to come is cancelled from the list.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instantToZonedTime } from '../../core/scheduled-prices';
import { withTenant } from '../../db/central/tenant';
import {
  consoleSignIn,
  enrollWebTill,
  scannedPrice,
  startConsoleStack,
  type ConsoleStack,
} from './helpers/console-stack';
import { centsOf } from './helpers/pos';
import { screenshotOnFailure } from './helpers/web-app';

const STORE = 'seattle';
const ZONE = 'America/Los_Angeles';
const DAY = 86_400_000;
let stack: ConsoleStack;

beforeAll(async () => {
  stack = await startConsoleStack({ clock: { now: () => new Date(Date.now() - 2 * DAY) } });
});

afterEach(async (context) => {
  await screenshotOnFailure(stack?.consolePage, context);
});

afterAll(async () => {
  await stack?.close();
});

/** Two products of the store with barcodes (SKU order). */
async function products() {
  return withTenant(stack.hq.hq.central.pools.app, STORE, async (tx) => {
    const { rows } = await tx.query<{ sku: string; barcode: string; cents: number }>(
      `SELECT sku, barcode, (price * 100)::int AS cents FROM retail.products
        WHERE store_id = $1 AND is_active AND barcode IS NOT NULL AND price > 5
        ORDER BY sku LIMIT 2`,
      [STORE],
    );
    return rows;
  });
}

/** The console's price form for `sku` in the Catalog. */
async function openPriceForm(sku: string): Promise<void> {
  const page = stack.consolePage;
  await page.getByTestId('nav-catalog').click();
  await page.getByTestId('catalog-store').selectOption(STORE);
  await page.getByTestId('catalog-search').fill(sku);
  await page
    .locator(`[data-testid="product-row"][data-sku="${sku}"]`)
    .getByTestId('edit-price')
    .click();
  await page.getByTestId('price-form').waitFor();
}

describe('scheduled prices, console to till', () => {
  it('schedules a price the till applies when its time comes, and cancels one to come', async () => {
    const [now, later] = await products();
    if (!now || !later) throw new Error('the store has too few products');
    await consoleSignIn(stack);
    await enrollWebTill(stack, STORE, 'R02');
    const page = stack.consolePage;
    expect(await scannedPrice(stack.tillPage, now.barcode, now.sku)).toBe(now.cents);

    // Bad input: answered next to its field, nothing saved.
    await openPriceForm(now.sku);
    await page.getByTestId('price-input').fill('-1');
    await page
      .getByTestId('price-effective')
      .fill(instantToZonedTime(new Date(Date.now() - DAY), ZONE));
    await page.getByTestId('price-save').click();
    await page.getByTestId('price-form').getByText('A price cannot be negative').waitFor();
    const newCents = now.cents - 111;
    await page.getByTestId('price-input').fill((newCents / 100).toFixed(2));
    // Three days ago on the store's clock has passed by HQ's clock too.
    await page
      .getByTestId('price-effective')
      .fill(instantToZonedTime(new Date(Date.now() - 3 * DAY), ZONE));
    await page.getByTestId('price-save').click();
    await page
      .getByTestId('price-form')
      .getByText(/has already passed at seattle/)
      .waitFor();
    expect(await page.getByTestId('scheduled-row').count()).toBe(0);

    // Yesterday on the store's clock: ahead for HQ, past for the till.
    await page
      .getByTestId('price-effective')
      .fill(instantToZonedTime(new Date(Date.now() - DAY), ZONE));
    await page.getByTestId('price-save').click();
    await page
      .getByTestId('catalog-notice')
      .getByText(/will cost .* in 1 store/)
      .waitFor();
    const row = page.locator(`[data-testid="scheduled-row"][data-sku="${now.sku}"]`);
    expect(await row.getByTestId('scheduled-status').textContent()).toBe('Coming');

    // Tomorrow on the store's clock: ahead for both.
    await openPriceForm(later.sku);
    await page.getByTestId('price-input').fill(((later.cents - 222) / 100).toFixed(2));
    await page
      .getByTestId('price-effective')
      .fill(instantToZonedTime(new Date(Date.now() + DAY), ZONE));
    await page.getByTestId('price-save').click();
    const laterRow = page.locator(`[data-testid="scheduled-row"][data-sku="${later.sku}"]`);
    await laterRow.waitFor();

    // The till pulls in the background; scan until the new price shows (a hang limit only).
    await expect
      .poll(() => scannedPrice(stack.tillPage, now.barcode, now.sku), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(newCents);
    const { rows } = await withTenant(stack.hq.hq.central.pools.app, STORE, (tx) =>
      tx.query(`SELECT 1 FROM retail.scheduled_prices WHERE store_id = $1`, [STORE]),
    );
    expect(rows).toHaveLength(2);
    // The till holds the change for tomorrow too, and keeps today's price.
    expect(await scannedPrice(stack.tillPage, later.barcode, later.sku)).toBe(later.cents);

    await laterRow.getByTestId('scheduled-cancel').click();
    await page
      .getByTestId('catalog-notice')
      .getByText(/is cancelled/)
      .waitFor();
    await laterRow.waitFor({ state: 'detached' });
    expect(centsOf((await row.locator('td').nth(2).textContent()) ?? '')).toBe(newCents);
  });
});

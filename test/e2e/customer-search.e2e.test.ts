/**
 * Customer search tolerant of typos in Chromium, keyboard only (issue 13, item 8): a customer
 * created at the till is found again with a letter missing or two letters swapped, the closest
 * name highlighted first, and Enter attaches them to the sale.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { login, openShiftIfAsked, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

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

async function search(query: string): Promise<string> {
  const page = browser.page;
  await page.keyboard.press('F3');
  await page.getByTestId('customer-panel').waitFor();
  await page.waitForFunction(
    () => document.activeElement?.getAttribute('data-testid') === 'customer-query',
  );
  await typeHuman(page, query);
  const first = page.locator('[role="option"][aria-selected="true"]');
  await first.waitFor();
  return (await first.locator('strong').textContent()) ?? '';
}

describe('customer search with typos, keyboard only', () => {
  it('finds the customer through a missing letter and swapped letters', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    await page.keyboard.press('F3');
    await page.getByTestId('customer-panel').waitFor();
    await page.keyboard.press('Alt+N');
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'firstName');
    await typeHuman(page, 'Grace');
    await page.keyboard.press('Tab');
    await typeHuman(page, 'Hopperton');
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });
    expect(await page.getByTestId('customer-chip').textContent()).toContain('Grace Hopperton');
    // Take her off the sale, to find her again.
    await page.keyboard.press('F3');
    await page.getByTestId('customer-panel').waitFor();
    await page.keyboard.press('Control+Delete');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });
    expect(await page.getByTestId('customer-chip').textContent()).toContain('No customer');

    expect(await search('hoperton')).toBe('Grace Hopperton'); // a letter missing
    await page.keyboard.press('Escape');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });
    expect(await search('grace hopprteon')).toBe('Grace Hopperton'); // letters swapped
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-panel').waitFor({ state: 'detached' });
    expect(await page.getByTestId('customer-chip').textContent()).toContain('Grace Hopperton');
  });
});

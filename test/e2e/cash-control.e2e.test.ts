/**
 * Cash control in Chromium, keyboard only (issue 13, item 5): the cash in/out direction by key
 * (Alt+I / Alt+O open the cash form in that direction), and a cashier's cash-out beyond the expected drawer refused until a manager
 * types their PIN; the X report then shows it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { centsOf, login, noticeMatching, openShiftIfAsked, typeHuman } from './helpers/pos';
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

describe('cash control, keyboard only', () => {
  it('a cashier cannot take out more than the drawer holds without a manager', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    await page.keyboard.press('F10');
    await page.getByTestId('shift-panel').waitFor();
    await page.keyboard.press('Alt+I');
    const direction = page.getByTestId('cash-direction');
    await direction.waitFor();
    expect(await direction.getAttribute('data-kind')).toBe('in');
    await page.keyboard.press('Alt+O');
    await page.locator('[data-testid="cash-direction"][data-kind="out"]').waitFor();
    expect(await page.getByTestId('cash-headline').textContent()).toBe(
      'Cash out: take the money out of the drawer',
    );
    await page.keyboard.press('Alt+I');
    await page.locator('[data-testid="cash-direction"][data-kind="in"]').waitFor();
    await page.keyboard.press('Alt+O');
    await page.locator('[data-testid="cash-direction"][data-kind="out"]').waitFor();

    // The keys left the amount field (where the cash view opens) in focus.
    await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'amount');
    await typeHuman(page, '250');
    await page.keyboard.press('Tab');
    await typeHuman(page, 'bank drop');
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /more than the drawer should hold/)).toBe(
      'Taking out $250.00 is more than the drawer should hold ($100.00): a manager approves',
    );
    const pin = page.getByTestId('cash-manager-pin');
    await pin.waitFor();
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'cash-manager-pin',
    );
    await typeHuman(page, '246810');
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /Cash out \$250\.00 recorded/)).toBeTruthy();
    await page.getByTestId('report-cash-out').waitFor();
    expect(centsOf((await page.getByTestId('report-cash-out').textContent()) ?? '')).toBe(25_000);
    expect(centsOf((await page.getByTestId('report-expected').textContent()) ?? '')).toBe(-15_000);
  });
});

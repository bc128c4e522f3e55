/**
 * Smaller things of issue 13, item 8, keyboard only on the demo store: Delete removes a cart
 * line and Ctrl+Z puts it back; an unknown or cut-off scan sounds a cue (Web Audio, counted
 * here by watching the page's oscillators).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

const catalog = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter((p) => p.isActive && p.barcode);
const [first, second] = catalog;
if (!first?.barcode || !second?.barcode) throw new Error('the demo catalog has no products');

let app: WebApp;
let browser: Browser;

beforeAll(async () => {
  app = await startWebApp();
  browser = await launchBrowser();
  // Count the tones the page starts (the cue is an oscillator; nothing else in the app plays).
  await browser.context.addInitScript({
    content: `window.__tones = 0;
      const start = OscillatorNode.prototype.start;
      OscillatorNode.prototype.start = function (...args) { window.__tones++; return start.apply(this, args); };`,
  });
});

afterEach(async (context) => {
  await screenshotOnFailure(browser?.page, context);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

const tones = (): Promise<number> =>
  browser.page.evaluate(() => (window as unknown as { __tones: number }).__tones);

describe('cashier keys, keyboard only', () => {
  it('Delete removes the chosen line, Ctrl+Z puts it back where it was', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    await scan(page, first.barcode as string);
    await page.getByTestId('cart-line').first().waitFor();
    await scan(page, second.barcode as string);
    await page.getByTestId('cart-line').nth(1).waitFor();
    await page.keyboard.press('ArrowUp'); // choose the first line
    await page.keyboard.press('Delete');
    expect(await noticeMatching(page, /Ctrl\+Z puts it back/)).toBe(
      `Removed ${first.productName}. Ctrl+Z puts it back.`,
    );
    expect(await cartLines(page)).toEqual([{ sku: second.sku, qty: '1' }]);
    await page.keyboard.press('Control+Z');
    expect(await noticeMatching(page, /is back in the cart/)).toBeTruthy();
    expect(await cartLines(page)).toEqual([
      { sku: first.sku, qty: '1' },
      { sku: second.sku, qty: '1' },
    ]);
  });

  it('sounds a cue on an unknown and on a cut-off scan, not on a good one', async () => {
    const page = browser.page;
    const before = await tones();
    await scan(page, first.barcode as string);
    await page
      .locator('[data-testid="cart-line"] [data-testid="line-qty"]', { hasText: '2' })
      .waitFor();
    expect(await tones()).toBe(before);
    await scan(page, '9999999999994');
    await noticeMatching(page, /No product has the code 9999999999994/);
    expect(await tones()).toBe(before + 1);
    await scan(page, '200000', { enter: false });
    await noticeMatching(page, /Incomplete scan/);
    expect(await tones()).toBe(before + 2);
  });
});

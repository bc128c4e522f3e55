/**
 * Any screen size (issue 13, item 3): at 1024x768, 1280x800 and 1920x1080 the checkout shows
 * enough cart lines, the cart's Total column is never clipped, the status bar never wraps, and
 * the figures money changes hands by — the cart total, the amount to pay, the change due after
 * the sale and the refund due on the returns screen — are inside the viewport. Keyboard only,
 * on the demo store (no HQ). Saves the 1024x768 and 1920x1080 checkout pictures of the README
 * (test-results/checkout-<size>.png, copied to docs/ by hand).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../db/seed/chain';
import { generateCatalog } from '../../db/seed/catalog';
import { login, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const SIZES = [
  { width: 1024, height: 768, cartLines: 5 },
  { width: 1280, height: 800, cartLines: 6 },
  { width: 1920, height: 1080, cartLines: 10 },
] as const;

const catalog = generateCatalog({
  seed: DEFAULT_SEED.seed,
  products: DEFAULT_SEED.products,
}).filter((p) => p.isActive && p.barcode);
const products = catalog.slice(0, 14);

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

/** The element's box, and whether all of it is inside the viewport. */
async function insideViewport(locator: Locator): Promise<{ inside: boolean; box: string }> {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const inside =
      r.width > 0 &&
      r.height > 0 &&
      r.left >= 0 &&
      r.top >= 0 &&
      r.right <= window.innerWidth &&
      r.bottom <= window.innerHeight;
    // Also not hidden by a scrolling ancestor: every ancestor that clips must contain it.
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const q = p.getBoundingClientRect();
      if (
        r.top < q.top - 1 ||
        r.bottom > q.bottom + 1 ||
        r.left < q.left - 1 ||
        r.right > q.right + 1
      )
        clipped = true;
    }
    return {
      inside: inside && !clipped,
      box: `${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)} in ${window.innerWidth}x${window.innerHeight}${clipped ? ' (clipped by a scrolling parent)' : ''}`,
    };
  });
}

async function expectInside(locator: Locator, what: string): Promise<void> {
  await locator.waitFor();
  // A resize is followed by a layout and the cart's resize observer: allow the next frames.
  let last = { inside: false, box: '' };
  for (let i = 0; i < 20 && !last.inside; i++) {
    if (i > 0) await locator.page().waitForTimeout(100);
    last = await insideViewport(locator);
  }
  expect(last.inside, `${what} at ${last.box}`).toBe(true);
}

/** How many lines of text each element of the status bar takes (1 everywhere: no wrapping). */
async function headerLineCounts(page: Page): Promise<Record<string, number>> {
  return page.locator('header.topbar').evaluate((header) => {
    const counts: Record<string, number> = {};
    const walker = document.createTreeWalker(header, NodeFilter.SHOW_TEXT);
    const tops = new Set<number>();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent?.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = [...range.getClientRects()];
      if (rects.length === 0) continue; // not shown at this size
      const lines = new Set(rects.map((r) => Math.round(r.top + r.height / 2)));
      counts[node.textContent.trim()] = lines.size;
      rects.forEach((r) => tops.add(Math.round((r.top + r.bottom) / 2 / 4)));
    }
    // Nor cut short with an ellipsis: the store, register and cashier are read in full.
    for (const el of header.querySelectorAll<HTMLElement>('*')) {
      if (el.scrollWidth > el.clientWidth + 1) counts[`(${el.textContent ?? ''} is cut)`] = 0;
    }
    const h = header.getBoundingClientRect();
    counts['(header fits the width)'] =
      h.right <= window.innerWidth && header.scrollWidth <= header.clientWidth ? 1 : 0;
    return counts;
  });
}

/** Cart lines fully visible (inside the viewport and not scrolled away). */
async function visibleCartLines(page: Page): Promise<number> {
  const lines = await page.getByTestId('cart-line').all();
  let visible = 0;
  for (const line of lines) if ((await insideViewport(line)).inside) visible++;
  return visible;
}

/** Every visible cart line's Total cell shows its whole amount. */
async function totalColumnClipped(page: Page): Promise<string[]> {
  return page.getByTestId('line-total').evaluateAll((cells) =>
    cells
      .filter((c) => {
        const r = c.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      })
      .filter((c) => {
        const r = c.getBoundingClientRect();
        const cart = c.closest('[data-testid="cart-scroll"]')?.getBoundingClientRect();
        return (
          c.scrollWidth > c.clientWidth ||
          r.right > window.innerWidth ||
          (cart !== undefined && r.right > cart.right + 1)
        );
      })
      .map((c) => c.textContent ?? ''),
  );
}

describe('the till at any screen size, keyboard only', () => {
  it('sets up the demo store and rings up a long cart', async () => {
    const page = browser.page;
    await page.goto(app.url);
    await page.getByLabel('HQ address').waitFor({ timeout: 120_000 });
    await page.keyboard.press('F9');
    await login(page, '1111');
    await openShiftIfAsked(page, '100');
    for (const [i, p] of products.entries()) {
      await scan(page, p.barcode as string);
      await page.getByTestId('cart-line').nth(i).waitFor();
    }
  });

  for (const size of SIZES) {
    it(`checkout at ${size.width}x${size.height}: cart lines, Total column, header, total`, async () => {
      const page = browser.page;
      await page.setViewportSize({ width: size.width, height: size.height });
      // The line just scanned is the selected one: always in view.
      await expectInside(
        page.locator('[data-testid="cart-line"][aria-selected="true"]'),
        'the selected cart line',
      );
      expect(await visibleCartLines(page)).toBeGreaterThanOrEqual(size.cartLines);
      expect(await totalColumnClipped(page)).toEqual([]);
      const lines = await headerLineCounts(page);
      expect(Object.entries(lines).filter(([, n]) => n !== 1)).toEqual([]);
      await expectInside(page.getByTestId('cart-total'), 'the cart total');
      await expectInside(page.getByRole('button', { name: 'Pay (F12)' }), 'the Pay button');
      // Moving up the cart keeps the chosen line in view.
      for (let i = 0; i < products.length; i++) await page.keyboard.press('ArrowUp');
      await expectInside(
        page.locator('[data-testid="cart-line"][aria-selected="true"]'),
        'the first cart line once chosen',
      );
      for (let i = 0; i < products.length; i++) await page.keyboard.press('ArrowDown');
      await expectInside(
        page.locator('[data-testid="cart-line"][aria-selected="true"]'),
        'the last cart line once chosen',
      );
      if (size.width !== 1280) {
        await mkdir('test-results', { recursive: true });
        await page.screenshot({
          path: join('test-results', `checkout-${size.width}x${size.height}.png`),
        });
      }
    });
  }

  it('the payment total and the change due stay in view at every size', async () => {
    const page = browser.page;
    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await expectInside(
        page.getByTestId('pay-total'),
        `the amount to pay at ${size.width}x${size.height}`,
      );
      await expectInside(
        page.getByTestId('change-preview'),
        `the change preview at ${size.width}x${size.height}`,
      );
    }
    await typeHuman(page, '6000');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await expectInside(
        page.getByTestId('money-headline'),
        `the change due at ${size.width}x${size.height}`,
      );
      await expectInside(
        page.getByTestId('receipt-view-total'),
        `the sale's total at ${size.width}x${size.height}`,
      );
    }
  });

  it('the refund due stays in view on the returns screen at every size', async () => {
    const page = browser.page;
    const receiptNumber = (await page.getByTestId('receipt-number').textContent()) ?? '';
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
    await page.keyboard.press('F9');
    await page.getByTestId('return-receipt').waitFor();
    await typeHuman(page, receiptNumber);
    await page.keyboard.press('Enter');
    await page.getByTestId('return-qty').first().waitFor();
    // Every line comes back: Tab moves from one line's quantity to the next past its reason and
    // restock choice.
    const count = await page.getByTestId('return-qty').count();
    for (let i = 0; i < count; i++) {
      if (i > 0) for (let t = 0; t < 3; t++) await page.keyboard.press('Tab');
      await typeHuman(page, '1');
    }
    for (const size of SIZES) {
      await page.setViewportSize({ width: size.width, height: size.height });
      await expectInside(
        page.getByTestId('refund-total'),
        `the refund due at ${size.width}x${size.height}`,
      );
    }
  });
});

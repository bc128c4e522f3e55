/**
 * Store settings the browser till honours, set at a real local HQ before the till enrolls
 * (issue 13, items 5 and 7), keyboard only:
 * - a tax-inclusive store: the cart's total is the shelf price (tax inside, not added) and the
 *   cart and the receipt say "incl. tax";
 * - blind close: the X report has no expected drawer (the till API withholds it), the close
 *   asks for the count without it, and the Z report shows it with the over/short;
 * - a no-sale needs a manager's PIN (no_sale_needs_manager): Alt+S, refused without the PIN,
 *   recorded with it, counted on the X report, and at HQ once.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { startLocalHq, type LocalHq } from '../../electron/launch/local-hq';
import { centsOf, login, noticeMatching, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const STORE = 'seattle';

let work: string;
let hq: LocalHq;
let app: WebApp;
let browser: Browser;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edge-pos-e2e-settings-'));
  await chmod(work, 0o711); // the embedded PostgreSQL runs as its own user when we are root
  hq = await startLocalHq({
    dataDir: join(work, 'hq'),
    port: await freePort(),
    adminToken: `e2e-admin-token-${process.pid}`,
    durable: false,
    seed: { products: 60, customers: 10, sales: 0 },
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  await withTenant(hq.hq.central.pools.owner, STORE, (tx) =>
    tx.query(
      `UPDATE retail.stores SET tax_included = true, blind_close = true, no_sale_needs_manager = true
        WHERE store_id = $1`,
      [STORE],
    ),
  );
  app = await startWebApp({ hqTarget: hq.url });
  browser = await launchBrowser();
});

afterEach(async (context) => {
  await screenshotOnFailure(browser?.page, context);
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await hq?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const text = async (id: string): Promise<string> =>
  (await browser.page.getByTestId(id).textContent()) ?? '';

describe('store settings at the till', () => {
  it('a tax-inclusive store: the total is the shelf price, labelled incl. tax', async () => {
    const page = browser.page;
    const code = await hq.enrollmentCode(STORE, 'R02');
    const params = new URLSearchParams({ hq: app.hqUrl, code, enroll: 'auto' });
    await page.goto(`${app.url}?${params.toString()}`);
    await login(page, '1111');
    await openShiftIfAsked(page, '100');

    const product = await withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
      const { rows } = await tx.query<{ sku: string; barcode: string; price: string }>(
        `SELECT sku, barcode, price::text AS price FROM retail.products
          WHERE store_id = $1 AND is_active AND barcode IS NOT NULL ORDER BY sku LIMIT 1`,
        [STORE],
      );
      return rows[0];
    });
    if (!product) throw new Error('HQ has no products');
    await scan(page, product.barcode);
    await page.locator(`[data-testid="cart-line"][data-sku="${product.sku}"]`).waitFor();
    const shelf = centsOf(`$${product.price}`);
    expect(centsOf(await text('cart-total'))).toBe(shelf); // tax inside, not added on top
    expect(await text('cart-tax-label')).toBe('Tax (incl. in prices)');
    expect(await text('cart-total-label')).toBe('Total incl. tax');
    expect(centsOf(await text('cart-tax'))).toBeGreaterThan(0);

    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await page.keyboard.press('F12'); // exact cash
    await page.getByTestId('receipt-view').waitFor();
    expect(centsOf(await text('receipt-total'))).toBe(shelf);
    expect(await text('receipt-tax-label')).toBe('Tax included');
    expect(await text('receipt-total-label')).toBe('Total incl. tax');
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor({ state: 'detached' });
  });

  it('a no-sale (Alt+S) needs a manager PIN, is counted on the X report and reaches HQ once', async () => {
    const page = browser.page;
    await page.keyboard.press('Alt+S');
    await page.getByTestId('no-sale-dialog').waitFor();
    await page.keyboard.press('Alt+1');
    expect(await page.getByTestId('no-sale-reason').inputValue()).toBe('Change for a customer');
    await page.keyboard.press('Enter');
    expect(await noticeMatching(page, /needs a manager PIN/)).toBe(
      'Opening the drawer without a sale needs a manager PIN',
    );
    await page.keyboard.press('Tab');
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'no-sale-pin',
    );
    await typeHuman(page, '246810');
    await page.keyboard.press('Enter');
    // The browser till has no drawer port: recorded, and the cashier opens it with its key.
    expect(await noticeMatching(page, /^No sale recorded/)).toBe(
      'No sale recorded — no drawer is connected to this till: open it with its key',
    );
    await page.getByTestId('no-sale-dialog').waitFor({ state: 'detached' });

    await page.keyboard.press('F10');
    await page.getByTestId('shift-panel').waitFor();
    await page.getByTestId('report-no-sales-count').waitFor();
    expect(await text('report-no-sales-count')).toBe('1');
    await page.keyboard.press('Escape');
    await page.getByTestId('shift-panel').waitFor({ state: 'detached' });

    // The till sends it up on its own; HQ holds it once, with the approving manager.
    const atHq = async () =>
      withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
        const { rows } = await tx.query<{ reason: string; approved: boolean }>(
          `SELECT reason, approved_by IS NOT NULL AS approved FROM retail.cash_movements
            WHERE store_id = $1 AND kind = 'no_sale'`,
          [STORE],
        );
        return rows;
      });
    for (let i = 0; i < 120 && (await atHq()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 500));
    expect(await atHq()).toEqual([{ reason: 'Change for a customer', approved: true }]);
  });

  it('blind close: no expected drawer before the count, then the Z report has it', async () => {
    const page = browser.page;
    await page.keyboard.press('F10');
    await page.getByTestId('shift-panel').waitFor();
    await page.getByTestId('report-net').waitFor();
    expect(await page.getByTestId('report-expected').count()).toBe(0);
    expect(await page.getByTestId('report-cash').count()).toBe(0);
    expect(await page.getByTestId('report-card').count()).toBe(0);
    await page.keyboard.press('Alt+Z');
    await page.getByTestId('counted-input').waitFor();
    await page.getByTestId('blind-close').waitFor();
    expect(await page.getByTestId('shift-panel').textContent()).not.toMatch(/Expected/);
    await typeHuman(page, '90.00');
    await page.keyboard.press('Tab');
    await typeHuman(page, '246810'); // the cashier needs a manager's PIN to close
    await page.keyboard.press('Enter');
    await page.getByTestId('z-report').waitFor();
    const expected = centsOf(await text('report-expected'));
    const net = centsOf(await text('report-net'));
    expect(expected).toBe(10_000 + net);
    const overShort = await text('report-over-short');
    expect(overShort).toMatch(/ short$/);
    expect(Math.abs(centsOf(overShort.replace('−', '')))).toBe(expected - 9_000);
  });
});

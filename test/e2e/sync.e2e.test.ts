/**
 * The browser till against a real local HQ (sync service on the embedded PostgreSQL), keyboard
 * only: enrollment from the page address, a sale while HQ is down that appears at HQ once it is
 * back, a return against that receipt, and a shift close whose Z report matches the sales
 * (on the till and at HQ).
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../db/central/tenant';
import { eventually } from '../sync/harness';
import { startLocalHq, type LocalHq } from '../../electron/launch/local-hq';
import { centsOf, login, openShiftIfAsked, scan, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const STORE = 'seattle';
const ADMIN_TOKEN = `e2e-admin-token-${process.pid}`;

let work: string;
let hqPort: number;
let hq: LocalHq | undefined;
let app: WebApp;
let browser: Browser;
const sold: {
  receiptNumber: string;
  transactionId: string;
  totalCents: number;
  sku: string;
  barcode: string;
} = {
  receiptNumber: '',
  transactionId: '',
  totalCents: 0,
  sku: '',
  barcode: '',
};
let refundCents = 0;

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

async function startHq(): Promise<LocalHq> {
  return startLocalHq({
    dataDir: join(work, 'hq'),
    port: hqPort,
    adminToken: ADMIN_TOKEN,
    durable: false,
    seed: { products: 200, customers: 200, sales: 100 },
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
}

function currentHq(): LocalHq {
  if (!hq) throw new Error('HQ is not running');
  return hq;
}

/** HQ's view of one receipt (as the application role, scoped to the store). */
async function atHq(receiptNumber: string): Promise<
  | {
      total: string;
      transaction_id: string;
      original_transaction_id: string | null;
      status: string;
    }
  | undefined
> {
  return withTenant(currentHq().hq.central.pools.app, STORE, async (tx) => {
    const { rows } = await tx.query<{
      total: string;
      transaction_id: string;
      original_transaction_id: string | null;
      status: string;
    }>(
      `SELECT total_amount::text AS total, transaction_id, original_transaction_id, status
         FROM retail.sales_transactions WHERE store_id = $1 AND receipt_number = $2`,
      [STORE, receiptNumber],
    );
    return rows[0];
  });
}

async function syncState(): Promise<{ state: string; pending: number }> {
  const badge = browser.page.getByTestId('sync-status');
  return {
    state: (await badge.getAttribute('data-state')) ?? '',
    pending: Number(await badge.getAttribute('data-pending')),
  };
}

async function waitForSync(
  expected: { state: string; pending?: number },
  timeout = 90_000,
): Promise<void> {
  const selector = `[data-testid="sync-status"][data-state="${expected.state}"]${expected.pending === undefined ? '' : `[data-pending="${expected.pending}"]`}`;
  await browser.page.locator(selector).waitFor({ timeout });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edge-pos-e2e-hq-'));
  await chmod(work, 0o711); // the embedded PostgreSQL runs as its own user when we are root
  hqPort = await freePort();
  hq = await startHq();
  app = await startWebApp({ hqTarget: hq.url });
  browser = await launchBrowser();
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
  await hq?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the browser till with a local HQ', () => {
  it('enrolls from the page address, downloads the store and logs in', async () => {
    const code = await currentHq().enrollmentCode(STORE, 'R02');
    const params = new URLSearchParams({ hq: app.hqUrl, code, enroll: 'auto' });
    await browser.page.goto(`${app.url}?${params.toString()}`);
    await login(browser.page, '1111');
    await openShiftIfAsked(browser.page, '200');
    expect(await browser.page.getByTestId('store-name').textContent()).toContain('Register R02');
    await waitForSync({ state: 'online', pending: 0 });
  });

  it('shows the checkout screen online (screenshot artifact), then cancels that basket', async () => {
    const page = browser.page;
    const products = await withTenant(currentHq().hq.central.pools.app, STORE, async (tx) => {
      const result = await tx.query<{ sku: string; barcode: string }>(
        `SELECT sku, barcode FROM retail.products
          WHERE store_id = $1 AND is_active AND barcode IS NOT NULL ORDER BY sku DESC LIMIT 3`,
        [STORE],
      );
      return result.rows;
    });
    for (const p of products) {
      await scan(page, p.barcode);
      await page.locator(`[data-testid="cart-line"][data-sku="${p.sku}"]`).waitFor();
    }
    await typeHuman(page, 'usb charger');
    await page.locator('[data-testid="search-results"][data-query="usb charger"]').waitFor();
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: join('test-results', 'checkout-online.png') });
    await page.keyboard.press('Escape'); // clears the search
    await page.keyboard.press('Escape'); // asks to cancel the sale
    await page.getByRole('dialog').waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('cart-line').first().waitFor({ state: 'detached' });
  });

  it('sells while HQ is down; the sale reaches HQ once it is back', async () => {
    const page = browser.page;
    const rows = await withTenant(currentHq().hq.central.pools.app, STORE, async (tx) => {
      const result = await tx.query<{ sku: string; barcode: string }>(
        `SELECT p.sku, p.barcode FROM retail.products p
          WHERE p.store_id = $1 AND p.is_active AND p.barcode IS NOT NULL ORDER BY p.sku LIMIT 1`,
        [STORE],
      );
      return result.rows;
    });
    const product = rows[0];
    if (!product) throw new Error('HQ has no products');
    sold.sku = product.sku;
    sold.barcode = product.barcode;

    await currentHq().close();
    hq = undefined;
    await waitForSync({ state: 'offline' });

    await scan(page, sold.barcode);
    await page.locator(`[data-testid="cart-line"][data-sku="${sold.sku}"]`).waitFor();
    await page.keyboard.press('F5');
    await page.getByTestId('quantity-input').waitFor();
    await typeHuman(page, '2');
    await page.keyboard.press('Enter');
    await page.getByTestId('quantity-input').waitFor({ state: 'detached' });
    sold.totalCents = centsOf((await page.getByTestId('cart-total').textContent()) ?? '');
    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await page.keyboard.press('F12'); // exact cash
    await page.getByTestId('receipt-view').waitFor();
    sold.receiptNumber = (await page.getByTestId('receipt-number').textContent()) ?? '';
    expect(sold.receiptNumber).toMatch(/^SEATTLE-R02-\d{6}$/);
    expect(centsOf((await page.getByTestId('receipt-total').textContent()) ?? '')).toBe(
      sold.totalCents,
    );
    await page.keyboard.press('Enter');
    await waitForSync({ state: 'offline', pending: 1 });

    hq = await startHq();
    await waitForSync({ state: 'online', pending: 0 });
    const row = await atHq(sold.receiptNumber);
    expect(row).toBeDefined();
    expect(centsOf(`$${row?.total ?? ''}`)).toBe(sold.totalCents);
    expect(row?.status).toBe('completed');
    sold.transactionId = row?.transaction_id ?? '';
  });

  it('returns one item against that receipt, and HQ links the refund to the sale', async () => {
    const page = browser.page;
    await page.keyboard.press('F9');
    await page.getByTestId('return-receipt').waitFor();
    await typeHuman(page, sold.receiptNumber);
    await page.keyboard.press('Enter');
    const qty = page.getByTestId('return-qty').first();
    await qty.waitFor();
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('data-testid') === 'return-qty',
    );
    await typeHuman(page, '1');
    const refund = page.getByTestId('refund-total');
    await refund.waitFor();
    refundCents = centsOf((await refund.textContent()) ?? '');
    expect(refundCents).toBeGreaterThan(0);
    expect(refundCents).toBeLessThan(sold.totalCents);
    await page.keyboard.press('F12');
    await page.getByRole('dialog', { name: 'Refund now?' }).waitFor();
    await page.keyboard.press('Enter'); // F12 asks first; Enter refunds
    await page.getByTestId('receipt-view').waitFor();
    const returnReceipt = (await page.getByTestId('receipt-number').textContent()) ?? '';
    expect(centsOf((await page.getByTestId('receipt-total').textContent()) ?? '')).toBe(
      -refundCents,
    );
    await page.keyboard.press('Enter');

    await waitForSync({ state: 'online', pending: 0 });
    const row = await atHq(returnReceipt);
    expect(row?.original_transaction_id).toBe(sold.transactionId);
    expect(centsOf(`$${row?.total ?? ''}`)).toBe(-refundCents);
  });

  it('closes the shift with a Z report that matches the sales, on the till and at HQ', async () => {
    const page = browser.page;
    await page.keyboard.press('F10');
    await page.getByTestId('shift-panel').waitFor();
    const expected = centsOf((await page.getByTestId('report-expected').textContent()) ?? '');
    expect(expected).toBe(20_000 + sold.totalCents - refundCents);
    await page.keyboard.press('Alt+Z');
    await page.getByTestId('counted-input').waitFor();
    await typeHuman(page, (expected / 100).toFixed(2));
    await page.keyboard.press('Tab');
    await typeHuman(page, '246810'); // the cashier needs a manager's PIN to close
    await page.keyboard.press('Enter');
    await page.getByTestId('z-report').waitFor();
    const figure = async (id: string): Promise<string> =>
      (await page.getByTestId(`report-${id}`).textContent()) ?? '';
    expect(await figure('sales-count')).toBe('1');
    expect(await figure('returns-count')).toBe('1');
    expect(centsOf(await figure('net'))).toBe(sold.totalCents - refundCents);
    expect(centsOf(await figure('cash'))).toBe(sold.totalCents - refundCents);
    expect(centsOf(await figure('returns'))).toBe(refundCents);
    expect(centsOf(await figure('over-short'))).toBe(0);
    const zNumber = Number(
      ((await page.getByTestId('z-number').textContent()) ?? '').replace('#', ''),
    );
    await page.keyboard.press('Escape');

    // The status bar can still show the moment before the close was queued: wait for the
    // Z report at HQ itself, then for the queue to be empty.
    const z = await eventually(async () => {
      const row = await withTenant(currentHq().hq.central.pools.app, STORE, async (tx) => {
        const { rows } = await tx.query<{ net: string; sales: number; returns: number }>(
          `SELECT net_total::text AS net, sales_count AS sales, returns_count AS returns
             FROM retail.z_reports WHERE store_id = $1 AND register_id = 'R02' AND z_number = $2`,
          [STORE, zNumber],
        );
        return rows[0];
      });
      if (!row) throw new Error(`Z report #${zNumber} is not at HQ yet`);
      return row;
    });
    await waitForSync({ state: 'online', pending: 0 });
    expect(z).toMatchObject({ sales: 1, returns: 1 });
    expect(centsOf(`$${z?.net ?? ''}`)).toBe(sold.totalCents - refundCents);
    expect((await syncState()).pending).toBe(0);
  });
});

/**
 * The HQ console in Chromium against a real local HQ, next to a browser till of the same
 * store: an administrator signs in, changes a price and the till sells at the new price, sets a
 * category's tax rate and the till taxes with it,
 * creates a register and a second browser till enrolls for it with the code the console shows,
 * an exception is resolved and a day reconciled, and every report loads (its screenshot is the README's dashboard picture). A wrong password
 * is answered in plain words next to the form.
 */
import { chmod, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_VERSION } from '../../contract/sync-protocol/wire';
import { raiseExceptions } from '../../db/central/exceptions';
import { withTenant } from '../../db/central/tenant';
import { startLocalHq, type LocalHq } from '../../electron/launch/local-hq';
import { buildConsole } from './helpers/console-app';
import { centsOf, login, openShiftIfAsked, scan } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const STORE = 'seattle';
const ADMIN = { email: 'admin@e2e.local', password: 'e2e console password' };

let work: string;
let hq: LocalHq;
let consoleBuild: { dir: string; close(): Promise<void> };
let app: WebApp;
let browser: Browser;
let tillPage: Page;
let consolePage: Page;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edge-pos-e2e-console-'));
  await chmod(work, 0o711); // the embedded PostgreSQL runs as its own user when we are root
  consoleBuild = await buildConsole();
  hq = await startLocalHq({
    dataDir: join(work, 'hq'),
    adminToken: `e2e-admin-token-${process.pid}`,
    durable: false,
    seed: { products: 200, customers: 100, sales: 300 },
    consoleDir: consoleBuild.dir,
    consoleAdmin: ADMIN,
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
  app = await startWebApp({ hqTarget: hq.url });
  browser = await launchBrowser();
  tillPage = browser.page;
  consolePage = await browser.context.newPage();
});

afterEach(async (context) => {
  await screenshotOnFailure(consolePage, context);
});

afterAll(async () => {
  if (browser) {
    if (process.env.EDGE_POS_E2E_LOGS) console.log(browser.logs.join('\n'));
    await browser.close();
  }
  await app?.close();
  await hq?.close();
  await consoleBuild?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** The unit price the till shows for `sku` after scanning it into an empty basket. */
async function scannedPrice(page: Page, barcode: string, sku: string): Promise<number> {
  await scan(page, barcode);
  const line = page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
  await line.waitFor();
  const cents = centsOf((await line.locator('td').nth(3).textContent()) ?? '');
  await page.keyboard.press('Escape'); // asks to cancel the sale
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await line.waitFor({ state: 'detached' });
  return cents;
}

/** The basket's total after scanning `sku` into an empty basket (its price and its tax). */
async function scannedTotal(page: Page, barcode: string, sku: string): Promise<number> {
  await scan(page, barcode);
  const line = page.locator(`[data-testid="cart-line"][data-sku="${sku}"]`);
  await line.waitFor();
  const cents = centsOf((await page.getByTestId('cart-total').textContent()) ?? '');
  await page.keyboard.press('Escape'); // asks to cancel the sale
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Enter');
  await line.waitFor({ state: 'detached' });
  return cents;
}

describe('the HQ console', () => {
  it('refuses a wrong password in plain words, then signs the administrator in', async () => {
    await consolePage.goto(`${hq.url}/console/`);
    await consolePage.getByTestId('sign-in-email').fill(ADMIN.email);
    await consolePage.getByTestId('sign-in-password').fill('not the password');
    await consolePage.getByTestId('sign-in-submit').click();
    expect(await consolePage.getByTestId('sign-in-error').textContent()).toBe(
      'Wrong email or password',
    );
    await consolePage.getByTestId('sign-in-password').fill(ADMIN.password);
    await consolePage.getByTestId('sign-in-submit').click();
    await consolePage.getByTestId('signed-in-as').waitFor();
    expect(await consolePage.getByTestId('signed-in-as').textContent()).toContain('Administrator');
  });

  it('changes a price and the browser till sells at the new price', async () => {
    const code = await hq.enrollmentCode(STORE, 'R02');
    const params = new URLSearchParams({ hq: app.hqUrl, code, enroll: 'auto' });
    await tillPage.goto(`${app.url}?${params.toString()}`);
    await login(tillPage, '1111');
    await openShiftIfAsked(tillPage, '200');

    const product = await withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
      const { rows } = await tx.query<{ sku: string; barcode: string; cents: number }>(
        `SELECT sku, barcode, (price * 100)::int AS cents FROM retail.products
          WHERE store_id = $1 AND is_active AND barcode IS NOT NULL ORDER BY sku LIMIT 1`,
        [STORE],
      );
      return rows[0]!;
    });
    expect(await scannedPrice(tillPage, product.barcode, product.sku)).toBe(product.cents);
    const newCents = product.cents + 250;

    await consolePage.getByTestId('nav-catalog').click();
    await consolePage.getByTestId('catalog-store').selectOption(STORE);
    await consolePage.getByTestId('catalog-search').fill(product.sku);
    const row = consolePage.locator(`[data-testid="product-row"][data-sku="${product.sku}"]`);
    await row.getByTestId('edit-price').click();
    // Bad input first: an error next to the field, nothing sent.
    await consolePage.getByTestId('price-input').fill('twelve');
    await consolePage.getByTestId('price-save').click();
    await consolePage.getByText('Enter a price like 12.99').waitFor();
    await consolePage.getByTestId('price-input').fill((newCents / 100).toFixed(2));
    await consolePage.getByTestId('price-save').click();
    await consolePage.getByTestId('catalog-notice').waitFor();
    expect(centsOf((await row.getByTestId('product-price').textContent()) ?? '')).toBe(newCents);

    // The till pulls the change in the background; scan until it shows (a hang limit only).
    await expect
      .poll(() => scannedPrice(tillPage, product.barcode, product.sku), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(newCents);
  });

  it("sets a category's tax rate (a bad rate answered next to the field); the till taxes with it", async () => {
    // A product whose category has no rate of its own in the store (taxed at the store's rate).
    const product = await withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
      const { rows } = await tx.query<{
        sku: string;
        barcode: string;
        cents: number;
        category_id: number;
      }>(
        `SELECT p.sku, p.barcode, (p.price * 100)::int AS cents, p.category_id
           FROM retail.products p
          WHERE p.store_id = $1 AND p.is_active AND p.barcode IS NOT NULL
            AND p.category_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM retail.category_tax_rates r
                             WHERE r.store_id = p.store_id AND r.category_id = p.category_id)
          ORDER BY p.sku DESC LIMIT 1`,
        [STORE],
      );
      return rows[0]!;
    });

    await consolePage.getByTestId('nav-tax').click();
    await consolePage.getByTestId('tax-store').selectOption(STORE);
    await consolePage
      .getByTestId('tax-store-rate')
      .getByText(/unless a category/)
      .waitFor();
    await consolePage
      .getByTestId('category-rate-category')
      .selectOption(String(product.category_id));
    await consolePage.getByTestId('category-rate-input').fill('a lot');
    await consolePage.getByTestId('category-rate-save').click();
    await consolePage
      .getByTestId('category-rate-form')
      .getByText('Enter a rate like 8.25, or leave it empty for the store rate')
      .waitFor();
    await consolePage.getByTestId('category-rate-input').fill('25');
    await consolePage.getByTestId('category-rate-save').click();
    await consolePage
      .getByTestId('tax-notice')
      .getByText(/taxed at 25 % in 1 store/)
      .waitFor();
    const row = consolePage.locator(
      `[data-testid="tax-row"][data-category="${product.category_id}"]`,
    );
    expect(await row.getByTestId('tax-rate').textContent()).toBe('25 %');

    // The till pulls the rate in the background: one unit's total is its price plus 25 %.
    const expected = product.cents + Math.round(product.cents * 0.25);
    await expect
      .poll(() => scannedTotal(tillPage, product.barcode, product.sku), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(expected);
  });

  it('creates a register, and a new browser till enrolls for it with the code shown', async () => {
    await consolePage.getByTestId('nav-stores').click();
    await consolePage.getByTestId('stores-store').selectOption(STORE);
    await consolePage.getByTestId('register-id').fill('r7');
    await consolePage.getByTestId('register-name').fill('Pop-up counter');
    await consolePage.getByTestId('register-create').click();
    const row = consolePage.locator('[data-testid="register-row"][data-register="R7"]');
    await row.waitFor();
    expect(await row.getByTestId('register-till').textContent()).toBe('No till enrolled');
    await row.getByTestId('enroll-register').click();
    const code = (await consolePage.getByTestId('enrollment-code').textContent()) ?? '';
    expect(code).toMatch(/^seattle\./);

    const second = await launchBrowser();
    try {
      const params = new URLSearchParams({ hq: app.hqUrl, code, enroll: 'auto' });
      await second.page.goto(`${app.url}?${params.toString()}`);
      await login(second.page, '1111');
      await openShiftIfAsked(second.page, '100');
      expect(await second.page.getByTestId('store-name').textContent()).toContain('Register R7');
    } finally {
      await second.close();
    }
    await consolePage.reload();
    await consolePage.getByTestId('stores-store').selectOption(STORE);
    await row.getByTestId('register-till').getByText(/seen/).waitFor({ timeout: 30_000 });

    // Tills & sync: the chain's tills with the version each runs, and the silence alert.
    await consolePage.getByTestId('nav-devices').click();
    const till = consolePage.locator(
      `[data-testid="device-row"][data-store="${STORE}"][data-register="R7"]`,
    );
    await till.waitFor();
    expect(await till.getByTestId('device-version').textContent()).toContain(APP_VERSION);
    expect(await till.getByTestId('device-status').textContent()).toBe('Active');
    await consolePage.getByTestId('silent-threshold').fill('0');
    await consolePage.getByText('Use at least 1 minute').waitFor();
    expect(await consolePage.getByTestId('silent-alert').count()).toBe(0);
  });

  it('adds a staff member (a bad PIN answered next to the field), gives a new PIN, disables', async () => {
    await consolePage.getByTestId('nav-staff').click();
    await consolePage.getByTestId('staff-store').selectOption(STORE);
    await consolePage.getByTestId('staff-name').fill('Dana Console');
    await consolePage.getByTestId('staff-pin').fill('12a');
    await consolePage.getByTestId('staff-create').click();
    await consolePage.getByTestId('staff-form').getByText('A PIN is 4 to 8 digits').waitFor();
    await consolePage.getByTestId('staff-pin').fill('640218');
    await consolePage.getByTestId('staff-create').click();
    await consolePage.getByTestId('staff-notice').getByText('Dana Console can sign in').waitFor();
    const row = consolePage.locator('[data-testid="staff-row"][data-name="Dana Console"]');
    expect(await row.getByTestId('staff-status').textContent()).toBe('Can sign in');

    await row.getByTestId('staff-repin').click();
    await consolePage.getByTestId('repin-input').fill('5502');
    await consolePage.getByTestId('repin-save').click();
    await consolePage.getByTestId('staff-notice').getByText('with the new PIN').waitFor();

    await row.getByTestId('staff-toggle').click();
    await consolePage.getByTestId('staff-notice').getByText('can no longer sign in').waitFor();
    expect(await row.getByTestId('staff-status').textContent()).toBe('Disabled');
  });

  it('adds a product (a bad price answered next to the field) and a category, deletes the product', async () => {
    await consolePage.getByTestId('nav-catalog').click();
    await consolePage.getByTestId('catalog-store').selectOption(STORE);
    // The CSV export holds the whole catalog (200 seeded), not only the 100 rows shown.
    const [download] = await Promise.all([
      consolePage.waitForEvent('download'),
      consolePage.getByTestId('export-catalog').click(),
    ]);
    const lines = (await readFile(await download.path(), 'utf8')).split('\r\n');
    expect(lines[0]).toBe('sku,price,store,product,barcode,category,active');
    expect(lines.length - 1).toBeGreaterThan(100);
    await consolePage.getByTestId('new-product-name').fill('E2E Lemonade');
    await consolePage.getByTestId('new-product-sku').fill('E2E-LEMON-1');
    await consolePage.getByTestId('new-product-price').fill('cheap');
    await consolePage.getByTestId('new-product-save').click();
    await consolePage.getByTestId('product-form').getByText('Enter a price like 12.99').waitFor();
    await consolePage.getByTestId('new-product-price').fill('3.25');
    await consolePage.getByTestId('new-product-save').click();
    const row = consolePage.locator('[data-testid="product-row"][data-sku="E2E-LEMON-1"]');
    await row.waitFor();
    expect(centsOf((await row.getByTestId('product-price').textContent()) ?? '')).toBe(325);

    consolePage.once('dialog', (dialog) => void dialog.accept());
    await row.getByTestId('delete-product').click();
    await consolePage.getByTestId('catalog-notice').getByText('is deleted').waitFor();
    expect(await row.count()).toBe(0);

    await consolePage.getByTestId('categories-panel').locator('summary').click();
    await consolePage.getByTestId('new-category-name').fill('E2E Picnic');
    await consolePage.getByTestId('new-category-save').click();
    const category = consolePage.locator('[data-testid="category-row"][data-name="E2E Picnic"]');
    await category.waitFor();
    await category.getByTestId('category-toggle').click();
    await category.getByTestId('category-status').getByText('Retired').waitFor();
  });

  it('resolves an exception (empty words answered next to the field) and reconciles a day', async () => {
    // A finding as ingest records it when a Z report counts a sale HQ never received.
    const zReportId = '0193a1b2-0000-7000-8000-00000000e2e1';
    await withTenant(hq.hq.central.pools.app, STORE, (tx) =>
      raiseExceptions(tx, [
        {
          kind: 'z_totals_differ',
          entity: 'z_report',
          entityId: zReportId,
          reason: 'Z report 7 of register R02 differs from HQ: sales 3 at the till, 2 at HQ',
          detail: { registerId: 'R02', zNumber: 7 },
          deviceId: null,
          mutationId: null,
        },
      ]),
    );
    await consolePage.getByTestId('nav-exceptions').click();
    await consolePage.getByTestId('exceptions-store').selectOption(STORE);
    const row = consolePage.locator('[data-testid="exception-row"][data-kind="z_totals_differ"]', {
      hasText: 'Z report 7 of register R02',
    });
    await row.waitFor();
    expect(await row.textContent()).toContain('Compare the Z report');
    await row.getByTestId('exception-resolve').click();
    await consolePage.getByTestId('resolve-save').click();
    await consolePage.getByTestId('resolve-form').getByText('Say what was done about it').waitFor();
    await consolePage.getByTestId('resolve-input').fill('Counted with the manager: a paper sale.');
    await consolePage.getByTestId('resolve-save').click();
    await consolePage.getByTestId('exceptions-notice').getByText('Resolved').waitFor();
    await row.waitFor({ state: 'detached' }); // the queue shows open exceptions
    await consolePage.getByTestId('exceptions-status').selectOption('resolved');
    expect(await row.getByTestId('exception-status').textContent()).toContain(
      `Resolved by ${ADMIN.email}`,
    );
    const stored = await withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
      const { rows } = await tx.query<{ status: string; resolved_by: string }>(
        `SELECT status, resolved_by FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
        [STORE, zReportId],
      );
      return rows[0];
    });
    expect(stored).toEqual({ status: 'resolved', resolved_by: ADMIN.email });

    await consolePage.getByTestId('reconcile-store').selectOption(STORE);
    await consolePage.getByTestId('reconcile-run').click();
    const day = consolePage.locator(`[data-testid="reconcile-day"][data-store="${STORE}"]`);
    await day.waitFor();
    expect(await day.getByTestId('reconcile-status').textContent()).toMatch(/balance/);
    await consolePage.setViewportSize({ width: 1366, height: 900 });
    await mkdir('test-results', { recursive: true });
    await consolePage.screenshot({ path: join('test-results', 'hq-console-exceptions.png') });
  });

  it('loads every report with its charts', async () => {
    await consolePage.getByTestId('nav-reports').click();
    await consolePage.getByTestId('report-from').fill('2026-08-01');
    await consolePage.getByTestId('report-to').fill('2026-11-01');
    await consolePage.locator('[data-testid="chart-sales-by-day"][data-rendered="true"]').waitFor();
    await consolePage.locator('[data-testid="chart-categories"][data-rendered="true"]').waitFor();
    await consolePage.locator('[data-testid="top-products"] tbody tr').first().waitFor();
    await consolePage.getByTestId('low-stock').waitFor();
    // Hours, tenders and cashiers (the rollups of migration 0025), each with a chart.
    await consolePage
      .locator('[data-testid="chart-sales-by-hour"][data-rendered="true"]')
      .waitFor();
    await consolePage.locator('[data-testid="chart-tenders"][data-rendered="true"]').waitFor();
    await consolePage.locator('[data-testid="chart-cashiers"][data-rendered="true"]').waitFor();
    await consolePage.locator('[data-testid="tender-mix"] tbody tr').first().waitFor();
    await consolePage.locator('[data-testid="cashiers"] tbody tr').first().waitFor();
    const tenderRows = await consolePage
      .locator('[data-testid="tender-mix"] tbody td:first-child')
      .allTextContents();
    expect(tenderRows.some((t) => t === 'Cash' || t === 'Card')).toBe(true);
    // The CSV export is the table the page shows.
    const [download] = await Promise.all([
      consolePage.waitForEvent('download'),
      consolePage.getByTestId('export-tenders').click(),
    ]);
    const csv = await readFile(await download.path(), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('tender,payments,amount');
    expect(csv.split('\r\n').length).toBe(tenderRows.length + 1);
    expect(
      centsOf((await consolePage.getByTestId('report-total').textContent()) ?? ''),
    ).toBeGreaterThan(0);
    await mkdir('test-results', { recursive: true });
    await consolePage.setViewportSize({ width: 1366, height: 900 });
    await consolePage.screenshot({ path: join('test-results', 'hq-console-reports.png') });

    await consolePage.getByTestId('nav-admin').click();
    await consolePage.locator('[data-testid="audit-row"][data-action="product.price"]').waitFor();
    await consolePage.locator('[data-testid="audit-row"][data-action="register.create"]').waitFor();
  });
});

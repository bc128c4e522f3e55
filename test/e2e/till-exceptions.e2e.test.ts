/**
 * The till shows its own exceptions in the cashier's words (issue 11), keyboard only, in
 * Chromium against a real local HQ: a till sells, HQ holds an exception about that sale (here
 * a receipt number another till also issued, recorded by HQ's own exception writer for the
 * till's mutation — how HQ raises each kind is tested in test/hq and test/central), and the
 * sync panel (F11) shows it under "Noticed by HQ" with what to do, in words a cashier reads (the
 * cashier-language scan passes on the panel). Once HQ staff resolve it, "Sync now" (F5) clears it.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceSyncState, ExceptionView } from '../../contract/admin-protocol';
import { raiseExceptions } from '../../db/central/exceptions';
import { withTenant } from '../../db/central/tenant';
import { startLocalHq, type LocalHq } from '../../electron/launch/local-hq';
import { offences } from './helpers/language';
import { login, openShiftIfAsked, scan } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const STORE = 'seattle';
const REGISTER = 'R02';
const ADMIN_TOKEN = `e2e-admin-token-${process.pid}`;

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

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${hq.url}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_TOKEN}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { ok: boolean; data: T };
  if (!json.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
  return json.data;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edge-pos-e2e-exc-'));
  await chmod(work, 0o711); // the embedded PostgreSQL runs as its own user when we are root
  hq = await startLocalHq({
    dataDir: join(work, 'hq'),
    port: await freePort(),
    adminToken: ADMIN_TOKEN,
    durable: false,
    seed: { products: 60, customers: 20, sales: 0 },
    logger: pino({ level: 'warn' }, pino.destination(2)),
  });
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

describe("the till's sync panel", () => {
  it('shows what HQ noticed about its sales, in the cashier words, until HQ resolves it', async () => {
    const page = browser.page;
    const code = await hq.enrollmentCode(STORE, REGISTER);
    const params = new URLSearchParams({ hq: app.hqUrl, code, enroll: 'auto' });
    await page.goto(`${app.url}?${params.toString()}`);
    await login(page, '1111');
    await openShiftIfAsked(page, '200');
    const synced = '[data-testid="sync-status"][data-state="online"][data-pending="0"]';
    await page.locator(synced).waitFor({ timeout: 90_000 });

    // Nothing noticed yet.
    await page.keyboard.press('F11');
    await page.getByTestId('sync-panel').waitFor();
    await page.getByText('Nothing to look at').waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');
    await page.getByTestId('sync-panel').waitFor({ state: 'detached' });

    // A cash sale, sent to HQ.
    const product = await withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
      const { rows } = await tx.query<{ sku: string; barcode: string }>(
        `SELECT sku, barcode FROM retail.products
          WHERE store_id = $1 AND is_active AND barcode IS NOT NULL ORDER BY sku LIMIT 1`,
        [STORE],
      );
      return rows[0]!;
    });
    await scan(page, product.barcode);
    await page.locator(`[data-testid="cart-line"][data-sku="${product.sku}"]`).waitFor();
    await page.keyboard.press('F12');
    await page.getByTestId('cash-input').waitFor();
    await page.keyboard.press('F12'); // exact cash
    await page.getByTestId('receipt-view').waitFor();
    const receiptNumber = (await page.getByTestId('receipt-number').textContent()) ?? '';
    expect(receiptNumber).toMatch(/^SEATTLE-R02-\d{6}$/);
    await page.keyboard.press('Enter');
    await page.locator(synced).waitFor({ timeout: 60_000 });

    // HQ records that another till issued the same receipt number (HQ's exception writer,
    // for this till's mutation of that sale).
    const { devices } = await admin<{ devices: DeviceSyncState[] }>(
      'GET',
      `/devices?storeId=${STORE}`,
    );
    const device = devices.find((d) => d.registerId === REGISTER && d.revokedAt === null)!;
    await withTenant(hq.hq.central.pools.app, STORE, async (tx) => {
      const { rows } = await tx.query<{ transaction_id: string; mutation_id: string }>(
        `SELECT t.transaction_id::text, l.mutation_id::text
           FROM retail.sales_transactions t
           JOIN sync.mutation_log l
             ON l.store_id = t.store_id AND l.device_id::text = t.device_id::text
          WHERE t.store_id = $1 AND t.receipt_number = $2 AND l.mutation_type = 'sale.recorded'
          ORDER BY l.mutation_id DESC LIMIT 1`,
        [STORE, receiptNumber],
      );
      const sale = rows[0]!;
      await raiseExceptions(tx, [
        {
          kind: 'receipt_number_taken',
          entity: 'sale',
          entityId: sale.transaction_id,
          deviceId: device.deviceId,
          mutationId: Number(sale.mutation_id),
          reason: `Receipt ${receiptNumber} was issued twice: another transaction of this store has the same number.`,
          detail: { receiptNumber, registerId: REGISTER },
        },
      ]);
    });

    await page.keyboard.press('F11');
    await page.getByTestId('sync-panel').waitFor();
    const noticed = page.getByTestId('hq-noticed');
    await noticed.waitFor({ timeout: 30_000 });
    const text = (await noticed.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain(
      `Receipt ${receiptNumber} has the same number as a receipt from another till`,
    );
    expect(text).toContain('Tell your manager now: two tills may be set up as the same register');
    expect(await offences(page)).toEqual([]);

    // Resolved at HQ: the next look (F11 again, sync now) shows nothing left to do.
    const open = await admin<{ exceptions: ExceptionView[] }>(
      'GET',
      `/exceptions?storeId=${STORE}&status=open&kind=receipt_number_taken`,
    );
    await admin('POST', `/stores/${STORE}/exceptions/${open.exceptions[0]!.exceptionId}/resolve`, {
      resolvedBy: 'Ana (HQ)',
      resolution: 'Second till revoked',
    });
    await page.keyboard.press('F11');
    await noticed.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByText('Nothing to look at').waitFor();
    expect(await offences(page)).toEqual([]);
  });
});

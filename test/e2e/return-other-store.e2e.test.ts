/**
 * A return at another store of the chain (issue 13, item 1), keyboard only, in Chromium against
 * a real local HQ. A customer bought at Seattle (the sale reaches HQ from Seattle's till; here
 * it is ingested as Seattle's till would push it) and brings one item back to Redmond's browser
 * till. While the chain's policy is off, the returns screen (F9) says where the receipt was
 * sold; with it on, Redmond's till finds Seattle's receipt at HQ, refunds the item in cash from
 * Redmond's drawer on a Redmond receipt, and HQ records the return at Redmond, linked to
 * Seattle's sale, once.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../core/ids';
import { ingestMutations, prepareSalesPartitions } from '../../db/central/ingest';
import { withTenant } from '../../db/central/tenant';
import { DEFAULT_SEED, demoStaff } from '../../db/seed/chain';
import { generateCatalog, toProductEntity } from '../../db/seed/catalog';
import { startLocalHq, type LocalHq } from '../../electron/launch/local-hq';
import { buildSale, envelope } from '../central/builders';
import { offences } from './helpers/language';
import { centsOf, login, noticeMatching, openShiftIfAsked, typeHuman } from './helpers/pos';
import {
  launchBrowser,
  screenshotOnFailure,
  startWebApp,
  type Browser,
  type WebApp,
} from './helpers/web-app';

const SOLD_AT = 'seattle';
const HERE = 'redmond';
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

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'edge-pos-e2e-xstore-'));
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

/** A two-item cash sale at Seattle's R01, as Seattle's till pushes it to HQ. */
async function soldAtSeattle() {
  const catalog = generateCatalog({ seed: DEFAULT_SEED.seed, products: 60 })
    .filter((p) => p.isActive && p.priceCents < 20_000)
    .map(toProductEntity);
  const sale = buildSale({
    ids: newId,
    storeId: SOLD_AT,
    cashierId: demoStaff(SOLD_AT)[1]!.staffId,
    receiptSeq: 4242,
    occurredAt: new Date().toISOString(),
    lines: [
      { product: catalog[0]!, quantity: 1 },
      { product: catalog[1]!, quantity: 1 },
    ],
  });
  const mutations = [envelope('sale.recorded', sale)];
  const pools = hq.hq.central.pools;
  await prepareSalesPartitions(pools.app, mutations);
  const [outcome] = await withTenant(pools.app, SOLD_AT, (tx) =>
    ingestMutations(tx, { deviceId: 'seattle-till', mutations }),
  );
  expect(outcome?.status).toBe('applied');
  return sale;
}

describe('a return at another store of the chain', () => {
  it("takes back Seattle's receipt at Redmond when the chain allows it, by keyboard", async () => {
    const sale = await soldAtSeattle();
    const page = browser.page;
    const code = await hq.enrollmentCode(HERE, 'R01');
    const params = new URLSearchParams({ hq: app.hqUrl, code, enroll: 'auto' });
    await page.goto(`${app.url}?${params.toString()}`);
    await login(page, '1111');
    await openShiftIfAsked(page, '200');
    const synced = '[data-testid="sync-status"][data-state="online"][data-pending="0"]';
    await page.locator(synced).waitFor({ timeout: 90_000 });

    // Off (the chain's default): the cashier is told where it was sold.
    await page.keyboard.press('F9');
    await page.getByTestId('return-receipt').waitFor();
    await typeHuman(page, sale.receiptNumber);
    await page.keyboard.press('Enter');
    const refused = await noticeMatching(page, /was sold at/, 20_000);
    expect(refused).toMatch(/Returns are taken only at the store that sold the items\./);
    expect(await offences(page)).toEqual([]);

    // The chain turns it on at HQ.
    await hq.hq.central.pools.admin.query(
      `UPDATE retail.chain_policy SET cross_store_returns = true, cross_store_return_days = 30`,
    );
    // The number is still in the field, which keeps the focus: Enter asks again.
    expect(
      await page.getByTestId('return-receipt').evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('return-qty').first().waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('return-line').count()).toBe(2);
    await typeHuman(page, '1');
    await page.getByTestId('refund-total').waitFor();
    const line = sale.lines[0]!;
    expect(centsOf((await page.getByTestId('refund-total').textContent()) ?? '')).toBe(
      line.totalCents + line.taxCents,
    );
    await page.keyboard.press('F12');
    await page.getByRole('dialog', { name: 'Refund now?' }).waitFor();
    await page.keyboard.press('Enter');
    await page.getByTestId('receipt-view').waitFor();
    expect(await page.getByTestId('money-headline').textContent()).toMatch(
      /^Refund due — give the customer \$[\d,.]+ in cash$/,
    );
    const number = ((await page.getByTestId('receipt-number').textContent()) ?? '').trim();
    expect(number).toMatch(/^REDMOND-R01-\d{6}$/);
    expect(await offences(page)).toEqual([]);
    await page.keyboard.press('Enter');
    await page.locator(synced).waitFor({ timeout: 60_000 });

    // At HQ: Redmond's return, linked to Seattle's sale, once.
    const atRedmond = await withTenant(hq.hq.central.pools.app, HERE, async (tx) => {
      const { rows } = await tx.query<{ original: string }>(
        `SELECT original_transaction_id::text AS original FROM retail.sales_transactions
          WHERE store_id = $1 AND receipt_number = $2`,
        [HERE, number],
      );
      return rows;
    });
    expect(atRedmond).toEqual([{ original: sale.transactionId }]);
    const atSeattle = await withTenant(hq.hq.central.pools.app, SOLD_AT, async (tx) => {
      const { rows } = await tx.query<{ store: string; receipt: string }>(
        `SELECT return_store_id AS store, return_receipt_number AS receipt
           FROM retail.returns_elsewhere WHERE store_id = $1`,
        [SOLD_AT],
      );
      return rows;
    });
    expect(atSeattle).toEqual([{ store: HERE, receipt: number }]);
  });
});

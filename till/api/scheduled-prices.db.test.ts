/**
 * Scheduled price changes at the till (issue 14, item 2), offline, on a real till with an
 * injected clock: HQ's rows arrive through the pull's writer (sync/client/apply.ts), then the
 * scan, the search and the sale's price follow the till's clock across the effective instant;
 * a line scanned before it and paid after it is charged the new price (the sale's time
 * decides); a price set by hand stays; a superseded row stops; a cancelled (deleted) row is
 * gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyChanges, emptyDeletes } from '../../contract/sync-protocol/changes';
import type { ScheduledPriceEntity } from '../../contract/catalog';
import { applyChanges, applyDeletes } from '../../sync/client/apply';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

const START = Date.parse('2026-12-24T13:00:00.000Z');
const EFFECTIVE = '2026-12-24T14:00:00.000Z';
let now = START;
let t: TestTill;
let api: TillApi;

beforeAll(async () => {
  t = await openTestTill({ clock: { now: () => new Date(now) } });
  api = apiFor(t);
  expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
  expect((await api.openShift({ openingFloatCents: 10_000 })).ok).toBe(true);
});

afterAll(async () => {
  await t.close();
});

const product = (i: number) => {
  const p = t.catalog.filter((x) => x.isActive && x.barcode && x.priceCents > 500)[i];
  if (!p?.barcode) throw new Error('no product');
  return p as typeof p & { barcode: string };
};

const row = (over: Partial<ScheduledPriceEntity>): ScheduledPriceEntity => ({
  scheduleId: t.till.ids(),
  productId: product(0).productId,
  priceCents: 123,
  effectiveAt: EFFECTIVE,
  supersededAt: null,
  version: 1,
  ...over,
});

/** HQ's rows, applied as a pull page applies them. */
async function pulled(rows: ScheduledPriceEntity[], deleted: string[] = []): Promise<void> {
  await t.store.db.transaction(async (tx) => {
    await applyDeletes(tx, t.till.identity.storeId, {
      ...emptyDeletes(),
      scheduledPrices: deleted,
    });
    await applyChanges(tx, t.till.identity.storeId, { ...emptyChanges(), scheduledPrices: rows });
  });
}

async function scanned(i: number): Promise<number> {
  const r = await api.scan({ code: product(i).barcode });
  if (!r.ok) throw new Error(r.error.message);
  return r.data.priceCents;
}

async function sell(i: number, unitPriceCents: number, override = false) {
  const p = product(i);
  const sale = await api.commitSale({
    transactionId: t.till.ids(),
    cart: {
      lines: [
        {
          productId: p.productId,
          sku: p.sku,
          productName: p.productName,
          categoryId: p.categoryId,
          unitPriceCents,
          quantity: 1,
          ...(override ? { priceOverride: { reason: 'damaged box' } } : {}),
        },
      ],
    },
    tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
    ...(override ? { managerPin: t.manager.pin, managerId: t.manager.staffId } : {}),
  });
  if (!sale.ok) throw new Error(sale.error.message);
  return sale.data.receipt.lines[0]!;
}

describe('a scheduled price at the till, offline', () => {
  it('applies at its instant by the till clock: scan, search and the sale', async () => {
    const p = product(0);
    const change = row({ priceCents: p.priceCents - 100 });
    await pulled([change]);

    now = Date.parse(EFFECTIVE) - 1;
    expect(await scanned(0)).toBe(p.priceCents);
    const before = await sell(0, p.priceCents);
    expect(before.unitPriceCents).toBe(p.priceCents);

    // Scanned a millisecond before, paid at the instant: the sale's time decides.
    const atScan = await scanned(0);
    now = Date.parse(EFFECTIVE);
    const after = await sell(0, atScan);
    expect(after.unitPriceCents).toBe(p.priceCents - 100);
    expect(await scanned(0)).toBe(p.priceCents - 100);
    const search = await api.search({ query: p.sku, limit: 5, inStockOnly: false });
    if (!search.ok) throw new Error(search.error.message);
    expect(search.data.hits.find((h) => h.productId === p.productId)?.priceCents).toBe(
      p.priceCents - 100,
    );
    // Other products keep their price.
    expect(await scanned(1)).toBe(product(1).priceCents);
  });

  it('keeps a price set by hand, and records the scheduled price as the one it replaced', async () => {
    const p = product(0);
    const line = await sell(0, p.priceCents - 150, true);
    expect(line.unitPriceCents).toBe(p.priceCents - 150);
    expect(line.priceOverride?.catalogPriceCents).toBe(p.priceCents - 100);
  });

  it('stops a superseded row at its moment and forgets a cancelled one', async () => {
    const p = product(0);
    const { rows } = await t.store.db.query<{ schedule_id: string }>(
      `SELECT schedule_id FROM retail.scheduled_prices`,
    );
    const id = rows[0]!.schedule_id;
    const superseded = new Date(Date.parse(EFFECTIVE) + 60_000).toISOString();
    await pulled([
      row({ scheduleId: id, priceCents: p.priceCents - 100, supersededAt: superseded, version: 2 }),
    ]);
    now = Date.parse(superseded) - 1;
    expect(await scanned(0)).toBe(p.priceCents - 100);
    now = Date.parse(superseded);
    expect(await scanned(0)).toBe(p.priceCents);

    const later = row({ priceCents: 77, effectiveAt: '2026-12-25T00:00:00.000Z' });
    await pulled([later]);
    now = Date.parse('2026-12-25T00:00:00.000Z');
    expect(await scanned(0)).toBe(77);
    await pulled([], [later.scheduleId]);
    expect(await scanned(0)).toBe(p.priceCents);
    expect((await sell(0, await scanned(0))).unitPriceCents).toBe(p.priceCents);
  });
});

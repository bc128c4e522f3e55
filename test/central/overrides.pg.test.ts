/**
 * Price overrides at HQ (issue 11, with issue 18's overrides): the till records a line whose
 * price was set by hand with the catalog price it replaced and a reason, and the sale with the
 * manager who approved it. HQ checks the overrides against the store's limits (the share a
 * cashier may take off alone, the open price a cashier may enter alone, the product's cost):
 * beyond them without an approval, or approved by someone who is not a manager of the store,
 * the sale is recorded all the same (the customer paid) with an exception for a person. Never
 * rejected, never quarantined.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import type { ProductEntity } from '../../contract/catalog';
import { cashierWords } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import { demoStaff } from '../../db/seed/chain';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { factsOutsideShifts } from '../../db/central/reconcile';
import { asStore, buildSale, envelope, ingest, seedWorld, type World } from './builders';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(1811, Date.UTC(2026, 10, 6));
const S = 'seattle';
let seq = 700;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 6, customers: 2 });
});
afterAll(async () => {
  await db?.drop();
});

const manager = (storeId: string): string =>
  demoStaff(storeId).find((s) => s.role === 'manager')!.staffId;

/** A one-line sale at `priceCents` (catalog price `catalogCents`), set by hand. */
function overridden(options: {
  priceCents: number;
  catalogCents?: number;
  approvedBy?: string | null;
  product?: ProductEntity;
}): SaleRecorded {
  const product = options.product ?? world.catalog[0]!;
  seq += 1;
  const sale = buildSale({
    ids,
    storeId: S,
    cashierId: world.cashierOf(S),
    receiptSeq: seq,
    occurredAt: new Date().toISOString(),
    lines: [{ product, quantity: 1, unitPriceCents: options.priceCents }],
  });
  sale.lines[0] = {
    ...sale.lines[0]!,
    priceOverride: {
      catalogPriceCents: options.catalogCents ?? product.priceCents,
      reason: 'damaged box',
    },
  };
  return { ...sale, approvedBy: options.approvedBy ?? null };
}

async function kindsOf(transactionId: string): Promise<string[]> {
  const { rows } = await db.pools.admin.query<{ kind: string }>(
    `SELECT kind FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2 ORDER BY kind`,
    [S, transactionId],
  );
  return rows.map((r) => r.kind);
}

async function recorded(transactionId: string): Promise<boolean> {
  const { rows } = await db.pools.admin.query(
    `SELECT 1 FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
    [S, transactionId],
  );
  return rows.length === 1;
}

describe('price overrides checked against the store limits', () => {
  it('records an override beyond the limit without an approval, with an exception', async () => {
    const price = world.catalog[0]!.priceCents;
    const sale = overridden({ priceCents: Math.floor(price / 2) });
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', sale)]);
    expect(outcome).toMatchObject({
      status: 'applied',
      exceptions: [expect.objectContaining({ kind: 'override_not_approved' })],
    });
    expect(await recorded(sale.transactionId)).toBe(true);
    expect(await kindsOf(sale.transactionId)).toEqual(['override_not_approved']);
    const { rows } = await db.pools.admin.query<{ reason: string; detail: unknown }>(
      `SELECT reason, detail FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [S, sale.transactionId],
    );
    expect(rows[0]!.reason).toContain(sale.receiptNumber);
    expect(rows[0]!.reason).toMatch(/more than 10% off/);
    expect(rows[0]!.detail).toMatchObject({ receiptNumber: sale.receiptNumber });
    // The till shows it in the cashier's words: the receipt and what to do, no codes.
    for (const kind of ['override_not_approved', 'override_approver_not_manager']) {
      const words = cashierWords({ kind, receiptNumber: sale.receiptNumber });
      expect(words.what).toContain(sale.receiptNumber);
      expect(`${words.what} ${words.todo}`).toMatch(/manager/);
      expect(`${words.what} ${words.todo}`).not.toMatch(/override_|_not_/);
    }
  });

  it('records an override approved by a cashier (not a manager), with an exception', async () => {
    const price = world.catalog[0]!.priceCents;
    const sale = overridden({ priceCents: Math.floor(price / 2), approvedBy: world.cashierOf(S) });
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', sale)]);
    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await recorded(sale.transactionId)).toBe(true);
    expect(await kindsOf(sale.transactionId)).toEqual(['override_approver_not_manager']);
  });

  it("records an override approved by another store's manager, with an exception", async () => {
    const price = world.catalog[0]!.priceCents;
    const sale = overridden({ priceCents: Math.floor(price / 2), approvedBy: manager('redmond') });
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', sale)]);
    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await kindsOf(sale.transactionId)).toEqual(['override_approver_not_manager']);
  });

  it('raises nothing for an override approved by the store manager or within the limit', async () => {
    const price = world.catalog[0]!.priceCents;
    const approved = overridden({ priceCents: Math.floor(price / 2), approvedBy: manager(S) });
    // 5% off and above cost (the seed's cost is at most 65% of the price): a cashier alone.
    const small = overridden({ priceCents: price - Math.floor(price / 20) });
    const raised = overridden({ priceCents: price + 100 });
    const outcomes = await ingest(db, S, [
      envelope('sale.recorded', approved),
      envelope('sale.recorded', small),
      envelope('sale.recorded', raised),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
    for (const sale of [approved, small, raised]) {
      expect(await recorded(sale.transactionId)).toBe(true);
      expect(await kindsOf(sale.transactionId)).toEqual([]);
    }
  });

  it('checks an open price against the open-price limit and a price against cost', async () => {
    // Store default: a cashier alone may enter an open price up to $100.00 (on a product that
    // costs less, so only the open-price limit can apply).
    const cheap = [...world.catalog].sort((a, b) => (a.costCents ?? 0) - (b.costCents ?? 0))[0]!;
    expect(cheap.costCents ?? 0).toBeLessThan(10_000);
    const open = overridden({ priceCents: 10_001, catalogCents: 0, product: cheap });
    const openOk = overridden({ priceCents: 10_000, catalogCents: 0, product: cheap });
    // Within 10% of a catalog price far above cost, but below the product's cost at HQ.
    const { rows } = await db.pools.admin.query<{ cents: number }>(
      `SELECT (cost * 100)::int AS cents FROM retail.products WHERE store_id = $1 AND product_id = $2`,
      [S, world.catalog[0]!.productId],
    );
    const cost = Number(rows[0]!.cents);
    const belowCost = overridden({ priceCents: cost - 1, catalogCents: cost });
    const outcomes = await ingest(db, S, [
      envelope('sale.recorded', open),
      envelope('sale.recorded', openOk),
      envelope('sale.recorded', belowCost),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'applied']);
    expect(await kindsOf(open.transactionId)).toEqual(['override_not_approved']);
    expect(await kindsOf(openOk.transactionId)).toEqual([]);
    expect(await kindsOf(belowCost.transactionId)).toEqual(['override_not_approved']);
    const { rows: why } = await db.pools.admin.query<{ reason: string }>(
      `SELECT reason FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [S, belowCost.transactionId],
    );
    expect(why[0]!.reason).toMatch(/below cost/);
  });

  it("counts an open price in HQ's Z figures without making 'taken off' negative", async () => {
    // As the till's X and Z (db/checkout/shifts.ts): an open price replaced no catalog price.
    const { rows } = await db.pools.admin.query<{ day: string }>(
      `SELECT (now() AT TIME ZONE timezone)::date::text AS day FROM retail.stores WHERE store_id = $1`,
      [S],
    );
    const day = rows[0]!.day;
    const facts = () => asStore(db, S, (tx) => factsOutsideShifts(tx, day));
    const before = await facts();
    const open = overridden({ priceCents: 4_000, catalogCents: 0 });
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', open)]);
    expect(outcome?.status).toBe('applied');
    const after = await facts();
    expect(after.overridesCount - before.overridesCount).toBe(1);
    expect(after.overridesCents - before.overridesCents).toBe(0);
  });

  it('never quarantines an override sale', async () => {
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.quarantine WHERE store_id = $1`,
      [S],
    );
    expect(rows[0]!.n).toBe(0);
  });
});

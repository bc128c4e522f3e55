/**
 * Loyalty points at HQ (issue 18, item 6): a sale with a customer earns one point per whole
 * currency unit of its net amount, exactly once (a replayed push changes nothing); a return
 * takes back the points of what it refunds, from the customer of the sale it returns; a void
 * takes back what its sale earned, once; the tier is computed from the points of the last
 * twelve months and travels down the store's feed with the customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import type { SaleRecorded } from '../../contract/mutations';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { buildSale, envelope, ingest, seedWorld, type World } from './builders';
import { withTenant } from '../../db/central/tenant';
import { loyaltyAccount, type LoyaltyAccount } from '../../db/central/loyalty';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(1806, Date.UTC(2026, 10, 7));
const S = 'seattle';
let seq = 700;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 6, customers: 24 });
});
afterAll(async () => {
  await db?.drop();
});

/** A sale of `quantity` × `unitPriceCents` (tax 10 % on top) for `customerId`. */
function sale(options: {
  customerId: string | null;
  unitPriceCents: number;
  quantity?: number;
  occurredAt?: string;
}): SaleRecorded {
  seq += 1;
  return buildSale({
    ids,
    storeId: S,
    cashierId: world.cashierOf(S),
    receiptSeq: seq,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    customerId: options.customerId,
    lines: [
      {
        product: world.catalog[0]!,
        quantity: options.quantity ?? 1,
        unitPriceCents: options.unitPriceCents,
      },
    ],
  });
}

/** The return of one unit of `original`'s first line, naming no customer (as a till sends it). */
function returnOf(original: SaleRecorded): SaleRecorded {
  seq += 1;
  const sold = original.lines[0]!;
  return buildSale({
    ids,
    storeId: S,
    cashierId: world.cashierOf(S),
    receiptSeq: seq,
    occurredAt: new Date().toISOString(),
    originalTransactionId: original.transactionId,
    customerId: null,
    lines: [
      {
        product: world.catalog[0]!,
        quantity: -1,
        unitPriceCents: sold.unitPriceCents,
        originalItemId: sold.itemId,
      },
    ],
  });
}

async function push(...mutations: Parameters<typeof ingest>[2]) {
  return ingest(db, S, mutations);
}

async function account(customerId: string): Promise<LoyaltyAccount> {
  const a = await withTenant(db.pools.app, S, (tx) =>
    loyaltyAccount(tx, { customerId, asOf: new Date() }),
  );
  if (!a) throw new Error(`no customer ${customerId}`);
  return a;
}

describe('loyalty points at HQ', () => {
  it('a sale earns a point per whole currency unit of its net amount, exactly once', async () => {
    const customer = world.customersOf(S)[0]!;
    const before = await account(customer.customerId);
    // 3 × $12.99 = $38.97 net (tax on top is not counted): 38 points.
    const s = sale({ customerId: customer.customerId, unitPriceCents: 1_299, quantity: 3 });
    const m = envelope('sale.recorded', s);
    expect((await push(m))[0]?.status).toBe('applied');
    expect((await account(customer.customerId)).balancePoints).toBe(before.balancePoints + 38);
    // The same push again (a lost acknowledgement), and the sale under another mutation ID.
    await push(m);
    await push({ ...m, mutationId: m.mutationId + 1_000 });
    expect((await account(customer.customerId)).balancePoints).toBe(before.balancePoints + 38);
  });

  it('a sale without a customer, or with one HQ does not hold, earns nothing', async () => {
    const { rows: before } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.loyalty_ledger`,
    );
    await push(
      envelope('sale.recorded', sale({ customerId: null, unitPriceCents: 5_000 })),
      envelope('sale.recorded', sale({ customerId: ids(), unitPriceCents: 5_000 })),
    );
    const { rows: after } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.loyalty_ledger`,
    );
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it("a return takes back the points of what it refunds from the sale's customer", async () => {
    const customer = world.customersOf(S)[1]!;
    const start = (await account(customer.customerId)).balancePoints;
    // 2 × $10.50 = $21.00: 21 points. Each unit returned takes back 10 ($10.50 rounded down),
    // so both returned take back 20: never more than the sale earned.
    const s = sale({ customerId: customer.customerId, unitPriceCents: 1_050, quantity: 2 });
    await push(envelope('sale.recorded', s));
    expect((await account(customer.customerId)).balancePoints).toBe(start + 21);
    const back = envelope('sale.recorded', returnOf(s));
    await push(back);
    expect((await account(customer.customerId)).balancePoints).toBe(start + 11);
    await push(back);
    await push(envelope('sale.recorded', returnOf(s)));
    expect((await account(customer.customerId)).balancePoints).toBe(start + 1);
  });

  it('a void takes back what its sale earned, once however often it is sent', async () => {
    const customer = world.customersOf(S)[2]!;
    const start = (await account(customer.customerId)).balancePoints;
    const s = sale({ customerId: customer.customerId, unitPriceCents: 4_200 });
    await push(envelope('sale.recorded', s));
    expect((await account(customer.customerId)).balancePoints).toBe(start + 42);
    const voided = envelope('sale.voided', {
      transactionId: s.transactionId,
      reason: 'rung up by mistake',
      voidedBy: world.cashierOf(S),
      voidedAt: new Date().toISOString(),
      stockMovements: [],
    });
    expect((await push(voided))[0]?.status).toBe('applied');
    await push(voided);
    await push({ ...voided, mutationId: voided.mutationId + 1_000 });
    expect((await account(customer.customerId)).balancePoints).toBe(start);
  });

  it("a till that counted other points: an exception, the sale recorded, HQ's count credited", async () => {
    const customer = world.customersOf(S)[4]!;
    const start = (await account(customer.customerId)).balancePoints;
    const s = sale({ customerId: customer.customerId, unitPriceCents: 2_550 });
    expect(s.loyaltyPointsEarned).toBe(25);
    const outcomes = await push(envelope('sale.recorded', { ...s, loyaltyPointsEarned: 2_500 }));
    expect(outcomes[0]).toMatchObject({
      status: 'applied',
      exceptions: [expect.objectContaining({ kind: 'loyalty_points_differ' })],
    });
    expect((await account(customer.customerId)).balancePoints).toBe(start + 25);
    // The same count as HQ's: no exception.
    const ok = await push(
      envelope('sale.recorded', sale({ customerId: customer.customerId, unitPriceCents: 100 })),
    );
    expect(ok[0]).toMatchObject({ status: 'applied' });
    expect(ok[0]?.status === 'applied' ? (ok[0].exceptions ?? []) : []).toEqual([]);
  });

  it("computes the tier from the last twelve months' points and sends it down with the customer", async () => {
    const customer = world.customersOf(S)[3]!;
    // The seed's label is replaced by the computed tier at the customer's first sale.
    await push(
      envelope('sale.recorded', sale({ customerId: customer.customerId, unitPriceCents: 100 })),
    );
    expect(await account(customer.customerId)).toMatchObject({ windowPoints: 1, tier: 'bronze' });
    // Points older than twelve months count in the balance, not in the tier.
    const old = new Date();
    old.setUTCMonth(old.getUTCMonth() - 13);
    await push(
      envelope(
        'sale.recorded',
        sale({
          customerId: customer.customerId,
          unitPriceCents: 900_00,
          occurredAt: old.toISOString(),
        }),
      ),
    );
    expect(await account(customer.customerId)).toMatchObject({
      balancePoints: 901,
      windowPoints: 1,
      tier: 'bronze',
    });
    const { rows: feedBefore } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.change_log
        WHERE store_id = $1 AND entity = 'customer' AND key = $2`,
      [S, customer.customerId],
    );
    // 2,100 points this year: gold.
    await push(
      envelope(
        'sale.recorded',
        sale({ customerId: customer.customerId, unitPriceCents: 2_099_00 }),
      ),
    );
    expect(await account(customer.customerId)).toMatchObject({
      windowPoints: 2_100,
      tier: 'gold',
    });
    const { rows: feedAfter } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.change_log
        WHERE store_id = $1 AND entity = 'customer' AND key = $2`,
      [S, customer.customerId],
    );
    expect(feedAfter[0]!.n).toBeGreaterThan(feedBefore[0]!.n);
  });
});

/**
 * Returns at another store of the chain, HQ's side (issue 13, item 1; docs/security.md
 * "Receipts of another store"): the one path that shows a store another store's receipt
 * (hq/services/receipts.ts) answers only as the chain's policy allows (off, too old, another
 * currency), records every disclosure in the asking store's rows before answering, and answers
 * without the customer, shift, approver or notes. No other path crosses: the asking store's
 * tenant sees none of the selling store's rows with the policy on, a return naming another
 * store's sale that HQ never showed it links nothing there, and a return pushed again is
 * linked once. (The tills' side, with real tills: test/sync/returns-across-stores.pg.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import type { SaleRecorded } from '../../contract/mutations';
import { withTenant } from '../../db/central/tenant';
import { PgCode } from '../../db/pg-errors';
import { lookUpReceipt } from '../../hq/services/receipts';
import { sha256Hex, type DeviceCredential } from '../../hq/services/credentials';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { buildSale, envelope, ingest, seedWorld, type World } from './builders';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(1313, Date.UTC(2026, 11, 1));
const A = 'seattle';
const B = 'redmond';
const SOLD_AT = '2026-12-01T15:00:00.000Z';
const DAY = 86_400_000;
let sale: SaleRecorded;
let unseen: SaleRecorded;
const device: DeviceCredential = {
  storeId: B,
  deviceId: ids(),
  secret: 'b-till-secret-0123456789',
};

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 4, customers: 2 });
  await db.pools.admin.query(
    `INSERT INTO sync.devices (store_id, device_id, register_id, secret_hash) VALUES ($1, $2, 'R01', $3)`,
    [B, device.deviceId, sha256Hex(device.secret)],
  );
  const soldAtA = (receiptSeq: number) =>
    buildSale({
      ids,
      storeId: A,
      cashierId: world.cashierOf(A),
      receiptSeq,
      occurredAt: SOLD_AT,
      customerId: world.customersOf(A)[0]!.customerId,
      lines: [
        { product: world.catalog[0]!, quantity: 2 },
        { product: world.catalog[1]!, quantity: 1 },
      ],
    });
  sale = soldAtA(1);
  unseen = soldAtA(2);
  const outcomes = await ingest(db, A, [
    envelope('sale.recorded', sale),
    envelope('sale.recorded', unseen),
  ]);
  expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied']);
});
afterAll(async () => {
  await db?.drop();
});

async function setPolicy(on: boolean, days = 30): Promise<void> {
  await db.pools.admin.query(
    `UPDATE retail.chain_policy SET cross_store_returns = $1, cross_store_return_days = $2`,
    [on, days],
  );
}

const ask = (receiptNumber: string, daysAfterSale = 1) =>
  lookUpReceipt(db.pools.app, {
    credential: device,
    request: { receiptNumber },
    pending: undefined,
    now: () => new Date(Date.parse(SOLD_AT) + daysAfterSale * DAY),
  });

async function storeName(storeId: string): Promise<string> {
  const { rows } = await db.pools.admin.query<{ store_name: string }>(
    `SELECT store_name FROM retail.stores WHERE store_id = $1`,
    [storeId],
  );
  return rows[0]!.store_name;
}

async function disclosures(): Promise<number> {
  const { rows } = await db.pools.admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sync.receipt_disclosures`,
  );
  return rows[0]!.n;
}

describe("the lookup of another store's receipt", () => {
  it('is refused while the policy is off (the default), with where it was sold', async () => {
    expect(await ask(sale.receiptNumber)).toEqual({
      found: false,
      otherStore: await storeName(A),
      refusal: 'policy_off',
    });
    expect(await disclosures()).toBe(0);
  });

  it('is refused when the sale is older than the policy days, or in another currency', async () => {
    await setPolicy(true, 30);
    expect(await ask(sale.receiptNumber, 31)).toMatchObject({
      found: false,
      refusal: 'too_old',
      returnDays: 30,
    });
    await db.pools.admin.query(`UPDATE retail.stores SET currency = 'CAD' WHERE store_id = $1`, [
      B,
    ]);
    try {
      expect(await ask(sale.receiptNumber)).toMatchObject({
        found: false,
        refusal: 'other_currency',
      });
    } finally {
      await db.pools.admin.query(`UPDATE retail.stores SET currency = 'USD' WHERE store_id = $1`, [
        B,
      ]);
    }
    expect(await disclosures()).toBe(0);
  });

  it('when allowed, answers only what a return needs and records the disclosure first', async () => {
    const answer = await ask(sale.receiptNumber.toLowerCase(), 29);
    if (!answer.found) throw new Error('not found');
    expect(answer.soldAt).toBe(await storeName(A));
    expect(answer.sale.transactionId).toBe(sale.transactionId);
    expect(answer.sale.lines.map((l) => [l.itemId, l.quantity, l.totalCents])).toEqual(
      sale.lines.map((l) => [l.itemId, l.quantity, l.totalCents]),
    );
    expect(answer.sale.payments.map((p) => p.amountCents)).toEqual(
      sale.payments.map((p) => p.amountCents),
    );
    expect(sale.customerId).not.toBeNull();
    expect({
      customerId: answer.sale.customerId,
      shiftId: answer.sale.shiftId,
      approvedBy: answer.sale.approvedBy,
      notes: answer.sale.notes,
    }).toEqual({ customerId: null, shiftId: null, approvedBy: null, notes: null });
    const { rows } = await db.pools.admin.query(
      `SELECT store_id, device_id::text, origin_store_id, transaction_id::text, receipt_number
         FROM sync.receipt_disclosures`,
    );
    expect(rows).toEqual([
      {
        store_id: B,
        device_id: device.deviceId,
        origin_store_id: A,
        transaction_id: sale.transactionId,
        receipt_number: sale.receiptNumber,
      },
    ]);
  });
});

function returnAtB(original: SaleRecorded, receiptSeq: number): SaleRecorded {
  return buildSale({
    ids,
    storeId: B,
    cashierId: world.cashierOf(B),
    receiptSeq,
    occurredAt: '2026-12-03T10:00:00.000Z',
    transactionType: 'return',
    originalTransactionId: original.transactionId,
    lines: [
      { product: world.catalog[0]!, quantity: -1, originalItemId: original.lines[0]!.itemId },
    ],
  });
}

async function linkedAtA(originalId: string): Promise<number> {
  const { rows } = await db.pools.admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.returns_elsewhere
      WHERE store_id = $1 AND original_transaction_id = $2`,
    [A, originalId],
  );
  return rows[0]!.n;
}

async function kindsOf(transactionId: string): Promise<string[]> {
  const { rows } = await db.pools.admin.query<{ kind: string }>(
    `SELECT kind FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2 ORDER BY kind`,
    [B, transactionId],
  );
  return rows.map((r) => r.kind);
}

describe("a return of another store's receipt at HQ's ingest", () => {
  it('is recorded at the store that took it and linked once at the store that sold', async () => {
    const ret = returnAtB(sale, 1);
    const m = envelope('sale.recorded', ret);
    expect((await ingest(db, B, [m])).map((o) => o.status)).toEqual(['applied']);
    expect(await kindsOf(ret.transactionId)).toEqual([]);
    // Pushed again (same mutation, then the same sale in a new mutation): nothing more.
    expect((await ingest(db, B, [m])).map((o) => o.status)).toEqual(['duplicate']);
    expect((await ingest(db, B, [envelope('sale.recorded', ret)])).map((o) => o.status)).toEqual([
      'duplicate',
    ]);
    expect(await linkedAtA(sale.transactionId)).toBe(1);
    // The selling store's answer now counts it.
    const answer = await ask(sale.receiptNumber);
    if (!answer.found) throw new Error('not found');
    expect(answer.returns.map((r) => [r.transactionId, r.lines])).toEqual([
      [ret.transactionId, [{ originalItemId: sale.lines[0]!.itemId, quantity: 1 }]],
    ]);
  });

  it('raises over_returned_across_stores past what was sold, counting both stores', async () => {
    // A takes back the other unit of the first line; then B's second return of it is one too many.
    const atA = buildSale({
      ids,
      storeId: A,
      cashierId: world.cashierOf(A),
      receiptSeq: 3,
      occurredAt: '2026-12-03T11:00:00.000Z',
      transactionType: 'return',
      originalTransactionId: sale.transactionId,
      lines: [{ product: world.catalog[0]!, quantity: -1, originalItemId: sale.lines[0]!.itemId }],
    });
    expect((await ingest(db, A, [envelope('sale.recorded', atA)])).map((o) => o.status)).toEqual([
      'applied',
    ]);
    const { rows } = await db.pools.admin.query<{ kind: string }>(
      `SELECT kind FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [A, atA.transactionId],
    );
    expect(rows).toEqual([]);
    const again = returnAtB(sale, 2);
    expect((await ingest(db, B, [envelope('sale.recorded', again)])).map((o) => o.status)).toEqual([
      'applied',
    ]);
    expect(await kindsOf(again.transactionId)).toEqual(['over_returned_across_stores']);
    expect(await linkedAtA(sale.transactionId)).toBe(2);
    // And the selling store's own next return of that line is past what was sold too.
    const third = buildSale({
      ids,
      storeId: A,
      cashierId: world.cashierOf(A),
      receiptSeq: 4,
      occurredAt: '2026-12-03T12:00:00.000Z',
      transactionType: 'return',
      originalTransactionId: sale.transactionId,
      lines: [{ product: world.catalog[0]!, quantity: -1, originalItemId: sale.lines[0]!.itemId }],
    });
    await ingest(db, A, [envelope('sale.recorded', third)]);
    const atAKinds = await db.pools.admin.query<{ kind: string }>(
      `SELECT kind FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [A, third.transactionId],
    );
    expect(atAKinds.rows.map((r) => r.kind)).toEqual(['over_returned']);
  });

  it('links nothing when HQ never showed the store that sale (a forged original)', async () => {
    const forged = returnAtB(unseen, 3);
    expect((await ingest(db, B, [envelope('sale.recorded', forged)])).map((o) => o.status)).toEqual(
      ['applied'],
    );
    expect(await kindsOf(forged.transactionId)).toEqual(['unknown_original_transaction']);
    expect(await linkedAtA(unseen.transactionId)).toBe(0);
  });
  it('stops counting at the selling store once the return is voided where it was taken', async () => {
    const second = buildSale({
      ids,
      storeId: B,
      cashierId: world.cashierOf(B),
      receiptSeq: 4,
      occurredAt: '2026-12-03T13:00:00.000Z',
      transactionType: 'return',
      originalTransactionId: sale.transactionId,
      lines: [{ product: world.catalog[1]!, quantity: -1, originalItemId: sale.lines[1]!.itemId }],
    });
    await ingest(db, B, [envelope('sale.recorded', second)]);
    const voided = await ingest(db, B, [
      envelope('sale.voided', {
        transactionId: second.transactionId,
        reason: 'Rung up by mistake',
        voidedBy: world.cashierOf(B),
        voidedAt: '2026-12-03T13:05:00.000Z',
        stockMovements: [],
      }),
    ]);
    expect(voided.map((o) => o.status)).toEqual(['applied']);
    const { rows } = await db.pools.admin.query<{ status: string }>(
      `SELECT status FROM retail.returns_elsewhere WHERE store_id = $1 AND return_transaction_id = $2`,
      [A, second.transactionId],
    );
    expect(rows).toEqual([{ status: 'voided' }]);
    // The unit can be taken back again without an exception.
    const redo = buildSale({
      ids,
      storeId: B,
      cashierId: world.cashierOf(B),
      receiptSeq: 5,
      occurredAt: '2026-12-03T14:00:00.000Z',
      transactionType: 'return',
      originalTransactionId: sale.transactionId,
      lines: [{ product: world.catalog[1]!, quantity: -1, originalItemId: sale.lines[1]!.itemId }],
    });
    await ingest(db, B, [envelope('sale.recorded', redo)]);
    expect(await kindsOf(redo.transactionId)).toEqual([]);
  });
});

describe('no other path crosses stores', () => {
  it("with the policy on, the asking store's tenant sees none of the selling store's rows", async () => {
    await setPolicy(true, 3650);
    const seen = await withTenant(db.pools.app, B, async (tx) => {
      const q = async (sql: string) =>
        (await tx.query<{ n: number }>(sql, [sale.transactionId])).rows[0]!.n;
      return {
        sale: await q(
          `SELECT count(*)::int AS n FROM retail.sales_transactions WHERE transaction_id = $1`,
        ),
        lines: await q(
          `SELECT count(*)::int AS n FROM retail.sales_transaction_items WHERE transaction_id = $1`,
        ),
        linked: await q(
          `SELECT count(*)::int AS n FROM retail.returns_elsewhere WHERE original_transaction_id = $1`,
        ),
      };
    });
    expect(seen).toEqual({ sale: 0, lines: 0, linked: 0 });
    // The selling store's tenant does not see the asking store's audit trail either.
    const audit = await withTenant(
      db.pools.app,
      A,
      async (tx) => (await tx.query(`SELECT 1 FROM sync.receipt_disclosures`)).rows,
    );
    expect(audit).toEqual([]);
  });

  it('the service role cannot change the chain policy, nor write a link into another store', async () => {
    await expect(
      db.pools.app.query(`UPDATE retail.chain_policy SET cross_store_returns = false`),
    ).rejects.toMatchObject({ code: PgCode.insufficientPrivilege });
    await expect(
      withTenant(db.pools.app, B, (tx) =>
        tx.query(
          `INSERT INTO retail.returns_elsewhere (store_id, return_store_id, return_transaction_id,
             original_transaction_id, return_receipt_number, card_amount, refund_amount, lines,
             occurred_at, recorded_at)
           VALUES ($1, $2, $3, $4, 'X', 0, 0, '[]', now(), now())`,
          [A, B, ids(), unseen.transactionId],
        ),
      ),
    ).rejects.toMatchObject({ code: PgCode.insufficientPrivilege });
  });
});

/**
 * A return without a receipt re-checked at HQ (issue 13, item 1): the till asks a manager of
 * the store to approve every one; HQ does not take the till's word for it. Approved by a
 * manager of the store: recorded, no exception. Arrived without an approver, or approved by a
 * cashier or by another store's manager: recorded all the same (the customer has the money)
 * with an exception for a person, in the cashier's words at the till. Never rejected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import { cashierWords } from '../../contract/exceptions';
import type { SaleRecorded } from '../../contract/mutations';
import { demoStaff } from '../../db/seed/chain';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { buildSale, envelope, ingest, seedWorld, type World } from './builders';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(1907, Date.UTC(2026, 11, 7));
const S = 'seattle';
let seq = 900;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 4, customers: 1 });
});
afterAll(async () => {
  await db?.drop();
});

const managerOf = (storeId: string): string =>
  demoStaff(storeId).find((s) => s.role === 'manager')!.staffId;

/** A one-item return without a receipt, refunded to card, approved by `approvedBy`. */
function noReceiptReturn(approvedBy: string | null): SaleRecorded {
  seq += 1;
  const sale = buildSale({
    ids,
    storeId: S,
    cashierId: world.cashierOf(S),
    receiptSeq: seq,
    occurredAt: new Date().toISOString(),
    transactionType: 'return',
    originalTransactionId: null,
    lines: [{ product: world.catalog[0]!, quantity: -1 }],
  });
  return { ...sale, noReceiptReason: 'Gift, no receipt', approvedBy };
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
    `SELECT 1 FROM retail.sales_transactions
      WHERE store_id = $1 AND transaction_id = $2 AND no_receipt_reason IS NOT NULL`,
    [S, transactionId],
  );
  return rows.length === 1;
}

describe("a return without a receipt: the manager's approval checked at HQ", () => {
  it('records an approved one without an exception', async () => {
    const ret = noReceiptReturn(managerOf(S));
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', ret)]);
    expect(outcome).toMatchObject({ status: 'applied' });
    expect(await recorded(ret.transactionId)).toBe(true);
    expect(await kindsOf(ret.transactionId)).toEqual([]);
  });

  it('records one without an approver, with an exception for a person', async () => {
    const ret = noReceiptReturn(null);
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', ret)]);
    expect(outcome).toMatchObject({
      status: 'applied',
      exceptions: [expect.objectContaining({ kind: 'no_receipt_return_not_approved' })],
    });
    expect(await recorded(ret.transactionId)).toBe(true);
    expect(await kindsOf(ret.transactionId)).toEqual(['no_receipt_return_not_approved']);
    const { rows } = await db.pools.admin.query<{ reason: string; detail: unknown }>(
      `SELECT reason, detail FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [S, ret.transactionId],
    );
    expect(rows[0]!.reason).toContain(ret.receiptNumber);
    expect(rows[0]!.detail).toMatchObject({
      receiptNumber: ret.receiptNumber,
      reason: 'Gift, no receipt',
      refundCents: -ret.totalCents,
    });
    const words = cashierWords({
      kind: 'no_receipt_return_not_approved',
      receiptNumber: ret.receiptNumber,
    });
    expect(words.what).toContain(ret.receiptNumber);
    expect(`${words.what} ${words.todo}`).not.toMatch(/_|[0-9a-f]{8}-[0-9a-f]{4}/);
  });

  it("records one approved by a cashier or another store's manager, with an exception", async () => {
    for (const approver of [world.cashierOf(S), managerOf('redmond')]) {
      const ret = noReceiptReturn(approver);
      const [outcome] = await ingest(db, S, [envelope('sale.recorded', ret)]);
      expect(outcome).toMatchObject({ status: 'applied' });
      expect(await recorded(ret.transactionId)).toBe(true);
      expect(await kindsOf(ret.transactionId)).toEqual(['no_receipt_return_approver_not_manager']);
    }
  });
});

/**
 * Returns at any register (issue 13, item 1): a till finds a receipt of its store sold at
 * another register (locally, then at HQ through POST /v1/receipts/lookup), returns against it,
 * and the return reaches HQ once, linked to the original, never more than was sold: what other
 * registers took back counts at the till, and when two offline registers both took back the
 * same unit, HQ records both and raises over_returned. A receipt of another store is refused
 * with where it was sold (returns across stores are off). Real HQ on PostgreSQL, real tills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../db/logger';
import { commitReturn } from '../../db/checkout/returns';
import { commitNoReceiptReturn } from '../../db/checkout/no-receipt';
import { currentShift, openShift } from '../../db/checkout/shifts';
import { newId } from '../../core/ids';
import { withTenant } from '../../db/central/tenant';
import { demoStaff } from '../../db/seed/chain';
import { makeTillApi, type TillApi } from '../../till/api/handlers';
import { hostOnTill } from '../../till/host';
import { clientSyncPort, type SyncPort } from '../../till/sync-port';
import type { SaleResult } from '../../contract/till-api/sale';
import {
  addRegister,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from './harness';

const S = 'seattle';
let hq: TestHq;
const tills: TestTillHandle[] = [];
const cashier = demoStaff(S).find((s) => s.role === 'cashier')!;

beforeAll(async () => {
  hq = await startTestHq();
});
afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  await hq?.close();
});

async function till(registerId: string): Promise<TestTillHandle> {
  await addRegister(hq, S, registerId);
  const t = await openSyncTill({ url: hq.url, code: await hq.code(S, registerId), storeId: S });
  tills.push(t);
  return t;
}

/** The till API over a test till, logged in as the cashier; `sync` replaces its sync port. */
async function apiOf(t: TestTillHandle, sync?: (port: SyncPort) => SyncPort): Promise<TillApi> {
  const context = await t.till();
  const port = clientSyncPort(t.client);
  const host = hostOnTill(t.store, sync ? sync(port) : port, {
    platform: 'electron',
    logger: silentLogger,
    clock: context.clock,
    ids: context.ids,
  });
  const api = makeTillApi({ host: Promise.resolve(host) });
  const login = await api.login({ staffId: cashier.staffId, pin: cashier.pin });
  if (!login.ok) throw new Error(login.error.message);
  if (!(await currentShift(context))) {
    await openShift(context, { staffId: cashier.staffId, openingFloatCents: 10_000 });
  }
  return api;
}

function data<T>(r: { ok: true; data: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.data;
}

async function hqReturnsOf(originalTransactionId: string) {
  return withTenant(hq.db.pools.app, S, async (tx) => {
    const { rows } = await tx.query<{ transaction_id: string; receipt_number: string }>(
      `SELECT transaction_id, receipt_number FROM retail.sales_transactions
        WHERE store_id = $1 AND original_transaction_id = $2 ORDER BY receipt_number`,
      [S, originalTransactionId],
    );
    return rows;
  });
}

async function hqExceptionsOf(transactionId: string) {
  return withTenant(hq.db.pools.app, S, async (tx) => {
    const { rows } = await tx.query<{ kind: string; reason: string }>(
      `SELECT kind, reason FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [S, transactionId],
    );
    return rows;
  });
}

describe('returns at any register of the store', () => {
  let sale: SaleResult;
  let r01: TestTillHandle;
  let r02: TestTillHandle;

  it('finds a receipt sold at another register through HQ and returns against it once', async () => {
    r01 = await till('R01');
    r02 = await till('R02');
    sale = await ringSale(r02, { lines: 2 });
    await r02.client.syncNow();
    const number = sale.receipt.receiptNumber;

    const api = await apiOf(r01);
    const found = data(await api.returnableLines({ receiptNumber: number.toLowerCase() }));
    expect(found.receipt.receiptNumber).toBe(number);
    expect(found.receipt.registerId).toBe('R02');
    expect(found.lines.map((l) => l.returnableQuantity)).toEqual([1, 1]);

    const first = found.lines[0]!;
    const refund = data(
      await api.commitReturn({
        transactionId: newId(),
        originalReceiptNumber: number,
        lines: [{ originalItemId: first.itemId, quantity: 1, reason: 'Too small', restock: true }],
        tenders: [],
      }),
    );
    expect(refund.receipt.originalTransactionId).toBe(sale.receipt.transactionId);
    expect(refund.receipt.totalCents).toBe(-first.totalCents - first.taxCents);
    // The same unit cannot go back twice at this register...
    const again = await api.commitReturn({
      transactionId: newId(),
      originalReceiptNumber: number,
      lines: [{ originalItemId: first.itemId, quantity: 1, reason: 'Again', restock: true }],
      tenders: [],
    });
    expect(again.ok ? 'refunded' : again.error.message).toMatch(/1 already returned, 0 left/);

    await r01.client.syncNow();
    await r01.client.syncNow();
    const atHq = await hqReturnsOf(sale.receipt.transactionId);
    expect(atHq.map((r) => r.transaction_id)).toEqual([refund.receipt.transactionId]);
    expect(await hqExceptionsOf(refund.receipt.transactionId)).toEqual([]);

    // ...nor at a third register, which learns of it from HQ (counted once, not twice).
    const r03 = await till('R03');
    const third = await apiOf(r03);
    const seen = data(await third.returnableLines({ receiptNumber: number }));
    expect(seen.lines.map((l) => [l.returnedQuantity, l.returnableQuantity])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    // And R01, asking again, counts its own return once although HQ reports it too.
    const mine = data(await api.returnableLines({ receiptNumber: number }));
    expect(mine.lines.map((l) => l.returnedQuantity)).toEqual([1, 0]);
  });

  it('records both returns of the same unit taken offline at two registers, with an exception', async () => {
    const number = sale.receipt.receiptNumber;
    const r04 = await till('R04');
    const r05 = await till('R05');
    // Both registers look the receipt up while HQ answers...
    const second = data(await (await apiOf(r04)).returnableLines({ receiptNumber: number }))
      .lines[1]!;
    data(await (await apiOf(r05)).returnableLines({ receiptNumber: number }));
    // ...then each refunds the last unit of the second line without reaching HQ.
    const line = [{ originalItemId: second.itemId, quantity: 1, reason: 'Faulty', restock: false }];
    const a = await commitReturn(await r04.till(), {
      originalReceiptNumber: number,
      lines: line,
      tenders: [],
      cashierId: r04.cashierId,
    });
    const b = await commitReturn(await r05.till(), {
      originalReceiptNumber: number,
      lines: line,
      tenders: [],
      cashierId: r05.cashierId,
    });
    await r04.client.syncNow();
    await r05.client.syncNow();
    expect((await r05.client.status()).rejected).toEqual([]);

    const ids = (await hqReturnsOf(sale.receipt.transactionId)).map((r) => r.transaction_id);
    expect(ids).toHaveLength(3);
    expect(ids).toEqual(expect.arrayContaining([a.receipt.transactionId, b.receipt.transactionId]));
    // Whichever reached HQ second went past what was sold (the tills' sync loops run on their
    // own, so either may be first): exactly one carries the exception, and its till is told.
    const raisedA = (await hqExceptionsOf(a.receipt.transactionId)).map((e) => e.kind);
    const raisedB = await hqExceptionsOf(b.receipt.transactionId);
    const later = raisedA.length > 0 ? r04 : r05;
    const raised = raisedA.length > 0 ? await hqExceptionsOf(a.receipt.transactionId) : raisedB;
    expect([raisedA.length, raisedB.length].sort()).toEqual([0, 1]);
    expect(raised.map((e) => e.kind)).toEqual(['over_returned']);
    expect(raised[0]!.reason).toMatch(/2 returned of 1 sold/);
    const told = await later.client.exceptions();
    expect(told.map((e) => e.kind)).toContain('over_returned');
  });

  it('says where a receipt was sold, or that HQ could not be asked', async () => {
    const api = await apiOf(r01);
    const other = await api.returnableLines({ receiptNumber: 'REDMOND-R01-000007' });
    expect(other.ok ? 'found' : other.error.message).toBe(
      'Receipt REDMOND-R01-000007 was sold at ' +
        (await storeName('redmond')) +
        '. Returns are taken only at the store that sold the items.',
    );
    const none = await api.returnableLines({ receiptNumber: 'SEATTLE-R09-000001' });
    expect(none.ok ? 'found' : none.error.message).toMatch(/neither this till nor HQ has it/);

    const offline = await apiOf(r01, (port) => ({ ...port, isOnline: () => false }));
    const unknown = await offline.returnableLines({ receiptNumber: 'SEATTLE-R02-999999' });
    expect(unknown.ok ? 'found' : unknown.error.message).toMatch(/HQ cannot be reached/);
    // A receipt looked up before keeps working offline.
    const kept = await offline.returnableLines({ receiptNumber: sale.receipt.receiptNumber });
    expect(kept.ok).toBe(true);
  });
});

async function storeName(storeId: string): Promise<string> {
  const { rows } = await hq.db.pools.app.query<{ store_name: string }>(
    `SELECT store_name FROM retail.stores WHERE store_id = $1`,
    [storeId],
  );
  return rows[0]!.store_name;
}

describe('a return without a receipt', () => {
  it('reaches HQ as a return with its reason and the approving manager, not refused', async () => {
    const t = await till('R06');
    const context = await t.till();
    if (!(await currentShift(context))) {
      await openShift(context, { staffId: cashier.staffId, openingFloatCents: 10_000 });
    }
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products WHERE is_active ORDER BY sku LIMIT 1`,
    );
    const manager = demoStaff(S).find((s) => s.role === 'manager')!;
    const result = await commitNoReceiptReturn(context, {
      transactionId: newId(),
      lines: [{ productId: rows[0]!.product_id, quantity: 1, restock: true }],
      reason: 'Gift without a receipt',
      refundMethod: 'cash',
      cashierId: cashier.staffId,
      managerPin: manager.pin,
      managerId: manager.staffId,
    });
    await t.client.syncNow();
    expect((await t.client.status()).rejected).toEqual([]);
    const atHq = await withTenant(hq.db.pools.app, S, async (tx) => {
      const r = await tx.query<{ reason: string; approved_by: string; total: string }>(
        `SELECT no_receipt_reason AS reason, approved_by, total_amount::text AS total
           FROM retail.sales_transactions WHERE store_id = $1 AND transaction_id = $2`,
        [S, result.receipt.transactionId],
      );
      return r.rows;
    });
    expect(atHq).toEqual([
      {
        reason: 'Gift without a receipt',
        approved_by: manager.staffId,
        total: (result.receipt.totalCents / 100).toFixed(2),
      },
    ]);
    expect(await hqExceptionsOf(result.receipt.transactionId)).toEqual([]);
  });
});

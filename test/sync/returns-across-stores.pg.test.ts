/**
 * Returns at another store of the chain (issue 13, item 1): a customer bought at Seattle and
 * brings the items back to Redmond. Real HQ on PostgreSQL, real tills of both stores.
 *
 * Off by default (retail.chain_policy): Redmond is told where the receipt was sold. Turned on,
 * Redmond's till finds Seattle's receipt at HQ (without its customer), takes a return against
 * it that is Redmond's fact (Redmond's receipt and drawer), and HQ records it once, linked to
 * the original, and tells Seattle (retail.returns_elsewhere): Seattle's till then counts it.
 * What was returned anywhere in the chain cannot be refunded again; if two stores did it
 * anyway (one of them without asking HQ), HQ records both, with an exception for a person.
 * Offline, another store's receipt is not taken back. (Too old, another currency, a forged
 * return and every other path: test/central/returns-across-stores.pg.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../db/logger';
import { commitReturn } from '../../db/checkout/returns';
import { currentShift, openShift } from '../../db/checkout/shifts';
import { newId } from '../../core/ids';
import { withTenant } from '../../db/central/tenant';
import { demoStaff } from '../../db/seed/chain';
import { makeTillApi, type TillApi } from '../../till/api/handlers';
import { hostOnTill } from '../../till/host';
import { clientSyncPort, type SyncPort } from '../../till/sync-port';
import type { SaleResult } from '../../contract/till-api/sale';
import { ringSale, startTestHq, type TestHq, type TestTillHandle, openSyncTill } from './harness';

const A = 'seattle';
const B = 'redmond';
let hq: TestHq;
const tills: TestTillHandle[] = [];

beforeAll(async () => {
  hq = await startTestHq();
});
afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  await hq?.close();
});

async function till(storeId: string): Promise<TestTillHandle> {
  const t = await openSyncTill({ url: hq.url, code: await hq.code(storeId, 'R01'), storeId });
  tills.push(t);
  return t;
}

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
  const login = await api.login({
    staffId: t.cashierId,
    pin: cashierPin(context.identity.storeId),
  });
  if (!login.ok) throw new Error(login.error.message);
  if (!(await currentShift(context))) {
    await openShift(context, { staffId: t.cashierId, openingFloatCents: 10_000 });
  }
  return api;
}

const cashierPin = (storeId: string): string =>
  demoStaff(storeId).find((s) => s.role === 'cashier')!.pin;

function data<T>(r: { ok: true; data: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.data;
}

async function setPolicy(on: boolean, days = 30): Promise<void> {
  await hq.db.pools.admin.query(
    `UPDATE retail.chain_policy SET cross_store_returns = $1, cross_store_return_days = $2`,
    [on, days],
  );
}

async function storeName(storeId: string): Promise<string> {
  const { rows } = await hq.db.pools.app.query<{ store_name: string }>(
    `SELECT store_name FROM retail.stores WHERE store_id = $1`,
    [storeId],
  );
  return rows[0]!.store_name;
}

async function asHq<T>(storeId: string, sql: string, params: unknown[]): Promise<T[]> {
  return withTenant(hq.db.pools.app, storeId, async (tx) => (await tx.query<T>(sql, params)).rows);
}

const exceptionsOf = (storeId: string, transactionId: string) =>
  asHq<{ kind: string; reason: string }>(
    storeId,
    `SELECT kind, reason FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
    [storeId, transactionId],
  );

describe('a return at another store of the chain', () => {
  let seattle: TestTillHandle;
  let redmond: TestTillHandle;
  let sale: SaleResult;

  it('is refused while the chain policy is off (the default), and nothing is shown', async () => {
    seattle = await till(A);
    redmond = await till(B);
    sale = await ringSale(seattle, { lines: 2 });
    await seattle.client.syncNow();
    const api = await apiOf(redmond);
    const r = await api.returnableLines({ receiptNumber: sale.receipt.receiptNumber });
    expect(r.ok ? 'found' : r.error.message).toBe(
      `Receipt ${sale.receipt.receiptNumber} was sold at ${await storeName(A)}. Returns are taken only at the store that sold the items.`,
    );
    const shown = await hq.db.pools.admin.query(`SELECT 1 FROM sync.receipt_disclosures`);
    expect(shown.rows).toEqual([]);
  });

  it('when allowed: found at HQ, returned at Redmond, recorded once and linked, counted at Seattle', async () => {
    await setPolicy(true);
    const number = sale.receipt.receiptNumber;
    const api = await apiOf(redmond);
    const found = data(await api.returnableLines({ receiptNumber: number }));
    expect(found.receipt.transactionId).toBe(sale.receipt.transactionId);
    expect(found.receipt.customerId).toBeNull();
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
    // Redmond's receipt, Redmond's drawer: a cash refund of what the customer paid.
    expect(refund.receipt.receiptNumber).toMatch(/^REDMOND-R01-/);
    expect(refund.receipt.originalTransactionId).toBe(sale.receipt.transactionId);
    expect(refund.receipt.totalCents).toBe(-first.totalCents - first.taxCents);
    expect(refund.receipt.payments.map((p) => p.tenderType)).toEqual(['cash']);

    // The audit trail: which Redmond device was shown which Seattle receipt.
    const shown = await asHq<{ origin_store_id: string; receipt_number: string }>(
      B,
      `SELECT origin_store_id, receipt_number FROM sync.receipt_disclosures WHERE store_id = $1`,
      [B],
    );
    expect(shown[0]).toEqual({ origin_store_id: A, receipt_number: number });

    await redmond.client.syncNow();
    await redmond.client.syncNow();
    expect((await redmond.client.status()).rejected).toEqual([]);
    const atRedmond = await asHq<{ transaction_id: string; original: string }>(
      B,
      `SELECT transaction_id, original_transaction_id AS original FROM retail.sales_transactions
        WHERE store_id = $1 AND transaction_type = 'return'`,
      [B],
    );
    expect(atRedmond).toEqual([
      { transaction_id: refund.receipt.transactionId, original: sale.receipt.transactionId },
    ]);
    expect(await exceptionsOf(B, refund.receipt.transactionId)).toEqual([]);
    const linked = await asHq<{ return_store_id: string; lines: unknown; card: string }>(
      A,
      `SELECT return_store_id, lines, card_amount::text AS card FROM retail.returns_elsewhere
        WHERE store_id = $1`,
      [A],
    );
    expect(linked).toEqual([
      { return_store_id: B, lines: [{ originalItemId: first.itemId, quantity: 1 }], card: '0.00' },
    ]);

    // Seattle's till, asked for its own receipt, counts what Redmond took back.
    const own = data(await (await apiOf(seattle)).returnableLines({ receiptNumber: number }));
    expect(own.lines.map((l) => [l.returnedQuantity, l.returnableQuantity])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('refuses what was already returned at the selling store', async () => {
    const number = sale.receipt.receiptNumber;
    const second = data(await (await apiOf(seattle)).returnableLines({ receiptNumber: number }))
      .lines[1]!;
    data(
      await (
        await apiOf(seattle)
      ).commitReturn({
        transactionId: newId(),
        originalReceiptNumber: number,
        lines: [{ originalItemId: second.itemId, quantity: 1, reason: 'Faulty', restock: false }],
        tenders: [],
      }),
    );
    await seattle.client.syncNow();
    const api = await apiOf(redmond);
    const seen = data(await api.returnableLines({ receiptNumber: number }));
    expect(seen.lines.map((l) => l.returnableQuantity)).toEqual([0, 0]);
    const again = await api.commitReturn({
      transactionId: newId(),
      originalReceiptNumber: number,
      lines: [{ originalItemId: second.itemId, quantity: 1, reason: 'Faulty', restock: false }],
      tenders: [],
    });
    expect(again.ok ? 'refunded' : again.error.message).toMatch(/1 already returned, 0 left/);
  });

  it('records a return taken at both stores anyway, with an exception for a person', async () => {
    const other = await ringSale(seattle, { lines: 1, offset: 3 });
    await seattle.client.syncNow();
    const number = other.receipt.receiptNumber;
    const line = data(await (await apiOf(redmond)).returnableLines({ receiptNumber: number }))
      .lines[0]!;
    // Seattle takes it back meanwhile...
    data(
      await (
        await apiOf(seattle)
      ).commitReturn({
        transactionId: newId(),
        originalReceiptNumber: number,
        lines: [
          { originalItemId: line.itemId, quantity: 1, reason: 'Changed mind', restock: true },
        ],
        tenders: [],
      }),
    );
    await seattle.client.syncNow();
    // ...and Redmond's till (a broken or tampered one: the API asks HQ first) refunds it too.
    const b = await commitReturn(await redmond.till(), {
      originalReceiptNumber: number,
      lines: [{ originalItemId: line.itemId, quantity: 1, reason: 'Changed mind', restock: true }],
      tenders: [],
      cashierId: redmond.cashierId,
    });
    await redmond.client.syncNow();
    expect((await redmond.client.status()).rejected).toEqual([]);
    const raised = await exceptionsOf(B, b.receipt.transactionId);
    expect(raised.map((e) => e.kind)).toEqual(['over_returned_across_stores']);
    expect(raised[0]!.reason).toMatch(/2 returned of 1 sold/);
    const told = await redmond.client.exceptions();
    expect(told.map((e) => e.kind)).toContain('over_returned_across_stores');
    // Recorded all the same, and Seattle knows of it.
    const linked = await asHq<{ n: number }>(
      A,
      `SELECT count(*)::int AS n FROM retail.returns_elsewhere
        WHERE store_id = $1 AND original_transaction_id = $2`,
      [A, other.receipt.transactionId],
    );
    expect(linked).toEqual([{ n: 1 }]);
  });

  it('is not taken back offline, even a receipt seen before', async () => {
    const offline = await apiOf(redmond, (port) => ({ ...port, isOnline: () => false }));
    for (const receiptNumber of [sale.receipt.receiptNumber, 'SEATTLE-R07-000123']) {
      const r = await offline.returnableLines({ receiptNumber });
      expect(r.ok ? 'found' : r.error.message).toBe(
        `Receipt ${receiptNumber} is from another store. A return of another store's receipt needs HQ, to check that nothing on it was returned already, and HQ cannot be reached. Try again when the till is online.`,
      );
    }
  });

  it('says when the other store has no such receipt', async () => {
    const api = await apiOf(redmond);
    const none = await api.returnableLines({ receiptNumber: 'SEATTLE-R01-999999' });
    expect(none.ok ? 'found' : none.error.message).toBe(
      `No receipt SEATTLE-R01-999999 at ${await storeName(A)}: HQ does not have it. Check the number on the receipt.`,
    );
  });
});

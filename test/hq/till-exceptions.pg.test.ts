/**
 * The till sees its own exceptions (issue 11): GET /v1/exceptions answers a till the open
 * exceptions about what it sent (or its register), never another till's or another store's,
 * and the till words them for the cashier (contract/exceptions.ts cashierWords) without codes,
 * IDs or amounts in cents. A real till sells a product HQ deleted meanwhile (it had not pulled
 * yet): HQ records the sale as sold with an unknown_product exception, the till is shown it in
 * plain words, another till of the store is not, and once HQ staff resolve it, it is gone.
 * Real HQ service on real PostgreSQL, real PGlite tills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cashierWords } from '../../contract/exceptions';
import type { ExceptionView } from '../../contract/admin-protocol';
import {
  addRegister,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';

const S = 'seattle';
let hq: TestHq;
const tills: TestTillHandle[] = [];

/** What a cashier must never read (as test/e2e/cashier-language.e2e.test.ts scans for). */
const FORBIDDEN = [
  /\d\s*cents?\b/i,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i,
  /\b[a-z]+_[a-z_]+\b/,
];

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

describe('a till asking HQ for its exceptions', () => {
  it('gets its own, in the cashier words, and not once they are resolved', async () => {
    const a = await till('R01');
    const b = await till('R07');
    expect(await a.client.exceptions()).toEqual([]);

    // HQ deletes the product the till will sell first; the till has not pulled since (its
    // background loop is stopped: left running, it fetches the delete before the sale).
    await a.client.stop();
    const { rows } = await a.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products WHERE is_active ORDER BY sku LIMIT 1`,
    );
    const deleted = await hq.admin('DELETE', `/stores/${S}/products/${rows[0]!.product_id}`);
    expect(deleted.status).toBe(200);
    const sale = await ringSale(a, { lines: 1 });
    expect(sale.receipt.lines[0]!.productId).toBe(rows[0]!.product_id);
    await a.client.syncNow();
    const status = await a.client.status();
    expect(status.pendingCount).toBe(0);
    expect(status.rejected).toEqual([]);

    const mine = await a.client.exceptions();
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'unknown_product',
        receiptNumber: sale.receipt.receiptNumber,
      }),
    ]);
    const words = cashierWords(mine[0]!);
    expect(words.what).toContain(sale.receipt.receiptNumber);
    expect(words.what).toMatch(/no longer in HQ's catalog/);
    expect(words.todo).toMatch(/manager/);
    for (const pattern of FORBIDDEN) expect(`${words.what} ${words.todo}`).not.toMatch(pattern);

    // Another till of the store is not shown this till's exceptions.
    await ringSale(b, { lines: 1, offset: 3 });
    await b.client.syncNow();
    expect(await b.client.exceptions()).toEqual([]);

    // A credential that is not a till's gets nothing.
    const anonymous = await fetch(`${hq.url}/v1/exceptions`, {
      headers: { 'x-edgepos-protocol': '1', authorization: 'Bearer nobody.nothing' },
    });
    expect(anonymous.status).toBe(401);

    // Resolved at HQ (audited): the till no longer shows it.
    const listed = await hq.admin<{ data: { exceptions: ExceptionView[] } }>(
      'GET',
      `/exceptions?storeId=${S}&status=open&kind=unknown_product`,
    );
    const open = listed.body.data.exceptions;
    expect(open.map((e) => e.entityId)).toEqual([sale.receipt.transactionId]);
    const resolved = await hq.admin(
      'POST',
      `/stores/${S}/exceptions/${open[0]!.exceptionId}/resolve`,
      {
        resolvedBy: 'Ana (HQ)',
        resolution: 'Product deleted by mistake: restored',
      },
    );
    expect(resolved.status).toBe(200);
    expect(await a.client.exceptions()).toEqual([]);
  });
});

/**
 * A sale is a fact (issue 11): two registers offline each create a customer with the same
 * email, and each sells to their own record. HQ must record both sales (the second one the
 * $27.58 cash sale that used to be rejected as `email_taken` then `unknown_customer`), keep both
 * customer records linked with an exception for a person, leave no queue pending, let both
 * tills receive both records (their catalog equal to HQ's), and reconcile the Z reports with
 * nothing missing. Real HQ service, real PostgreSQL, real PGlite tills.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitSale } from '../../db/checkout/sale';
import { createCustomer } from '../../db/checkout/customers';
import { closeShift, currentShift, openShift } from '../../db/checkout/shifts';
import { withTenant } from '../../db/central/tenant';
import { priceCart } from '../../core/pricing';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  addRegister,
  catalogChecksums,
  eventually,
  hqChecksums,
  hqSalesOf,
  openSyncTill,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from './harness';

let hq: TestHq;
const proxies: FaultProxy[] = [];
const tills: TestTillHandle[] = [];

beforeAll(async () => {
  hq = await startTestHq();
});
afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  for (const p of proxies) await p.close();
  await hq?.close();
});

async function offlineTill(
  registerId: string,
): Promise<{ till: TestTillHandle; proxy: FaultProxy }> {
  await addRegister(hq, 'seattle', registerId);
  const proxy = await startFaultProxy({ target: hq.url, seed: proxies.length + 11 });
  proxies.push(proxy);
  const till = await openSyncTill({
    url: proxy.url,
    code: await hq.code('seattle', registerId),
    storeId: 'seattle',
  });
  tills.push(till);
  proxy.offline = true;
  return { till, proxy };
}

/** A cash sale to `customerId` whose total is exactly `totalCents` (tax included). */
async function sellFor(
  t: TestTillHandle,
  customerId: string,
  totalCents: number,
): Promise<{ transactionId: string; totalCents: number }> {
  const till = await t.till();
  if (!(await currentShift(till))) {
    await openShift(till, { staffId: t.cashierId, openingFloatCents: 10_000 });
  }
  const { rows } = await t.store.db.query<{
    product_id: string;
    sku: string;
    product_name: string;
    rate: number;
  }>(
    `SELECT p.product_id, p.sku, p.product_name, s.tax_rate_ppm AS rate
       FROM retail.products p JOIN retail.stores s USING (store_id)
      WHERE p.is_active ORDER BY p.sku LIMIT 1`,
  );
  const p = rows[0]!;
  const line = (unitPriceCents: number) => ({
    productId: p.product_id,
    sku: p.sku,
    productName: p.product_name,
    categoryId: null,
    unitPriceCents,
    quantity: 1,
  });
  const rates = { storeRatePpm: Number(p.rate), categoryRates: new Map<number, number>() };
  let price = totalCents;
  while (price > 0 && priceCart({ lines: [line(price)] }, rates).totalCents > totalCents) price--;
  expect(priceCart({ lines: [line(price)] }, rates).totalCents).toBe(totalCents);
  const result = await commitSale(till, {
    cart: { lines: [line(price)] },
    tenders: [{ type: 'cash', tenderedCents: 3_000 }],
    cashierId: t.cashierId,
    customerId,
  });
  return { transactionId: result.receipt.transactionId, totalCents: result.receipt.totalCents };
}

describe('two registers offline create one customer twice', () => {
  it("records the second register's $27.58 cash sale, keeps both customers linked, and leaves nothing pending", async () => {
    const a = await offlineTill('R05');
    const b = await offlineTill('R06');
    const email = 'twice.offline@example.com';
    const first = await createCustomer(await a.till.till(), {
      firstName: 'Dana',
      lastName: 'Twice',
      email,
      phone: null,
    });
    const second = await createCustomer(await b.till.till(), {
      firstName: 'Dana',
      lastName: 'Twice',
      email,
      phone: null,
    });
    const saleA = await sellFor(a.till, first.customerId, 1_234);
    const saleB = await sellFor(b.till, second.customerId, 2_758);
    expect(saleB.totalCents).toBe(2_758);
    for (const t of [a.till, b.till]) {
      const till = await t.till();
      await closeShift(till, { staffId: t.cashierId, countedCashCents: 0 });
    }

    // Register A reaches HQ first, then B.
    a.proxy.offline = false;
    a.till.client.nudge();
    await eventually(async () => expect((await a.till.client.status()).pendingCount).toBe(0));
    b.proxy.offline = false;
    b.till.client.nudge();
    await eventually(async () => expect((await b.till.client.status()).pendingCount).toBe(0));

    const atHq = await hqSalesOf(hq, 'seattle');
    expect(atHq.get(saleA.transactionId)).toBe(saleA.totalCents);
    expect(atHq.get(saleB.transactionId)).toBe(2_758);
    for (const t of [a.till, b.till]) expect((await t.client.status()).rejected).toEqual([]);

    // Both records kept, B's linked to A's, the sale still names B's record.
    const hqRows = await withTenant(hq.db.pools.app, 'seattle', async (tx) => {
      const customers = await tx.query<{ customer_id: string; linked_customer_id: string | null }>(
        `SELECT customer_id, linked_customer_id FROM retail.customers
          WHERE store_id = 'seattle' AND lower(email) = $1 ORDER BY linked_customer_id NULLS FIRST`,
        [email],
      );
      const sale = await tx.query<{ customer_id: string }>(
        `SELECT customer_id FROM retail.sales_transactions WHERE store_id = 'seattle' AND transaction_id = $1`,
        [saleB.transactionId],
      );
      const exceptions = await tx.query<{ kind: string; entity_id: string; reason: string }>(
        `SELECT kind, entity_id, reason FROM sync.exceptions WHERE store_id = 'seattle'
          AND kind IN ('customer_email_shared', 'z_totals_differ', 'quarantined')`,
      );
      return { customers: customers.rows, sale: sale.rows, exceptions: exceptions.rows };
    });
    expect(hqRows.customers).toEqual([
      { customer_id: first.customerId, linked_customer_id: null },
      { customer_id: second.customerId, linked_customer_id: first.customerId },
    ]);
    expect(hqRows.sale).toEqual([{ customer_id: second.customerId }]);
    // One exception for a person, about the customer; both Z reports match HQ's facts.
    expect(hqRows.exceptions.map((e) => [e.kind, e.entity_id])).toEqual([
      ['customer_email_shared', second.customerId],
    ]);
    expect(hqRows.exceptions[0]!.reason).toContain(email);

    // Both tills receive both records: nothing in the pull is refused by the till either.
    for (const t of [a.till, b.till]) {
      await eventually(async () => {
        await t.client.syncNow();
        expect(await catalogChecksums(t.store.db, 'seattle')).toEqual(
          await hqChecksums(hq, 'seattle'),
        );
      });
    }
  });
});

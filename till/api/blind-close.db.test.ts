/**
 * Blind close enforced by the till API, not only hidden on screen (issue 13, item 5): with the
 * store's blind close, the X report withholds the tender totals and the expected drawer from
 * every member of staff, a refused cash-out does not say what the drawer holds, and the Z report
 * written by the close (with the count) carries them all.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor, lineOf } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

let t: TestTill;
let api: TillApi;

beforeEach(async () => {
  t = await openTestTill();
  api = apiFor(t);
});
afterEach(async () => {
  await t.close();
});

async function sellForCash(): Promise<number> {
  const sale = await api.commitSale({
    transactionId: t.till.ids(),
    cart: { lines: [lineOf(t, 0, 1)] },
    tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
  });
  if (!sale.ok) throw new Error(sale.error.message);
  return sale.data.receipt.totalCents;
}

it('withholds the expected drawer until the count with the store setting', async () => {
  await t.store.db.query(`UPDATE retail.stores SET blind_close = true`);
  expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
  expect((await api.openShift({ openingFloatCents: 10_000 })).ok).toBe(true);
  const total = await sellForCash();

  const x = await api.xReport();
  if (!x.ok) throw new Error(x.error.message);
  expect(x.data.blind).toBe(true);
  expect(x.data.expectedCashCents).toBeNull();
  expect(x.data.cashCents).toBeNull();
  expect(x.data.cardCents).toBeNull(); // cash + card = net would give it away
  expect(x.data.salesCount).toBe(1);
  expect(x.data.netCents).toBe(total);
  // Nothing in the answer adds up to the expected drawer (float + cash taken).
  expect(JSON.stringify(x.data)).not.toContain(String(10_000 + total));

  // A cash-out beyond the drawer is refused without telling what the drawer should hold.
  const out = await api.moveCash({ kind: 'out', amountCents: 10_000 + total + 1, reason: 'drop' });
  expect(out.ok).toBe(false);
  if (out.ok) return;
  expect(out.error.message).toBe(
    `Taking out ${usd(10_000 + total + 1)} is more than the drawer should hold: a manager approves`,
  );

  // A manager reads the same X report.
  const manager = apiFor(t);
  expect((await manager.login({ staffId: t.manager.staffId, pin: t.manager.pin })).ok).toBe(true);
  const mx = await manager.xReport();
  expect(mx.ok && mx.data.expectedCashCents).toBeNull();

  // The close takes the count first; its Z report has the expected drawer and the over/short.
  const z = await manager.closeShift({ countedCashCents: 10_000 + total - 100 });
  if (!z.ok) throw new Error(z.error.message);
  expect(z.data.expectedCashCents).toBe(10_000 + total);
  expect(z.data.cashCents).toBe(total);
  expect(z.data.overShortCents).toBe(-100);
});

it('answers the full X report without the setting', async () => {
  expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
  expect((await api.openShift({ openingFloatCents: 10_000 })).ok).toBe(true);
  const total = await sellForCash();
  const x = await api.xReport();
  if (!x.ok) throw new Error(x.error.message);
  expect(x.data.blind).toBe(false);
  expect(x.data.expectedCashCents).toBe(10_000 + total);
  expect(x.data.cashCents).toBe(total);
});

function usd(cents: number): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);
}

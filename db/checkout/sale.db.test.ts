import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { commitSale } from './sale';
import { openShift } from './shifts';
import type { CartLine } from '../../core/pricing';

let t: TestTill;

beforeEach(async () => {
  t = await openTestTill();
});
afterEach(async () => {
  await t.close();
});

function line(index: number, quantity = 1): CartLine {
  const p = t.catalog.filter((x) => x.isActive)[index];
  if (!p) throw new Error('no product');
  return {
    productId: p.productId,
    sku: p.sku,
    productName: p.productName,
    categoryId: p.categoryId,
    unitPriceCents: p.priceCents,
    quantity,
  };
}

describe('commitSale', () => {
  it('records a cash sale with change, stock movements and an outbox entry', async () => {
    await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 10_000 });
    const cart = { lines: [line(0, 2), line(1)] };
    const result = await commitSale(t.till, {
      cart,
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: t.cashier.staffId,
    });
    expect(result.receipt.receiptNumber).toBe('SEATTLE-R01-000001');
    expect(result.changeCents).toBe(10_000_000 - result.receipt.totalCents);
    const { rows } = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM pos.outbox WHERE mutation_type = 'sale.recorded'`,
    );
    expect(rows[0]?.n).toBe(1);
    const moves = await t.store.db.query<{ q: number }>(
      `SELECT sum(quantity_delta)::int q FROM retail.stock_movements`,
    );
    expect(moves.rows[0]?.q).toBe(-3);
  });
});

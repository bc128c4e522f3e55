/** The till API end to end on a real till: sell, retry, reprint, return, close the shift. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { apiFor } from '../../test/fixtures/till-host';
import type { TillApi } from './handlers';

let t: TestTill;
let api: TillApi;

beforeAll(async () => {
  t = await openTestTill();
  api = apiFor(t);
});

afterAll(async () => {
  await t.close();
});

const product = (i: number) => {
  const p = t.catalog.filter((x) => x.isActive)[i];
  if (!p?.barcode) throw new Error('no product');
  return p as typeof p & { barcode: string };
};

describe('till API checkout flow', () => {
  it('sells, reprints, returns and closes the shift with a Z report that matches', async () => {
    expect((await api.login({ staffId: t.cashier.staffId, pin: t.cashier.pin })).ok).toBe(true);
    expect((await api.openShift({ openingFloatCents: 10_000 })).ok).toBe(true);
    const scanned = await api.scan({ code: product(0).barcode });
    if (!scanned.ok) throw new Error(scanned.error.message);
    const line = {
      productId: scanned.data.productId,
      sku: scanned.data.sku,
      productName: scanned.data.productName,
      categoryId: scanned.data.categoryId,
      unitPriceCents: scanned.data.priceCents,
      quantity: 2,
    };
    const transactionId = t.till.ids();
    const sale = await api.commitSale({
      transactionId,
      cart: { lines: [line] },
      tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
    });
    if (!sale.ok) throw new Error(sale.error.message);
    expect(sale.data.changeCents).toBe(1_000_000 - sale.data.receipt.totalCents);
    // A retry with the same transaction ID returns the first receipt instead of selling twice.
    const retry = await api.commitSale({
      transactionId,
      cart: { lines: [line] },
      tenders: [{ type: 'cash', tenderedCents: 1_000_000 }],
    });
    expect(retry.ok && retry.data.duplicate).toBe(true);

    const reprint = await api.receipt({
      receiptNumber: sale.data.receipt.receiptNumber.toLowerCase(),
    });
    expect(reprint.ok && reprint.data.totalCents).toBe(sale.data.receipt.totalCents);

    const returnable = await api.returnableLines({
      receiptNumber: sale.data.receipt.receiptNumber,
    });
    if (!returnable.ok) throw new Error(returnable.error.message);
    const item = returnable.data.lines[0];
    if (!item) throw new Error('no line');
    const returnLines = [
      { originalItemId: item.itemId, quantity: 1, reason: 'Defective', restock: false },
    ];
    const quote = await api.quoteReturn({
      originalReceiptNumber: sale.data.receipt.receiptNumber,
      lines: returnLines,
    });
    if (!quote.ok) throw new Error(quote.error.message);
    const refund = await api.commitReturn({
      transactionId: t.till.ids(),
      originalReceiptNumber: sale.data.receipt.receiptNumber,
      lines: returnLines,
      tenders: quote.data.defaultTenders,
    });
    if (!refund.ok) throw new Error(refund.error.message);
    expect(refund.data.receipt.totalCents).toBe(quote.data.totalCents);

    const byCashier = await api.closeShift({ countedCashCents: 0 });
    expect(byCashier).toMatchObject({ ok: false, error: { kind: 'approval_required' } });
    const z = await api.closeShift({
      countedCashCents: 10_000 + sale.data.receipt.totalCents + refund.data.receipt.totalCents,
      managerPin: t.manager.pin,
    });
    if (!z.ok) throw new Error(z.error.message);
    expect(z.data).toMatchObject({
      salesCount: 1,
      returnsCount: 1,
      netCents: sale.data.receipt.totalCents + refund.data.receipt.totalCents,
      overShortCents: 0,
    });
    const status = await api.syncStatus();
    expect(status.ok && status.data.pendingSales).toBe(2);
  });
});

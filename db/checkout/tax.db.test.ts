/**
 * Tax at the till (issue 18) on a real PGlite store: state + city components, inclusive (VAT)
 * prices, rounding per order, tax-exempt sales with a reference, the breakdown by rate on the
 * receipt and on X/Z, partial returns that refund each component exactly, and what HQ
 * recomputes from the recorded sale (core/tax.ts taxDiscrepancy) matching the till.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { ErrorKind, PosError } from '../errors';
import { commitSale } from './sale';
import { closeShift, openShift, xReport } from './shifts';
import { commitReturn, returnableLines } from './returns';
import { getReceipt } from '../queries/receipts';
import { taxDiscrepancy, type TaxComponent } from '../../core/tax';
import { SaleRecorded } from '../../contract/mutations';
import type { CartLine } from '../../core/pricing';

let t: TestTill;

const STATE: TaxComponent = {
  code: 'STATE',
  name: 'State tax',
  ratePpm: 60_000,
  categoryRates: {},
};
const CITY: TaxComponent = { code: 'CITY', name: 'City tax', ratePpm: 22_500, categoryRates: {} };

beforeEach(async () => {
  t = await openTestTill();
  await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 10_000 });
});
afterEach(async () => {
  await t.close();
});

async function setTaxes(settings: {
  included: boolean;
  rounding: 'line' | 'order';
  components: TaxComponent[];
}): Promise<void> {
  await t.store.db.query(
    `UPDATE retail.stores SET tax_included = $2, tax_rounding = $3, tax_components = $4
      WHERE store_id = $1`,
    [
      t.till.identity.storeId,
      settings.included,
      settings.rounding,
      JSON.stringify(settings.components),
    ],
  );
}

function line(index: number, quantity = 1, unitPriceCents?: number): CartLine {
  const p = t.catalog.filter((x) => x.isActive)[index];
  if (!p) throw new Error('no product');
  return {
    productId: p.productId,
    sku: p.sku,
    productName: p.productName,
    categoryId: p.categoryId,
    unitPriceCents: unitPriceCents ?? p.priceCents,
    quantity,
  };
}

/** The sale.recorded payload in the outbox, parsed as HQ's push endpoint parses it. */
async function pushedSale(transactionId: string): Promise<SaleRecorded> {
  const { rows } = await t.store.db.query<{ payload: unknown }>(
    `SELECT payload FROM pos.outbox WHERE mutation_type = 'sale.recorded' AND entity_id = $1`,
    [transactionId],
  );
  return SaleRecorded.parse(rows[0]?.payload);
}

describe('tax at the till', () => {
  it('charges state + city tax per line and shows the breakdown by rate on the receipt', async () => {
    await setTaxes({ included: false, rounding: 'line', components: [STATE, CITY] });
    const sale = await commitSale(t.till, {
      cart: { lines: [line(0, 1, 1000), line(1, 3, 333)] },
      tenders: [{ type: 'cash', tenderedCents: 100_000 }],
      cashierId: t.cashier.staffId,
    });
    const r = sale.receipt;
    expect(r.lines[0]!.taxes.map((x) => [x.code, x.taxCents])).toEqual([
      ['STATE', 60],
      ['CITY', 23],
    ]);
    expect(r.taxCents).toBe(60 + 23 + 60 + 22);
    expect(r.totalCents).toBe(1999 + r.taxCents);
    expect(r.taxBreakdown).toEqual([
      { code: 'CITY', name: 'City tax', ratePpm: 22_500, taxableCents: 1999, taxCents: 45 },
      { code: 'STATE', name: 'State tax', ratePpm: 60_000, taxableCents: 1999, taxCents: 120 },
    ]);
    // Read back from the database it is the same receipt; HQ recomputes the same tax.
    const stored = await getReceipt(t.store.db, t.till.identity.storeId, {
      transactionId: r.transactionId,
    });
    expect(stored?.taxBreakdown).toEqual(r.taxBreakdown);
    expect(stored?.lines.map((l) => l.taxes)).toEqual(r.lines.map((l) => l.taxes));
    expect(taxDiscrepancy(await pushedSale(r.transactionId))).toBeNull();
  });

  it('keeps inclusive (VAT) prices: the total is the shelf price, the tax inside it', async () => {
    const vat: TaxComponent = { code: 'VAT', name: 'VAT', ratePpm: 200_000, categoryRates: {} };
    await setTaxes({ included: true, rounding: 'order', components: [vat] });
    const sale = await commitSale(t.till, {
      cart: { lines: [line(0, 1, 5), line(1, 1, 5), line(2, 1, 5)] },
      tenders: [{ type: 'cash', tenderedCents: 100 }],
      cashierId: t.cashier.staffId,
    });
    // 15 cents contain 2.5 -> 3 cents VAT, rounded once for the order (per line: 1 + 1 + 1).
    expect(sale.receipt.totalCents).toBe(15);
    expect(sale.receipt.taxCents).toBe(3);
    expect(sale.receipt.taxIncluded).toBe(true);
    expect(sale.changeCents).toBe(85);
    expect(taxDiscrepancy(await pushedSale(sale.receipt.transactionId))).toBeNull();

    // A partial return refunds the price paid (tax within), never tax on top.
    const { lines } = await returnableLines(t.till, sale.receipt.receiptNumber);
    const back = await commitReturn(t.till, {
      originalReceiptNumber: sale.receipt.receiptNumber,
      cashierId: t.cashier.staffId,
      lines: [
        { originalItemId: lines[0]!.itemId, quantity: 1, reason: 'changed mind', restock: true },
      ],
      tenders: [],
    });
    expect(back.receipt.totalCents).toBe(-5);
    expect(back.receipt.taxCents).toBe(-lines[0]!.taxCents);

    const x = await xReport(t.till);
    expect(x.taxCents).toBe(3 - lines[0]!.taxCents);
    expect(x.returnsCents).toBe(5);
    expect(x.taxBreakdown).toEqual([
      {
        code: 'VAT',
        name: 'VAT',
        ratePpm: 200_000,
        taxableCents: 10 - (3 - lines[0]!.taxCents),
        taxCents: 3 - lines[0]!.taxCents,
      },
    ]);
    const z = await closeShift(t.till, {
      staffId: t.manager.staffId,
      countedCashCents: 10_000 + 15 - 5,
    });
    expect(z.taxBreakdown).toEqual(x.taxBreakdown);
  });

  it('refunds each component exactly across partial returns', async () => {
    await setTaxes({ included: false, rounding: 'line', components: [STATE, CITY] });
    const sale = await commitSale(t.till, {
      cart: { lines: [line(0, 7, 333)] },
      tenders: [{ type: 'cash', tenderedCents: 100_000 }],
      cashierId: t.cashier.staffId,
    });
    const sold = sale.receipt.lines[0]!;
    const refunded = { STATE: 0, CITY: 0, total: 0 };
    for (const quantity of [2, 1, 4]) {
      const back = await commitReturn(t.till, {
        originalReceiptNumber: sale.receipt.receiptNumber,
        cashierId: t.cashier.staffId,
        lines: [{ originalItemId: sold.itemId, quantity, reason: 'faulty', restock: false }],
        tenders: [],
      });
      const l = back.receipt.lines[0]!;
      refunded.STATE -= l.taxes.find((x) => x.code === 'STATE')!.taxCents;
      refunded.CITY -= l.taxes.find((x) => x.code === 'CITY')!.taxCents;
      refunded.total -= back.receipt.totalCents;
      expect(taxDiscrepancy(await pushedSale(back.receipt.transactionId))).toBeNull();
    }
    expect(refunded).toEqual({
      STATE: sold.taxes[0]!.taxCents,
      CITY: sold.taxes[1]!.taxCents,
      total: sale.receipt.totalCents,
    });
  });

  it('sells tax-exempt to a customer with a reference, and refuses one without a customer', async () => {
    await setTaxes({ included: false, rounding: 'line', components: [STATE, CITY] });
    const { rows } = await t.store.db.query<{ customer_id: string }>(
      `SELECT customer_id FROM retail.customers ORDER BY customer_id LIMIT 1`,
    );
    const customerId = rows[0]!.customer_id;
    const before = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM retail.sales_transactions`,
    );
    const noCustomer = await commitSale(t.till, {
      cart: { lines: [line(0, 1, 1000)] },
      tenders: [{ type: 'cash', tenderedCents: 2000 }],
      cashierId: t.cashier.staffId,
      taxExemptReference: 'CERT-77',
    }).catch((e: unknown) => e);
    expect(noCustomer).toBeInstanceOf(PosError);
    expect((noCustomer as PosError).kind).toBe(ErrorKind.validation);
    expect((noCustomer as PosError).message).toMatch(/attach the customer/);
    const after = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM retail.sales_transactions`,
    );
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);

    const sale = await commitSale(t.till, {
      cart: { lines: [line(0, 1, 1000)] },
      tenders: [{ type: 'cash', tenderedCents: 1000 }],
      cashierId: t.cashier.staffId,
      customerId,
      taxExemptReference: ' CERT-77 ',
    });
    expect(sale.receipt.taxCents).toBe(0);
    expect(sale.receipt.totalCents).toBe(1000);
    expect(sale.receipt.taxExemptReference).toBe('CERT-77');
    const pushed = await pushedSale(sale.receipt.transactionId);
    expect(pushed.taxExemptReference).toBe('CERT-77');
    expect(taxDiscrepancy(pushed)).toBeNull();
  });
});

/**
 * Tax at HQ (issue 18): a sale priced at the till with state + city components, inclusive or
 * exclusive, per line or per order, is recomputed by HQ with the same rules (core/tax.ts) and
 * stored with its components. A sale whose tax does not recompute was paid all the same: it is
 * recorded as the till sent it, with a tax_mismatch exception stored with it (issue 11: a sale
 * is a fact), never refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import { priceCart } from '../../core/pricing';
import type { TaxComponent } from '../../core/tax';
import type { SaleRecorded } from '../../contract/mutations';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { envelope, ingest, seedWorld, type World } from './builders';
import { receiptNumber } from '../../db/checkout/shared';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(181, Date.UTC(2026, 10, 6));
const S = 'seattle';
let seq = 500;

const STATE: TaxComponent = {
  code: 'STATE',
  name: 'State tax',
  ratePpm: 60_000,
  categoryRates: {},
};
const CITY: TaxComponent = { code: 'CITY', name: 'City tax', ratePpm: 22_500, categoryRates: {} };

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 6, customers: 2 });
});
afterAll(async () => {
  await db?.drop();
});

/** What the till records for a cart (db/checkout/sale.ts does the same with priceCart). */
function tillSale(options: {
  included: boolean;
  rounding: 'line' | 'order';
  exempt?: string;
}): SaleRecorded {
  const priced = priceCart(
    {
      lines: world.catalog.slice(0, 4).map((p, i) => ({
        productId: p.productId,
        sku: p.sku,
        productName: p.productName,
        categoryId: p.categoryId,
        unitPriceCents: 5 + i * 333,
        quantity: 1 + i,
      })),
      orderDiscount: { kind: 'percent', ppm: 70_000 },
    },
    {
      storeRatePpm: 0,
      categoryRates: new Map(),
      components: [STATE, CITY],
      included: options.included,
      rounding: options.rounding,
      exempt: options.exempt !== undefined,
    },
  );
  const transactionId = ids();
  const receiptSeq = ++seq;
  return {
    transactionId,
    registerId: 'R01',
    receiptSeq,
    receiptNumber: receiptNumber(S, 'R01', receiptSeq),
    transactionType: 'sale',
    customerId: null,
    cashierId: world.cashierOf(S),
    approvedBy: null,
    shiftId: null,
    occurredAt: '2026-11-18T16:00:00.000Z',
    subtotalCents: priced.subtotalCents,
    discountCents: priced.discountCents,
    taxCents: priced.taxCents,
    totalCents: priced.totalCents,
    taxIncluded: priced.taxIncluded,
    taxRounding: priced.taxRounding,
    taxExemptReference: options.exempt ?? null,
    originalTransactionId: null,
    noReceiptReason: null,
    notes: null,
    coupons: [],
    loyaltyPointsEarned: null,
    lines: priced.lines.map((l, i) => ({
      itemId: ids(),
      lineNumber: i + 1,
      productId: l.productId,
      sku: l.sku,
      productName: l.productName,
      categoryId: l.categoryId,
      quantity: l.quantity,
      unitPriceCents: l.unitPriceCents,
      discountCents: l.discountCents,
      taxRatePpm: l.taxRatePpm,
      taxCents: l.taxCents,
      totalCents: l.netCents,
      taxes: l.taxes,
      priceOverride: null,
      promotions: [],
      originalItemId: null,
      returnReason: null,
      restock: null,
    })),
    payments: [
      {
        paymentId: ids(),
        tenderType: 'cash',
        amountCents: priced.totalCents,
        tenderedCents: priced.totalCents,
        changeCents: 0,
        cardStatus: null,
        cardLast4: null,
        authCode: null,
        storedValueCardId: null,
      },
    ],
    stockMovements: [],
  };
}

async function stored(transactionId: string) {
  const { rows } = await db.pools.admin.query<{
    tax_included: boolean;
    tax_rounding: string;
    tax_exempt_reference: string | null;
    tax_amount: string;
    total_amount: string;
    line_taxes: unknown[];
  }>(
    `SELECT t.tax_included, t.tax_rounding, t.tax_exempt_reference, t.tax_amount, t.total_amount,
            (SELECT json_agg(i.taxes ORDER BY i.line_number) FROM retail.sales_transaction_items i
              WHERE i.store_id = t.store_id AND i.transaction_id = t.transaction_id) AS line_taxes
       FROM retail.sales_transactions t WHERE t.store_id = $1 AND t.transaction_id = $2`,
    [S, transactionId],
  );
  return rows[0];
}

describe('HQ recomputes the tax of every sale', () => {
  it('accepts what the till priced, in every mode, and keeps the components', async () => {
    const sales = [
      tillSale({ included: false, rounding: 'line' }),
      tillSale({ included: false, rounding: 'order' }),
      tillSale({ included: true, rounding: 'line' }),
      tillSale({ included: true, rounding: 'order' }),
      tillSale({ included: false, rounding: 'line', exempt: 'CERT-9' }),
    ];
    // A line whose price was set by hand travels with the catalog price it replaced.
    sales[0]!.lines[0] = {
      ...sales[0]!.lines[0]!,
      priceOverride: { catalogPriceCents: 999, reason: 'damaged box' },
    };
    const outcomes = await ingest(
      db,
      S,
      sales.map((s) => envelope('sale.recorded', s)),
    );
    expect(outcomes.map((o) => o.status)).toEqual(sales.map(() => 'applied'));
    for (const sale of sales) {
      const row = await stored(sale.transactionId);
      expect(row).toMatchObject({
        tax_included: sale.taxIncluded,
        tax_rounding: sale.taxRounding,
        tax_exempt_reference: sale.taxExemptReference,
      });
      expect(row?.line_taxes).toEqual(sale.lines.map((l) => l.taxes));
    }
    expect((await stored(sales[4]!.transactionId))?.tax_amount).toBe('0.00');
    const { rows: overridden } = await db.pools.admin.query<{ p: string; r: string }>(
      `SELECT override_catalog_price AS p, override_reason AS r FROM retail.sales_transaction_items
        WHERE store_id = $1 AND item_id = $2`,
      [S, sales[0]!.lines[0]?.itemId],
    );
    expect(overridden).toEqual([{ p: '9.99', r: 'damaged box' }]);
    // Inclusive: the total is what the customer paid, the tax inside it.
    const inclusive = sales[2]!;
    expect(inclusive.totalCents).toBe(inclusive.subtotalCents - inclusive.discountCents);
  });

  it('records a sale whose tax does not recompute, with a tax_mismatch exception', async () => {
    const sale = tillSale({ included: false, rounding: 'order' });
    const line = sale.lines[2]!;
    // Moving a cent between lines keeps every total consistent; only recomputing catches it.
    const other = sale.lines[3]!;
    sale.lines[2] = {
      ...line,
      taxCents: line.taxCents + 1,
      taxes: line.taxes.map((t, k) => (k === 0 ? { ...t, taxCents: t.taxCents + 1 } : t)),
      priceOverride: null,
    };
    sale.lines[3] = {
      ...other,
      taxCents: other.taxCents - 1,
      taxes: other.taxes.map((t, k) => (k === 0 ? { ...t, taxCents: t.taxCents - 1 } : t)),
      priceOverride: null,
    };
    const [outcome] = await ingest(db, S, [envelope('sale.recorded', sale)]);
    expect(outcome).toMatchObject({
      status: 'applied',
      exceptions: [expect.objectContaining({ kind: 'tax_mismatch' })],
    });
    // Recorded as the customer paid it: the till's tax, not HQ's recomputation.
    const row = await stored(sale.transactionId);
    expect(row?.tax_amount).toBe((sale.taxCents / 100).toFixed(2));
    expect(row?.total_amount).toBe((sale.totalCents / 100).toFixed(2));
    const { rows } = await db.pools.admin.query<{
      kind: string;
      reason: string;
      entity_id: string;
    }>(
      `SELECT kind, reason, entity_id FROM sync.exceptions WHERE store_id = $1 AND entity_id = $2`,
      [S, sale.transactionId],
    );
    expect(rows.map((r) => r.kind)).toEqual(['tax_mismatch']);
    expect(rows[0]?.reason).toMatch(/does not recompute/);
  });
});

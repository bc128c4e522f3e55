/**
 * The sale's one-call commit (sale-statements.ts) on a real PGlite till: two database calls per
 * sale, a guarded write that changes nothing when its numbers went stale, the transactional
 * path taking over when checkout operations interleave, and the journal carrying exactly what
 * the database holds.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import type { LocalDb } from '../edge/record';
import { parseJournal } from '../edge/journal';
import { ErrorKind, PosError } from '../errors';
import { silentLogger } from '../logger';
import type { Mutation } from '../../contract/mutations';
import type { TillContext } from './context';
import type { CartLine } from '../../core/pricing';
import type { TaxComponent } from '../../core/tax';
import { commitSale, type SaleInput } from './sale';
import { readSaleContext, writeSale } from './sale-statements';
import { closeShift, moveCash, openShift } from './shifts';

let t: TestTill;

beforeEach(async () => {
  t = await openTestTill();
  await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 20_000 });
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

function saleInput(index: number, extra: Partial<SaleInput> = {}): SaleInput {
  return {
    cart: { lines: [line(index, 2), line(index + 1)] },
    tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
    cashierId: t.cashier.staffId,
    ...extra,
  };
}

/** Row counts and counters: what "changes nothing" compares. */
async function state(): Promise<Record<string, number>> {
  const { rows } = await t.store.db.query<Record<string, number>>(`
    SELECT (SELECT count(*)::int FROM retail.sales_transactions) AS sales,
           (SELECT count(*)::int FROM retail.sales_transaction_items) AS items,
           (SELECT count(*)::int FROM retail.payments) AS payments,
           (SELECT count(*)::int FROM retail.stock_movements) AS movements,
           (SELECT count(*)::int FROM pos.outbox) AS outbox,
           (SELECT value::int FROM pos.counters WHERE name = 'receipt') AS receipt,
           (SELECT value::int FROM pos.counters WHERE name = 'mutation') AS mutation`);
  return rows[0] ?? {};
}

async function journaled(): Promise<Mutation[]> {
  const text = await readFile(join(t.dir, 'sale-journal.ndjson'), 'utf8');
  return parseJournal(text).mutations;
}

/** A LocalDb that counts the calls a sale makes through it (injected, nothing patched). */
function countingDb(db: LocalDb): { db: LocalDb; calls: Record<string, number> } {
  const calls = { query: 0, transaction: 0, execProtocol: 0 };
  return {
    calls,
    db: {
      query: (sql, params) => {
        calls.query += 1;
        return db.query(sql, params);
      },
      transaction: (fn) => {
        calls.transaction += 1;
        return db.transaction(fn);
      },
      execProtocol: (message, options) => {
        calls.execProtocol += 1;
        return db.execProtocol(message, options);
      },
      _runExclusiveTransaction: (fn) => db._runExclusiveTransaction(fn),
      _runExclusiveQuery: (fn) => db._runExclusiveQuery(fn),
    },
  };
}

describe('one-call sale commit', () => {
  it('reads once and writes once: two database calls, no transaction round trips', async () => {
    const counting = countingDb(t.till.db);
    const till: TillContext = { ...t.till, db: counting.db };
    await commitSale(till, saleInput(0)); // the first sale of a session also prepares (Parse)
    counting.calls.execProtocol = 0;
    const r = await commitSale(till, saleInput(2));
    expect(counting.calls).toEqual({ query: 0, transaction: 0, execProtocol: 2 });
    expect(r.receipt.receiptNumber).toBe('SEATTLE-R01-000002');
  });

  it('writes rows, outbox payload and journal line that agree with the receipt', async () => {
    const r = await commitSale(t.till, saleInput(0));
    const { rows } = await t.store.db.query<{ payload: unknown; mutation_id: number }>(
      `SELECT payload, mutation_id FROM pos.outbox WHERE entity_id = $1`,
      [r.receipt.transactionId],
    );
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]?.mutation_id)).toBe(r.mutationId);
    const line = (await journaled()).find((m) => m.mutationId === r.mutationId);
    expect(line?.type).toBe('sale.recorded');
    expect(rows[0]?.payload).toEqual(line?.payload);
    const items = await t.store.db.query<{ n: number; total: string }>(
      `SELECT count(*)::int AS n, sum(total_price + tax_amount)::text AS total
         FROM retail.sales_transaction_items WHERE transaction_id = $1`,
      [r.receipt.transactionId],
    );
    expect(items.rows[0]?.n).toBe(2);
    expect(Math.round(Number(items.rows[0]?.total) * 100)).toBe(r.receipt.totalCents);
    const moved = await t.store.db.query<{ q: number; m: number }>(
      `SELECT sum(quantity_delta)::int AS q, max(mutation_id)::int AS m
         FROM retail.stock_movements WHERE transaction_id = $1`,
      [r.receipt.transactionId],
    );
    expect(moved.rows[0]).toEqual({ q: -3, m: r.mutationId });
  });

  it('writes nothing when the numbers it was built with went stale', async () => {
    const context = await readSaleContext(t.till.db, {
      storeId: 'seattle',
      registerId: 'R01',
      staffId: t.cashier.staffId,
      transactionId: t.till.ids(),
    });
    await commitSale(t.till, saleInput(0)); // takes the numbers the context saw as next
    const last = (await journaled()).at(-1);
    if (last?.type !== 'sale.recorded') throw new Error('no sale journaled');
    const before = await state();
    const stale = {
      ...last.payload,
      transactionId: t.till.ids(),
      receiptSeq: context.receiptCounter + 1,
    };
    const written = await writeSale(t.till.db, {
      storeId: 'seattle',
      deviceId: t.till.identity.deviceId,
      mutationId: context.mutationCounter + 1,
      payload: stale,
      productIds: stale.lines.map((l) => l.productId),
    });
    expect(written).toEqual({ written: false, transactionExists: false });
    expect(await state()).toEqual(before);
  });

  it('numbers interleaved checkout operations without gaps: the transactional path takes over', async () => {
    const renumbered: unknown[] = [];
    const till: TillContext = {
      ...t.till,
      logger: { ...silentLogger, debug: (fields) => renumbered.push(fields) },
    };
    const results = await Promise.all([
      commitSale(till, saleInput(0)),
      commitSale(till, saleInput(2)),
      moveCash(till, {
        staffId: t.cashier.staffId,
        kind: 'in',
        amountCents: 500,
        reason: 'float top-up',
      }),
      commitSale(till, saleInput(4)),
      commitSale(till, saleInput(6)),
    ]);
    // All five read before the first wrote: the fast write won once, the rest were renumbered.
    expect(renumbered.length).toBeGreaterThanOrEqual(1);
    const sales = results.filter((r) => 'receipt' in r);
    expect(sales.map((s) => s.receipt.receiptNumber).sort()).toEqual([
      'SEATTLE-R01-000001',
      'SEATTLE-R01-000002',
      'SEATTLE-R01-000003',
      'SEATTLE-R01-000004',
    ]);
    const { rows } = await t.store.db.query<{ ids: number[] }>(
      `SELECT array_agg(mutation_id::int ORDER BY mutation_id) AS ids FROM pos.outbox`,
    );
    expect(rows[0]?.ids).toEqual([1, 2, 3, 4, 5, 6]); // shift.opened, 4 sales, cash moved
    expect(await state()).toMatchObject({ sales: 4, items: 8, outbox: 6, receipt: 4, mutation: 6 });
    // Each sale's journal line is what its outbox row holds (replay writes the same rows).
    const outbox = await t.store.db.query<{ mutation_id: number; payload: unknown }>(
      `SELECT mutation_id::int AS mutation_id, payload FROM pos.outbox ORDER BY mutation_id`,
    );
    const journal = await journaled();
    expect(journal.map((m) => m.mutationId).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const row of outbox.rows) {
      expect(journal.find((m) => m.mutationId === row.mutation_id)?.payload).toEqual(row.payload);
    }
  });

  it('records a sale sent twice at once only once', async () => {
    const input = saleInput(0, { transactionId: t.till.ids() });
    const [a, b] = await Promise.all([commitSale(t.till, input), commitSale(t.till, input)]);
    expect([a.duplicate, b.duplicate].sort()).toEqual([false, true]);
    expect(a.receipt.receiptNumber).toBe(b.receipt.receiptNumber);
    expect(await state()).toMatchObject({ sales: 1, outbox: 2, receipt: 1, mutation: 2 });
  });

  it('reports stock going below zero from the on-hand the write saw', async () => {
    await commitSale(t.till, saleInput(0));
    const { rows } = await t.store.db.query<{ on_hand: number }>(
      `SELECT pos.on_hand('seattle', $1) AS on_hand`,
      [line(0).productId],
    );
    const onHand = Number(rows[0]?.on_hand);
    const quantity = Math.max(onHand, 0) + 3;
    const r = await commitSale(t.till, {
      ...saleInput(0),
      cart: { lines: [line(0, quantity)] },
      tenders: [{ type: 'cash', tenderedCents: 999_999_999 }],
    });
    expect(r.stockWarnings).toEqual([
      { productId: line(0).productId, sku: line(0).sku, onHand: onHand - quantity },
    ]);
  });

  it('refuses a sale without an open shift and changes nothing', async () => {
    const refused = async (kind: string, fn: () => Promise<unknown>): Promise<void> => {
      const before = await state();
      const error = await fn().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PosError);
      expect((error as PosError).kind).toBe(kind);
      expect(await state()).toEqual(before);
    };
    await closeShift(t.till, { staffId: t.manager.staffId, countedCashCents: 20_000 });
    await refused(ErrorKind.invalidState, () => commitSale(t.till, saleInput(0)));
  });
});

/** Columns that differ between two sales of the same cart (identity, numbering, time). */
const PER_SALE = new Set([
  'transaction_id',
  'item_id',
  'payment_id',
  'movement_id',
  'receipt_seq',
  'receipt_number',
  'mutation_id',
  'occurred_at',
  'created_at',
]);

/** Every row a sale wrote, in every table, without the columns in PER_SALE. */
async function saleRows(transactionId: string): Promise<Record<string, unknown[]>> {
  const tables = {
    sale: 'retail.sales_transactions',
    lines: 'retail.sales_transaction_items',
    payments: 'retail.payments',
    movements: 'retail.stock_movements',
  } as const;
  const out: Record<string, unknown[]> = {};
  for (const [key, table] of Object.entries(tables)) {
    const { rows } = await t.store.db.query<{ r: Record<string, unknown> }>(
      `SELECT to_jsonb(x) AS r FROM ${table} x WHERE x.transaction_id = $1
        ORDER BY to_jsonb(x)->>'line_number', to_jsonb(x)->>'product_id', to_jsonb(x)->>'amount'`,
      [transactionId],
    );
    out[key] = rows.map(({ r }) =>
      Object.fromEntries(Object.entries(r).filter(([column]) => !PER_SALE.has(column))),
    );
  }
  return out;
}

describe('one-call sale commit and the transactional path write the same rows', () => {
  const STATE: TaxComponent = {
    code: 'STATE',
    name: 'State tax',
    ratePpm: 60_000,
    categoryRates: {},
  };
  const CITY: TaxComponent = { code: 'CITY', name: 'City tax', ratePpm: 22_500, categoryRates: {} };

  it.each([
    { name: 'taxed (state + city, inclusive, per order), overridden', exempt: false },
    { name: 'tax-exempt, overridden', exempt: true },
  ])('$name', async ({ exempt }) => {
    await t.store.db.query(
      `UPDATE retail.stores SET tax_included = true, tax_rounding = 'order', tax_components = $2
        WHERE store_id = $1`,
      [t.till.identity.storeId, JSON.stringify([STATE, CITY])],
    );
    const { rows } = await t.store.db.query<{ customer_id: string }>(
      `SELECT customer_id FROM retail.customers ORDER BY customer_id LIMIT 1`,
    );
    const customerId = rows[0]?.customer_id;
    if (!customerId) throw new Error('no customer');
    const p = t.catalog.filter((x) => x.isActive && x.priceCents >= 2000)[0];
    if (!p) throw new Error('no product');
    const input = (): SaleInput => ({
      transactionId: t.till.ids(),
      cart: {
        lines: [
          line(3, 2),
          {
            productId: p.productId,
            sku: p.sku,
            productName: p.productName,
            categoryId: p.categoryId,
            // Half price: beyond the cashier's limit, so a manager approves (approved_by).
            unitPriceCents: Math.floor(p.priceCents / 2),
            quantity: 1,
            priceOverride: { reason: 'damaged box' },
          },
        ],
      },
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: t.cashier.staffId,
      customerId,
      managerPin: t.manager.pin,
      notes: 'same cart twice',
      ...(exempt ? { taxExemptReference: 'CERT-77' } : {}),
    });
    const renumbered: string[] = [];
    const till: TillContext = {
      ...t.till,
      logger: {
        ...silentLogger,
        debug: (fields: unknown) => {
          renumbered.push((fields as { transactionId: string }).transactionId);
        },
      },
    };
    // Both read before either writes: one sale takes the one-call write, the other finds its
    // numbers stale and is recorded by the transactional path (recordMutation).
    const [a, b] = await Promise.all([commitSale(till, input()), commitSale(till, input())]);
    expect(renumbered).toHaveLength(1);
    const transactional = renumbered[0] === a.receipt.transactionId ? a : b;
    const prepared = transactional === a ? b : a;
    expect(prepared.receipt.transactionId).not.toBe(transactional.receipt.transactionId);

    const fast = await saleRows(prepared.receipt.transactionId);
    const slow = await saleRows(transactional.receipt.transactionId);
    expect(fast).toEqual(slow);
    // The columns the features added are filled, not left to their defaults.
    const sale = fast.sale?.[0] as Record<string, unknown>;
    expect(sale).toMatchObject({
      tax_included: true,
      tax_rounding: 'order',
      tax_exempt_reference: exempt ? 'CERT-77' : null,
      customer_id: customerId,
    });
    expect(sale.approved_by).toBe(t.manager.staffId);
    const overriddenLine = (fast.lines as Array<Record<string, unknown>>).find(
      (l) => l.product_id === p.productId,
    );
    expect(overriddenLine).toMatchObject({ override_reason: 'damaged box' });
    expect(Number(overriddenLine?.override_catalog_price) * 100).toBe(p.priceCents);
    const taxes = (fast.lines as Array<Record<string, unknown>>).map((l) => l.taxes);
    if (exempt) {
      expect(Number(sale.tax_amount)).toBe(0);
    } else {
      expect(Number(sale.tax_amount)).toBeGreaterThan(0);
      expect(taxes.every((x) => Array.isArray(x) && x.length === 2)).toBe(true);
    }
  });
});

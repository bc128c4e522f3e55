/**
 * Price overrides and open prices at the till (issue 18): recorded on the line with the catalog
 * price they replaced and the reason; beyond the store's limit or below cost a manager approves;
 * without approval, or without a reason, nothing is written; X shows the overrides.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { ErrorKind, PosError } from '../errors';
import { commitSale } from './sale';
import { openShift, xReport } from './shifts';
import type { CartLine } from '../../core/pricing';

let t: TestTill;

beforeEach(async () => {
  t = await openTestTill();
  await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 10_000 });
});
afterEach(async () => {
  await t.close();
});

function product(index: number) {
  const p = t.catalog.filter((x) => x.isActive && x.priceCents >= 2000)[index];
  if (!p) throw new Error('no product');
  return p;
}

function overridden(index: number, unitPriceCents: number, reason = 'damaged box'): CartLine {
  const p = product(index);
  return {
    productId: p.productId,
    sku: p.sku,
    productName: p.productName,
    categoryId: p.categoryId,
    unitPriceCents,
    quantity: 1,
    priceOverride: { reason },
  };
}

async function counts(): Promise<number[]> {
  const { rows } = await t.store.db.query<{ s: number; o: number }>(
    `SELECT (SELECT count(*) FROM retail.sales_transactions)::int AS s,
            (SELECT count(*) FROM pos.outbox)::int AS o`,
  );
  return [rows[0]!.s, rows[0]!.o];
}

async function rejected(kind: string, fn: () => Promise<unknown>): Promise<PosError> {
  const before = await counts();
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PosError);
  expect((error as PosError).kind).toBe(kind);
  expect(await counts()).toEqual(before);
  return error as PosError;
}

describe('price overrides', () => {
  it('records a small override with its reason and the catalog price it replaced', async () => {
    const p = product(0);
    const price = p.priceCents - Math.floor(p.priceCents / 20); // 5 % off: within the limit
    const sale = await commitSale(t.till, {
      cart: { lines: [overridden(0, price)] },
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: t.cashier.staffId,
    });
    expect(sale.receipt.lines[0]!.priceOverride).toEqual({
      catalogPriceCents: p.priceCents,
      reason: 'damaged box',
    });
    expect(sale.receipt.lines[0]!.unitPriceCents).toBe(price);
    const x = await xReport(t.till);
    expect(x.overridesCount).toBe(1);
    expect(x.overridesCents).toBe(p.priceCents - price);
  });

  it('needs a manager beyond the limit; with the PIN it is approved and recorded', async () => {
    const p = product(1);
    const price = Math.floor(p.priceCents / 2);
    const error = await rejected(ErrorKind.approvalRequired, () =>
      commitSale(t.till, {
        cart: { lines: [overridden(1, price)] },
        tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
        cashierId: t.cashier.staffId,
      }),
    );
    expect(error.message).toMatch(/more than 10% off/);
    const sale = await commitSale(t.till, {
      cart: { lines: [overridden(1, price)] },
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: t.cashier.staffId,
      managerPin: t.manager.pin,
    });
    expect(sale.receipt.lines[0]!.priceOverride?.catalogPriceCents).toBe(p.priceCents);
  });

  it('refuses an override below cost without approval, and one without a reason', async () => {
    const p = product(2);
    await t.store.db.query(
      `UPDATE retail.products SET cost = $2::numeric / 100 WHERE product_id = $1`,
      [p.productId, p.priceCents - 1],
    );
    const error = await rejected(ErrorKind.approvalRequired, () =>
      commitSale(t.till, {
        cart: { lines: [overridden(2, p.priceCents - 2)] },
        tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
        cashierId: t.cashier.staffId,
      }),
    );
    expect(error.message).toMatch(/below cost/);
    await rejected(ErrorKind.validation, () =>
      commitSale(t.till, {
        cart: { lines: [overridden(2, p.priceCents, '  ')] },
        tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
        cashierId: t.cashier.staffId,
      }),
    );
  });

  it('an open-price item: the typed price and reason, a manager above the open-price limit', async () => {
    const p = product(3);
    // An open-price item: no catalog price (and no cost, as for a service sold by the hour).
    await t.store.db.query(
      `UPDATE retail.products SET price = 0, cost = NULL WHERE product_id = $1`,
      [p.productId],
    );
    const sale = await commitSale(t.till, {
      cart: { lines: [overridden(3, 4_000, 'Open-price item')] },
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: t.cashier.staffId,
    });
    expect(sale.receipt.lines[0]!.priceOverride).toEqual({
      catalogPriceCents: 0,
      reason: 'Open-price item',
    });
    const error = await rejected(ErrorKind.approvalRequired, () =>
      commitSale(t.till, {
        cart: { lines: [overridden(3, 15_000, 'Open-price item')] },
        tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
        cashierId: t.cashier.staffId,
      }),
    );
    expect(error.message).toMatch(/open price of \$150\.00 is above the \$100\.00/);
    await commitSale(t.till, {
      cart: { lines: [overridden(3, 15_000, 'Open-price item')] },
      tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
      cashierId: t.cashier.staffId,
      managerPin: t.manager.pin,
    });
    // Both lines were priced by hand; an open price takes nothing off a catalog price, so the
    // report's "taken off" is not made negative by what the customer paid for it.
    const x = await xReport(t.till);
    expect(x.overridesCount).toBe(2);
    expect(x.overridesCents).toBe(0);
  });
});

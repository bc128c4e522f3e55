/**
 * Checkout against a real PGlite till on disk: sales, tenders, discounts with approval,
 * returns/exchanges, voids, holds, customers, shifts with X/Z reports, and the bad inputs that
 * must fail with a typed error and change nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestTill, type TestTill } from '../../test/fixtures/till';
import { ErrorKind, PosError } from '../errors';
import { commitSale, type SaleInput } from './sale';
import { closeShift, moveCash, openShift, xReport, listZReports } from './shifts';
import { commitReturn, quoteReturn, returnableLines } from './returns';
import { voidTransaction } from './voids';
import { holdCart, listHeldCarts, recallCart } from './holds';
import { createCustomer, findCustomers } from './customers';
import { login } from './session';
import type { CartLine } from '../../core/pricing';

let t: TestTill;

beforeEach(async () => {
  t = await openTestTill();
  await openShift(t.till, { staffId: t.cashier.staffId, openingFloatCents: 20_000 });
});
afterEach(async () => {
  await t.close();
});

function line(index: number, quantity = 1, extra: Partial<CartLine> = {}): CartLine {
  const p = t.catalog.filter((x) => x.isActive)[index];
  if (!p) throw new Error('no product');
  return {
    productId: p.productId,
    sku: p.sku,
    productName: p.productName,
    categoryId: p.categoryId,
    unitPriceCents: p.priceCents,
    quantity,
    ...extra,
  };
}

async function snapshot(): Promise<Record<string, number>> {
  const tables = [
    'retail.sales_transactions',
    'retail.sales_transaction_items',
    'retail.payments',
    'retail.stock_movements',
    'pos.outbox',
    'retail.shifts',
    'retail.z_reports',
    'retail.customers',
    'pos.held_carts',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table}`,
    );
    out[table] = rows[0]?.n ?? -1;
  }
  const counters = await t.store.db.query<{ name: string; value: number }>(
    `SELECT name, value FROM pos.counters`,
  );
  for (const c of counters.rows) out[`counter.${c.name}`] = Number(c.value);
  return out;
}

async function expectRejected(kind: string, fn: () => Promise<unknown>): Promise<void> {
  const before = await snapshot();
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected a typed error').toBeInstanceOf(PosError);
  expect((error as PosError).kind).toBe(kind);
  expect(await snapshot()).toEqual(before);
}

const cash = (cents: number): SaleInput['tenders'] => [{ type: 'cash', tenderedCents: cents }];

describe('sales', () => {
  it('numbers receipts per register without gaps and keeps one outbox row per sale', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await commitSale(t.till, {
        cart: { lines: [line(i)] },
        tenders: cash(10_000_000),
        cashierId: t.cashier.staffId,
      });
      numbers.push(r.receipt.receiptNumber);
    }
    expect(numbers).toEqual(['SEATTLE-R01-000001', 'SEATTLE-R01-000002', 'SEATTLE-R01-000003']);
    const { rows } = await t.store.db.query<{ ids: number[] }>(
      `SELECT array_agg(mutation_id ORDER BY mutation_id) AS ids FROM pos.outbox`,
    );
    expect(rows[0]?.ids).toEqual([1, 2, 3, 4]); // shift.opened + 3 sales
  });

  it('is idempotent by transaction id: a retried commit returns the first receipt', async () => {
    const input: SaleInput = {
      transactionId: t.till.ids(),
      cart: { lines: [line(0)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    };
    const first = await commitSale(t.till, input);
    const again = await commitSale(t.till, input);
    expect(again.duplicate).toBe(true);
    expect(again.receipt.receiptNumber).toBe(first.receipt.receiptNumber);
    const { rows } = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM retail.sales_transactions`,
    );
    expect(rows[0]?.n).toBe(1);
  });

  it('prices split tenders: card first, cash covers the rest with change', async () => {
    const r = await commitSale(t.till, {
      cart: { lines: [line(0, 2)] },
      tenders: [
        { type: 'card', amountCents: 1_000, last4: '4242' },
        { type: 'cash', tenderedCents: 10_000_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const card = r.receipt.payments.find((p) => p.tenderType === 'card');
    const cashPay = r.receipt.payments.find((p) => p.tenderType === 'cash');
    expect(card?.amountCents).toBe(1_000);
    expect(card?.cardStatus).toBe('store_and_forward'); // the test till is offline
    expect((cashPay?.amountCents ?? 0) + 1_000).toBe(r.receipt.totalCents);
    expect(r.changeCents).toBe(10_000_000 - (r.receipt.totalCents - 1_000));
  });

  it('approves a large discount only with a manager PIN', async () => {
    const cart = { lines: [line(0, 1, { discount: { kind: 'percent', ppm: 500_000 } })] };
    await expectRejected(ErrorKind.approvalRequired, () =>
      commitSale(t.till, { cart, tenders: cash(10_000_000), cashierId: t.cashier.staffId }),
    );
    await expectRejected(ErrorKind.forbidden, () =>
      commitSale(t.till, {
        cart,
        tenders: cash(10_000_000),
        cashierId: t.cashier.staffId,
        managerPin: '1111',
      }),
    );
    const ok = await commitSale(t.till, {
      cart,
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
      managerPin: t.manager.pin,
    });
    const { rows } = await t.store.db.query<{ approved_by: string }>(
      `SELECT approved_by FROM retail.sales_transactions WHERE transaction_id = $1`,
      [ok.receipt.transactionId],
    );
    expect(rows[0]?.approved_by).toBe(t.manager.staffId);
  });

  it('never blocks on stock: selling beyond on-hand goes negative and is reported', async () => {
    const r = await commitSale(t.till, {
      cart: { lines: [line(0, 500)] },
      tenders: cash(999_999_999),
      cashierId: t.cashier.staffId,
    });
    expect(r.stockWarnings).toHaveLength(1);
    expect(r.stockWarnings[0]?.onHand).toBeLessThan(0);
  });

  it('rejects bad input with a typed error and changes nothing', async () => {
    const ok = {
      cart: { lines: [line(0)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    };
    await expectRejected(ErrorKind.validation, () =>
      commitSale(t.till, { ...ok, cart: { lines: [line(0, -1)] } }),
    );
    await expectRejected(ErrorKind.validation, () =>
      commitSale(t.till, { ...ok, cart: { lines: [line(0, 1.5)] } }),
    );
    await expectRejected(ErrorKind.validation, () =>
      commitSale(t.till, {
        ...ok,
        cart: { lines: [line(0, 1, { discount: { kind: 'percent', ppm: 1_000_001 } })] },
      }),
    );
    await expectRejected(ErrorKind.validation, () =>
      commitSale(t.till, { ...ok, cart: { lines: [] } }),
    );
    await expectRejected(ErrorKind.insufficientTender, () =>
      commitSale(t.till, { ...ok, tenders: cash(1) }),
    );
    await expectRejected(ErrorKind.validation, () =>
      commitSale(t.till, { ...ok, tenders: [{ type: 'card', amountCents: 999_999_999 }] }),
    );
    await expectRejected(ErrorKind.forbidden, () =>
      commitSale(t.till, { ...ok, cashierId: t.till.ids() }),
    );
  });

  it('caps store-and-forward card payments while offline', async () => {
    const cart = { lines: [line(0, 200)] };
    const r = await commitSale(t.till, {
      cart,
      tenders: cash(999_999_999),
      cashierId: t.cashier.staffId,
    });
    expect(r.receipt.totalCents).toBeGreaterThan(50_000);
    await expectRejected(ErrorKind.validation, () =>
      commitSale(t.till, {
        cart,
        tenders: [{ type: 'card', amountCents: r.receipt.totalCents }],
        cashierId: t.cashier.staffId,
      }),
    );
    t.online.value = true;
    const online = await commitSale(t.till, {
      cart,
      tenders: [{ type: 'card', amountCents: r.receipt.totalCents }],
      cashierId: t.cashier.staffId,
    });
    expect(online.receipt.payments[0]?.cardStatus).toBe('approved');
  });
});

describe('returns, exchanges and voids', () => {
  it('returns part of a sale, refunds exactly what was paid across partial returns, and restocks', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(0, 3, { discount: { kind: 'percent', ppm: 100_000 } })] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    const original = sale.receipt.lines[0];
    if (!original) throw new Error('no line');
    const refunds: number[] = [];
    for (const quantity of [1, 2]) {
      const r = await commitReturn(t.till, {
        originalReceiptNumber: sale.receipt.receiptNumber,
        lines: [
          { originalItemId: original.itemId, quantity, reason: 'changed mind', restock: true },
        ],
        tenders: [],
        cashierId: t.cashier.staffId,
      });
      refunds.push(-r.receipt.totalCents);
      // No tender chosen: the refund goes back as it was paid (cash here).
      expect(r.receipt.payments.map((p) => [p.tenderType, p.amountCents])).toEqual([
        ['cash', r.receipt.totalCents],
      ]);
    }
    expect(refunds.reduce((a, b) => a + b, 0)).toBe(sale.receipt.totalCents);
    const left = await returnableLines(t.till, sale.receipt.receiptNumber);
    expect(left.lines[0]?.returnableQuantity).toBe(0);
  });

  it('refuses to return more than was sold and changes nothing', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(1, 1)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    const itemId = sale.receipt.lines[0]?.itemId ?? '';
    await expectRejected(ErrorKind.validation, () =>
      commitReturn(t.till, {
        originalReceiptNumber: sale.receipt.receiptNumber,
        lines: [{ originalItemId: itemId, quantity: 2, reason: 'x', restock: true }],
        tenders: [{ type: 'cash', tenderedCents: 1 }],
        cashierId: t.cashier.staffId,
      }),
    );
    await expectRejected(ErrorKind.notFound, () =>
      commitReturn(t.till, {
        originalReceiptNumber: 'SEATTLE-R01-999999',
        lines: [{ originalItemId: itemId, quantity: 1, reason: 'x', restock: true }],
        tenders: [],
        cashierId: t.cashier.staffId,
      }),
    );
  });

  it('exchanges one item for another in one transaction, settling the difference', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(2, 1)] },
      tenders: [
        { type: 'card', amountCents: 500, last4: '4242' },
        { type: 'cash', tenderedCents: 10_000_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const itemId = sale.receipt.lines[0]?.itemId ?? '';
    const request = {
      originalReceiptNumber: sale.receipt.receiptNumber,
      lines: [{ originalItemId: itemId, quantity: 1, reason: 'wrong size', restock: true }],
      newLines: [line(3, 1)],
      cashierId: t.cashier.staffId,
    };
    const quote = await quoteReturn(t.till, request);
    const tenders =
      quote.totalCents >= 0 ? [{ type: 'cash' as const, tenderedCents: quote.totalCents + 1 }] : [];
    const r = await commitReturn(t.till, { ...request, tenders });
    expect(r.receipt.transactionType).toBe('exchange');
    expect(r.receipt.totalCents).toBe(quote.totalCents);
    expect(r.receipt.lines.map((l) => Math.sign(l.quantity))).toEqual([-1, 1]);
    expect(r.receipt.payments.reduce((a, p) => a + p.amountCents, 0)).toBe(quote.totalCents);
    if (quote.totalCents < 0) {
      // A refund goes back to the card first (up to what was charged on it), then cash.
      expect(r.receipt.payments.find((p) => p.tenderType === 'card')?.amountCents).toBe(
        -Math.min(500, -quote.totalCents),
      );
    }
  });

  it('voids a sale of the current shift with a manager and reverses its stock', async () => {
    const sale = await commitSale(t.till, {
      cart: { lines: [line(4, 2)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    await expectRejected(ErrorKind.approvalRequired, () =>
      voidTransaction(t.till, {
        receiptNumber: sale.receipt.receiptNumber,
        reason: 'customer left',
        staffId: t.cashier.staffId,
      }),
    );
    await expectRejected(ErrorKind.validation, () =>
      voidTransaction(t.till, {
        receiptNumber: sale.receipt.receiptNumber,
        reason: ' ',
        staffId: t.cashier.staffId,
        managerPin: t.manager.pin,
      }),
    );
    const voided = await voidTransaction(t.till, {
      receiptNumber: sale.receipt.receiptNumber,
      reason: 'customer left',
      staffId: t.cashier.staffId,
      managerPin: t.manager.pin,
    });
    expect(voided.status).toBe('voided');
    const { rows } = await t.store.db.query<{ q: number }>(
      `SELECT sum(quantity_delta)::int q FROM retail.stock_movements WHERE transaction_id = $1`,
      [sale.receipt.transactionId],
    );
    expect(rows[0]?.q).toBe(0);
    await expectRejected(ErrorKind.invalidState, () =>
      voidTransaction(t.till, {
        receiptNumber: sale.receipt.receiptNumber,
        reason: 'again',
        staffId: t.manager.staffId,
      }),
    );
  });
});

describe('holds, customers and login', () => {
  it('holds and recalls a cart exactly once', async () => {
    const cart = { lines: [line(0, 2)], orderDiscount: null };
    const held = await holdCart(t.till, {
      cart,
      label: 'blue jacket lady',
      staffId: t.cashier.staffId,
    });
    expect((await listHeldCarts(t.till)).map((h) => h.holdId)).toEqual([held.holdId]);
    const back = await recallCart(t.till, held.holdId);
    expect(back.cart.lines[0]?.quantity).toBe(2);
    await expectRejected(ErrorKind.notFound, () => recallCart(t.till, held.holdId));
  });

  it('parks the customer with the cart and brings them back on recall', async () => {
    const ada = await createCustomer(t.till, { firstName: 'Ada', lastName: 'Byron' });
    const cart = { lines: [line(1)], orderDiscount: null };
    const held = await holdCart(t.till, {
      cart,
      label: '',
      staffId: t.cashier.staffId,
      customerId: ada.customerId,
    });
    expect(held.customerName).toBe('Ada Byron');
    expect((await listHeldCarts(t.till))[0]?.customerName).toBe('Ada Byron');
    const back = await recallCart(t.till, held.holdId);
    expect(back.customer?.customerId).toBe(ada.customerId);
    expect(back.customerMissing).toBe(false);

    // The customer is deleted (an HQ tombstone) while the cart is parked: recall says so.
    const again = await holdCart(t.till, {
      cart,
      label: 'x',
      staffId: t.cashier.staffId,
      customerId: ada.customerId,
    });
    await t.store.db.query(`DELETE FROM retail.customers WHERE customer_id = $1`, [ada.customerId]);
    const orphan = await recallCart(t.till, again.holdId);
    expect(orphan.customer).toBeNull();
    expect(orphan.customerMissing).toBe(true);
    expect(orphan.cart.lines).toHaveLength(1);

    // A customer this store does not have is refused, and nothing is held.
    await expectRejected(ErrorKind.validation, () =>
      holdCart(t.till, {
        cart,
        label: 'y',
        staffId: t.cashier.staffId,
        customerId: '0190f0e0-0000-7000-8000-000000000001',
      }),
    );
    expect(await listHeldCarts(t.till)).toEqual([]);
  });

  it('creates a customer that syncs up, finds it, and refuses a duplicate email in the store', async () => {
    const c = await createCustomer(t.till, {
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      phone: '',
    });
    expect((await findCustomers(t.till, { query: 'lovel' })).map((x) => x.customerId)).toContain(
      c.customerId,
    );
    await expectRejected(ErrorKind.conflict, () =>
      createCustomer(t.till, { firstName: 'A', lastName: 'L', email: 'ADA@example.com' }),
    );
    await expectRejected(ErrorKind.validation, () =>
      createCustomer(t.till, { firstName: '', lastName: 'L' }),
    );
  });

  it('locks PIN login after five wrong attempts', async () => {
    expect((await login(t.till, { pin: t.cashier.pin })).staffId).toBe(t.cashier.staffId);
    for (let i = 0; i < 5; i++)
      await expect(login(t.till, { pin: '0000' })).rejects.toMatchObject({
        kind: ErrorKind.forbidden,
      });
    await expect(login(t.till, { pin: t.cashier.pin })).rejects.toThrow(/Locked/);
  });
});

describe('shifts', () => {
  it('closes with a Z report whose figures match the sales, once', async () => {
    const a = await commitSale(t.till, {
      cart: { lines: [line(0, 1), line(1, 2)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    });
    const b = await commitSale(t.till, {
      cart: { lines: [line(2, 1)] },
      tenders: [
        { type: 'card', amountCents: 0 + 1 },
        { type: 'cash', tenderedCents: 10_000_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const itemId = a.receipt.lines[0]?.itemId ?? '';
    const refund = await commitReturn(t.till, {
      originalReceiptNumber: a.receipt.receiptNumber,
      lines: [{ originalItemId: itemId, quantity: 1, reason: 'faulty', restock: false }],
      tenders: [
        {
          type: 'cash',
          tenderedCents: a.receipt.lines[0]
            ? a.receipt.lines[0].totalCents + a.receipt.lines[0].taxCents
            : 0,
        },
      ],
      cashierId: t.cashier.staffId,
    });
    await moveCash(t.till, {
      staffId: t.cashier.staffId,
      kind: 'out',
      amountCents: 5_000,
      reason: 'bank drop',
    });
    const x = await xReport(t.till);
    expect(x.salesCount).toBe(2);
    expect(x.returnsCount).toBe(1);
    expect(x.netCents).toBe(
      a.receipt.totalCents + b.receipt.totalCents + refund.receipt.totalCents,
    );
    expect(x.cashCents + x.cardCents).toBe(x.netCents);
    expect(x.expectedCashCents).toBe(20_000 + x.cashCents - 5_000);
    const z = await closeShift(t.till, {
      staffId: t.cashier.staffId,
      countedCashCents: x.expectedCashCents - 100,
    });
    expect(z.zNumber).toBe(1);
    expect(z.overShortCents).toBe(-100);
    expect(z.netCents).toBe(x.netCents);
    await expectRejected(ErrorKind.invalidState, () =>
      closeShift(t.till, { staffId: t.cashier.staffId, countedCashCents: 0 }),
    );
    await expectRejected(ErrorKind.invalidState, () =>
      commitSale(t.till, {
        cart: { lines: [line(0)] },
        tenders: cash(10_000_000),
        cashierId: t.cashier.staffId,
      }),
    );
    expect((await listZReports(t.till)).map((r) => r.zNumber)).toEqual([1]);
    await expect(t.store.db.query(`UPDATE retail.z_reports SET counted_cash = 0`)).rejects.toThrow(
      /immutable/,
    );
  });
});

/**
 * Ringing up sales on a real till: receipt numbering, idempotency, split tenders, manager
 * approval of large discounts, negative stock, and what the rules refuse. The shape of the
 * input is the till API's to check (till/api/boundary.db.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { commitSale, type SaleInput } from './sale';
import type { TestTill } from '../../test/fixtures/till';
import {
  cartLine,
  cash,
  expectRejected as rejected,
  openCheckoutTill,
} from '../../test/fixtures/checkout';
import type { CartLine } from '../../core/pricing';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

const line = (index: number, quantity = 1, extra: Partial<CartLine> = {}) =>
  cartLine(t, index, quantity, extra);
const expectRejected = (kind: string, fn: () => Promise<unknown>) => rejected(t, kind, fn);

describe('sales', () => {
  it('records a cash sale with change, stock movements and an outbox entry', async () => {
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

  it('refuses what the rules refuse (empty cart, short tender, card over the offline limit, unknown cashier) and changes nothing', async () => {
    const ok = {
      cart: { lines: [line(0)] },
      tenders: cash(10_000_000),
      cashierId: t.cashier.staffId,
    };
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

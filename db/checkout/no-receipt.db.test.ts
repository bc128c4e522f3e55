/**
 * Returns without a receipt on a real till (issue 13, item 1): a manager approves every one,
 * with a reason, refunded at today's price by the store's policy (cash, card, either, or not
 * taken). Without the approval, or against the policy, nothing is recorded.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ErrorKind } from '../errors';
import { commitNoReceiptReturn } from './no-receipt';
import { xReport } from './shifts';
import type { TestTill } from '../../test/fixtures/till';
import { expectRejected, openCheckoutTill } from '../../test/fixtures/checkout';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

const product = () => t.catalog.filter((p) => p.isActive)[3]!;

it("refunds at today's price with a manager's approval and a reason, recorded as a return", async () => {
  const p = product();
  const before = await xReport(t.till);
  const result = await commitNoReceiptReturn(t.till, {
    transactionId: t.till.ids(),
    lines: [{ productId: p.productId, quantity: 2, restock: true }],
    reason: 'Gift without a receipt',
    refundMethod: 'cash',
    cashierId: t.cashier.staffId,
    managerPin: t.manager.pin,
    managerId: t.manager.staffId,
  });
  const r = result.receipt;
  expect(r.transactionType).toBe('return');
  expect(r.originalTransactionId).toBeNull();
  expect(r.lines).toEqual([
    expect.objectContaining({
      productId: p.productId,
      quantity: -2,
      unitPriceCents: p.priceCents,
      originalItemId: null,
      returnReason: 'Gift without a receipt',
    }),
  ]);
  expect(r.totalCents).toBeLessThan(0);
  expect(r.payments).toEqual([
    expect.objectContaining({ tenderType: 'cash', amountCents: r.totalCents }),
  ]);
  const { rows } = await t.store.db.query<{ reason: string; approved_by: string }>(
    `SELECT no_receipt_reason AS reason, approved_by FROM retail.sales_transactions
      WHERE transaction_id = $1`,
    [r.transactionId],
  );
  expect(rows).toEqual([{ reason: 'Gift without a receipt', approved_by: t.manager.staffId }]);
  const { rows: outbox } = await t.store.db.query<{ payload: { noReceiptReason: string } }>(
    `SELECT payload FROM pos.outbox WHERE entity_id = $1`,
    [r.transactionId],
  );
  expect(outbox[0]?.payload.noReceiptReason).toBe('Gift without a receipt');
  const after = await xReport(t.till);
  expect(after.returnsCount).toBe(before.returnsCount + 1);
  expect(after.expectedCashCents).toBe(before.expectedCashCents + r.totalCents);
});

it('needs a manager and the store policy; otherwise nothing is recorded', async () => {
  const line = [{ productId: product().productId, quantity: 1, restock: true }];
  const base = {
    lines: line,
    reason: 'Receipt lost',
    cashierId: t.cashier.staffId,
  };
  await expectRejected(t, ErrorKind.approvalRequired, () =>
    commitNoReceiptReturn(t.till, { ...base, transactionId: t.till.ids(), refundMethod: 'cash' }),
  );
  await t.store.db.query(`UPDATE retail.stores SET no_receipt_refund = 'card'`);
  await expectRejected(t, ErrorKind.validation, () =>
    commitNoReceiptReturn(t.till, {
      ...base,
      transactionId: t.till.ids(),
      refundMethod: 'cash',
      managerPin: t.manager.pin,
      managerId: t.manager.staffId,
    }),
  );
  await t.store.db.query(`UPDATE retail.stores SET no_receipt_refund = 'none'`);
  await expectRejected(t, ErrorKind.forbidden, () =>
    commitNoReceiptReturn(t.till, {
      ...base,
      transactionId: t.till.ids(),
      refundMethod: 'card',
      managerPin: t.manager.pin,
      managerId: t.manager.staffId,
    }),
  );
  // A card refund where the policy allows it.
  await t.store.db.query(`UPDATE retail.stores SET no_receipt_refund = 'card'`);
  const ok = await commitNoReceiptReturn(t.till, {
    ...base,
    transactionId: t.till.ids(),
    refundMethod: 'card',
    cardLast4: '4242',
    managerPin: t.manager.pin,
    managerId: t.manager.staffId,
  });
  expect(ok.receipt.payments.map((p) => [p.tenderType, p.cardLast4])).toEqual([['card', '4242']]);
});

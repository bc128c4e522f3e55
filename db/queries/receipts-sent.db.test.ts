/**
 * A card taken offline says so on the receipt until HQ has the sale, then says it was sent
 * (issue 13, item 4): `getReceipt` reads whether HQ acknowledged the sale's mutation.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { commitSale } from '../checkout/sale';
import { getReceipt } from './receipts';
import type { TestTill } from '../../test/fixtures/till';
import { cartLine, openCheckoutTill } from '../../test/fixtures/checkout';

let t: TestTill;

beforeEach(async () => {
  t = await openCheckoutTill();
});
afterEach(async () => {
  await t.close();
});

it('marks a store-and-forward card as sent once HQ acknowledged its sale, not before', async () => {
  const line = cartLine(t, 0, 1);
  const total = await commitSale(t.till, {
    cart: { lines: [line] },
    tenders: [{ type: 'cash', tenderedCents: 100_000_000 }],
    cashierId: t.cashier.staffId,
  });
  const sale = await commitSale(t.till, {
    cart: { lines: [line] },
    tenders: [
      { type: 'card', amountCents: total.receipt.totalCents, last4: '4242', authCode: null },
    ],
    cashierId: t.cashier.staffId,
  });
  expect(sale.receipt.payments[0]?.cardStatus).toBe('store_and_forward');
  expect(sale.receipt.sentToHq).toBe(false);
  const read = (): ReturnType<typeof getReceipt> =>
    getReceipt(t.store.db, t.till.identity.storeId, { transactionId: sale.receipt.transactionId });
  expect((await read())?.sentToHq).toBe(false);

  const { rows } = await t.store.db.query<{ id: string }>(
    `SELECT mutation_id::text AS id FROM pos.outbox WHERE entity_id = $1`,
    [sale.receipt.transactionId],
  );
  const id = Number(rows[0]?.id);
  // HQ acknowledged only the first sale: the card sale is still to be sent.
  await t.store.db.query(`UPDATE pos.sync_state SET last_acked_mutation_id = $1`, [id - 1]);
  expect((await read())?.sentToHq).toBe(false);
  await t.store.db.query(`UPDATE pos.sync_state SET last_acked_mutation_id = $1`, [id]);
  expect((await read())?.sentToHq).toBe(true);
});

/**
 * Gift cards and store credit at a real till, offline (issue 18, item 1): a card is redeemed
 * as a tender against this register's allowance as HQ sent it down (written by the same
 * version-guarded upsert the feed uses), never beyond it; an expired, blocked or unknown card
 * and an amount above the allowance are refused in the store's currency with nothing written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorKind, PosError } from '../errors';
import { commitSale } from './sale';
import { voidTransaction } from './voids';
import { xReport } from './shifts';
import { lookUpStoredValueCard, offlineCards } from './stored-value';
import type { TestTill } from '../../test/fixtures/till';
import { cartLine, expectRejected, openCheckoutTill } from '../../test/fixtures/checkout';
import { upsertStoredValueAllowances } from '../queries/catalog-write';
import type { StoredValueAllowanceEntity } from '../../contract/catalog';
import { getReceipt } from '../queries/receipts';
import { TenderInput } from '../../core/tenders';

let t: TestTill;
const CARD = '6000123412341234';
const CARD_ID = '0190a6f0-0000-7000-8000-00000000c0de';
const ALLOWANCE_ID = '0190a6f0-0000-7000-8000-0000000a110e';

function allowance(extra: Partial<StoredValueAllowanceEntity> = {}): StoredValueAllowanceEntity {
  return {
    allowanceId: ALLOWANCE_ID,
    registerId: 'R01',
    cardId: CARD_ID,
    cardNumber: CARD,
    cardKind: 'gift_card',
    expiresOn: '2027-12-31',
    isActive: true,
    grantedCents: 5_000,
    settledCents: 0,
    version: 1,
    ...extra,
  };
}

beforeEach(async () => {
  t = await openCheckoutTill();
  await upsertStoredValueAllowances(t.store.db, 'seattle', [allowance()]);
});
afterEach(async () => {
  await t.close();
});

/** A one-line cart of the cheapest product above $10 (its total is known from the receipt). */
function cart() {
  const index = t.catalog
    .filter((p) => p.isActive)
    .findIndex((p) => p.priceCents > 1_000 && p.priceCents < 4_000);
  return { lines: [cartLine(t, index)] };
}

async function available(): Promise<number> {
  return (await lookUpStoredValueCard(t.till, { currency: 'USD' }, CARD)).availableCents;
}

async function errorOf(fn: () => Promise<unknown>): Promise<PosError> {
  const error = await fn().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PosError);
  return error as PosError;
}

describe('redeeming a gift card offline', () => {
  it('takes part of the total from the card and the rest in cash; the allowance goes down', async () => {
    expect(await available()).toBe(5_000);
    const result = await commitSale(t.till, {
      cart: cart(),
      tenders: [
        { type: 'stored_value', cardNumber: CARD, amountCents: 1_000 },
        { type: 'cash', tenderedCents: 10_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const giftCard = result.receipt.payments.find((p) => p.tenderType === 'stored_value');
    expect(giftCard).toMatchObject({ amountCents: 1_000, cardLast4: '1234', changeCents: 0 });
    expect(await available()).toBe(4_000);
    // The payment is in the sale's mutation with the card, as HQ will settle it.
    const { rows } = await t.store.db.query<{ payload: { payments: unknown[] } }>(
      `SELECT payload FROM pos.outbox WHERE mutation_type = 'sale.recorded'`,
    );
    expect(rows[0]?.payload.payments).toContainEqual(
      expect.objectContaining({ tenderType: 'stored_value', storedValueCardId: CARD_ID }),
    );
    const again = await getReceipt(t.store.db, 'seattle', {
      receiptNumber: result.receipt.receiptNumber,
    });
    expect(again?.payments.map((p) => p.tenderType).sort()).toEqual(['cash', 'stored_value']);
  });

  it('pays a whole sale from the card (typed with spaces and dashes, in lower case)', async () => {
    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({ cardNumber: '60001234ABCD1234', grantedCents: 10_000, version: 2 }),
    ]);
    // The same cart rung up in cash first tells its total (tax included).
    const { totalCents } = (
      await commitSale(t.till, {
        cart: cart(),
        tenders: [{ type: 'cash', tenderedCents: 100_000 }],
        cashierId: t.cashier.staffId,
      })
    ).receipt;
    const result = await commitSale(t.till, {
      cart: cart(),
      // As the till API's schema reads what the cashier typed.
      tenders: [
        TenderInput.parse({
          type: 'stored_value',
          cardNumber: ' 6000-1234 abcd 1234 ',
          amountCents: totalCents,
        }),
      ],
      cashierId: t.cashier.staffId,
    });
    expect(result.changeCents).toBe(0);
    expect(result.receipt.payments).toEqual([
      expect.objectContaining({ tenderType: 'stored_value', amountCents: totalCents }),
    ]);
    const view = await lookUpStoredValueCard(t.till, { currency: 'USD' }, '60001234ABCD1234');
    expect(view.availableCents).toBe(10_000 - totalCents);
  });

  it('refuses more than the allowance, in dollars, and writes nothing', async () => {
    await commitSale(t.till, {
      cart: cart(),
      tenders: [
        { type: 'stored_value', cardNumber: CARD, amountCents: 1_000 },
        { type: 'cash', tenderedCents: 10_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const error = await errorOf(() =>
      commitSale(t.till, {
        cart: cart(),
        tenders: [
          { type: 'stored_value', cardNumber: CARD, amountCents: 4_500 },
          { type: 'cash', tenderedCents: 10_000 },
        ],
        cashierId: t.cashier.staffId,
      }),
    );
    expect(error.kind).toBe(ErrorKind.validation);
    expect(error.message).toBe(
      'Gift card ••••1234 has $40.00 to spend at this till; $45.00 is more',
    );
    await expectRejected(t, ErrorKind.validation, () =>
      commitSale(t.till, {
        cart: cart(),
        tenders: [
          // The same card twice in one sale counts together.
          { type: 'stored_value', cardNumber: CARD, amountCents: 2_500 },
          { type: 'stored_value', cardNumber: CARD, amountCents: 2_500 },
          { type: 'cash', tenderedCents: 10_000 },
        ],
        cashierId: t.cashier.staffId,
      }),
    );
    expect(await available()).toBe(4_000);
  });

  it('refuses an unknown, an expired and a blocked card with the cashier words, nothing written', async () => {
    const pay = (cardNumber: string) => () =>
      commitSale(t.till, {
        cart: cart(),
        tenders: [
          { type: 'stored_value', cardNumber, amountCents: 500 },
          { type: 'cash', tenderedCents: 10_000 },
        ],
        cashierId: t.cashier.staffId,
      });
    expect((await errorOf(pay('6000999999999999'))).message).toBe(
      'Card ••••9999 is not known at this till: check the number, or take another tender',
    );
    await expectRejected(t, ErrorKind.validation, pay('6000999999999999'));

    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({ expiresOn: '2026-11-19', version: 2 }),
    ]);
    expect((await errorOf(pay(CARD))).message).toBe(
      'Gift card ••••1234 expired on November 19, 2026: take another tender',
    );
    await expectRejected(t, ErrorKind.validation, pay(CARD));
    const view = await lookUpStoredValueCard(t.till, { currency: 'USD' }, CARD);
    expect(view.problem).toBe(
      'Gift card ••••1234 expired on November 19, 2026: take another tender',
    );

    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({ isActive: false, version: 3 }),
    ]);
    expect((await errorOf(pay(CARD))).message).toBe(
      'Gift card ••••1234 is blocked: take another tender',
    );
  });

  it("another register's allowance is not this till's", async () => {
    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({
        allowanceId: '0190a6f0-0000-7000-8000-0000000a1102',
        registerId: 'R02',
        grantedCents: 90_000,
      }),
    ]);
    expect(await available()).toBe(5_000);
  });

  it('counts a redemption once HQ settled it: after the acknowledgement it is in settled, not pending', async () => {
    const sale = await commitSale(t.till, {
      cart: cart(),
      tenders: [
        { type: 'stored_value', cardNumber: CARD, amountCents: 1_500 },
        { type: 'cash', tenderedCents: 10_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const before = (await offlineCards(t.store.db, t.till, [CARD])).get(CARD);
    expect(before).toMatchObject({ settledCents: 0, pendingCents: 1_500 });
    // What a pull page brings once HQ ingested the sale: the settled allowance and the ack.
    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({ settledCents: 1_500, version: 2 }),
    ]);
    await t.store.db.query(`UPDATE pos.sync_state SET stock_ack_mutation_id = $1`, [
      sale.mutationId,
    ]);
    const after = (await offlineCards(t.store.db, t.till, [CARD])).get(CARD);
    expect(after).toMatchObject({ settledCents: 1_500, pendingCents: 0 });
    expect(await available()).toBe(3_500);
  });

  it('a voided sale gives its redemption back to the card at once, offline, and once HQ settled the void', async () => {
    const pay = (amountCents: number) =>
      commitSale(t.till, {
        cart: cart(),
        tenders: [
          { type: 'stored_value', cardNumber: CARD, amountCents },
          { type: 'cash', tenderedCents: 10_000 },
        ],
        cashierId: t.cashier.staffId,
      });
    const voidIt = (receiptNumber: string) =>
      voidTransaction(t.till, {
        receiptNumber,
        reason: 'rung up by mistake',
        staffId: t.manager.staffId,
      });
    // Voided before HQ saw the sale: the redemption and its void cancel out.
    const first = await pay(1_000);
    expect(await available()).toBe(4_000);
    await voidIt(first.receipt.receiptNumber);
    expect(await available()).toBe(5_000);
    // Voided after HQ settled the sale: pending goes negative until HQ settles the void.
    const second = await pay(2_000);
    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({ settledCents: 2_000, version: 2 }),
    ]);
    await t.store.db.query(`UPDATE pos.sync_state SET stock_ack_mutation_id = $1`, [
      second.mutationId,
    ]);
    expect(await available()).toBe(3_000);
    await voidIt(second.receipt.receiptNumber);
    expect((await offlineCards(t.store.db, t.till, [CARD])).get(CARD)).toMatchObject({
      settledCents: 2_000,
      pendingCents: -2_000,
    });
    expect(await available()).toBe(5_000);
    // HQ settles the void (the register's allowance grows by what came back) and acknowledges
    // it in the same page: counted once, in granted, no longer pending.
    const { rows } = await t.store.db.query<{ id: string }>(
      `SELECT max(mutation_id)::text AS id FROM pos.outbox WHERE mutation_type = 'sale.voided'`,
    );
    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({ grantedCents: 7_000, settledCents: 2_000, version: 3 }),
    ]);
    await t.store.db.query(`UPDATE pos.sync_state SET stock_ack_mutation_id = $1`, [
      Number(rows[0]!.id),
    ]);
    expect((await offlineCards(t.store.db, t.till, [CARD])).get(CARD)).toMatchObject({
      pendingCents: 0,
    });
    expect(await available()).toBe(5_000);
  });

  it('the X report shows gift cards and store credit as their own lines, and still foots', async () => {
    const CREDIT = '5000111122223333';
    await upsertStoredValueAllowances(t.store.db, 'seattle', [
      allowance({
        allowanceId: '0190a6f0-0000-7000-8000-0000000a1103',
        cardId: '0190a6f0-0000-7000-8000-0000000c0003',
        cardNumber: CREDIT,
        cardKind: 'store_credit',
      }),
    ]);
    const sale = await commitSale(t.till, {
      cart: cart(),
      tenders: [
        { type: 'stored_value', cardNumber: CARD, amountCents: 1_000 },
        { type: 'stored_value', cardNumber: CREDIT, amountCents: 700 },
        { type: 'cash', tenderedCents: 10_000 },
      ],
      cashierId: t.cashier.staffId,
    });
    const x = await xReport(t.till);
    expect(x).toMatchObject({ giftCardCents: 1_000, storeCreditCents: 700, cardCents: 0 });
    expect(x.cashCents).toBe(sale.receipt.totalCents - 1_700);
    expect(x.cashCents + x.cardCents + x.giftCardCents + x.storeCreditCents).toBe(x.netCents);
    // Cash expected in the drawer is the cash only.
    expect(x.expectedCashCents).toBe(x.openingFloatCents + x.cashCents);
    // The receipt names each card by its kind, as recorded and as read back.
    const kinds = (r: typeof sale.receipt) =>
      r.payments.map((p) => [p.tenderType, p.cardLast4, p.cardKind ?? 'none']);
    expect(kinds(sale.receipt)).toEqual([
      ['stored_value', '1234', 'gift_card'],
      ['stored_value', '3333', 'store_credit'],
      ['cash', null, 'none'],
    ]);
    const read = await getReceipt(t.store.db, 'seattle', {
      receiptNumber: sale.receipt.receiptNumber,
    });
    expect(new Set(kinds(read!).map((k) => k.join()))).toEqual(
      new Set(kinds(sale.receipt).map((k) => k.join())),
    );
  });
});

/**
 * Gift cards and store credit at HQ (issue 18, item 1): a card issued at a store is reserved for
 * its registers; HQ reserves no more than the card holds; a redemption that arrives with its
 * sale is settled exactly once (a replayed push, a sale pushed again by another drain, change
 * nothing); a refund to a card credits it; a redemption beyond the register's allowance (a
 * tampered till) or from a card HQ does not hold is recorded with an exception, never refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededIdGenerator } from '../../core/ids';
import type { Payment, SaleRecorded } from '../../contract/mutations';
import { createTestDatabase, type TestDatabase } from '../setup/central-db';
import { buildSale, envelope, ingest, seedWorld, type World } from './builders';
import { withTenant } from '../../db/central/tenant';
import {
  cardBalance,
  grantAllowance,
  issueCard,
  type CardBalance,
} from '../../db/central/stored-value';

let db: TestDatabase;
let world: World;
const ids = seededIdGenerator(1812, Date.UTC(2026, 10, 7));
const S = 'seattle';
let seq = 900;

beforeAll(async () => {
  db = await createTestDatabase();
  world = await seedWorld(db, { products: 6, customers: 2 });
});
afterAll(async () => {
  await db?.drop();
});

async function issue(cardNumber: string, amountCents: number, storeId = S): Promise<string> {
  const cardId = ids();
  await withTenant(db.pools.app, storeId, (tx) =>
    issueCard(tx, { cardId, cardNumber, kind: 'gift_card', amountCents, expiresOn: null }),
  );
  return cardId;
}

async function balance(cardNumber: string): Promise<CardBalance> {
  const b = await withTenant(db.pools.app, S, (tx) => cardBalance(tx, cardNumber));
  if (!b) throw new Error(`no card ${cardNumber}`);
  return b;
}

async function allowances(cardId: string): Promise<Record<string, [number, number]>> {
  const { rows } = await db.pools.admin.query<{ k: string; g: string; s: string }>(
    `SELECT store_id || '/' || register_id AS k, (granted * 100)::bigint AS g,
            (settled * 100)::bigint AS s
       FROM retail.stored_value_allowances WHERE card_id = $1`,
    [cardId],
  );
  return Object.fromEntries(rows.map((r) => [r.k, [Number(r.g), Number(r.s)]]));
}

/** A sale at `registerId` paid `fromCardCents` from the card, the rest in cash. */
function saleWithCard(cardId: string, fromCardCents: number, registerId = 'R01'): SaleRecorded {
  seq += 1;
  const product = world.catalog.find((p) => p.isActive && p.priceCents > 0)!;
  const quantity = Math.ceil((fromCardCents + 100) / product.priceCents);
  const sale = buildSale({
    ids,
    storeId: S,
    registerId,
    cashierId: world.cashierOf(S),
    receiptSeq: seq,
    occurredAt: new Date().toISOString(),
    lines: [{ product, quantity }],
  });
  const rest = sale.totalCents - fromCardCents;
  return {
    ...sale,
    payments: [
      storedValuePayment(cardId, fromCardCents),
      { ...sale.payments[0]!, amountCents: rest, tenderedCents: rest },
    ],
  };
}

function storedValuePayment(cardId: string, amountCents: number): Payment {
  return {
    paymentId: ids(),
    tenderType: 'stored_value',
    amountCents,
    tenderedCents: amountCents,
    changeCents: 0,
    cardStatus: null,
    cardLast4: null,
    authCode: null,
    storedValueCardId: cardId,
  };
}

/** The return of `sale`'s first line, refunded to the card in full. */
function returnToCard(sale: SaleRecorded, cardId: string): SaleRecorded {
  seq += 1;
  const sold = sale.lines[0]!;
  const product = world.catalog.find((p) => p.productId === sold.productId)!;
  const back = buildSale({
    ids,
    storeId: S,
    cashierId: world.cashierOf(S),
    receiptSeq: seq,
    occurredAt: new Date().toISOString(),
    originalTransactionId: sale.transactionId,
    lines: [{ product, quantity: -1, originalItemId: sold.itemId }],
  });
  return { ...back, payments: [storedValuePayment(cardId, back.totalCents)] };
}

async function push(sale: SaleRecorded, storeId = S) {
  return ingest(db, storeId, [envelope('sale.recorded', sale)]);
}

async function exceptionKinds(transactionId: string): Promise<string[]> {
  const { rows } = await db.pools.admin.query<{ kind: string }>(
    `SELECT kind FROM sync.exceptions WHERE entity_id = $1 ORDER BY kind`,
    [transactionId],
  );
  return rows.map((r) => r.kind);
}

describe('gift cards at HQ', () => {
  it('issues a card reserved in equal shares for the registers of the store that sold it', async () => {
    const cardId = await issue('7000000000000001', 5_001);
    expect(await allowances(cardId)).toEqual({
      'seattle/R01': [2_500, 0],
      'seattle/R02': [2_500, 0],
    });
    expect(await balance('7000000000000001')).toMatchObject({
      balanceCents: 5_001,
      unreservedCents: 1,
    });
    // The reservations travel down the store's feed.
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM sync.change_log
        WHERE store_id = $1 AND entity = 'stored_value_allowance'`,
      [S],
    );
    expect(rows[0]?.n).toBeGreaterThanOrEqual(2);
  });

  it('never reserves more than the card holds', async () => {
    await issue('7000000000000002', 4_000);
    const grant = (amountCents: number) =>
      withTenant(db.pools.app, 'redmond', (tx) =>
        grantAllowance(tx, { cardNumber: '7000000000000002', registerId: 'R01', amountCents }),
      );
    await expect(grant(1)).rejects.toThrow(
      'Gift card ••••0002 has $0.00 left to reserve; $0.01 is more',
    );
  });

  it('settles a redemption exactly once: a replayed push and the same sale again change nothing', async () => {
    const cardId = await issue('7000000000000003', 10_000);
    const sale = saleWithCard(cardId, 1_500);
    const first = await push(sale);
    expect(first[0]?.status).toBe('applied');
    expect(await balance('7000000000000003')).toMatchObject({
      balanceCents: 8_500,
      redeemedCents: 1_500,
      overspentCents: 0,
    });
    expect((await allowances(cardId))['seattle/R01']).toEqual([5_000, 1_500]);

    // The same sale under another mutation ID (a restored till sending its journal again),
    // that mutation pushed twice (the till never heard the answer), and once more.
    const replay = envelope('sale.recorded', sale);
    await ingest(db, S, [replay]);
    await ingest(db, S, [replay]);
    const again = await push(sale);
    expect(again[0]?.status).toBe('duplicate');
    expect(await balance('7000000000000003')).toMatchObject({
      balanceCents: 8_500,
      redeemedCents: 1_500,
    });
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.stored_value_ledger
        WHERE card_id = $1 AND entry_kind = 'redeem'`,
      [cardId],
    );
    expect(rows[0]?.n).toBe(1);
    const payment = await db.pools.admin.query<{ card: string }>(
      `SELECT stored_value_card_id AS card FROM retail.payments
        WHERE store_id = $1 AND transaction_id = $2 AND tender_type = 'stored_value'`,
      [S, sale.transactionId],
    );
    expect(payment.rows).toEqual([{ card: cardId }]);
  });

  it('records a redemption beyond the allowance (a tampered till) with an exception', async () => {
    const cardId = await issue('7000000000000004', 6_000);
    const sale = saleWithCard(cardId, 4_000, 'R02'); // R02 holds 3,000
    const [outcome] = await push(sale);
    expect(outcome?.status).toBe('applied');
    expect(await exceptionKinds(sale.transactionId)).toEqual(['stored_value_overspent']);
    expect(await balance('7000000000000004')).toMatchObject({
      balanceCents: 2_000,
      overspentCents: 1_000,
      unreservedCents: -1_000,
    });
    // Nothing more can be reserved from it until someone sorts it out.
    await expect(
      withTenant(db.pools.app, S, (tx) =>
        grantAllowance(tx, { cardNumber: '7000000000000004', registerId: 'R01', amountCents: 1 }),
      ),
    ).rejects.toThrow('left to reserve');
  });

  it('credits a refund to the card; a card HQ does not know is recorded with an exception', async () => {
    const cardId = await issue('7000000000000005', 2_000);
    const sold = saleWithCard(cardId, 500);
    expect((await push(sold))[0]?.status).toBe('applied');
    const back = returnToCard(sold, cardId);
    expect((await push(back))[0]?.status).toBe('applied');
    const refunded = -back.totalCents;
    expect(await balance('7000000000000005')).toMatchObject({
      balanceCents: 1_500 + refunded,
      creditedCents: 2_000 + refunded,
      unreservedCents: refunded,
    });

    const unknown = saleWithCard(ids(), 300);
    expect((await push(unknown))[0]?.status).toBe('applied');
    expect(await exceptionKinds(unknown.transactionId)).toEqual(['unknown_stored_value_card']);
  });

  it('a void gives the redemption back to the card and the register once, however often it is sent', async () => {
    const cardId = await issue('7000000000000006', 8_000);
    const sale = saleWithCard(cardId, 3_000);
    expect((await push(sale))[0]?.status).toBe('applied');
    expect((await allowances(cardId))['seattle/R01']).toEqual([4_000, 3_000]);
    const voided = envelope('sale.voided', {
      transactionId: sale.transactionId,
      reason: 'rung up by mistake',
      voidedBy: world.cashierOf(S),
      voidedAt: new Date().toISOString(),
      stockMovements: [],
    });
    expect((await ingest(db, S, [voided]))[0]?.status).toBe('applied');
    const after = {
      balanceCents: 8_000,
      creditedCents: 11_000,
      redeemedCents: 3_000,
      grantedCents: 11_000,
      unreservedCents: 0,
    };
    expect(await balance('7000000000000006')).toMatchObject(after);
    // The register may spend it again: granted + 3,000, settled as it was.
    expect((await allowances(cardId))['seattle/R01']).toEqual([7_000, 3_000]);
    // The same void again (the till never heard the answer): nothing more.
    expect((await ingest(db, S, [voided]))[0]?.status).toBe('duplicate');
    expect(await balance('7000000000000006')).toMatchObject(after);
    expect((await allowances(cardId))['seattle/R01']).toEqual([7_000, 3_000]);
    const { rows } = await db.pools.admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.stored_value_ledger
        WHERE card_id = $1 AND transaction_id = $2 AND amount > 0`,
      [cardId, sale.transactionId],
    );
    expect(rows[0]?.n).toBe(1);
  });
});

/**
 * Gift cards and store credit at HQ (issue 18, item 1; docs/checkout.md, "Store credit and gift
 * cards"): issuing, reserving offline allowances for registers, topping up. Settling the
 * redemptions the tills send with their sales is stored-value-settle.ts.
 *
 * The card row (retail.stored_value_cards, chain-wide) keeps the totals: credited (issue,
 * top-ups, refunds to the card), granted (the sum of its registers' allowances), redeemed and
 * overspent (redeemed beyond an allowance). Reserving more is allowed only while
 * granted + overspent + the new reservation <= credited, and a till never redeems beyond its
 * register's allowance, so redeemed <= granted + overspent <= credited: the balance
 * (credited - redeemed) cannot go below zero through a correct till, online or offline.
 *
 * Every function runs inside withTenant (the store where it happens): the ledger and the
 * allowances are the store's rows; the card row is locked FOR UPDATE, which serialises
 * reservations and settlements of one card across stores.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { formatCurrency, type Cents } from '../../core/money';
import { cardLabel, type CardKind } from '../../core/stored-value';
import { sqlCents } from '../sql';
import { newId } from '../../core/ids';
import type { TenantTx } from './tenant';

/** HQ's staff read amounts in US English (as in override-checks.ts). */
export const usd = (cents: Cents): string => formatCurrency(cents, 'USD', 'en-US');

export interface CardRow {
  card_id: string;
  card_number: string;
  card_kind: CardKind;
  expires_on: string | null;
  is_active: boolean;
  credited: Cents;
  granted: Cents;
  redeemed: Cents;
  overspent: Cents;
}

const CARD_COLUMNS = `card_id, card_number, card_kind, expires_on::text AS expires_on, is_active,
  (credited * 100)::bigint AS credited, (granted * 100)::bigint AS granted,
  (redeemed * 100)::bigint AS redeemed, (overspent * 100)::bigint AS overspent`;

function toCard(r: CardRow): CardRow {
  return {
    ...r,
    credited: Number(r.credited),
    granted: Number(r.granted),
    redeemed: Number(r.redeemed),
    overspent: Number(r.overspent),
  };
}

export interface CardBalance {
  cardId: string;
  cardNumber: string;
  kind: CardKind;
  expiresOn: string | null;
  isActive: boolean;
  /** credited - redeemed. */
  balanceCents: Cents;
  /** What HQ can still reserve for registers: credited - granted - overspent. */
  unreservedCents: Cents;
  creditedCents: Cents;
  grantedCents: Cents;
  redeemedCents: Cents;
  overspentCents: Cents;
}

function balanceOf(c: CardRow): CardBalance {
  return {
    cardId: c.card_id,
    cardNumber: c.card_number,
    kind: c.card_kind,
    expiresOn: c.expires_on,
    isActive: c.is_active,
    balanceCents: c.credited - c.redeemed,
    unreservedCents: c.credited - c.granted - c.overspent,
    creditedCents: c.credited,
    grantedCents: c.granted,
    redeemedCents: c.redeemed,
    overspentCents: c.overspent,
  };
}

export async function cardBy(
  tx: TenantTx,
  where: { cardNumber: string } | { cardId: string },
  lock: boolean,
): Promise<CardRow | undefined> {
  const { rows } = await tx.query<CardRow>(
    `SELECT ${CARD_COLUMNS} FROM retail.stored_value_cards
      WHERE ${'cardNumber' in where ? 'card_number = $1' : 'card_id = $1::uuid'}
      ${lock ? 'FOR UPDATE' : ''}`,
    ['cardNumber' in where ? where.cardNumber : where.cardId],
  );
  return rows[0] ? toCard(rows[0]) : undefined;
}

export async function cardBalance(
  tx: TenantTx,
  cardNumber: string,
): Promise<CardBalance | undefined> {
  const card = await cardBy(tx, { cardNumber }, false);
  return card && balanceOf(card);
}

/**
 * Reserve `amountCents` more of the card for a register of `tx.storeId` (its till may then
 * redeem that much without HQ). Refused beyond what the card has unreserved.
 */
export async function grantAllowance(
  tx: TenantTx,
  options: { cardNumber: string; registerId: string; amountCents: Cents },
): Promise<CardBalance> {
  if (!Number.isSafeInteger(options.amountCents) || options.amountCents <= 0) {
    throw new ValidationError('The allowance must be more than zero');
  }
  const card = await cardBy(tx, { cardNumber: options.cardNumber }, true);
  if (!card) throw new NotFoundError(`No gift card or store credit ${options.cardNumber}`);
  const unreserved = card.credited - card.granted - card.overspent;
  if (options.amountCents > unreserved) {
    throw new ConflictError(
      `${cardLabel(card.card_kind, card.card_number)} has ${usd(unreserved)} left to reserve; ${usd(options.amountCents)} is more`,
    );
  }
  const register = await tx.query(
    `SELECT 1 FROM retail.registers WHERE store_id = $1 AND register_id = $2`,
    [tx.storeId, options.registerId],
  );
  if (register.rows.length === 0) {
    throw new NotFoundError(`No register ${options.registerId} in store ${tx.storeId}`);
  }
  // A Citus cluster refuses a volatile function in this statement (an ID made in the database,
  // now() in DO UPDATE): the new row's ID comes from here, and updated_at = EXCLUDED.updated_at
  // is the proposed row's default, the transaction's time.
  const { rows } = await tx.query<{ allowance_id: string }>(
    `INSERT INTO retail.stored_value_allowances AS a
       (store_id, allowance_id, register_id, card_id, card_number, card_kind, expires_on,
        is_active, granted)
     VALUES ($1, $9::uuid, $2, $3::uuid, $4, $5, $6::date, $7, ${sqlCents('$8::bigint')})
     ON CONFLICT (store_id, register_id, card_id) DO UPDATE
       SET granted = a.granted + EXCLUDED.granted, updated_at = EXCLUDED.updated_at
     RETURNING a.allowance_id`,
    [
      tx.storeId,
      options.registerId,
      card.card_id,
      card.card_number,
      card.card_kind,
      card.expires_on,
      card.is_active,
      options.amountCents,
      newId(),
    ],
  );
  const allowance = rows[0];
  if (!allowance) {
    throw new NotFoundError(`No register ${options.registerId} in store ${tx.storeId}`);
  }
  tx.changes.record('stored_value_allowance', [allowance.allowance_id]);
  await tx.query(
    `UPDATE retail.stored_value_cards SET granted = granted + ${sqlCents('$2::bigint')}
      WHERE card_id = $1`,
    [card.card_id, options.amountCents],
  );
  // Read back, not RETURNING: the card's columns include expires_on::text (a date's text
  // depends on DateStyle, so not IMMUTABLE), which a Citus cluster refuses in RETURNING.
  const updated = await cardBy(tx, { cardId: card.card_id }, false);
  return balanceOf(updated!);
}

/**
 * Issue a card at `tx.storeId` with its first credit, and reserve it for the store's active
 * registers (the chain's policy: a card is spendable offline in the store that sold it at once;
 * other stores get an allowance with grantAllowance): `reserveCents` each, or by default the
 * whole amount in equal shares. A card number already issued is refused.
 */
export async function issueCard(
  tx: TenantTx,
  options: {
    cardId: string;
    cardNumber: string;
    kind: CardKind;
    amountCents: Cents;
    expiresOn: string | null;
    customerId?: string | null | undefined;
    /** Reserved for each active register of the store (default: equal shares of the amount). */
    reserveCents?: Cents | undefined;
    /** Issued from a till's sale: the entry is the sale's line (exactly once). */
    entry?: { entryId: string; transactionId: string | null; occurredAt: string } | undefined;
  },
): Promise<CardBalance> {
  if (!Number.isSafeInteger(options.amountCents) || options.amountCents <= 0) {
    throw new ValidationError('A card is issued with more than zero on it');
  }
  const inserted = await tx.query(
    `INSERT INTO retail.stored_value_cards
       (card_id, card_number, card_kind, customer_id, issued_store_id, expires_on)
     VALUES ($1, $2, $3, $4, $5, $6::date)
     ON CONFLICT DO NOTHING
     RETURNING card_id`,
    [
      options.cardId,
      options.cardNumber,
      options.kind,
      options.customerId ?? null,
      tx.storeId,
      options.expiresOn,
    ],
  );
  if (inserted.rows.length === 0) {
    throw new ConflictError(`Card ${options.cardNumber} is already issued`);
  }
  await credit(tx, options.cardId, {
    kind: 'issue',
    amountCents: options.amountCents,
    entryId: options.entry?.entryId ?? options.cardId,
    transactionId: options.entry?.transactionId ?? null,
    occurredAt: options.entry?.occurredAt ?? new Date().toISOString(),
  });
  const { rows: registers } = await tx.query<{ register_id: string }>(
    `SELECT register_id FROM retail.registers WHERE store_id = $1 AND is_active ORDER BY register_id`,
    [tx.storeId],
  );
  const equal = registers.length > 0 ? Math.floor(options.amountCents / registers.length) : 0;
  const share = Math.min(options.reserveCents ?? equal, equal);
  let balance = balanceOf((await cardBy(tx, { cardId: options.cardId }, true))!);
  if (share > 0) {
    for (const r of registers) {
      balance = await grantAllowance(tx, {
        cardNumber: options.cardNumber,
        registerId: r.register_id,
        amountCents: share,
      });
    }
  }
  return balance;
}

/** Put money on a card (top-up, refund): a ledger entry, exactly once by its ID. */
export async function credit(
  tx: TenantTx,
  cardId: string,
  entry: {
    kind: 'issue' | 'top_up' | 'refund';
    amountCents: Cents;
    entryId: string;
    transactionId: string | null;
    occurredAt: string;
    registerId?: string | undefined;
    deviceId?: string | undefined;
    mutationId?: number | undefined;
  },
): Promise<boolean> {
  const { rows: added } = await tx.query(
    `INSERT INTO retail.stored_value_ledger
       (store_id, entry_id, card_id, entry_kind, amount, register_id, transaction_id, device_id,
        mutation_id, occurred_at)
     VALUES ($1, $2, $3, $4, ${sqlCents('$5::bigint')}, $6, $7, $8, $9, $10)
     ON CONFLICT (store_id, entry_id) DO NOTHING
     RETURNING entry_id`,
    [
      tx.storeId,
      entry.entryId,
      cardId,
      entry.kind,
      entry.amountCents,
      entry.registerId ?? null,
      entry.transactionId,
      entry.deviceId ?? null,
      entry.mutationId ?? null,
      entry.occurredAt,
    ],
  );
  if (added.length === 0) return false;
  await tx.query(
    `UPDATE retail.stored_value_cards SET credited = credited + ${sqlCents('$2::bigint')}
      WHERE card_id = $1`,
    [cardId, entry.amountCents],
  );
  return true;
}

export async function topUpCard(
  tx: TenantTx,
  options: { cardNumber: string; amountCents: Cents; entryId: string },
): Promise<CardBalance> {
  if (!Number.isSafeInteger(options.amountCents) || options.amountCents <= 0) {
    throw new ValidationError('A top-up is more than zero');
  }
  const card = await cardBy(tx, { cardNumber: options.cardNumber }, true);
  if (!card) throw new NotFoundError(`No gift card or store credit ${options.cardNumber}`);
  await credit(tx, card.card_id, {
    kind: 'top_up',
    amountCents: options.amountCents,
    entryId: options.entryId,
    transactionId: null,
    occurredAt: new Date().toISOString(),
  });
  return balanceOf((await cardBy(tx, { cardId: card.card_id }, false))!);
}

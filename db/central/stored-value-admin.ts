/**
 * Gift cards and store credit for HQ staff (issue 18, item 1; `npm run hq:admin -- gift-card`):
 * reading a card with its history and its registers' allowances, listing cards, and freezing,
 * unfreezing or changing the last day of a card. Issuing, reserving and topping up are
 * stored-value.ts, settling the tills' redemptions stored-value-settle.ts.
 *
 * The card row is the chain's (no store, a reference table on Citus); its ledger entries and
 * allowances are each store's rows, read and written under that store's tenant key. A state
 * change writes the card and every store's allowance rows of it in ONE transaction
 * (withTenants), each allowance recorded in its store's change feed, so every till holding an
 * allowance receives the block or the new date with its next pull, and a till refuses the card
 * offline from then on (core/stored-value.ts checkRedemption).
 */
import type { CardKind } from '../../core/stored-value';
import type { Queryable } from '../queryable';
import type { TenantTx } from './tenant';

export interface CardSummaryRow {
  card_id: string;
  card_number: string;
  card_kind: CardKind;
  issued_store_id: string;
  expires_on: string | null;
  is_active: boolean;
  credited: string;
  granted: string;
  redeemed: string;
  overspent: string;
  created_at: Date;
}

const SUMMARY = `card_id, card_number, card_kind, issued_store_id, expires_on::text AS expires_on,
  is_active, (credited * 100)::bigint::text AS credited, (granted * 100)::bigint::text AS granted,
  (redeemed * 100)::bigint::text AS redeemed, (overspent * 100)::bigint::text AS overspent,
  created_at`;

export async function cardSummary(
  db: Queryable,
  cardNumber: string,
): Promise<CardSummaryRow | undefined> {
  const { rows } = await db.query<CardSummaryRow>(
    `SELECT ${SUMMARY} FROM retail.stored_value_cards WHERE card_number = $1`,
    [cardNumber],
  );
  return rows[0];
}

/** Cards, newest first, of a kind and/or issued at a store. */
export async function listCards(
  db: Queryable,
  options: { kind?: CardKind | undefined; storeId?: string | undefined; limit: number },
): Promise<CardSummaryRow[]> {
  const { rows } = await db.query<CardSummaryRow>(
    `SELECT ${SUMMARY} FROM retail.stored_value_cards
      WHERE ($1::text IS NULL OR card_kind = $1) AND ($2::text IS NULL OR issued_store_id = $2)
      ORDER BY created_at DESC, card_number
      LIMIT $3`,
    [options.kind ?? null, options.storeId ?? null, options.limit],
  );
  return rows;
}

export interface LedgerRow {
  entry_kind: 'issue' | 'top_up' | 'refund' | 'redeem';
  amount: string;
  register_id: string | null;
  occurred_at: Date;
}

/** The card's ledger entries and allowances at `tx.storeId`. */
export async function cardAtStore(
  tx: TenantTx,
  cardId: string,
): Promise<{
  entries: LedgerRow[];
  allowances: Array<{ register_id: string; granted: string; settled: string }>;
}> {
  const entries = await tx.query<LedgerRow>(
    `SELECT entry_kind, (amount * 100)::bigint::text AS amount, register_id, occurred_at
       FROM retail.stored_value_ledger
      WHERE store_id = $1 AND card_id = $2
      ORDER BY occurred_at, entry_id`,
    [tx.storeId, cardId],
  );
  const allowances = await tx.query<{ register_id: string; granted: string; settled: string }>(
    `SELECT register_id, (granted * 100)::bigint::text AS granted,
            (settled * 100)::bigint::text AS settled
       FROM retail.stored_value_allowances
      WHERE store_id = $1 AND card_id = $2
      ORDER BY register_id`,
    [tx.storeId, cardId],
  );
  return { entries: entries.rows, allowances: allowances.rows };
}

/** Set the card row's state (once per change, in the first store's turn of withTenants). */
export async function setCardState(
  tx: TenantTx,
  options: { cardId: string; isActive: boolean; expiresOn: string | null },
): Promise<void> {
  await tx.query(
    `UPDATE retail.stored_value_cards SET is_active = $2, expires_on = $3::date
      WHERE card_id = $1`,
    [options.cardId, options.isActive, options.expiresOn],
  );
}

/**
 * Copy the card's state to this store's allowance rows of it, and record each in the store's
 * change feed. `updated_at` from the statement's parameter (no volatile function in a write to a
 * distributed table's rows on Citus that would differ by shard).
 */
export async function copyCardStateToAllowances(
  tx: TenantTx,
  options: { cardId: string; isActive: boolean; expiresOn: string | null; at: string },
): Promise<number> {
  const { rows } = await tx.query<{ allowance_id: string }>(
    `UPDATE retail.stored_value_allowances
        SET is_active = $3, expires_on = $4::date, updated_at = $5::timestamptz
      WHERE store_id = $1 AND card_id = $2
        AND (is_active IS DISTINCT FROM $3 OR expires_on IS DISTINCT FROM $4::date)
      RETURNING allowance_id`,
    [tx.storeId, options.cardId, options.isActive, options.expiresOn, options.at],
  );
  tx.changes.record(
    'stored_value_allowance',
    rows.map((r) => r.allowance_id),
  );
  return rows.length;
}

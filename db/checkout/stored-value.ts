/**
 * Gift cards and store credit at the till (issue 18, item 1): what this register may still
 * redeem from a card without HQ (core/stored-value.ts has the rule, docs/checkout.md why it
 * can never overspend a balance).
 *
 * The allowance rows come down from HQ (retail.stored_value_allowances, this register's only);
 * the till's own redemptions HQ has not taken into `settled` yet are its stored-value payments
 * whose mutation HQ has not acknowledged (above pos.sync_state.stock_ack_mutation_id: HQ
 * acknowledges a mutation in the same transaction that settles it, and the feed delivers
 * both together). A void gives its sale's redemptions back at once: until HQ acknowledges the
 * void (and has added them to the register's `granted`), they count against `pending`, which
 * may go below zero.
 */
import type { Queryable } from '../queryable';
import type { TillContext } from './context';
import {
  CardNumber,
  availableCents,
  cardLabel,
  checkRedemption,
  type CardKind,
  type OfflineCard,
} from '../../core/stored-value';
import type { TenderInput } from '../../core/tenders';
import { ValidationError } from '../errors';
import type { StoreConfig } from '../queries/identity';
import type { StoredValueCardView } from '../../contract/till-api/sale';

interface Row {
  card_id: string;
  card_number: string;
  card_kind: OfflineCard['kind'];
  expires_on: string | null;
  is_active: boolean;
  granted: string;
  settled: string;
  pending: string;
}

/** This register's allowances of the given cards, by card number. */
export async function offlineCards(
  db: Queryable,
  till: Pick<TillContext, 'identity'>,
  cardNumbers: readonly string[],
): Promise<Map<string, OfflineCard>> {
  if (cardNumbers.length === 0) return new Map();
  const { rows } = await db.query<Row>(
    `SELECT a.card_id, a.card_number, a.card_kind, a.expires_on::text AS expires_on, a.is_active,
            (a.granted * 100)::bigint::text AS granted, (a.settled * 100)::bigint::text AS settled,
            (coalesce((SELECT (sum(p.amount) * 100)::bigint
                        FROM retail.payments p
                       WHERE p.store_id = a.store_id AND p.stored_value_card_id = a.card_id
                         AND p.amount > 0
                         AND p.mutation_id > (SELECT stock_ack_mutation_id FROM pos.sync_state)),
                     0)::bigint
            - coalesce((SELECT (sum(p.amount) * 100)::bigint
                          FROM retail.payments p
                          JOIN pos.outbox o
                            ON o.mutation_type = 'sale.voided' AND o.entity_id = p.transaction_id
                         WHERE p.store_id = a.store_id AND p.stored_value_card_id = a.card_id
                           AND p.amount > 0
                           AND o.mutation_id > (SELECT stock_ack_mutation_id FROM pos.sync_state)),
                       0)::bigint)::text AS pending
       FROM retail.stored_value_allowances a
      WHERE a.store_id = $1 AND a.register_id = $2 AND a.card_number = ANY($3::text[])`,
    [till.identity.storeId, till.identity.registerId, [...cardNumbers]],
  );
  return new Map(
    rows.map((r) => [
      r.card_number,
      {
        cardId: r.card_id,
        cardNumber: r.card_number,
        kind: r.card_kind,
        expiresOn: r.expires_on,
        isActive: r.is_active,
        grantedCents: Number(r.granted),
        settledCents: Number(r.settled),
        pendingCents: Number(r.pending),
      },
    ]),
  );
}

/**
 * Check every stored-value tender of a sale against this register's allowances (the same card
 * twice counts together) and return the card ID of each card number for settleTenders, and each
 * card's kind by card ID (for the receipt). Throws a ValidationError in the cashier's words and
 * currency; nothing is written.
 */
export async function resolveStoredValueTenders(
  db: Queryable,
  till: Pick<TillContext, 'identity' | 'clock'>,
  config: Pick<StoreConfig, 'currency'>,
  tenders: readonly TenderInput[],
): Promise<{ cardIds: Map<string, string>; kinds: Map<string, CardKind> }> {
  const taken = new Map<string, number>();
  for (const t of tenders) {
    if (t.type !== 'stored_value') continue;
    taken.set(t.cardNumber, (taken.get(t.cardNumber) ?? 0) + t.amountCents);
  }
  const kinds = new Map<string, CardKind>();
  if (taken.size === 0) return { cardIds: new Map(), kinds };
  const cards = await offlineCards(db, till, [...taken.keys()]);
  const today = till.clock.now().toISOString().slice(0, 10);
  const ids = new Map<string, string>();
  for (const [cardNumber, amountCents] of taken) {
    const card = cards.get(cardNumber);
    checkRedemption(card, amountCents, { today, currency: config.currency, cardNumber });
    ids.set(cardNumber, card.cardId);
    kinds.set(card.cardId, card.kind);
  }
  return { cardIds: ids, kinds };
}

export type { StoredValueCardView };

export async function lookUpStoredValueCard(
  till: TillContext,
  config: Pick<StoreConfig, 'currency'>,
  cardNumberInput: string,
): Promise<StoredValueCardView> {
  const parsed = CardNumber.safeParse(cardNumberInput);
  if (!parsed.success) {
    throw new ValidationError('A card number is 6 to 32 letters and digits: scan or type it again');
  }
  const cardNumber = parsed.data;
  const card = (await offlineCards(till.db, till, [cardNumber])).get(cardNumber);
  const words = {
    today: till.clock.now().toISOString().slice(0, 10),
    currency: config.currency,
    cardNumber,
  };
  // An unknown card is refused with the same words as a payment from it.
  if (!card) checkRedemption(card, 1, words);
  let problem: string | null = null;
  try {
    checkRedemption(card, 1, words);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    problem = error.message;
  }
  return {
    cardNumber,
    label: cardLabel(card.kind, cardNumber),
    availableCents: availableCents(card),
    expiresOn: card.expiresOn,
    problem,
  };
}

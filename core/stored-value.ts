/**
 * Store credit and gift cards (issue 18, item 1): the rules of redeeming offline. Pure.
 *
 * HQ holds the balance. For each register it reserves an allowance from that balance (granted,
 * only grows) and counts what it has taken from that register's redemptions (settled). A till
 * may redeem what is left of its register's allowance after its own redemptions HQ has not
 * taken yet:
 *
 *   available = granted − settled − (this till's redemptions not yet acknowledged by HQ)
 *
 * Every term is known at the till without HQ, and a stale allowance (granted and settled from
 * an older feed) only makes `available` smaller, never larger, because HQ acknowledges a
 * mutation in the same transaction that adds it to `settled` (docs/checkout.md).
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import { formatCurrency, type Cents } from './money';

/**
 * A card number as printed and in its barcode: digits and capital letters, 6 to 32. Typed with
 * the spaces or dashes printed on the card, or in lower case: the same number.
 */
export const CardNumber = z
  .string()
  .max(64)
  .transform((s) => s.replace(/[\s-]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-Z]{6,32}$/, 'A card number is 6 to 32 letters and digits'));
export type CardNumber = z.infer<typeof CardNumber>;

export const CardKind = z.enum(['gift_card', 'store_credit']);
export type CardKind = z.infer<typeof CardKind>;

/** What the till knows of a card: its register's allowance and its own unsent redemptions. */
export interface OfflineCard {
  cardId: string;
  cardNumber: string;
  kind: CardKind;
  /** ISO date (the last day the card may be used), or null. */
  expiresOn: string | null;
  isActive: boolean;
  grantedCents: Cents;
  settledCents: Cents;
  /** This till's redemptions (net of refunds back to the card) HQ has not acknowledged yet. */
  pendingCents: Cents;
}

export function availableCents(card: OfflineCard): Cents {
  return Math.max(0, card.grantedCents - card.settledCents - card.pendingCents);
}

/** "Gift card ••••1234" / "Store credit ••••1234": never the whole number on screen. */
export function cardLabel(kind: CardKind, cardNumber: string): string {
  const name = kind === 'gift_card' ? 'Gift card' : 'Store credit';
  return `${name} ••••${cardNumber.slice(-4)}`;
}

/**
 * A stored-value payment's name on a receipt: "Gift card ••1234" (printed receipts keep two
 * dots as for bank cards). `kind` null: a receipt read where the card's kind is not known.
 */
export function storedValueTenderName(kind: CardKind | null, last4: string | null): string {
  const name =
    kind === 'gift_card' ? 'Gift card' : kind === 'store_credit' ? 'Store credit' : 'Gift card';
  return last4 ? `${name} ••${last4}` : name;
}

/** The last four characters kept on the payment (digits only in `cardLast4`), or null. */
export function cardLast4(cardNumber: string): string | null {
  const last = cardNumber.slice(-4);
  return /^[0-9]{4}$/.test(last) ? last : null;
}

/**
 * May `amountCents` be taken from this card now? Throws a ValidationError the cashier reads
 * (amounts in the store's currency) otherwise. `card` undefined: the till has no allowance for
 * the number (unknown card, or a card HQ reserved nothing for at this register).
 */
export function checkRedemption(
  card: OfflineCard | undefined,
  amountCents: Cents,
  options: { today: string; currency: string; locale?: string | undefined; cardNumber: string },
): asserts card is OfflineCard {
  const money = (c: Cents): string => formatCurrency(c, options.currency, options.locale);
  const shown = `••••${options.cardNumber.slice(-4)}`;
  if (!card) {
    throw new ValidationError(
      `Card ${shown} is not known at this till: check the number, or take another tender`,
    );
  }
  const label = cardLabel(card.kind, card.cardNumber);
  if (!card.isActive) {
    throw new ValidationError(`${label} is blocked: take another tender`);
  }
  if (card.expiresOn !== null && card.expiresOn < options.today) {
    const day = new Date(`${card.expiresOn}T00:00:00Z`).toLocaleDateString(
      options.locale ?? 'en-US',
      { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' },
    );
    throw new ValidationError(`${label} expired on ${day}: take another tender`);
  }
  const available = availableCents(card);
  if (amountCents > available) {
    throw new ValidationError(
      available === 0
        ? `${label} has nothing left to spend at this till`
        : `${label} has ${money(available)} to spend at this till; ${money(amountCents)} is more`,
    );
  }
}

/**
 * Settling a total with tenders. Pure: given the amount due and what the customer handed over,
 * produce the payment rows or a typed error that changes nothing.
 *
 * Amount due >= 0 (a sale, or an exchange the customer pays for):
 *   cards and stored-value cards first (each > 0, together never more than the total: no cash
 *   back), cash covers the rest; change = cash tendered - cash due. One cash tender at most.
 * Amount due < 0 (a refund): the tenders say how the money goes back and must add up exactly.
 * Offline, card payments are store-and-forward and capped per sale (store setting).
 * Stored value (gift cards, store credit: core/stored-value.ts) is checked against the card's
 * offline allowance by the caller, which resolves each card number to its card first.
 */
import { z } from 'zod';
import { InsufficientTenderError, ValidationError } from './errors';
import { Uuid, type IdGenerator } from './ids';
import { Cents as CentsSchema, formatCurrency, type Cents } from './money';
import { CardNumber, cardLast4 } from './stored-value';

/**
 * A payment row as settling produces it and as `sale.recorded` carries it to HQ
 * (contract/mutations.ts re-exports these schemas for the wire).
 */
export const TenderType = z.enum(['cash', 'card', 'stored_value']);
export const CardStatus = z.enum(['approved', 'store_and_forward']);

export const Payment = z.object({
  paymentId: Uuid,
  tenderType: TenderType,
  amountCents: CentsSchema.refine((c) => c !== 0, 'payment amount must not be zero'),
  tenderedCents: CentsSchema.nullable(),
  changeCents: CentsSchema.nonnegative().nullable(),
  cardStatus: CardStatus.nullable(),
  cardLast4: z
    .string()
    .regex(/^[0-9]{4}$/)
    .nullable(),
  authCode: z.string().max(40).nullable(),
  /** Stored value: the gift card or store credit taken from (or refunded to). */
  storedValueCardId: Uuid.nullable().default(null),
});
export type Payment = z.infer<typeof Payment>;

export const TenderInput = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('cash'),
    tenderedCents: CentsSchema.positive('cash tendered must be more than zero'),
  }),
  z.object({
    type: z.literal('card'),
    amountCents: CentsSchema.positive('card amount must be more than zero'),
    last4: z
      .string()
      .regex(/^[0-9]{4}$/)
      .nullable()
      .default(null),
    authCode: z.string().trim().min(1).max(40).nullable().default(null),
  }),
  z.object({
    type: z.literal('stored_value'),
    /** As scanned from the card's barcode or typed. */
    cardNumber: CardNumber,
    amountCents: CentsSchema.positive('the amount taken from a card must be more than zero'),
  }),
]);
export type TenderInput = z.input<typeof TenderInput>;

export interface SettleOptions {
  online: boolean;
  offlineCardLimitCents: Cents;
  newId: IdGenerator;
  /** The store's currency (ISO 4217): refusals say amounts as the cashier reads them. */
  currency: string;
  /** Locale of the words; undefined: the runtime's own. */
  locale?: string | undefined;
  /**
   * The card ID of every stored-value tender's card number, resolved (and its allowance
   * checked) by the caller. A stored-value tender whose number is missing is refused.
   */
  storedValueCards?: ReadonlyMap<string, string> | undefined;
}

export interface Settlement {
  payments: Payment[];
  changeCents: Cents;
}

/**
 * Settle the tenders against the total (negative: a refund). The tenders are trusted: validated
 * at their trust boundary (the till API's input schema, which uses `TenderInput`) or built by
 * the till itself (default refund tenders, the seed generator). What is checked here are the
 * rules: enough tendered, one cash tender, card not over the total, the offline card limit.
 */
export function settleTenders(
  totalCents: Cents,
  tenders: readonly TenderInput[],
  options: SettleOptions,
): Settlement {
  const money = (cents: Cents): string => formatCurrency(cents, options.currency, options.locale);
  const cards = tenders.filter((t) => t.type === 'card');
  const cash = tenders.filter((t) => t.type === 'cash');
  const stored = tenders.filter((t) => t.type === 'stored_value');
  if (cash.length > 1) throw new ValidationError('Use one cash tender per transaction');
  const bankCardTotal = cards.reduce((a, c) => a + c.amountCents, 0);
  // Everything but cash: no change is given from it.
  const cardTotal = bankCardTotal + stored.reduce((a, c) => a + c.amountCents, 0);
  const storedPayments = (sign: 1 | -1): Payment[] =>
    stored.map((t) => {
      const cardId = options.storedValueCards?.get(t.cardNumber);
      if (!cardId) throw new ValidationError(`Card ••••${t.cardNumber.slice(-4)} is not known`);
      return {
        paymentId: options.newId(),
        tenderType: 'stored_value',
        amountCents: sign * t.amountCents,
        tenderedCents: sign * t.amountCents,
        changeCents: 0,
        cardStatus: null,
        cardLast4: cardLast4(t.cardNumber),
        authCode: null,
        storedValueCardId: cardId,
      };
    });
  const cardStatus = options.online ? ('approved' as const) : ('store_and_forward' as const);
  if (!options.online && bankCardTotal > options.offlineCardLimitCents) {
    throw new ValidationError(
      `Offline card payments are limited to ${money(options.offlineCardLimitCents)} per sale; take cash or wait for the connection`,
    );
  }
  const cardPayments = (sign: 1 | -1): Payment[] =>
    cards.map((c) => ({
      paymentId: options.newId(),
      tenderType: 'card',
      amountCents: sign * c.amountCents,
      tenderedCents: null,
      changeCents: null,
      cardStatus,
      cardLast4: c.last4 ?? null,
      authCode: c.authCode ?? null,
      storedValueCardId: null,
    }));

  if (totalCents >= 0) {
    if (cardTotal > totalCents) {
      throw new ValidationError(
        `${stored.length > 0 ? 'Card and gift card' : 'Card'} amounts (${money(cardTotal)}) exceed the amount due (${money(totalCents)})`,
      );
    }
    const cashDue = totalCents - cardTotal;
    const tendered = cash[0]?.tenderedCents ?? 0;
    if (tendered < cashDue) {
      throw new InsufficientTenderError(
        `Tendered ${money(tendered + cardTotal)} is short of the total ${money(totalCents)} by ${money(cashDue - tendered)}`,
      );
    }
    if (cashDue === 0 && tendered > 0) {
      throw new ValidationError('Nothing is left to pay in cash');
    }
    const payments = [...cardPayments(1), ...storedPayments(1)];
    if (cashDue > 0) {
      payments.push({
        paymentId: options.newId(),
        tenderType: 'cash',
        amountCents: cashDue,
        tenderedCents: tendered,
        changeCents: tendered - cashDue,
        cardStatus: null,
        cardLast4: null,
        authCode: null,
        storedValueCardId: null,
      });
    }
    return { payments, changeCents: tendered - cashDue };
  }

  const refund = -totalCents;
  const cashRefund = cash[0]?.tenderedCents ?? 0;
  if (cardTotal + cashRefund !== refund) {
    throw new ValidationError(
      `Refund tenders (${money(cardTotal + cashRefund)}) must add up to the refund due (${money(refund)})`,
    );
  }
  const payments = [...cardPayments(-1), ...storedPayments(-1)];
  if (cashRefund > 0) {
    payments.push({
      paymentId: options.newId(),
      tenderType: 'cash',
      amountCents: -cashRefund,
      tenderedCents: -cashRefund,
      changeCents: 0,
      cardStatus: null,
      cardLast4: null,
      authCode: null,
      storedValueCardId: null,
    });
  }
  return { payments, changeCents: 0 };
}

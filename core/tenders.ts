/**
 * Settling a total with tenders. Pure: given the amount due and what the customer handed over,
 * produce the payment rows or a typed error that changes nothing.
 *
 * Amount due >= 0 (a sale, or an exchange the customer pays for):
 *   cards first (each > 0, together never more than the total: no cash back), cash covers the
 *   rest; change = cash tendered - cash due. One cash tender at most.
 * Amount due < 0 (a refund): the tenders say how the money goes back and must add up exactly.
 * Offline, card payments are store-and-forward and capped per sale (store setting).
 */
import { z } from 'zod';
import { InsufficientTenderError, ValidationError } from './errors';
import { Uuid, type IdGenerator } from './ids';
import { Cents as CentsSchema, formatCurrency, type Cents } from './money';

/**
 * A payment row as settling produces it and as `sale.recorded` carries it to HQ
 * (contract/mutations.ts re-exports these schemas for the wire).
 */
export const TenderType = z.enum(['cash', 'card']);
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
  if (cash.length > 1) throw new ValidationError('Use one cash tender per transaction');
  const cardTotal = cards.reduce((a, c) => a + c.amountCents, 0);
  const cardStatus = options.online ? ('approved' as const) : ('store_and_forward' as const);
  if (!options.online && cardTotal > options.offlineCardLimitCents) {
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
    }));

  if (totalCents >= 0) {
    if (cardTotal > totalCents) {
      throw new ValidationError(
        `Card amounts (${money(cardTotal)}) exceed the amount due (${money(totalCents)})`,
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
    const payments = cardPayments(1);
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
  const payments = cardPayments(-1);
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
    });
  }
  return { payments, changeCents: 0 };
}

/**
 * The admin API's gift cards and store credit (`/admin/v1/gift-cards`, `npm run hq:admin --
 * gift-card ...`; issue 18, item 1; docs/checkout.md "Store credit and gift cards"): issuing a
 * card at a store, its balance and history, topping it up, freezing, unfreezing or expiring it,
 * and listing cards. Amounts are integer cents on the wire.
 */
import { z } from 'zod';
import { Cents } from '../core/money';
import { CardKind, CardNumber } from '../core/stored-value';
import { StoreId } from './mutations';

/** A calendar day, YYYY-MM-DD, that exists. */
export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'A date is YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'No such date');

const Amount = (what: string) =>
  Cents.positive(`${what} must be more than zero`).max(10_000_000, `${what} is at most 100,000.00`);

export const GiftCardIssue = z.object({
  /** The store that sells it: its active registers get the card's offline allowance. */
  storeId: StoreId,
  cardNumber: CardNumber,
  kind: CardKind.default('gift_card'),
  amountCents: Amount('The amount'),
  /** The last day it can be used; null: it does not expire. */
  expiresOn: Day.nullable().default(null),
});
export type GiftCardIssue = z.input<typeof GiftCardIssue>;

export const GiftCardTopUp = z.object({
  /** Where the money is taken: that store's active registers get the new allowance. */
  storeId: StoreId,
  amountCents: Amount('A top-up'),
});

export const GiftCardStateChange = z.object({
  state: z.enum(['freeze', 'unfreeze', 'expire']),
  /** expire: the last day it could be used (default: yesterday, HQ's date). */
  on: Day.optional(),
});

export const GiftCardParams = z.object({ cardNumber: CardNumber });

export const GiftCardQuery = z.object({
  kind: CardKind.optional(),
  /** Cards issued at this store. */
  storeId: StoreId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export interface GiftCardView {
  cardNumber: string;
  kind: z.infer<typeof CardKind>;
  issuedStoreId: string;
  expiresOn: string | null;
  isActive: boolean;
  balanceCents: number;
  /** Reserved for registers (what tills may spend offline) less what they spent of it. */
  reservedCents: number;
  unreservedCents: number;
  overspentCents: number;
  createdAt: string;
}

export interface GiftCardEntry {
  storeId: string;
  kind: 'issue' | 'top_up' | 'refund' | 'redeem';
  amountCents: number;
  registerId: string | null;
  occurredAt: string;
}

export interface GiftCardAllowanceView {
  storeId: string;
  registerId: string;
  grantedCents: number;
  settledCents: number;
}

export interface GiftCardDetail {
  card: GiftCardView;
  history: GiftCardEntry[];
  allowances: GiftCardAllowanceView[];
}

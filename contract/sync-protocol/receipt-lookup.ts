/**
 * Receipt lookup (sync protocol, wire.ts): a till asks HQ for a receipt of its store sold at
 * another register, to take a return against it.
 */
import { z } from 'zod';
import { SaleRecorded, Uuid } from '../mutations';

/**
 * POST /v1/receipts/lookup (issue 13, returns at any register): a till asks HQ for a receipt of
 * its store that it does not hold (sold at another register). HQ answers under the store's
 * tenant key; a receipt of another store only when the chain's policy allows returns across
 * stores, through HQ's one audited path (db/central/chain-returns.ts), never the asking store's.
 */
export const ReceiptLookupRequest = z.object({
  receiptNumber: z.string().trim().min(1).max(80),
});
export type ReceiptLookupRequest = z.infer<typeof ReceiptLookupRequest>;

/** A return HQ holds against the receipt: which sold lines and how many units it took back. */
export const ReceiptReturnRecord = z.object({
  transactionId: Uuid,
  status: z.enum(['completed', 'voided']),
  /** What it put back on card (negative: a refund), so a refund to card never exceeds the charge. */
  cardCents: z.number().int().safe(),
  lines: z
    .array(z.object({ originalItemId: Uuid, quantity: z.number().int().positive() }))
    .max(500),
});
export type ReceiptReturnRecord = z.infer<typeof ReceiptReturnRecord>;

export const CrossStoreRefusal = z.enum(['policy_off', 'too_old', 'other_currency', 'not_found']);
export type CrossStoreRefusal = z.infer<typeof CrossStoreRefusal>;

export const ReceiptLookup = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    /** The sale as its till sent it (no stock movements, no card authorisation codes). */
    sale: SaleRecorded,
    status: z.enum(['completed', 'voided']),
    /**
     * Every return HQ holds against it, from any register and, for a receipt of another store,
     * from any store of the chain (voided ones too).
     */
    returns: z.array(ReceiptReturnRecord).max(1_000),
    /**
     * Set when the receipt is another store's (returns at another store of the chain, allowed by
     * the chain's policy): that store's name. The sale then comes without its customer, shift,
     * approver and notes (only what a return needs). Absent from an HQ older than this field.
     */
    soldAt: z.string().max(100).nullable().optional(),
  }),
  z.object({
    found: z.literal(false),
    /**
     * The receipt number is another store's of the chain (its name): returns are taken only
     * at the store that sold (docs/checkout.md, "Returns at any register").
     */
    otherStore: z.string().max(100).nullable(),
    /**
     * Why another store's receipt is not shown (docs/checkout.md, "Returns at another store"):
     * the chain's policy is off, the sale is older than the policy's days, the stores take
     * different currencies, or the selling store has no such receipt. Absent from an older HQ
     * (which never showed another store's receipt).
     */
    refusal: CrossStoreRefusal.optional(),
    /** The policy's limit in days, with `too_old`. */
    returnDays: z.number().int().min(1).max(3650).optional(),
  }),
]);
export type ReceiptLookup = z.infer<typeof ReceiptLookup>;

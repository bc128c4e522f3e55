/**
 * Receipt lookup (sync protocol, wire.ts): a till asks HQ for a receipt of its store sold at
 * another register, to take a return against it.
 */
import { z } from 'zod';
import { SaleRecorded, Uuid } from '../mutations';

/**
 * POST /v1/receipts/lookup (issue 13, returns at any register): a till asks HQ for a receipt of
 * its store that it does not hold (sold at another register). HQ answers under the store's
 * tenant key, so a till never reads another store's receipts.
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

export const ReceiptLookup = z.discriminatedUnion('found', [
  z.object({
    found: z.literal(true),
    /** The sale as its till sent it (no stock movements, no card authorisation codes). */
    sale: SaleRecorded,
    status: z.enum(['completed', 'voided']),
    /** Every return HQ holds against it, from any register (voided ones too). */
    returns: z.array(ReceiptReturnRecord).max(1_000),
  }),
  z.object({
    found: z.literal(false),
    /**
     * The receipt number is another store's of the chain (its name): returns are taken only
     * at the store that sold (docs/checkout.md, "Returns at any register").
     */
    otherStore: z.string().max(100).nullable(),
  }),
]);
export type ReceiptLookup = z.infer<typeof ReceiptLookup>;

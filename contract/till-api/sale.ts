/**
 * The till API's sale area (till/api/sale.ts): committing a sale with its tenders, voiding a
 * recorded one, and what a committed sale answers.
 */
import { z } from 'zod';
import { Uuid } from '../../core/ids';
import { Cart } from '../../core/pricing';
import { TenderInput } from '../../core/tenders';
import { Approver, ReceiptNumber, Text } from './fields';
import type { Receipt } from './receipts';

export const SaleInput = {
  commitSale: z.object({
    transactionId: Uuid,
    cart: Cart,
    tenders: z.array(TenderInput).min(1, 'Choose how the customer pays').max(20),
    customerId: Uuid.nullable().default(null),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
    /** A tax-exempt sale: the customer's exemption certificate or reference (needs a customer). */
    taxExemptReference: Text('The exemption reference', 60).nullable().default(null),
  }),
  /** A gift card or store credit as scanned or typed at the payment (checked, not spent). */
  lookUpCard: z.object({
    cardNumber: z.string().max(64, 'A card number is 6 to 32 letters and digits'),
  }),
  voidSale: z.object({
    receiptNumber: ReceiptNumber,
    reason: Text('The reason').trim().min(1, 'Give a reason for the void'),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
} as const;

export interface StockWarning {
  productId: string;
  sku: string;
  onHand: number;
}

export interface SaleResult {
  receipt: Receipt;
  changeCents: number;
  mutationId: number | null;
  /** Lines whose stock went below zero with this sale (the sale is never blocked). */
  stockWarnings: StockWarning[];
  /** True when this call found the sale already committed (a retry). */
  duplicate: boolean;
}

/**
 * A gift card or store credit as the cashier sees it after scanning or typing it: never the
 * whole number, what this till may take from it without HQ (its register's allowance, less
 * what it took and HQ has not settled yet), and why it cannot be used now, in words.
 */
export interface StoredValueCardView {
  /** The number as the till keeps it (spaces and dashes dropped, capitals): sent back to pay. */
  cardNumber: string;
  /** "Gift card ••••1234" / "Store credit ••••1234". */
  label: string;
  availableCents: number;
  expiresOn: string | null;
  /** Expired, blocked or nothing left at this till, in the cashier's words; null: usable. */
  problem: string | null;
}

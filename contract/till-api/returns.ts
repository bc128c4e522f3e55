/**
 * The till API's returns area (till/api/returns.ts): quoting and committing a return against a
 * receipt (with an exchange's new lines), and a return without a receipt.
 */
import { z } from 'zod';
import { Uuid } from '../../core/ids';
import { Cart } from '../../core/pricing';
import { TenderInput } from '../../core/tenders';
import { Approver, ReceiptNumber, Text } from './fields';
import type { ReceiptLine } from './receipts';

/** The lines of a return: which sold line, how many, why, and whether it goes back on the shelf. */
const ReturnLines = z
  .array(
    z.object({
      originalItemId: Uuid,
      quantity: z
        .number('The quantity must be a number')
        .int('The quantity must be a whole number')
        .positive('The quantity must be at least 1'),
      reason: Text('The reason').trim().min(1, 'Give a reason for every returned line'),
      restock: z.boolean(),
    }),
  )
  .min(1, 'Choose at least one line to return')
  .max(500);

/**
 * How a refund is paid out when there is no receipt to follow (issue 13). Store credit (issue
 * 18) joins this list and the store policy (contract/catalog.ts NoReceiptRefund).
 */
export const RefundMethod = z.enum(['cash', 'card'], 'Choose how the refund is paid');
export type RefundMethod = z.infer<typeof RefundMethod>;

/** The items of a return without a receipt: each product once, at today's price. */
const NoReceiptLines = z
  .array(
    z.object({
      productId: Uuid,
      quantity: z
        .number('The quantity must be a number')
        .int('The quantity must be a whole number')
        .min(1, 'The quantity must be at least 1')
        .max(999, 'At most 999 of an item'),
      restock: z.boolean().default(true),
    }),
  )
  .min(1, 'Scan or type the items coming back (at least one)')
  .max(100);

export const ReturnsInput = {
  commitReturn: z.object({
    transactionId: Uuid,
    originalReceiptNumber: ReceiptNumber,
    lines: ReturnLines,
    newLines: Cart.shape.lines.default([]),
    tenders: z.array(TenderInput).max(20),
    customerId: Uuid.nullable().optional(),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  quoteNoReceiptReturn: z.object({ lines: NoReceiptLines, refundMethod: RefundMethod }),
  commitNoReceiptReturn: z.object({
    transactionId: Uuid,
    lines: NoReceiptLines,
    reason: Text('The reason', 200).trim().min(1, 'Give a reason for the return without a receipt'),
    refundMethod: RefundMethod,
    cardLast4: z
      .string()
      .regex(/^[0-9]{4}$/, "The card's last four digits")
      .nullable()
      .optional(),
    managerPin: Text('The manager PIN', 16).optional(),
    managerId: Approver.optional(),
  }),
  quoteReturn: z.object({
    originalReceiptNumber: ReceiptNumber,
    lines: ReturnLines,
    newLines: Cart.shape.lines.default([]),
  }),
} as const;

export interface ReturnableLine extends ReceiptLine {
  returnedQuantity: number;
  returnableQuantity: number;
}

export interface ReturnQuote {
  originalReceiptNumber: string;
  totalCents: number;
  subtotalCents: number;
  discountCents: number;
  taxCents: number;
  /** What `commitReturn` does with no tenders given (refunds only). */
  defaultTenders: TenderInput[];
}

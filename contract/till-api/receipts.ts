/**
 * The till API's receipts area (till/api/receipts.ts): looking a receipt up by its number, the
 * recent receipts, and the receipt as the screens show and print it.
 */
import { z } from 'zod';
import type { Cents } from '../../core/money';
import type { TaxBreakdownRow, TaxRounding } from '../../core/tax';
import type { CardKind } from '../../core/stored-value';
import type { Payment, SaleLine, TransactionType } from '../mutations';
import { ReceiptNumber } from './fields';

export const ReceiptsInput = {
  receipt: z.object({ receiptNumber: ReceiptNumber }),
  recentReceipts: z.object({ limit: z.number().int().min(1).max(100).default(20) }),
} as const;

/** A receipt line is the `sale.recorded` line as the till stored it. */
export type ReceiptLine = SaleLine;

/** A receipt payment is the `sale.recorded` payment without the card authorisation code. */
export type ReceiptPayment = Omit<Payment, 'authCode' | 'storedValueCardId'> & {
  /** Stored value: gift card or store credit, when the till knows the card (its allowance). */
  cardKind?: CardKind | null | undefined;
};

export interface Receipt {
  transactionId: string;
  receiptNumber: string;
  registerId: string;
  transactionType: z.infer<typeof TransactionType>;
  status: 'completed' | 'voided';
  occurredAt: string;
  cashierId: string;
  customerId: string | null;
  shiftId: string | null;
  originalTransactionId: string | null;
  subtotalCents: Cents;
  discountCents: Cents;
  taxCents: Cents;
  totalCents: Cents;
  /** Prices on this receipt contain the tax (VAT style): the tax is shown, not added. */
  taxIncluded: boolean;
  taxRounding: TaxRounding;
  taxExemptReference: string | null;
  /** Coupon codes entered on the sale. */
  coupons: string[];
  /** Tax by component and rate (core/tax.ts taxBreakdown). */
  taxBreakdown: TaxBreakdownRow[];
  voidReason: string | null;
  /**
   * Loyalty points this transaction earned for its customer (negative: a return took them back;
   * core/loyalty.ts); null without a customer, or once voided (the void took them back).
   */
  loyaltyPointsEarned: number | null;
  /**
   * HQ has acknowledged this transaction: a card taken offline (store and forward) has been
   * sent on. False on a receipt printed before the first sync.
   */
  sentToHq: boolean;
  lines: ReceiptLine[];
  payments: ReceiptPayment[];
}

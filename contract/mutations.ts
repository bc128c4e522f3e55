/**
 * Mutations: everything born at the till that HQ must receive. One schema per type; the same
 * schemas validate the sale journal on replay, the outbox payload and HQ's push endpoint
 * (contract/sync-protocol/push.ts), so the three can never drift apart.
 *
 * Amounts are integer cents, quantities integers, timestamps ISO-8601 with offset.
 */
import { z } from 'zod';
import { Uuid } from '../core/ids';
import { Cents, Ppm } from '../core/money';
import { Payment } from '../core/tenders';
import { LineTax, TaxBreakdownRow, TaxRounding } from '../core/tax';
import { PriceOverride } from '../core/overrides';
import { AppliedPromotion, CouponCode } from '../core/promotions';
import { Points } from '../core/loyalty';

// The primitives and the payment row are defined beside the rules that produce them (core/);
// re-exported here so every boundary schema is importable from contract/.
export { Uuid } from '../core/ids';
export { Cents, Ppm } from '../core/money';
export { CardStatus, Payment, TenderType } from '../core/tenders';
export { LineTax, TaxBreakdownRow, TaxComponent, TaxComponents, TaxRounding } from '../core/tax';

export const IsoTime = z.iso.datetime({ offset: true });

/**
 * Every number a till sends is bounded here, at the boundary, by the column that stores it:
 * a value the schema accepts must fit (a receiptSeq of 2^31 used to fail inside HQ's
 * transaction as a 500, which a till retries forever).
 */
/** Largest value of a PostgreSQL `integer` column (receipt and Z numbers, counts, line numbers). */
export const MAX_INT4 = 2_147_483_647;
/** A count or sequence number stored as `integer`. */
export const Int4 = z
  .number()
  .int()
  .min(-MAX_INT4 - 1)
  .max(MAX_INT4);
/**
 * Most units of one product on one line or in one stock movement. Far above any real sale,
 * and low enough that HQ's daily rollups (integer sums of many lines) cannot overflow.
 */
export const MAX_QUANTITY = 100_000;
const Quantity = z
  .number()
  .int()
  .min(-MAX_QUANTITY)
  .max(MAX_QUANTITY)
  .refine((q) => q !== 0, 'quantity must not be zero');
/** Mutation IDs count 1, 2, 3... per device (bigint at HQ; safe integers in JSON). */
export const MutationId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const RegisterId = z.string().regex(/^[A-Z0-9]{1,8}$/);
export const StoreId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,49}$/);

export const SaleLine = z.object({
  itemId: Uuid,
  lineNumber: Int4.positive(),
  productId: Uuid,
  sku: z.string().min(1).max(50),
  productName: z.string().min(1).max(200),
  categoryId: Int4.positive().nullable(),
  quantity: Quantity,
  unitPriceCents: Cents.nonnegative(),
  discountCents: Cents,
  /** Sum of the components' rates. */
  taxRatePpm: Ppm,
  /** Sum of the components' tax (a till before tax components sends none: one rate only). */
  taxCents: Cents,
  /** Inclusive stores: the price paid, tax within. Exclusive: net of discount, before tax. */
  totalCents: Cents,
  taxes: z.array(LineTax).max(8).default([]),
  /** A price set by hand (or an open price): the catalog price it replaced and why. */
  priceOverride: PriceOverride.nullable().default(null),
  /** What HQ's promotions took off this line (part of discountCents); core/promotions.ts. */
  promotions: z.array(AppliedPromotion).max(20).default([]),
  originalItemId: Uuid.nullable(),
  returnReason: z.string().max(200).nullable(),
  restock: z.boolean().nullable(),
});
export type SaleLine = z.infer<typeof SaleLine>;

export const StockReason = z.enum(['sale', 'return', 'void', 'adjustment', 'receiving', 'count']);
export const StockMovement = z.object({
  movementId: Uuid,
  productId: Uuid,
  quantityDelta: Quantity,
  reason: StockReason,
  transactionId: Uuid.nullable(),
  note: z.string().max(200).nullable(),
});
export type StockMovement = z.infer<typeof StockMovement>;

export const TransactionType = z.enum(['sale', 'return', 'exchange']);

export const SaleRecorded = z.object({
  transactionId: Uuid,
  registerId: RegisterId,
  receiptSeq: Int4.positive(),
  receiptNumber: z.string().min(1).max(80),
  transactionType: TransactionType,
  customerId: Uuid.nullable(),
  cashierId: Uuid,
  approvedBy: Uuid.nullable(),
  shiftId: Uuid.nullable(),
  occurredAt: IsoTime,
  subtotalCents: Cents,
  discountCents: Cents,
  taxCents: Cents,
  /** subtotal - discount + tax (exclusive), subtotal - discount (inclusive: tax within). */
  totalCents: Cents,
  taxIncluded: z.boolean().default(false),
  taxRounding: TaxRounding.default('line'),
  /** A tax-exempt sale: the customer's exemption certificate or reference. */
  taxExemptReference: z.string().trim().min(1).max(60).nullable().default(null),
  originalTransactionId: Uuid.nullable(),
  /**
   * A return without a receipt (issue 13): why it was taken; a manager approved it
   * (`approvedBy`). Such a return names no original sale and its lines no original line.
   */
  noReceiptReason: z.string().trim().min(1).max(200).nullable().default(null),
  notes: z.string().max(500).nullable(),
  /** Coupon codes entered on the sale (capitals); HQ recomputes promotions with them. */
  coupons: z.array(CouponCode).max(10).default([]),
  /**
   * The loyalty points the till computed for the sale's customer (core/loyalty.ts; negative: a
   * return takes them back); null: no customer, or a till from before loyalty points. HQ
   * computes them itself and raises an exception when they differ (issue 18, item 6).
   */
  loyaltyPointsEarned: Points.nullable().default(null),
  lines: z.array(SaleLine).min(1).max(500),
  payments: z.array(Payment).max(20),
  stockMovements: z.array(StockMovement).max(500),
});
export type SaleRecorded = z.infer<typeof SaleRecorded>;

export const SaleVoided = z.object({
  transactionId: Uuid,
  reason: z.string().min(1).max(200),
  voidedBy: Uuid,
  voidedAt: IsoTime,
  stockMovements: z.array(StockMovement).max(500),
});
export type SaleVoided = z.infer<typeof SaleVoided>;

export const ShiftOpened = z.object({
  shiftId: Uuid,
  registerId: RegisterId,
  openedBy: Uuid,
  openedAt: IsoTime,
  openingFloatCents: Cents.nonnegative(),
});
export type ShiftOpened = z.infer<typeof ShiftOpened>;

export const CashMoved = z.object({
  movementId: Uuid,
  shiftId: Uuid,
  kind: z.enum(['in', 'out']),
  amountCents: Cents.positive(),
  reason: z.string().min(1).max(200),
  staffId: Uuid,
  occurredAt: IsoTime,
});
export type CashMoved = z.infer<typeof CashMoved>;

/**
 * A no-sale (issue 13, item 5): the drawer opened with no sale, by whom, when, in which shift
 * (and so at which register), why, and the manager who approved it when the store asks for one.
 */
export const NoSaleRecorded = z.object({
  eventId: Uuid,
  shiftId: Uuid,
  reason: z.string().min(1).max(200),
  staffId: Uuid,
  approvedBy: Uuid.nullable(),
  occurredAt: IsoTime,
});
export type NoSaleRecorded = z.infer<typeof NoSaleRecorded>;

export const ZReport = z.object({
  zReportId: Uuid,
  registerId: RegisterId,
  zNumber: Int4.positive(),
  shiftId: Uuid,
  openedAt: IsoTime,
  closedAt: IsoTime,
  salesCount: Int4.nonnegative(),
  returnsCount: Int4.nonnegative(),
  /**
   * Exchanges, counted once (issue 13, item 7): not in salesCount nor returnsCount. Absent
   * from reports of older tills, which counted an exchange in both (0).
   */
  exchangesCount: Int4.nonnegative().default(0),
  voidsCount: Int4.nonnegative(),
  grossSalesCents: Cents,
  discountsCents: Cents,
  returnsCents: Cents,
  /** Tax owed: tax on sales − tax refunded (= the breakdown's total). */
  taxCents: Cents,
  /**
   * The footing (issue 13, item 7): tax charged on sold lines, and the tax inside the refunds
   * (counted once: returnsCents includes it). Exclusive tax: gross − discounts + taxOnSales −
   * returns = net. Absent from reports of older tills (0).
   */
  taxOnSalesCents: Cents.default(0),
  returnsTaxCents: Cents.default(0),
  /** Tax by component and rate over the shift (stored in z_reports.report). */
  taxBreakdown: z.array(TaxBreakdownRow).max(64).default([]),
  /** Sold lines whose price was set by hand, and what that took off the catalog prices. */
  overridesCount: z.number().int().nonnegative().default(0),
  overridesCents: Cents.default(0),
  netCents: Cents,
  cashCents: Cents,
  cardCents: Cents,
  /**
   * Gift card and store credit tenders (issue 18, item 1), each its own line: cash + card +
   * gift cards + store credit = net. Absent from reports of older tills (0).
   */
  giftCardCents: Cents.default(0),
  storeCreditCents: Cents.default(0),
  openingFloatCents: Cents,
  cashInCents: Cents,
  cashOutCents: Cents,
  /** No-sale drawer opens in the shift (issue 13, item 5). Absent from older tills' reports (0). */
  noSalesCount: Int4.nonnegative().default(0),
  expectedCashCents: Cents,
  countedCashCents: Cents,
  overShortCents: Cents,
});
export type ZReport = z.infer<typeof ZReport>;

export const ShiftClosed = z.object({
  shiftId: Uuid,
  closedBy: Uuid,
  closedAt: IsoTime,
  expectedCashCents: Cents,
  countedCashCents: Cents.nonnegative(),
  overShortCents: Cents,
  zReport: ZReport,
});
export type ShiftClosed = z.infer<typeof ShiftClosed>;

export const CustomerCreated = z.object({
  customerId: Uuid,
  firstName: z.string().trim().min(1).max(50),
  lastName: z.string().trim().min(1).max(50),
  email: z.email().max(100).nullable(),
  phone: z.string().trim().max(30).nullable(),
  createdAt: IsoTime,
});
export type CustomerCreated = z.infer<typeof CustomerCreated>;

export const StockAdjusted = z.object({
  adjustmentId: Uuid,
  occurredAt: IsoTime,
  staffId: Uuid,
  movements: z.array(StockMovement).min(1).max(500),
});
export type StockAdjusted = z.infer<typeof StockAdjusted>;

/** The envelope: what the outbox stores, the journal persists and push sends. */
export const Mutation = z.discriminatedUnion('type', [
  z.object({
    mutationId: MutationId,
    type: z.literal('sale.recorded'),
    payload: SaleRecorded,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('sale.voided'),
    payload: SaleVoided,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('shift.opened'),
    payload: ShiftOpened,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('shift.cash_moved'),
    payload: CashMoved,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('shift.no_sale'),
    payload: NoSaleRecorded,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('shift.closed'),
    payload: ShiftClosed,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('customer.created'),
    payload: CustomerCreated,
  }),
  z.object({
    mutationId: MutationId,
    type: z.literal('stock.adjusted'),
    payload: StockAdjusted,
  }),
]);
export type Mutation = z.infer<typeof Mutation>;
export type MutationType = Mutation['type'];
/** A mutation before the outbox numbers it. */
export type NewMutation = Mutation extends infer M
  ? M extends { mutationId: number }
    ? Omit<M, 'mutationId'>
    : never
  : never;

/** The UUID of the entity a mutation is about (outbox.entity_id, de-duplication at HQ). */
export function mutationEntityId(mutation: NewMutation): string {
  switch (mutation.type) {
    case 'sale.recorded':
    case 'sale.voided':
      return mutation.payload.transactionId;
    case 'shift.opened':
    case 'shift.closed':
      return mutation.payload.shiftId;
    case 'shift.cash_moved':
      return mutation.payload.movementId;
    case 'shift.no_sale':
      return mutation.payload.eventId;
    case 'customer.created':
      return mutation.payload.customerId;
    case 'stock.adjusted':
      return mutation.payload.adjustmentId;
  }
}

/**
 * Catalog entities as they travel from HQ to a till (the pull feed) and as seeding writes them.
 * One schema per synced table; the change feed (contract/sync-protocol/changes.ts) carries them.
 * Amounts are integer cents; `version` is HQ's per-row version (the till applies only newer).
 */
import { z } from 'zod';
import {
  Cents,
  Int4,
  IsoTime,
  Ppm,
  RegisterId,
  StoreId,
  TaxComponents,
  TaxRounding,
  Uuid,
} from './mutations';
import { PromotionFields, withPromotionChecks } from '../core/promotions';
import { ScheduledPriceFields } from '../core/scheduled-prices';

export const Version = z.number().int().nonnegative();

/**
 * How a store refunds a return without a receipt (issue 13): in cash, to a card, either (the
 * cashier asks the customer), or not at all. The seam for store credit (issue 18): it becomes
 * one more value here and one more RefundMethod (contract/till-api/returns.ts), nothing else
 * changes.
 */
export const NoReceiptRefund = z.enum(['none', 'cash', 'card', 'cash_or_card']);
export type NoReceiptRefund = z.infer<typeof NoReceiptRefund>;

export const StoreEntity = z.object({
  storeId: StoreId,
  storeName: z.string().min(1).max(100),
  storeLocation: z.string().max(100).nullable(),
  /** Printed on receipts (issue 18, item 5); an HQ older than them sends none. */
  storeAddress: z.string().max(200).nullable().default(null),
  storePhone: z.string().max(30).nullable().default(null),
  storeType: z.enum(['flagship', 'standard', 'ecommerce', 'outlet']),
  region: z.string().max(50).nullable(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  timezone: z.string().min(1).max(64),
  taxRatePpm: Ppm,
  /** Prices contain tax (VAT style); core/tax.ts. */
  taxIncluded: z.boolean().default(false),
  taxRounding: TaxRounding.default('line'),
  /** The store's taxes (state + city...); empty = the single store/category rate. */
  taxComponents: TaxComponents.default([]),
  managerDiscountThresholdPpm: Ppm,
  offlineCardLimitCents: Cents.nonnegative(),
  /** Price overrides: largest reduction a cashier gives alone; largest open price. */
  priceOverrideLimitPpm: Ppm.default(100_000),
  openPriceLimitCents: Cents.nonnegative().default(10_000),
  /** Cash control: largest cash-out a cashier records alone; count the drawer blind at close. */
  cashOutLimitCents: Cents.nonnegative().default(20_000),
  blindClose: z.boolean().default(false),
  /** A no-sale drawer open needs a manager's PIN (issue 13, item 5). */
  noSaleNeedsManager: z.boolean().default(false),
  /** Returns without a receipt: how the store refunds them (a manager approves each). */
  noReceiptRefund: NoReceiptRefund.default('cash_or_card'),
  isActive: z.boolean(),
  version: Version,
});
export type StoreEntity = z.infer<typeof StoreEntity>;

export const CategoryEntity = z.object({
  categoryId: Int4.positive(),
  categoryName: z.string().min(1).max(100),
  parentCategoryId: Int4.positive().nullable(),
  description: z.string().nullable(),
  isActive: z.boolean(),
  version: Version,
});
export type CategoryEntity = z.infer<typeof CategoryEntity>;

export const CategoryTaxRateEntity = z.object({
  categoryId: Int4.positive(),
  taxRatePpm: Ppm,
  version: Version,
});
export type CategoryTaxRateEntity = z.infer<typeof CategoryTaxRateEntity>;

export const RegisterEntity = z.object({
  registerId: RegisterId,
  registerName: z.string().min(1).max(100),
  isActive: z.boolean(),
  version: Version,
});
export type RegisterEntity = z.infer<typeof RegisterEntity>;

export const StaffEntity = z.object({
  staffId: Uuid,
  displayName: z.string().min(1).max(100),
  role: z.enum(['cashier', 'manager']),
  pinHash: z.string().startsWith('$2'),
  isActive: z.boolean(),
  version: Version,
});
export type StaffEntity = z.infer<typeof StaffEntity>;

export const ProductEntity = z.object({
  productId: Uuid,
  sku: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/),
  barcode: z
    .string()
    .regex(/^[0-9A-Za-z-]{1,64}$/)
    .nullable(),
  productName: z.string().min(1).max(200),
  productDescription: z.string().max(5000).nullable(),
  categoryId: Int4.positive().nullable(),
  brand: z.string().max(100).nullable(),
  model: z.string().max(100).nullable(),
  color: z.string().max(50).nullable(),
  size: z.string().max(50).nullable(),
  weightKg: z
    .string()
    .regex(/^\d{1,5}(\.\d{1,3})?$/)
    .nullable(),
  priceCents: Cents.nonnegative(),
  costCents: Cents.nonnegative().nullable(),
  minimumStock: Int4.nonnegative(),
  reorderPoint: Int4.nonnegative(),
  supplierName: z.string().max(100).nullable(),
  isActive: z.boolean(),
  isFeatured: z.boolean(),
  tags: z.array(z.string().max(50)).max(50),
  metadata: z.record(z.string(), z.unknown()),
  version: Version,
});
export type ProductEntity = z.infer<typeof ProductEntity>;

export const CustomerEntity = z.object({
  customerId: Uuid,
  firstName: z.string().min(1).max(50),
  lastName: z.string().min(1).max(50),
  email: z.string().max(100).nullable(),
  phone: z.string().max(30).nullable(),
  dateOfBirth: z.iso.date().nullable(),
  gender: z.string().max(30).nullable(),
  customerSince: z.iso.date(),
  loyaltyTier: z.enum(['bronze', 'silver', 'gold', 'platinum']),
  totalLifetimeValueCents: Cents,
  version: Version,
});
export type CustomerEntity = z.infer<typeof CustomerEntity>;

export const StockLevelEntity = z.object({
  productId: Uuid,
  onHand: Int4,
  version: Version,
});
export type StockLevelEntity = z.infer<typeof StockLevelEntity>;

/**
 * What one register may redeem from a gift card or store credit without HQ (issue 18, item 1;
 * docs/checkout.md): HQ's reservation `grantedCents` (only grows) and what it already took from
 * that register's redemptions, `settledCents`.
 */
export const StoredValueAllowanceEntity = z.object({
  allowanceId: Uuid,
  registerId: z.string().regex(/^[A-Z0-9]{1,8}$/),
  cardId: Uuid,
  cardNumber: z.string().regex(/^[0-9A-Z]{6,32}$/),
  cardKind: z.enum(['gift_card', 'store_credit']),
  expiresOn: z.iso.date().nullable(),
  isActive: z.boolean(),
  grantedCents: Cents.nonnegative(),
  settledCents: Cents.nonnegative(),
  version: Version,
});
export type StoredValueAllowanceEntity = z.infer<typeof StoredValueAllowanceEntity>;

export const EmbeddingEntity = z.object({
  productId: Uuid,
  embeddingModel: z.string().min(1).max(100),
  embeddingText: z.string(),
  /** Unit-length float vector; its length is the model's dimension. */
  embedding: z.array(z.number()).min(1).max(4096),
  version: Version,
});
export type EmbeddingEntity = z.infer<typeof EmbeddingEntity>;

/**
 * A promotion as HQ sends it to the stores it runs in (core/promotions.ts has the rules; the
 * till validates each row with this schema, so pricing can trust it).
 */
export const PromotionEntity = withPromotionChecks(PromotionFields.extend({ version: Version }));
export type PromotionEntity = z.infer<typeof PromotionEntity>;

/**
 * A scheduled price change of one product in this store (issue 14, item 2): the price it takes
 * from `effectiveAt` until `supersededAt` (core/scheduled-prices.ts has the rules).
 */
export const ScheduledPriceEntity = ScheduledPriceFields.extend({ version: Version });
export type ScheduledPriceEntity = z.infer<typeof ScheduledPriceEntity>;

export { IsoTime };

/**
 * HQ administration API contract (admin token, `Authorization: Bearer <token>`): what HQ staff
 * do. Shared by the server routes (hq/server/admin-routes.ts) and the CLI
 * (hq/cli/hq-admin.ts). Every product, price and category edit goes through the
 * central tables' triggers into the change feed, so tills receive it in commit order.
 */
import { z } from 'zod';
import { CategoryEntity, ProductEntity, PromotionEntity, StoreEntity } from './catalog';
import { PromotionFields } from '../core/promotions';
import { Cents, RegisterId, StoreId, Uuid } from './mutations';
import { ExceptionEntity, ExceptionKindSchema } from './exceptions';

export const CreateEnrollmentCode = z.object({
  storeId: StoreId,
  registerId: RegisterId,
  /** Minutes until the code expires (default 60, at most 7 days). */
  ttlMinutes: z.number().int().min(1).max(10_080).optional(),
  label: z.string().trim().min(1).max(100).optional(),
  /**
   * The new till replaces the register's active one: redeeming the code revokes it (and its
   * rebase lineage). Without it HQ refuses a code for a register that has an active till.
   */
  replace: z.boolean().optional(),
});
export type CreateEnrollmentCode = z.infer<typeof CreateEnrollmentCode>;

export const EnrollmentCodeCreated = z.object({
  code: z.string(),
  storeId: StoreId,
  registerId: RegisterId,
  expiresAt: z.iso.datetime({ offset: true }),
});
export type EnrollmentCodeCreated = z.infer<typeof EnrollmentCodeCreated>;

export const DeviceSyncState = z.object({
  storeId: StoreId,
  deviceId: Uuid,
  registerId: RegisterId,
  label: z.string().nullable(),
  enrolledAt: z.string(),
  revokedAt: z.string().nullable(),
  revokedReason: z.string().nullable(),
  supersededBy: Uuid.nullable(),
  lastSeenAt: z.string().nullable(),
  lastPushAt: z.string().nullable(),
  lastPullAt: z.string().nullable(),
  lastMutationId: z.number().int().nonnegative(),
  rejectedCount: z.number().int().nonnegative(),
  /** Unacknowledged changes the till reported with its last request. */
  reportedPending: z.number().int().nonnegative().nullable(),
  /** Change-feed entries of the store after the till's last reported cursor. */
  cursorLag: z.number().int().nonnegative().nullable(),
  resyncRequestedAt: z.string().nullable(),
  /** The device this one continues (it rebased from it): the lineage HQ staff review. */
  rebasedFrom: Uuid.nullable(),
  /** When HQ last answered this device's push with a counter conflict (allows one rebase). */
  counterConflictAt: z.string().nullable(),
  /** The till app's version it last reported (null: not since HQ records it). */
  appVersion: z.string().nullable(),
  /** The sync protocol version of its last request. */
  protocolVersion: z.number().int().nullable(),
});
export type DeviceSyncState = z.infer<typeof DeviceSyncState>;

export const RevokeDevice = z.object({ reason: z.string().trim().min(1).max(200) });

export const ProductPatch = ProductEntity.omit({ productId: true, version: true })
  .partial()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type ProductPatch = z.infer<typeof ProductPatch>;

export const ProductCreate = ProductEntity.omit({ version: true });
export type ProductCreate = z.infer<typeof ProductCreate>;

/** A price change, by product ID or SKU, for one store or (storeId omitted) every store. */
export const PriceChange = z.object({
  storeId: StoreId.optional(),
  changes: z
    .array(
      z.union([
        z.object({ productId: Uuid, priceCents: Cents.nonnegative() }),
        z.object({ sku: z.string().min(1).max(50), priceCents: Cents.nonnegative() }),
      ]),
    )
    .min(1)
    .max(10_000),
});
export type PriceChange = z.infer<typeof PriceChange>;

export const PriceChangeResult = z.object({
  /** Rows updated over all stores. */
  updated: z.number().int().nonnegative(),
  /** Product IDs or SKUs that matched nothing. */
  unknown: z.array(z.string()),
});
export type PriceChangeResult = z.infer<typeof PriceChangeResult>;

export const CategoryUpsert = CategoryEntity.omit({ version: true }).partial({
  parentCategoryId: true,
  description: true,
  isActive: true,
});
export type CategoryUpsert = z.infer<typeof CategoryUpsert>;

export const ProductList = z.object({
  products: z.array(ProductEntity),
});

export const StoreList = z.object({ stores: z.array(StoreEntity) });
export const CategoryList = z.object({ categories: z.array(CategoryEntity) });
export const DeviceList = z.object({ devices: z.array(DeviceSyncState) });

export const ProductQuery = z.object({
  search: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1_000).optional(),
});

// ---------------------------------------------------------------------------------------
// Exceptions, quarantine and reconciliation (issue 11). A sale is a fact: HQ records every
// authentic fact a till sends; what is wrong around it is an exception for a person to work,
// and what HQ could not record at all is kept whole in the quarantine, to re-apply after a
// fix or dismiss with a reason. Every resolution records who, when and what.
// ---------------------------------------------------------------------------------------

export const ExceptionStatus = z.enum(['open', 'resolved']);
export type ExceptionStatus = z.infer<typeof ExceptionStatus>;

/** GET /admin/v1/exceptions: newest first; `before` pages (the createdAt of the last row). */
export const ExceptionQuery = z.object({
  storeId: StoreId.optional(),
  status: ExceptionStatus.optional(),
  kind: ExceptionKindSchema.optional(),
  entity: ExceptionEntity.optional(),
  /** Exceptions about one thing (a sale's transaction ID, a shift, a customer...). */
  entityId: z.string().min(1).max(200).optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type ExceptionQuery = z.infer<typeof ExceptionQuery>;

export const ExceptionView = z.object({
  storeId: StoreId,
  exceptionId: Uuid,
  kind: ExceptionKindSchema,
  entity: ExceptionEntity,
  entityId: z.string(),
  /** The till and mutation that carried the fact (null for reconciliation findings). */
  deviceId: z.string().nullable(),
  mutationId: z.number().int().positive().nullable(),
  /** Plain language: what happened and what HQ did with it. */
  reason: z.string(),
  /** Plain language: what a person should do about it. */
  todo: z.string(),
  detail: z.record(z.string(), z.unknown()),
  status: ExceptionStatus,
  resolution: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.iso.datetime({ offset: true }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type ExceptionView = z.infer<typeof ExceptionView>;
export const ExceptionList = z.object({ exceptions: z.array(ExceptionView) });
export type ExceptionList = z.infer<typeof ExceptionList>;

/** POST /admin/v1/stores/:storeId/exceptions/:exceptionId/resolve */
export const ResolveException = z.object({
  /** Who resolved it (HQ staff name or login), recorded with the resolution. */
  resolvedBy: z.string().trim().min(1).max(100),
  /** What was done, in plain language. */
  resolution: z.string().trim().min(1).max(2_000),
});
export type ResolveException = z.infer<typeof ResolveException>;

export const QuarantineStatus = z.enum(['held', 'applied', 'dismissed']);
export type QuarantineStatus = z.infer<typeof QuarantineStatus>;

/** GET /admin/v1/quarantine */
export const QuarantineQuery = z.object({
  storeId: StoreId.optional(),
  status: QuarantineStatus.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type QuarantineQuery = z.infer<typeof QuarantineQuery>;

export const QuarantinedMutation = z.object({
  storeId: StoreId,
  deviceId: z.string(),
  mutationId: z.number().int().positive(),
  mutationType: z.string(),
  /** The mutation exactly as HQ received it (contract/mutations.ts Mutation). */
  mutation: z.record(z.string(), z.unknown()),
  code: z.string(),
  message: z.string(),
  status: QuarantineStatus,
  attempts: z.number().int().positive(),
  receivedAt: z.iso.datetime({ offset: true }),
  lastAttemptAt: z.iso.datetime({ offset: true }),
  resolvedBy: z.string().nullable(),
  resolvedAt: z.iso.datetime({ offset: true }).nullable(),
  resolution: z.string().nullable(),
});
export type QuarantinedMutation = z.infer<typeof QuarantinedMutation>;
export const QuarantineList = z.object({ quarantine: z.array(QuarantinedMutation) });
export type QuarantineList = z.infer<typeof QuarantineList>;

/** POST /admin/v1/stores/:storeId/quarantine/:deviceId/:mutationId/reapply */
export const ReapplyQuarantined = z.object({ by: z.string().trim().min(1).max(100) });
export type ReapplyQuarantined = z.infer<typeof ReapplyQuarantined>;
/** POST /admin/v1/stores/:storeId/quarantine/:deviceId/:mutationId/dismiss */
export const DismissQuarantined = z.object({
  by: z.string().trim().min(1).max(100),
  reason: z.string().trim().min(1).max(2_000),
});
export type DismissQuarantined = z.infer<typeof DismissQuarantined>;

/** What re-applying did: recorded now (with any exceptions), or refused again and still held. */
export const ReapplyResult = z.object({
  status: z.enum(['applied', 'duplicate', 'rejected']),
  code: z.string().nullable(),
  message: z.string().nullable(),
  exceptions: z.array(z.object({ kind: ExceptionKindSchema, reason: z.string() })),
});
export type ReapplyResult = z.infer<typeof ReapplyResult>;

/** POST /admin/v1/reconcile: reconcile one local day of every store (or one). */
export const ReconcileRequest = z.object({
  date: z.iso.date(),
  storeId: StoreId.optional(),
});
export type ReconcileRequest = z.infer<typeof ReconcileRequest>;

const Count = z.number().int();
/** What a Z report counts and what HQ recomputes from the facts it holds (cents, counts). */
export const ReconciledFigures = z.object({
  salesCount: Count,
  returnsCount: Count,
  /** Exchanges, each counted once (neither a sale nor a return). */
  exchangesCount: Count.default(0),
  voidsCount: Count,
  grossSalesCents: Cents,
  discountsCents: Cents,
  returnsCents: Cents,
  taxCents: Cents,
  netCents: Cents,
  cashCents: Cents,
  cardCents: Cents,
  overridesCount: Count,
  overridesCents: Cents,
  cashInCents: Cents,
  cashOutCents: Cents,
  /** No-sale drawer opens (issue 13, item 5). */
  noSalesCount: Count.default(0),
});
export type ReconciledFigures = z.infer<typeof ReconciledFigures>;

export const FigureDifference = z.object({
  field: ReconciledFigures.keyof(),
  till: z.number().int(),
  hq: z.number().int(),
});
export type FigureDifference = z.infer<typeof FigureDifference>;

/** What each figure is called for people. */
export const FIGURE_LABELS: Record<keyof ReconciledFigures, string> = {
  salesCount: 'sales',
  returnsCount: 'returns',
  exchangesCount: 'exchanges',
  voidsCount: 'voids',
  grossSalesCents: 'gross sales',
  discountsCents: 'discounts',
  returnsCents: 'refunds',
  taxCents: 'tax',
  netCents: 'net',
  cashCents: 'cash taken',
  cardCents: 'card taken',
  overridesCount: 'price overrides',
  overridesCents: 'taken off by overrides',
  cashInCents: 'cash paid in',
  cashOutCents: 'cash paid out',
  noSalesCount: 'no-sale drawer opens',
};

/** 12345 -> "123.45": amounts in the chain's currency units, for HQ staff. */
export function formatAmount(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** "sales 3 at the till, 2 at HQ; net 230.59 at the till, 60.01 at HQ". */
export function describeDifferences(diff: readonly FigureDifference[]): string {
  return diff
    .map((d) => {
      const f = d.field.endsWith('Cents') ? formatAmount : String;
      return `${FIGURE_LABELS[d.field]} ${f(d.till)} at the till, ${f(d.hq)} at HQ`;
    })
    .join('; ');
}

/** One shift closed that day: its Z report against HQ's facts for the shift. */
export const ShiftReconciliation = z.object({
  shiftId: Uuid,
  registerId: RegisterId,
  zReportId: Uuid,
  zNumber: z.number().int().positive(),
  closedAt: z.iso.datetime({ offset: true }),
  till: ReconciledFigures,
  hq: ReconciledFigures,
  differences: z.array(FigureDifference),
});
export type ShiftReconciliation = z.infer<typeof ShiftReconciliation>;

/**
 * One store's day (in the store's timezone): the shifts whose Z report closed that day, and
 * the day as a whole (their Z reports summed against HQ's facts of those shifts plus the day's
 * transactions recorded without a shift). Shifts still open are not reconciled yet.
 */
export const StoreDayReconciliation = z.object({
  storeId: StoreId,
  date: z.iso.date(),
  timezone: z.string(),
  status: z.enum(['balanced', 'differs']),
  shifts: z.array(ShiftReconciliation),
  till: ReconciledFigures,
  hq: ReconciledFigures,
  differences: z.array(FigureDifference),
  /** HQ's facts of the day that no shift holds (no Z report counts them). */
  outsideShifts: ReconciledFigures,
  /** Shifts with transactions that day that HQ holds open (no Z report yet). */
  openShifts: z.number().int().nonnegative(),
  /** Sales of the day HQ could not record, held in the quarantine. */
  quarantinedSales: z.number().int().nonnegative(),
  /** Exceptions this run raised (a finding already raised is not raised again). */
  raised: z.number().int().nonnegative(),
  /** Earlier findings this run no longer makes, resolved by the reconciliation. */
  settled: z.number().int().nonnegative(),
});
export type StoreDayReconciliation = z.infer<typeof StoreDayReconciliation>;

export const Reconciliation = z.object({
  date: z.iso.date(),
  stores: z.array(StoreDayReconciliation),
});
export type Reconciliation = z.infer<typeof Reconciliation>;
/**
 * A staff member's new PIN, set at HQ (hashed there at the till's bcrypt cost; a manager's needs
 * at least 6 digits, checked by the service, which knows the role). Sent once, never stored.
 */
export const SetStaffPin = z.object({
  pin: z.string().regex(/^[0-9]{4,8}$/, 'A PIN is 4 to 8 digits'),
});
export type SetStaffPin = z.infer<typeof SetStaffPin>;

export const StaffPinSet = z.object({
  staffId: Uuid,
  displayName: z.string(),
  role: z.enum(['cashier', 'manager']),
  version: z.number().int().positive(),
});
export type StaffPinSet = z.infer<typeof StaffPinSet>;

/**
 * Define or replace a promotion (issue 18, item 4) in the stores named, or (storeIds omitted)
 * in every store; the same promotion ID in each. Redefining an ID replaces it where it runs.
 * Coupon codes are kept in capitals. The rules: core/promotions.ts.
 */
export const PromotionDefine = z.object({
  storeIds: z.array(StoreId).min(1).max(1_000).optional(),
  promotion: PromotionFields.extend({
    promotionId: Uuid.optional(),
    couponCode: PromotionFields.shape.couponCode.default(null),
    endsAt: PromotionFields.shape.endsAt.default(null),
    priority: PromotionFields.shape.priority.default(0),
    isActive: z.boolean().default(true),
  }),
});
export type PromotionDefine = z.input<typeof PromotionDefine>;

export const PromotionDefined = z.object({
  promotion: PromotionEntity,
  stores: z.array(StoreId),
});
export type PromotionDefined = z.infer<typeof PromotionDefined>;

export const PromotionList = z.object({ promotions: z.array(PromotionEntity) });

/** End a promotion now (or at `endsAt`) wherever it runs; it stays on record. */
export const PromotionEnd = z.object({
  endsAt: z.iso.datetime({ offset: true }).optional(),
});

/**
 * HQ administration API contract (admin token, `Authorization: Bearer <token>`): what HQ staff
 * do. Shared by the server routes (hq/server/admin-routes.ts) and the CLI
 * (hq/cli/hq-admin.ts). Every product, price and category edit goes through the
 * central tables' triggers into the change feed, so tills receive it in commit order.
 */
import { z } from 'zod';
import { CategoryEntity, ProductEntity, StoreEntity } from './catalog';
import { Cents, RegisterId, StoreId, Uuid } from './mutations';

export const CreateEnrollmentCode = z.object({
  storeId: StoreId,
  registerId: RegisterId,
  /** Minutes until the code expires (default 60, at most 7 days). */
  ttlMinutes: z.number().int().min(1).max(10_080).optional(),
  label: z.string().trim().min(1).max(100).optional(),
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

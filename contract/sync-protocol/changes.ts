/**
 * The rows a pull page or a snapshot page carries (sync protocol, wire.ts): the current rows of
 * every synced table, grouped by table, and the keys of rows HQ no longer has.
 */
import { z } from 'zod';
import {
  CategoryEntity,
  CategoryTaxRateEntity,
  CustomerEntity,
  EmbeddingEntity,
  PromotionEntity,
  ProductEntity,
  RegisterEntity,
  ScheduledPriceEntity,
  StaffEntity,
  StockLevelEntity,
  StoredValueAllowanceEntity,
  StoreEntity,
} from '../catalog';
import { RegisterId, Uuid } from '../mutations';

/** Most rows (or change-log entries) one pull or snapshot page may carry. */
export const MAX_PAGE_ROWS = 10_000;

export const EmbeddingKey = z.object({
  productId: Uuid,
  embeddingModel: z.string().min(1).max(100),
});
export type EmbeddingKey = z.infer<typeof EmbeddingKey>;

/** Current rows, grouped by table. A till applies them only if their version is newer. */
export const Changes = z.object({
  stores: z.array(StoreEntity),
  categories: z.array(CategoryEntity),
  categoryTaxRates: z.array(CategoryTaxRateEntity),
  registers: z.array(RegisterEntity),
  staff: z.array(StaffEntity),
  products: z.array(ProductEntity),
  customers: z.array(CustomerEntity),
  stockLevels: z.array(StockLevelEntity),
  storedValueAllowances: z.array(StoredValueAllowanceEntity),
  embeddings: z.array(EmbeddingEntity),
  promotions: z.array(PromotionEntity),
  scheduledPrices: z.array(ScheduledPriceEntity),
});
export type Changes = z.infer<typeof Changes>;

/** Keys of rows HQ no longer has (tombstones). */
export const Deletes = z.object({
  categories: z.array(z.number().int().positive()),
  categoryTaxRates: z.array(z.number().int().positive()),
  registers: z.array(RegisterId),
  staff: z.array(Uuid),
  products: z.array(Uuid),
  customers: z.array(Uuid),
  stockLevels: z.array(Uuid),
  storedValueAllowances: z.array(Uuid),
  embeddings: z.array(EmbeddingKey),
  promotions: z.array(Uuid),
  scheduledPrices: z.array(Uuid),
});
export type Deletes = z.infer<typeof Deletes>;

export function emptyChanges(): Changes {
  return {
    stores: [],
    categories: [],
    categoryTaxRates: [],
    registers: [],
    staff: [],
    products: [],
    customers: [],
    stockLevels: [],
    storedValueAllowances: [],
    embeddings: [],
    promotions: [],
    scheduledPrices: [],
  };
}

export function emptyDeletes(): Deletes {
  return {
    categories: [],
    categoryTaxRates: [],
    registers: [],
    staff: [],
    products: [],
    customers: [],
    stockLevels: [],
    storedValueAllowances: [],
    embeddings: [],
    promotions: [],
    scheduledPrices: [],
  };
}

export function changeCount(changes: Changes): number {
  return Object.values(changes).reduce((n, rows: readonly unknown[]) => n + rows.length, 0);
}

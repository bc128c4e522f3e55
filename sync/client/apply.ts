/**
 * Writing what HQ sent into the till's synced `retail` tables.
 *
 * Contract: call inside the transaction that also stores the cursor (pull) or the snapshot
 * token, so a page is either wholly applied with its position or not at all. Upserts are
 * version-guarded (db/queries/catalog-write.ts): replaying a page never moves a row back.
 * Deletes run first, children before parents; upserts then run parents before children.
 */
import {
  deleteRows,
  upsertCategories,
  upsertCategoryTaxRates,
  upsertCustomers,
  upsertEmbeddings,
  upsertEmbeddingsBinary,
  upsertProducts,
  upsertPromotions,
  upsertScheduledPrices,
  upsertRegisters,
  upsertStaff,
  upsertStockLevels,
  upsertStoredValueAllowances,
  upsertStores,
} from '../../db/queries/catalog-write';
import type { ProtocolDb } from '../../db/prepared';
import type { Queryable } from '../../db/queryable';
import { emptyChanges, type Changes, type Deletes } from '../../contract/sync-protocol/changes';
import { getErrorMessage } from '../../contract/errors';
import { isDataError } from '../../db/pg-errors';
import { SYNCED_ENTITIES } from '../../db/synced/registry';

export async function applyDeletes(tx: Queryable, storeId: string, d: Deletes): Promise<void> {
  if (d.embeddings.length > 0) {
    await tx.query(
      `DELETE FROM retail.product_embeddings e
        USING unnest($2::uuid[], $3::text[]) AS k(product_id, model)
        WHERE e.store_id = $1 AND e.product_id = k.product_id AND e.embedding_model = k.model`,
      [storeId, d.embeddings.map((k) => k.productId), d.embeddings.map((k) => k.embeddingModel)],
    );
  }
  await deleteRows(tx, { storeId, entity: 'promotions', ids: d.promotions });
  await deleteRows(tx, { storeId, entity: 'scheduled_prices', ids: d.scheduledPrices });
  await deleteRows(tx, {
    storeId,
    entity: 'stored_value_allowances',
    ids: d.storedValueAllowances,
  });
  await deleteRows(tx, { storeId, entity: 'stock_levels', ids: d.stockLevels });
  await deleteRows(tx, { storeId, entity: 'customers', ids: d.customers });
  await deleteRows(tx, { storeId, entity: 'products', ids: d.products });
  await deleteRows(tx, { storeId, entity: 'staff', ids: d.staff });
  if (d.registers.length > 0) {
    // Local shifts may still reference a register HQ removed: keep it, inactive.
    await tx.query(
      `DELETE FROM retail.registers g
        WHERE g.store_id = $1 AND g.register_id = ANY($2::text[])
          AND NOT EXISTS (SELECT 1 FROM retail.shifts s
                           WHERE s.store_id = g.store_id AND s.register_id = g.register_id)`,
      [storeId, d.registers],
    );
    await tx.query(
      `UPDATE retail.registers SET is_active = false
        WHERE store_id = $1 AND register_id = ANY($2::text[])`,
      [storeId, d.registers],
    );
  }
  if (d.categoryTaxRates.length > 0) {
    await tx.query(
      `DELETE FROM retail.category_tax_rates WHERE store_id = $1 AND category_id = ANY($2::int[])`,
      [storeId, d.categoryTaxRates],
    );
  }
  if (d.categories.length > 0) {
    // HQ could not have deleted a category its products still use; a product row here that
    // still points at it is older than HQ's and is updated by the feed.
    await tx.query(
      `UPDATE retail.products SET category_id = NULL WHERE category_id = ANY($1::int[])`,
      [d.categories],
    );
    await tx.query(
      `UPDATE retail.product_categories SET parent_category_id = NULL
        WHERE parent_category_id = ANY($1::int[])`,
      [d.categories],
    );
    await tx.query(`DELETE FROM retail.category_tax_rates WHERE category_id = ANY($1::int[])`, [
      d.categories,
    ]);
    await tx.query(`DELETE FROM retail.product_categories WHERE category_id = ANY($1::int[])`, [
      d.categories,
    ]);
  }
}

const ORDER: ReadonlyArray<keyof Changes> = SYNCED_ENTITIES.map((e) => e.field);

export interface ApplyOptions {
  /**
   * The PGlite instance whose transaction `tx` is, for bulk loads: embeddings then go in as
   * binary vectors through a prepared statement (upsertEmbeddingsBinary), same rows.
   */
  bulk?: ProtocolDb | undefined;
}

type Writers = {
  [F in keyof Changes]: (
    tx: Queryable,
    storeId: string,
    rows: Changes[F],
    options: ApplyOptions,
  ) => Promise<void>;
};

const WRITERS: Writers = {
  // The till holds its own store row only.
  stores: (tx, storeId, rows) =>
    upsertStores(
      tx,
      rows.filter((s) => s.storeId === storeId),
    ),
  categories: (tx, _storeId, rows) => upsertCategories(tx, rows),
  categoryTaxRates: upsertCategoryTaxRates,
  registers: upsertRegisters,
  staff: upsertStaff,
  products: upsertProducts,
  customers: upsertCustomers,
  stockLevels: upsertStockLevels,
  storedValueAllowances: upsertStoredValueAllowances,
  embeddings: (tx, storeId, rows, options) =>
    options.bulk && rows.length > 0
      ? upsertEmbeddingsBinary(options.bulk, storeId, rows)
      : upsertEmbeddings(tx, storeId, rows),
  promotions: upsertPromotions,
  scheduledPrices: upsertScheduledPrices,
};

/** Write rows of one Changes field (version-guarded; no ordering across fields). */
export function writeRows<F extends keyof Changes>(
  tx: Queryable,
  storeId: string,
  field: F,
  rows: Changes[F],
  options: ApplyOptions = {},
): Promise<void> {
  return WRITERS[field](tx, storeId, rows, options);
}

/** Upserts every field, parents before children (the registry's order). */
export async function applyChanges(
  tx: Queryable,
  storeId: string,
  c: Changes,
  options: ApplyOptions = {},
): Promise<void> {
  for (const field of ORDER) await writeRows(tx, storeId, field, c[field], options);
}

export function deleteCount(d: Deletes): number {
  return Object.values(d).reduce((n, keys: readonly unknown[]) => n + keys.length, 0);
}

export interface RefusedRow {
  field: keyof Changes;
  row: unknown;
  message: string;
}

/**
 * applyChanges, except that a row this till's database refuses (say an embedding of the
 * wrong dimension for its model's index) is left out instead of failing the page: one bad
 * row at HQ must not stop every later price change from reaching the till. Refused rows are
 * returned so the caller can report them. Costs one savepoint per page; only a failing page
 * is retried row by row.
 */
export async function applyChangesTolerant(
  tx: Queryable,
  storeId: string,
  changes: Changes,
  options: ApplyOptions = {},
): Promise<RefusedRow[]> {
  await tx.query('SAVEPOINT sync_page');
  try {
    await applyChanges(tx, storeId, changes, options);
    await tx.query('RELEASE SAVEPOINT sync_page');
    return [];
  } catch (error) {
    if (!isDataError(error)) throw error;
    await tx.query('ROLLBACK TO SAVEPOINT sync_page');
    await tx.query('RELEASE SAVEPOINT sync_page');
  }
  const refused: RefusedRow[] = [];
  for (const field of ORDER) {
    for (const row of changes[field] as readonly unknown[]) {
      const one = emptyChanges();
      (one[field] as unknown[]).push(row);
      await tx.query('SAVEPOINT sync_row');
      try {
        await applyChanges(tx, storeId, one);
        await tx.query('RELEASE SAVEPOINT sync_row');
      } catch (error) {
        if (!isDataError(error)) throw error;
        await tx.query('ROLLBACK TO SAVEPOINT sync_row');
        await tx.query('RELEASE SAVEPOINT sync_row');
        refused.push({
          field,
          row,
          message: getErrorMessage(error),
        });
      }
    }
  }
  return refused;
}

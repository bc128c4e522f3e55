/**
 * The chain's shared categories, as HQ staff change them. Categories are reference data the
 * application role may only read, so they are written through the owner pool; every change is
 * appended to every store's change feed in the same transaction, so tills receive it in commit
 * order.
 */
import type pg from 'pg';
import type { CategoryEntity } from '../../contract/catalog';
import type { CategoryUpsert } from '../../contract/admin-protocol';
import { appendToEveryStoreFeed } from '../../db/central/tenant';
import { pgQueryable } from '../../db/central/pool';
import type { Queryable } from '../../db/queryable';
import { SPEC_BY_ENTITY } from './entities';

const categoryJson = SPEC_BY_ENTITY.get('category')!.json;

export async function listCategories(app: pg.Pool): Promise<CategoryEntity[]> {
  const { rows } = await app.query<{ j: CategoryEntity }>(
    `SELECT ${categoryJson} AS j FROM retail.product_categories t ORDER BY t.category_id`,
  );
  return rows.map((r) => r.j);
}

/** Runs in a category change's transaction, before the feed append (the console's audit). */
export type CategoryAudit = (tx: Queryable, after: CategoryEntity) => Promise<void>;

/**
 * A change to the shared categories in one owner transaction: `write` changes the row and
 * returns its ID; the row is read back, `audit` runs, and the change is appended to every
 * store's feed as the transaction's last statements.
 */
async function changeCategory(
  owner: pg.Pool,
  write: (tx: Queryable) => Promise<number>,
  audit: CategoryAudit | undefined,
): Promise<CategoryEntity> {
  const client = await owner.connect();
  try {
    await client.query('BEGIN');
    const tx = pgQueryable(client);
    const categoryId = await write(tx);
    // As its own statement: a distributed database refuses functions like json_build_object
    // in the RETURNING clause of a write.
    const { rows } = await tx.query<{ j: CategoryEntity }>(
      `SELECT ${categoryJson} AS j FROM retail.product_categories t WHERE t.category_id = $1`,
      [categoryId],
    );
    const after = rows[0]!.j;
    await audit?.(tx, after);
    await appendToEveryStoreFeed(tx, [
      { entity: 'category', key: String(categoryId), op: 'upsert', version: null },
    ]);
    await client.query('COMMIT');
    return after;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Shared reference data: written by the owner role (the app role may only read it), and the
 * change appended to every store's feed in the same transaction.
 */
export async function upsertCategory(
  owner: pg.Pool,
  c: CategoryUpsert,
  options: { audit?: CategoryAudit | undefined } = {},
): Promise<CategoryEntity> {
  return changeCategory(
    owner,
    async (tx) => {
      await tx.query(
        `INSERT INTO retail.product_categories AS t
           (category_id, category_name, parent_category_id, description, is_active)
         VALUES ($1, $2, $3, $4, coalesce($5, true))
         ON CONFLICT (category_id) DO UPDATE SET
           category_name = EXCLUDED.category_name,
           parent_category_id = CASE WHEN $6 THEN EXCLUDED.parent_category_id ELSE t.parent_category_id END,
           description = CASE WHEN $7 THEN EXCLUDED.description ELSE t.description END,
           is_active = coalesce($5, t.is_active),
           updated_at = EXCLUDED.updated_at
         RETURNING t.category_id`,
        [
          c.categoryId,
          c.categoryName,
          c.parentCategoryId ?? null,
          c.description ?? null,
          c.isActive ?? null,
          c.parentCategoryId !== undefined,
          c.description !== undefined,
        ],
      );
      return c.categoryId;
    },
    options.audit,
  );
}

/**
 * A new category with the next free number. The table is locked against other writers for the
 * rest of the transaction, so two new categories never take the same number (and an upsert
 * cannot overwrite one).
 */
export async function createCategory(
  owner: pg.Pool,
  c: Omit<CategoryUpsert, 'categoryId'>,
  options: { audit?: CategoryAudit | undefined } = {},
): Promise<CategoryEntity> {
  return changeCategory(
    owner,
    async (tx) => {
      await tx.query(`LOCK TABLE retail.product_categories IN SHARE ROW EXCLUSIVE MODE`);
      const { rows } = await tx.query<{ id: number }>(
        `SELECT coalesce(max(category_id), 0)::int + 1 AS id FROM retail.product_categories`,
      );
      const categoryId = Number(rows[0]!.id);
      await tx.query(
        `INSERT INTO retail.product_categories
           (category_id, category_name, parent_category_id, description, is_active)
         VALUES ($1, $2, $3, $4, coalesce($5, true))`,
        [
          categoryId,
          c.categoryName,
          c.parentCategoryId ?? null,
          c.description ?? null,
          c.isActive ?? null,
        ],
      );
      return categoryId;
    },
    options.audit,
  );
}

/**
 * Products created and deleted from the console, and the chain's categories. The work is the
 * admin API's own (hq/services/products.ts, categories.ts: the same SQL, the same change feed
 * recording); the console adds its audit entry inside the same transaction.
 */
import type pg from 'pg';
import type { CategoryEntity } from '../../../contract/catalog';
import type {
  ConsoleCategoryCreate,
  ConsoleCategoryUpdate,
  ConsoleProductCreate,
} from '../../../contract/console-catalog';
import type { ConsoleProduct } from '../../../contract/console-protocol';
import { newId } from '../../../core/ids';
import { createCategory, upsertCategory } from '../categories';
import { createProduct, deleteProduct } from '../products';
import { badRequest, notFound } from '../errors';
import { recordAudit, type Actor } from './audit';

export async function createConsoleProduct(
  app: pg.Pool,
  options: { input: ConsoleProductCreate; actor: Actor },
): Promise<ConsoleProduct> {
  const p = options.input;
  const created = await createProduct(app, {
    storeId: p.storeId,
    product: {
      productId: newId(),
      sku: p.sku,
      barcode: p.barcode,
      productName: p.productName,
      productDescription: null,
      categoryId: p.categoryId,
      brand: null,
      model: null,
      color: null,
      size: null,
      weightKg: null,
      priceCents: p.priceCents,
      costCents: null,
      minimumStock: 0,
      reorderPoint: p.reorderPoint,
      supplierName: null,
      isActive: true,
      isFeatured: false,
      tags: [],
      metadata: {},
    },
    audit: (tx, product) =>
      recordAudit(tx, options.actor, {
        action: 'product.create',
        storeId: p.storeId,
        target: product.sku,
        after: product,
      }),
  });
  return {
    storeId: p.storeId,
    productId: created.productId,
    sku: created.sku,
    barcode: created.barcode,
    productName: created.productName,
    categoryId: created.categoryId,
    priceCents: created.priceCents,
    isActive: created.isActive,
  };
}

export async function deleteConsoleProduct(
  app: pg.Pool,
  options: { storeId: string; productId: string; actor: Actor },
): Promise<void> {
  await deleteProduct(app, {
    storeId: options.storeId,
    productId: options.productId,
    audit: (tx, before) =>
      recordAudit(tx, options.actor, {
        action: 'product.delete',
        storeId: options.storeId,
        target: before.sku,
        before,
      }),
  });
}

export async function createConsoleCategory(
  owner: pg.Pool,
  options: { input: ConsoleCategoryCreate; actor: Actor },
): Promise<CategoryEntity> {
  return createCategory(
    owner,
    { ...options.input, description: null, isActive: true },
    {
      audit: (tx, after) =>
        recordAudit(tx, options.actor, {
          action: 'category.create',
          target: String(after.categoryId),
          after,
        }),
    },
  );
}

export async function updateConsoleCategory(
  owner: pg.Pool,
  options: { categoryId: number; input: ConsoleCategoryUpdate; actor: Actor },
): Promise<CategoryEntity> {
  const { rows } = await owner.query<{ j: CategoryEntity }>(
    `SELECT json_build_object('categoryId', category_id, 'categoryName', category_name,
            'parentCategoryId', parent_category_id, 'isActive', is_active) AS j
       FROM retail.product_categories WHERE category_id = $1`,
    [options.categoryId],
  );
  const before = rows[0]?.j;
  if (!before) throw notFound(`There is no category ${options.categoryId}`);
  if (options.input.parentCategoryId === options.categoryId)
    throw badRequest('A category cannot be inside itself');
  return upsertCategory(
    owner,
    { categoryId: options.categoryId, ...options.input },
    {
      audit: (tx, after) =>
        recordAudit(tx, options.actor, {
          action: 'category.update',
          target: String(options.categoryId),
          before,
          after,
        }),
    },
  );
}

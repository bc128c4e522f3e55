/**
 * The sample chain at HQ for the sync and topology benches: the chain's stores with one big
 * store (catalog, customers, staff, registers, opening stock through ingest), built-in model
 * embeddings at HQ, extra registers, and distinct sales of a store for one register.
 */
import type pg from 'pg';
import type { ProductEntity } from '../contract/catalog';
import type { SaleRecorded } from '../contract/mutations';
import { seededIdGenerator } from '../core/ids';
import { receiptNumber } from '../db/checkout/shared';
import { embeddingKey } from '../db/central/feed-log';
import { ingestMutations } from '../db/central/ingest';
import { pgQueryable } from '../db/central/pool';
import { withTenant } from '../db/central/tenant';
import {
  upsertCategories,
  upsertCategoryTaxRates,
  upsertCustomers,
  upsertProducts,
  upsertRegisters,
  upsertStaff,
  upsertStores,
} from '../db/queries/catalog-write';
import { builtinEmbedder } from '../db/search/embedding/builtin';
import { productEmbeddingText } from '../db/search/embedding/product-text';
import { generateCatalog, generateStockLevels, toProductEntity } from '../db/seed/catalog';
import {
  chainCategories,
  chainCategoryTaxRates,
  chainStores,
  demoStaff,
  registersFor,
} from '../db/seed/chain';
import { generateCustomers } from '../db/seed/customers';
import { generateSales, type GeneratedSale } from '../db/seed/sales';
import { demoStaffEntities } from '../db/seed/staff';
import { openingStockAdjustments } from '../db/seed/write-central';
import type { Hq } from '../hq/start';

const SEED = 42;
const SMALL_CATALOG = 500;

export type Catalogs = Map<string, ProductEntity[]>;

/** The sample chain at HQ with one big store: catalog, customers, staff, registers, stock. */
export async function seedHq(
  hq: Hq,
  options: { bigStore: string; bigProducts: number; log: (m: string) => void },
): Promise<Catalogs> {
  const { owner, app } = hq.central.pools;
  const ownerClient = await owner.connect();
  try {
    await ownerClient.query('BEGIN');
    await upsertStores(pgQueryable(ownerClient), chainStores());
    await upsertCategories(pgQueryable(ownerClient), chainCategories());
    await ownerClient.query('COMMIT');
  } finally {
    ownerClient.release();
  }
  const catalogs: Catalogs = new Map();
  const customers = generateCustomers({ seed: SEED, customers: 400 });
  let mutationId = 0;
  for (const [index, store] of chainStores().entries()) {
    const size = store.storeId === options.bigStore ? options.bigProducts : SMALL_CATALOG;
    const catalog = generateCatalog({ seed: SEED, products: size }).map(toProductEntity);
    catalogs.set(store.storeId, catalog);
    await withTenant(app, store.storeId, async (tx) => {
      await upsertCategoryTaxRates(tx, store.storeId, chainCategoryTaxRates());
      await upsertRegisters(tx, store.storeId, registersFor());
      await upsertStaff(tx, store.storeId, await demoStaffEntities(tx, store.storeId));
      await upsertCustomers(
        tx,
        store.storeId,
        customers.filter((c) => c.storeId === store.storeId),
      );
    });
    for (let i = 0; i < catalog.length; i += 5_000) {
      await withTenant(app, store.storeId, (tx) =>
        upsertProducts(tx, store.storeId, catalog.slice(i, i + 5_000)),
      );
    }
    const levels = generateStockLevels({ seed: SEED, storeId: store.storeId, catalog }).filter(
      (l) => l.onHand !== 0,
    );
    const ids = seededIdGenerator(SEED * 19 + index + 1, Date.UTC(2026, 0, 1));
    const adjustments = openingStockAdjustments({
      levels,
      ids,
      staffId: demoStaff(store.storeId)[0]!.staffId,
      firstMutationId: mutationId + 1,
    });
    mutationId += adjustments.length;
    for (let i = 0; i < adjustments.length; i += 20) {
      await withTenant(app, store.storeId, (tx) =>
        ingestMutations(tx, { deviceId: 'bench-seed', mutations: adjustments.slice(i, i + 20) }),
      );
    }
    options.log(`HQ: ${store.storeId} seeded with ${catalog.length} products`);
  }
  return catalogs;
}

/** Built-in model embeddings for every product of a store, written at HQ. */
export async function embedAtHq(
  app: pg.Pool,
  storeId: string,
  catalog: readonly ProductEntity[],
): Promise<void> {
  const names = new Map(chainCategories().map((c) => [c.categoryId, c.categoryName]));
  for (let i = 0; i < catalog.length; i += 1_000) {
    const batch = catalog.slice(i, i + 1_000);
    const texts = batch.map((p) =>
      productEmbeddingText({
        productName: p.productName,
        brand: p.brand,
        categoryName: p.categoryId === null ? null : (names.get(p.categoryId) ?? null),
        color: p.color,
        size: p.size,
        tags: p.tags,
        productDescription: p.productDescription,
      }),
    );
    const vectors = texts.map((t) => `{${Array.from(builtinEmbedder.embedSync(t)).join(',')}}`);
    await withTenant(app, storeId, async (tx) => {
      const { rows } = await tx.query<{ product_id: string }>(
        `INSERT INTO retail.product_embeddings (store_id, product_id, embedding_model, embedding_text, embedding)
         SELECT $1, u.id, $2, u.text, u.vec::real[]
           FROM unnest($3::uuid[], $4::text[], $5::text[]) AS u(id, text, vec)
         ON CONFLICT DO NOTHING
         RETURNING product_id`,
        [storeId, builtinEmbedder.id, batch.map((p) => p.productId), texts, vectors],
      );
      tx.changes.record(
        'embedding',
        rows.map((r) => embeddingKey(r.product_id, builtinEmbedder.id)),
      );
    });
  }
}

export async function addRegisters(
  app: pg.Pool,
  storeId: string,
  ids: readonly string[],
): Promise<void> {
  await withTenant(app, storeId, async (tx) => {
    const { rows } = await tx.query<{ register_id: string }>(
      `INSERT INTO retail.registers (store_id, register_id, register_name)
       SELECT $1, r, 'Bench ' || r FROM unnest($2::text[]) AS r ON CONFLICT DO NOTHING
       RETURNING register_id`,
      [storeId, ids],
    );
    tx.changes.record(
      'register',
      rows.map((r) => r.register_id),
    );
  });
}

/** Distinct sales of one store, renumbered for one register. */
export function salesFor(options: {
  catalogs: Catalogs;
  storeId: string;
  registerId: string;
  count: number;
  seed: number;
}): SaleRecorded[] {
  const catalog = options.catalogs.get(options.storeId) ?? [];
  const customers = generateCustomers({ seed: SEED, customers: 400 });
  const out: SaleRecorded[] = [];
  for (const sale of generateSales({
    seed: options.seed,
    sales: options.count * 5,
    catalog,
    customers,
  })) {
    if (sale.storeId !== options.storeId) continue;
    const { storeId: _s, ...payload }: GeneratedSale = sale;
    const receiptSeq = out.length + 1;
    out.push({
      ...payload,
      registerId: options.registerId,
      receiptSeq,
      receiptNumber: receiptNumber(options.storeId, options.registerId, receiptSeq),
    });
    if (out.length === options.count) break;
  }
  return out;
}

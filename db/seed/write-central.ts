/**
 * The sample chain at HQ: four stores, the categories, every store's catalog, customers, demo
 * staff (PINs bcrypt-hashed by pgcrypto, as on the tills), registers R01/R02, opening stock and
 * historical sales.
 *
 * Tenant rows are written as edgepos_app inside withTenant, so row-level security checks every
 * one of them. Opening stock and sales go through the ingest path the sync service uses
 * (db/central/ingest.ts), batched, so stock levels, alerts and daily rollups come out of the
 * same code as in production (db/central/derived.ts). The catalog upserts are the till's own
 * (db/queries/catalog-write.ts): the shared tables have the same columns at both ends; the
 * keys they wrote are recorded in each store's change feed.
 *
 * Idempotent: IDs are deterministic for a seed, upserts are version-guarded and ingest
 * de-duplicates, so running it twice changes nothing the second time.
 */
import type pg from 'pg';
import { demoStaffEntities } from './staff';
import { ingestMutations, prepareSalesPartitions, type MutationOutcome } from '../central/ingest';
import { withTenant } from '../central/tenant';
import { pgQueryable } from '../central/pool';
import { seededIdGenerator } from '../../core/ids';
import type { Mutation } from '../../contract/mutations';
import {
  upsertCategories,
  upsertCategoryTaxRates,
  upsertCustomers,
  upsertProducts,
  upsertRegisters,
  upsertStaff,
  upsertStores,
} from '../queries/catalog-write';
import {
  DEFAULT_SEED,
  chainCategories,
  chainCategoryTaxRates,
  chainStores,
  demoStaff,
  registersFor,
  type SeedOptions,
} from './chain';
import { generateCatalog, generateStockLevels, toProductEntity } from './catalog';
import { generateCustomers } from './customers';
import { generateSales, type GeneratedSale } from './sales';

export type Progress = (stage: string, done: number, total: number) => void;

/** Device ID recorded on the seed's sales and stock movements (no real till sent them). */
export const SEED_DEVICE_ID = 'hq-seed';
const device = SEED_DEVICE_ID;

/** Every seed option may be left out or undefined (then its default applies). */
export interface SeedCentralOptions extends Partial<{
  [K in keyof SeedOptions]: SeedOptions[K] | undefined;
}> {
  /** Owner pool: stores and categories (shared tables the app may only read). */
  owner: pg.Pool;
  /** App pool: every tenant row, through withTenant. */
  app: pg.Pool;
  /** Sales per ingest transaction (default 1,000). */
  batchSize?: number;
  onProgress?: Progress;
}

export interface SeedCentralResult {
  stores: number;
  products: number;
  customers: number;
  sales: { applied: number; duplicate: number; rejected: number };
}

function tally(outcomes: readonly MutationOutcome[], into: SeedCentralResult['sales']): void {
  for (const o of outcomes) {
    if (o.status === 'rejected') {
      throw new Error(`Seed mutation ${o.mutationId} was rejected (${o.code}): ${o.message}`);
    }
    into[o.status] += 1;
  }
}

export async function seedCentral(options: SeedCentralOptions): Promise<SeedCentralResult> {
  const seed = options.seed ?? DEFAULT_SEED.seed;
  const productCount = options.products ?? DEFAULT_SEED.products;
  const customerCount = options.customers ?? DEFAULT_SEED.customers;
  const saleCount = options.sales ?? DEFAULT_SEED.sales;
  const batchSize = options.batchSize ?? 1_000;
  const progress = options.onProgress ?? (() => undefined);
  const stores = chainStores();

  const categories = chainCategories();
  const owner = await options.owner.connect();
  try {
    await owner.query('BEGIN');
    await upsertStores(pgQueryable(owner), stores);
    await upsertCategories(pgQueryable(owner), categories);
    await owner.query('COMMIT');
  } catch (error) {
    await owner.query('ROLLBACK');
    throw error;
  } finally {
    owner.release();
  }
  progress('stores', stores.length, stores.length);

  const catalog = generateCatalog({ seed, products: productCount }).map(toProductEntity);
  const customers = generateCustomers({ seed, customers: customerCount });
  let mutationId = 0;

  for (const [index, store] of stores.entries()) {
    await withTenant(options.app, store.storeId, async (tx) => {
      const taxRates = chainCategoryTaxRates();
      const registers = registersFor();
      const staff = await demoStaffEntities(tx, store.storeId);
      const own = customers.filter((c) => c.storeId === store.storeId);
      await upsertCategoryTaxRates(tx, store.storeId, taxRates);
      await upsertRegisters(tx, store.storeId, registers);
      await upsertStaff(tx, store.storeId, staff);
      await upsertProducts(tx, store.storeId, catalog);
      await upsertCustomers(tx, store.storeId, own);
      // Into the store's change feed too (a till enrolled before a re-seed hears of it). The
      // upserts are version-guarded, so a key recorded here may be unchanged: harmless.
      tx.changes.record('store', [store.storeId]);
      tx.changes.record(
        'category',
        categories.map((c) => String(c.categoryId)),
      );
      tx.changes.record(
        'category_tax_rate',
        taxRates.map((t) => String(t.categoryId)),
      );
      tx.changes.record(
        'register',
        registers.map((r) => r.registerId),
      );
      tx.changes.record(
        'staff',
        staff.map((m) => m.staffId),
      );
      tx.changes.record(
        'product',
        catalog.map((p) => p.productId),
      );
      tx.changes.record(
        'customer',
        own.map((c) => c.customerId),
      );
    });
    // Opening stock as receiving movements through ingest: the ledger stays the only truth.
    const levels = generateStockLevels({ seed, storeId: store.storeId, catalog }).filter(
      (l) => l.onHand !== 0,
    );
    // Its own time range: UUIDv7 IDs from another generator (the sales' starts at 2026-01-01)
    // can then never coincide, whatever the seeds.
    const ids = seededIdGenerator(seed * 19 + index + 1, Date.UTC(2025, 6, 1 + index));
    const adjustments = openingStockAdjustments({
      levels,
      ids,
      staffId: demoStaff(store.storeId)[0]!.staffId,
      firstMutationId: mutationId + 1,
    });
    mutationId += adjustments.length;
    await withTenant(options.app, store.storeId, async (tx) => {
      const outcomes = await ingestMutations(tx, { deviceId: device, mutations: adjustments });
      tally(outcomes, { applied: 0, duplicate: 0, rejected: 0 });
    });
    progress('catalog', index + 1, stores.length);
  }

  const result: SeedCentralResult = {
    stores: stores.length,
    products: catalog.length,
    customers: customers.length,
    sales: { applied: 0, duplicate: 0, rejected: 0 },
  };
  const buffers = new Map<string, GeneratedSale[]>();
  let done = 0;
  const flush = async (storeId: string): Promise<void> => {
    const sales = buffers.get(storeId) ?? [];
    if (sales.length === 0) return;
    buffers.set(storeId, []);
    const mutations: Mutation[] = sales.map(({ storeId: _store, ...payload }) => ({
      mutationId: ++mutationId,
      type: 'sale.recorded',
      payload,
    }));
    await prepareSalesPartitions(options.app, mutations);
    const outcomes = await withTenant(options.app, storeId, (tx) =>
      ingestMutations(tx, { deviceId: device, mutations }),
    );
    tally(outcomes, result.sales);
    done += sales.length;
    progress('sales', done, saleCount);
  };
  for (const sale of generateSales({
    seed,
    sales: saleCount,
    catalog,
    customers,
    ...(options.days !== undefined ? { days: options.days } : {}),
    ...(options.now ? { now: options.now } : {}),
  })) {
    const buffer = buffers.get(sale.storeId) ?? [];
    buffer.push(sale);
    buffers.set(sale.storeId, buffer);
    if (buffer.length >= batchSize) await flush(sale.storeId);
  }
  for (const storeId of buffers.keys()) await flush(storeId);
  return result;
}

/**
 * Opening stock as `stock.adjusted` receiving mutations of up to 500 movements each, numbered
 * from `firstMutationId`: through ingest, the movement ledger stays the only truth.
 */
export function openingStockAdjustments(options: {
  levels: ReadonlyArray<{ productId: string; onHand: number }>;
  ids: () => string;
  staffId: string;
  firstMutationId: number;
}): Mutation[] {
  const adjustments: Mutation[] = [];
  for (let i = 0; i < options.levels.length; i += 500) {
    adjustments.push({
      mutationId: options.firstMutationId + adjustments.length,
      type: 'stock.adjusted',
      payload: {
        adjustmentId: options.ids(),
        occurredAt: '2026-01-01T00:00:00.000Z',
        staffId: options.staffId,
        movements: options.levels.slice(i, i + 500).map((l) => ({
          movementId: options.ids(),
          productId: l.productId,
          quantityDelta: l.onHand,
          reason: 'receiving' as const,
          transactionId: null,
          note: 'opening stock',
        })),
      },
    });
  }
  return adjustments;
}

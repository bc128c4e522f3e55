/**
 * Put one store's slice of the sample chain into a till database: the store row, categories,
 * tax overrides, registers, demo staff (PINs hashed by pgcrypto), two demo coupons, three demo gift
 * cards and store credit (this register's allowances), the catalog, the store's
 * customers and stock levels, and the till's identity. Batched, resumable (version-guarded
 * upserts), with progress reported through `onProgress`.
 */
import type { PGlite } from '@electric-sql/pglite';
import { demoStaffEntities } from './staff';
import { NotFoundError } from '../errors';
import { setIdentity } from '../queries/identity';
import {
  upsertCategories,
  upsertCategoryTaxRates,
  upsertCustomers,
  upsertProducts,
  upsertPromotions,
  upsertRegisters,
  upsertStaff,
  upsertStockLevels,
  upsertStoredValueAllowances,
  upsertStores,
  BATCH,
} from '../queries/catalog-write';
import {
  chainCategories,
  chainCategoryTaxRates,
  chainStores,
  demoPromotions,
  demoStoredValueAllowances,
  registersFor,
  type SeedOptions,
} from './chain';
import { generateCatalog, generateStockLevels, toProductEntity } from './catalog';
import { generateCustomers } from './customers';

export type Progress = (stage: string, done: number, total: number) => void;

export interface SeedTillOptions extends Pick<SeedOptions, 'seed' | 'products' | 'customers'> {
  storeId: string;
  registerId: string;
  deviceId: string;
  onProgress?: Progress;
}

export async function seedTill(
  db: PGlite,
  options: SeedTillOptions,
): Promise<{ products: number; customers: number }> {
  const progress = options.onProgress ?? (() => undefined);
  const store = chainStores().find((s) => s.storeId === options.storeId);
  if (!store) throw new NotFoundError(`Unknown seed store ${options.storeId}`);
  await db.transaction(async (tx) => {
    await upsertStores(tx, [store]);
    await upsertCategories(tx, chainCategories());
    await upsertCategoryTaxRates(tx, store.storeId, chainCategoryTaxRates());
    await upsertRegisters(tx, store.storeId, registersFor());
    await upsertStaff(tx, store.storeId, await demoStaffEntities(tx, store.storeId));
    await upsertPromotions(tx, store.storeId, demoPromotions());
    await upsertStoredValueAllowances(
      tx,
      store.storeId,
      demoStoredValueAllowances(options.registerId),
    );
    await setIdentity(tx, {
      storeId: store.storeId,
      registerId: options.registerId,
      deviceId: options.deviceId,
    });
  });

  const catalog = generateCatalog({ seed: options.seed, products: options.products }).map(
    toProductEntity,
  );
  const levels = generateStockLevels({ seed: options.seed, storeId: store.storeId, catalog });
  for (let i = 0; i < catalog.length; i += BATCH * 5) {
    const batch = catalog.slice(i, i + BATCH * 5);
    await db.transaction(async (tx) => {
      await upsertProducts(tx, store.storeId, batch);
      await upsertStockLevels(tx, store.storeId, levels.slice(i, i + BATCH * 5));
    });
    progress('products', Math.min(i + batch.length, catalog.length), catalog.length);
  }
  const customers = generateCustomers({ seed: options.seed, customers: options.customers }).filter(
    (c) => c.storeId === store.storeId,
  );
  await db.transaction((tx) => upsertCustomers(tx, store.storeId, customers));
  progress('customers', customers.length, customers.length);
  return { products: catalog.length, customers: customers.length };
}

/**
 * The stores HQ knows (retail.stores), as the services need them: every store in turn (admin
 * listings, price changes, feed upkeep) and a clear not_found for a store an administrator
 * names that does not exist. Store rows themselves are written by the seed and migrations,
 * not by the HQ services.
 */
import type pg from 'pg';
import type { StoreEntity } from '../../contract/catalog';
import { ENTITY_SPECS } from './entities';
import { notFound } from './errors';

const STORE_JSON = ENTITY_SPECS.find((s) => s.entity === 'store')!.json;

export async function listStores(app: pg.Pool): Promise<StoreEntity[]> {
  const { rows } = await app.query<{ j: StoreEntity }>(
    `SELECT ${STORE_JSON} AS j FROM retail.stores t ORDER BY t.store_id`,
  );
  return rows.map((r) => r.j);
}

/** Every store ID, in order (each is then worked on under its own tenant key). */
export async function listStoreIds(app: pg.Pool): Promise<string[]> {
  const { rows } = await app.query<{ store_id: string }>(
    `SELECT store_id FROM retail.stores ORDER BY store_id`,
  );
  return rows.map((r) => r.store_id);
}

/** Throws not_found unless HQ has the store. */
export async function assertStore(app: pg.Pool, storeId: string): Promise<void> {
  const { rows } = await app.query(`SELECT 1 FROM retail.stores WHERE store_id = $1`, [storeId]);
  if (rows.length === 0) throw notFound(`There is no store ${storeId}`);
}

/**
 * The till's scheduled prices (issue 14, item 2): HQ's rows, synced down, read for the
 * products a sale or a lookup is about. The price itself is core/scheduled-prices.ts
 * catalogPriceAt over these rows and a time the caller gives (the till's injected clock), so a
 * sale's prices depend only on its time and the synced rows.
 */
import { ScheduledPriceEntity } from '../../contract/catalog';
import { catalogPriceAt, type ScheduledPrice } from '../../core/scheduled-prices';
import type { Queryable } from '../queryable';
import { hqJsonSql, syncedEntity } from '../synced/registry';

/** Per product that has scheduled rows: its base price (`products.price`) and its rows. */
export type ScheduledPrices = ReadonlyMap<string, { baseCents: number; rows: ScheduledPrice[] }>;

/**
 * `[[base cents, row], ...]` as JSON for the products in `ids` (a uuid[] expression) of store
 * `store` (an SQL expression); null when none has a scheduled row. Used inside the sale's
 * context read (db/checkout/sale-statements.ts) and below.
 */
export function scheduledPricesSql(store: string, ids: string): string {
  return `(SELECT json_agg(json_build_array((p.price * 100)::bigint,
                 ${hqJsonSql(syncedEntity('scheduled_price'))}))
            FROM retail.scheduled_prices t
            JOIN retail.products p ON p.store_id = t.store_id AND p.product_id = t.product_id
           WHERE t.store_id = ${store} AND t.product_id = ANY (${ids}))`;
}

/** The JSON of scheduledPricesSql (text or parsed), checked by the contract's schema. */
export function parseScheduledPrices(json: unknown): ScheduledPrices {
  const list = (typeof json === 'string' ? JSON.parse(json) : json) as Array<[unknown, unknown]>;
  const out = new Map<string, { baseCents: number; rows: ScheduledPrice[] }>();
  for (const [base, raw] of list ?? []) {
    const row = ScheduledPriceEntity.parse(raw);
    const entry = out.get(row.productId) ?? { baseCents: Number(base), rows: [] };
    entry.rows.push(row);
    out.set(row.productId, entry);
  }
  return out;
}

export async function readScheduledPrices(
  db: Queryable,
  storeId: string,
  productIds: readonly string[],
): Promise<ScheduledPrices> {
  if (productIds.length === 0) return new Map();
  const { rows } = await db.query<{ j: unknown }>(
    `SELECT ${scheduledPricesSql('$1', '$2::uuid[]')} AS j`,
    [storeId, [...productIds]],
  );
  return parseScheduledPrices(rows[0]?.j ?? null);
}

/** The catalog price of `productId` at `at`: its row in force, else `fallbackCents`. */
export function priceAt(
  scheduled: ScheduledPrices,
  productId: string,
  fallbackCents: number,
  at: Date,
): number {
  const entry = scheduled.get(productId);
  return entry ? catalogPriceAt(entry.baseCents, entry.rows, at) : fallbackCents;
}

/** Products as a lookup shows them, priced at `at` (one read for all of them). */
export async function withPricesAt<T extends { productId: string; priceCents: number }>(
  db: Queryable,
  options: { storeId: string; at: Date },
  products: readonly T[],
): Promise<T[]> {
  const scheduled = await readScheduledPrices(
    db,
    options.storeId,
    products.map((p) => p.productId),
  );
  if (scheduled.size === 0) return [...products];
  return products.map((p) => ({
    ...p,
    priceCents: priceAt(scheduled, p.productId, p.priceCents, options.at),
  }));
}

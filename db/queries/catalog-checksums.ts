/**
 * Per-table checksums of a store's catalog (issue 11, item 7), computed by the SAME SQL on
 * HQ's PostgreSQL (under the store's tenant key) and on the till's PGlite: equal checksums at
 * the same feed position mean the till holds exactly HQ's rows, like PowerSync's bucket
 * checksums.
 *
 * Order-independent: each row's text is hashed (md5), its first 60 bits read as an integer, and
 * the integers summed as numeric (exact, no overflow), so no sort is needed and the two sides
 * can read their rows in any order. Each row's text holds its key, its version and the columns
 * a cashier sells with (name, price, active, category, tax rate, stock...): a row missing, extra,
 * at another version, or changed in place without a version (tampered with) changes the sum.
 *
 * Tables: the catalog HQ owns outright. Customers are left out: a till creates customers of its
 * own, which HQ may hold differently (issue 11.1's exceptions), so a difference there is not a
 * divergence to heal by download. Embeddings are left out (derived from the products, large).
 */
import type { Queryable } from '../queryable';

/** Row text per table, the same on both sides (`t` is the table). */
const ROW_TEXT = {
  products: {
    from: 'retail.products t WHERE t.store_id = $1',
    text: `t.product_id::text || ':' || t.version || ':' || t.sku || ':' || coalesce(t.barcode, '-')
           || ':' || t.product_name
           || ':' || (t.price * 100)::bigint || ':' || t.is_active || ':'
           || coalesce(t.category_id::text, '-')`,
  },
  categories: {
    // Shared by every store: the same rows everywhere.
    from: 'retail.product_categories t WHERE $1::text IS NOT NULL',
    text: `t.category_id::text || ':' || t.version || ':' || t.category_name || ':' || t.is_active`,
  },
  category_tax_rates: {
    from: 'retail.category_tax_rates t WHERE t.store_id = $1',
    text: `t.category_id::text || ':' || t.version || ':' || t.tax_rate_ppm`,
  },
  registers: {
    from: 'retail.registers t WHERE t.store_id = $1',
    text: `t.register_id || ':' || t.version || ':' || t.is_active`,
  },
  staff: {
    from: 'retail.staff t WHERE t.store_id = $1',
    text: `t.staff_id::text || ':' || t.version || ':' || t.display_name || ':' || t.role
           || ':' || t.is_active`,
  },
  stock_levels: {
    from: 'retail.stock_levels t WHERE t.store_id = $1',
    text: `t.product_id::text || ':' || t.version || ':' || t.on_hand`,
  },
} as const;

export type ChecksumTable = keyof typeof ROW_TEXT;
export const CHECKSUM_TABLES = Object.keys(ROW_TEXT) as ChecksumTable[];

export interface TableChecksum {
  table: ChecksumTable;
  count: number;
  /** Decimal digits: the sum of the rows' 60-bit hashes. */
  sum: string;
}

/** One statement for every table (one snapshot on either side, one round trip). */
const CHECKSUM_SQL = CHECKSUM_TABLES.map(
  (table) =>
    `SELECT '${table}' AS table_name, count(*)::int AS n,
            coalesce(sum(('x' || substr(md5(${ROW_TEXT[table].text}), 1, 15))::bit(60)::bigint::numeric), 0)::text AS total
       FROM ${ROW_TEXT[table].from}`,
).join('\nUNION ALL\n');

export async function catalogChecksums(db: Queryable, storeId: string): Promise<TableChecksum[]> {
  const { rows } = await db.query<{ table_name: ChecksumTable; n: number; total: string }>(
    CHECKSUM_SQL,
    [storeId],
  );
  return rows.map((r) => ({ table: r.table_name, count: Number(r.n), sum: r.total }));
}

/** The tables whose checksums differ (or that only one side has). */
export function differingTables(
  ours: readonly TableChecksum[],
  theirs: readonly TableChecksum[],
): ChecksumTable[] {
  const key = (c: TableChecksum): string => `${c.count}:${c.sum}`;
  const mine = new Map(ours.map((c) => [c.table, key(c)]));
  const other = new Map(theirs.map((c) => [c.table, key(c)]));
  return CHECKSUM_TABLES.filter((t) => mine.get(t) !== other.get(t));
}

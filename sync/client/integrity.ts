/**
 * The catalog integrity check, till side (issue 11, item 7): ask HQ for per-table checksums of
 * the store's catalog (GET /v1/checksums: sums and the feed position they were read at), and
 * compare them with the same sums over the till's own rows (db/queries/catalog-checksums.ts).
 *
 * Only comparable when the till's cursor IS that position: then it holds exactly the feed HQ
 * summed, and any difference is a divergence (a row lost, left behind or changed in place).
 * Otherwise the answer is "inconclusive" and the caller looks again after the next pull. Runs
 * inside the client's exclusive lane, so no pull moves the cursor during the comparison.
 * `IntegritySchedule` decides when the client checks and runs one check with its healing.
 */
import { CatalogChecksums } from '../../contract/sync-protocol/checksums';
import type { CatalogIntegrity } from '../../contract/till-api/sync';
import {
  catalogChecksums,
  differingTables,
  type ChecksumTable,
} from '../../db/queries/catalog-checksums';
import type { SyncContext } from './context';
import { readSyncState } from './local';
import { beginSnapshot, readSnapshot } from './snapshot';

export type IntegrityComparison =
  | { kind: 'match' }
  | { kind: 'differs'; tables: ChecksumTable[] }
  | { kind: 'inconclusive'; reason: string };

export async function compareCatalog(ctx: SyncContext): Promise<IntegrityComparison> {
  if (await readSnapshot(ctx.db)) {
    return { kind: 'inconclusive', reason: 'a catalog download is in progress' };
  }
  const hq = await ctx.http.request('GET', '/v1/checksums', undefined, CatalogChecksums);
  const { cursor } = await readSyncState(ctx.db);
  if (cursor !== hq.cursor) {
    return { kind: 'inconclusive', reason: 'the till is not at the position HQ summed' };
  }
  const ours = await catalogChecksums(ctx.db, ctx.device.storeId);
  const tables = differingTables(ours, hq.tables);
  return tables.length === 0 ? { kind: 'match' } : { kind: 'differs', tables };
}

/** The till's table behind each checksum, and whether it holds one store's rows. */
const TABLES: Record<ChecksumTable, { table: string; perStore: boolean }> = {
  products: { table: 'retail.products', perStore: true },
  categories: { table: 'retail.product_categories', perStore: false },
  category_tax_rates: { table: 'retail.category_tax_rates', perStore: true },
  registers: { table: 'retail.registers', perStore: true },
  staff: { table: 'retail.staff', perStore: true },
  stock_levels: { table: 'retail.stock_levels', perStore: true },
};

/**
 * Heal: the differing tables are downloaded afresh. A full download overwrites only rows whose
 * version differs from HQ's, and a row changed in place kept its version; so every row of a
 * differing table is set to version 0 first (no HQ version is that low), which lets the
 * download's guarded upsert overwrite each one with HQ's row. Rows HQ does not have are
 * removed by the download's swap as always. Crash-safe: versions at 0 with no download begun
 * are found by the next check (they differ from HQ's) and healed then.
 */
export async function healTables(
  ctx: SyncContext,
  tables: readonly ChecksumTable[],
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    for (const name of tables) {
      const { table, perStore } = TABLES[name];
      if (perStore) {
        await tx.query(`UPDATE ${table} SET version = 0 WHERE store_id = $1`, [ctx.device.storeId]);
      } else {
        await tx.query(`UPDATE ${table} SET version = 0`);
      }
    }
  });
  await beginSnapshot(ctx, `catalog integrity check: ${tables.join(', ')} differ from HQ`);
}

const DEFAULT_INTEGRITY_INTERVAL_MS = 15 * 60_000;
/** Looked at again this soon when the comparison was inconclusive (the till was behind). */
const INTEGRITY_RETRY_MS = 30_000;

/**
 * When the catalog is compared with HQ's: never checked yet, after every full download, and
 * every `intervalMs` (default 15 minutes; 0 turns the scheduled check off).
 */
export class IntegritySchedule {
  private readonly intervalMs: number;
  /** When the check is due next (0: at the next idle moment). */
  private dueAt = 0;

  constructor(intervalMs: number | undefined) {
    this.intervalMs = intervalMs ?? DEFAULT_INTEGRITY_INTERVAL_MS;
  }

  /** Due: never checked, a full download finished since, or the interval passed. */
  due(): boolean {
    return Date.now() >= this.dueAt;
  }

  /** A full download finished: compare its result with HQ's at the next idle moment. */
  afterFullDownload(): void {
    this.dueAt = 0;
  }

  /**
   * One integrity check (inside the lane): compare; on a difference download the catalog
   * afresh (a staged resync, swapped in at once by `cycle`) and compare again. Never loops: a
   * difference that survives the download is reported and looked at again at the next
   * scheduled check. Resolves with null when the comparison was inconclusive.
   */
  async run(ctx: SyncContext, cycle: () => Promise<void>): Promise<CatalogIntegrity | null> {
    const interval = this.intervalMs;
    const first = await compareCatalog(ctx);
    if (first.kind === 'inconclusive') {
      ctx.logger.debug({ reason: first.reason }, 'catalog integrity check inconclusive');
      this.dueAt = Date.now() + Math.min(INTEGRITY_RETRY_MS, interval || INTEGRITY_RETRY_MS);
      return null;
    }
    let result: CatalogIntegrity;
    if (first.kind === 'match') {
      result = { checkedAt: new Date().toISOString(), result: 'match', differing: [] };
    } else {
      ctx.logger.warn({ tables: first.tables }, 'catalog differs from HQ: downloading it afresh');
      await healTables(ctx, first.tables);
      await cycle();
      const second = await compareCatalog(ctx);
      result = {
        checkedAt: new Date().toISOString(),
        result: second.kind === 'match' ? 'healed' : 'differs',
        differing: first.tables,
      };
      if (second.kind !== 'match') {
        ctx.logger.error({ tables: first.tables, after: second }, 'catalog still differs from HQ');
      }
    }
    this.dueAt = interval > 0 ? Date.now() + interval : Number.POSITIVE_INFINITY;
    ctx.logger.debug(
      { result: result.result, differing: result.differing },
      'catalog integrity checked',
    );
    return result;
  }
}

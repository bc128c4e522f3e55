/**
 * Month partitions of the sales tables (migration 0002): create ahead, list, and drop old
 * months for retention. The SQL functions do the work; this module is the typed front door for
 * the CLI, the service start and a daily timer.
 */
import type pg from 'pg';
import { ErrorKind, PosError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable } from '../queryable';
import { textArray } from './pg-arrays';
import { withSalesDdlLock } from './sales-ddl-lock';
import { withTenant } from './tenant';

/**
 * Sales fall in a month whose partitions do not exist. Not a rejection: the caller creates them
 * (prepareSalesPartitions, in a transaction of its own) and retries. Months are never created
 * inside an ingest transaction: concurrent pushes deadlocked on it, and a distributed database
 * refuses DDL after a transaction has written shards in parallel.
 */
export class SalesPartitionsMissingError extends PosError {
  readonly months: readonly string[];
  constructor(months: readonly string[]) {
    super(
      ErrorKind.invalidState,
      `Sales of ${months.map((m) => m.slice(0, 7)).join(', ')} have no month partitions yet: create them with prepareSalesPartitions before the ingest transaction`,
    );
    this.months = months;
  }
}

/**
 * Of these month starts (ISO timestamps), the ones not before the retention horizon that lack
 * a partition of any of the three sales tables. Reads the catalog only: no lock, no DDL.
 */
export async function missingSalesPartitionMonths(
  db: Queryable,
  months: readonly string[],
): Promise<string[]> {
  if (months.length === 0) return [];
  const { rows } = await db.query<{ month: string }>(
    `SELECT m::text AS month
       FROM unnest($1::text[]) AS m
      WHERE m::timestamptz >= (SELECT date_trunc('month', retained_from) FROM retail.sales_retention)
        AND EXISTS (SELECT 1 FROM unnest(ARRAY['sales_transactions', 'sales_transaction_items', 'payments']) AS t
                     WHERE to_regclass(format('retail.%I', t || '_p' || to_char(m::timestamptz AT TIME ZONE 'UTC', 'YYYYMM'))) IS NULL)`,
    [textArray(months)],
  );
  return rows.map((r) => r.month);
}

export interface EnsureOptions {
  /** Months before the current one to make sure of (default 1). */
  monthsBehind?: number;
  /** Months after the current one to create ahead (default 3). */
  monthsAhead?: number;
  now?: Date;
}

function monthStartUtc(date: Date, offsetMonths = 0): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offsetMonths, 1));
}

/** Create the month partitions around now that are missing; returns how many were created. */
export async function ensureSalesPartitions(
  owner: pg.Pool,
  options: EnsureOptions = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const from = monthStartUtc(now, -(options.monthsBehind ?? 1));
  const to = monthStartUtc(now, options.monthsAhead ?? 3);
  const { rows } = await withSalesDdlLock(owner, (client) =>
    client.query<{ created: number }>('SELECT retail.ensure_sales_partitions($1, $2) AS created', [
      from.toISOString(),
      to.toISOString(),
    ]),
  );
  return rows[0]?.created ?? 0;
}

export interface PartitionMonth {
  /** First day of the month, YYYY-MM-DD (UTC). */
  month: string;
  /** Partitions of that month (3 when all sales tables have it). */
  partitions: number;
}

export async function listSalesPartitions(db: pg.Pool | pg.ClientBase): Promise<PartitionMonth[]> {
  const { rows } = await db.query<{ month: string; partitions: number }>(
    `SELECT to_char(month, 'YYYY-MM-DD') AS month, partitions FROM retail.sales_partition_months()`,
  );
  return rows;
}

/**
 * Retention: keep the current month and the `keepMonths` months before it; drop every older
 * month partition of the sales tables, then the registry rows of sales before the horizon,
 * store by store under each store's tenant key (row security applies to the owner too; also
 * rows a previous, interrupted prune left behind); later uploads of sales older than the
 * horizon are refused. Returns the dropped partition names.
 */
export async function pruneSalesPartitions(
  owner: pg.Pool,
  options: { keepMonths: number; now?: Date; logger?: Logger },
): Promise<{ cutoff: string; dropped: string[] }> {
  if (!Number.isInteger(options.keepMonths) || options.keepMonths < 0) {
    throw new RangeError('keepMonths must be a whole number >= 0');
  }
  const cutoff = monthStartUtc(options.now ?? new Date(), -options.keepMonths);
  const { rows } = await withSalesDdlLock(owner, (client) =>
    client.query<{ dropped: string }>(
      'SELECT dropped FROM retail.drop_sales_partitions_before($1)',
      [cutoff.toISOString()],
    ),
  );
  const dropped = rows.map((r) => r.dropped);
  const { rows: stores } = await owner.query<{ store_id: string }>(
    `SELECT store_id FROM retail.stores ORDER BY store_id`,
  );
  for (const { store_id: storeId } of stores) {
    await withTenant(owner, storeId, (tx) =>
      tx.query(
        `DELETE FROM retail.sales_transaction_ids
          WHERE store_id = $1
            AND occurred_at < (SELECT retained_from FROM retail.sales_retention)`,
        [storeId],
      ),
    );
  }
  (options.logger ?? silentLogger).info(
    { cutoff: cutoff.toISOString(), dropped: dropped.length },
    'sales partitions pruned',
  );
  return { cutoff: cutoff.toISOString(), dropped };
}

/**
 * Keep months created ahead while a service runs (a server up for months must not run out of
 * partitions). Runs once now (unless runNow is false), then every `intervalMs` (default 6 h).
 * Returns a stop function. startCentral runs this for every service it starts.
 */
export function startPartitionMaintenance(
  owner: pg.Pool,
  options: { intervalMs?: number; logger?: Logger; runNow?: boolean } = {},
): () => void {
  const logger = options.logger ?? silentLogger;
  const tick = (): void => {
    ensureSalesPartitions(owner)
      .then((created) => {
        if (created > 0) logger.info({ created }, 'sales partitions created ahead');
      })
      .catch((error: unknown) =>
        logger.warn({ error: String(error) }, 'could not create sales partitions ahead'),
      );
  };
  if (options.runNow !== false) tick();
  const timer = setInterval(tick, options.intervalMs ?? 6 * 60 * 60 * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

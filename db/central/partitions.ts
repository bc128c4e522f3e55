/**
 * Month partitions of the sales tables (migration 0002): create ahead, list, and drop old
 * months for retention. The SQL functions do the work; this module is the typed front door for
 * the CLI, the service start and a daily timer.
 */
import type pg from 'pg';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { withSalesDdlLock } from './sales-ddl-lock';

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
 * month partition of the sales tables and the registry rows of those sales, and refuse later
 * uploads of sales older than the new horizon. Returns the dropped partition names.
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

/**
 * Monitoring (migration 0005): slow statements, table activity, unused indexes. Read with the
 * owner or reporting pool; the views are security_invoker and show statistics, never rows.
 */
import type { Queryable } from '../../queryable';

export type SlowQueries =
  { available: true; rows: SlowQuery[] } | { available: false; message: string };

export interface SlowQuery {
  query: string;
  calls: number;
  totalExecMs: number;
  meanExecMs: number;
  maxExecMs: number;
  rows: number;
  hitPercent: string | null;
}

/** Statements whose mean time is at least `minMeanMs`, or why statistics are unavailable. */
export async function slowQueries(
  db: Queryable,
  options: { minMeanMs?: number; limit?: number } = {},
): Promise<SlowQueries> {
  const status = await db.query<{ status: string }>(
    'SELECT monitoring.pg_stat_statements_status() AS status',
  );
  const message = status.rows[0]?.status ?? 'pg_stat_statements status unknown';
  if (message !== 'ready') return { available: false, message };
  const { rows } = await db.query<{
    query: string;
    calls: number;
    total_exec_ms: number;
    mean_exec_ms: number;
    max_exec_ms: number;
    rows: number;
    hit_percent: string | null;
  }>('SELECT * FROM monitoring.statement_stats($1) LIMIT $2', [
    options.minMeanMs ?? 100,
    options.limit ?? 50,
  ]);
  return {
    available: true,
    rows: rows.map((r) => ({
      query: r.query,
      calls: r.calls,
      totalExecMs: r.total_exec_ms,
      meanExecMs: r.mean_exec_ms,
      maxExecMs: r.max_exec_ms,
      rows: r.rows,
      hitPercent: r.hit_percent,
    })),
  };
}

export interface TableStat {
  schemaName: string;
  tableName: string;
  partitionOf: string | null;
  totalBytes: number;
  totalSize: string;
  liveRows: number | null;
  deadRows: number | null;
  inserts: number | null;
  updates: number | null;
  deletes: number | null;
  seqScan: number | null;
  idxScan: number | null;
}

export async function tableStats(
  db: Queryable,
  options: { schema?: string } = {},
): Promise<TableStat[]> {
  const { rows } = await db.query<{
    schema_name: string;
    table_name: string;
    partition_of: string | null;
    total_bytes: number;
    total_size: string;
    live_rows: number | null;
    dead_rows: number | null;
    inserts: number | null;
    updates: number | null;
    deletes: number | null;
    seq_scan: number | null;
    idx_scan: number | null;
  }>(
    `SELECT schema_name, table_name, partition_of, total_bytes, total_size, live_rows, dead_rows,
            inserts, updates, deletes, seq_scan, idx_scan
       FROM monitoring.table_stats
      WHERE schema_name = $1
      ORDER BY total_bytes DESC, table_name`,
    [options.schema ?? 'retail'],
  );
  return rows.map((r) => ({
    schemaName: r.schema_name,
    tableName: r.table_name,
    partitionOf: r.partition_of,
    totalBytes: r.total_bytes,
    totalSize: r.total_size,
    liveRows: r.live_rows,
    deadRows: r.dead_rows,
    inserts: r.inserts,
    updates: r.updates,
    deletes: r.deletes,
    seqScan: r.seq_scan,
    idxScan: r.idx_scan,
  }));
}

export interface UnusedIndex {
  schemaName: string;
  tableName: string;
  indexName: string;
  indexBytes: number;
  indexSize: string;
}

export async function unusedIndexes(db: Queryable): Promise<UnusedIndex[]> {
  const { rows } = await db.query<{
    schema_name: string;
    table_name: string;
    index_name: string;
    index_bytes: number;
    index_size: string;
  }>(
    `SELECT schema_name, table_name, index_name, index_bytes, index_size
       FROM monitoring.unused_indexes
      ORDER BY index_bytes DESC, index_name`,
  );
  return rows.map((r) => ({
    schemaName: r.schema_name,
    tableName: r.table_name,
    indexName: r.index_name,
    indexBytes: r.index_bytes,
    indexSize: r.index_size,
  }));
}

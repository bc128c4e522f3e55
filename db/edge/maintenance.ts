/**
 * WAL and checkpoint housekeeping. PGlite runs no checkpointer: without a CHECKPOINT the WAL
 * grows without bound and reopening after a crash replays all of it. We cap the WAL size
 * settings and checkpoint whenever the WAL written since the last checkpoint passes a bound.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Applied at every open (ALTER SYSTEM cannot run inside the migration transaction). */
export async function boundWalSettings(db: PGlite, maxWalMb: number): Promise<void> {
  const min = Math.max(32, Math.floor(maxWalMb / 2));
  await db.exec(`ALTER SYSTEM SET max_wal_size = '${Math.floor(maxWalMb)}MB'`);
  await db.exec(`ALTER SYSTEM SET min_wal_size = '${min}MB'`);
  await db.query('SELECT pg_reload_conf()');
}

export async function walBytesSinceCheckpoint(db: PGlite): Promise<number> {
  const { rows } = await db.query<{ bytes: string | number }>(
    `SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), (pg_control_checkpoint()).redo_lsn) AS bytes`,
  );
  return Number(rows[0]?.bytes ?? 0);
}

export async function walDirBytes(db: PGlite): Promise<number> {
  const { rows } = await db.query<{ bytes: string | number | null }>(
    `SELECT coalesce(sum(size), 0) AS bytes FROM pg_ls_waldir()`,
  );
  return Number(rows[0]?.bytes ?? 0);
}

/**
 * PGlite runs no autovacuum. Without it, planner statistics go stale after bulk loads (a search
 * picked a wrong index and took 200 ms instead of 5 ms) and GIN pending lists are never merged.
 * This applies autovacuum's own default thresholds to the in-session statistics and vacuums
 * the tables that cross them, one at a time. Returns the tables processed.
 */
export async function autovacuum(db: PGlite): Promise<string[]> {
  await db.query('SELECT pg_stat_force_next_flush()');
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', s.schemaname, s.relname) AS name
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
         OR s.n_ins_since_vacuum > 1000 + 0.2 * greatest(c.reltuples, 0)
         OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
         OR (c.reltuples < 0 AND s.n_live_tup > 0)
      ORDER BY s.n_live_tup DESC`,
  );
  for (const row of rows) await db.exec(`VACUUM (ANALYZE) ${row.name}`);
  return rows.map((r) => r.name);
}

/**
 * At open the statistics counters start from zero, so tables that were never analysed (a fresh
 * template, or a load that ended before maintenance ran) are found through pg_class instead.
 */
export async function analyzeNeverAnalyzed(db: PGlite): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname IN ('retail', 'pos') AND c.reltuples < 0
        AND c.relpages > 0`,
  );
  for (const row of rows) await db.exec(`VACUUM (ANALYZE) ${row.name}`);
  return rows.map((r) => r.name);
}

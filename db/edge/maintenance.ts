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

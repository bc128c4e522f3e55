/**
 * HQ's schema migrations: the central migration files (db/migrations/central/) run by the one
 * runner (db/migrations/runner.ts) as edgepos_owner. A schema concern, so it lives here; the
 * processes that call it (startCentral in hq/ops/central.ts, the HQ database CLI, the test
 * server's global setup) live above db/.
 */
import type pg from 'pg';
import type { Logger } from '../logger';
import { CENTRAL_MIGRATIONS_DIR, loadMigrations } from '../migrations/node-source';
import { pgMigrationDriver } from '../migrations/pg-driver';
import {
  migrateDown,
  migrateUp,
  migrationStatus,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
} from '../migrations/runner';

export function centralMigrations(): Migration[] {
  return loadMigrations(CENTRAL_MIGRATIONS_DIR);
}

export async function migrateCentral(
  owner: pg.Pool,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  return migrateUp(pgMigrationDriver(owner), centralMigrations(), options);
}

export async function migrateCentralDown(
  owner: pg.Pool,
  options: { to: number; logger?: Logger },
): Promise<MigrateResult> {
  return migrateDown(pgMigrationDriver(owner), centralMigrations(), options);
}

export async function centralMigrationStatus(owner: pg.Pool): ReturnType<typeof migrationStatus> {
  return migrationStatus(pgMigrationDriver(owner), centralMigrations());
}

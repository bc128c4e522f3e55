/**
 * One migration runner for both databases: the till's PGlite and HQ's PostgreSQL.
 *
 * Contract:
 * - Migrations are numbered SQL files `NNNN_name.up.sql` with a matching `NNNN_name.down.sql`.
 * - Each migration runs in its own transaction together with its ledger row, so a failure
 *   leaves the database exactly at the previous version.
 * - The ledger stores a SHA-256 of the up script (line endings normalised). Startup refuses to
 *   run when an applied migration's file changed, was removed, or the database is newer than
 *   the code: the operator must decide, the runner never guesses.
 * - The one exception is an amendment the file itself declares: a line
 *   `-- amends checksum <sha256>` names an earlier text of the same migration whose result on
 *   a database where it ran is identical (e.g. constraints split out and named as PostgreSQL
 *   named them, so a Citus cluster accepts the script). Such a database is accepted and its
 *   ledger row takes the new checksum; any other change is still refused.
 * - All work happens under an exclusive lock supplied by the driver (an advisory lock on
 *   PostgreSQL; the data-directory lock already makes PGlite single-writer).
 */
import { MigrationError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable } from '../queryable';
import { getErrorMessage } from '../../contract/errors';

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

export interface MigrationConnection extends Queryable {
  /** Run a multi-statement script (no parameters). */
  exec(sql: string): Promise<unknown>;
  /** Run `fn` in one transaction: commit on success, roll back on throw. */
  transaction<T>(fn: (tx: MigrationConnection) => Promise<T>): Promise<T>;
}

export interface MigrationDriver {
  /** Run `fn` while holding the exclusive migration lock on one connection. */
  withLock<T>(fn: (conn: MigrationConnection) => Promise<T>): Promise<T>;
}

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  appliedAt: Date;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.(up|down)\.sql$/;
const LEDGER = 'public.schema_migrations';

/**
 * Build the ordered migration list from file names and contents. Shared by the Node loader
 * (reads a folder) and the browser build (files bundled by Vite).
 */
export function parseMigrationFiles(files: Record<string, string>): Migration[] {
  const byVersion = new Map<number, { name: string; up?: string; down?: string }>();
  for (const [fileName, content] of Object.entries(files)) {
    const base = fileName.split('/').pop() ?? fileName;
    const match = FILE.exec(base);
    if (!match) throw new MigrationError(`Unexpected file in migrations folder: ${base}`);
    const [, versionText = '', name = '', direction] = match;
    const version = Number(versionText);
    const entry = byVersion.get(version) ?? { name };
    if (entry.name !== name) {
      throw new MigrationError(`Migration ${versionText} has two names: ${entry.name}, ${name}`);
    }
    if (direction === 'up') entry.up = content;
    else entry.down = content;
    byVersion.set(version, entry);
  }
  const versions = [...byVersion.keys()].sort((a, b) => a - b);
  return versions.map((version, index) => {
    const entry = byVersion.get(version);
    if (!entry?.up) throw new MigrationError(`Migration ${version} has no up script`);
    if (!entry.down) throw new MigrationError(`Migration ${version} has no down script`);
    if (version !== index + 1) {
      throw new MigrationError(`Migrations must be numbered 1..n without gaps; found ${version}`);
    }
    return { version, name: entry.name, up: entry.up, down: entry.down };
  });
}

const AMENDS = /^--\s*amends checksum ([0-9a-f]{64})\s*$/gm;

/** Checksums of earlier texts this script declares it replaces without changing the result. */
export function amendedChecksums(sql: string): string[] {
  return [...sql.replace(/\r\n/g, '\n').matchAll(AMENDS)].map((m) => m[1]!);
}

export async function checksum(sql: string): Promise<string> {
  const normalised = sql.replace(/\r\n/g, '\n');
  const digest = await globalThis.crypto.subtle.digest(
    'SHA-256',
    new TextEncoder().encode(normalised),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function ensureLedger(conn: MigrationConnection): Promise<void> {
  await conn.exec(`
    CREATE TABLE IF NOT EXISTS ${LEDGER} (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      execution_ms integer NOT NULL DEFAULT 0
    )`);
}

async function readLedger(conn: Queryable): Promise<AppliedMigration[]> {
  const { rows } = await conn.query<{
    version: number;
    name: string;
    checksum: string;
    applied_at: Date;
  }>(`SELECT version, name, checksum, applied_at FROM ${LEDGER} ORDER BY version`);
  return rows.map((r) => ({
    version: Number(r.version),
    name: r.name,
    checksum: r.checksum,
    appliedAt: new Date(r.applied_at),
  }));
}

/**
 * Throws if the ledger and the files disagree about anything already applied. Returns the
 * applied rows whose file declares an amendment of the recorded text, with the new checksum.
 */
async function verify(
  applied: AppliedMigration[],
  migrations: Migration[],
): Promise<Array<{ version: number; checksum: string }>> {
  const amended: Array<{ version: number; checksum: string }> = [];
  for (const row of applied) {
    const file = migrations.find((m) => m.version === row.version);
    if (!file) {
      throw new MigrationError(
        `Database has migration ${row.version} (${row.name}) that this build does not know. ` +
          `The database is newer than the application; refusing to start.`,
      );
    }
    const sum = await checksum(file.up);
    if (file.name === row.name && sum !== row.checksum) {
      if (amendedChecksums(file.up).includes(row.checksum)) {
        amended.push({ version: row.version, checksum: sum });
        continue;
      }
    }
    if (file.name !== row.name || sum !== row.checksum) {
      throw new MigrationError(
        `Migration ${row.version} (${row.name}) was changed after it was applied ` +
          `(checksum ${row.checksum.slice(0, 12)} in the database, ${sum.slice(0, 12)} on disk). ` +
          `Landed migrations must never be edited; add a new one instead.`,
      );
    }
  }
  return amended;
}

export interface MigrateOptions {
  logger?: Logger;
  /** Stop at this version (default: the latest). */
  to?: number | undefined;
}

export interface MigrateResult {
  applied: number[];
  version: number;
}

export async function migrateUp(
  driver: MigrationDriver,
  migrations: Migration[],
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const log = options.logger ?? silentLogger;
  const target = options.to ?? migrations.length;
  return driver.withLock(async (conn) => {
    await ensureLedger(conn);
    const applied = await readLedger(conn);
    for (const row of await verify(applied, migrations)) {
      await conn.query(`UPDATE ${LEDGER} SET checksum = $2 WHERE version = $1`, [
        row.version,
        row.checksum,
      ]);
      log.info({ version: row.version }, 'migration amendment recorded');
    }
    const done = new Set(applied.map((a) => a.version));
    const ran: number[] = [];
    for (const migration of migrations) {
      if (migration.version > target || done.has(migration.version)) continue;
      const started = Date.now();
      const sum = await checksum(migration.up);
      try {
        await conn.transaction(async (tx) => {
          await tx.exec(migration.up);
          await tx.query(
            `INSERT INTO ${LEDGER} (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)`,
            [migration.version, migration.name, sum, Date.now() - started],
          );
        });
      } catch (error) {
        throw new MigrationError(
          `Migration ${migration.version} (${migration.name}) failed and was rolled back: ${getErrorMessage(
            error,
          )}`,
          { cause: error },
        );
      }
      log.info({ version: migration.version, name: migration.name }, 'migration applied');
      ran.push(migration.version);
    }
    const version = Math.max(0, ...applied.map((a) => a.version), ...ran);
    return { applied: ran, version };
  });
}

/** Roll back applied migrations down to (and excluding) `to`, newest first. */
export async function migrateDown(
  driver: MigrationDriver,
  migrations: Migration[],
  options: { to: number; logger?: Logger },
): Promise<MigrateResult> {
  const log = options.logger ?? silentLogger;
  return driver.withLock(async (conn) => {
    await ensureLedger(conn);
    const applied = await readLedger(conn);
    await verify(applied, migrations);
    const reverted: number[] = [];
    for (const row of [...applied].reverse()) {
      if (row.version <= options.to) break;
      const migration = migrations.find((m) => m.version === row.version);
      if (!migration) throw new MigrationError(`No down script for ${row.version}`);
      try {
        await conn.transaction(async (tx) => {
          await tx.exec(migration.down);
          await tx.query(`DELETE FROM ${LEDGER} WHERE version = $1`, [row.version]);
        });
      } catch (error) {
        throw new MigrationError(
          `Down migration ${row.version} (${row.name}) failed and was rolled back: ${getErrorMessage(
            error,
          )}`,
          { cause: error },
        );
      }
      log.info({ version: row.version, name: row.name }, 'migration reverted');
      reverted.push(row.version);
    }
    const remaining = applied.filter((a) => !reverted.includes(a.version));
    return { applied: reverted, version: Math.max(0, ...remaining.map((a) => a.version)) };
  });
}

export async function migrationStatus(
  driver: MigrationDriver,
  migrations: Migration[],
): Promise<{ version: number; pending: number[]; applied: AppliedMigration[] }> {
  return driver.withLock(async (conn) => {
    await ensureLedger(conn);
    const applied = await readLedger(conn);
    await verify(applied, migrations);
    const done = new Set(applied.map((a) => a.version));
    return {
      version: Math.max(0, ...applied.map((a) => a.version)),
      pending: migrations.filter((m) => !done.has(m.version)).map((m) => m.version),
      applied,
    };
  });
}

/** Checksum over the whole migration set: names a pre-migrated template unambiguously. */
export async function migrationSetChecksum(migrations: Migration[]): Promise<string> {
  const parts = await Promise.all(
    migrations.map(async (m) => `${m.version}:${await checksum(m.up)}`),
  );
  return checksum(parts.join('\n'));
}

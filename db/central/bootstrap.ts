/**
 * Superuser bootstrap, run before migrations (startCentral does it on every start; it is
 * idempotent and also repairs drift):
 *   1. roles: edgepos_owner, edgepos_app, edgepos_reporting with LOGIN and derived passwords,
 *      and explicitly NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS; the app
 *      role is a member of no role (it may not inherit anyone's rights); reporting is a member
 *      of pg_read_all_stats only (to read statement statistics).
 *   2. the HQ database, owned by edgepos_owner (or, if it already exists under another owner,
 *      CREATE on it and on its public schema for edgepos_owner);
 *   3. superuser-only extensions in that database: pg_stat_statements when the server has it;
 *   4. in Citus mode (target.citus: DATABASE_URL is the coordinator, EDGEPOS_CITUS_WORKERS its
 *      workers), the same on every worker, the citus extension on every node and the cluster's
 *      nodes and credentials (db/central/citus.ts).
 * Migrations then run as edgepos_owner, which can create trusted extensions (pgcrypto) itself.
 */
import pg from 'pg';
import { PosError, ErrorKind } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { bootstrapCitus } from './citus';
import { ROLE_NAMES, type CentralTarget } from './connection';
import { getErrorMessage } from '../../contract/errors';
import { PgCode, sqlState } from '../pg-errors';

export class BootstrapError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.database, message, options);
  }
}

async function adminClient(target: CentralTarget, database: string): Promise<pg.Client> {
  const admin = target.roles.admin;
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    database,
    user: admin.user,
    ...(admin.password !== undefined ? { password: admin.password } : {}),
    ssl: target.ssl,
    application_name: 'edgepos-bootstrap',
  });
  try {
    await client.connect();
  } catch (error) {
    throw new BootstrapError(
      `Cannot connect to PostgreSQL at ${target.host}:${target.port}/${database} as ${admin.user}: ${getErrorMessage(
        error,
      )}`,
      { cause: error },
    );
  }
  return client;
}

async function ensureRole(
  client: pg.Client,
  name: string,
  password: string | undefined,
  extra: string,
): Promise<void> {
  const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  const verb = rows.length === 0 ? 'CREATE' : 'ALTER';
  const attributes =
    'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS' +
    (extra ? ` ${extra}` : '');
  const passwordClause =
    password === undefined ? '' : ` PASSWORD ${client.escapeLiteral(password)}`;
  try {
    await client.query(
      `${verb} ROLE ${client.escapeIdentifier(name)} ${attributes}${passwordClause}`,
    );
  } catch (error) {
    // Two processes bootstrapping at once: the other one created it first.
    if (sqlState(error) !== PgCode.duplicateObject) throw error;
    await client.query(
      `ALTER ROLE ${client.escapeIdentifier(name)} ${attributes}${passwordClause}`,
    );
  }
}

/** Make the role a member of nothing except `allowed`. */
async function restrictMemberships(
  client: pg.Client,
  name: string,
  allowed: readonly string[],
): Promise<void> {
  const { rows } = await client.query<{ rolname: string }>(
    `SELECT g.rolname FROM pg_auth_members m
       JOIN pg_roles g ON g.oid = m.roleid
       JOIN pg_roles r ON r.oid = m.member
      WHERE r.rolname = $1`,
    [name],
  );
  for (const row of rows) {
    if (!allowed.includes(row.rolname)) {
      await client.query(
        `REVOKE ${client.escapeIdentifier(row.rolname)} FROM ${client.escapeIdentifier(name)}`,
      );
    }
  }
  for (const role of allowed) {
    if (!rows.some((r) => r.rolname === role)) {
      await client.query(
        `GRANT ${client.escapeIdentifier(role)} TO ${client.escapeIdentifier(name)}`,
      );
    }
  }
}

/**
 * Only the owner may create temporary objects in the HQ database: a service role with TEMP could
 * plant pg_temp types that a SECURITY DEFINER function resolves (issue 12). Database ACLs are
 * not copied by CREATE DATABASE ... TEMPLATE, so every creator of an HQ database calls this.
 * Idempotent. Run as a superuser or the database owner.
 */
export async function restrictTemporaryObjects(
  client: Pick<pg.Client, 'query' | 'escapeIdentifier'>,
  database: string,
): Promise<void> {
  const db = client.escapeIdentifier(database);
  await client.query(`REVOKE TEMPORARY ON DATABASE ${db} FROM PUBLIC`);
  await client.query(
    `REVOKE TEMPORARY ON DATABASE ${db} FROM ${ROLE_NAMES.app}, ${ROLE_NAMES.reporting}`,
  );
}

export interface BootstrapResult {
  createdDatabase: boolean;
  pgStatStatements: boolean;
  /** Citus mode: the workers the coordinator knows. */
  citusWorkers?: number;
}

export async function bootstrapCentral(
  target: CentralTarget,
  options: { logger?: Logger; createDatabase?: boolean } = {},
): Promise<BootstrapResult> {
  const logger = options.logger ?? silentLogger;
  const client = await adminClient(target, target.maintenanceDatabase);
  let createdDatabase = false;
  try {
    const { rows } = await client.query<{ rolsuper: boolean; version: number }>(
      `SELECT rolsuper, current_setting('server_version_num')::int AS version
         FROM pg_roles WHERE rolname = current_user`,
    );
    const me = rows[0];
    if (!me?.rolsuper) {
      throw new BootstrapError(
        `${target.roles.admin.user} is not a superuser. DATABASE_URL must name a superuser: it creates the edgepos roles and database, and takes backups (which must see every store).`,
      );
    }
    if (me.version < 150000) {
      throw new BootstrapError(
        `PostgreSQL ${Math.floor(me.version / 10000)} is too old: HQ needs PostgreSQL 15 or newer (security_invoker views, ON DELETE SET NULL column lists).`,
      );
    }
    // Roles are global to the server: serialise bootstrappers (tests start several at once).
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['edgepos.bootstrap']);
    try {
      await ensureRole(client, ROLE_NAMES.owner, target.roles.owner.password, '');
      await ensureRole(client, ROLE_NAMES.app, target.roles.app.password, 'NOINHERIT');
      await ensureRole(client, ROLE_NAMES.reporting, target.roles.reporting.password, '');
      await restrictMemberships(client, ROLE_NAMES.app, []);
      await restrictMemberships(client, ROLE_NAMES.owner, []);
      await restrictMemberships(client, ROLE_NAMES.reporting, ['pg_read_all_stats']);

      const db = await client.query<{ owner: string }>(
        `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1`,
        [target.database],
      );
      if (db.rows.length === 0) {
        if (options.createDatabase === false) {
          throw new BootstrapError(`Database ${target.database} does not exist`);
        }
        await client.query(
          `CREATE DATABASE ${client.escapeIdentifier(target.database)} OWNER ${ROLE_NAMES.owner} ENCODING 'UTF8' TEMPLATE template0`,
        );
        createdDatabase = true;
        logger.info({ database: target.database }, 'HQ database created');
      } else if (db.rows[0]?.owner !== ROLE_NAMES.owner) {
        await client.query(
          `GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${client.escapeIdentifier(target.database)} TO ${ROLE_NAMES.owner}`,
        );
      }
      await restrictTemporaryObjects(client, target.database);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['edgepos.bootstrap']);
    }
  } finally {
    await client.end();
  }

  const inDb = await adminClient(target, target.database);
  let pgStatStatements = false;
  try {
    const owner = await inDb.query<{ owner: string }>(
      `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`,
    );
    if (owner.rows[0]?.owner !== ROLE_NAMES.owner) {
      // The runner's ledger lives in public.schema_migrations.
      await inDb.query(`GRANT USAGE, CREATE ON SCHEMA public TO ${ROLE_NAMES.owner}`);
    }
    const available = await inDb.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements'`,
    );
    if (available.rows.length > 0) {
      // Only when missing: on a Citus worker (this runs for each node) every CREATE EXTENSION,
      // IF NOT EXISTS included, is refused once citus is installed ("operation is not allowed
      // on this node"), so HQ could not start a second time on its cluster.
      const installed = await inDb.query(
        `SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`,
      );
      if (installed.rows.length === 0) {
        await inDb.query('CREATE EXTENSION pg_stat_statements');
      }
      pgStatStatements = true;
    } else {
      logger.warn({}, 'pg_stat_statements is not available on this server: no slow-query view');
    }
  } finally {
    await inDb.end();
  }
  if (!target.citus) return { createdDatabase, pgStatStatements };
  await bootstrapCitus(target, {
    workers: target.citus.workers,
    ...(target.citus.shardCount !== undefined ? { shardCount: target.citus.shardCount } : {}),
    logger,
    bootstrapNode: (node) => bootstrapCentral(node, { logger }),
  });
  return { createdDatabase, pgStatStatements, citusWorkers: target.citus.workers.length };
}

/**
 * Drop the HQ database (on a Citus cluster: on the coordinator and every worker). For
 * throw-away databases only (the demo, benchmarks); refuses a name without "demo" or "bench".
 */
export async function dropThrowAwayDatabase(target: CentralTarget): Promise<void> {
  if (!/(demo|bench)/.test(target.database)) {
    throw new BootstrapError(`Refusing to drop ${target.database}: not a demo or bench database`);
  }
  const nodes = [target, ...(target.citus?.workers ?? []).map((w) => ({ ...target, ...w }))];
  for (const node of nodes) {
    const client = await adminClient(node, node.maintenanceDatabase);
    try {
      await client.query(
        `DROP DATABASE IF EXISTS ${client.escapeIdentifier(target.database)} WITH (FORCE)`,
      );
    } finally {
      await client.end();
    }
  }
}

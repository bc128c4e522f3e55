/**
 * node-postgres pools, one per role (connection.ts). Each pool parses int8 as a JS number
 * (counts, versions, mutation IDs are far below 2^53; a larger value throws rather than
 * silently losing precision) and leaves numeric as text, which core/money.ts turns into integer
 * cents exactly.
 */
import pg from 'pg';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import type { Queryable } from '../queryable';
import type { CentralTarget, RoleKey } from './connection';
import { isServerShutdown } from '../pg-errors';

const INT8_OID = 20;

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new RangeError(`int8 value ${value} does not fit a JavaScript number exactly`);
  }
  return n;
}

function typeParsers(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, parseInt8);
  return types;
}

export interface PoolOptions {
  /** Connections kept at most (default 10). */
  max?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  logger?: Logger;
  /** Connect to this database instead of the target's HQ database. */
  database?: string;
  /**
   * Pipeline mode (node-postgres): queries issued without awaiting the previous one are all
   * written at once and answered in order, so N statements cost one round trip instead of N.
   * Sequential use behaves as usual; cursors and the `rows` option are refused.
   */
  pipeline?: boolean;
}

export function createRolePool(
  target: CentralTarget,
  role: RoleKey,
  options: PoolOptions = {},
): pg.Pool {
  const credentials = target.roles[role];
  const logger = options.logger ?? silentLogger;
  const pool = new pg.Pool({
    host: target.host,
    port: target.port,
    database: options.database ?? target.database,
    user: credentials.user,
    ...(credentials.password !== undefined ? { password: credentials.password } : {}),
    ssl: target.ssl,
    max: options.max ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 15_000,
    application_name: options.applicationName ?? `edgepos-${role}`,
    types: typeParsers(),
    ...(options.pipeline ? { pipeline: true } : {}),
  });
  // A connection that dies while a request holds it (server killed or restarted mid-push)
  // makes its client emit 'error', and an 'error' event nobody listens to kills the process
  // (issue 11, item 6: HQ crashed with "Unhandled 'error' event"). pg-pool listens only while
  // a client is idle, so every client gets its own listener for its whole life. The request's
  // query fails with the same error (a 503 at HQ), and the pool discards the broken client when
  // it is released, so the next checkout opens a new connection.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (isServerShutdown(error)) logger.debug({ role }, 'database connection closed by shutdown');
      else logger.warn({ role, error: error.message }, 'database connection lost in use');
    });
  });
  // An idle connection that dies (server restart, network) must not crash the process; the
  // pool drops it and the next checkout opens a new one.
  pool.on('error', (error) => {
    // The server is shutting down (expected when we stop the embedded server).
    if (isServerShutdown(error))
      logger.debug({ role }, 'idle database connection closed by shutdown');
    else logger.warn({ role, error: error.message }, 'idle database connection failed');
  });
  return pool;
}

export interface CentralPools {
  admin: pg.Pool;
  owner: pg.Pool;
  app: pg.Pool;
  reporting: pg.Pool;
}

export function createCentralPools(
  target: CentralTarget,
  options: { logger?: Logger; appMax?: number | undefined; database?: string } = {},
): CentralPools {
  const common = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.database ? { database: options.database } : {}),
  };
  return {
    admin: createRolePool(target, 'admin', { ...common, max: 2 }),
    owner: createRolePool(target, 'owner', { ...common, max: 4 }),
    app: createRolePool(target, 'app', { ...common, max: options.appMax ?? 10 }),
    // Pipelined: a chain-wide report sends every store's statements at once (readEachStore).
    reporting: createRolePool(target, 'reporting', { ...common, max: 4, pipeline: true }),
  };
}

export async function endPools(pools: CentralPools): Promise<void> {
  await Promise.all([pools.admin.end(), pools.owner.end(), pools.app.end(), pools.reporting.end()]);
}

/** Adapt a node-postgres client or pool to the Queryable that query modules take. */
export function pgQueryable(client: pg.ClientBase | pg.Pool): Queryable {
  return {
    query: async <T>(sql: string, params?: unknown[]) => {
      const result = await client.query(sql, params);
      return { rows: result.rows as T[], affectedRows: result.rowCount ?? undefined };
    },
  };
}

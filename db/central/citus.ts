/**
 * Citus mode: HQ on a Citus cluster, a coordinator that the services connect to and workers
 * that hold the shards (docs/scaling.md).
 *
 * The cluster is described by DATABASE_URL (the coordinator, a superuser) plus the workers,
 * `EDGEPOS_CITUS_WORKERS=host:port,host:port` (or `citusWorkers`); the workers accept the same
 * superuser and password. The bootstrap then, idempotently:
 *   1. on every worker: the roles with the same passwords, the HQ database owned by the owner
 *      role, and the citus extension in it (Citus needs the database and the extension on every
 *      node; roles are created explicitly rather than left to Citus's propagation, so a node
 *      added later gets them the same way);
 *   2. on every node, the credentials Citus uses to log in to the other nodes as each role
 *      (pg_dist_authinfo: no password file on the servers); on the coordinator, its own
 *      address and the workers (citus_add_node);
 *   3. per-database settings for the owner role: objects created by migrations are propagated
 *      to the workers when a distributed table needs them (the monitoring schema stays on the
 *      coordinator), and the row-level triggers that remain (version bump, immutability guards)
 *      are accepted on distributed tables.
 * Distribution itself is a migration (0014): create_reference_table / create_distributed_table
 * colocated by store_id, run by the owner. On plain PostgreSQL that migration does nothing.
 *
 * Citus 13.2 re-creates the RESTRICTIVE tenant guard as a PERMISSIVE policy on every shard it
 * creates (its policy deparser drops the clause), so the defence in depth of docs/security.md
 * would silently disappear. After migrating, startCentral checks every shard placement's guard
 * (checkShardGuards); after a migration that distributed tables it first restores them
 * (restrictShardGuards), otherwise it refuses to start and says how to repair.
 */
import pg from 'pg';
import { PosError, ErrorKind } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { ROLE_NAMES, type CentralTarget, type CitusNodeAddress } from './connection';

export class CitusError extends PosError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorKind.database, message, options);
  }
}

export type CitusNode = CitusNodeAddress;

async function connect(target: CentralTarget, node: CitusNode, database: string) {
  const admin = target.roles.admin;
  const client = new pg.Client({
    host: node.host,
    port: node.port,
    database,
    user: admin.user,
    ...(admin.password !== undefined ? { password: admin.password } : {}),
    ssl: target.ssl,
    application_name: 'edgepos-citus-bootstrap',
  });
  try {
    await client.connect();
  } catch (error) {
    throw new CitusError(
      `Cannot connect to Citus node ${node.host}:${node.port}/${database} as ${admin.user}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return client;
}

/** The worker's view of the target: same roles and database, another server. */
export function workerTarget(target: CentralTarget, node: CitusNode): CentralTarget {
  return { ...target, host: node.host, port: node.port, citus: undefined };
}

/** Is the citus extension installed in the HQ database (the coordinator)? */
export async function isCitusDatabase(db: pg.ClientBase | pg.Pool): Promise<boolean> {
  const { rows } = await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'citus'`);
  return rows.length > 0;
}

/** Can this server load Citus at all (citus in shared_preload_libraries)? */
async function citusAvailable(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ preloaded: boolean }>(
    `SELECT 'citus' = ANY (string_to_array(replace(current_setting('shared_preload_libraries'), ' ', ''), ','))
            AS preloaded`,
  );
  return rows[0]?.preloaded === true;
}

async function createExtension(target: CentralTarget, node: CitusNode): Promise<void> {
  const client = await connect(target, node, target.database);
  try {
    if (!(await citusAvailable(client))) {
      throw new CitusError(
        `${node.host}:${node.port} does not load Citus: add citus (first) to shared_preload_libraries and restart it`,
      );
    }
    await client.query('CREATE EXTENSION IF NOT EXISTS citus');
  } finally {
    await client.end();
  }
}

export interface CitusBootstrapOptions {
  workers: readonly CitusNode[];
  /** Shards per distributed table for tables distributed from now on (default: Citus's 32). */
  shardCount?: number;
  logger?: Logger;
  /** Bootstraps one node's roles and database (bootstrap.ts's, passed in to avoid a cycle). */
  bootstrapNode: (target: CentralTarget) => Promise<unknown>;
}

/**
 * The password Citus uses to log in as each role, on any node (0) and to this node itself (-1),
 * kept in this database's pg_dist_authinfo (readable by superusers only), so no password file
 * is needed on the servers.
 */
async function storeCredentials(client: pg.Client, target: CentralTarget): Promise<void> {
  const roles = [target.roles.admin, target.roles.owner, target.roles.app, target.roles.reporting];
  for (const role of roles) {
    if (role.password === undefined) continue;
    for (const nodeId of [0, -1]) {
      await client.query(
        `INSERT INTO pg_dist_authinfo (nodeid, rolename, authinfo) VALUES ($1, $2, $3)
         ON CONFLICT (rolename, nodeid) DO UPDATE SET authinfo = EXCLUDED.authinfo`,
        [nodeId, role.user, `password=${role.password}`],
      );
    }
  }
}

/** Steps 1-3 of the header; the coordinator's own roles and database already exist. */
export async function bootstrapCitus(
  target: CentralTarget,
  options: CitusBootstrapOptions,
): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const coordinator: CitusNode = { host: target.host, port: target.port };
  for (const worker of options.workers) {
    await options.bootstrapNode(workerTarget(target, worker));
    await createExtension(target, worker);
  }
  await createExtension(target, coordinator);

  // Every node logs in to the others with these (shard moves copy worker to worker).
  for (const node of [...options.workers, coordinator]) {
    const nodeClient = await connect(target, node, target.database);
    try {
      await storeCredentials(nodeClient, target);
    } finally {
      await nodeClient.end();
    }
  }

  const client = await connect(target, coordinator, target.database);
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['edgepos.citus-bootstrap']);
    const { rows: coordinatorRow } = await client.query(
      `SELECT 1 FROM pg_dist_node WHERE groupid = 0`,
    );
    if (coordinatorRow.length === 0) {
      await client.query('SELECT citus_set_coordinator_host($1, $2)', [
        coordinator.host,
        coordinator.port,
      ]);
    }
    const { rows: known } = await client.query<{ nodename: string; nodeport: number }>(
      `SELECT nodename, nodeport FROM pg_dist_node WHERE groupid <> 0`,
    );
    for (const worker of options.workers) {
      if (known.some((k) => k.nodename === worker.host && Number(k.nodeport) === worker.port)) {
        continue;
      }
      await client.query('SELECT citus_add_node($1, $2)', [worker.host, worker.port]);
      logger.info({ worker: `${worker.host}:${worker.port}` }, 'Citus worker added');
    }
    const db = client.escapeIdentifier(target.database);
    await client.query(
      `ALTER ROLE ${ROLE_NAMES.owner} IN DATABASE ${db} SET citus.create_object_propagation = 'deferred'`,
    );
    await client.query(
      `ALTER ROLE ${ROLE_NAMES.owner} IN DATABASE ${db} SET citus.enable_unsafe_triggers = on`,
    );
    if (options.shardCount !== undefined) {
      if (!Number.isInteger(options.shardCount) || options.shardCount < 1) {
        throw new CitusError(`Shard count must be a whole number >= 1, got ${options.shardCount}`);
      }
      await client.query(`ALTER DATABASE ${db} SET citus.shard_count = ${options.shardCount}`);
    }
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', ['edgepos.citus-bootstrap']);
  } finally {
    await client.end();
  }
}

export const TENANT_GUARD_POLICY = 'tenant_guard';
/** The guard expression of migration 0013 (no sub-select: Citus refuses those in policies). */
export const TENANT_GUARD_EXPRESSION = `store_id = NULLIF(current_setting('app.current_store_id', true), '')`;

export interface GuardProblem {
  table: string;
  shardId: number;
  node: string;
  /** What the placement has instead of a restrictive guard. */
  found: 'permissive' | 'missing' | 'unreadable';
  detail: string;
}

/** Distributed tables that carry the tenant guard (on the coordinator). */
async function guardedTables(db: pg.Pool | pg.ClientBase): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT t.table_name::text AS name
       FROM public.citus_tables t
      WHERE t.citus_table_type = 'distributed'
        AND EXISTS (SELECT 1 FROM pg_policy p
                     WHERE p.polrelid = t.table_name AND p.polname = $1)
      ORDER BY 1`,
    [TENANT_GUARD_POLICY],
  );
  return rows.map((r) => r.name);
}

/**
 * Every shard placement of every guarded table, with what its tenant guard is. Runs as the
 * owner (it owns the shards) over Citus's connections to the workers.
 */
export async function checkShardGuards(owner: pg.Pool): Promise<{
  placements: number;
  problems: GuardProblem[];
}> {
  const problems: GuardProblem[] = [];
  let placements = 0;
  for (const table of await guardedTables(owner)) {
    const { rows } = await owner.query<{
      nodename: string;
      nodeport: number;
      shardid: number;
      success: boolean;
      result: string;
    }>(
      `SELECT nodename, nodeport, shardid, success, result
         FROM run_command_on_placements($1::regclass,
              $$SELECT coalesce((SELECT CASE WHEN polpermissive THEN 'permissive' ELSE 'restrictive' END
                                   FROM pg_policy WHERE polrelid = '%s'::regclass AND polname = '${TENANT_GUARD_POLICY}'),
                                'missing')$$)`,
      [table],
    );
    for (const r of rows) {
      placements += 1;
      if (r.success && r.result === 'restrictive') continue;
      problems.push({
        table,
        shardId: Number(r.shardid),
        node: `${r.nodename}:${r.nodeport}`,
        found: !r.success ? 'unreadable' : r.result === 'missing' ? 'missing' : 'permissive',
        detail: r.result,
      });
    }
  }
  return { placements, problems };
}

/**
 * Re-create the tenant guard as RESTRICTIVE on every shard placement of every guarded table.
 * Idempotent; takes a short exclusive lock per shard. Returns the placements repaired.
 */
export async function restrictShardGuards(owner: pg.Pool): Promise<number> {
  let fixed = 0;
  const create = (relation: string): string =>
    `DROP POLICY IF EXISTS ${TENANT_GUARD_POLICY} ON ${relation}; ` +
    `CREATE POLICY ${TENANT_GUARD_POLICY} ON ${relation} AS RESTRICTIVE FOR ALL TO PUBLIC ` +
    `USING (${TENANT_GUARD_EXPRESSION}) WITH CHECK (${TENANT_GUARD_EXPRESSION})`;
  for (const table of await guardedTables(owner)) {
    const { rows } = await owner.query<{ success: boolean; result: string }>(
      `SELECT success, result FROM run_command_on_placements($1::regclass, $2)`,
      [table, `BEGIN; ${create('%1$s')}; COMMIT`],
    );
    const failed = rows.find((r) => !r.success);
    if (failed) throw new CitusError(`Could not restrict the guard of ${table}: ${failed.result}`);
    fixed += rows.length;
  }
  return fixed;
}

export function describeGuardProblems(problems: readonly GuardProblem[]): string {
  const shown = problems
    .slice(0, 5)
    .map((p) => `${p.table} shard ${p.shardId} on ${p.node}: ${p.found}`)
    .join('; ');
  return (
    `${problems.length} shard placement(s) do not have a RESTRICTIVE tenant guard (${shown}${
      problems.length > 5 ? '; ...' : ''
    }). Citus re-creates the guard as PERMISSIVE whenever it creates a shard (distribution, ` +
    `shard moves, splits, rebalancing), so one store's rows would be protected by a single ` +
    `policy only. Repair it with: npm run hq:cli -- citus guards --repair`
  );
}

/**
 * After migrating: every shard placement's tenant guard must be RESTRICTIVE. With `repair`
 * (the migrations just created shards: distribution, a new table) the guards Citus re-created
 * as PERMISSIVE are restored first; otherwise (shards moved or split since, outside `npm run
 * hq:cli -- citus ...`) HQ refuses to start and says why and how to repair.
 */
export async function ensureRestrictiveShardGuards(
  owner: pg.Pool,
  options: { repair: boolean; logger?: Logger },
): Promise<{ placements: number; repaired: number }> {
  const logger = options.logger ?? silentLogger;
  const first = await checkShardGuards(owner);
  if (first.problems.length === 0) return { placements: first.placements, repaired: 0 };
  if (!options.repair) throw new CitusError(describeGuardProblems(first.problems));
  const repaired = await restrictShardGuards(owner);
  const again = await checkShardGuards(owner);
  if (again.problems.length > 0) throw new CitusError(describeGuardProblems(again.problems));
  logger.info(
    { placements: again.placements, repaired },
    'tenant guards restored as RESTRICTIVE on the shards Citus created',
  );
  return { placements: again.placements, repaired };
}

export type ShardTransferMode = 'auto' | 'force_logical' | 'block_writes';

/**
 * Move the shards that hold a store to another worker. Citus moves a whole shard group: the
 * store's shards of every colocated table (its catalog, sales, feed, devices...), together with
 * the other stores that hash to the same shards. Then restores the tenant guards on the new
 * placements (Citus creates them PERMISSIVE). Superuser pool for the move, owner pool for the
 * guards. Nothing about the feed changes: its numbering lives in the store's rows.
 */
export async function moveStoreShards(
  pools: { admin: pg.Pool; owner: pg.Pool },
  options: { storeId: string; to: CitusNode; mode?: ShardTransferMode },
): Promise<{ shardId: number; from: CitusNode; to: CitusNode; moved: boolean }> {
  const { rows } = await pools.admin.query<{ shardid: number; nodename: string; nodeport: number }>(
    `SELECT s.shardid, s.nodename, s.nodeport
       FROM pg_catalog.citus_shards s
      WHERE s.shardid = get_shard_id_for_distribution_column('retail.products', $1::text)`,
    [options.storeId],
  );
  const placement = rows[0];
  if (!placement) throw new CitusError(`No shard placement found for store ${options.storeId}`);
  const from = { host: placement.nodename, port: Number(placement.nodeport) };
  const shardId = Number(placement.shardid);
  if (from.host === options.to.host && from.port === options.to.port) {
    return { shardId, from, to: options.to, moved: false };
  }
  await pools.admin.query(
    `SELECT citus_move_shard_placement($1, $2, $3, $4, $5, shard_transfer_mode => $6::citus.shard_transfer_mode)`,
    [
      shardId,
      from.host,
      from.port,
      options.to.host,
      options.to.port,
      options.mode ?? 'block_writes',
    ],
  );
  await restrictShardGuards(pools.owner);
  return { shardId, from, to: options.to, moved: true };
}

/** Even out shards over the workers (Citus's rebalancer), then restore the tenant guards. */
export async function rebalanceShards(
  pools: { admin: pg.Pool; owner: pg.Pool },
  options: { mode?: ShardTransferMode } = {},
): Promise<{ repaired: number }> {
  await pools.admin.query(
    `SELECT rebalance_table_shards(shard_transfer_mode => $1::citus.shard_transfer_mode)`,
    [options.mode ?? 'block_writes'],
  );
  return { repaired: await restrictShardGuards(pools.owner) };
}

export interface ClusterStatus {
  workers: Array<{ node: string; shards: number }>;
  distributedTables: number;
  referenceTables: number;
  shardsPerTable: number;
}

export async function clusterStatus(db: pg.Pool): Promise<ClusterStatus> {
  const { rows: tables } = await db.query<{ kind: string; n: number; shards: number }>(
    `SELECT citus_table_type AS kind, count(*)::int AS n, max(shard_count)::int AS shards
       FROM public.citus_tables GROUP BY 1`,
  );
  const { rows: nodes } = await db.query<{ node: string; shards: number }>(
    `SELECT w.node_name || ':' || w.node_port AS node,
            (SELECT count(*)::int FROM pg_catalog.citus_shards s
              WHERE s.nodename = w.node_name AND s.nodeport = w.node_port
                AND s.citus_table_type = 'distributed') AS shards
       FROM citus_get_active_worker_nodes() w ORDER BY 1`,
  );
  const distributed = tables.find((t) => t.kind === 'distributed');
  return {
    workers: nodes.map((n) => ({ node: n.node, shards: Number(n.shards) })),
    distributedTables: Number(distributed?.n ?? 0),
    referenceTables: Number(tables.find((t) => t.kind === 'reference')?.n ?? 0),
    shardsPerTable: Number(distributed?.shards ?? 0),
  };
}

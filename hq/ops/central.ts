/**
 * startCentral: everything HQ's services need from the database, in one call.
 *
 *   DATABASE_URL set  -> connect to that PostgreSQL (>= 15; the URL names a superuser)
 *   otherwise         -> start the embedded PostgreSQL on `dataDir` (default .data/hq/), or
 *                        connect to the one another process already runs there
 * then bootstrap roles and database (superuser), migrate (owner; db/central/migrate.ts), on a
 * Citus cluster check that every shard's tenant guard is restrictive (db/central/citus.ts;
 * refuses to start otherwise), create sales partitions ahead (owner), and return one pool per
 * role. The sync service builds on this: it uses `pools.app` with withTenant() for everything
 * it does on behalf of a device.
 */
import type { Logger } from '../../db/logger';
import { silentLogger } from '../../db/logger';
import { bootstrapCentral } from '../../db/central/bootstrap';
import { migrateCentral } from '../../db/central/migrate';
import { ensureRestrictiveShardGuards, isCitusDatabase } from '../../db/central/citus';
import {
  embeddedTarget,
  roleUrl,
  urlTarget,
  type CentralTarget,
  type RoleKey,
} from '../../db/central/connection';
import { ensureSalesPartitions, startPartitionMaintenance } from '../../db/central/partitions';
import { createCentralPools, endPools, type CentralPools } from '../../db/central/pool';
import { startEmbeddedServer, type EmbeddedServer } from './embedded-server';

export interface StartCentralOptions {
  /** Embedded server data directory (ignored when a database URL is used). */
  dataDir?: string | undefined;
  /** A superuser URL of another PostgreSQL >= 15. Default: process.env.DATABASE_URL. */
  databaseUrl?: string | undefined;
  /** Use the embedded server even if DATABASE_URL is set. */
  embedded?: boolean | undefined;
  /** Embedded server port (default: a free one). */
  port?: number | undefined;
  /** HQ database name (default: the URL's database, else "edgepos"). */
  database?: string | undefined;
  logger?: Logger | undefined;
  /** Embedded server durability (default true; tests pass false). */
  durable?: boolean | undefined;
  /** Run migrations (default true). */
  migrate?: boolean | undefined;
  /** Size of the app pool (default 10). */
  appPoolMax?: number | undefined;
  /**
   * How often to make sure sales partitions exist ahead while this process runs (default
   * 6 hours; 0 disables). The timer does not keep the process alive.
   */
  partitionMaintenanceMs?: number | undefined;
}

export interface Central {
  readonly mode: 'embedded' | 'url';
  readonly target: CentralTarget;
  readonly pools: CentralPools;
  /** The embedded server when this process started or reused one. */
  readonly server: EmbeddedServer | undefined;
  /** Connection URL for a role (passwords redacted unless asked). */
  url(role: RoleKey, options?: { redact?: boolean }): string;
  /** End the pools; stop the embedded server if this process started it. */
  stop(): Promise<void>;
}

export async function resolveTarget(
  options: Pick<
    StartCentralOptions,
    'dataDir' | 'databaseUrl' | 'embedded' | 'port' | 'database' | 'logger' | 'durable'
  >,
): Promise<{ target: CentralTarget; server: EmbeddedServer | undefined }> {
  // An empty URL (e.g. DATABASE_URL= in the environment) means none, like an unset one.
  const url = options.embedded ? undefined : options.databaseUrl || process.env.DATABASE_URL;
  if (url) {
    return {
      target: urlTarget(url, { database: options.database }),
      server: undefined,
    };
  }
  const server = await startEmbeddedServer({
    dataDir: options.dataDir,
    port: options.port,
    logger: options.logger,
    durable: options.durable,
  });
  return {
    target: embeddedTarget({
      port: server.port,
      superuser: server.superuser,
      database: options.database,
    }),
    server,
  };
}

export async function startCentral(options: StartCentralOptions = {}): Promise<Central> {
  const logger = options.logger ?? silentLogger;
  const { target, server } = await resolveTarget(options);
  let pools: CentralPools | undefined;
  try {
    await bootstrapCentral(target, { logger });
    pools = createCentralPools(target, { logger, appMax: options.appPoolMax });
    if (options.migrate !== false) {
      const result = await migrateCentral(pools.owner, { logger });
      logger.info({ version: result.version, applied: result.applied }, 'HQ schema migrated');
      if (await isCitusDatabase(pools.owner)) {
        // Migrations that just ran may have created shards: Citus gives them PERMISSIVE guards.
        await ensureRestrictiveShardGuards(pools.owner, {
          repair: result.applied.length > 0,
          logger,
        });
      }
      await ensureSalesPartitions(pools.owner);
    }
  } catch (error) {
    if (pools) await endPools(pools).catch(() => undefined);
    await server?.stop().catch(() => undefined);
    throw error;
  }
  const livePools = pools;
  const maintenanceMs = options.partitionMaintenanceMs ?? 6 * 60 * 60 * 1000;
  const stopMaintenance =
    options.migrate !== false && maintenanceMs > 0
      ? startPartitionMaintenance(livePools.owner, {
          intervalMs: maintenanceMs,
          logger,
          runNow: false,
        })
      : () => undefined;
  let stopping: Promise<void> | undefined;
  return {
    mode: server ? 'embedded' : 'url',
    target,
    pools: livePools,
    server,
    url: (role, opts = {}) => roleUrl(target, role, { redact: opts.redact ?? true }),
    stop: () => {
      stopping ??= (async () => {
        stopMaintenance();
        await endPools(livePools);
        await server?.stop();
      })();
      return stopping;
    },
  };
}

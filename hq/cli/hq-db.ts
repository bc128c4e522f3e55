/**
 * HQ database operations.
 *
 *   npm run hq:db                                  start the embedded server, migrate, wait
 *   npm run hq:cli -- migrate up|down --to N|status
 *   npm run hq:cli -- seed --products 500 --customers 2000 --sales 5000 --seed 42
 *   npm run hq:cli -- backup hq.dump
 *   npm run hq:cli -- restore hq.dump --into edgepos_restored
 *   npm run hq:cli -- partitions list|ensure|prune --keep-months 24
 *   npm run hq:cli -- monitor slow|tables|indexes
 *   npm run hq:cli -- citus status|guards [--repair]|move-store <store> <host:port>|rebalance
 *
 * Every command uses DATABASE_URL when set (a superuser URL), else the embedded server in
 * --data-dir (default .data/hq/): it connects to the server `db start` runs there, or starts
 * one for the duration of the command.
 */
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import type { Logger } from '../../db/logger';
import { backupDatabase, restoreDatabase } from '../ops/backup';
import { bootstrapCentral } from '../../db/central/bootstrap';
import {
  centralMigrationStatus,
  migrateCentral,
  migrateCentralDown,
} from '../../db/central/migrate';
import {
  resolveTarget,
  startCentral,
  type Central,
  type StartCentralOptions,
} from '../ops/central';
import {
  checkShardGuards,
  clusterStatus,
  describeGuardProblems,
  moveStoreShards,
  rebalanceShards,
  restrictShardGuards,
} from '../../db/central/citus';
import { parseCitusWorkers, roleUrl } from '../../db/central/connection';
import {
  ensureSalesPartitions,
  listSalesPartitions,
  pruneSalesPartitions,
} from '../../db/central/partitions';
import { pgQueryable } from '../../db/central/pool';
import { slowQueries, tableStats, unusedIndexes } from '../../db/central/queries/monitoring';
import { seedCentral } from '../../db/seed/write-central';
import { getErrorMessage } from '../../contract/errors';

interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
  port?: number;
  json?: boolean;
  verbose?: boolean;
}

function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0');
  return n;
}

const program = new Command()
  .name('hq')
  .description('Edge POS HQ database: embedded PostgreSQL, migrations, seed, backups, partitions')
  .option('--data-dir <dir>', 'embedded server data directory (default .data/hq)')
  .option(
    '--database-url <url>',
    'superuser URL of another PostgreSQL >= 15 (default $DATABASE_URL)',
  )
  .option('--port <port>', 'embedded server port (default: a free port)', intArg)
  .option('--json', 'print results as JSON')
  .option('-v, --verbose', 'debug logging');

function globals(): GlobalOptions {
  return program.opts<GlobalOptions>();
}

function makeLogger(): Logger {
  return pino({ level: globals().verbose ? 'debug' : 'info' }, pino.destination(2));
}

function centralOptions(logger: Logger): StartCentralOptions {
  const g = globals();
  return { logger, dataDir: g.dataDir, databaseUrl: g.databaseUrl, port: g.port };
}

function print(value: unknown, text: () => string): void {
  process.stdout.write(globals().json ? `${JSON.stringify(value)}\n` : `${text()}\n`);
}

async function withCentral<T>(
  fn: (central: Central, logger: Logger) => Promise<T>,
  options: { migrate?: boolean } = {},
): Promise<T> {
  const logger = makeLogger();
  const central = await startCentral({ ...centralOptions(logger), ...options });
  try {
    return await fn(central, logger);
  } finally {
    await central.stop();
  }
}

const db = program.command('db').description('the HQ database server');

db.command('start')
  .description(
    'start the embedded server (or connect to DATABASE_URL), bootstrap, migrate, and wait',
  )
  .option('--show-passwords', 'print role URLs with their passwords')
  .action(async (opts: { showPasswords?: boolean }) => {
    const logger = makeLogger();
    const central = await startCentral(centralOptions(logger));
    const redact = !opts.showPasswords;
    const urls = {
      admin: roleUrl(central.target, 'admin', { redact }),
      owner: roleUrl(central.target, 'owner', { redact }),
      app: roleUrl(central.target, 'app', { redact }),
      reporting: roleUrl(central.target, 'reporting', { redact }),
    };
    print({ mode: central.mode, urls }, () =>
      [
        `HQ database ready (${central.mode}${central.server?.reused ? ', already running' : ''})`,
        ...Object.entries(urls).map(([role, url]) => `  ${role.padEnd(9)} ${url}`),
        central.server && !central.server.reused ? 'Press Ctrl-C to stop.' : '',
      ].join('\n'),
    );
    if (!central.server || central.server.reused) {
      await central.stop();
      return;
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await central.stop();
  });

db.command('bootstrap')
  .description('create or repair the roles and the database (superuser)')
  .action(async () => {
    const logger = makeLogger();
    const { target, server } = await resolveTarget(centralOptions(logger));
    try {
      const result = await bootstrapCentral(target, { logger });
      print(result, () => `Bootstrap done: ${JSON.stringify(result)}`);
    } finally {
      await server?.stop();
    }
  });

const migrate = program.command('migrate').description('central schema migrations');
migrate
  .command('up')
  .option('--to <version>', 'stop at this version', intArg)
  .action((opts: { to?: number }) =>
    withCentral(
      async (central, logger) => {
        const result = await migrateCentral(central.pools.owner, { logger, to: opts.to });
        print(
          result,
          () => `At version ${result.version}; applied ${result.applied.join(', ') || 'nothing'}`,
        );
      },
      { migrate: false },
    ),
  );
migrate
  .command('down')
  .requiredOption('--to <version>', 'roll back to this version (0 = empty)', intArg)
  .action((opts: { to: number }) =>
    withCentral(
      async (central, logger) => {
        const result = await migrateCentralDown(central.pools.owner, { to: opts.to, logger });
        print(
          result,
          () => `At version ${result.version}; reverted ${result.applied.join(', ') || 'nothing'}`,
        );
      },
      { migrate: false },
    ),
  );
migrate.command('status').action(() =>
  withCentral(
    async (central) => {
      const status = await centralMigrationStatus(central.pools.owner);
      print(status, () =>
        [
          `Version ${status.version}`,
          ...status.applied.map(
            (a) => `  applied ${a.version} ${a.name} ${a.appliedAt.toISOString()}`,
          ),
          ...status.pending.map((v) => `  pending ${v}`),
        ].join('\n'),
      );
    },
    { migrate: false },
  ),
);

program
  .command('seed')
  .description(
    'write the sample chain (stores, catalog, customers, staff, stock, sales) through ingest',
  )
  .option('--products <n>', 'products per store', intArg, 500)
  .option('--customers <n>', 'customers across the chain', intArg, 2000)
  .option('--sales <n>', 'historical sales across the chain', intArg, 5000)
  .option('--days <n>', 'spread sales over this many days', intArg, 90)
  .option('--seed <n>', 'random seed', intArg, 42)
  .action(
    (opts: { products: number; customers: number; sales: number; days: number; seed: number }) =>
      withCentral(async (central, logger) => {
        let last = 0;
        const result = await seedCentral({
          owner: central.pools.owner,
          app: central.pools.app,
          seed: opts.seed,
          products: opts.products,
          customers: opts.customers,
          sales: opts.sales,
          days: opts.days,
          onProgress: (stage, done, total) => {
            const now = Date.now();
            if (done === total || now - last > 1000) {
              last = now;
              logger.info({ stage, done, total }, 'seeding');
            }
          },
        });
        print(result, () => `Seeded: ${JSON.stringify(result)}`);
      }),
  );

program
  .command('backup <file>')
  .description('pg_dump --format=custom of the HQ database')
  .action((file: string) =>
    withCentral(async (central, logger) => {
      const result = await backupDatabase({ target: central.target, file, logger });
      print(result, () => `Backup ${result.file}: ${result.bytes} bytes of ${result.database}`);
    }),
  );

program
  .command('restore <file>')
  .description('pg_restore a backup into a new database')
  .requiredOption('--into <database>', 'name of the new database')
  .action((file: string, opts: { into: string }) =>
    withCentral(async (central, logger) => {
      const result = await restoreDatabase({
        target: central.target,
        file,
        into: opts.into,
        logger,
      });
      print(result, () => `Restored ${file} into ${result.database}`);
    }),
  );

const partitions = program.command('partitions').description('monthly sales partitions');
partitions.command('list').action(() =>
  withCentral(async (central) => {
    const months = await listSalesPartitions(central.pools.owner);
    print(months, () => months.map((m) => `${m.month}  ${m.partitions} tables`).join('\n'));
  }),
);
partitions
  .command('ensure')
  .description('create missing month partitions around now')
  .option('--behind <months>', 'months before the current one', intArg, 1)
  .option('--ahead <months>', 'months after the current one', intArg, 3)
  .action((opts: { behind: number; ahead: number }) =>
    withCentral(async (central) => {
      const created = await ensureSalesPartitions(central.pools.owner, {
        monthsBehind: opts.behind,
        monthsAhead: opts.ahead,
      });
      print({ created }, () => `Created ${created} partitions`);
    }),
  );
partitions
  .command('prune')
  .description('drop month partitions older than the current month and --keep-months before it')
  .requiredOption('--keep-months <n>', 'months to keep before the current one', intArg)
  .action((opts: { keepMonths: number }) =>
    withCentral(async (central, logger) => {
      const result = await pruneSalesPartitions(central.pools.owner, {
        keepMonths: opts.keepMonths,
        logger,
      });
      print(
        result,
        () => `Cutoff ${result.cutoff}; dropped ${result.dropped.join(', ') || 'nothing'}`,
      );
    }),
  );

const monitor = program.command('monitor').description('monitoring views');
monitor
  .command('slow')
  .option('--min-mean-ms <ms>', 'threshold', intArg, 100)
  .action((opts: { minMeanMs: number }) =>
    withCentral(async (central) => {
      const result = await slowQueries(pgQueryable(central.pools.reporting), {
        minMeanMs: opts.minMeanMs,
      });
      print(result, () =>
        result.available
          ? result.rows
              .map((r) => `${r.meanExecMs.toFixed(1)} ms x${r.calls}  ${r.query.slice(0, 120)}`)
              .join('\n') || 'No statement is that slow.'
          : result.message,
      );
    }),
  );
monitor.command('tables').action(() =>
  withCentral(async (central) => {
    const rows = await tableStats(pgQueryable(central.pools.reporting));
    print(rows, () =>
      rows
        .map(
          (r) =>
            `${r.tableName.padEnd(40)} ${r.totalSize.padStart(10)} ${String(r.liveRows ?? '').padStart(10)} rows`,
        )
        .join('\n'),
    );
  }),
);
monitor.command('indexes').action(() =>
  withCentral(async (central) => {
    const rows = await unusedIndexes(pgQueryable(central.pools.reporting));
    print(
      rows,
      () => rows.map((r) => `${r.indexName.padEnd(50)} ${r.indexSize}`).join('\n') || 'None.',
    );
  }),
);

const citus = program
  .command('citus')
  .description('HQ on a Citus cluster (DATABASE_URL = coordinator, EDGEPOS_CITUS_WORKERS)');
citus.command('status').action(() =>
  withCentral(
    async (central) => {
      const status = await clusterStatus(central.pools.owner);
      print(status, () =>
        [
          `${status.distributedTables} distributed tables (${status.shardsPerTable} shards each), ${status.referenceTables} reference tables`,
          ...status.workers.map((w) => `  ${w.node.padEnd(24)} ${w.shards} shards`),
        ].join('\n'),
      );
    },
    { migrate: false },
  ),
);
citus
  .command('guards')
  .description("check every shard's tenant guard is RESTRICTIVE (Citus re-creates it PERMISSIVE)")
  .option('--repair', 're-create the guards as RESTRICTIVE where they are not')
  .action((opts: { repair?: boolean }) =>
    withCentral(
      async (central) => {
        let result = await checkShardGuards(central.pools.owner);
        let repaired = 0;
        if (opts.repair && result.problems.length > 0) {
          repaired = await restrictShardGuards(central.pools.owner);
          result = await checkShardGuards(central.pools.owner);
        }
        print({ ...result, repaired }, () =>
          result.problems.length === 0
            ? `All ${result.placements} shard placements have a RESTRICTIVE tenant guard${repaired ? ` (${repaired} re-created)` : ''}.`
            : describeGuardProblems(result.problems),
        );
        if (result.problems.length > 0) process.exitCode = 1;
      },
      { migrate: false },
    ),
  );
citus
  .command('move-store <store> <node>')
  .description("move the shard group holding a store's rows to a worker (host:port)")
  .action((storeId: string, node: string) =>
    withCentral(
      async (central) => {
        const [to] = parseCitusWorkers(node) ?? [];
        if (!to) throw new InvalidArgumentError('expected host:port');
        const result = await moveStoreShards(central.pools, { storeId, to });
        print(result, () =>
          result.moved
            ? `Shard group ${result.shardId} moved from ${result.from.host}:${result.from.port} to ${node}; guards restored.`
            : `Store ${storeId} is already on ${node}.`,
        );
      },
      { migrate: false },
    ),
  );
citus
  .command('rebalance')
  .description('even out shards over the workers, then restore the tenant guards')
  .action(() =>
    withCentral(
      async (central) => {
        const result = await rebalanceShards(central.pools);
        print(result, () => `Rebalanced; ${result.repaired} guard placements restored.`);
      },
      { migrate: false },
    ),
  );

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${getErrorMessage(error)}\n`);
  process.exit(1);
});

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
 * one for the duration of the command. The commands live in hq/cli/hq-db/, one module per
 * group; what they share (global options, printing, `withCentral`) in hq-db/context.ts.
 */
import { Command } from 'commander';
import { getErrorMessage } from '../../contract/errors';
import { citusCommands } from './hq-db/citus';
import { hqDbCli, intArg } from './hq-db/context';
import { dataCommands } from './hq-db/data';
import { migrateCommands } from './hq-db/migrate';
import { monitorCommands } from './hq-db/monitor';
import { partitionCommands } from './hq-db/partitions';
import { serverCommands } from './hq-db/server';

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

const cli = hqDbCli(program);
// In this order, so `--help` lists the groups as before.
serverCommands(program, cli);
migrateCommands(program, cli);
dataCommands(program, cli);
partitionCommands(program, cli);
monitorCommands(program, cli);
citusCommands(program, cli);

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${getErrorMessage(error)}\n`);
  process.exit(1);
});

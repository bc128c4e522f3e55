/**
 * `hq seed|backup|restore`: the sample chain written through ingest, and pg_dump backups.
 */
import type { Command } from 'commander';
import { seedCentral } from '../../../db/seed/write-central';
import { backupDatabase, restoreDatabase } from '../../ops/backup';
import { intArg, type HqDbCli } from './context';

export function dataCommands(program: Command, cli: HqDbCli): void {
  const { print, withCentral } = cli;
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
}

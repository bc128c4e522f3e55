/**
 * `hq partitions list|ensure|prune`: the monthly partitions of HQ's sales tables.
 */
import type { Command } from 'commander';
import {
  ensureSalesPartitions,
  listSalesPartitions,
  pruneSalesPartitions,
} from '../../../db/central/partitions';
import { intArg, type HqDbCli } from './context';

export function partitionCommands(program: Command, cli: HqDbCli): void {
  const { print, withCentral } = cli;
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
}

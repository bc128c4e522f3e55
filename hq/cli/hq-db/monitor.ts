/**
 * `hq monitor slow|tables|indexes`: the monitoring views, read as the reporting role.
 */
import type { Command } from 'commander';
import { pgQueryable } from '../../../db/central/pool';
import { slowQueries, tableStats, unusedIndexes } from '../../../db/central/queries/monitoring';
import { intArg, type HqDbCli } from './context';

export function monitorCommands(program: Command, cli: HqDbCli): void {
  const { print, withCentral } = cli;
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
}

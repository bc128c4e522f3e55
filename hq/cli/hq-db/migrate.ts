/**
 * `hq migrate up|down|status`: the central schema migrations.
 */
import type { Command } from 'commander';
import {
  centralMigrationStatus,
  migrateCentral,
  migrateCentralDown,
} from '../../../db/central/migrate';
import { intArg, type HqDbCli } from './context';

export function migrateCommands(program: Command, cli: HqDbCli): void {
  const { print, withCentral } = cli;
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
            () =>
              `At version ${result.version}; reverted ${result.applied.join(', ') || 'nothing'}`,
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
}

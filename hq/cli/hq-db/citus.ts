/**
 * `hq citus status|guards|move-store|rebalance`: HQ on a Citus cluster (DATABASE_URL = the
 * coordinator, EDGEPOS_CITUS_WORKERS the workers).
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  checkShardGuards,
  clusterStatus,
  describeGuardProblems,
  moveStoreShards,
  rebalanceShards,
  restrictShardGuards,
} from '../../../db/central/citus';
import { parseCitusWorkers } from '../../../db/central/connection';
import type { HqDbCli } from './context';

export function citusCommands(program: Command, cli: HqDbCli): void {
  const { print, withCentral } = cli;
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
}

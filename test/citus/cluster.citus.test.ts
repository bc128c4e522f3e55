/**
 * HQ on a real Citus cluster (`npm run test:citus` only): the schema is distributed as
 * docs/scaling.md says, every shard's tenant guard is RESTRICTIVE (Citus 13.2 re-creates it
 * PERMISSIVE, HQ restores it and refuses to start while it is not), and moving a store's shards
 * to another worker changes nothing for its tills: same feed, no download, same isolation.
 * The other suites (isolation, ingest, rollups, sync faults) run unchanged on the same cluster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkShardGuards,
  ensureRestrictiveShardGuards,
  restrictShardGuards,
} from '../../db/central/citus';
import { roleUrl } from '../../db/central/connection';
import { withTenant } from '../../db/central/tenant';
import { startCentral } from '../../hq/ops/central';
import { startFaultProxy, type FaultProxy } from '../sync/fault-proxy';
import {
  catalogChecksums,
  eventually,
  hqChecksums,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from '../sync/harness';
import { centralTestServer } from '../setup/central-db';

let hq: TestHq;
let proxy: FaultProxy | undefined;
const tills: TestTillHandle[] = [];

beforeAll(async () => {
  expect(centralTestServer().mode).toBe('citus');
  hq = await startTestHq({ seed: { products: 30, customers: 20, sales: 40 } });
});

afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  await proxy?.close();
  await hq?.close();
});

describe('distribution', () => {
  it('every tenant table is distributed by store_id, colocated; shared tables are reference tables', async () => {
    const { rows: tables } = await hq.db.pools.reporting.query<{
      table_name: string;
      citus_table_type: string;
      distribution_column: string;
      colocation_id: number;
    }>(
      // Month partitions are distributed with their parent: not listed separately.
      `SELECT t.table_name, t.citus_table_type, t.distribution_column, t.colocation_id
         FROM monitoring.citus_tables t JOIN pg_class c ON c.oid = t.table_name::regclass
        WHERE NOT c.relispartition ORDER BY t.table_name`,
    );
    const { rows: tenant } = await hq.db.pools.admin.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND n.nspname IN ('retail', 'sync')
          AND c.relname <> 'stores'
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'store_id')
        ORDER BY 1`,
    );
    const distributed = tables.filter((t) => t.citus_table_type === 'distributed');
    expect(distributed.map((t) => t.table_name).sort()).toEqual(tenant.map((t) => t.name).sort());
    expect(new Set(distributed.map((t) => t.distribution_column))).toEqual(new Set(['store_id']));
    expect(new Set(distributed.map((t) => Number(t.colocation_id))).size).toBe(1);
    expect(
      tables
        .filter((t) => t.citus_table_type === 'reference')
        .map((t) => t.table_name)
        .sort(),
    ).toEqual([
      'retail.product_categories',
      'retail.sales_retention',
      'retail.stored_value_cards',
      'retail.stores',
    ]);
  });

  it('every shard placement has a RESTRICTIVE tenant guard', async () => {
    const { placements, problems } = await checkShardGuards(hq.db.pools.owner);
    const { rows } = await hq.db.pools.owner.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_catalog.citus_shards s
        WHERE s.citus_table_type = 'distributed'
          AND EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = s.table_name AND p.polname = 'tenant_guard')`,
    );
    expect(placements).toBe(Number(rows[0]!.n));
    expect(placements).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });

  it('HQ starts again on its cluster database: the bootstrap is idempotent on every node', async () => {
    // Failed before: the bootstrap's CREATE EXTENSION IF NOT EXISTS pg_stat_statements on a
    // worker that already has citus ("operation is not allowed on this node").
    const again = await startCentral({
      databaseUrl: roleUrl(hq.db.target, 'admin', { redact: false }),
      partitionMaintenanceMs: 0,
    });
    try {
      expect((await checkShardGuards(again.pools.owner)).problems).toEqual([]);
    } finally {
      await again.stop();
    }
  });

  it('numbers transactions on every node separately: why the feed does not use transaction IDs', async () => {
    const { rows } = await hq.db.pools.admin.query<{ result: string }>(
      `SELECT result FROM run_command_on_workers('SELECT pg_current_xact_id()::text')`,
    );
    const coordinator = await hq.db.pools.admin.query<{ xid: string }>(
      `SELECT pg_current_xact_id()::text AS xid`,
    );
    const counters = new Set([coordinator.rows[0]!.xid, ...rows.map((r) => r.result)]);
    // Three independent counters: an entry's transaction ID from one node says nothing about
    // another node's snapshot.
    expect(counters.size).toBe(3);
  });
});

describe('monitoring and functions', () => {
  it('the reporting role sees where every shard is and statements per store (monitoring views)', async () => {
    await withTenant(hq.db.pools.app, 'bellevue', (tx) =>
      tx.query(`SELECT count(*) FROM retail.products WHERE store_id = $1`, ['bellevue']),
    );
    const { rows: shards } = await hq.db.pools.reporting.query<{
      nodename: string;
      nodeport: number;
      shard_size: string;
    }>(
      `SELECT nodename, nodeport, shard_size FROM monitoring.citus_shards
        WHERE shardid = get_shard_id_for_distribution_column('retail.products', 'bellevue')`,
    );
    const { rows: workers } = await hq.db.pools.admin.query<{ node: string }>(
      `SELECT node_name || ':' || node_port AS node FROM citus_get_active_worker_nodes()`,
    );
    expect(shards).toHaveLength(1);
    expect(workers.map((w) => w.node)).toContain(`${shards[0]!.nodename}:${shards[0]!.nodeport}`);
    expect(Number(shards[0]!.shard_size)).toBeGreaterThan(0);
    // citus_stat_statements: the routed query, attributed to its store and the adaptive executor.
    const { rows: statements } = await hq.db.pools.reporting.query<{
      store_id: string;
      executor: string;
      calls: number;
    }>(
      `SELECT store_id, executor, calls FROM monitoring.citus_statements
        WHERE query LIKE 'SELECT count(*) FROM retail.products WHERE store_id = $1%'`,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({ store_id: 'bellevue', executor: 'adaptive' }),
    );
  });

  it('distributes no function by a store argument: no HQ function takes one (docs/scaling.md)', async () => {
    // Citus's function call delegation (create_distributed_function with a distribution
    // argument) only helps a function called with the store's key whose body touches that
    // store's shards. The functions Citus propagated to the workers are the row triggers'
    // (they already run on the shard); none has a distribution argument.
    const { rows } = await hq.db.pools.admin.query<{ fn: string; arg: number | null }>(
      `SELECT objid::regprocedure::text AS fn, distribution_argument_index AS arg
         FROM pg_catalog.pg_dist_object
         JOIN pg_proc p ON p.oid = objid
        WHERE classid = 'pg_proc'::regclass
          AND p.pronamespace IN ('retail'::regnamespace, 'sync'::regnamespace)
        ORDER BY 1`,
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.arg !== null)).toEqual([]);
  });
});

describe("moving a store's shards to another worker", () => {
  it('leaves PERMISSIVE guards behind (Citus), which HQ refuses to start with, and repairs', async () => {
    const { rows } = await hq.db.pools.admin.query<{
      shardid: number;
      nodename: string;
      nodeport: number;
    }>(
      `SELECT shardid, nodename, nodeport FROM pg_catalog.citus_shards
        WHERE shardid = get_shard_id_for_distribution_column('retail.products', 'redmond')`,
    );
    const from = rows[0]!;
    const { rows: workers } = await hq.db.pools.admin.query<{
      node_name: string;
      node_port: number;
    }>(
      `SELECT node_name, node_port FROM citus_get_active_worker_nodes()
        WHERE NOT (node_name = $1 AND node_port = $2)`,
      [from.nodename, from.nodeport],
    );
    const to = workers[0]!;
    // A move made outside HQ's tooling (the Citus function itself).
    await hq.db.pools.admin.query(
      `SELECT citus_move_shard_placement($1, $2, $3, $4, $5, shard_transfer_mode => 'block_writes')`,
      [from.shardid, from.nodename, from.nodeport, to.node_name, to.node_port],
    );
    const after = await checkShardGuards(hq.db.pools.owner);
    // Citus 13.2: every moved shard's guard came back PERMISSIVE.
    expect(after.problems.length).toBeGreaterThan(0);
    expect(new Set(after.problems.map((p) => p.found))).toEqual(new Set(['permissive']));
    expect(new Set(after.problems.map((p) => p.node))).toEqual(
      new Set([`${to.node_name}:${to.node_port}`]),
    );
    // startCentral's check, on a start that migrated nothing: refuse, with the reason.
    await expect(
      ensureRestrictiveShardGuards(hq.db.pools.owner, { repair: false }),
    ).rejects.toThrow(/RESTRICTIVE tenant guard[\s\S]*citus guards --repair/);
    // And HQ itself: a start against this database refuses, naming a moved placement.
    await expect(
      startCentral({
        databaseUrl: roleUrl(hq.db.target, 'admin', { redact: false }),
        partitionMaintenanceMs: 0,
      }),
    ).rejects.toThrow(
      new RegExp(
        `RESTRICTIVE tenant guard \\(.* on ${to.node_name}:${to.node_port}: permissive[\\s\\S]*citus guards --repair`,
      ),
    );
    expect(await restrictShardGuards(hq.db.pools.owner)).toBeGreaterThan(0);
    expect((await checkShardGuards(hq.db.pools.owner)).problems).toEqual([]);
  });

  it("the store's tills keep their feed: no download, later changes and pushes arrive, isolation holds", async () => {
    proxy = await startFaultProxy({ target: hq.url, seed: 1701 });
    const till = await openSyncTill({
      url: proxy.url,
      code: await hq.code('seattle', 'R01'),
      storeId: 'seattle',
      client: { tuning: { pullWaitMs: 500 } },
    });
    tills.push(till);
    const inSync = () =>
      eventually(
        async () => {
          await till.client.syncNow();
          expect(await catalogChecksums(till.store.db, 'seattle')).toEqual(
            await hqChecksums(hq, 'seattle'),
          );
        },
        { timeoutMs: 240_000, intervalMs: 200 },
      );
    await ringSale(till, { lines: 2 });
    await inSync();
    const cursor = async (): Promise<string> =>
      (await till.store.db.query<{ c: string }>(`SELECT pull_cursor AS c FROM pos.sync_state`))
        .rows[0]!.c;
    const before = await cursor();
    const snapshots = proxy.stats.requests['/v1/snapshot'] ?? 0;

    const { moveStoreShards } = await import('../../db/central/citus');
    const { rows: workers } = await hq.db.pools.admin.query<{
      node_name: string;
      node_port: number;
    }>(
      `SELECT w.node_name, w.node_port FROM citus_get_active_worker_nodes() w
        WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.citus_shards s
                           WHERE s.shardid = get_shard_id_for_distribution_column('retail.products', 'seattle')
                             AND s.nodename = w.node_name AND s.nodeport = w.node_port)`,
    );
    const moved = await moveStoreShards(hq.db.pools, {
      storeId: 'seattle',
      to: { host: workers[0]!.node_name, port: Number(workers[0]!.node_port) },
    });
    expect(moved.moved).toBe(true);
    expect((await checkShardGuards(hq.db.pools.owner)).problems).toEqual([]);

    const { rows } = await till.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 1`,
    );
    expect(
      (
        await hq.admin('PATCH', `/stores/seattle/products/${rows[0]!.product_id}`, {
          priceCents: 4_321,
        })
      ).status,
    ).toBe(200);
    const sale = await ringSale(till, { lines: 1, offset: 3 });
    await inSync();
    await eventually(async () => expect((await till.client.status()).pendingCount).toBe(0));
    const after = await cursor();
    expect(after.split('.')[1]).toBe(before.split('.')[1]);
    expect(Number(after.split('.')[3])).toBeGreaterThan(Number(before.split('.')[3]));
    expect(proxy.stats.requests['/v1/snapshot'] ?? 0).toBe(snapshots);
    // The sale is at HQ, on the new node, and only seattle's rows are visible to seattle.
    const seen = await withTenant(hq.db.pools.app, 'seattle', async (tx) => {
      const mine = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM retail.sales_transactions WHERE transaction_id = $1`,
        [sale.receipt.transactionId],
      );
      const stores = await tx.query<{ store_id: string }>(
        `SELECT DISTINCT store_id FROM retail.sales_transactions`,
      );
      return { mine: Number(mine.rows[0]!.n), stores: stores.rows.map((r) => r.store_id) };
    });
    expect(seen).toEqual({ mine: 1, stores: ['seattle'] });
  });
});

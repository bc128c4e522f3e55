/**
 * `npm run bench -- --only topology --json` (also part of the full bench; `npm run test:citus`
 * runs it last): push throughput and feed latency of HQ on a Citus cluster and on one
 * PostgreSQL server, in the same run on the same machine. The suite starts both itself, with
 * this machine's PostgreSQL 15 and Citus build (test/citus/cluster.ts), durable (fsync and
 * synchronous commit on, as in production): a coordinator and two workers, and one plain
 * server with the same settings. Without Citus it measures nothing and says why
 * (`topology.skipped`). Figures:
 *
 *   <topology>.push_rows_per_s              sale items/s, one till per store, four stores
 *   <topology>.push_one_store_rows_per_s    sale items/s, eight tills of ONE store at once:
 *                                           they serialise on the store's feed counter (and on
 *                                           its stock and rollup rows)
 *   <topology>.feed_append_ms               mean time of the feed append (the statement that
 *                                           takes the store's counter under its row lock,
 *                                           lock waits included) during that phase {mean,calls}
 *   <topology>.push_ms                      one 250-sale push request during that phase {p50,p95}
 *   <topology>.price_change_visible_ms      admin price change until a long-polling till's pull
 *                                           returns it {p50,p95}
 *   citus.move_store_s                      moving the shard group of a store to the other
 *                                           worker (block_writes), while its tills sync
 *   citus.push_during_move_ms               one till's 50-sale pushes meanwhile {p50,max}: how
 *                                           long a till waits while its store's shards move
 *   citus.price_change_during_move_ms       price changes of that store (one every 250 ms) until
 *                                           another of its tills, long-polling, has them
 *                                           {p50,max,n}: the feed's pause
 *   citus.resyncs_during_move               resync_required answers that till got (it would
 *                                           download the catalog again): 0 expected
 *   citus.feed_epoch_changes_during_move    1 if its cursor's feed epoch changed (a reset), else 0
 *
 * <topology> is `single` or `citus`. Each gets a database of its own, seeded the same way, with
 * HQ's service in this process. The cluster uses Citus's default of 32 shards per table.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { dropThrowAwayDatabase } from '../db/central/bootstrap';
import { roleUrl, urlTarget } from '../db/central/connection';
import { chainStores } from '../db/seed/chain';
import { generateCatalog, toProductEntity } from '../db/seed/catalog';
import { startHq, type Hq } from '../hq/start';
import { citusInstallation, startCitusCluster, startPlainServer } from '../test/citus/cluster';
import { round, summary } from './stats';
import type { BenchContext, Figures, Suite } from './suite';
import { salesFor, type Catalogs } from './sync-chain';
import { admin, enrolled, pushAll, type Run, type Sizes } from './topology-hq';
import { moveWhileSyncing } from './topology-move';

const PRODUCTS = 300;
const SEED = 42;
/** Citus's default: what a production cluster would have. */
const SHARD_COUNT = '32';

const FULL: Sizes = {
  salesPerStoreTill: 2_000,
  salesPerCrowdTill: 1_000,
  salesDuringMove: 6_000,
  priceChanges: 30,
};
const QUICK: Sizes = {
  salesPerStoreTill: 200,
  salesPerCrowdTill: 100,
  salesDuringMove: 1_500,
  priceChanges: 5,
};

interface Topology {
  name: 'single' | 'citus';
  url: string;
  env: NodeJS.ProcessEnv;
}

async function measure(topology: Topology, run: Run): Promise<Figures> {
  const database = `edgepos_bench_${randomBytes(3).toString('hex')}`;
  const target = urlTarget(topology.url, { database, env: topology.env });
  const dataDir = await mkdtemp(join(tmpdir(), 'edge-pos-topology-'));
  const saved = { ...process.env };
  Object.assign(process.env, topology.env);
  let hq: Hq | undefined;
  try {
    run.log(`${topology.name}: HQ on ${database} (seeding ${PRODUCTS} products per store)`);
    hq = await startHq({
      dataDir,
      databaseUrl: roleUrl(target, 'admin', { redact: false }),
      // The customers and catalog salesFor() draws from (bench/sync.ts: seed 42, 400 customers).
      seed: { seed: SEED, products: PRODUCTS, customers: 400, sales: 0 },
      embeddings: false,
      adminToken: 'topology-admin-token-0123456789',
      logger: pino({ level: 'warn' }, pino.destination(2)),
      appPoolMax: 24,
      maxConcurrentPushes: 12,
    });
    const catalog = generateCatalog({ seed: SEED, products: PRODUCTS }).map(toProductEntity);
    const catalogs: Catalogs = new Map(chainStores().map((s) => [s.storeId, catalog]));

    // One till per store.
    const spread = [];
    for (const [i, storeId] of ['seattle', 'redmond', 'bellevue', 'online'].entries()) {
      const registerId = `S${i}`;
      spread.push({
        till: await enrolled(hq, storeId, registerId),
        sales: salesFor({
          catalogs,
          storeId,
          registerId,
          count: run.sizes.salesPerStoreTill,
          seed: 10 + i,
        }),
      });
    }
    const spreadRate = await pushAll(spread, 500, []);
    run.log(`${topology.name}: ${spreadRate} items/s, one till per store`);

    // Eight tills of one store.
    const crowd = [];
    for (let i = 0; i < 8; i++) {
      const registerId = `C${i}`;
      crowd.push({
        till: await enrolled(hq, 'bellevue', registerId),
        sales: salesFor({
          catalogs,
          storeId: 'bellevue',
          registerId,
          count: run.sizes.salesPerCrowdTill,
          seed: 50 + i,
        }),
      });
    }
    const statsReady = await hq.central.pools.admin.query(`SELECT pg_stat_statements_reset()`).then(
      () => true,
      () => false,
    );
    const pushMs: number[] = [];
    const crowdRate = await pushAll(crowd, 250, pushMs);
    run.log(`${topology.name}: ${crowdRate} items/s, eight tills of one store`);
    let append: Record<string, number> = {};
    if (statsReady) {
      const { rows } = await hq.central.pools.admin.query<{ mean: number; calls: number }>(
        `SELECT sum(total_exec_time) / nullif(sum(calls), 0) AS mean, sum(calls)::int AS calls
           FROM pg_stat_statements
          WHERE query LIKE 'WITH counter AS (%INSERT INTO sync.feed_state%'`,
      );
      append = { mean: round(Number(rows[0]?.mean ?? 0), 2), calls: Number(rows[0]?.calls ?? 0) };
    }

    // Feed latency: a till long-polls; HQ staff change a price.
    const watcher = await enrolled(hq, 'redmond', 'W1');
    let { cursor } = await watcher.download();
    const samples: number[] = [];
    for (let i = 0; i < run.sizes.priceChanges; i++) {
      const product = catalog[(i * 11) % catalog.length]!;
      const cents = 50_000 + i;
      const waiting = (async () => {
        for (;;) {
          const page = await watcher.pull(cursor, 10_000);
          cursor = page.cursor;
          if (
            page.changes.products.some(
              (p) => p.productId === product.productId && p.priceCents === cents,
            )
          ) {
            return performance.now();
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      const started = performance.now();
      await admin(hq, 'PATCH', `/stores/redmond/products/${product.productId}`, {
        priceCents: cents,
      });
      samples.push((await waiting) - started);
    }
    run.log(`${topology.name}: price change visible p50 ${summary(samples, [50]).p50} ms`);
    const figures: Figures = {
      push_rows_per_s: spreadRate,
      push_one_store_rows_per_s: crowdRate,
      feed_append_ms: append,
      push_ms: summary(pushMs, [50, 95]),
      price_change_visible_ms: summary(samples, [50, 95]),
    };
    if (topology.name === 'citus')
      Object.assign(figures, await moveWhileSyncing(hq, catalogs, catalog, run));
    return figures;
  } finally {
    await hq?.close();
    process.env = saved;
    await dropThrowAwayDatabase(target).catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Both topologies, one after the other, on servers this process starts and stops. */
async function measureBoth(ctx: BenchContext): Promise<Figures> {
  const installation = citusInstallation();
  if (!installation.ok) {
    ctx.log(`topology: skipped, ${installation.reason}`);
    return { 'topology.skipped': { reason: installation.reason } };
  }
  const run: Run = { log: ctx.log, sizes: ctx.quick ? QUICK : FULL };
  ctx.log(`topology: ${installation.version}; one durable server, then a durable cluster`);
  const figures: Figures = {};
  const single = await startPlainServer({ durable: true });
  try {
    const result = await measure(
      { name: 'single', url: single.url('postgres'), env: { EDGEPOS_CITUS_WORKERS: '' } },
      run,
    );
    for (const [key, value] of Object.entries(result)) figures[`single.${key}`] = value;
  } finally {
    await single.stop();
  }
  const cluster = await startCitusCluster({ durable: true });
  try {
    const result = await measure(
      {
        name: 'citus',
        url: cluster.url('postgres'),
        env: {
          EDGEPOS_CITUS_WORKERS: cluster.workersSpec(),
          EDGEPOS_CITUS_SHARD_COUNT: SHARD_COUNT,
        },
      },
      run,
    );
    for (const [key, value] of Object.entries(result)) figures[`citus.${key}`] = value;
  } finally {
    await cluster.stop();
  }
  return figures;
}

export const suite: Suite = { name: 'topology', run: measureBoth };

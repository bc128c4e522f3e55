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
import { moveStoreShards } from '../db/central/citus';
import { roleUrl, urlTarget } from '../db/central/connection';
import { chainStores } from '../db/seed/chain';
import { generateCatalog, toProductEntity } from '../db/seed/catalog';
import type { EnrollmentCodeCreated } from '../contract/admin-protocol';
import { startHq, type Hq } from '../hq/start';
import { citusInstallation, startCitusCluster, startPlainServer } from '../test/citus/cluster';
import { round, summary } from './stats';
import type { BenchContext, Figures, Suite } from './suite';
import { addRegisters, salesFor, type Catalogs } from './sync';
import { WireError, WireTill } from './wire-till';

const PRODUCTS = 300;
const SEED = 42;
/** Citus's default: what a production cluster would have. */
const SHARD_COUNT = '32';

/** How much each phase pushes (`--quick`: a smoke run, figures not comparable). */
interface Sizes {
  salesPerStoreTill: number;
  salesPerCrowdTill: number;
  salesDuringMove: number;
  priceChanges: number;
}
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

interface Run {
  log: (message: string) => void;
  sizes: Sizes;
}

async function admin<T>(hq: Hq, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`${hq.url}/admin/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${hq.adminToken}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await r.json()) as { ok: boolean; data: T; error?: { message: string } };
  if (!json.ok) throw new Error(`${path}: ${json.error?.message}`);
  return json.data;
}

async function enrolled(hq: Hq, storeId: string, registerId: string): Promise<WireTill> {
  await addRegisters(hq.central.pools.app, storeId, [registerId]);
  const { code } = await admin<EnrollmentCodeCreated>(hq, 'POST', '/enrollment-codes', {
    storeId,
    registerId,
  });
  const till = new WireTill(hq.url);
  await till.enroll(code);
  return till;
}

async function pushAll(
  tills: ReadonlyArray<{ till: WireTill; sales: ReturnType<typeof salesFor> }>,
  batch: number,
  durations: number[],
): Promise<number> {
  const items = tills.reduce((n, t) => n + t.sales.reduce((m, s) => m + s.lines.length, 0), 0);
  const started = performance.now();
  await Promise.all(
    tills.map(async ({ till, sales }) => {
      for (let i = 0; i < sales.length; i += batch) {
        const t0 = performance.now();
        await till.push(
          sales.slice(i, i + batch).map((payload, j) => ({
            mutationId: i + j + 1,
            type: 'sale.recorded' as const,
            payload,
          })),
        );
        durations.push(performance.now() - t0);
      }
    }),
  );
  return Math.round(items / ((performance.now() - started) / 1000));
}

/**
 * Move the shard group of a store to the other worker (Citus's citus_move_shard_placement,
 * block_writes, through HQ's moveStoreShards) while the store's tills keep syncing: one pushes
 * 50-sale batches, another long-polls the feed, and HQ staff change one of the store's prices
 * every 250 ms. Measures the move, how long pushes and price changes wait meanwhile, and
 * whether the syncing till had to download again (resync_required, or a new feed epoch in its
 * cursor).
 */
async function moveWhileSyncing(
  hq: Hq,
  catalogs: Catalogs,
  catalog: ReadonlyArray<{ productId: string }>,
  run: Run,
): Promise<Figures> {
  const { rows } = await hq.central.pools.admin.query<{ node_name: string; node_port: number }>(
    `SELECT w.node_name, w.node_port FROM citus_get_active_worker_nodes() w
      WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.citus_shards s
                         WHERE s.shardid = get_shard_id_for_distribution_column('retail.products', 'seattle')
                           AND s.nodename = w.node_name AND s.nodeport = w.node_port)`,
  );
  const to = rows[0];
  if (!to) throw new Error('no other worker to move seattle to');
  const pusher = await enrolled(hq, 'seattle', 'M1');
  const watcher = await enrolled(hq, 'seattle', 'M2');
  const sales = salesFor({
    catalogs,
    storeId: 'seattle',
    registerId: 'M1',
    count: run.sizes.salesDuringMove,
    seed: 90,
  });
  let { cursor } = await watcher.download();
  const epoch = (c: string): string => c.split('.')[1] ?? '';
  const epochBefore = epoch(cursor);

  const pushMs: number[] = [];
  let stopPushing = false;
  let next = 0;
  const pushing = (async () => {
    while (!stopPushing && next < sales.length) {
      const t0 = performance.now();
      await pusher.push(
        sales.slice(next, next + 50).map((payload, j) => ({
          mutationId: next + j + 1,
          type: 'sale.recorded' as const,
          payload,
        })),
      );
      pushMs.push(performance.now() - t0);
      next += 50;
    }
  })();

  // Price changes not yet seen by the watcher: product -> price and when the change began.
  const pending = new Map<string, { cents: number; started: number }>();
  const priceMs: number[] = [];
  let resyncs = 0;
  let stopWatching = false;
  let giveUpAt = Number.POSITIVE_INFINITY;
  const watching = (async () => {
    while (!stopWatching || pending.size > 0) {
      if (performance.now() > giveUpAt) {
        throw new Error(`${pending.size} price change(s) never reached the till's feed`);
      }
      let page;
      try {
        page = await watcher.pull(cursor, 2_000);
      } catch (error) {
        if (!(error instanceof WireError) || error.kind !== 'resync_required') throw error;
        resyncs += 1;
        cursor = (await watcher.download()).cursor;
        continue;
      }
      cursor = page.cursor;
      const seen = performance.now();
      for (const p of page.changes.products) {
        const change = pending.get(p.productId);
        if (change && p.priceCents === change.cents) {
          priceMs.push(seen - change.started);
          pending.delete(p.productId);
        }
      }
    }
  })();

  let stopChanging = false;
  let changes = 0;
  const changing = (async () => {
    while (!stopChanging) {
      const product = catalog[(changes * 7) % catalog.length]!;
      const cents = 70_000 + changes;
      changes += 1;
      pending.set(product.productId, { cents, started: performance.now() });
      await admin(hq, 'PATCH', `/stores/seattle/products/${product.productId}`, {
        priceCents: cents,
      });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  await new Promise((r) => setTimeout(r, 1_000));
  const pushesBefore = pushMs.length;
  const pricesBefore = priceMs.length;
  const started = performance.now();
  const moved = await moveStoreShards(hq.central.pools, {
    storeId: 'seattle',
    to: { host: to.node_name, port: Number(to.node_port) },
  });
  const seconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1_000));
  stopChanging = true;
  stopPushing = true;
  await Promise.all([changing, pushing]);
  stopWatching = true;
  giveUpAt = performance.now() + 60_000;
  await watching;
  const pushesDuring = pushMs.slice(pushesBefore);
  // The change in flight when the move began is the first one after pricesBefore.
  const pricesDuring = priceMs.slice(pricesBefore);
  if (pushesDuring.length === 0) {
    throw new Error('the till had pushed all its sales before the move began: push more');
  }
  run.log(
    `citus: moved shard group ${moved.shardId} in ${seconds.toFixed(1)} s; ` +
      `${resyncs} resyncs, epoch ${epoch(cursor) === epochBefore ? 'kept' : 'changed'}`,
  );
  return {
    move_store_s: round(seconds, 2),
    push_during_move_ms: {
      ...summary(pushesDuring, [50]),
      max: round(Math.max(...pushesDuring), 0),
    },
    price_change_during_move_ms: {
      ...summary(pricesDuring, [50]),
      max: round(Math.max(...pricesDuring), 0),
      n: pricesDuring.length,
    },
    resyncs_during_move: resyncs,
    feed_epoch_changes_during_move: epoch(cursor) === epochBefore ? 0 : 1,
  };
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

/**
 * The Citus-only phase of the topology bench (bench/topology.ts): moving a store's shard group
 * while its tills sync.
 */
import { moveStoreShards } from '../db/central/citus';
import type { Hq } from '../hq/start';
import { round, summary } from './stats';
import type { Figures } from './suite';
import { salesFor, type Catalogs } from './sync-chain';
import { admin, enrolled, type Run } from './topology-hq';
import { WireError } from './wire-till';

/**
 * Move the shard group of a store to the other worker (Citus's citus_move_shard_placement,
 * block_writes, through HQ's moveStoreShards) while the store's tills keep syncing: one pushes
 * 50-sale batches, another long-polls the feed, and HQ staff change one of the store's prices
 * every 250 ms. Measures the move, how long pushes and price changes wait meanwhile, and
 * whether the syncing till had to download again (resync_required, or a new feed epoch in its
 * cursor).
 */
export async function moveWhileSyncing(
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

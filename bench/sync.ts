/**
 * Sync figures, all from one run against one HQ (embedded PostgreSQL, durable commits) on
 * this machine:
 *   sync.push_rows_per_s             sale items per second HQ accepted from concurrent tills
 *                                    (one per store, each pushing batches of 1,000 sales),
 *                                    driven from their own process (bench/push-tills.ts)
 *   sync.push_cpu_us_per_item        CPU time per sale item during that push phase
 *                                    {postgres: HQ's PostgreSQL server, all processes;
 *                                    hq_node: HQ's Node process}: cost per item that a busy
 *                                    machine does not inflate (Linux only)
 *   sync.integrity_hq_ms / sync.integrity_till_ms
 *                                    the catalog integrity check's checksums at that store
 *                                    (50,000 products and their stock levels): HQ's answer to
 *                                    GET /v1/checksums, and the same sums over the till's PGlite
 *   sync.provision_s                 a new till enrolls with a 50,000-product store (with
 *                                    embeddings) and downloads it until it has sold a sale.
 *                                    The till runs in its own process (bench/provision-till.ts),
 *                                    as a real one runs on its own machine: its database calls
 *                                    block its own thread, not HQ's
 *   sync.provision_phases_s          where those seconds went: open (new store database),
 *                                    download (enroll request until the till is ready), of
 *                                    which wait (standing still for HQ's next page),
 *                                    apply_<stage> (writing pages, by stage) and finish (the
 *                                    last page's extras); sale (shift + first sale); and after
 *                                    it index_build (the deferred vector cells and HNSW index,
 *                                    built by the store's idle maintenance: not part of
 *                                    provision_s)
 *   sync.drain_5000_s                5,000 sales queued offline at a till, pushed to HQ
 *   sync.price_change_visible_ms     HQ price change (admin API) until it is in the till's
 *                                    database, while the till is online {p50,p95}
 *   sync.tills                       simulated tills served at once without an error
 *                                    (enroll, full download, push, pull each)
 * Targets: push >= 20,000 items/s, drain <= 30 s, price change p95 <= 2 s, provision <= 30 s.
 * --quick shrinks the data (5,000 products, 1,000-sale drain, fewer tills): smoke only.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { EnrollmentCodeCreated } from '../contract/admin-protocol';
import type { Mutation, SaleRecorded } from '../contract/mutations';
import { applyMutationAtEdge } from '../db/mutations/apply-edge';
import { catalogChecksums } from '../db/queries/catalog-checksums';
import { insertOutbox, nextCounter } from '../db/queries/outbox';
import { demoStaff } from '../db/seed/chain';
import { startHq } from '../hq/start';
import type { SyncClient } from '../sync/client/sync-client';
import { openEdgeStore, type EdgeStore } from '../till/node/store';
import { tillSyncClient } from '../till/sync';
import { provisionInChild, runChild, waitFor } from './child';
import { postmasterOf, serverCpuSeconds } from './proc-cpu';
import type { PushLoad, PushLoadResult } from './push-tills';
import { round, summary } from './stats';
import type { BenchContext, Figures, Suite } from './suite';
import { addRegisters, embedAtHq, salesFor, seedHq } from './sync-chain';
import { WireTill } from './wire-till';

async function run(ctx: BenchContext): Promise<Figures> {
  const quick = ctx.quick;
  const bigProducts = quick ? 5_000 : 50_000;
  const drainSales = quick ? 1_000 : 5_000;
  const pushTills = quick ? 2 : 4;
  const pushSalesPerTill = quick ? 1_000 : 5_000;
  const loadTills = quick ? 12 : 100;
  const priceSamples = quick ? 10 : 40;
  await mkdir(ctx.workDir, { recursive: true });
  // The embedded PostgreSQL runs as its own OS user under root: its directory must be
  // reachable, which the bench's private (0700) work directory is not.
  const hqDir = await mkdtemp(join(tmpdir(), 'edge-pos-bench-hq-'));
  await chmod(hqDir, 0o711);

  const hq = await startHq({
    dataDir: join(hqDir, 'hq'),
    embedded: true,
    durable: true,
    seed: false,
    embeddings: false,
    adminToken: 'bench-admin-token-0123456789',
    logger: pino({ level: 'warn' }, pino.destination(2)),
    appPoolMax: 20,
    maxConcurrentPushes: 8,
  });
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
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
  };
  const code = async (storeId: string, registerId: string) =>
    (await admin<EnrollmentCodeCreated>('POST', '/enrollment-codes', { storeId, registerId })).code;
  const opened: Array<{ store: EdgeStore; client: SyncClient }> = [];
  const figures: Figures = {};
  try {
    ctx.log(`HQ at ${hq.url}; seeding (one store with ${bigProducts} products and embeddings)`);
    const catalogs = await seedHq(hq, { bigStore: 'online', bigProducts, log: ctx.log });
    await embedAtHq(hq.central.pools.app, 'online', catalogs.get('online') ?? []);

    // --- provisioning: enroll a new till with the big store until it sells --------------
    ctx.log('provisioning a new till (in its own process)');
    const product = (catalogs.get('online') ?? [])[0]!;
    const timings = await provisionInChild({
      hqUrl: hq.url,
      code: await code('online', 'R01'),
      dir: join(ctx.workDir, 'till-online'),
      cashierId: demoStaff('online').find((s) => s.role === 'cashier')!.staffId,
      line: {
        productId: product.productId,
        sku: product.sku,
        productName: product.productName,
        categoryId: product.categoryId,
        unitPriceCents: product.priceCents,
        quantity: 1,
      },
      log: ctx.log,
    });
    const s2 = (ms: number): number => round(ms / 1000, 2);
    figures['sync.provision_s'] = s2(timings.total);
    figures['sync.provision_phases_s'] = {
      open: s2(timings.open),
      download: s2(timings.download),
      wait: s2(timings.wait),
      ...Object.fromEntries(Object.entries(timings.apply).map(([k, v]) => [`apply_${k}`, s2(v)])),
      finish: s2(timings.finish),
      sale: s2(timings.sale),
      index_build: s2(timings.indexBuild),
    };
    ctx.log(
      `provisioned ${bigProducts} products, ${timings.embeddings} embeddings in ${figures['sync.provision_s']} s (${JSON.stringify(figures['sync.provision_phases_s'])}; built ${timings.indexesBuilt} deferred index(es) and ${timings.cellsBuilt} model(s)' vector cells afterwards)`,
    );
    // --- integrity check at the big store: both sides' checksums over every catalog row ------
    // (the provisioned till's database, opened here once its process has exited)
    const big = await openEdgeStore({ dir: join(ctx.workDir, 'till-online') });
    const tokenRows = await big.db.query<{ token: string }>(`SELECT token FROM pos.sync_device`);
    const hqSumsStarted = performance.now();
    const sums = await fetch(`${hq.url}/v1/checksums`, {
      headers: {
        'x-edgepos-protocol': '1',
        authorization: `Bearer ${tokenRows.rows[0]?.token ?? ''}`,
      },
    });
    if (!sums.ok) throw new Error(`checksums: HTTP ${sums.status}`);
    await sums.json();
    figures['sync.integrity_hq_ms'] = round(performance.now() - hqSumsStarted, 1);
    const tillSumsStarted = performance.now();
    await catalogChecksums(big.db, 'online');
    figures['sync.integrity_till_ms'] = round(performance.now() - tillSumsStarted, 1);
    ctx.log(
      `integrity checksums over ${bigProducts} products: HQ ${figures['sync.integrity_hq_ms']} ms, till ${figures['sync.integrity_till_ms']} ms`,
    );
    await big.close();

    // --- drain: sales queued offline, pushed in one go -------------------------------------
    ctx.log(`queueing ${drainSales} sales at a till`);
    const drainStore = await openEdgeStore({ dir: join(ctx.workDir, 'till-seattle') });
    const drainClient = tillSyncClient(drainStore, {});
    opened.push({ store: drainStore, client: drainClient });
    await drainClient.enroll({ hqUrl: hq.url, code: await code('seattle', 'R01') });
    await drainClient.stop();
    const identity = (await drainStore.identity())!;
    const queued = salesFor({
      catalogs,
      storeId: 'seattle',
      registerId: 'R01',
      count: drainSales,
      seed: 7,
    });
    for (let i = 0; i < queued.length; i += 250) {
      await drainStore.db.transaction(async (tx) => {
        for (const payload of queued.slice(i, i + 250)) {
          const mutationId = await nextCounter(tx, 'mutation');
          const mutation: Mutation = { mutationId, type: 'sale.recorded', payload };
          await applyMutationAtEdge(tx, identity, mutation);
          await insertOutbox(tx, mutation);
        }
      });
    }
    await drainClient.start();
    const drainStarted = performance.now();
    await drainClient.drain();
    figures['sync.drain_5000_s'] = round((performance.now() - drainStarted) / 1000, 2);
    const left = (await drainClient.status()).pendingCount;
    if (left !== 0) throw new Error(`drain left ${left} pending`);
    ctx.log(`drained ${drainSales} sales in ${figures['sync.drain_5000_s']} s`);

    // --- price change visible at an online till -------------------------------------------
    ctx.log('price changes while online');
    await drainClient.syncNow();
    const seattle = catalogs.get('seattle') ?? [];
    const samples: number[] = [];
    for (let i = 0; i < priceSamples; i++) {
      const p = seattle[(i * 7) % seattle.length]!;
      const cents = 10_000 + i;
      const started = performance.now();
      await admin('PATCH', `/stores/seattle/products/${p.productId}`, { priceCents: cents });
      await waitFor(
        async () => {
          const { rows } = await drainStore.db.query<{ c: number }>(
            `SELECT (price * 100)::bigint AS c FROM retail.products WHERE product_id = $1`,
            [p.productId],
          );
          return Number(rows[0]?.c) === cents;
        },
        30_000,
        'price change at the till',
      );
      samples.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 50));
    }
    figures['sync.price_change_visible_ms'] = summary(samples, [50, 95]);
    await drainClient.stop();

    // --- push throughput from concurrent tills ---------------------------------------------
    ctx.log(`push throughput: ${pushTills} tills x ${pushSalesPerTill} sales`);
    // One till per store: tills of one store contend for the same stock and rollup rows.
    const pushStores = ['seattle', 'redmond', 'bellevue', 'online'];
    const senders: Array<{ token: string; sales: SaleRecorded[] }> = [];
    for (let i = 0; i < pushTills; i++) {
      const storeId = pushStores[i % pushStores.length]!;
      const registerId = `P${String(i).padStart(2, '0')}`;
      await addRegisters(hq.central.pools.app, storeId, [registerId]);
      const t = new WireTill(hq.url);
      await t.enroll(await code(storeId, registerId));
      senders.push({
        token: t.token,
        sales: salesFor({ catalogs, storeId, registerId, count: pushSalesPerTill, seed: 100 + i }),
      });
    }
    const items = senders.reduce(
      (n, s) => n + s.sales.reduce((m, sale) => m + sale.lines.length, 0),
      0,
    );
    // The tills push from their own process (bench/push-tills.ts): their encoding and HTTP
    // work is not charged to HQ's event loop, as it is not in a store.
    const load: PushLoad = {
      url: hq.url,
      tills: senders.map(({ token, sales }) => {
        const batches: Mutation[][] = [];
        for (let i = 0; i < sales.length; i += 1_000) {
          batches.push(
            sales.slice(i, i + 1_000).map((payload, j) => ({
              mutationId: i + j + 1,
              type: 'sale.recorded' as const,
              payload,
            })),
          );
        }
        return { token, batches };
      }),
    };
    const loadPath = join(ctx.workDir, 'push-load.json');
    await writeFile(loadPath, JSON.stringify(load));
    const { rows: backend } = await hq.central.pools.app.query<{ pid: number }>(
      'SELECT pg_backend_pid() AS pid',
    );
    const postmaster = postmasterOf(backend[0]!.pid);
    const pgCpuBefore = postmaster === null ? null : serverCpuSeconds(postmaster);
    const nodeCpuBefore = process.cpuUsage();
    const pushed = (await runChild('./push-tills.ts', loadPath, {
      label: 'push load',
      log: ctx.log,
    })) as PushLoadResult;
    await rm(loadPath, { force: true });
    const pushSeconds = pushed.seconds;
    figures['sync.push_rows_per_s'] = Math.round(items / pushSeconds);
    const nodeCpu = process.cpuUsage(nodeCpuBefore);
    const pgCpuAfter = postmaster === null ? null : serverCpuSeconds(postmaster);
    if (pgCpuBefore !== null && pgCpuAfter !== null) {
      figures['sync.push_cpu_us_per_item'] = {
        postgres: round(((pgCpuAfter - pgCpuBefore) * 1e6) / items, 1),
        hq_node: round((nodeCpu.user + nodeCpu.system) / items, 1),
      };
    }
    ctx.log(
      `pushed ${items} sale items in ${pushSeconds.toFixed(2)} s (${pushed.retries} requests retried after 503 busy)`,
    );

    // --- many tills at once ---------------------------------------------------------------
    ctx.log(`${loadTills} tills at once: enroll, download, push, pull`);
    const stores = ['seattle', 'redmond', 'bellevue', 'online'].slice(0, quick ? 3 : 3);
    const plans: Array<{ storeId: string; registerId: string }> = [];
    for (let i = 0; i < loadTills; i++) {
      const storeId = stores[i % stores.length]!;
      plans.push({ storeId, registerId: `L${String(i).padStart(3, '0')}` });
    }
    for (const storeId of stores) {
      await addRegisters(
        hq.central.pools.app,
        storeId,
        plans.filter((p) => p.storeId === storeId).map((p) => p.registerId),
      );
    }
    const codes = await Promise.all(plans.map((p) => code(p.storeId, p.registerId)));
    const loadStarted = performance.now();
    const loadTillsUsed: WireTill[] = [];
    const outcomes = await Promise.allSettled(
      plans.map(async (plan, i) => {
        const t = new WireTill(hq.url);
        loadTillsUsed.push(t);
        await t.enroll(codes[i]!);
        const { cursor } = await t.download();
        const sales = salesFor({
          catalogs,
          storeId: plan.storeId,
          registerId: plan.registerId,
          count: 10,
          seed: 1_000 + i,
        });
        await t.push(
          sales.map((payload, j) => ({
            mutationId: j + 1,
            type: 'sale.recorded' as const,
            payload,
          })),
        );
        await t.pull(cursor);
      }),
    );
    const failed = outcomes.filter((o) => o.status === 'rejected');
    ctx.log(
      `${outcomes.length - failed.length} of ${loadTills} tills served in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s (${loadTillsUsed.reduce((n, t) => n + t.retries, 0)} requests retried after 503 busy)`,
    );
    if (failed.length > 0)
      ctx.log(
        `tills failed: ${failed.length}, e.g. ${String((failed[0] as PromiseRejectedResult).reason)}`,
      );
    figures['sync.tills'] = outcomes.length - failed.length;
    return figures;
  } finally {
    for (const o of opened) {
      await o.client.stop().catch(() => undefined);
      await o.store.close().catch(() => undefined);
    }
    await hq.close();
    await rm(hqDir, { recursive: true, force: true });
  }
}

export const suite: Suite = { name: 'sync', run };

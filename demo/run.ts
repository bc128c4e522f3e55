/**
 * `npm run demo -- --json`: the whole sync story on this machine, end to end.
 *
 *   1. HQ on the embedded PostgreSQL (a fresh temporary cluster), or, when DATABASE_URL is set,
 *      in a fresh database on that server (a Citus coordinator with EDGEPOS_CITUS_WORKERS: the
 *      database is distributed; dropped at the end unless --keep), seeded with the sample chain;
 *   2. one till per seed store (seattle, redmond, bellevue, online), each on PGlite in a
 *      temporary directory, enrolled with a one-time code and provisioned over the network;
 *   3. the network between tills and HQ goes down; every till keeps selling;
 *   4. HQ changes prices (per store) while the tills cannot hear it;
 *   5. the network comes back; the tills sync on their own (no new sale needed);
 *   6. ONE JSON object: per store the sales count and total in cents on the till and at HQ,
 *      price changes made and received, each till's on-hand stock against HQ's stock levels
 *      (products that differ), and `reconciled: true` only if all match exactly.
 * Exit code 0 only when everything reconciled.
 */
import { Command, InvalidArgumentError } from 'commander';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createTillContext } from '../db/checkout/context';
import { commitSale } from '../db/checkout/sale';
import { openShift } from '../db/checkout/shifts';
import { dropThrowAwayDatabase } from '../db/central/bootstrap';
import { roleUrl, urlTarget } from '../db/central/connection';
import { withTenant } from '../db/central/tenant';
import { openEdgeStore, type EdgeStore } from '../till/node/store';
import { Rng } from '../db/seed/random';
import { demoStaff } from '../db/seed/chain';
import type { EnrollmentCodeCreated, PriceChangeResult } from '../contract/admin-protocol';
import type { SyncClient } from '../sync/client/sync-client';
import { tillSyncClient } from '../till/sync';
import { startHq } from '../hq/start';

const STORES = ['seattle', 'redmond', 'bellevue', 'online'] as const;

function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return n;
}

const opts = new Command()
  .name('demo')
  .option('--json', 'print only the JSON result on stdout')
  .option('--sales <n>', 'sales per till while offline', intArg, 25)
  .option('--price-changes <n>', 'price changes per store while offline', intArg, 5)
  .option('--seed <n>', 'randomness seed', intArg, 7)
  .option('--keep', 'keep the temporary HQ and till directories')
  .parse(process.argv)
  .opts<{ json?: boolean; sales: number; priceChanges: number; seed: number; keep?: boolean }>();

const log = (message: string): void => {
  process.stderr.write(`[demo] ${message}\n`);
};

/** The network between the tills and HQ: a relay that can be unplugged. */
async function startNetwork(target: string) {
  const sockets = new Set<Socket>();
  const state = { up: true };
  const read = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer((req, res) => {
    if (!state.up) {
      req.socket.destroy();
      return;
    }
    read(req)
      .then(async (body) => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) {
          if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) {
            headers[k] = v;
          }
        }
        const upstream = await fetch(`${target}${req.url ?? '/'}`, {
          method: req.method ?? 'GET',
          headers,
          ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
        });
        const out = Buffer.from(await upstream.arrayBuffer());
        if (!state.up) {
          req.socket.destroy();
          return;
        }
        res.writeHead(upstream.status, {
          'content-type': upstream.headers.get('content-type') ?? 'application/json',
          'content-length': String(out.length),
        });
        res.end(out);
      })
      .catch(() => req.socket.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    set up(value: boolean) {
      state.up = value;
      if (!value) for (const s of sockets) s.destroy();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Till {
  storeId: string;
  store: EdgeStore;
  client: SyncClient;
  deviceId: string;
}

async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  const work = await mkdtemp(join(tmpdir(), 'edge-pos-demo-'));
  // The embedded PostgreSQL runs as its own OS user when we are root: let it pass through.
  await chmod(work, 0o711);
  const rng = new Rng(opts.seed);
  log(`working in ${work}`);
  let hq: Awaited<ReturnType<typeof startHq>>;
  // DATABASE_URL: a database of the demo's own on that server (on a Citus cluster: on every node).
  const url = process.env.DATABASE_URL;
  const database = url ? `edgepos_demo_${randomBytes(4).toString('hex')}` : undefined;
  const target = url ? urlTarget(url, database ? { database } : {}) : undefined;
  try {
    hq = await startHq({
      dataDir: join(work, 'hq'),
      ...(target
        ? { databaseUrl: roleUrl(target, 'admin', { redact: false }) }
        : { embedded: true }),
      durable: false,
      seed: { products: 200, customers: 200, sales: 200 },
      logger: pino({ level: 'warn' }, pino.destination(2)),
      adminToken: `demo-${Math.random().toString(36).slice(2)}-token`,
    });
  } catch (error) {
    if (!opts.keep) await rm(work, { recursive: true, force: true });
    if (target && !opts.keep) await dropThrowAwayDatabase(target).catch(() => undefined);
    throw error;
  }
  log(
    `HQ database: ${target ? `${target.database} on ${target.host}:${target.port}${target.citus ? ` (Citus, ${target.citus.workers.length} workers)` : ''}` : 'embedded'}`,
  );
  const admin = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${hq.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${hq.adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = (await response.json()) as { ok: boolean; data: T; error?: { message: string } };
    if (!json.ok) throw new Error(`${method} ${path}: ${json.error?.message ?? response.status}`);
    return json.data;
  };
  const network = await startNetwork(hq.url);
  const tills: Till[] = [];
  try {
    log(
      `HQ at ${hq.url} (seeded in ${((Date.now() - started) / 1000).toFixed(1)} s); enrolling tills`,
    );
    for (const storeId of STORES) {
      const store = await openEdgeStore({ dir: join(work, `till-${storeId}`) });
      const client = tillSyncClient(store, { tuning: { pullWaitMs: 2_000 }, statusPollMs: 250 });
      const { code } = await admin<EnrollmentCodeCreated>('POST', '/enrollment-codes', {
        storeId,
        registerId: 'R01',
      });
      const enrolled = await client.enroll({ hqUrl: network.url, code });
      tills.push({ storeId, store, client, deviceId: enrolled.deviceId });
      log(`${storeId}: enrolled as ${enrolled.deviceId}, catalog downloaded`);
    }

    network.up = false;
    log('network down: tills keep selling');
    for (const t of tills) {
      await waitFor(
        `${t.storeId} to notice HQ is gone`,
        async () => !(await t.client.status()).online,
        30_000,
      );
      const till = await createTillContext({
        db: t.store.db,
        journal: t.store.journal,
        isOnline: () => t.client.isOnline(),
      });
      const cashier = demoStaff(t.storeId).find((s) => s.role === 'cashier')!;
      await openShift(till, { staffId: cashier.staffId, openingFloatCents: 20_000 });
      const { rows: products } = await t.store.db.query<{
        product_id: string;
        sku: string;
        product_name: string;
        category_id: number | null;
        cents: number;
      }>(
        `SELECT product_id, sku, product_name, category_id, (price * 100)::bigint AS cents
           FROM retail.products WHERE is_active ORDER BY sku`,
      );
      for (let i = 0; i < opts.sales; i++) {
        const picked = rng.sample(products, rng.int(1, 3));
        await commitSale(till, {
          cart: {
            lines: picked.map((p) => ({
              productId: p.product_id,
              sku: p.sku,
              productName: p.product_name,
              categoryId: p.category_id,
              unitPriceCents: Number(p.cents),
              quantity: rng.int(1, 3),
            })),
          },
          tenders: [{ type: 'cash', tenderedCents: 10_000_000 }],
          cashierId: cashier.staffId,
        });
      }
      log(`${t.storeId}: ${opts.sales} sales rung up offline`);
    }

    log('HQ changes prices while the tills cannot hear it');
    const changes = new Map<string, Array<{ productId: string; priceCents: number }>>();
    for (const t of tills) {
      const { rows } = await t.store.db.query<{ product_id: string; cents: number }>(
        `SELECT product_id, (price * 100)::bigint AS cents FROM retail.products ORDER BY product_id`,
      );
      const picked = rng.sample(rows, opts.priceChanges).map((p) => ({
        productId: p.product_id,
        priceCents: Number(p.cents) + rng.int(1, 500),
      }));
      const result = await admin<PriceChangeResult>('POST', '/prices', {
        storeId: t.storeId,
        changes: picked,
      });
      if (result.updated !== picked.length)
        throw new Error(`price change for ${t.storeId}: ${JSON.stringify(result)}`);
      changes.set(t.storeId, picked);
    }

    network.up = true;
    log('network back: tills sync by themselves');
    const syncStarted = Date.now();
    for (const t of tills) {
      const expected = changes.get(t.storeId) ?? [];
      await waitFor(
        `${t.storeId} to drain, receive prices and agree on stock`,
        async () => {
          const status = await t.client.status();
          if (status.pendingCount > 0) return false;
          if ((await receivedPrices(t, expected)) !== expected.length) return false;
          if ((await stockDifferences(t, hq.central.pools.app)).length > 0) {
            t.client.nudge();
            return false;
          }
          return true;
        },
        120_000,
      ).catch((error: unknown) => log(String(error)));
    }
    log(`all tills in sync ${((Date.now() - syncStarted) / 1000).toFixed(1)} s after reconnecting`);

    const stores: Record<string, unknown> = {};
    let reconciled = true;
    for (const t of tills) {
      const till = await tillTotals(t);
      const atHq = await withTenant(hq.central.pools.app, t.storeId, async (tx) => {
        const { rows } = await tx.query<{ n: number; cents: number }>(
          `SELECT count(*)::int AS n, coalesce(sum(total_amount * 100), 0)::bigint AS cents
             FROM retail.sales_transactions WHERE store_id = $1 AND device_id = $2`,
          [t.storeId, t.deviceId],
        );
        return { sales: Number(rows[0]?.n ?? 0), totalCents: Number(rows[0]?.cents ?? 0) };
      });
      const expected = changes.get(t.storeId) ?? [];
      const received = await receivedPrices(t, expected);
      const status = await t.client.status();
      const stock = await stockDifferences(t, hq.central.pools.app);
      const ok =
        till.sales === opts.sales &&
        till.sales === atHq.sales &&
        till.totalCents === atHq.totalCents &&
        received === expected.length &&
        stock.length === 0 &&
        status.pendingCount === 0 &&
        status.rejected.length === 0;
      reconciled &&= ok;
      stores[t.storeId] = {
        till,
        hq: atHq,
        priceChanges: { made: expected.length, received },
        stock: { products: stock.checked, differ: stock.length, examples: stock.slice(0, 3) },
        pending: status.pendingCount,
        rejected: status.rejected.length,
        reconciled: ok,
      };
    }
    const result = { reconciled, stores, durationMs: Date.now() - started };
    if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return reconciled ? 0 : 1;
  } finally {
    for (const t of tills) {
      await t.client.stop().catch(() => undefined);
      await t.store.close().catch(() => undefined);
    }
    await network.close();
    await hq.close();
    if (!opts.keep) await rm(work, { recursive: true, force: true });
    if (target && !opts.keep) await dropThrowAwayDatabase(target);
  }
}

/**
 * Products whose on-hand stock at the till (HQ's level it pulled plus its own movements HQ has
 * not folded in yet, pos.stock_on_hand) differs from HQ's stock level. Empty at rest.
 */
async function stockDifferences(
  t: Till,
  app: Parameters<typeof withTenant>[0],
): Promise<Array<{ productId: string; till: number; hq: number }> & { checked: number }> {
  const { rows: local } = await t.store.db.query<{ product_id: string; on_hand: number }>(
    `SELECT product_id, on_hand FROM pos.stock_on_hand WHERE store_id = $1`,
    [t.storeId],
  );
  const atHq = await withTenant(app, t.storeId, async (tx) => {
    const { rows } = await tx.query<{ product_id: string; on_hand: number }>(
      `SELECT product_id, on_hand FROM retail.stock_levels WHERE store_id = $1`,
      [t.storeId],
    );
    return new Map(rows.map((r) => [r.product_id, Number(r.on_hand)]));
  });
  const differ = local
    .map((r) => ({
      productId: r.product_id,
      till: Number(r.on_hand),
      hq: atHq.get(r.product_id) ?? 0,
    }))
    .filter((d) => d.till !== d.hq);
  return Object.assign(differ, { checked: local.length });
}

async function receivedPrices(
  t: Till,
  expected: ReadonlyArray<{ productId: string; priceCents: number }>,
): Promise<number> {
  if (expected.length === 0) return 0;
  const { rows } = await t.store.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM retail.products p
       JOIN unnest($1::uuid[], $2::bigint[]) AS e(product_id, cents) ON e.product_id = p.product_id
      WHERE (p.price * 100)::bigint = e.cents`,
    [expected.map((e) => e.productId), expected.map((e) => e.priceCents)],
  );
  return Number(rows[0]?.n ?? 0);
}

async function tillTotals(t: Till): Promise<{ sales: number; totalCents: number }> {
  const { rows } = await t.store.db.query<{ n: number; cents: number }>(
    `SELECT count(*)::int AS n, coalesce(sum(total_amount * 100), 0)::bigint AS cents
       FROM retail.sales_transactions`,
  );
  return { sales: Number(rows[0]?.n ?? 0), totalCents: Number(rows[0]?.cents ?? 0) };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

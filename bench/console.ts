/**
 * The HQ console's figures (issue 14), through its HTTP API as the page calls it:
 *   hq.console_report_ms        {p50,p95}  sales by day over 365 days x 50 stores (the whole
 *                                          chain, read from retail.daily_store_sales through the
 *                                          reporting role), one request each, signed in as an
 *                                          administrator
 *   hq.price_edit_to_till_ms    {p50,p95}  from sending a price change in the console until the
 *                                          till's database has the new price (Node till on
 *                                          PGlite, pulling from HQ as in production)
 * Targets: report p95 <= 300 ms; edit to till p95 <= 2 s.
 *
 * The 46 extra stores and the year of rollup rows are written directly (as the superuser) so
 * the report reads exactly the rows a year of sales would have left in the rollup; 40 products
 * sold per store and day (730,000 rollup rows for 50 stores).
 */
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { CONSOLE_CSRF_HEADER, CONSOLE_SESSION_COOKIE } from '../contract/console-protocol';
import type { EnrollmentCodeCreated } from '../contract/admin-protocol';
import { withTenant } from '../db/central/tenant';
import { openEdgeStore } from '../till/node/store';
import { startHq } from '../hq/start';
import { tillSyncClient } from '../till/sync';
import { summary } from './stats';
import type { Figures, Suite } from './suite';

const STORES = 50;
const DAYS = 365;
const PRODUCTS_PER_DAY = 40;
const ADMIN = { email: 'bench@hq.local', password: 'bench console password' };

export const suite: Suite = {
  name: 'console',
  run: async (ctx) => {
    const reportSamples = ctx.quick ? 10 : 40;
    const priceSamples = ctx.quick ? 10 : 30;
    await mkdir(ctx.workDir, { recursive: true });
    // The embedded PostgreSQL runs as its own OS user under root: its directory must be
    // reachable, which the bench's private (0700) work directory is not.
    const hqDir = await mkdtemp(join(tmpdir(), 'edge-pos-bench-console-'));
    await chmod(hqDir, 0o711);
    const hq = await startHq({
      dataDir: join(hqDir, 'hq'),
      embedded: true,
      durable: true,
      seed: { products: 50, customers: 10, sales: 0 },
      embeddings: false,
      adminToken: 'bench-admin-token-0123456789',
      consoleAdmin: ADMIN,
      logger: pino({ level: 'warn' }, pino.destination(2)),
    });
    const tillDir = join(ctx.workDir, 'till');
    const figures: Figures = {};
    try {
      const su = hq.central.pools.admin;
      ctx.log(`console: ${STORES} stores x ${DAYS} days x ${PRODUCTS_PER_DAY} products of rollup`);
      await su.query(
        `INSERT INTO retail.stores (store_id, store_name, timezone)
         SELECT 'bench-' || lpad(n::text, 2, '0'), 'Bench store ' || n, 'UTC'
           FROM generate_series(1, $1 - (SELECT count(*) FROM retail.stores)) n`,
        [STORES],
      );
      const { rows: storeRows } = await su.query<{ store_id: string }>(
        `SELECT store_id FROM retail.stores ORDER BY store_id`,
      );
      for (const { store_id: storeId } of storeRows) {
        // Under the store's tenant key, as every rollup write is (the forced guard hides and
        // refuses rows without one).
        await withTenant(su, storeId, (tx) =>
          tx.query(
            `INSERT INTO retail.daily_sales (store_id, day, product_id, quantity, quantity_sold,
               quantity_returned, gross, discount, tax, net, returns, line_count)
             SELECT $1, d::date, md5($1 || p)::uuid, q, q, 0, q * 12.50, 0, q * 1.25,
                    q * 12.50, 0, q
               FROM generate_series(current_date - ($2::int - 1), current_date,
                                    interval '1 day') d,
                    generate_series(1, $3::int) p,
                    LATERAL (SELECT 1 + (abs(hashtext($1 || d::text || p)) % 5) AS q) x
             ON CONFLICT DO NOTHING`,
            [storeId, DAYS, PRODUCTS_PER_DAY],
          ),
        );
        // And its store-days, as the ingest code keeps them (db/central/derived.ts).
        await withTenant(su, storeId, (tx) =>
          tx.query(
            `INSERT INTO retail.daily_store_sales (store_id, day, quantity, quantity_sold,
               quantity_returned, gross, discount, tax, net, returns, line_count)
             SELECT store_id, day, sum(quantity), sum(quantity_sold), sum(quantity_returned),
                    sum(gross), sum(discount), sum(tax), sum(net), sum(returns), sum(line_count)
               FROM retail.daily_sales WHERE store_id = $1
              GROUP BY 1, 2
             ON CONFLICT DO NOTHING`,
            [storeId],
          ),
        );
      }
      await su.query(`ANALYZE retail.daily_sales, retail.daily_store_sales`);

      // --- sign in as the page does ------------------------------------------------------
      const signIn = await fetch(`${hq.url}/console/api/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const cookie = /edgepos_console=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
      const { data } = (await signIn.json()) as { data: { csrfToken: string } };
      if (!cookie) throw new Error('console sign-in failed');
      const headers = { cookie: `${CONSOLE_SESSION_COOKIE}=${cookie}` };
      const call = async (method: 'GET' | 'POST', path: string, body?: unknown) => {
        const response = await fetch(`${hq.url}/console/api${path}`, {
          method,
          headers: {
            ...headers,
            ...(method === 'POST'
              ? { [CONSOLE_CSRF_HEADER]: data.csrfToken, 'content-type': 'application/json' }
              : {}),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const json = (await response.json()) as { ok: boolean; error?: { message: string } };
        if (!json.ok) throw new Error(`${path}: ${json.error?.message}`);
        return json;
      };

      // --- the report ----------------------------------------------------------------------
      const to = new Date().toISOString().slice(0, 10);
      const from = new Date(Date.now() - (DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
      const report = `/reports/sales-by-day?from=${from}&to=${to}`;
      for (let i = 0; i < 3; i++) await call('GET', report); // warm caches and pools
      const reportMs: number[] = [];
      for (let i = 0; i < reportSamples; i++) {
        const start = performance.now();
        await call('GET', report);
        reportMs.push(performance.now() - start);
      }
      figures['hq.console_report_ms'] = summary(reportMs, [50, 95]);

      // --- a price edit until the till has it ----------------------------------------------
      ctx.log('console: enrolling a till for seattle');
      const store = await openEdgeStore({ dir: tillDir });
      const client = tillSyncClient(store, {});
      try {
        const code = await fetch(`${hq.url}/admin/v1/enrollment-codes`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${hq.adminToken}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ storeId: 'seattle', registerId: 'R01' }),
        });
        const created = ((await code.json()) as { data: EnrollmentCodeCreated }).data;
        await client.enroll({ hqUrl: hq.url, code: created.code });
        const sku = await withTenant(hq.central.pools.app, 'seattle', async (tx) => {
          const { rows } = await tx.query<{ sku: string }>(
            `SELECT sku FROM retail.products WHERE store_id = 'seattle' ORDER BY sku LIMIT 1`,
          );
          return rows[0]!.sku;
        });
        const tillCents = async (): Promise<number | undefined> => {
          const { rows } = await store.db.query<{ cents: number }>(
            `SELECT (price * 100)::int AS cents FROM retail.products WHERE sku = $1`,
            [sku],
          );
          return rows[0]?.cents;
        };
        const waitFor = async (cents: number, limitMs: number): Promise<void> => {
          const deadline = performance.now() + limitMs;
          while ((await tillCents()) !== cents) {
            if (performance.now() > deadline) throw new Error(`the till never showed ${cents}`);
            await new Promise((r) => setTimeout(r, 5));
          }
        };
        while ((await tillCents()) === undefined) await new Promise((r) => setTimeout(r, 50));
        const editMs: number[] = [];
        for (let i = 0; i < priceSamples; i++) {
          const cents = 10_000 + i;
          const start = performance.now();
          await call('POST', '/prices', { sku, priceCents: cents, storeIds: ['seattle'] });
          await waitFor(cents, 60_000);
          editMs.push(performance.now() - start);
        }
        figures['hq.price_edit_to_till_ms'] = summary(editMs, [50, 95]);
      } finally {
        await client.stop();
        await store.close();
      }
    } finally {
      await hq.close();
      await rm(hqDir, { recursive: true, force: true });
    }
    return figures;
  },
};

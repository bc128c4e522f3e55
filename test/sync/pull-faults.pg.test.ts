/**
 * Pull faults, against the real HQ service: a first download killed midway resumes, HQ
 * writers committing out of order never make the till skip a row (per-table checksums equal
 * HQ's, while a cursor on write time demonstrably skips), deletes made during a long offline
 * arrive, a key deleted and re-created meanwhile arrives as the new row, a restarted HQ
 * continues every feed, and forced / expired-cursor / reset-feed resyncs swap the catalog
 * while the till keeps selling and its queue stays intact.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendChanges, embeddingKey } from '../../db/central/feed-log';
import { pgQueryable } from '../../db/central/pool';
import { appendToEveryStoreFeed, setTenantKey, withTenant } from '../../db/central/tenant';
import { silentLogger } from '../../db/logger';
import { SyncClient } from '../../sync/client/sync-client';
import { pruneChangeLog } from '../../hq/services/retention';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  addRegister,
  catalogChecksums,
  eventually,
  hqChecksums,
  hqSalesOf,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from './harness';
import { openEdgeStore } from '../../till/node/store';
import { makeTempDir } from '../fixtures/till';
import { rm } from 'node:fs/promises';

let hq: TestHq;
const proxies: FaultProxy[] = [];
const tills: TestTillHandle[] = [];

beforeAll(async () => {
  hq = await startTestHq({ seed: { products: 40, customers: 60, sales: 0 } });
});

afterAll(async () => {
  for (const t of tills) await t.close().catch(() => undefined);
  for (const p of proxies) await p.close();
  await hq?.close();
});

async function proxy(seed: number): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: hq.url, seed, delayMs: [40, 60] });
  proxies.push(p);
  return p;
}

async function till(
  storeId: string,
  registerId: string,
  url: string,
  tuning: Record<string, number> = {},
): Promise<TestTillHandle> {
  const t = await openSyncTill({
    url,
    code: await hq.code(storeId, registerId),
    storeId,
    client: { tuning: { pullWaitMs: 500, ...tuning } },
  });
  tills.push(t);
  return t;
}

async function inSync(t: TestTillHandle, storeId: string, timeoutMs = 120_000): Promise<void> {
  await eventually(
    async () => {
      await t.client.syncNow();
      expect(await catalogChecksums(t.store.db, storeId)).toEqual(await hqChecksums(hq, storeId));
    },
    { timeoutMs, intervalMs: 100 },
  );
}

describe('first sync', () => {
  it('killed midway resumes where it stopped and ends equal to HQ', async () => {
    const p = await proxy(301);
    p.rates = { delay: 1 };
    const dir = await makeTempDir('edge-pos-resume-');
    let store = await openEdgeStore({ dir });
    let client = new SyncClient({
      db: store.db,
      tuning: { snapshotLimit: 8 },
      backoff: { baseMs: 20, maxMs: 100 },
      logger: silentLogger,
    });
    const code = await hq.code('redmond', 'R02');
    const enrolling = client.enroll({ hqUrl: p.url, code }).catch((e: unknown) => e);
    let total = 0;
    await eventually(async () => {
      const { rows } = await store.db.query<{ done_rows: number; total_rows: number }>(
        `SELECT done_rows, total_rows FROM pos.sync_snapshot`,
      );
      expect(Number(rows[0]?.done_rows ?? 0)).toBeGreaterThanOrEqual(30);
      total = Number(rows[0]!.total_rows);
    });
    // The till goes down in the middle of its first download.
    await client.stop();
    expect(await enrolling).toBeInstanceOf(Error);
    const { rows: midway } = await store.db.query<{ done_rows: number; token: string | null }>(
      `SELECT done_rows, token FROM pos.sync_snapshot`,
    );
    const doneBefore = Number(midway[0]!.done_rows);
    expect(doneBefore).toBeLessThan(total);
    expect(midway[0]!.token).not.toBeNull();
    await store.close();

    const requestsBefore = p.log.length;
    store = await openEdgeStore({ dir });
    client = new SyncClient({
      db: store.db,
      tuning: { snapshotLimit: 8 },
      backoff: { baseMs: 20, maxMs: 100 },
    });
    const progress: number[] = [];
    client.subscribe((s) => {
      if (s.progress) progress.push(s.progress.done);
    });
    await client.start();
    await client.whenReady();
    const after = p.log.slice(requestsBefore).filter((r) => r.path === '/v1/snapshot');
    // It continued with its stored position, never from the start.
    const firstBody = JSON.parse(after[0]!.body) as { token: string | null };
    expect(firstBody.token).toBe(midway[0]!.token);
    expect(
      after.every((r) => (JSON.parse(r.body) as { token: string | null }).token !== null),
    ).toBe(true);
    expect(Math.min(...progress)).toBeGreaterThan(doneBefore - 1);
    expect(await catalogChecksums(store.db, 'redmond')).toEqual(await hqChecksums(hq, 'redmond'));
    await client.stop();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('concurrent HQ writers', () => {
  it('a write-time cursor skips a late committer; the feed does not', async () => {
    const t = await till('seattle', 'R01', hq.url);
    const products = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 2`,
    );
    const [a, b] = products.rows.map((r) => r.product_id);
    // A naive poller orders the log by when the writing transaction started (created_at).
    const naiveSince = async (since: string): Promise<Array<{ at: string; key: string }>> =>
      withTenant(hq.db.pools.app, 'seattle', async (tx) => {
        const { rows } = await tx.query<{ at: string; key: string }>(
          `SELECT to_char(created_at, 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at, key
             FROM sync.change_log WHERE store_id = 'seattle' AND created_at > $1::timestamp
            ORDER BY created_at, seq`,
          [since],
        );
        return rows;
      });
    const naiveStart = await withTenant(hq.db.pools.app, 'seattle', async (tx) => {
      const { rows } = await tx.query<{ at: string }>(
        `SELECT to_char(coalesce(max(created_at), '-infinity'), 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at
           FROM sync.change_log WHERE store_id = 'seattle'`,
      );
      return rows[0]!.at;
    });
    // Writer A writes first but commits last.
    const clientA = await hq.db.pools.app.connect();
    await clientA.query('BEGIN');
    await setTenantKey(clientA, 'seattle');
    await clientA.query(
      `UPDATE retail.products SET price = price + 1 WHERE store_id = 'seattle' AND product_id = $1`,
      [a],
    );
    await withTenant(hq.db.pools.app, 'seattle', async (tx) => {
      await tx.query(
        `UPDATE retail.products SET price = price + 2 WHERE store_id = 'seattle' AND product_id = $1`,
        [b],
      );
      tx.changes.record('product', [b!]);
    });
    // A naive poller now reads B and moves its cursor past A's start...
    const naiveSeen = await naiveSince(naiveStart);
    const naiveNext = naiveSeen[naiveSeen.length - 1]!.at;
    // ...meanwhile the till pulls: it must not get past A.
    await t.client.syncNow();
    await appendChanges(pgQueryable(clientA), 'seattle', [
      { entity: 'product', key: a!, op: 'upsert', version: null },
    ]);
    await clientA.query('COMMIT');
    clientA.release();
    const naiveLater = await naiveSince(naiveNext);
    expect(naiveSeen.map((r) => r.key)).toEqual([b]);
    expect(naiveLater.map((r) => r.key)).not.toContain(a); // the naive cursor skipped A
    await inSync(t, 'seattle');
    const prices = await t.store.db.query<{ product_id: string; cents: number }>(
      `SELECT product_id, (price * 100)::bigint AS cents FROM retail.products WHERE product_id = ANY($1::uuid[])`,
      [[a, b]],
    );
    const atHq = await withTenant(hq.db.pools.app, 'seattle', (tx) =>
      tx.query<{ product_id: string; cents: number }>(
        `SELECT product_id, (price * 100)::bigint AS cents FROM retail.products
          WHERE store_id = 'seattle' AND product_id = ANY($1::uuid[])`,
        [[a, b]],
      ),
    );
    const sort = (rows: Array<{ product_id: string; cents: number }>) =>
      rows.map((r) => [r.product_id, Number(r.cents)]).sort();
    expect(sort(prices.rows)).toEqual(sort(atHq.rows));
  });

  it('eight writers committing out of order: per-table checksums on the till equal HQ', async () => {
    const t = await till('redmond', 'R01', hq.url, { pullLimit: 7 });
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id`,
    );
    const ids = rows.map((r) => r.product_id);
    let seed = 77;
    const random = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const writers = Array.from({ length: 8 }, async (_, w) => {
      for (let round = 0; round < 12; round++) {
        await withTenant(hq.db.pools.app, 'redmond', async (tx) => {
          // Sorted, as a careful writer does, so the writers never deadlock each other.
          const touched = [
            ...new Set([0, 1, 2].map(() => ids[Math.floor(random() * ids.length)]!)),
          ].sort();
          for (const id of touched) {
            await tx.query(
              `UPDATE retail.products SET price = price + 0.01, product_name = $2
                WHERE store_id = 'redmond' AND product_id = $1`,
              [id, `Renamed by writer ${w} round ${round}`],
            );
            tx.changes.record('product', [id]);
            await sleep(Math.floor(random() * 15));
          }
          if (round % 3 === 0) {
            const { rows: changed } = await tx.query<{ customer_id: string }>(
              `UPDATE retail.customers SET loyalty_tier = $2
                WHERE store_id = 'redmond' AND customer_id =
                  (SELECT customer_id FROM retail.customers WHERE store_id = 'redmond'
                    ORDER BY customer_id OFFSET $1 LIMIT 1)
                RETURNING customer_id`,
              [Math.floor(random() * 10), ['bronze', 'silver', 'gold', 'platinum'][w % 4]],
            );
            tx.changes.record(
              'customer',
              changed.map((c) => c.customer_id),
            );
          }
          await sleep(Math.floor(random() * 25));
        });
      }
    });
    // The till keeps pulling (long polls) while they write, and rings sales too.
    const selling = (async () => {
      for (let i = 0; i < 5; i++) {
        await ringSale(t, { lines: 1, offset: i });
        await sleep(40);
      }
    })();
    await Promise.all([...writers, selling]);
    await inSync(t, 'redmond');
    const atHq = await hqSalesOf(hq, 'redmond');
    const local = await t.store.db.query<{ id: string }>(
      `SELECT transaction_id AS id FROM retail.sales_transactions`,
    );
    for (const r of local.rows) expect(atHq.has(r.id)).toBe(true);
  });
});

describe('deletes during a long offline', () => {
  it('reach the till when it comes back', async () => {
    const p = await proxy(302);
    const t = await till('bellevue', 'R01', p.url);
    const owner = hq.db.pools.owner;
    // A category of its own, used by one product, known to the till.
    expect(
      (await hq.admin('PUT', '/categories', { categoryId: 90, categoryName: 'Seasonal' })).status,
    ).toBe(200);
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 5`,
    );
    const [moved, ...doomed] = rows.map((r) => r.product_id);
    expect(
      (await hq.admin('PATCH', `/stores/bellevue/products/${moved}`, { categoryId: 90 })).status,
    ).toBe(200);
    await inSync(t, 'bellevue');

    p.offline = true;
    await eventually(async () => expect((await t.client.status()).online).toBe(false));
    for (const id of doomed.slice(0, 3)) {
      expect((await hq.admin('DELETE', `/stores/bellevue/products/${id}`)).status).toBe(200);
    }
    await withTenant(hq.db.pools.app, 'bellevue', async (tx) => {
      const { rows: gone } = await tx.query<{ customer_id: string }>(
        `DELETE FROM retail.customers WHERE store_id = 'bellevue' AND customer_id IN
           (SELECT customer_id FROM retail.customers WHERE store_id = 'bellevue' ORDER BY customer_id LIMIT 2)
         RETURNING customer_id`,
      );
      tx.changes.record(
        'customer',
        gone.map((c) => c.customer_id),
        'delete',
      );
    });
    expect(
      (await hq.admin('PATCH', `/stores/bellevue/products/${moved}`, { categoryId: 1 })).status,
    ).toBe(200);
    // Categories are shared: the change goes into every store's feed.
    const ownerClient = await owner.connect();
    try {
      await ownerClient.query('BEGIN');
      await ownerClient.query(`DELETE FROM retail.product_categories WHERE category_id = 90`);
      await appendToEveryStoreFeed(pgQueryable(ownerClient), [
        { entity: 'category', key: '90', op: 'delete', version: null },
      ]);
      await ownerClient.query('COMMIT');
    } finally {
      ownerClient.release();
    }
    await ringSale(t, { lines: 2, offset: 6 });
    expect(await catalogChecksums(t.store.db, 'bellevue')).not.toEqual(
      await hqChecksums(hq, 'bellevue'),
    );

    p.offline = false;
    t.client.nudge();
    await inSync(t, 'bellevue');
    const gone = await t.store.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM retail.products WHERE product_id = ANY($1::uuid[])`,
      [doomed.slice(0, 3)],
    );
    expect(gone.rows[0]!.n).toBe(0);
    const category = await t.store.db.query(
      `SELECT 1 FROM retail.product_categories WHERE category_id = 90`,
    );
    expect(category.rows).toHaveLength(0);
    expect((await t.client.status()).pendingCount).toBe(0);
  });
});

describe('a key deleted and re-created during a long offline (issue 11.3)', () => {
  it('reaches the till as the new row, not the old one it had', async () => {
    const p = await proxy(305);
    await addRegister(hq, 'bellevue', 'R05');
    const t = await till('bellevue', 'R05', p.url);
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id DESC LIMIT 1`,
    );
    const productId = rows[0]!.product_id;
    const path = `/stores/bellevue/products/${productId}`;
    // A few edits the till receives: its copy ends at version 4.
    for (const priceCents of [1_111, 2_222, 3_333]) {
      expect((await hq.admin('PATCH', path, { priceCents })).status).toBe(200);
    }
    await inSync(t, 'bellevue');
    const before = await t.store.db.query<{ version: number }>(
      `SELECT version FROM retail.products WHERE product_id = $1`,
      [productId],
    );
    expect(Number(before.rows[0]!.version)).toBe(4);

    p.offline = true;
    await eventually(async () => expect((await t.client.status()).online).toBe(false));
    const old = (
      await hq.admin<{ data: { products: Array<Record<string, unknown>> } }>(
        'GET',
        '/stores/bellevue/products?limit=200',
      )
    ).body.data.products.find((x) => x.productId === productId)!;
    // HQ deletes the product and adds it again under the same key, renamed and repriced: the
    // new row starts again at version 1, below what the till holds.
    expect((await hq.admin('DELETE', path)).status).toBe(200);
    const { version: _version, ...recreate } = old;
    const created = await hq.admin<{ data: { version: number } }>(
      'POST',
      '/stores/bellevue/products',
      { ...recreate, productName: 'Re-created under the same key', priceCents: 4_242 },
    );
    expect(created.status).toBe(200);

    p.offline = false;
    t.client.nudge();
    await inSync(t, 'bellevue');
    const after = await t.store.db.query<{ product_name: string; cents: number }>(
      `SELECT product_name, (price * 100)::bigint AS cents FROM retail.products WHERE product_id = $1`,
      [productId],
    );
    expect(after.rows).toEqual([{ product_name: 'Re-created under the same key', cents: 4_242 }]);
    expect((await t.client.status()).pendingCount).toBe(0);
  });
});

describe('HQ restarts', () => {
  it("a restarted HQ continues every till's feed: no reset, no download", async () => {
    const p = await proxy(306);
    await addRegister(hq, 'redmond', 'R06');
    const t = await till('redmond', 'R06', p.url);
    await inSync(t, 'redmond');
    const cursor = async (): Promise<string> =>
      (await t.store.db.query<{ c: string }>(`SELECT pull_cursor AS c FROM pos.sync_state`))
        .rows[0]!.c;
    const before = await cursor();
    const snapshots = p.stats.requests['/v1/snapshot'] ?? 0;
    await hq.restart();
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 1`,
    );
    const path = `/stores/redmond/products/${rows[0]!.product_id}`;
    expect((await hq.admin('PATCH', path, { priceCents: 7_777 })).status).toBe(200);
    await inSync(t, 'redmond');
    const after = await cursor();
    // Same feed epoch, a later position, and no download since the restart.
    expect(after.split('.')[1]).toBe(before.split('.')[1]);
    expect(Number(after.split('.')[3])).toBeGreaterThan(Number(before.split('.')[3]));
    expect(p.stats.requests['/v1/snapshot'] ?? 0).toBe(snapshots);
  });
});

describe('a catalog row the till cannot store', () => {
  it('is left out and reported; later changes still arrive', async () => {
    await addRegister(hq, 'redmond', 'R03');
    const t = await till('redmond', 'R03', hq.url);
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id LIMIT 2`,
    );
    const [bad, priced] = rows.map((r) => r.product_id);
    // HQ holds an embedding of the wrong dimension for the built-in model (a broken provider).
    await withTenant(hq.db.pools.app, 'redmond', async (tx) => {
      await tx.query(
        `INSERT INTO retail.product_embeddings (store_id, product_id, embedding_model, embedding_text, embedding)
         VALUES ('redmond', $1, 'edge-hash-256-v1', 'broken', '{0.6,0.8}')`,
        [bad],
      );
      await tx.query(
        `UPDATE retail.products SET price = 123.45 WHERE store_id = 'redmond' AND product_id = $1`,
        [priced],
      );
      tx.changes.record('embedding', [embeddingKey(bad!, 'edge-hash-256-v1')]);
      tx.changes.record('product', [priced!]);
    });
    await eventually(async () => {
      await t.client.syncNow();
      const { rows: p } = await t.store.db.query<{ cents: number }>(
        `SELECT (price * 100)::int AS cents FROM retail.products WHERE product_id = $1`,
        [priced],
      );
      expect(Number(p[0]?.cents)).toBe(12_345);
    });
    const stored = await t.store.db.query(
      `SELECT 1 FROM retail.product_embeddings WHERE product_id = $1 AND embedding_text = 'broken'`,
      [bad],
    );
    expect(stored.rows).toHaveLength(0);
    // A later change is applied normally.
    expect(
      (await hq.admin('PATCH', `/stores/redmond/products/${priced}`, { priceCents: 999 })).status,
    ).toBe(200);
    await eventually(async () => {
      const { rows: p } = await t.store.db.query<{ cents: number }>(
        `SELECT (price * 100)::int AS cents FROM retail.products WHERE product_id = $1`,
        [priced],
      );
      expect(Number(p[0]?.cents)).toBe(999);
    });
  });
});

describe('resync', () => {
  it('an administrator forces one: the catalog is swapped at once, sales keep going, the queue stays', async () => {
    const p = await proxy(303);
    await addRegister(hq, 'seattle', 'R09');
    const t = await till('seattle', 'R09', p.url, { snapshotLimit: 6 });
    // Local drift HQ never sent: a stray product, a wrong price, a lost customer.
    await t.store.db.query(
      `INSERT INTO retail.products (store_id, product_id, sku, product_name, price, version)
       VALUES ('seattle', '0196f000-0000-7000-8000-00000000d1f7', 'STRAY-1', 'Stray', 1.00, 1)`,
    );
    await t.store.db.query(
      `UPDATE retail.products SET price = 0.01, version = version + 100
        WHERE product_id = (SELECT product_id FROM retail.products ORDER BY product_id LIMIT 1)`,
    );
    await t.store.db.query(
      `DELETE FROM retail.customers WHERE customer_id = (SELECT customer_id FROM retail.customers ORDER BY customer_id LIMIT 1)`,
    );
    p.offline = true;
    const before = await ringSale(t, { lines: 2 });
    const deviceId = t.client.snapshot().deviceId!;
    expect((await hq.admin('POST', `/stores/seattle/devices/${deviceId}/resync`)).status).toBe(200);
    p.rates = { delay: 1 };
    p.offline = false;
    t.client.nudge();
    // While the staged download runs the till sells from its intact catalog.
    let sawStaged = false;
    let during: Awaited<ReturnType<typeof ringSale>> | undefined;
    await eventually(async () => {
      const { rows } = await t.store.db.query<{ mode: string }>(
        `SELECT mode FROM pos.sync_snapshot`,
      );
      if (rows[0]?.mode === 'staged') {
        sawStaged = true;
        const count = await t.store.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM retail.products`,
        );
        expect(count.rows[0]!.n).toBeGreaterThan(40);
        during ??= await ringSale(t, { lines: 1, offset: 9 });
      }
      expect(sawStaged).toBe(true);
      expect(rows).toHaveLength(0);
    });
    p.rates = {};
    await inSync(t, 'seattle');
    const stray = await t.store.db.query(`SELECT 1 FROM retail.products WHERE sku = 'STRAY-1'`);
    expect(stray.rows).toHaveLength(0);
    await eventually(async () => expect((await t.client.status()).pendingCount).toBe(0));
    const atHq = await hqSalesOf(hq, 'seattle');
    expect(atHq.get(before.receipt.transactionId)).toBe(before.receipt.totalCents);
    expect(atHq.get(during!.receipt.transactionId)).toBe(during!.receipt.totalCents);
  });

  it('an expired cursor gets a full download instead of a gap', async () => {
    const p = await proxy(304);
    const t = await till('online', 'R01', p.url);
    p.offline = true;
    await eventually(async () => expect((await t.client.status()).online).toBe(false));
    const { rows } = await t.store.db.query<{ product_id: string }>(
      `SELECT product_id FROM retail.products ORDER BY product_id DESC LIMIT 1`,
    );
    expect(
      (await hq.admin('DELETE', `/stores/online/products/${rows[0]!.product_id}`)).status,
    ).toBe(200);
    // HQ's retention drops everything the till has not seen (the delete included). The pruner
    // keeps changes newer than the oldest running transaction on the server, and other test
    // files share it, so prune until the store's feed is really empty.
    await eventually(async () => {
      await pruneChangeLog(hq.db.pools.app, { retentionDays: 0, logger: silentLogger });
      const left = await withTenant(hq.db.pools.app, 'online', async (tx) => {
        const { rows } = await tx.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM sync.change_log WHERE store_id = 'online'`,
        );
        return rows[0]!.n;
      });
      expect(left).toBe(0);
    });
    const snapshotsBefore = p.stats.requests['/v1/snapshot'] ?? 0;
    p.offline = false;
    t.client.nudge();
    await inSync(t, 'online');
    expect(p.stats.requests['/v1/snapshot'] ?? 0).toBeGreaterThan(snapshotsBefore);
    const gone = await t.store.db.query(`SELECT 1 FROM retail.products WHERE product_id = $1`, [
      rows[0]!.product_id,
    ]);
    expect(gone.rows).toHaveLength(0);
  });

  it('a reset feed (HQ restored) makes every till of the store download afresh', async () => {
    const t = await till('bellevue', 'R02', hq.url);
    const feedBefore = await t.store.db.query<{ c: string }>(
      `SELECT pull_cursor AS c FROM pos.sync_state`,
    );
    expect((await hq.admin('POST', '/stores/bellevue/feed/reset')).status).toBe(200);
    await inSync(t, 'bellevue');
    const feedAfter = await t.store.db.query<{ c: string }>(
      `SELECT pull_cursor AS c FROM pos.sync_state`,
    );
    expect(feedAfter.rows[0]!.c.split('.')[1]).not.toBe(feedBefore.rows[0]!.c.split('.')[1]);
  });
});

/**
 * A queue that cannot jam (issue 11): a power cut that loses the till database's writes made
 * after HQ acknowledged sales and after the journal was compacted leaves a hole in the outbox
 * (the acknowledged mutations are gone from both). The till must not refuse every later push
 * as a gap: the journal keeps the acknowledged high-water mark, replay restores it, and a gap
 * HQ proves harmless (it already holds everything in the hole) heals itself. And pushing and
 * pulling fail independently: a push that keeps failing never stops catalog updates.
 * Real HQ, real PostgreSQL, real PGlite till on disk.
 */
import { createHash } from 'node:crypto';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy';
import {
  eventually,
  hqSalesOf,
  openSyncTill,
  ringSale,
  startTestHq,
  type TestHq,
  type TestTillHandle,
} from './harness';
import { makeTempDir } from '../fixtures/till';

let hq: TestHq;
const proxies: FaultProxy[] = [];
const open: TestTillHandle[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  hq = await startTestHq();
});
afterAll(async () => {
  for (const t of open) await t.close({ keepDir: true }).catch(() => undefined);
  for (const p of proxies) await p.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  await hq?.close();
});

async function proxy(seed: number): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: hq.url, seed });
  proxies.push(p);
  return p;
}

async function drained(t: TestTillHandle): Promise<void> {
  await eventually(async () => expect((await t.client.status()).pendingCount).toBe(0));
}

async function tillPrice(t: TestTillHandle, productId: string): Promise<number> {
  const { rows } = await t.store.db.query<{ cents: number }>(
    `SELECT (price * 100)::int AS cents FROM retail.products WHERE product_id = $1`,
    [productId],
  );
  return Number(rows[0]?.cents);
}

/**
 * A journal written before it kept the acknowledged mark: its watermark line without `acked`
 * (re-hashed as the journal does), so replay cannot restore the mark and the outbox's hole is
 * below what the till sends next: HQ must prove it harmless.
 */
async function forgetAckedMark(dir: string): Promise<void> {
  const path = join(dir, 'sale-journal.ndjson');
  const [first, ...rest] = (await readFile(path, 'utf8')).split('\n');
  const record = JSON.parse(first!) as { k: string; w: Record<string, number> };
  expect(record.k).toBe('w');
  expect(record.w.acked).toBeGreaterThan(0);
  const { acked: _acked, ...w } = record.w;
  const json = JSON.stringify(w);
  const hash = createHash('sha256').update(json).digest('hex').slice(0, 16);
  await writeFile(path, [`{"k":"w","w":${json},"h":"${hash}"}`, ...rest].join('\n'));
}

describe('a power cut across an acknowledgement and a journal compaction', () => {
  it.each([
    ['the journal restores the acknowledged mark', false],
    ['a journal without the mark: HQ proves the hole harmless', true],
  ])(
    'leaves no jam (%s): the till pushes on, HQ holds every sale once, catalog updates flow',
    async (_name, oldJournal) => {
      const p = await proxy(oldJournal ? 303 : 301);
      const dir = await makeTempDir('edge-pos-jam-');
      dirs.push(dir);
      const store = oldJournal ? 'seattle' : 'redmond';
      const code = await hq.code(store, 'R01');
      let t = await openSyncTill({ url: p.url, code, storeId: store, dir });
      const early = await ringSale(t, { lines: 1, offset: 0 });
      await drained(t);
      await t.close({ keepDir: true });
      // The database files as the disk last held them (PGlite does not fsync).
      const disk = `${dir}-pgdata-at-cut`;
      dirs.push(disk);
      await cp(join(dir, 'pgdata'), disk, { recursive: true });

      t = await openSyncTill({ url: p.url, storeId: store, dir });
      open.push(t);
      const acked = [];
      for (let i = 1; i <= 3; i++) acked.push(await ringSale(t, { lines: 1, offset: i }));
      // HQ acknowledges them; the journal is compacted (the harness's afterAck hook).
      await drained(t);
      await eventually(async () => {
        const { rows } = await t.store.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pos.outbox`,
        );
        expect(rows[0]!.n).toBeGreaterThan(0);
        // Compaction ran: the journal holds nothing HQ acknowledged.
        expect((await t.store.compactJournal()).kept).toBe(0);
      });
      p.offline = true;
      const later = await ringSale(t, { lines: 1, offset: 5 });
      await t.close({ keepDir: true });
      open.pop();

      // The power cut: everything the database wrote since `disk` is lost; the journal stays.
      await rm(join(dir, 'pgdata'), { recursive: true, force: true });
      await cp(disk, join(dir, 'pgdata'), { recursive: true });
      if (oldJournal) await forgetAckedMark(dir);

      p.offline = false;
      t = await openSyncTill({ url: p.url, storeId: store, dir });
      open.push(t);
      expect(t.store.replayed.length).toBeGreaterThan(0);
      await drained(t);
      const status = await t.client.status();
      expect(status.lastError).toBeNull();

      const atHq = await hqSalesOf(hq, store);
      for (const sale of [early, ...acked, later]) {
        expect(atHq.get(sale.receipt.transactionId)).toBe(sale.receipt.totalCents);
      }
      expect(atHq.size).toBe(5);

      // And the catalog keeps updating.
      const { rows } = await t.store.db.query<{ product_id: string; cents: number }>(
        `SELECT product_id, (price * 100)::int AS cents FROM retail.products ORDER BY sku LIMIT 1`,
      );
      const target = Number(rows[0]!.cents) + 7;
      const r = await hq.admin('PATCH', `/stores/${store}/products/${rows[0]!.product_id}`, {
        priceCents: target,
      });
      expect(r.status).toBe(200);
      await eventually(async () => expect(await tillPrice(t, rows[0]!.product_id)).toBe(target));
    },
  );
});

describe('pushing and pulling fail independently', () => {
  it('a push that keeps failing never stops a price change reaching the till', async () => {
    const p = await proxy(302);
    const t = await openSyncTill({
      url: p.url,
      code: await hq.code('bellevue', 'R01'),
      storeId: 'bellevue',
    });
    open.push(t);
    // Every push for a long while is answered 503 (HQ overloaded on the write path only).
    p.script(
      ...Array.from({ length: 5_000 }, () => ({ fault: 'unavailable' as const, path: '/v1/push' })),
    );
    await ringSale(t, { lines: 1, offset: 0 });
    // The push is being refused before the price changes, so the price cannot ride in on the
    // idle long poll of a till that has not tried to push yet.
    t.client.nudge();
    await eventually(() => Promise.resolve(expect(p.stats.unavailable).toBeGreaterThan(0)));
    const { rows } = await t.store.db.query<{ product_id: string; cents: number }>(
      `SELECT product_id, (price * 100)::int AS cents FROM retail.products ORDER BY sku LIMIT 1`,
    );
    const target = Number(rows[0]!.cents) + 11;
    const r = await hq.admin('PATCH', `/stores/bellevue/products/${rows[0]!.product_id}`, {
      priceCents: target,
    });
    expect(r.status).toBe(200);
    t.client.nudge();
    await eventually(async () => expect(await tillPrice(t, rows[0]!.product_id)).toBe(target));
    // The price arrived while the sale is still waiting: the failing push did not block it.
    expect((await t.client.status()).pendingSales).toBe(1);
    expect(p.stats.unavailable).toBeGreaterThan(0);
  });
});

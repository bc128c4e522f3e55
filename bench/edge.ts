/**
 * Edge (till) figures on a 50,000-product store, all from one run:
 *   edge.sale_commit_ms {p50,p99}   5-line sale: transaction, items, tenders, stock, outbox, journal fsync
 *   edge.raw_insert_ms {p50}        one bare INSERT in the same database: the floor a commit compares with
 *   edge.sku_lookup_ms {p50,p99}    scanner lookup by SKU or barcode
 *   edge.text_search_ms {p50,p95}   plain full-text search
 *   edge.open_ms                    reopen an existing store database (median of 5)
 *   edge.first_open_ms              create a new store database (template) (median of 3)
 *   edge.pin_login_ms {p50,p95}     a named cashier's PIN login: one bcrypt check at PIN_HASH_COST
 *   edge.rss_mb                     resident memory of this process after the run
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import { createTillContext } from '../db/checkout/context';
import { commitSale } from '../db/checkout/sale';
import { login } from '../db/checkout/session';
import { openShift } from '../db/checkout/shifts';
import { openEdgeStore } from '../till/node/store';
import { lookupByCode, searchText } from '../db/queries/catalog';
import { demoStaff, generateCatalog, Rng, toProductEntity } from '../db/seed/generate';
import { seedTill } from '../db/seed/write-edge';
import { CATEGORIES } from '../db/seed/vocabulary';
import type { BenchContext, Figures, Suite } from './suite';
import { percentile, round, summary } from './stats';

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function run(ctx: BenchContext): Promise<Figures> {
  const products = ctx.quick ? 2_000 : 50_000;
  const dir = join(ctx.workDir, 'store');
  const rng = new Rng(2026);

  const firstOpens: number[] = [];
  for (let i = 0; i < 3; i++) {
    const scratch = join(ctx.workDir, `first-${i}`);
    let opened: Awaited<ReturnType<typeof openEdgeStore>> | undefined;
    firstOpens.push(await timed(async () => (opened = await openEdgeStore({ dir: scratch }))));
    await opened?.close();
    await rm(scratch, { recursive: true, force: true });
  }

  ctx.log(`seeding a ${products}-product store`);
  let store = await openEdgeStore({ dir });
  await seedTill(store.db, {
    storeId: 'seattle',
    registerId: 'R01',
    deviceId: 'bench-till',
    seed: 42,
    products,
    customers: 2_000,
  });
  await store.maintain();
  await store.close();

  const opens: number[] = [];
  for (let i = 0; i < 5; i++) {
    opens.push(await timed(async () => (store = await openEdgeStore({ dir }))));
    if (i < 4) await store.close();
  }

  const till = await createTillContext({ db: store.db, journal: store.journal });
  const cashier = demoStaff('seattle').find((s) => s.role === 'cashier');
  if (!cashier) throw new Error('no cashier');
  const logins: number[] = [];
  for (let i = 0; i < (ctx.quick ? 5 : 15); i++)
    logins.push(await timed(() => login(till, { staffId: cashier.staffId, pin: cashier.pin })));
  ctx.log(`PIN login p50 ${percentile(logins, 50).toFixed(1)} ms`);
  await openShift(till, { staffId: cashier.staffId, openingFloatCents: 10_000 });
  const catalog = generateCatalog({ seed: 42, products })
    .map(toProductEntity)
    .filter((p) => p.isActive);

  const sale = () => {
    const lines = Array.from({ length: 5 }, () => {
      const p = rng.pick(catalog);
      return {
        productId: p.productId,
        sku: p.sku,
        productName: p.productName,
        categoryId: p.categoryId,
        unitPriceCents: p.priceCents,
        quantity: rng.int(1, 3),
      };
    });
    return commitSale(till, {
      cart: { lines },
      tenders: [{ type: 'cash', tenderedCents: 999_999_999 }],
      cashierId: cashier.staffId,
    });
  };
  await store.db.exec('CREATE TEMP TABLE bench_raw (id bigint PRIMARY KEY, payload text)');
  const commits: number[] = [];
  const raws: number[] = [];
  const rounds = ctx.quick ? 60 : 400;
  for (let i = 0; i < rounds + 20; i++) {
    const c = await timed(sale);
    const r = await timed(() =>
      store.db.query('INSERT INTO bench_raw (id, payload) VALUES ($1, $2)', [i, 'x'.repeat(64)]),
    );
    if (i >= 20) {
      commits.push(c);
      raws.push(r);
    }
  }
  ctx.log(
    `sale commit p50 ${percentile(commits, 50).toFixed(2)} ms, raw insert p50 ${percentile(raws, 50).toFixed(3)} ms`,
  );

  const lookups: number[] = [];
  for (let i = 0; i < (ctx.quick ? 300 : 3_000); i++) {
    const p = rng.pick(catalog);
    const code = rng.chance(0.5) ? p.sku : (p.barcode ?? p.sku);
    lookups.push(await timed(() => lookupByCode(store.db, 'seattle', code)));
  }

  const words = CATEGORIES.flatMap((c) =>
    c.types.flatMap((t) => [
      t.noun,
      ...t.brands.slice(0, 2),
      `${t.brands[0] ?? ''} ${t.noun}`,
      ...(t.colors ?? []).slice(0, 1).map((col) => `${col} ${t.noun}`),
    ]),
  );
  const searches: number[] = [];
  for (let i = 0; i < (ctx.quick ? 100 : 600); i++) {
    const q = rng.pick(words);
    searches.push(
      await timed(() => searchText(store.db, { storeId: 'seattle', query: q, limit: 20 })),
    );
  }

  const rssMb = process.memoryUsage().rss / (1024 * 1024);
  await store.close();
  return {
    'edge.sale_commit_ms': summary(commits, [50, 99]),
    'edge.raw_insert_ms': summary(raws, [50]),
    'edge.sku_lookup_ms': summary(lookups, [50, 99]),
    'edge.text_search_ms': summary(searches, [50, 95]),
    'edge.open_ms': round(percentile(opens, 50), 1),
    'edge.first_open_ms': round(percentile(firstOpens, 50), 1),
    'edge.pin_login_ms': summary(logins, [50, 95]),
    'edge.rss_mb': round(rssMb, 1),
  };
}

export const suite: Suite = { name: 'edge', run };

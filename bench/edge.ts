/**
 * Edge (till) figures on a 50,000-product store, all from one run:
 *   edge.sale_commit_ms {p50,p99}   5-line sale: transaction, items, tenders, stock, outbox, journal fsync
 *   edge.sale_floor_ms {p50,p99}    the honest floor of a sale, measured alternately with the commits:
 *                                   ONE prepared call that writes an already built 5-line sale's rows
 *                                   (transaction, lines, payment, stock movements, outbox row) plus one
 *                                   journal append with fdatasync. No reads, checks or numbering.
 *   edge.sale_commit_floor_ratio    commit p50 / floor p50 of this run (target <= 2)
 *   edge.sale_parts_ms {...}        p50 of the commit's parts: context (the one read call), write (the
 *                                   one write call), journal (append + fdatasync), js (the rest: pricing,
 *                                   validation, JSON), calls (PGlite protocol calls per sale)
 *   edge.raw_insert_ms {p50}        one bare INSERT in the same database (a lower bound, not the floor)
 *   edge.sku_lookup_ms {p50,p99}    scanner lookup by SKU or barcode
 *   edge.text_search_ms {p50,p95}   plain full-text search
 *   edge.open_ms                    reopen an existing store database (median of 5)
 *   edge.first_open_ms              create a new store database (template) (median of 3)
 *   edge.pin_login_ms {p50,p95}     a named cashier's PIN login: one bcrypt check at PIN_HASH_COST
 *   edge.rss_mb                     resident memory of this process after the run
 */
import { join } from 'node:path';
import { rm } from 'node:fs/promises';
import type { PGlite } from '@electric-sql/pglite';
import { createTillContext, type TillContext } from '../db/checkout/context';
import { priceCart } from '../core/pricing';
import { commitSale, saleLines, saleMovements, taxRatesOf } from '../db/checkout/sale';
import { receiptNumber } from '../db/checkout/shared';
import { login } from '../db/checkout/session';
import { openShift } from '../db/checkout/shifts';
import { settleTenders } from '../core/tenders';
import { FileJournal } from '../db/edge/journal';
import type { Journal } from '../db/edge/journal-types';
import { preparedStatement, runPrepared } from '../db/prepared';
import { openEdgeStore } from '../till/node/store';
import { saleRowsCtes } from '../db/mutations/apply-edge';
import type { Mutation } from '../contract/mutations';
import { readStoreConfig } from '../db/queries/identity';
import { lookupByCode, searchText } from '../db/queries/catalog';
import { demoStaff } from '../db/seed/chain';
import { generateCatalog, toProductEntity } from '../db/seed/catalog';
import { Rng } from '../db/seed/random';
import { seedTill } from '../db/seed/write-edge';
import { CATEGORIES } from '../db/seed/vocabulary';
import type { BenchContext, Figures, Suite } from './suite';
import { percentile, round, summary } from './stats';

/**
 * The floor: one prepared statement writing a sale's rows and its outbox row, nothing else.
 * Floor sales use receipt numbers and mutation IDs far above the real ones, so they never
 * collide with the commits they alternate with.
 */
const FLOOR = preparedStatement(
  'bench_sale_floor',
  `WITH s AS (SELECT $2::jsonb AS j),
     o AS (
       INSERT INTO pos.outbox (mutation_id, mutation_type, entity_id, payload)
       SELECT $4::bigint, 'sale.recorded', (s.j->>'transactionId')::uuid, s.j FROM s
     ),
     ${saleRowsCtes({ store: '$1::text', device: '$3::text', mutationId: '$4::bigint' })}
   SELECT 1`,
);
const FLOOR_BASE = 1_000_000_000;

/**
 * Counts and times every PGlite protocol call (execProtocol: prepared statements;
 * execProtocolStream: what query/exec/transaction send) until `restore()`. Patched on the
 * instance so PGlite's own internal calls are seen too.
 */
function instrument(db: PGlite): { calls: number[]; restore: () => void } {
  const calls: number[] = [];
  const target = db as unknown as Record<string, unknown>;
  const names = ['execProtocol', 'execProtocolStream'] as const;
  for (const name of names) {
    const original = (db[name] as (...args: unknown[]) => Promise<unknown>).bind(db);
    target[name] = async (...args: unknown[]): Promise<unknown> => {
      const start = performance.now();
      try {
        return await original(...args);
      } finally {
        calls.push(performance.now() - start);
      }
    };
  }
  return {
    calls,
    restore: () => {
      for (const name of names) delete target[name];
    },
  };
}

/**
 * Times commits part by part on an instrumented till: context (the first PGlite call), write
 * (the other calls), journal (append + fdatasync), js (everything else), calls per sale.
 */
function saleRecorder(till: TillContext) {
  const { calls, restore } = instrument(till.db as PGlite);
  let journalMs = 0;
  const journal: Journal = {
    append: async (mutation) => {
      const start = performance.now();
      await till.journal.append(mutation);
      journalMs = performance.now() - start;
    },
  };
  const parts = {
    context: [] as number[],
    write: [] as number[],
    journal: [] as number[],
    js: [] as number[],
    calls: [] as number[],
  };
  return {
    till: { ...till, journal } satisfies TillContext,
    /** Time one commit; `keep` false for warm-up rounds. */
    async commit(fn: () => Promise<unknown>, keep: boolean): Promise<number> {
      calls.length = 0;
      journalMs = 0;
      const total = await timed(fn);
      if (keep) {
        parts.calls.push(calls.length);
        parts.context.push(calls[0] ?? 0);
        parts.write.push(calls.slice(1).reduce((a, b) => a + b, 0));
        parts.journal.push(journalMs);
        parts.js.push(total - calls.reduce((a, b) => a + b, 0) - journalMs);
      }
      return total;
    },
    summary(): Record<string, number> {
      return Object.fromEntries(
        Object.entries(parts).map(([k, v]) => [k, round(percentile(v, 50))]),
      );
    },
    restore,
  };
}

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

  const sale = (t: TillContext = till) => {
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
    return commitSale(t, {
      cart: { lines },
      tenders: [{ type: 'cash', tenderedCents: 999_999_999 }],
      cashierId: cashier.staffId,
    });
  };
  await store.db.exec('CREATE TEMP TABLE bench_raw (id bigint PRIMARY KEY, payload text)');
  const config = await readStoreConfig(store.db, 'seattle');
  const shift = await store.db.query<{ shift_id: string }>(
    `SELECT shift_id FROM retail.shifts WHERE status = 'open'`,
  );
  const shiftId = shift.rows[0]?.shift_id ?? '';
  const floorJournal = (await FileJournal.open(join(ctx.workDir, 'floor-journal.ndjson'))).journal;
  /** A sale built exactly like a commit builds it (priced, settled, numbered), not yet written. */
  const floorSale = (i: number): Mutation => {
    const cart = {
      lines: Array.from({ length: 5 }, () => {
        const p = rng.pick(catalog);
        return {
          productId: p.productId,
          sku: p.sku,
          productName: p.productName,
          categoryId: p.categoryId,
          unitPriceCents: p.priceCents,
          quantity: rng.int(1, 3),
        };
      }),
    };
    const priced = priceCart(cart, taxRatesOf(config));
    const settlement = settleTenders(
      priced.totalCents,
      [{ type: 'cash', tenderedCents: 999_999_999 }],
      { online: false, offlineCardLimitCents: 0, newId: till.ids, currency: 'USD' },
    );
    const transactionId = till.ids();
    const lines = saleLines(priced.lines, { newId: till.ids });
    const seq = FLOOR_BASE + i;
    return {
      mutationId: FLOOR_BASE + i,
      type: 'sale.recorded',
      payload: {
        transactionId,
        registerId: 'R01',
        receiptSeq: seq,
        receiptNumber: receiptNumber('seattle', 'R01', seq),
        transactionType: 'sale',
        customerId: null,
        cashierId: cashier.staffId,
        approvedBy: null,
        shiftId,
        occurredAt: new Date().toISOString(),
        subtotalCents: priced.subtotalCents,
        discountCents: priced.discountCents,
        taxCents: priced.taxCents,
        totalCents: priced.totalCents,
        taxIncluded: priced.taxIncluded,
        taxRounding: priced.taxRounding,
        taxExemptReference: null,
        originalTransactionId: null,
        noReceiptReason: null,
        notes: null,
        coupons: [],
        loyaltyPointsEarned: null,
        lines,
        payments: settlement.payments,
        stockMovements: saleMovements(lines, transactionId, till.ids),
      },
    };
  };
  const floor = async (mutation: Mutation): Promise<void> => {
    await runPrepared(store.db, FLOOR, [
      'seattle',
      JSON.stringify(mutation.payload),
      'bench-till',
      String(mutation.mutationId),
    ]);
    await floorJournal.append(mutation);
  };

  // Commits, floor calls and bare inserts alternate, so all three see the same machine load.
  const commits: number[] = [];
  const floors: number[] = [];
  const raws: number[] = [];
  const rounds = ctx.quick ? 60 : 400;
  const recorder = saleRecorder(till);
  for (let i = 0; i < rounds + 20; i++) {
    const c = await recorder.commit(() => sale(recorder.till), i >= 20);
    const next = floorSale(i);
    const f = await timed(() => floor(next));
    const r = await timed(() =>
      store.db.query('INSERT INTO bench_raw (id, payload) VALUES ($1, $2)', [i, 'x'.repeat(64)]),
    );
    if (i >= 20) {
      commits.push(c);
      floors.push(f);
      raws.push(r);
    }
  }
  recorder.restore();
  await floorJournal.close();
  ctx.log(
    `sale commit p50 ${percentile(commits, 50).toFixed(2)} ms, floor p50 ${percentile(floors, 50).toFixed(2)} ms, raw insert p50 ${percentile(raws, 50).toFixed(3)} ms`,
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
    'edge.sale_floor_ms': summary(floors, [50, 99]),
    'edge.sale_commit_floor_ratio': round(percentile(commits, 50) / percentile(floors, 50), 2),
    'edge.sale_parts_ms': recorder.summary(),
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

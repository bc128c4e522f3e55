/**
 * Search figures on a 50,000-product store (2,000 with --quick), all from one run:
 *   search.index_build_s           embed every product with the built-in model, build its HNSW
 *                                  index (maintenance_work_mem 256MB) and its cells, seconds
 *   search.recall_at_10            {hybrid, fts, trigram, vector} over the labelled queries
 *   search.mrr                     {hybrid, fts, trigram, vector} (MRR@10)
 *   search.recall_at_10_by_class   per query class, same modes (exact, typo, prefix, ...)
 *   search.class_recall_at_10      {class: hybrid recall@10}; for no_match, the share of
 *                                  queries answered with nothing (1 - false-positive rate)
 *   search.no_match_false_positive_rate  share of queries for things the store does not sell
 *                                  that still got hits (hybrid, what the cashier sees)
 *   search.vector_index_recall     recall@10 of the vector index the till searches (the
 *                                  deterministic cells) against an exact scan of the same
 *                                  vectors, over 100 labelled queries; ties at the 10th
 *                                  distance count as found
 *   search.vector_index_recall_hnsw  the same for pgvector's HNSW index, for comparison
 *   search.eval_queries            how many labelled queries
 *   search.hybrid_ms {p50,p95}     one keystroke: every prefix of real queries, as typed
 *   search.hybrid_cpu_ms {p50,p95} the same keystrokes' CPU time (user + system) of this
 *                                  process, which runs PGlite: the work a keystroke costs
 *                                  without the time spent waiting for a core on a loaded machine
 *   search.substitutes_ms {p50,p95} substitutes for random products
 * Quality is measured on the same store the latency is, with seed 42, which was not used to
 * choose any weight or threshold (those were chosen on seeds 1000 and 2000).
 */
import { join } from 'node:path';
import { openEdgeStore } from '../till/node/store';
import { searchProducts } from '../db/queries/search';
import { substitutes } from '../db/queries/similar';
import { builtinEmbedder } from '../db/search/embedding/builtin';
import { vectorLiteral } from '../db/search/embedding/types';
import { embedAllProducts } from '../db/search/refresher';
import { indexRecall, nearestVectors } from '../db/search/vector-search';
import { generateCatalog } from '../db/seed/catalog';
import { Rng } from '../db/seed/random';
import { seedTill } from '../db/seed/write-edge';
import type { BenchContext, Figures, Suite } from './suite';
import { evaluateSearch } from './search-eval';
import { generateEvalQueries, QUERY_CLASSES } from './search-eval-queries';
import { round, summary } from './stats';

const STORE = 'seattle';
const SEED = 42;

/** Every prefix of a query as the cashier types it: "r", "ru", "run", ... "running shoes". */
export function keystrokes(text: string): string[] {
  const out: string[] = [];
  for (let i = 1; i <= text.length; i++) out.push(text.slice(0, i));
  return out;
}

async function run(ctx: BenchContext): Promise<Figures> {
  const products = ctx.quick ? 2_000 : 50_000;
  const store = await openEdgeStore({ dir: join(ctx.workDir, 'store') });
  try {
    ctx.log(`search: seeding a ${products}-product store`);
    await seedTill(store.db, {
      storeId: STORE,
      registerId: 'R01',
      deviceId: 'bench-search',
      seed: SEED,
      products,
      customers: 100,
    });

    ctx.log('search: embedding every product and building the HNSW index');
    const started = performance.now();
    await embedAllProducts(store.db, {
      storeId: STORE,
      onProgress: (done, total) => {
        if (done % 10_000 === 0 || done === total) ctx.log(`search: embedded ${done}/${total}`);
      },
    });
    const indexBuildS = (performance.now() - started) / 1000;
    // What the till does after a bulk load anyway (PGlite has no autovacuum): statistics and
    // GIN pending lists, so the figures below are the steady state, not the first minute.
    await store.maintain();

    const catalog = generateCatalog({ seed: SEED, products });
    const queries = generateEvalQueries(catalog, { seed: SEED, perClass: 40 });
    ctx.log(`search: evaluating ${queries.length} labelled queries x 4 modes`);
    const report = await evaluateSearch(store.db, { storeId: STORE, queries });

    // Per-keystroke latency over 60 of the labelled queries (spread over the classes).
    const rng = new Rng(SEED);
    const typed = rng.sample(queries, 60).flatMap((q) => keystrokes(q.text));
    for (const q of typed.slice(0, 50))
      await searchProducts(store.db, { storeId: STORE, query: q }); // warm caches
    ctx.log(`search: timing ${typed.length} keystrokes`);
    const hybrid: number[] = [];
    const hybridCpu: number[] = [];
    for (const q of typed) {
      const cpu = process.cpuUsage();
      const t = performance.now();
      await searchProducts(store.db, { storeId: STORE, query: q });
      hybrid.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      hybridCpu.push((used.user + used.system) / 1000);
    }

    // Index recall: the vector index against an exact scan of the same vectors.
    const recallOf = { cells: [] as number[], hnsw: [] as number[] };
    for (const q of rng.sample(
      queries.filter((x) => /[a-z]{3}/i.test(x.text)),
      100,
    )) {
      const base = {
        storeId: STORE,
        model: builtinEmbedder,
        vector: vectorLiteral(builtinEmbedder.embedSync(q.text)),
        depth: 10,
        floor: -1,
      };
      const exact = await nearestVectors(store.db, { ...base, exact: true });
      recallOf.cells.push(
        indexRecall(await nearestVectors(store.db, { ...base, via: 'cells' }), exact, 10),
      );
      recallOf.hnsw.push(
        indexRecall(await nearestVectors(store.db, { ...base, via: 'hnsw' }), exact, 10),
      );
    }
    const mean = (xs: number[]): number => round(xs.reduce((a, b) => a + b, 0) / xs.length, 3);

    const active = catalog.filter((p) => p.isActive);
    const subs: number[] = [];
    for (const p of rng.sample(active, 220)) {
      const t = performance.now();
      await substitutes(store.db, { storeId: STORE, productId: p.productId });
      subs.push(performance.now() - t);
    }

    return {
      'search.index_build_s': round(indexBuildS, 1),
      'search.recall_at_10': report.recallAt10,
      'search.mrr': report.mrr,
      'search.recall_at_10_by_class': Object.fromEntries(
        QUERY_CLASSES.map((c) => [c, report.byClass[c].recallAt10]),
      ),
      'search.class_recall_at_10': Object.fromEntries(
        QUERY_CLASSES.map((c) => [c, report.byClass[c].recallAt10.hybrid]),
      ),
      'search.no_match_false_positive_rate': report.noMatchFalsePositiveRate.hybrid,
      'search.vector_index_recall': mean(recallOf.cells),
      'search.vector_index_recall_hnsw': mean(recallOf.hnsw),
      'search.eval_queries': report.queries,
      'search.hybrid_ms': summary(hybrid, [50, 95]),
      'search.hybrid_cpu_ms': summary(hybridCpu, [50, 95]),
      'search.substitutes_ms': summary(subs.slice(20), [50, 95]),
    };
  } finally {
    await store.close();
  }
}

export const suite: Suite = { name: 'search', run };

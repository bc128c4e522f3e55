/**
 * Search quality: recall@10 and MRR@10 of the labelled queries (search-eval-queries.ts) for the
 * hybrid search and for each signal alone, all in ONE run over the same database.
 *
 *   recall@10 = |relevant ∩ top 10| / min(10, |relevant|)     (1.0 = the first page is all
 *               relevant, or holds every relevant product when fewer than 10 exist)
 *   MRR@10    = 1 / rank of the first relevant hit in the top 10 (0 when none)
 *
 * Queries that must find nothing (class no_match) are scored apart: their "recall" is 1 when
 * the answer is empty and 0 otherwise (so the class figure is 1 - the false-positive rate),
 * and they are left out of the overall recall@10 and MRR, which need something to find.
 *
 * The bench suite (search.ts) calls `evaluateSearch`; search-eval-cli.ts runs it on its own
 * for any seed and size and lists the misses.
 */
import { searchProducts, type Signal } from '../db/queries/search';
import type { Queryable } from '../db/queryable';
import {
  EMPTY_CLASSES,
  QUERY_CLASSES,
  type LabelledQuery,
  type QueryClass,
} from './search-eval-queries';

export const EVAL_MODES = {
  hybrid: ['code', 'fts', 'trigram', 'vector'],
  fts: ['fts'],
  trigram: ['trigram'],
  vector: ['vector'],
  /** Development only (search-eval-cli --modes): everything but the vector signal. */
  words: ['code', 'fts', 'trigram'],
} as const satisfies Record<string, readonly Signal[]>;
export type EvalMode = keyof typeof EVAL_MODES;
/** The modes the bench reports (search.recall_at_10 and search.mrr keys). */
export const BENCH_MODES: readonly EvalMode[] = ['hybrid', 'fts', 'trigram', 'vector'];

export interface QueryOutcome {
  recall: number;
  reciprocalRank: number;
}

export function scoreRanking(
  ranked: readonly string[],
  relevant: ReadonlySet<string>,
  k = 10,
): QueryOutcome {
  if (relevant.size === 0) {
    // Nothing to find: the only right answer is no answer.
    const right = ranked.length === 0 ? 1 : 0;
    return { recall: right, reciprocalRank: right };
  }
  const top = ranked.slice(0, k);
  const hits = top.filter((id) => relevant.has(id)).length;
  const first = top.findIndex((id) => relevant.has(id));
  return {
    recall: hits / Math.min(k, relevant.size),
    reciprocalRank: first < 0 ? 0 : 1 / (first + 1),
  };
}

export interface EvalReport {
  queries: number;
  /** Over the queries that have something to find (every class but no_match). */
  recallAt10: Record<EvalMode, number>;
  mrr: Record<EvalMode, number>;
  /** Share of must-find-nothing queries that got at least one hit. */
  noMatchFalsePositiveRate: Record<EvalMode, number>;
  byClass: Record<
    QueryClass,
    { recallAt10: Record<EvalMode, number>; mrr: Record<EvalMode, number>; queries: number }
  >;
  /** Per query and mode, for inspection (not a bench figure). */
  details: Array<{
    query: LabelledQuery;
    outcomes: Record<EvalMode, QueryOutcome>;
    top: Record<EvalMode, string[]>;
  }>;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export async function evaluateSearch(
  db: Queryable,
  options: { storeId: string; queries: readonly LabelledQuery[]; modes?: readonly EvalMode[] },
): Promise<EvalReport> {
  const modes = options.modes ?? BENCH_MODES;
  const details: EvalReport['details'] = [];
  for (const query of options.queries) {
    const outcomes = {} as Record<EvalMode, QueryOutcome>;
    const top = {} as Record<EvalMode, string[]>;
    for (const mode of modes) {
      const result = await searchProducts(db, {
        storeId: options.storeId,
        query: query.text,
        limit: 10,
        signals: [...EVAL_MODES[mode]],
      });
      top[mode] = result.hits.map((h) => h.productId);
      outcomes[mode] = scoreRanking(top[mode], query.relevant);
    }
    details.push({ query, outcomes, top });
  }
  const mean = (rows: typeof details, mode: EvalMode, key: keyof QueryOutcome): number =>
    rows.length === 0
      ? 0
      : round(rows.reduce((s, d) => s + (d.outcomes[mode]?.[key] ?? 0), 0) / rows.length);
  const summarize = (
    rows: typeof details,
  ): { recallAt10: Record<EvalMode, number>; mrr: Record<EvalMode, number> } => ({
    recallAt10: Object.fromEntries(modes.map((m) => [m, mean(rows, m, 'recall')])) as Record<
      EvalMode,
      number
    >,
    mrr: Object.fromEntries(modes.map((m) => [m, mean(rows, m, 'reciprocalRank')])) as Record<
      EvalMode,
      number
    >,
  });
  const byClass = Object.fromEntries(
    QUERY_CLASSES.map((cls) => {
      const rows = details.filter((d) => d.query.cls === cls);
      return [cls, { ...summarize(rows), queries: rows.length }];
    }),
  ) as EvalReport['byClass'];
  const findable = details.filter((d) => !EMPTY_CLASSES.has(d.query.cls));
  const empty = details.filter((d) => EMPTY_CLASSES.has(d.query.cls));
  const noMatchFalsePositiveRate = Object.fromEntries(
    modes.map((m) => [
      m,
      empty.length === 0 ? 0 : round(1 - (summarize(empty).recallAt10[m] ?? 0)),
    ]),
  ) as Record<EvalMode, number>;
  return {
    queries: details.length,
    ...summarize(findable),
    noMatchFalsePositiveRate,
    byClass,
    details,
  };
}

/**
 * Weighted reciprocal rank fusion of the search signals' ranked lists:
 *
 *   score = Σ over text/vector signals of weight / (k + rank)   +   code score
 *
 * A code match adds its CODE_SCORE (0.5-1), more than fusion can ever give (at most
 * Σ weights / (k + 1) ≈ 0.04), so codes always come first, exact before corrected.
 */
import type { CodeMatch } from './code-search';

export const SIGNALS = ['code', 'fts', 'trigram', 'vector'] as const;
export type Signal = (typeof SIGNALS)[number];

/** One signal's ranked list: product ids best first, with that signal's own score. */
export interface Ranked {
  productId: string;
  score: number;
  how?: CodeMatch;
}

export interface SignalMatch {
  /** 1-based rank within that signal's list. */
  rank: number;
  /** code: its lift; fts: ts_rank_cd; trigram: word similarity 0..1; vector: cosine similarity. */
  score: number;
}

export type Why = Partial<Record<Signal, SignalMatch>> & { codeField?: CodeMatch };

export interface Fused {
  productId: string;
  score: number;
  why: Why;
  matchedBy: Signal[];
}

export function fuseRankings(
  lists: Partial<Record<Signal, readonly Ranked[]>>,
  k: number,
  weights: Record<Signal, number>,
): Fused[] {
  const fused = new Map<string, Fused>();
  for (const signal of SIGNALS) {
    const list = lists[signal] ?? [];
    list.forEach((item, index) => {
      const rank = index + 1;
      const entry = fused.get(item.productId) ?? {
        productId: item.productId,
        score: 0,
        why: {},
        matchedBy: [],
      };
      entry.score += signal === 'code' ? item.score : weights[signal] / (k + rank);
      entry.why[signal] = { rank, score: item.score };
      if (item.how) entry.why.codeField = item.how;
      entry.matchedBy.push(signal);
      fused.set(item.productId, entry);
    });
  }
  return [...fused.values()].sort(
    (a, b) =>
      b.score - a.score || (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0),
  );
}

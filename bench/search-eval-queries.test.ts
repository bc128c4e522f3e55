import { describe, expect, it } from 'vitest';
import { generateCatalog, Rng } from '../db/seed/generate';
import { scoreRanking } from './search-eval';
import { generateEvalQueries, QUERY_CLASSES, typo } from './search-eval-queries';

const catalog = generateCatalog({ seed: 42, products: 3_000 });
const queries = generateEvalQueries(catalog, { seed: 42, perClass: 40 });
const byId = new Map(catalog.map((p) => [p.productId, p]));

describe('labelled search queries', () => {
  it('generates at least 200 queries, 40 of each of the seven classes, all distinct per class', () => {
    expect(queries.length).toBeGreaterThanOrEqual(200);
    for (const cls of QUERY_CLASSES) {
      const texts = queries.filter((q) => q.cls === cls).map((q) => q.text);
      expect(texts.length).toBe(40);
      expect(new Set(texts).size).toBe(40);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const again = generateEvalQueries(catalog, { seed: 42, perClass: 40 });
    expect(again.map((q) => [q.text, q.rule, [...q.relevant].sort()])).toEqual(
      queries.map((q) => [q.text, q.rule, [...q.relevant].sort()]),
    );
    const other = generateEvalQueries(catalog, { seed: 43, perClass: 40 });
    expect(other.map((q) => q.text)).not.toEqual(queries.map((q) => q.text));
  });

  it('labels only active products, and every label follows from the facts by the stated rule', () => {
    for (const q of queries) {
      expect(q.relevant.size).toBeGreaterThan(0);
      for (const id of q.relevant) {
        const p = byId.get(id);
        expect(p?.isActive).toBe(true);
        if (!p) continue;
        // Spot-check the rules that name fields directly.
        for (const clause of q.rule.split(' & ')) {
          const m = /^(noun|brand|line|color|size|spec|material)=(.*)$/.exec(clause);
          if (m) expect(p.facts[m[1] as 'noun']).toBe(m[2]);
        }
        if (q.cls === 'exact') expect(p.productName.toLowerCase()).toBe(q.text.toLowerCase());
        if (q.cls === 'prefix')
          expect(
            `${p.facts.brand} ${p.facts.line} ${p.facts.noun}`.toLowerCase().startsWith(q.text),
          ).toBe(true);
      }
    }
  });

  it('finds every product that satisfies a rule, not just the one it started from', () => {
    const q = queries.find((x) => x.cls === 'brand_type');
    expect(q).toBeDefined();
    const [brand, noun] = (q?.rule ?? '').split(' & ').map((c) => c.split('=')[1]);
    const expected = catalog
      .filter((p) => p.isActive && p.facts.brand === brand && p.facts.noun === noun)
      .map((p) => p.productId);
    expect([...(q?.relevant ?? [])].sort()).toEqual(expected.sort());
  });

  it('renders the kinds of queries the issue names', () => {
    const texts = (cls: string): string[] =>
      queries.filter((q) => q.cls === cls).map((q) => q.text);
    expect(texts('description').some((t) => t.startsWith('something like the '))).toBe(true);
    expect(texts('attribute').some((t) => /size /.test(t))).toBe(true);
    // Typo queries differ from every exact rendering of the same facts.
    for (const q of queries.filter((x) => x.cls === 'typo'))
      expect(q.text).toMatch(/^[a-z0-9 '&.-]+$/);
  });

  it('makes one deterministic keyboard typo, never in the first letter', () => {
    const rng = new Rng(1);
    for (const word of ['running', 'charger', 'headphones', 'sofa']) {
      const t = typo(rng, word);
      expect(t).not.toBe(word);
      expect(t[0]).toBe(word[0]);
      expect(Math.abs(t.length - word.length)).toBeLessThanOrEqual(1);
    }
    expect(typo(new Rng(5), 'tv')).toBe('tv');
  });
});

describe('scoreRanking', () => {
  it('computes recall@10 against min(10, |relevant|) and the reciprocal rank of the first hit', () => {
    const relevant = new Set(['a', 'b']);
    expect(scoreRanking(['x', 'a', 'y', 'b'], relevant)).toEqual({
      recall: 1,
      reciprocalRank: 0.5,
    });
    expect(scoreRanking(['x', 'y'], relevant)).toEqual({ recall: 0, reciprocalRank: 0 });
    const many = new Set(Array.from({ length: 30 }, (_, i) => `p${i}`));
    expect(
      scoreRanking(['p1', 'p2', 'z', 'p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9', 'p10'], many),
    ).toEqual({ recall: 0.9, reciprocalRank: 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { generateCatalog } from '../db/seed/catalog';
import { Rng } from '../db/seed/random';
import { scoreRanking } from './search-eval';
import { ean13CheckDigit } from './search-eval/render-words';
import { EMPTY_CLASSES, generateEvalQueries, QUERY_CLASSES } from './search-eval-queries';
import { foldWord } from './search-eval/rules';
import { NOT_SOLD } from './search-eval/no-match';
import { soundAlike, typo } from './search-eval/typing';

const catalog = generateCatalog({ seed: 42, products: 3_000 });
const queries = generateEvalQueries(catalog, { seed: 42, perClass: 40 });
const byId = new Map(catalog.map((p) => [p.productId, p]));

describe('labelled search queries', () => {
  it('generates at least 200 queries, 40 of each rule-rendered class, all distinct per class', () => {
    expect(queries.length).toBeGreaterThanOrEqual(200);
    const fixedLists = new Set(['department', 'whole_word']);
    for (const cls of QUERY_CLASSES) {
      const texts = queries.filter((q) => q.cls === cls).map((q) => q.text);
      if (fixedLists.has(cls)) expect(texts.length).toBeGreaterThanOrEqual(10);
      else expect(texts.length).toBe(40);
      expect(new Set(texts).size).toBe(texts.length);
    }
  });

  // Generates the whole query set twice more over 3,000 products: longer than 5 s under load.
  it('is deterministic for a seed and differs between seeds', { timeout: 60_000 }, () => {
    const again = generateEvalQueries(catalog, { seed: 42, perClass: 40 });
    expect(again.map((q) => [q.text, q.rule, [...q.relevant].sort()])).toEqual(
      queries.map((q) => [q.text, q.rule, [...q.relevant].sort()]),
    );
    const other = generateEvalQueries(catalog, { seed: 43, perClass: 40 });
    expect(other.map((q) => q.text)).not.toEqual(queries.map((q) => q.text));
  });

  it('labels only active products, and every label follows from the facts by the stated rule', () => {
    for (const q of queries) {
      if (EMPTY_CLASSES.has(q.cls)) {
        expect(q.relevant.size).toBe(0);
        continue;
      }
      expect(q.relevant.size).toBeGreaterThan(0);
      for (const id of q.relevant) {
        const p = byId.get(id);
        expect(p?.isActive).toBe(true);
        if (!p) continue;
        // Spot-check the rules that name fields directly.
        for (const clause of q.rule.split(/ & (?=[a-z]+=)/)) {
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

describe('issue 15 classes', () => {
  const of = (cls: string): typeof queries => queries.filter((q) => q.cls === cls);

  it('labels a category query with every product shelved in that category or below it', () => {
    for (const q of of('category')) {
      const name = /category∋"(.*)"/.exec(q.rule)?.[1] ?? '';
      const expected = catalog.filter(
        (p) => p.isActive && (p.facts.category === name || p.facts.subcategory === name),
      );
      expect(q.relevant.size).toBe(expected.length);
    }
  });

  it('misspells brands by one sound-alike edit, never the first letter', () => {
    const rng = new Rng(3);
    for (const brand of ['columbia', 'dyson', 'michelin', 'samsung']) {
      const wrong = soundAlike(rng, brand);
      expect(wrong).not.toBe(brand);
      expect(wrong[0]).toBe(brand[0]);
    }
    for (const q of of('brand_typo')) {
      const brand = /^brand=(.*)$/.exec(q.rule)?.[1] ?? '';
      expect(q.text).not.toBe(brand.toLowerCase());
      expect(q.relevant.size).toBeGreaterThan(0);
    }
  });

  it('renders code variants: SKU prefixes, SKUs without dashes, barcodes with one wrong digit', () => {
    const codes = of('code');
    expect(codes.some((q) => /^\d{13}$/.test(q.text))).toBe(true);
    expect(codes.some((q) => /^[a-z]{6}\d{6}$/i.test(q.text))).toBe(true);
    expect(codes.some((q) => q.text.includes('-'))).toBe(true);
    for (const q of codes.filter((x) => /^\d{13}$/.test(x.text))) {
      const target = byId.get([...q.relevant][0] ?? '');
      const wrong = [...q.text].filter((c, i) => c !== target?.barcode?.[i]).length;
      expect(wrong).toBe(1);
      // One wrong digit always breaks the EAN-13 check digit.
      expect(ean13CheckDigit(q.text.slice(0, 12))).not.toBe(Number(q.text[12]));
    }
  });

  it('keeps only not-sold queries that share no word with any catalog fact', () => {
    const noMatch = of('no_match');
    expect(noMatch.length).toBe(40);
    for (const q of noMatch) {
      expect(NOT_SOLD).toContain(q.text);
      expect(q.relevant.size).toBe(0);
    }
    expect(foldWord('toiletries')).toBe('toiletry');
    expect(foldWord('dresses')).toBe('dress');
  });

  it('finds whole words that a stemmed prefix search confuses with longer words', () => {
    const texts = of('whole_word').map((q) => q.text);
    expect(texts).toEqual(expect.arrayContaining(['pot', 'cans', 'pants']));
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
    // Nothing to find: only an empty answer is right.
    expect(scoreRanking([], new Set())).toEqual({ recall: 1, reciprocalRank: 1 });
    expect(scoreRanking(['x'], new Set())).toEqual({ recall: 0, reciprocalRank: 0 });
  });
});

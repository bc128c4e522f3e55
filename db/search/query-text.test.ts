import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors';
import { fuseRankings } from '../queries/search';
import { MAX_QUERY_CHARS, prepareQuery, sanitizeQuery } from './query-text';

/** Words handed to the database may only hold letters, digits, dots and inner hyphens. */
const SAFE_WORD = /^[\p{L}\p{N}]+(?:[.-][\p{L}\p{N}]+)*$/u;

describe('prepareQuery', () => {
  it('splits the words as the full-text parser does and says whether the last is still typed', () => {
    const q = prepareQuery('usb c charger 65w');
    expect(q.words).toEqual(['usb', 'c', 'charger', '65w']);
    expect(q.typing).toBe(true);
    // A finished word (trailing space) is no longer being typed.
    expect(prepareQuery('usb c charger ').typing).toBe(false);
    expect(prepareQuery('tv').words).toEqual(['tv']);
  });

  it('keeps decimals and hyphenated words whole, as the parser indexes them', () => {
    expect(prepareQuery('5w-30 motor oil').words).toEqual(['5w-30', 'motor', 'oil']);
    expect(prepareQuery('12.9-inch tablet ').words).toEqual(['12.9', 'inch', 'tablet']);
    expect(prepareQuery('on-ear headphones').words).toEqual(['on-ear', 'headphones']);
    expect(prepareQuery('board game 2-4').words).toEqual(['board', 'game', '2-4']);
  });

  it('drops filler words and keeps fuzzy and vector signals for 3+ letters only', () => {
    expect(prepareQuery('something like the ').trigram).toBeNull();
    const q = prepareQuery('something like the blue Levis');
    expect(q.words).toEqual(['blue', 'levis']);
    expect(q.trigram).toBe('blue levis');
    expect(q.semantic).toBe('something like the blue Levis');
    expect(prepareQuery('bl').trigram).toBeNull();
    expect(prepareQuery('bl').semantic).toBeNull();
    expect(prepareQuery('blu').trigram).toBe('blu');
  });

  it('recognises a single code-like token as a barcode/SKU candidate', () => {
    expect(prepareQuery(' 2000000000007 ').code).toBe('2000000000007');
    expect(prepareQuery('ele-sma-000001').code).toBe('ele-sma-000001');
    expect(prepareQuery('usb charger').code).toBeNull();
  });

  it.each([
    ["'"],
    ["O'Reilly's"],
    ['a & b | !c :*'],
    ['!!!'],
    ["'; DROP TABLE retail.products; --"],
    ['blue <-> jeans'],
    ['back\\slash (paren) "quote"'],
    ['nike:* & !adidas'],
    ['🙂🔥 running 👟 shoes'],
    ['naïve café crème'],
    ['漢字 テスト'],
  ])('never lets operators or quotes through: %s', (raw) => {
    for (const word of prepareQuery(raw).words) expect(word).toMatch(SAFE_WORD);
  });

  it('turns symbol-only and emoji-only input into no signals at all', () => {
    for (const raw of ['', '   ', "'", '&|!:*', '🙂🔥👟', '\u0000\u0001']) {
      const q = prepareQuery(raw);
      expect([q.words, q.trigram, q.semantic]).toEqual([[], null, null]);
    }
  });

  it('removes characters PostgreSQL text cannot hold', () => {
    expect(sanitizeQuery('run\u0000ning')).toBe('run ning');
    expect(sanitizeQuery('bad \uD800 surrogate')).toBe('bad surrogate');
    expect(sanitizeQuery('emoji 🙂 kept')).toBe('emoji 🙂 kept');
  });

  it('rejects queries longer than the limit with a ValidationError', () => {
    expect(() => prepareQuery('x'.repeat(MAX_QUERY_CHARS))).not.toThrow();
    expect(() => prepareQuery('x'.repeat(10_000))).toThrow(ValidationError);
    expect(() => prepareQuery('x'.repeat(10_000))).toThrow(/at most 200/);
  });
});

describe('fuseRankings (reciprocal rank fusion)', () => {
  it('adds 1/(k+rank) per signal, puts an exact code match first, explains each hit', () => {
    const fused = fuseRankings(
      {
        code: [{ productId: 'c', score: 1, how: 'sku' }],
        fts: [
          { productId: 'a', score: 0.5 },
          { productId: 'b', score: 0.4 },
        ],
        trigram: [
          { productId: 'b', score: 0.9 },
          { productId: 'a', score: 0.8 },
        ],
        vector: [{ productId: 'b', score: 0.7 }],
      },
      60,
      { code: 1, fts: 1, trigram: 1, vector: 1 },
    );
    expect(fused.map((f) => f.productId)).toEqual(['c', 'b', 'a']);
    expect(fused[0]?.why).toEqual({ code: { rank: 1, score: 1 }, codeField: 'sku' });
    expect(fused[1]?.matchedBy).toEqual(['fts', 'trigram', 'vector']);
    expect(fused[1]?.score).toBeCloseTo(1 / 62 + 1 / 61 + 1 / 61, 12);
    expect(fused[2]?.why.fts).toEqual({ rank: 1, score: 0.5 });
  });

  it('never lets trigram and vector evidence alone pass a full-text match (default weights)', () => {
    const fts = Array.from({ length: 40 }, (_, i) => ({ productId: `t${i}`, score: 1 }));
    const fused = fuseRankings({
      fts,
      trigram: [{ productId: 'spelling', score: 1 }],
      vector: [{ productId: 'spelling', score: 0.9 }],
    });
    expect(fused.map((f) => f.productId).indexOf('spelling')).toBe(40);
    expect(fused[40]?.score).toBeCloseTo(0.6 / 61, 12);
  });

  it('breaks ties by product id, so the order never depends on timing', () => {
    const fused = fuseRankings(
      {
        fts: [{ productId: 'y', score: 1 }],
        trigram: [{ productId: 'x', score: 1 }],
      },
      60,
      { code: 1, fts: 1, trigram: 1, vector: 1 },
    );
    expect(fused.map((f) => f.productId)).toEqual(['x', 'y']);
  });
});

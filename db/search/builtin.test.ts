import { describe, expect, it } from 'vitest';
import {
  BUILTIN_DIMENSION,
  BUILTIN_MODEL_ID,
  builtinEmbedder,
  cosine,
  embedText,
  HashingEmbedder,
  hashFeature,
  isZeroVector,
  textFeatures,
} from './embedding/builtin';
import { findConcepts } from './embedding/lexicon';
import { productEmbeddingText } from './embedding/product-text';
import { normalizeText, stem, tokenize } from './embedding/text';
import { generateCatalog, type CatalogItem } from '../seed/catalog';
import { Rng } from '../seed/random';

/** The sample catalog, embedded: the robustness tests ask where a query lands in it. */
const catalog = generateCatalog({ seed: 5, products: 600 }).filter((p) => p.isActive);
const vectors = catalog.map((p) =>
  embedText(
    productEmbeddingText({
      productName: p.productName,
      brand: p.brand,
      categoryName: p.facts.category,
      color: p.color,
      size: p.size,
      tags: p.tags,
      productDescription: p.productDescription,
    }),
  ),
);
const sample = new Rng(9).sample(catalog, 150);

function nearest(query: string): CatalogItem {
  const q = embedText(query);
  let best = 0;
  let bestScore = -Infinity;
  vectors.forEach((v, i) => {
    const s = cosine(q, v);
    if (s > bestScore) [best, bestScore] = [i, s];
  });
  return catalog[best] ?? catalog[0]!;
}

/** Share of the sample whose query lands on a product satisfying `ok`. */
function landing(
  query: (p: CatalogItem) => string,
  ok: (hit: CatalogItem, p: CatalogItem) => boolean,
): number {
  return sample.filter((p) => ok(nearest(query(p)), p)).length / sample.length;
}
const sameNoun = (hit: CatalogItem, p: CatalogItem): boolean => hit.facts.noun === p.facts.noun;

/** Drop one letter inside every word of 5+ letters ("running" -> "runing"), deterministically. */
function misspell(text: string, rng: Rng): string {
  return text
    .split(' ')
    .map((w) => {
      if (w.length < 5) return w;
      const i = rng.int(1, w.length - 2);
      return w.slice(0, i) + w.slice(i + 1);
    })
    .join(' ');
}

describe('built-in embedder: contract', () => {
  it('declares its id and dimension and returns unit vectors of that dimension', async () => {
    expect(builtinEmbedder.id).toBe(BUILTIN_MODEL_ID);
    expect(builtinEmbedder.dimension).toBe(BUILTIN_DIMENSION);
    const [v] = await builtinEmbedder.embed(['Nike running shoes']);
    expect(v).toBeInstanceOf(Float32Array);
    expect(v?.length).toBe(256);
    expect(cosine(v ?? [], v ?? [])).toBeCloseTo(1, 6);
    let norm = 0;
    for (const x of v ?? []) norm += x * x;
    expect(Math.sqrt(norm)).toBeCloseTo(1, 5);
  });

  it('is deterministic: same text, same bytes, across calls and instances', async () => {
    const text = 'Anker Nexode 65W USB-C Charger - White\nAnker | Electronics\nGaN fast charging.';
    const a = embedText(text);
    const [b] = await new HashingEmbedder().embed([text]);
    expect(Buffer.from(a.buffer).equals(Buffer.from((b ?? new Float32Array()).buffer))).toBe(true);
  });

  it('matches a golden fingerprint, so any change to features or weights is caught (it needs a new model id)', () => {
    // Pure integer/float arithmetic and UTF-16 code units only: Node, browsers and HQ agree.
    expect(hashFeature('w:shoe')).toBe(hashFeature('w:shoe'));
    const v = embedText('Nike running shoes');
    const nonZero = [...v.keys()].filter((i) => v[i] !== 0);
    const fingerprint = nonZero.slice(0, 6).map((i) => [i, Number((v[i] ?? 0).toFixed(6))]);
    expect({ count: nonZero.length, fingerprint }).toMatchInlineSnapshot(`
      {
        "count": 20,
        "fingerprint": [
          [
            64,
            -0.44564,
          ],
          [
            67,
            -0.089128,
          ],
          [
            70,
            -0.168436,
          ],
          [
            135,
            -0.168436,
          ],
          [
            137,
            0.297093,
          ],
          [
            139,
            0.054384,
          ],
        ],
      }
    `);
  });

  it('returns a zero vector for text without letters or digits (emoji, punctuation, empty)', () => {
    expect(isZeroVector(embedText(''))).toBe(true);
    expect(isZeroVector(embedText('🙂🔥 !!! ---'))).toBe(true);
    expect(isZeroVector(embedText('the and of'))).toBe(true); // stopwords only
    expect(isZeroVector(embedText('tv'))).toBe(false);
  });
});

describe('built-in embedder: robustness', () => {
  it('folds plurals, case and accents', () => {
    expect(stem('batteries')).toBe('battery');
    expect(stem('shoes')).toBe('shoe');
    expect(stem('brushes')).toBe('brush');
    expect(stem('glasses')).toBe('glass');
    expect(stem('dress')).toBe('dress');
    expect(stem('65w')).toBe('65w');
    expect(normalizeText("Café LEVI'S")).toBe('cafe levis');
    expect(cosine(embedText('batteries'), embedText('Battery'))).toBeCloseTo(1, 6);
    expect(cosine(embedText('running shoes'), embedText('RUNNING SHOE'))).toBeCloseTo(1, 6);
  });

  it('barely cares about word order', () => {
    expect(
      cosine(embedText('nike running shoes black'), embedText('black shoes running nike')),
    ).toBeGreaterThan(0.8);
    const rate = landing(
      (p) => `${p.facts.noun} ${p.color ?? ''} ${p.facts.brand}`.toLowerCase(),
      (hit, p) => sameNoun(hit, p) && hit.facts.brand === p.facts.brand,
    );
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });

  it('lands misspelt queries on the right kind of product', () => {
    const rng = new Rng(11);
    const rate = landing(
      (p) => misspell(`${p.facts.brand} ${p.facts.noun}`.toLowerCase(), rng),
      sameNoun,
    );
    expect(rate).toBeGreaterThanOrEqual(0.9);
    expect(cosine(embedText('runing shoes'), embedText('running shoes'))).toBeGreaterThan(0.5);
    expect(cosine(embedText('runing shoes'), embedText('floor lamp'))).toBeLessThan(0.2);
  });

  it('lands singular/plural variants on the right kind of product', () => {
    const flip = (noun: string): string => (noun.endsWith('s') ? noun.slice(0, -1) : `${noun}s`);
    expect(
      landing((p) => `${p.facts.brand} ${flip(p.facts.noun)}`.toLowerCase(), sameNoun),
    ).toBeGreaterThanOrEqual(0.95);
  });

  it('matches partial words typed so far', () => {
    expect(
      landing(
        (p) =>
          `${p.facts.brand} ${p.facts.noun.slice(0, Math.max(3, p.facts.noun.length - 3))}`.toLowerCase(),
        sameNoun,
      ),
    ).toBeGreaterThanOrEqual(0.9);
  });

  it('joins split words and attribute pairs (t shirt = tshirt, usb c = usbc, size 10)', () => {
    expect([...textFeatures('t shirt').keys()]).toContain('w:tshirt');
    expect([...textFeatures('size 10').keys()]).toContain('w:size10');
    // ...but never across punctuation: "Nike | Clothing" is not a word.
    expect([...textFeatures('Nike | Clothing').keys()]).not.toContain('w:nikeclothing');
    expect(cosine(embedText('tshirt'), embedText('T-Shirt'))).toBeGreaterThan(0.5);
  });

  it('knows retail synonyms from its lexicon, and only those', () => {
    expect(findConcepts(tokenize('grey couch').tokens)).toEqual(['grey', 'sofa']);
    expect(findConcepts(tokenize('running shoes').tokens)).toEqual(['sneakers']);
    expect(findConcepts(tokenize('table lamp').tokens)).toEqual(['lamp']); // longest phrase wins
    expect(findConcepts(tokenize('cozy top').tokens)).toEqual([]); // not in the lexicon
    expect(cosine(embedText('couch'), embedText('sofa'))).toBeGreaterThan(0.25);
    expect(cosine(embedText('couch'), embedText('lamp'))).toBeLessThan(0.1);
    // Synonyms shoppers use, alone, land on the right kind of product most of the time.
    const pairs = sample.flatMap((p) => p.facts.synonyms.map((s) => [s.toLowerCase(), p] as const));
    const hits = pairs.filter(([s, p]) => sameNoun(nearest(s), p)).length;
    expect(hits / pairs.length).toBeGreaterThanOrEqual(0.85);
  });
});

describe('product embedding text', () => {
  it('puts the name first, attributes second, description last, without duplicates', () => {
    const text = productEmbeddingText({
      productName: '  Nike  Tee ',
      brand: 'Nike',
      categoryName: 'Clothing',
      color: 'Black',
      size: 'M',
      tags: ['clothing', 't-shirt', 'black'],
      productDescription: 'Soft\ncotton.',
    });
    expect(text).toBe('Nike Tee\nNike | Clothing | Black | size M | t shirt\nSoft cotton.');
  });
});

